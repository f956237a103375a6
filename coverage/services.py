"""Writes: saving counts, workforce figures and targets, inside transactions.

Each function takes clean records (see ``coverage.records``) and upserts them in
bulk, so that an import of 100,000 rows is a handful of queries, not one per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import cast

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .models import (
    PROVINCE_CODE,
    Branch,
    ChangeLog,
    ChangeSource,
    MonthApproval,
    MonthlyTotal,
    ParticipantCount,
    Region,
    ScopeType,
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


def refresh_monthly_totals(cells: Iterable[tuple[int, int, str]]) -> None:
    """Recompute ``MonthlyTotal`` for the given (year, month, region) cells.

    Called in the same transaction as every write to the counts, so the derived
    table can never disagree with them.
    """
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
                f"DELETE FROM {totals} WHERE year = %s AND month = %s AND region_id IN ({marks})",
                [year, month, *codes],
            )
            cursor.execute(
                f"INSERT INTO {totals} (year, month, region_id, segment_id, active, nonactive) "
                f"SELECT year, month, region_id, segment_id, SUM(active), SUM(nonactive) "
                f"FROM {counts} WHERE year = %s AND month = %s AND region_id IN ({marks}) "
                f"GROUP BY year, month, region_id, segment_id",
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


# --- admin writes ---
# What the Django admin saves and deletes. Each function checks the user's scope
# itself (``coverage.access``), so a crafted POST meets the same rule as the form,
# and writes the change log with source ``admin``.

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser  # noqa: E402
from django.db import models  # noqa: E402
from django.db.models import ProtectedError  # noqa: E402

from . import access  # noqa: E402
from .models import Sector, Segment  # noqa: E402

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
