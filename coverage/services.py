"""Writes: saving counts, workforce figures and targets, inside transactions.

Each function takes clean records (see ``coverage.records``) and upserts them in
bulk, so that an import of 100,000 rows is a handful of queries, not one per row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, cast

from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .access import User, has_role, user_branch_codes
from .models import (
    PROVINCE_CODE,
    Branch,
    ChangeLog,
    ChangeSource,
    Initiative,
    MonthApproval,
    MonthlyTotal,
    Notice,
    ParticipantCount,
    Region,
    Role,
    Scenario,
    ScopeType,
    Sector,
    Segment,
    Subscription,
    Target,
    WorkforceFigure,
)
from .records import ParticipantRecord, TargetRecord, WorkforceRecord

BATCH_SIZE = 2000
UNNEST_BATCH_SIZE = 20_000


@dataclass(frozen=True)
class WriteResult:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class WriteContext:
    """Who writes and from where, for the change log (*Riwayat perubahan*)."""

    user_id: int | None = None
    source: str = ChangeSource.CLI
    source_detail: str = ""


class LockedPeriodError(Exception):
    """A write would change counts of a month that a manager approved (locked)."""

    def __init__(self, cells: Iterable[tuple[int, int, str]]) -> None:
        self.cells = sorted(set(cells))
        branches = dict(Region.objects.values_list("bps_code", "branch__name"))
        names = sorted(
            {
                f"{year}-{month:02d} ({branches.get(region, region)})"
                for year, month, region in self.cells
            }
        )
        self.message = _(
            "Bulan berikut sudah disetujui dan dikunci, sehingga tidak ada yang disimpan: "
            "%(months)s. Minta manajer membuka kuncinya terlebih dahulu."
        ) % {"months": ", ".join(names)}
        super().__init__(self.message)


def _check_not_locked(records: Sequence[ParticipantRecord]) -> None:
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
    _check_not_locked(changed)
    if connection.vendor == "postgresql":
        _upsert_counts_postgresql(changed, user_id=user_id)
    else:
        ParticipantCount.objects.bulk_create(
            [
                ParticipantCount(
                    year=record.year,
                    month=record.month,
                    region_id=record.region_code,
                    sector_id=record.sector_code,
                    segment_id=record.segment_code,
                    active=record.active,
                    nonactive=record.nonactive,
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
    _log_count_changes(
        changed, existing, context=WriteContext(user_id, context.source, context.source_detail)
    )
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
            (created_at, user_id, source, source_detail, entity, field,
             year, month, region_id, branch_id, key, old_value, new_value)
        SELECT %s, %s, %s, %s, %s, %s, y, m, r, b, k, o, n
        FROM unnest(%s::smallint[], %s::smallint[], %s::varchar[], %s::varchar[],
                    %s::varchar[], %s::varchar[], %s::varchar[]) AS u(y, m, r, b, k, o, n)
    """
    fixed = [
        now,
        context.user_id,
        context.source,
        context.source_detail[:300],
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
                    _pg_array(r.year for r in batch),
                    _pg_array(r.month for r in batch),
                    _pg_array(r.region_code for r in batch),
                    _pg_array(r.sector_code for r in batch),
                    _pg_array(r.segment_code for r in batch),
                    _pg_array(r.active for r in batch),
                    _pg_array(r.nonactive for r in batch),
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
    _check_not_locked(changed)
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


@transaction.atomic
def workforce_figures_save(
    *, records: Sequence[WorkforceRecord], context: WriteContext | None = None
) -> WriteResult:
    """Insert or replace the figure of each (year, region, sector, basis).

    Diffed in Python and written with ``bulk_create``/``bulk_update`` because the
    empty region/sector cases are partial unique indexes, which an upsert cannot target.
    """
    new, changed, result = _workforce_plan(records)
    WorkforceFigure.objects.bulk_create(
        [
            WorkforceFigure(
                year=record.year,
                basis=record.basis,
                region_id=record.region_code,
                sector_id=record.sector_code,
                workers=record.workers,
                source=record.source,
            )
            for record in new
        ],
        batch_size=BATCH_SIZE,
    )
    WorkforceFigure.objects.bulk_update(
        [
            WorkforceFigure(pk=pk, workers=record.workers, source=record.source)
            for pk, record, _old in changed
        ],
        ["workers", "source"],
        batch_size=BATCH_SIZE,
    )
    _log_changes(
        context or WriteContext(),
        entity=ChangeLog.Entity.WORKFORCE,
        field="workers",
        changes=[
            Change(record.year, record.region_code, None, _workforce_key(record), old,
                   _workforce_value(record.workers, record.source))
            for record, old in [(r, "") for r in new] + [(r, old) for _pk, r, old in changed]
        ],
    )  # fmt: skip
    return result


def _workforce_key(record: WorkforceRecord) -> str:
    region = record.region_code or PROVINCE_CODE
    return f"{record.year}/{region}/{record.sector_code or '*'}/{record.basis}"


def _workforce_value(workers: int, source: str) -> str:
    return f"{workers} ({source})"


def workforce_figures_preview(*, records: Sequence[WorkforceRecord]) -> WriteResult:
    """What ``workforce_figures_save`` would do, without writing (for ``--dry-run``)."""
    return _workforce_plan(records)[2]


def _workforce_plan(
    records: Sequence[WorkforceRecord],
) -> tuple[list[WorkforceRecord], list[tuple[int, WorkforceRecord, str]], WriteResult]:
    """New records, changed ones as ``(pk, record, old value)``, and the counts."""
    years = {record.year for record in records}
    existing: dict[tuple[int, str | None, str | None, str], tuple[int, int, str]] = {
        (year, region, sector, basis): (pk, workers, source)
        for pk, year, region, sector, basis, workers, source in WorkforceFigure.objects.filter(
            year__in=years
        ).values_list("pk", "year", "region_id", "sector_id", "basis", "workers", "source")
    }
    new: list[WorkforceRecord] = []
    changed: list[tuple[int, WorkforceRecord, str]] = []
    unchanged = 0
    for record in records:
        before = existing.get(record.key)
        if before is None:
            new.append(record)
        elif before[1:] == (record.workers, record.source):
            unchanged += 1
        else:
            changed.append((before[0], record, _workforce_value(before[1], before[2])))
    return new, changed, WriteResult(created=len(new), updated=len(changed), unchanged=unchanged)


@transaction.atomic
def targets_save(
    *, records: Sequence[TargetRecord], context: WriteContext | None = None
) -> WriteResult:
    """Insert or replace the target of each (year, scope, basis); see ``workforce_figures_save``."""
    new, changed, result = _target_plan(records)
    Target.objects.bulk_create(
        [
            Target(
                year=record.year,
                basis=record.basis,
                scope_type=record.scope_type,
                branch_id=record.scope_code if record.scope_type == ScopeType.BRANCH else None,
                region_id=record.scope_code if record.scope_type == ScopeType.REGION else None,
                target_count=record.target_count,
                target_pct=record.target_pct,
                note=record.note,
            )
            for record in new
        ],
        batch_size=BATCH_SIZE,
    )
    Target.objects.bulk_update(
        [
            Target(
                pk=pk,
                target_count=record.target_count,
                target_pct=record.target_pct,
                note=record.note,
            )
            for pk, record, _old in changed
        ],
        ["target_count", "target_pct", "note"],
        batch_size=BATCH_SIZE,
    )
    _log_changes(
        context or WriteContext(),
        entity=ChangeLog.Entity.TARGET,
        field="target_count/target_pct",
        changes=[
            Change(
                record.year,
                record.scope_code if record.scope_type == ScopeType.REGION else None,
                record.scope_code if record.scope_type == ScopeType.BRANCH else None,
                f"{record.year}/{_target_scope_code(record)}/{record.basis}",
                old,
                _target_value(record.target_count, record.target_pct),
            )
            for record, old in [(r, "") for r in new] + [(r, old) for _pk, r, old in changed]
        ],
    )
    return result


def _target_value(count: int | None, pct: Decimal | None) -> str:
    return f"{'' if count is None else count} / {'' if pct is None else pct}"


def targets_preview(*, records: Sequence[TargetRecord]) -> WriteResult:
    """What ``targets_save`` would do, without writing (for ``--dry-run``)."""
    return _target_plan(records)[2]


def _target_plan(
    records: Sequence[TargetRecord],
) -> tuple[list[TargetRecord], list[tuple[int, TargetRecord, str]], WriteResult]:
    years = {record.year for record in records}
    existing: dict[tuple[int, str, str, str], tuple[int, int | None, Decimal | None, str]] = {}
    for pk, year, scope_type, branch, region, basis, count, pct, note in Target.objects.filter(
        year__in=years
    ).values_list(
        "pk",
        "year",
        "scope_type",
        "branch_id",
        "region_id",
        "basis",
        "target_count",
        "target_pct",
        "note",
    ):
        scope_code = branch or region or PROVINCE_CODE
        existing[(year, scope_type, scope_code, basis)] = (pk, count, pct, note)
    new: list[TargetRecord] = []
    changed: list[tuple[int, TargetRecord, str]] = []
    unchanged = 0
    for record in records:
        key = (record.year, record.scope_type, _target_scope_code(record), record.basis)
        before = existing.get(key)
        if before is None:
            new.append(record)
        elif before[1:] == (record.target_count, record.target_pct, record.note):
            unchanged += 1
        else:
            changed.append((before[0], record, _target_value(before[1], before[2])))
    return new, changed, WriteResult(created=len(new), updated=len(changed), unchanged=unchanged)


def _target_scope_code(record: TargetRecord) -> str:
    """The province is one scope whatever code a record carries for it."""
    return PROVINCE_CODE if record.scope_type == ScopeType.PROVINCE else record.scope_code


@dataclass(frozen=True)
class Change:
    year: int
    region_code: str | None
    branch_code: str | None
    key: str
    old_value: str
    new_value: str
    month: int | None = None


def _log_changes(
    context: WriteContext, *, entity: str, field: str, changes: Sequence[Change]
) -> None:
    now = timezone.now()
    ChangeLog.objects.bulk_create(
        [
            ChangeLog(
                created_at=now,
                user_id=context.user_id,
                source=context.source,
                source_detail=context.source_detail[:300],
                entity=entity,
                year=change.year,
                month=change.month,
                region_id=change.region_code,
                branch_id=change.branch_code,
                key=change.key[:100],
                field=field,
                old_value=change.old_value[:300],
                new_value=change.new_value[:300],
            )
            for change in changes
        ],
        batch_size=BATCH_SIZE,
    )


def apply_import(
    kind: str,
    records: Sequence[ParticipantRecord | WorkforceRecord | TargetRecord],
    *,
    dry_run: bool,
    user_id: int | None = None,
    context: WriteContext | None = None,
) -> WriteResult:
    """Write the clean records of one import (or, with ``dry_run``, only count what would change).

    ``kind`` is one of ``participants``, ``workforce`` and ``targets``, as in
    ``coverage.importers.KINDS``; the command line and the web upload share this.
    """
    context = context or WriteContext(user_id=user_id)
    if kind == "participants":
        counts = cast(Sequence[ParticipantRecord], records)
        if dry_run:
            return participant_counts_preview(records=counts)
        return participant_counts_save(records=counts, context=context)
    if kind == "workforce":
        figures = cast(Sequence[WorkforceRecord], records)
        if dry_run:
            return workforce_figures_preview(records=figures)
        return workforce_figures_save(records=figures, context=context)
    if kind == "targets":
        targets = cast(Sequence[TargetRecord], records)
        if dry_run:
            return targets_preview(records=targets)
        return targets_save(records=targets, context=context)
    raise ValueError(f"unknown import kind: {kind!r}")


# --- approval (locking) of a month ----------------------------------------------------


@transaction.atomic
def month_approve(
    *, year: int, month: int, branch_code: str | None, user_id: int | None
) -> MonthApproval:
    """Approve and lock a month for a branch (or the province with ``branch_code`` None)."""
    scope_type = ScopeType.BRANCH if branch_code else ScopeType.PROVINCE
    if branch_code and not Branch.objects.filter(code=branch_code).exists():
        raise ValueError(branch_code)
    approval, _created = MonthApproval.objects.select_for_update().get_or_create(
        year=year,
        month=month,
        scope_type=scope_type,
        branch_id=branch_code,
        defaults={"approved_by_id": user_id, "approved_at": timezone.now()},
    )
    approval.locked = True
    approval.approved_by_id = user_id
    approval.approved_at = timezone.now()
    approval.save()
    _log_changes(
        WriteContext(user_id=user_id, source=ChangeSource.APPROVAL),
        entity=ChangeLog.Entity.APPROVAL,
        field="locked",
        changes=[
            Change(year, None, branch_code, f"{year}-{month:02d}/{branch_code or PROVINCE_CODE}",
                   "", _("disetujui dan dikunci"), month=month)
        ],
    )  # fmt: skip
    return approval


@transaction.atomic
def month_unlock(
    *, year: int, month: int, branch_code: str | None, user_id: int | None, reason: str
) -> MonthApproval:
    """Open a locked month again; the reason is required and kept in the change log."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Alasan membuka kunci wajib diisi."))
    scope_type = ScopeType.BRANCH if branch_code else ScopeType.PROVINCE
    approval = MonthApproval.objects.select_for_update().get(
        year=year, month=month, scope_type=scope_type, branch_id=branch_code
    )
    approval.locked = False
    approval.unlocked_by_id = user_id
    approval.unlocked_at = timezone.now()
    approval.unlock_reason = reason[:500]
    approval.save()
    _log_changes(
        WriteContext(user_id=user_id, source=ChangeSource.APPROVAL, source_detail=reason),
        entity=ChangeLog.Entity.APPROVAL,
        field="locked",
        changes=[
            Change(year, None, branch_code, f"{year}-{month:02d}/{branch_code or PROVINCE_CODE}",
                   _("dikunci"), _("dibuka: %(reason)s") % {"reason": reason}, month=month)
        ],
    )  # fmt: skip
    return approval


# --- initiatives and scenarios ---------------------------------------------------------
#
# Who may change what: a province-wide manager changes and deletes every initiative
# and scenario; anyone else with the role (admins for initiatives, managers for
# scenarios) only what they created themselves, and only while it lies within
# their scope (a branch-scoped user: initiatives of their branches and regencies,
# scenarios of their branches). New and changed ones must lie within the scope too.

INITIATIVE_NOT_YOURS = gettext_lazy(
    "Anda hanya dapat mengubah atau menghapus inisiatif yang Anda buat sendiri di wilayah "
    "kerja Anda; inisiatif lain hanya dapat diubah oleh manajer dengan wilayah kerja seluruh "
    "provinsi."
)
INITIATIVE_OUTSIDE_SCOPE = gettext_lazy(
    "Inisiatif hanya dapat mencakup kantor cabang dan kabupaten/kota di wilayah kerja Anda "
    "(%(branches)s); inisiatif tingkat provinsi hanya dapat dibuat oleh pengguna dengan "
    "wilayah kerja seluruh provinsi."
)
INITIATIVE_ROLE = gettext_lazy("Hanya admin data dan manajer yang dapat mengubah inisiatif.")
SCENARIO_NOT_YOURS = gettext_lazy(
    "Anda hanya dapat mengubah atau menghapus skenario yang Anda buat sendiri untuk wilayah "
    "kerja Anda; skenario lain hanya dapat diubah oleh manajer dengan wilayah kerja seluruh "
    "provinsi."
)
SCENARIO_OUTSIDE_SCOPE = gettext_lazy(
    "Skenario hanya dapat disimpan untuk cakupan di wilayah kerja Anda (%(branches)s)."
)
SCENARIO_ROLE = gettext_lazy("Hanya manajer yang dapat menyimpan skenario.")
INITIATIVE_ENTITY = "initiative"
SCENARIO_ENTITY = "scenario"


class NotAllowedError(Exception):
    """The user may not make this change (the views answer 403 with ``message``)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class InitiativeFields:
    """What a user enters for an initiative; empty places mean the whole province."""

    name: str
    kind: str
    start_date: date
    end_date: date | None = None
    branch_codes: tuple[str, ...] = ()
    region_codes: tuple[str, ...] = ()
    sector_codes: tuple[str, ...] = ()
    segment_codes: tuple[str, ...] = ()
    expected_enrolments: int = 0
    note: str = ""


def _is_province_manager(user: User) -> bool:
    return has_role(user, Role.MANAGER) and user_branch_codes(user) is None


def _places_within_scope(
    user: User, *, branch_codes: Iterable[str], region_codes: Iterable[str]
) -> bool:
    """Whether every place of an initiative lies in the user's branches (a province-wide
    initiative, with no place, only for a province-wide user)."""
    mine = user_branch_codes(user)
    if mine is None:
        return True
    branches, regions = set(branch_codes), set(region_codes)
    if not branches and not regions:
        return False
    region_branches = set(
        Region.objects.filter(bps_code__in=regions).values_list("branch_id", flat=True)
    )
    return branches <= mine and region_branches <= mine


def _scope_names(user: User) -> str:
    return ", ".join(sorted(user_branch_codes(user) or ())) or "-"


def can_change_initiative(user: User, initiative: Initiative) -> bool:
    """Whether ``user`` may edit or delete ``initiative`` (see the rule above)."""
    if not has_role(user, Role.ADMIN):
        return False
    if _is_province_manager(user):
        return True
    if initiative.created_by_id is None or initiative.created_by_id != user.pk:
        return False
    return _places_within_scope(
        user,
        branch_codes=[branch.code for branch in initiative.branches.all()],
        region_codes=[region.bps_code for region in initiative.regions.all()],
    )


def can_change_scenario(user: User, scenario: Scenario) -> bool:
    """Whether ``user`` may overwrite or delete ``scenario`` (see the rule above)."""
    if not has_role(user, Role.MANAGER):
        return False
    if _is_province_manager(user):
        return True
    if scenario.created_by_id is None or scenario.created_by_id != user.pk:
        return False
    return _scenario_scope_within(user, scenario.scope_code)


def _scenario_scope_within(user: User, scope_code: str) -> bool:
    mine = user_branch_codes(user)
    return mine is None or scope_code.upper() in mine


def _initiative_text(initiative: Initiative) -> str:
    """An initiative in one line of the change log: what it is, where, and how many."""
    places = [branch.code for branch in initiative.branches.all()] + [
        region.bps_code for region in initiative.regions.all()
    ]
    targets = [sector.code for sector in initiative.sectors.all()] + [
        segment.code for segment in initiative.segments.all()
    ]
    end = initiative.end_date.isoformat() if initiative.end_date else ""
    return (
        f"{initiative.name} | {initiative.kind} | {initiative.start_date.isoformat()}–{end} | "
        f"{','.join(places) or PROVINCE_CODE} | {','.join(targets) or '*'} | "
        f"{initiative.expected_enrolments}"
    )


def _initiative_branch(initiative: Initiative) -> str | None:
    """The branch an initiative's log row is filed under: its only branch, if it has one."""
    branches = {branch.code for branch in initiative.branches.all()} | {
        region.branch_id for region in initiative.regions.all()
    }
    return branches.pop() if len(branches) == 1 else None


def _log_initiative(
    context: WriteContext, initiative: Initiative, *, old: str, new: str, branch: str | None
) -> None:
    _log_changes(
        context,
        entity=INITIATIVE_ENTITY,
        field="initiative",
        changes=[
            Change(initiative.start_date.year, None, branch, f"initiative/{initiative.pk}",
                   old, new)
        ],
    )  # fmt: skip


def _check_initiative_fields(user: User, fields: InitiativeFields) -> None:
    if not _places_within_scope(
        user, branch_codes=fields.branch_codes, region_codes=fields.region_codes
    ):
        raise NotAllowedError(str(INITIATIVE_OUTSIDE_SCOPE % {"branches": _scope_names(user)}))


def _fill_initiative(initiative: Initiative, fields: InitiativeFields) -> None:
    initiative.name = fields.name
    initiative.kind = fields.kind
    initiative.start_date = fields.start_date
    initiative.end_date = fields.end_date
    initiative.expected_enrolments = fields.expected_enrolments
    initiative.note = fields.note
    initiative.full_clean(exclude=["branches", "regions", "sectors", "segments", "created_by"])
    initiative.save()
    initiative.branches.set(Branch.objects.filter(code__in=fields.branch_codes))
    initiative.regions.set(Region.objects.filter(bps_code__in=fields.region_codes))
    initiative.sectors.set(Sector.objects.filter(code__in=fields.sector_codes))
    initiative.segments.set(Segment.objects.filter(code__in=fields.segment_codes))


def _web_context(user: User, context: WriteContext | None) -> WriteContext:
    return context or WriteContext(user_id=user.pk, source=ChangeSource.GRID)


@transaction.atomic
def initiative_create(
    *, user: User, fields: InitiativeFields, context: WriteContext | None = None
) -> Initiative:
    """A new initiative by ``user``, within their scope; logged."""
    if not has_role(user, Role.ADMIN):
        raise NotAllowedError(str(INITIATIVE_ROLE))
    _check_initiative_fields(user, fields)
    initiative = Initiative(created_by_id=user.pk)
    _fill_initiative(initiative, fields)
    _log_initiative(
        _web_context(user, context), initiative, old="", new=_initiative_text(initiative),
        branch=_initiative_branch(initiative),
    )  # fmt: skip
    return initiative


@transaction.atomic
def initiative_update(
    *,
    user: User,
    initiative_id: int,
    fields: InitiativeFields,
    context: WriteContext | None = None,
) -> Initiative:
    """Change an initiative ``user`` may change, keeping it within their scope; logged
    (old and new in one row)."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative_id)
    if not can_change_initiative(user, initiative):
        raise NotAllowedError(str(INITIATIVE_NOT_YOURS))
    _check_initiative_fields(user, fields)
    old = _initiative_text(initiative)
    _fill_initiative(initiative, fields)
    new = _initiative_text(initiative)
    if new != old:
        _log_initiative(
            _web_context(user, context), initiative, old=old, new=new,
            branch=_initiative_branch(initiative),
        )  # fmt: skip
    return initiative


@transaction.atomic
def initiative_delete(
    *, user: User, initiative_id: int, context: WriteContext | None = None
) -> None:
    """Delete an initiative ``user`` may change; the log keeps what it was."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative_id)
    if not can_change_initiative(user, initiative):
        raise NotAllowedError(str(INITIATIVE_NOT_YOURS))
    _log_initiative(
        _web_context(user, context), initiative, old=_initiative_text(initiative), new="",
        branch=_initiative_branch(initiative),
    )  # fmt: skip
    initiative.delete()


def _scenario_text(scenario: Scenario) -> str:
    levers = json.dumps(scenario.levers, ensure_ascii=False, sort_keys=True)
    target = "" if scenario.target_count is None else scenario.target_count
    return f"{scenario.name} | {scenario.scope_code} | {scenario.year} | {target} | {levers}"


def _log_scenario(context: WriteContext, scenario: Scenario, *, old: str, new: str) -> None:
    branch = scenario.scope_code.upper()
    _log_changes(
        context,
        entity=SCENARIO_ENTITY,
        field="scenario",
        changes=[
            Change(scenario.year, None, None if branch == PROVINCE_CODE else branch,
                   f"scenario/{scenario.pk}", old, new)
        ],
    )  # fmt: skip


@transaction.atomic
def scenario_save(
    *,
    user: User,
    scenario_id: int | None,
    name: str,
    year: int,
    scope_code: str,
    target_count: int | None,
    levers: list[dict[str, Any]],
    context: WriteContext | None = None,
) -> Scenario:
    """Save a new scenario (``scenario_id`` None) or overwrite one ``user`` may change;
    the scope must lie within the user's; logged."""
    if not has_role(user, Role.MANAGER):
        raise NotAllowedError(str(SCENARIO_ROLE))
    if scenario_id is None:
        scenario = Scenario(created_by_id=user.pk)
        old = ""
    else:
        scenario = Scenario.objects.select_for_update().get(pk=scenario_id)
        if not can_change_scenario(user, scenario):
            raise NotAllowedError(str(SCENARIO_NOT_YOURS))
        old = _scenario_text(scenario)
    if not _scenario_scope_within(user, scope_code):
        raise NotAllowedError(str(SCENARIO_OUTSIDE_SCOPE % {"branches": _scope_names(user)}))
    scenario.name = name
    scenario.year = year
    scenario.scope_code = scope_code
    scenario.target_count = target_count
    scenario.levers = levers
    scenario.full_clean(exclude=["created_by"])
    scenario.save()
    new = _scenario_text(scenario)
    if new != old:
        _log_scenario(_web_context(user, context), scenario, old=old, new=new)
    return scenario


@transaction.atomic
def scenario_delete(*, user: User, scenario_id: int, context: WriteContext | None = None) -> None:
    """Delete a scenario ``user`` may change; the log keeps what it was."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario_id)
    if not can_change_scenario(user, scenario):
        raise NotAllowedError(str(SCENARIO_NOT_YOURS))
    _log_scenario(_web_context(user, context), scenario, old=_scenario_text(scenario), new="")
    scenario.delete()


# --- subscriptions ---------------------------------------------------------------------
#
# Managers and admins subscribe themselves to e-mail about a scope within their branch
# scope (the province only with province-wide scope). The unsubscribe link of every
# mail works without logging in: it carries the subscription's id and a random token,
# compared in constant time. ``send_notifications`` records each notice it sends here,
# in the same transaction as the sending, so a notice that could not be sent is tried
# again on the next run and one that was sent is never sent twice.

SUBSCRIPTION_ENTITY = "langganan"
SUBSCRIPTION_ROLE = gettext_lazy(
    "Hanya admin data dan manajer yang dapat berlangganan notifikasi e-mail."
)
SUBSCRIPTION_NOT_YOURS = gettext_lazy("Langganan ini bukan milik Anda.")
SUBSCRIPTION_OUTSIDE_SCOPE = gettext_lazy(
    "Cakupan %(scope)s berada di luar wilayah kerja Anda (%(branches)s); pilih kantor cabang "
    "atau kabupaten/kota di wilayah kerja Anda. Seluruh provinsi (53) hanya untuk pengguna "
    "dengan wilayah kerja seluruh provinsi."
)
SUBSCRIPTION_UNKNOWN_SCOPE = gettext_lazy(
    "Cakupan “%(scope)s” tidak ditemukan: gunakan 53 (provinsi), kode kantor cabang (mis. "
    "KUPANG) atau kode BPS kabupaten/kota (mis. 5371)."
)
SUBSCRIPTION_NO_EMAIL = gettext_lazy(
    "Akun Anda belum memiliki alamat e-mail, sehingga notifikasi tidak dapat dikirim. Minta "
    "admin mengisi alamat e-mail akun Anda terlebih dahulu."
)
SUBSCRIPTION_NEEDS_THRESHOLD = gettext_lazy(
    "Peringatan dini memerlukan batas peluang antara 0 dan 1, misalnya 0,5."
)
SUBSCRIPTION_DUPLICATE = gettext_lazy(
    "Anda sudah berlangganan “%(kind)s” untuk cakupan %(scope)s; ubah langganan itu bila perlu."
)
SUBSCRIPTION_BAD_TOKEN = gettext_lazy(
    "Tautan berhenti berlangganan ini tidak berlaku. Periksa kembali tautan pada e-mail Anda."
)


class SubscriptionInputError(ValueError):
    """A subscription's fields are wrong; nothing was saved (``message`` says why)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def subscription_scope_branch(scope_code: str) -> tuple[bool, str | None] | None:
    """Where a scope code lies: ``(True, None)`` for the province, ``(False, branch)``
    for a branch or a regency (its branch), ``None`` for an unknown code."""
    code = scope_code.strip()
    if code == PROVINCE_CODE:
        return True, None
    if Branch.objects.filter(code=code.upper()).exists():
        return False, code.upper()
    branch = Region.objects.filter(bps_code=code).values_list("branch_id", flat=True).first()
    return None if branch is None else (False, branch)


def subscription_scope_allowed(user: User, scope_code: str) -> bool:
    """Whether ``scope_code`` lies within ``user``'s branch scope (an unknown code
    never does)."""
    place = subscription_scope_branch(scope_code)
    if place is None:
        return False
    mine = user_branch_codes(user)
    if mine is None:
        return True
    is_province, branch = place
    return not is_province and branch in mine


def _normal_scope_code(scope_code: str) -> str:
    code = scope_code.strip()
    return code.upper() if Branch.objects.filter(code=code.upper()).exists() else code


def _subscription_text(subscription: Subscription) -> str:
    threshold = (
        "" if subscription.probability_threshold is None else subscription.probability_threshold
    )
    return (
        f"{subscription.kind} | {subscription.scope_code} | {threshold} | "
        f"{subscription.days_after_month_end} | {'aktif' if subscription.active else 'nonaktif'}"
    )


def _log_subscription(
    context: WriteContext, subscription: Subscription, *, old: str, new: str
) -> None:
    place = subscription_scope_branch(subscription.scope_code)
    branch = place[1] if place else None
    _log_changes(
        context,
        entity=SUBSCRIPTION_ENTITY,
        field="subscription",
        changes=[
            Change(timezone.localdate().year, None, branch, f"subscription/{subscription.pk}",
                   old, new)
        ],
    )  # fmt: skip


def _check_subscription_fields(
    user: User, *, scope_code: str, kind: str, probability_threshold: Decimal | None
) -> None:
    if subscription_scope_branch(scope_code) is None:
        raise SubscriptionInputError(str(SUBSCRIPTION_UNKNOWN_SCOPE % {"scope": scope_code}))
    if not subscription_scope_allowed(user, scope_code):
        raise NotAllowedError(
            str(SUBSCRIPTION_OUTSIDE_SCOPE % {"scope": scope_code, "branches": _scope_names(user)})
        )
    if kind == Subscription.Kind.EARLY_WARNING and (
        probability_threshold is None or not 0 <= probability_threshold <= 1
    ):
        raise SubscriptionInputError(str(SUBSCRIPTION_NEEDS_THRESHOLD))


@transaction.atomic
def subscription_save(
    *,
    user: User,
    subscription_id: int | None,
    scope_code: str,
    kind: str,
    probability_threshold: Decimal | None = None,
    days_after_month_end: int = 10,
    active: bool = True,
    context: WriteContext | None = None,
) -> Subscription:
    """Create (``subscription_id`` None) or change one of ``user``'s own subscriptions;
    the scope must lie within the user's branch scope; logged."""
    if not has_role(user, Role.ADMIN):
        raise NotAllowedError(str(SUBSCRIPTION_ROLE))
    if not getattr(user, "email", ""):
        raise SubscriptionInputError(str(SUBSCRIPTION_NO_EMAIL))
    _check_subscription_fields(
        user, scope_code=scope_code, kind=kind, probability_threshold=probability_threshold
    )
    if subscription_id is None:
        subscription = Subscription(
            user_id=cast(int, user.pk), unsubscribe_token=secrets.token_urlsafe(32)
        )
        old = ""
    else:
        subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
        if subscription.user_id != user.pk:
            raise NotAllowedError(str(SUBSCRIPTION_NOT_YOURS))
        old = _subscription_text(subscription)
    scope_code = _normal_scope_code(scope_code)
    duplicate = Subscription.objects.filter(
        user_id=subscription.user_id, scope_code=scope_code, kind=kind
    )
    if duplicate.exclude(pk=subscription.pk).exists():
        raise SubscriptionInputError(
            str(
                SUBSCRIPTION_DUPLICATE
                % {"kind": dict(Subscription.Kind.choices).get(kind, kind), "scope": scope_code}
            )
        )
    subscription.scope_code = scope_code
    subscription.kind = kind
    subscription.probability_threshold = (
        probability_threshold if kind == Subscription.Kind.EARLY_WARNING else None
    )
    subscription.days_after_month_end = days_after_month_end
    subscription.active = active
    subscription.full_clean(exclude=["user"])
    subscription.save()
    new = _subscription_text(subscription)
    if new != old:
        _log_subscription(_web_context(user, context), subscription, old=old, new=new)
    return subscription


@transaction.atomic
def subscription_delete(
    *, user: User, subscription_id: int, context: WriteContext | None = None
) -> None:
    """Delete one of ``user``'s own subscriptions (and its notices); the log keeps it."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
    if subscription.user_id != user.pk:
        raise NotAllowedError(str(SUBSCRIPTION_NOT_YOURS))
    _log_subscription(
        _web_context(user, context), subscription, old=_subscription_text(subscription), new=""
    )
    subscription.delete()


def subscription_by_token(*, subscription_id: int, token: str) -> Subscription:
    """The subscription an unsubscribe link names; the token is compared in constant
    time, and an unknown id answers exactly like a wrong token."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    stored = subscription.unsubscribe_token if subscription else secrets.token_urlsafe(32)
    if not hmac.compare_digest(stored.encode(), token.encode()) or subscription is None:
        raise SubscriptionInputError(str(SUBSCRIPTION_BAD_TOKEN))
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, subscription_id: int, token: str) -> Subscription:
    """Turn off the subscription of an unsubscribe link (no login: the token is the
    proof); logged with the subscriber as the user. Unsubscribing twice is harmless."""
    subscription = subscription_by_token(subscription_id=subscription_id, token=token)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.active:
        old = _subscription_text(subscription)
        subscription.active = False
        subscription.save(update_fields=["active"])
        _log_subscription(
            WriteContext(
                user_id=subscription.user_id,
                source=ChangeSource.GRID,
                source_detail="tautan berhenti berlangganan",
            ),
            subscription,
            old=old,
            new=_subscription_text(subscription),
        )
    return subscription


def notice_send(*, subscription: Subscription, key: str, message: EmailMessage) -> bool:
    """Record notice ``key`` of ``subscription`` and send ``message``, both or neither.

    False (nothing sent) when the notice was recorded already, by an earlier run or
    by a run at the same time (the unique (subscription, key) constraint decides).
    A failure to send rolls the record back, so the next run tries again.
    """
    recipients = ", ".join(message.to)
    try:
        with transaction.atomic():
            Notice.objects.create(
                subscription=subscription,
                key=key[:100],
                sent_at=timezone.now(),
                recipient=recipients[:254],
                subject=str(message.subject)[:300],
            )
            message.send()
    except IntegrityError:
        return False
    return True
