"""Initiatives: created, changed and deleted by whoever may (see ``can_change_initiative``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

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
    Sector,
    Segment,
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


def can_change_initiative(user: User, initiative: Initiative) -> bool:
    """Whether ``user`` may edit or delete ``initiative`` (see the rule above)."""
    if not has_role(user, Role.ADMIN):
        return False
    if is_province_manager(user):
        return True
    if initiative.created_by_id is None or initiative.created_by_id != user.pk:
        return False
    return _places_within_scope(
        user,
        branch_codes=[branch.code for branch in initiative.branches.all()],
        region_codes=[region.bps_code for region in initiative.regions.all()],
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
