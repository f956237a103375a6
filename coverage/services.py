"""Writes: saving counts, workforce figures and targets, inside transactions.

Each function takes clean records (see ``coverage.records``) and upserts them in
bulk, so that an import of 100,000 rows is a handful of queries, not one per row.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import partial, reduce
from operator import or_
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, selectors
from .access import User, has_role, user_branch_codes
from .calculations import Period
from .completeness import Completeness
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
    Programme,
    ProgrammeEnrolment,
    ProgrammeQuota,
    RegencyCommitment,
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
from .programme_records import (
    CommitmentRecord,
    EnrolmentRecord,
    ProgrammeImportRecord,
    ProgrammeRecord,
    QuotaRecord,
)
from .records import ParticipantRecord, TargetRecord, WorkforceRecord
from .templatetags.idformat import iddatetime

BATCH_SIZE = 2000
UNNEST_BATCH_SIZE = 20_000


@dataclass(frozen=True)
class WriteResult:
    created: int
    updated: int
    unchanged: int


def new_operation_id() -> str:
    """A fresh id for one user action (a grid save, an upload, an import, an approval).

    Every change-log row written for that action carries it, so the history shows
    one line per action instead of one per changed cell.
    """
    return uuid.uuid4().hex


@dataclass(frozen=True)
class WriteContext:
    """Who writes and from where, for the change log (*Riwayat perubahan*).

    One context is one operation: build it once per user action and pass the same
    context to every write function of that action (see ``new_operation_id``).
    """

    user_id: int | None = None
    source: str = ChangeSource.CLI
    source_detail: str = ""
    operation: str = dataclasses.field(default_factory=new_operation_id)


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
                "when": iddatetime(approval.approved_at),
            }
        lines.add(line)
    return sorted(lines)


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


ProgrammeIds = Mapping[str, tuple[int, int]]


@dataclass(frozen=True)
class _Plan:
    """Records to create, records to update as ``(pk, record, old text)``, and the counts."""

    new: list[Any]
    changed: list[tuple[int, Any, str]]
    result: WriteResult


def _plan(
    records: Sequence[Any],
    existing: Mapping[Any, tuple[int, Mapping[str, object]]],
    values: Callable[[Any], Mapping[str, object]],
    text: Callable[[Mapping[str, object]], str],
    key: Callable[[Any], Any] = lambda record: record.key,
) -> _Plan:
    """Each record is new, unchanged, or changed (with the old values' text) against
    ``existing``: key → (pk, stored values)."""
    new: list[Any] = []
    changed: list[tuple[int, Any, str]] = []
    unchanged = 0
    for record in records:
        before = existing.get(key(record))
        if before is None:
            new.append(record)
        elif dict(before[1]) == dict(values(record)):
            unchanged += 1
        else:
            changed.append((before[0], record, text(before[1])))
    return _Plan(new, changed, WriteResult(len(new), len(changed), unchanged))


@dataclass(frozen=True)
class _RecordKind:
    """How one kind of record (a workforce figure, a target, a programme's) is planned,
    stored and logged.

    ``values`` are the fields an import replaces on an existing row, ``keys`` the
    fields of a new row's key (from the record and the programme ids), ``change``
    the change-log line of a record given the old text.
    """

    model: type[models.Model]
    entity: str
    field: str
    plan: Callable[[Sequence[Any]], _Plan]
    values: Callable[[Any], dict[str, object]]
    keys: Callable[[Any, ProgrammeIds], dict[str, object]]
    change: Callable[[Any, str, ProgrammeIds], Change]
    by_programme: bool = False


def _records_save(
    kind: _RecordKind, records: Sequence[Any], context: WriteContext | None
) -> WriteResult:
    """Insert the new records, replace the changed ones and log both, for any kind."""
    plan = kind.plan(records)
    ids = _programme_ids(r.programme_code for r in records) if kind.by_programme else {}
    manager = kind.model._default_manager
    manager.bulk_create(
        [kind.model(**kind.keys(r, ids), **kind.values(r)) for r in plan.new],
        batch_size=BATCH_SIZE,
    )
    if plan.changed:
        manager.bulk_update(
            [kind.model(pk=pk, **kind.values(r)) for pk, r, _old in plan.changed],
            list(kind.values(plan.changed[0][1])),
            batch_size=BATCH_SIZE,
        )
    _log_changes(
        context or WriteContext(),
        entity=kind.entity,
        field=kind.field,
        changes=[kind.change(r, old, ids) for r, old in _news_then_changes(plan)],
    )
    return plan.result


def _news_then_changes(plan: _Plan) -> list[tuple[Any, str]]:
    return [(record, "") for record in plan.new] + [
        (record, old) for _pk, record, old in plan.changed
    ]


@transaction.atomic
def workforce_figures_save(
    *, records: Sequence[WorkforceRecord], context: WriteContext | None = None
) -> WriteResult:
    """Insert or replace the figure of each (year, region, sector, basis).

    Diffed in Python and written with ``bulk_create``/``bulk_update`` because the
    empty region/sector cases are partial unique indexes, which an upsert cannot target.
    """
    return _records_save(_WORKFORCE, records, context)


def _workforce_key(record: WorkforceRecord) -> str:
    region = record.region_code or PROVINCE_CODE
    return f"{record.year}/{region}/{record.sector_code or '*'}/{record.basis}"


def _workforce_value(workers: int, source: str) -> str:
    return f"{workers} ({source})"


def workforce_figures_preview(*, records: Sequence[WorkforceRecord]) -> WriteResult:
    """What ``workforce_figures_save`` would do, without writing (for ``--dry-run``)."""
    return _workforce_plan(records).result


def _workforce_plan(records: Sequence[WorkforceRecord]) -> _Plan:
    """New records, changed ones as ``(pk, record, old value)``, and the counts."""
    years = {record.year for record in records}
    existing = {
        (year, region, sector, basis): (pk, {"workers": workers, "source": source})
        for pk, year, region, sector, basis, workers, source in WorkforceFigure.objects.filter(
            year__in=years
        ).values_list("pk", "year", "region_id", "sector_id", "basis", "workers", "source")
    }
    return _plan(
        records,
        existing,
        lambda r: {"workers": r.workers, "source": r.source},
        lambda v: _workforce_value(cast(int, v["workers"]), str(v["source"])),
    )


_WORKFORCE = _RecordKind(
    model=WorkforceFigure,
    entity=ChangeLog.Entity.WORKFORCE,
    field="workers",
    plan=_workforce_plan,
    values=lambda r: {"workers": r.workers, "source": r.source},
    keys=lambda r, _ids: {
        "year": r.year, "basis": r.basis, "region_id": r.region_code, "sector_id": r.sector_code,
    },
    change=lambda r, old, _ids: Change(
        r.year, r.region_code, None, _workforce_key(r), old, _workforce_value(r.workers, r.source)
    ),
)  # fmt: skip


@transaction.atomic
def targets_save(
    *, records: Sequence[TargetRecord], context: WriteContext | None = None
) -> WriteResult:
    """Insert or replace the target of each (year, scope, basis); see ``workforce_figures_save``."""
    return _records_save(_TARGETS, records, context)


def _target_value(count: int | None, pct: Decimal | None) -> str:
    return f"{'' if count is None else count} / {'' if pct is None else pct}"


def targets_preview(*, records: Sequence[TargetRecord]) -> WriteResult:
    """What ``targets_save`` would do, without writing (for ``--dry-run``)."""
    return _target_plan(records).result


def _target_values(record: TargetRecord) -> dict[str, object]:
    return {
        "target_count": record.target_count,
        "target_pct": record.target_pct,
        "note": record.note,
    }


def _target_plan(records: Sequence[TargetRecord]) -> _Plan:
    years = {record.year for record in records}
    existing: dict[tuple[int, str, str, str], tuple[int, Mapping[str, object]]] = {}
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
        values = {"target_count": count, "target_pct": pct, "note": note}
        existing[(year, scope_type, scope_code, basis)] = (pk, values)
    return _plan(
        records,
        existing,
        _target_values,
        lambda v: _target_value(
            cast("int | None", v["target_count"]), cast("Decimal | None", v["target_pct"])
        ),
        key=lambda r: (r.year, r.scope_type, _target_scope_code(r), r.basis),
    )


def _target_scope_ids(record: TargetRecord) -> dict[str, str | None]:
    branch = record.scope_type == ScopeType.BRANCH
    region = record.scope_type == ScopeType.REGION
    return {
        "branch_id": record.scope_code if branch else None,
        "region_id": record.scope_code if region else None,
    }


_TARGETS = _RecordKind(
    model=Target,
    entity=ChangeLog.Entity.TARGET,
    field="target_count/target_pct",
    plan=_target_plan,
    values=_target_values,
    keys=lambda r, _ids: {
        "year": r.year, "basis": r.basis, "scope_type": r.scope_type, **_target_scope_ids(r),
    },
    change=lambda r, old, _ids: Change(
        r.year, _target_scope_ids(r)["region_id"], _target_scope_ids(r)["branch_id"],
        f"{r.year}/{_target_scope_code(r)}/{r.basis}", old,
        _target_value(r.target_count, r.target_pct),
    ),
)  # fmt: skip


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
                operation=context.operation,
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


APPROVAL_REASON_MIN_LENGTH = 10


class IncompleteApprovalError(Exception):
    """Approving a month that not every expected regency has reported needs a reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def approval_completeness(*, year: int, month: int, branch_code: str | None) -> Completeness:
    """How far ``year``-``month`` is reported for a branch (or the province)."""
    regions = Region.objects.all()
    if branch_code:
        regions = regions.filter(branch_id=branch_code)
    codes = [str(code) for code in regions.values_list("bps_code", flat=True)]
    since = Period(year, month)
    return selectors.reporting_ledger(since=since).completeness(since, codes)


@transaction.atomic
def month_approve(
    *, year: int, month: int, branch_code: str | None, user_id: int | None, reason: str = ""
) -> MonthApproval:
    """Approve and lock a month for a branch (or the province with ``branch_code`` None).

    A month that some expected regency has not reported yet is approved only with a
    reason of at least ten characters, kept in the change log beside the approval;
    without it ``IncompleteApprovalError`` is raised and nothing changes.
    """
    scope_type = ScopeType.BRANCH if branch_code else ScopeType.PROVINCE
    if branch_code and not Branch.objects.filter(code=branch_code).exists():
        raise ValueError(branch_code)
    reason = " ".join(reason.split())[:300]
    completeness = approval_completeness(year=year, month=month, branch_code=branch_code)
    rate = f"{completeness.regions_reported}/{completeness.regions_expected}"
    if not completeness.complete and len(reason) < APPROVAL_REASON_MIN_LENGTH:
        raise IncompleteApprovalError(
            _(
                "Bulan ini belum lengkap (%(rate)s kabupaten/kota sudah melapor): tulis alasan "
                "menyetujuinya, paling sedikit %(min)s karakter."
            )
            % {"rate": rate, "min": APPROVAL_REASON_MIN_LENGTH}
        )
    new_value = (
        _("disetujui dan dikunci")
        if completeness.complete
        else _("disetujui dan dikunci saat belum lengkap (%(rate)s): %(reason)s")
        % {"rate": rate, "reason": reason}
    )
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
        WriteContext(user_id=user_id, source=ChangeSource.APPROVAL, source_detail=reason),
        entity=ChangeLog.Entity.APPROVAL,
        field="locked",
        changes=[
            Change(year, None, branch_code, f"{year}-{month:02d}/{branch_code or PROVINCE_CODE}",
                   "", new_value[:300], month=month)
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
INITIATIVE_ENTITY = ChangeLog.Entity.INITIATIVE
SCENARIO_ENTITY = ChangeLog.Entity.SCENARIO


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


def _save_fields(
    instance: models.Model, values: Mapping[str, object], *, exclude: list[str]
) -> None:
    """Set ``values`` on a model instance, validate it (but ``exclude``) and save it."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=exclude)
    instance.save()


def _fill_initiative(initiative: Initiative, fields: InitiativeFields) -> None:
    values = {
        name: getattr(fields, name)
        for name in ("name", "kind", "start_date", "end_date", "expected_enrolments", "note")
    }
    _save_fields(
        initiative, values, exclude=["branches", "regions", "sectors", "segments", "created_by"]
    )
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
    values = {
        "name": name,
        "year": year,
        "scope_code": scope_code,
        "target_count": target_count,
        "levers": levers,
    }
    _save_fields(scenario, values, exclude=["created_by"])
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


# --- Pemda programmes -----------------------------------------------------------------
# Programmes, their quotas and monthly enrolment, and the regencies' commitments: each
# import row for an existing key replaces it, every change goes to the change log.

PROGRAMME_KINDS = ("programmes", "programme_quotas", "programme_enrolment", "commitments")
ENTITY_PROGRAMME = ChangeLog.Entity.PROGRAMME
ENTITY_PROGRAMME_QUOTA = ChangeLog.Entity.PROGRAMME_QUOTA
ENTITY_PROGRAMME_ENROLMENT = ChangeLog.Entity.PROGRAMME_ENROLMENT
ENTITY_COMMITMENT = ChangeLog.Entity.COMMITMENT


def _programme_values(record: ProgrammeRecord) -> dict[str, object]:
    return {
        "name": record.name,
        "funder_id": _funder_id(record.funder_code),
        "year": record.year,
        "budget_idr": record.budget_idr,
        "contribution_idr": record.contribution_idr,
        "start_year": record.start_year,
        "start_month": record.start_month,
        "end_year": record.end_year,
        "end_month": record.end_month,
    }


def _programme_text(values: Mapping[str, object]) -> str:
    funder = values["funder_id"] or PROVINCE_CODE
    return (
        f"{values['name']} / {funder} / {values['year']} / {values['budget_idr']} / "
        f"{values['contribution_idr']} / {values['start_year']}-{values['start_month']:02d}"
        f"..{values['end_year']}-{values['end_month']:02d}"
    )


_PROGRAMME_FIELDS = (
    "name",
    "funder_id",
    "year",
    "budget_idr",
    "contribution_idr",
    "start_year",
    "start_month",
    "end_year",
    "end_month",
)


def _programme_plan(records: Sequence[ProgrammeRecord]) -> _Plan:
    rows = Programme.objects.filter(code__in=[r.code for r in records]).values(
        "pk", "code", *_PROGRAMME_FIELDS
    )
    existing = {
        (row["code"],): (row["pk"], {name: row[name] for name in _PROGRAMME_FIELDS}) for row in rows
    }
    return _plan(records, existing, _programme_values, _programme_text)


def _programme_ids(codes: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Programme code → (id, year)."""
    return {
        code: (pk, year)
        for pk, code, year in Programme.objects.filter(code__in=set(codes)).values_list(
            "pk", "code", "year"
        )
    }


def _quota_plan(records: Sequence[QuotaRecord]) -> _Plan:
    rows = ProgrammeQuota.objects.filter(
        programme__code__in={r.programme_code for r in records}
    ).values_list("pk", "programme__code", "region_id", "quota")
    existing = {(code, region): (pk, {"quota": quota}) for pk, code, region, quota in rows}
    return _plan(
        records, existing, lambda r: {"quota": r.quota}, lambda values: str(values["quota"])
    )


def _enrolment_plan(records: Sequence[EnrolmentRecord]) -> _Plan:
    rows = ProgrammeEnrolment.objects.filter(
        programme__code__in={r.programme_code for r in records},
        year__in={r.year for r in records},
    ).values_list("pk", "year", "month", "programme__code", "region_id", "enrolled")
    existing = {
        (year, month, code, region): (pk, {"enrolled": enrolled})
        for pk, year, month, code, region, enrolled in rows
    }
    return _plan(
        records, existing, lambda r: {"enrolled": r.enrolled}, lambda v: str(v["enrolled"])
    )


_COMMITMENT_FIELDS = (
    "regulation",
    "budget_idr",
    "village_apparatus_total",
    "village_apparatus_covered",
)


def _commitment_values(record: CommitmentRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in _COMMITMENT_FIELDS}


def _commitment_text(values: Mapping[str, object]) -> str:
    return (
        f"{values['regulation'] or '-'} / {values['budget_idr']} / "
        f"{values['village_apparatus_covered']}/{values['village_apparatus_total']}"
    )


def _commitment_plan(records: Sequence[CommitmentRecord]) -> _Plan:
    rows = RegencyCommitment.objects.filter(year__in={r.year for r in records}).values(
        "pk", "year", "region_id", *_COMMITMENT_FIELDS
    )
    existing = {
        (row["year"], row["region_id"]): (
            row["pk"],
            {name: row[name] for name in _COMMITMENT_FIELDS},
        )
        for row in rows
    }
    return _plan(records, existing, _commitment_values, _commitment_text)


def _quota_key(programme_code: str, region_code: str) -> str:
    return f"{programme_code}/{region_code}"


def _enrolment_key(year: int, month: int, programme_code: str, region_code: str) -> str:
    return f"{year}-{month:02d}/{programme_code}/{region_code}"


def _funder_id(funder_code: str) -> str | None:
    return None if funder_code == PROVINCE_CODE else funder_code


_PROGRAMMES = _RecordKind(
    model=Programme,
    entity=ENTITY_PROGRAMME,
    field="programme",
    plan=lambda records: _programme_plan(records),
    values=_programme_values,
    keys=lambda r, _ids: {"code": r.code},
    change=lambda r, old, _ids: Change(
        r.year, _funder_id(r.funder_code), None, r.code, old,
        _programme_text(_programme_values(r)),
    ),
)  # fmt: skip
_QUOTAS = _RecordKind(
    model=ProgrammeQuota,
    entity=ENTITY_PROGRAMME_QUOTA,
    field="quota",
    plan=lambda records: _quota_plan(records),
    values=lambda r: {"quota": r.quota},
    keys=lambda r, ids: {"programme_id": ids[r.programme_code][0], "region_id": r.region_code},
    change=lambda r, old, ids: Change(
        ids[r.programme_code][1], r.region_code, None,
        _quota_key(r.programme_code, r.region_code), old, str(r.quota),
    ),
    by_programme=True,
)  # fmt: skip
_ENROLMENT = _RecordKind(
    model=ProgrammeEnrolment,
    entity=ENTITY_PROGRAMME_ENROLMENT,
    field="enrolled",
    plan=lambda records: _enrolment_plan(records),
    values=lambda r: {"enrolled": r.enrolled},
    keys=lambda r, ids: {
        "year": r.year, "month": r.month,
        "programme_id": ids[r.programme_code][0], "region_id": r.region_code,
    },
    change=lambda r, old, _ids: Change(
        r.year, r.region_code, None,
        _enrolment_key(r.year, r.month, r.programme_code, r.region_code), old, str(r.enrolled),
        month=r.month,
    ),
    by_programme=True,
)  # fmt: skip
_COMMITMENTS = _RecordKind(
    model=RegencyCommitment,
    entity=ENTITY_COMMITMENT,
    field="commitment",
    plan=lambda records: _commitment_plan(records),
    values=_commitment_values,
    keys=lambda r, _ids: {"year": r.year, "region_id": r.region_code},
    change=lambda r, old, _ids: Change(
        r.year, r.region_code, None, f"{r.year}/{r.region_code}", old,
        _commitment_text(_commitment_values(r)),
    ),
)  # fmt: skip
_PROGRAMME_KIND_OF = {
    "programmes": _PROGRAMMES,
    "programme_quotas": _QUOTAS,
    "programme_enrolment": _ENROLMENT,
    "commitments": _COMMITMENTS,
}


@transaction.atomic
def programme_records_save(
    *, kind: str, records: Sequence[ProgrammeImportRecord], context: WriteContext | None = None
) -> WriteResult:
    """Insert or replace each record of one kind (``PROGRAMME_KINDS``) by its key: a
    programme by its code, a quota by (programme, regency), enrolment by (month,
    programme, regency), a commitment by (year, regency)."""
    spec = _PROGRAMME_KIND_OF.get(kind)
    if spec is None:
        raise ValueError(f"unknown programme import kind: {kind!r}")
    return _records_save(spec, records, context)


programmes_save = partial(programme_records_save, kind="programmes")
programme_quotas_save = partial(programme_records_save, kind="programme_quotas")
programme_enrolment_save = partial(programme_records_save, kind="programme_enrolment")
commitments_save = partial(programme_records_save, kind="commitments")


def programme_apply_import(
    kind: str,
    records: Sequence[ProgrammeImportRecord],
    *,
    dry_run: bool,
    context: WriteContext | None = None,
) -> WriteResult:
    """Write (or with ``dry_run`` only count) the clean records of one programme import.

    ``kind`` is one of ``PROGRAMME_KINDS``; the command line and the web upload share this.
    """
    if dry_run and kind in _PROGRAMME_KIND_OF:
        return _PROGRAMME_KIND_OF[kind].plan(records).result
    return programme_records_save(kind=kind, records=records, context=context)


@transaction.atomic
def programme_object_delete(
    *,
    instance: Programme | ProgrammeQuota | ProgrammeEnrolment | RegencyCommitment,
    context: WriteContext,
) -> None:
    """Delete one programme object (from the Django admin), logging what it held."""
    if isinstance(instance, Programme):
        values = {name: getattr(instance, name) for name in _PROGRAMME_FIELDS}
        text = _programme_text(values)
        change = Change(instance.year, instance.funder_id, None, instance.code, text, "")
    elif isinstance(instance, ProgrammeQuota):
        key = _quota_key(instance.programme.code, instance.region_id)
        quota = str(instance.quota)
        change = Change(instance.programme.year, instance.region_id, None, key, quota, "")
    elif isinstance(instance, ProgrammeEnrolment):
        year, month = instance.year, instance.month
        key = _enrolment_key(year, month, instance.programme.code, instance.region_id)
        enrolled = str(instance.enrolled)
        change = Change(year, instance.region_id, None, key, enrolled, "", month=month)
    else:
        values = {name: getattr(instance, name) for name in _COMMITMENT_FIELDS}
        key = f"{instance.year}/{instance.region_id}"
        change = Change(instance.year, instance.region_id, None, key, _commitment_text(values), "")
    instance.delete()
    entity = {
        Programme: ENTITY_PROGRAMME,
        ProgrammeQuota: ENTITY_PROGRAMME_QUOTA,
        ProgrammeEnrolment: ENTITY_PROGRAMME_ENROLMENT,
        RegencyCommitment: ENTITY_COMMITMENT,
    }[type(instance)]
    _log_changes(context, entity=entity, field="deleted", changes=[change])


# --- admin writes ---
# What the Django admin saves and deletes. Each function checks the user's scope
# itself (``coverage.access``), so a crafted POST meets the same rule as the form,
# and writes the change log with source ``admin``.


AdminUser = AbstractBaseUser | AnonymousUser


class AdminWriteRefused(PermissionError):
    """The user's role or scope does not allow this admin write; nothing was written."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _admin_context(user: AdminUser) -> WriteContext:
    return WriteContext(user_id=user.pk, source=ChangeSource.ADMIN, source_detail="admin")


def _outside_scope() -> AdminWriteRefused:
    return AdminWriteRefused(
        _(
            "Data ini di luar wilayah kerja Anda; hanya admin tingkat provinsi yang dapat "
            "mengubahnya."
        )
    )


def _require_scope(user: AdminUser, *, branch_code: str | None) -> None:
    if not access.can_edit_scope(user, branch_code=branch_code):
        raise _outside_scope()


def _require_reference_editor(user: AdminUser) -> None:
    if not access.can_edit_reference_data(user):
        raise AdminWriteRefused(
            _(
                "Data rujukan (kantor cabang, kabupaten/kota, sektor, segmen) hanya dapat diubah "
                "oleh manajer tingkat provinsi."
            )
        )


def _log_admin_delete(user: AdminUser, *, entity: str, change: Change, field: str) -> None:
    _log_changes(_admin_context(user), entity=entity, field=field, changes=[change])


def participant_count_save(*, user: AdminUser, record: ParticipantRecord) -> WriteResult:
    """One count from the admin: the user's regencies only, locks and change log as usual."""
    if record.region_code not in access.writable_region_codes(user):
        raise _outside_scope()
    return participant_counts_save(records=[record], context=_admin_context(user))


@transaction.atomic
def participant_count_delete(*, user: AdminUser, count_id: int) -> None:
    """Delete one count (refused in an approved month), log it and refresh the totals."""
    count = ParticipantCount.objects.select_related("region").get(pk=count_id)
    if count.region_id not in access.writable_region_codes(user):
        raise _outside_scope()
    _check_not_locked(
        [
            ParticipantRecord(
                count.year, count.month, count.region_id, count.sector_id, count.segment_id, 0, 0
            )
        ]
    )
    _log_admin_delete(
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


def _branch_of_region(region_code: str | None) -> str | None:
    if region_code is None:
        return None
    return Region.objects.values_list("branch_id", flat=True).get(bps_code=region_code)


def workforce_figure_save(*, user: AdminUser, record: WorkforceRecord) -> WriteResult:
    """A regency's figure needs its branch in scope; a province figure, province scope."""
    _require_scope(user, branch_code=_branch_of_region(record.region_code))
    return workforce_figures_save(records=[record], context=_admin_context(user))


@transaction.atomic
def workforce_figure_delete(*, user: AdminUser, figure_id: int) -> None:
    figure = WorkforceFigure.objects.get(pk=figure_id)
    _require_scope(user, branch_code=_branch_of_region(figure.region_id))
    record = WorkforceRecord(
        year=figure.year,
        region_code=figure.region_id,
        sector_code=figure.sector_id,
        basis=figure.basis,
        workers=figure.workers,
        source=figure.source,
    )
    _log_admin_delete(
        user,
        entity=ChangeLog.Entity.WORKFORCE,
        field="workers",
        change=Change(
            figure.year,
            figure.region_id,
            None,
            _workforce_key(record),
            _workforce_value(figure.workers, figure.source),
            "",
        ),
    )
    figure.delete()


def _target_branch(scope_type: str, scope_code: str) -> str | None:
    if scope_type == ScopeType.BRANCH:
        return scope_code
    if scope_type == ScopeType.REGION:
        return _branch_of_region(scope_code)
    return None


def target_save(*, user: AdminUser, record: TargetRecord) -> WriteResult:
    """A target of the user's branch or regencies; the province's needs province scope."""
    _require_scope(user, branch_code=_target_branch(record.scope_type, record.scope_code))
    return targets_save(records=[record], context=_admin_context(user))


@transaction.atomic
def target_delete(*, user: AdminUser, target_id: int) -> None:
    target = Target.objects.select_related("branch", "region").get(pk=target_id)
    _require_scope(user, branch_code=_target_branch(target.scope_type, target.scope_code))
    _log_admin_delete(
        user,
        entity=ChangeLog.Entity.TARGET,
        field="target_count/target_pct",
        change=Change(
            target.year,
            target.region_id,
            target.branch_id,
            f"{target.year}/{target.scope_code}/{target.basis}",
            _target_value(target.target_count, target.target_pct),
            "",
        ),
    )
    target.delete()


ReferenceModel = Branch | Region | Sector | Segment
REFERENCE_ENTITIES: dict[type[models.Model], str] = {
    Branch: ChangeLog.Entity.BRANCH,
    Region: ChangeLog.Entity.REGION,
    Sector: ChangeLog.Entity.SECTOR,
    Segment: ChangeLog.Entity.SEGMENT,
}


def _reference_value(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


@transaction.atomic
def _reference_save(
    user: AdminUser, model: type[ReferenceModel], *, pk: str, values: dict[str, object]
) -> None:
    """Create or update one reference row, logging each changed field (old → new)."""
    _require_reference_editor(user)
    entity = REFERENCE_ENTITIES[model]
    existing = model._default_manager.select_for_update().filter(pk=pk).first()
    before = {} if existing is None else {f: getattr(existing, f) for f in values}
    row = existing or model(pk=pk)
    for field, value in values.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    region = pk if model is Region else None
    branch = values.get("branch_id") if model is Region else (pk if model is Branch else None)
    context = _admin_context(user)
    for field, value in values.items():
        if existing is not None and before[field] == value:
            continue
        old = "" if existing is None else _reference_value(before[field])
        change = Change(
            timezone.localdate().year,
            region,
            cast(str | None, branch),
            f"{entity}/{pk}",
            old,
            _reference_value(value),
        )
        _log_changes(context, entity=entity, field=field.removesuffix("_id"), changes=[change])


@transaction.atomic
def _reference_delete(user: AdminUser, model: type[ReferenceModel], *, pk: str) -> None:
    """Delete one reference row that nothing refers to any more, and log it."""
    _require_reference_editor(user)
    entity = REFERENCE_ENTITIES[model]
    row = model._default_manager.get(pk=pk)
    try:
        row.delete()
    except ProtectedError:
        raise AdminWriteRefused(
            _("%(name)s masih dipakai oleh data lain, sehingga tidak dapat dihapus.")
            % {"name": str(row)}
        ) from None
    region = pk if model is Region else None
    branch = pk if model is Branch else (cast(Region, row).branch_id if model is Region else None)
    _log_admin_delete(
        user,
        entity=entity,
        field="name",
        change=Change(timezone.localdate().year, region, branch, f"{entity}/{pk}", str(row), ""),
    )


def branch_save(*, user: AdminUser, code: str, name: str) -> None:
    _reference_save(user, Branch, pk=code, values={"name": name})


def branch_delete(*, user: AdminUser, code: str) -> None:
    _reference_delete(user, Branch, pk=code)


def region_save(
    *,
    user: AdminUser,
    bps_code: str,
    kemendagri_code: str,
    name: str,
    kind: str,
    branch_code: str,
) -> None:
    """Create or change a regency, including moving it to another branch (logged as
    ``branch``: old code → new code)."""
    _reference_save(
        user,
        Region,
        pk=bps_code,
        values={
            "kemendagri_code": kemendagri_code,
            "name": name,
            "kind": kind,
            "branch_id": branch_code,
        },
    )


def region_delete(*, user: AdminUser, bps_code: str) -> None:
    _reference_delete(user, Region, pk=bps_code)


def sector_save(*, user: AdminUser, code: str, name: str, name_en: str) -> None:
    _reference_save(user, Sector, pk=code, values={"name": name, "name_en": name_en})


def sector_delete(*, user: AdminUser, code: str) -> None:
    _reference_delete(user, Sector, pk=code)


def segment_save(*, user: AdminUser, code: str, name: str, name_en: str, is_formal: bool) -> None:
    _reference_save(
        user,
        Segment,
        pk=code,
        values={"name": name, "name_en": name_en, "is_formal": is_formal},
    )


def segment_delete(*, user: AdminUser, code: str) -> None:
    _reference_delete(user, Segment, pk=code)


# --- subscriptions ---------------------------------------------------------------------
#
# Managers and admins subscribe themselves to e-mail about a scope within their branch
# scope (the province only with province-wide scope). The unsubscribe link of every
# mail works without logging in: it carries the subscription's id and a random token,
# compared in constant time. ``send_notifications`` records each notice it sends here,
# in the same transaction as the sending, so a notice that could not be sent is tried
# again on the next run and one that was sent is never sent twice.

SUBSCRIPTION_ENTITY = ChangeLog.Entity.SUBSCRIPTION
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
    early = kind == Subscription.Kind.EARLY_WARNING
    values = {
        "scope_code": scope_code,
        "kind": kind,
        "probability_threshold": probability_threshold if early else None,
        "days_after_month_end": days_after_month_end,
        "active": active,
    }
    _save_fields(subscription, values, exclude=["user"])
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
