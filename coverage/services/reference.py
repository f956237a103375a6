"""Workforce figures and targets (bulk from imports, one at a time from the admin)
and the reference tables (branches, regencies, sectors, segments) the admin edits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import cast

from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    PROVINCE_CODE,
    Branch,
    ChangeLog,
    Region,
    ScopeType,
    Sector,
    Segment,
    Target,
    WorkforceFigure,
)
from ..records import TargetRecord, WorkforceRecord
from .bulk import Plan, RecordKind, plan_records, records_save
from .context import (
    AdminUser,
    AdminWriteRefused,
    Change,
    WriteContext,
    WriteResult,
    admin_context,
    log_admin_delete,
    log_changes,
    require_reference_editor,
    require_scope,
)


@transaction.atomic
def workforce_figures_save(
    *, records: Sequence[WorkforceRecord], context: WriteContext | None = None
) -> WriteResult:
    """Insert or replace the figure of each (year, region, sector, basis).

    Diffed in Python and written with ``bulk_create``/``bulk_update`` because the
    empty region/sector cases are partial unique indexes, which an upsert cannot target.
    """
    return records_save(_WORKFORCE, records, context)


def _workforce_key(year: int, region_code: str | None, sector_code: str | None, basis: str) -> str:
    return f"{year}/{region_code or PROVINCE_CODE}/{sector_code or '*'}/{basis}"


def _workforce_value(workers: int, source: str) -> str:
    return f"{workers} ({source})"


def workforce_figures_preview(*, records: Sequence[WorkforceRecord]) -> WriteResult:
    """What ``workforce_figures_save`` would do, without writing (for ``--dry-run``)."""
    return _workforce_plan(records).result


def _workforce_plan(records: Sequence[WorkforceRecord]) -> Plan:
    """New records, changed ones as ``(pk, record, old value)``, and the counts."""
    years = {record.year for record in records}
    existing = {
        (year, region, sector, basis): (pk, {"workers": workers, "source": source})
        for pk, year, region, sector, basis, workers, source in WorkforceFigure.objects.filter(
            year__in=years
        ).values_list("pk", "year", "region_id", "sector_id", "basis", "workers", "source")
    }
    return plan_records(
        records,
        existing,
        lambda r: {"workers": r.workers, "source": r.source},
        lambda v: _workforce_value(cast(int, v["workers"]), str(v["source"])),
    )


_WORKFORCE = RecordKind(
    WorkforceFigure, ChangeLog.Entity.WORKFORCE, "workers", _workforce_plan,
    values=lambda r: {"workers": r.workers, "source": r.source},
    keys=lambda r, _ids: {
        "year": r.year, "basis": r.basis, "region_id": r.region_code, "sector_id": r.sector_code,
    },
    change=lambda r, old, _ids: Change(
        r.year, r.region_code, None, _workforce_key(r.year, r.region_code, r.sector_code, r.basis),
        old, _workforce_value(r.workers, r.source),
    ),
)  # fmt: skip


@transaction.atomic
def targets_save(
    *, records: Sequence[TargetRecord], context: WriteContext | None = None
) -> WriteResult:
    """Insert or replace the target of each (year, scope, basis); see ``workforce_figures_save``."""
    return records_save(_TARGETS, records, context)


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


def _target_plan(records: Sequence[TargetRecord]) -> Plan:
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
    return plan_records(
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


_TARGETS = RecordKind(
    Target, ChangeLog.Entity.TARGET, "target_count/target_pct", _target_plan,
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


def _branch_of_region(region_code: str | None) -> str | None:
    if region_code is None:
        return None
    return Region.objects.values_list("branch_id", flat=True).get(bps_code=region_code)


def workforce_figure_save(*, user: AdminUser, record: WorkforceRecord) -> WriteResult:
    """A regency's figure needs its branch in scope; a province figure, province scope."""
    require_scope(user, branch_code=_branch_of_region(record.region_code))
    return workforce_figures_save(records=[record], context=admin_context(user))


@transaction.atomic
def workforce_figure_delete(*, user: AdminUser, figure_id: int) -> None:
    figure = WorkforceFigure.objects.get(pk=figure_id)
    require_scope(user, branch_code=_branch_of_region(figure.region_id))
    key = _workforce_key(figure.year, figure.region_id, figure.sector_id, figure.basis)
    value = _workforce_value(figure.workers, figure.source)
    change = Change(figure.year, figure.region_id, None, key, value, "")
    entity = ChangeLog.Entity.WORKFORCE
    log_admin_delete(user, entity=entity, field=_WORKFORCE.field, change=change)
    figure.delete()


def _target_branch(scope_type: str, scope_code: str) -> str | None:
    if scope_type == ScopeType.BRANCH:
        return scope_code
    if scope_type == ScopeType.REGION:
        return _branch_of_region(scope_code)
    return None


def target_save(*, user: AdminUser, record: TargetRecord) -> WriteResult:
    """A target of the user's branch or regencies; the province's needs province scope."""
    require_scope(user, branch_code=_target_branch(record.scope_type, record.scope_code))
    return targets_save(records=[record], context=admin_context(user))


@transaction.atomic
def target_delete(*, user: AdminUser, target_id: int) -> None:
    target = Target.objects.select_related("branch", "region").get(pk=target_id)
    require_scope(user, branch_code=_target_branch(target.scope_type, target.scope_code))
    key = f"{target.year}/{target.scope_code}/{target.basis}"
    value = _target_value(target.target_count, target.target_pct)
    change = Change(target.year, target.region_id, target.branch_id, key, value, "")
    log_admin_delete(user, entity=ChangeLog.Entity.TARGET, field=_TARGETS.field, change=change)
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
    require_reference_editor(user)
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
    context = admin_context(user)
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
        log_changes(context, entity=entity, field=field.removesuffix("_id"), changes=[change])


@transaction.atomic
def _reference_delete(user: AdminUser, model: type[ReferenceModel], *, pk: str) -> None:
    """Delete one reference row that nothing refers to any more, and log it."""
    require_reference_editor(user)
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
    log_admin_delete(
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
