"""Pemda programmes, their quotas and monthly enrolment, and the regencies' commitments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

from django.db import transaction

from ..models import (
    PROVINCE_CODE,
    ChangeLog,
    Programme,
    ProgrammeEnrolment,
    ProgrammeQuota,
    RegencyCommitment,
)
from ..programme_records import (
    CommitmentRecord,
    EnrolmentRecord,
    ProgrammeImportRecord,
    ProgrammeRecord,
    QuotaRecord,
)
from .bulk import Plan, RecordKind, plan_records, records_save
from .context import Change, WriteContext, WriteResult, log_changes

# --- Pemda programmes -----------------------------------------------------------------
# Programmes, their quotas and monthly enrolment, and the regencies' commitments: each
# import row for an existing key replaces it, every change goes to the change log.

PROGRAMME_KINDS = ("programmes", "programme_quotas", "programme_enrolment", "commitments")
ENTITY_PROGRAMME = ChangeLog.Entity.PROGRAMME
ENTITY_PROGRAMME_QUOTA = ChangeLog.Entity.PROGRAMME_QUOTA
ENTITY_PROGRAMME_ENROLMENT = ChangeLog.Entity.PROGRAMME_ENROLMENT
ENTITY_COMMITMENT = ChangeLog.Entity.COMMITMENT
# A programme's fields an import replaces (the code is its key).
_PROGRAMME_FIELDS = (
    *("name", "funder_id", "year", "budget_idr", "contribution_idr"),
    *("start_year", "start_month", "end_year", "end_month"),
)


def _programme_values(record: ProgrammeRecord) -> dict[str, object]:
    """A record's values by model field: the record's ``funder_code`` is ``funder_id``."""
    values = {name: getattr(record, name) for name in _PROGRAMME_FIELDS if name != "funder_id"}
    return {**values, "funder_id": _funder_id(record.funder_code)}


def _programme_text(values: Mapping[str, object]) -> str:
    funder = values["funder_id"] or PROVINCE_CODE
    return (
        f"{values['name']} / {funder} / {values['year']} / {values['budget_idr']} / "
        f"{values['contribution_idr']} / {values['start_year']}-{values['start_month']:02d}"
        f"..{values['end_year']}-{values['end_month']:02d}"
    )


def _programme_plan(records: Sequence[ProgrammeRecord]) -> Plan:
    rows = Programme.objects.filter(code__in=[r.code for r in records]).values(
        "pk", "code", *_PROGRAMME_FIELDS
    )
    existing = {
        (row["code"],): (row["pk"], {name: row[name] for name in _PROGRAMME_FIELDS}) for row in rows
    }
    return plan_records(records, existing, _programme_values, _programme_text)


def _quota_plan(records: Sequence[QuotaRecord]) -> Plan:
    rows = ProgrammeQuota.objects.filter(
        programme__code__in={r.programme_code for r in records}
    ).values_list("pk", "programme__code", "region_id", "quota")
    existing = {(code, region): (pk, {"quota": quota}) for pk, code, region, quota in rows}
    return plan_records(
        records, existing, lambda r: {"quota": r.quota}, lambda values: str(values["quota"])
    )


def _enrolment_plan(records: Sequence[EnrolmentRecord]) -> Plan:
    rows = ProgrammeEnrolment.objects.filter(
        programme__code__in={r.programme_code for r in records},
        year__in={r.year for r in records},
    ).values_list("pk", "year", "month", "programme__code", "region_id", "enrolled")
    existing = {
        (year, month, code, region): (pk, {"enrolled": enrolled})
        for pk, year, month, code, region, enrolled in rows
    }
    return plan_records(
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


def _commitment_plan(records: Sequence[CommitmentRecord]) -> Plan:
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
    return plan_records(records, existing, _commitment_values, _commitment_text)


def _quota_key(programme_code: str, region_code: str) -> str:
    return f"{programme_code}/{region_code}"


def _enrolment_key(year: int, month: int, programme_code: str, region_code: str) -> str:
    return f"{year}-{month:02d}/{programme_code}/{region_code}"


def _funder_id(funder_code: str) -> str | None:
    return None if funder_code == PROVINCE_CODE else funder_code


_PROGRAMMES = RecordKind(
    Programme, ENTITY_PROGRAMME, "programme", _programme_plan,
    values=_programme_values,
    keys=lambda r, _ids: {"code": r.code},
    change=lambda r, old, _ids: Change(
        r.year, _funder_id(r.funder_code), None, r.code, old,
        _programme_text(_programme_values(r)),
    ),
)  # fmt: skip
_QUOTAS = RecordKind(
    ProgrammeQuota, ENTITY_PROGRAMME_QUOTA, "quota", _quota_plan,
    values=lambda r: {"quota": r.quota},
    keys=lambda r, ids: {"programme_id": ids[r.programme_code][0], "region_id": r.region_code},
    change=lambda r, old, ids: Change(
        ids[r.programme_code][1], r.region_code, None,
        _quota_key(r.programme_code, r.region_code), old, str(r.quota),
    ),
    by_programme=True,
)  # fmt: skip
_ENROLMENT = RecordKind(
    ProgrammeEnrolment, ENTITY_PROGRAMME_ENROLMENT, "enrolled", _enrolment_plan,
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
_COMMITMENTS = RecordKind(
    RegencyCommitment, ENTITY_COMMITMENT, "commitment", _commitment_plan,
    values=_commitment_values,
    keys=lambda r, _ids: {"year": r.year, "region_id": r.region_code},
    change=lambda r, old, _ids: Change(
        r.year, r.region_code, None, f"{r.year}/{r.region_code}", old,
        _commitment_text(_commitment_values(r)),
    ),
)  # fmt: skip
PROGRAMME_RECORD_KINDS = {
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
    spec = PROGRAMME_RECORD_KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown programme import kind: {kind!r}")
    return records_save(spec, records, context)


programmes_save = partial(programme_records_save, kind="programmes")
programme_quotas_save = partial(programme_records_save, kind="programme_quotas")
programme_enrolment_save = partial(programme_records_save, kind="programme_enrolment")
commitments_save = partial(programme_records_save, kind="commitments")


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
    log_changes(context, entity=entity, field="deleted", changes=[change])
