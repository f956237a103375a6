"""Participant counts: the bulk upsert, the monthly totals kept beside them, the
locks of approved months and the serialising of writers of one regency-month.

Each function takes clean records (see ``coverage.records``) and upserts them in
bulk, so that an import of 100,000 rows is a handful of queries, not one per row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, selectors
from ..formatting import moment
from ..models import (
    Branch,
    ChangeLog,
    MonthApproval,
    MonthlyTotal,
    ParticipantCount,
    Region,
)
from ..records import ParticipantRecord
from .context import (
    BATCH_SIZE,
    AdminUser,
    Change,
    WriteContext,
    WriteResult,
    admin_context,
    log_admin_delete,
    outside_scope,
)

UNNEST_BATCH_SIZE = 20_000
# A count's columns and the record fields they hold, in the order of the upsert's arrays.
COUNT_COLUMNS = (
    ("year", "year"),
    ("month", "month"),
    ("region_id", "region_code"),
    ("sector_id", "sector_code"),
    ("segment_id", "segment_code"),
    ("active", "active"),
    ("nonactive", "nonactive"),
)


class LockedPeriodError(Exception):
    """A write would change counts of a month that a manager approved (locked).

    The message names each locked month and branch, who approved it and when, and
    who can open it again (a manager of that branch or of the province), because
    the file or the grid is not what needs fixing.
    """

    def __init__(self, cells: Iterable[tuple[int, int, str]]) -> None:
        self.cells = sorted(set(cells))
        self.message = _(
            "Bulan berikut sudah disetujui dan dikunci, sehingga tidak ada yang disimpan: "
            "%(months)s. Hanya manajer (cabang itu atau seluruh provinsi) yang dapat membuka "
            "kuncinya di halaman Persetujuan; minta manajer membuka kuncinya terlebih dahulu."
        ) % {"months": "; ".join(locked_month_lines(self.cells))}
        super().__init__(self.message)


def locked_month_lines(cells: Sequence[tuple[int, int, str]]) -> list[str]:
    """One line per locked (month, scope): "2025-04 (Kupang), disetujui oleh … pada …"."""
    branches = dict(Region.objects.values_list("bps_code", "branch_id"))
    names = dict(Branch.objects.values_list("code", "name"))
    months = {(year, month) for year, month, _region in cells}
    approvals = {
        (a.year, a.month, a.branch_id): a
        for a in MonthApproval.objects.filter(
            locked=True, year__in={year for year, _m in months}
        ).select_related("approved_by")
        if (a.year, a.month) in months
    }
    lines: set[str] = set()
    for year, month, region in cells:
        branch = branches.get(region)
        approval = approvals.get((year, month, None)) or approvals.get((year, month, branch))
        scope = (
            _("seluruh provinsi")
            if approval is not None and approval.branch_id is None
            else names.get(branch or "", region)
        )
        line = f"{year}-{month:02d} ({scope})"
        if approval is not None:
            who = approval.approved_by.get_username() if approval.approved_by else "–"
            line += ", " + _("disetujui oleh %(user)s pada %(when)s WITA") % {
                "user": who,
                "when": moment(approval.approved_at),
            }
        lines.add(line)
    return sorted(lines)


def check_not_locked(records: Sequence[ParticipantRecord]) -> None:
    locked = selectors.locked_region_months({(r.year, r.month) for r in records})
    hits = [
        (r.year, r.month, r.region_code)
        for r in records
        if (r.year, r.month, r.region_code) in locked
    ]
    if hits:
        raise LockedPeriodError(hits)


@transaction.atomic
def participant_counts_save(
    *,
    records: Sequence[ParticipantRecord],
    user_id: int | None = None,
    context: WriteContext | None = None,
) -> WriteResult:
    """Insert or replace the counts of each (period, region, sector, segment).

    Refuses (``LockedPeriodError``) if any changed count lies in an approved month,
    and records every changed count in the change log.
    """
    context = context or WriteContext(user_id=user_id)
    user_id = context.user_id if context.user_id is not None else user_id
    # Before reading what is stored: a second writer of the same regency-month waits
    # here until this one commits, then plans against what it wrote.
    lock_region_months({(r.year, r.month, r.region_code) for r in records})
    existing = _existing_counts(records)
    changed, result = _participant_plan(records, existing)
    check_not_locked(changed)
    if connection.vendor == "postgresql":
        _upsert_counts_postgresql(changed, user_id=user_id)
    else:
        ParticipantCount.objects.bulk_create(
            [
                ParticipantCount(
                    **{column: getattr(record, name) for column, name in COUNT_COLUMNS},
                    updated_by_id=user_id,
                )
                for record in changed
            ],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["year", "month", "region", "sector", "segment"],
            update_fields=["active", "nonactive", "updated_at", "updated_by"],
        )
    refresh_monthly_totals({(r.year, r.month, r.region_code) for r in changed})
    _log_count_changes(changed, existing, context=replace(context, user_id=user_id))
    return result


def lock_region_months(cells: Iterable[tuple[int, int, str]]) -> None:
    """Serialise writers of the same (year, month, regency) until this transaction ends.

    Two imports, grid saves or admin saves of one regency-month used to interleave
    and crash on the monthly totals' unique constraint. On PostgreSQL each cell
    takes a transaction-level advisory lock, in one sorted order so that two
    writers of overlapping cells cannot deadlock; the second simply waits. SQLite
    lets only one transaction write the database at a time, so there is nothing
    to lock there. Taking a lock this transaction already holds returns at once.
    """
    if connection.vendor != "postgresql":
        return
    keys = sorted({region_month_lock_key(year, month, region) for year, month, region in cells})
    if not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS u(k)", [_pg_array(keys)]
        )


def region_month_lock_key(year: int, month: int, region: str) -> int:
    """The advisory-lock number of one regency-month: a signed 64-bit hash (a rare
    collision only makes two unrelated writers wait for each other)."""
    digest = hashlib.blake2b(
        f"coverage.region_month/{year}/{month}/{region}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def refresh_monthly_totals(cells: Iterable[tuple[int, int, str]]) -> None:
    """Recompute ``MonthlyTotal`` for the given (year, month, region) cells.

    Called in the same transaction as every write to the counts, so the derived
    table can never disagree with them. The cells are locked first (see
    ``lock_region_months``) and the totals are upserted (``ON CONFLICT DO UPDATE``,
    on SQLite and PostgreSQL alike), so a concurrent writer waits instead of
    colliding on the unique (year, month, region, segment) row.
    """
    cells = set(cells)
    lock_region_months(cells)
    by_month: dict[tuple[int, int], set[str]] = {}
    for year, month, region in cells:
        by_month.setdefault((year, month), set()).add(region)
    totals = connection.ops.quote_name(MonthlyTotal._meta.db_table)
    counts = connection.ops.quote_name(ParticipantCount._meta.db_table)
    with connection.cursor() as cursor:
        for (year, month), regions in sorted(by_month.items()):
            codes = sorted(regions)
            marks = ", ".join(["%s"] * len(codes))
            cursor.execute(
                f"DELETE FROM {totals} WHERE year = %s AND month = %s AND region_id IN ({marks}) "
                f"AND NOT EXISTS (SELECT 1 FROM {counts} c WHERE c.year = {totals}.year "
                f"AND c.month = {totals}.month AND c.region_id = {totals}.region_id "
                f"AND c.segment_id = {totals}.segment_id)",
                [year, month, *codes],
            )
            cursor.execute(
                f"INSERT INTO {totals} (year, month, region_id, segment_id, active, nonactive) "
                f"SELECT year, month, region_id, segment_id, SUM(active), SUM(nonactive) "
                f"FROM {counts} WHERE year = %s AND month = %s AND region_id IN ({marks}) "
                f"GROUP BY year, month, region_id, segment_id "
                f"ON CONFLICT (year, month, region_id, segment_id) DO UPDATE SET "
                f"active = excluded.active, nonactive = excluded.nonactive",
                [year, month, *codes],
            )


def rebuild_monthly_totals() -> None:
    """Rebuild ``MonthlyTotal`` from all counts (after a bulk load that bypassed services)."""
    totals = connection.ops.quote_name(MonthlyTotal._meta.db_table)
    counts = connection.ops.quote_name(ParticipantCount._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {totals}")
        cursor.execute(
            f"INSERT INTO {totals} (year, month, region_id, segment_id, active, nonactive) "
            f"SELECT year, month, region_id, segment_id, SUM(active), SUM(nonactive) "
            f"FROM {counts} GROUP BY year, month, region_id, segment_id"
        )


def count_key(year: int, month: int, region: str, sector: str, segment: str) -> str:
    """How a count is named in the change log: ``2025-04/5371/A/PU``."""
    return f"{year}-{month:02d}/{region}/{sector}/{segment}"


def _log_count_changes(
    changed: Sequence[ParticipantRecord],
    existing: dict[tuple[int, int, str, str, str], tuple[int, int]],
    *,
    context: WriteContext,
) -> None:
    """One change-log row per changed count: ``active / nonactive`` before and after.

    A 100,000-row import logs 100,000 rows, so PostgreSQL gets the same one-array-
    per-column ``unnest`` insert as the counts themselves.
    """
    if not changed:
        return
    branch_of = dict(Region.objects.values_list("bps_code", "branch_id"))
    now = timezone.now()
    detail = context.source_detail[:300]
    olds = []
    for record in changed:
        before = existing.get(record.key)
        olds.append("" if before is None else f"{before[0]} / {before[1]}")
    if connection.vendor == "postgresql":
        _insert_count_log_postgresql(changed, olds, branch_of, context=context, now=now)
        return
    ChangeLog.objects.bulk_create(
        [
            ChangeLog(
                created_at=now,
                user_id=context.user_id,
                source=context.source,
                source_detail=detail,
                operation=context.operation,
                entity=ChangeLog.Entity.COUNT,
                year=record.year,
                month=record.month,
                region_id=record.region_code,
                branch_id=branch_of.get(record.region_code),
                key=count_key(*record.key),
                field=COUNT_FIELD,
                old_value=old,
                new_value=f"{record.active} / {record.nonactive}",
            )
            for record, old in zip(changed, olds, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )


COUNT_FIELD = "active/nonactive"


def _insert_count_log_postgresql(
    changed: Sequence[ParticipantRecord],
    olds: Sequence[str],
    branch_of: dict[str, str],
    *,
    context: WriteContext,
    now: object,
) -> None:
    table = connection.ops.quote_name(ChangeLog._meta.db_table)
    sql = f"""
        INSERT INTO {table}
            (created_at, user_id, source, source_detail, operation, entity, field,
             year, month, region_id, branch_id, key, old_value, new_value)
        SELECT %s, %s, %s, %s, %s, %s, %s, y, m, r, b, k, o, n
        FROM unnest(%s::smallint[], %s::smallint[], %s::varchar[], %s::varchar[],
                    %s::varchar[], %s::varchar[], %s::varchar[]) AS u(y, m, r, b, k, o, n)
    """
    fixed: list[Any] = [
        now,
        context.user_id,
        context.source,
        context.source_detail[:300],
        context.operation,
        ChangeLog.Entity.COUNT.value,
        COUNT_FIELD,
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(changed), UNNEST_BATCH_SIZE):
            batch = changed[start : start + UNNEST_BATCH_SIZE]
            cursor.execute(
                sql,
                [
                    *fixed,
                    _pg_array(r.year for r in batch),
                    _pg_array(r.month for r in batch),
                    _pg_array(r.region_code for r in batch),
                    _pg_array(branch_of.get(r.region_code, "") for r in batch),
                    _pg_array(count_key(*r.key) for r in batch),
                    _pg_array(olds[start : start + UNNEST_BATCH_SIZE]),
                    _pg_array(f"{r.active} / {r.nonactive}" for r in batch),
                ],
            )


def _upsert_counts_postgresql(records: Sequence[ParticipantRecord], *, user_id: int | None) -> None:
    """The same upsert as ``bulk_create(update_conflicts=True)``, with one array per column.

    Django spends most of a 100,000-row ``bulk_create`` preparing each value of each
    row; ``unnest`` over array literals (``'{…}'``, parsed by PostgreSQL in one go)
    sends seven values per batch instead, several times faster.
    """
    table = connection.ops.quote_name(ParticipantCount._meta.db_table)
    sql = f"""
        INSERT INTO {table}
            (year, month, region_id, sector_id, segment_id, active, nonactive,
             updated_at, updated_by_id)
        SELECT y, m, r, s, g, a, n, %s, %s
        FROM unnest(%s::smallint[], %s::smallint[], %s::varchar[], %s::varchar[],
                    %s::varchar[], %s::bigint[], %s::bigint[]) AS u(y, m, r, s, g, a, n)
        ON CONFLICT (year, month, region_id, sector_id, segment_id) DO UPDATE SET
            active = EXCLUDED.active,
            nonactive = EXCLUDED.nonactive,
            updated_at = EXCLUDED.updated_at,
            updated_by_id = EXCLUDED.updated_by_id
    """
    now = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(records), UNNEST_BATCH_SIZE):
            batch = records[start : start + UNNEST_BATCH_SIZE]
            cursor.execute(
                sql,
                [
                    now,
                    user_id,
                    *(_pg_array(getattr(r, name) for r in batch) for _c, name in COUNT_COLUMNS),
                ],
            )


def _pg_array(values: Iterable[int | str]) -> str:
    """A PostgreSQL array literal with every element quoted, so any text is safe."""
    quoted = ('"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values)
    return "{" + ",".join(quoted) + "}"


def participant_counts_preview(*, records: Sequence[ParticipantRecord]) -> WriteResult:
    """What ``participant_counts_save`` would do, without writing (for ``--dry-run``).

    A change to a locked month is refused here too, so a preview never promises
    what the save would refuse.
    """
    changed, result = _participant_plan(records, _existing_counts(records))
    check_not_locked(changed)
    return result


def _participant_plan(
    records: Sequence[ParticipantRecord],
    existing: dict[tuple[int, int, str, str, str], tuple[int, int]],
) -> tuple[list[ParticipantRecord], WriteResult]:
    """The records that differ from the stored counts, and how many are new/updated/unchanged."""
    created = updated = unchanged = 0
    changed: list[ParticipantRecord] = []
    for record in records:
        before = existing.get(record.key)
        if before is None:
            created += 1
        elif before == (record.active, record.nonactive):
            unchanged += 1
            continue
        else:
            updated += 1
        changed.append(record)
    return changed, WriteResult(created=created, updated=updated, unchanged=unchanged)


def _existing_counts(
    records: Sequence[ParticipantRecord],
) -> dict[tuple[int, int, str, str, str], tuple[int, int]]:
    """The stored counts of the months the records touch, in one query."""
    months_by_year: dict[int, set[int]] = {}
    for record in records:
        months_by_year.setdefault(record.year, set()).add(record.month)
    if not months_by_year:
        return {}
    condition = reduce(
        or_, (Q(year=year, month__in=sorted(months)) for year, months in months_by_year.items())
    )
    rows = ParticipantCount.objects.filter(condition).values_list(
        "year", "month", "region_id", "sector_id", "segment_id", "active", "nonactive"
    )
    return {
        (y, m, region, sector, segment): (active, nonactive)
        for y, m, region, sector, segment, active, nonactive in rows.iterator(chunk_size=5000)
    }


def participant_count_save(*, user: AdminUser, record: ParticipantRecord) -> WriteResult:
    """One count from the admin: the user's regencies only, locks and change log as usual."""
    if record.region_code not in access.writable_region_codes(user):
        raise outside_scope()
    return participant_counts_save(records=[record], context=admin_context(user))


@transaction.atomic
def participant_count_delete(*, user: AdminUser, count_id: int) -> None:
    """Delete one count (refused in an approved month), log it and refresh the totals."""
    count = ParticipantCount.objects.select_related("region").get(pk=count_id)
    if count.region_id not in access.writable_region_codes(user):
        raise outside_scope()
    check_not_locked(
        [
            ParticipantRecord(
                count.year, count.month, count.region_id, count.sector_id, count.segment_id, 0, 0
            )
        ]
    )
    log_admin_delete(
        user,
        entity=ChangeLog.Entity.COUNT,
        field=COUNT_FIELD,
        change=Change(
            count.year,
            count.region_id,
            count.region.branch_id,
            count_key(count.year, count.month, count.region_id, count.sector_id, count.segment_id),
            f"{count.active} / {count.nonactive}",
            "",
            month=count.month,
        ),
    )
    count.delete()
    refresh_monthly_totals([(count.year, count.month, count.region_id)])
