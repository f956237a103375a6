"""Saved planner scenarios: saved and deleted by whoever may (see ``can_change_scenario``)."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from ..access import User, has_role, user_branch_codes
from ..models import (
    PROVINCE_CODE,
    ChangeLog,
    Role,
    Scenario,
)
from .context import (
    Change,
    NotAllowedError,
    WriteContext,
    is_province_manager,
    log_changes,
    save_fields,
    scope_names,
    web_context,
)

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
    if not has_role(user, Role.MANAGER):
        return False
    if is_province_manager(user):
        return True
    if scenario.created_by_id is None or scenario.created_by_id != user.pk:
        return False
    return _scenario_scope_within(user, scenario.scope_code)


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
    save_fields(scenario, values, exclude=["created_by"])
    new = _scenario_text(scenario)
    if new != old:
        _log_scenario(web_context(user, context), scenario, old=old, new=new)
    return scenario


@transaction.atomic
def scenario_delete(*, user: User, scenario_id: int, context: WriteContext | None = None) -> None:
    """Delete a scenario ``user`` may change; the log keeps what it was."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario_id)
    if not can_change_scenario(user, scenario):
        raise NotAllowedError(str(SCENARIO_NOT_YOURS))
    _log_scenario(web_context(user, context), scenario, old=_scenario_text(scenario), new="")
    scenario.delete()
