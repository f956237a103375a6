"""Initiatives and saved planner scenarios: created, changed and deleted under one
ownership rule (``can_change_initiative``, ``can_change_scenario``), and logged."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from ..access import User, has_role, user_branch_codes
from ..models import (
    PROVINCE_CODE,
    Branch,
    ChangeLog,
    Initiative,
    Region,
    Role,
    Scenario,
    Sector,
    Segment,
)
from .context import (
    Change,
    NotAllowedError,
    WriteContext,
    log_changes,
    save_fields,
    save_fields_logged,
    scope_names,
    web_context,
)

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


INITIATIVE_ENTITY = ChangeLog.Entity.INITIATIVE


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


def _may_change(
    user: User, *, role: Role, created_by_id: int | None, within_scope: Callable[[], bool]
) -> bool:
    """The rule above: a province-wide manager may; anyone else with ``role`` only what
    they created, while it lies within their scope (asked last: it may query)."""
    if not has_role(user, role):
        return False
    if has_role(user, Role.MANAGER) and user_branch_codes(user) is None:
        return True
    return created_by_id is not None and created_by_id == user.pk and within_scope()


def can_change_initiative(user: User, initiative: Initiative) -> bool:
    """Whether ``user`` may edit or delete ``initiative`` (see the rule above)."""
    return _may_change(
        user,
        role=Role.ADMIN,
        created_by_id=initiative.created_by_id,
        within_scope=lambda: _places_within_scope(
            user,
            branch_codes=[branch.code for branch in initiative.branches.all()],
            region_codes=[region.bps_code for region in initiative.regions.all()],
        ),
    )


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
    log_changes(
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
        raise NotAllowedError(str(INITIATIVE_OUTSIDE_SCOPE % {"branches": scope_names(user)}))


def _fill_initiative(initiative: Initiative, fields: InitiativeFields) -> None:
    values = {
        name: getattr(fields, name)
        for name in ("name", "kind", "start_date", "end_date", "expected_enrolments", "note")
    }
    save_fields(
        initiative, values, exclude=["branches", "regions", "sectors", "segments", "created_by"]
    )
    initiative.branches.set(Branch.objects.filter(code__in=fields.branch_codes))
    initiative.regions.set(Region.objects.filter(bps_code__in=fields.region_codes))
    initiative.sectors.set(Sector.objects.filter(code__in=fields.sector_codes))
    initiative.segments.set(Segment.objects.filter(code__in=fields.segment_codes))


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
        web_context(user, context), initiative, old="", new=_initiative_text(initiative),
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
            web_context(user, context), initiative, old=old, new=new,
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
        web_context(user, context), initiative, old=_initiative_text(initiative), new="",
        branch=_initiative_branch(initiative),
    )  # fmt: skip
    initiative.delete()


# --- scenarios ---------------------------------------------------------------------------

SCENARIO_NOT_YOURS = gettext_lazy(
    "Anda hanya dapat mengubah atau menghapus skenario yang Anda buat sendiri untuk wilayah "
    "kerja Anda; skenario lain hanya dapat diubah oleh manajer dengan wilayah kerja seluruh "
    "provinsi."
)
SCENARIO_OUTSIDE_SCOPE = gettext_lazy(
    "Skenario hanya dapat disimpan untuk cakupan di wilayah kerja Anda (%(branches)s)."
)
SCENARIO_ROLE = gettext_lazy("Hanya manajer yang dapat menyimpan skenario.")


SCENARIO_ENTITY = ChangeLog.Entity.SCENARIO


def can_change_scenario(user: User, scenario: Scenario) -> bool:
    """Whether ``user`` may overwrite or delete ``scenario`` (see the rule above)."""
    return _may_change(
        user,
        role=Role.MANAGER,
        created_by_id=scenario.created_by_id,
        within_scope=lambda: _scenario_scope_within(user, scenario.scope_code),
    )


def _scenario_scope_within(user: User, scope_code: str) -> bool:
    mine = user_branch_codes(user)
    return mine is None or scope_code.upper() in mine


def _scenario_text(scenario: Scenario) -> str:
    levers = json.dumps(scenario.levers, ensure_ascii=False, sort_keys=True)
    target = "" if scenario.target_count is None else scenario.target_count
    return f"{scenario.name} | {scenario.scope_code} | {scenario.year} | {target} | {levers}"


def _log_scenario(context: WriteContext, scenario: Scenario, *, old: str, new: str) -> None:
    branch = scenario.scope_code.upper()
    log_changes(
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
        raise NotAllowedError(str(SCENARIO_OUTSIDE_SCOPE % {"branches": scope_names(user)}))
    values = {
        "name": name,
        "year": year,
        "scope_code": scope_code,
        "target_count": target_count,
        "levers": levers,
    }
    return save_fields_logged(
        scenario,
        values,
        exclude=["created_by"],
        old=old,
        text=_scenario_text,
        log=lambda old, new: _log_scenario(web_context(user, context), scenario, old=old, new=new),
    )


@transaction.atomic
def scenario_delete(*, user: User, scenario_id: int, context: WriteContext | None = None) -> None:
    """Delete a scenario ``user`` may change; the log keeps what it was."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario_id)
    if not can_change_scenario(user, scenario):
        raise NotAllowedError(str(SCENARIO_NOT_YOURS))
    _log_scenario(web_context(user, context), scenario, old=_scenario_text(scenario), new="")
    scenario.delete()
