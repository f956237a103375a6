"""Roles and scopes: who may see and change what.

Three roles are Django groups (viewer, admin, manager) with model permissions; a
user's scope (``UserScope``) is the whole province or a set of branches. Views,
the API and the services all ask this module, so a crafted POST meets the same
rule as the form.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import models as auth_models
from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    Group,
    Permission,
    PermissionsMixin,
)
from django.http import HttpRequest

from .models import Region, Role, UserScope

# Permissions per role, as "app_label.codename". A manager has everything an admin
# has, plus approving/unlocking months.
VIEW = [
    "coverage.view_participantcount",
    "coverage.view_target",
    "coverage.view_workforcefigure",
    "coverage.view_region",
    "coverage.view_branch",
    "coverage.view_sector",
    "coverage.view_segment",
    "coverage.view_monthapproval",
]
EDIT = [
    "coverage.add_participantcount",
    "coverage.change_participantcount",
    "coverage.add_target",
    "coverage.change_target",
    "coverage.add_workforcefigure",
    "coverage.change_workforcefigure",
    "coverage.view_changelog",
]
APPROVE = ["coverage.add_monthapproval", "coverage.change_monthapproval"]
# Reference data (which branch serves a regency, branches, sectors, segments). The
# permission alone is not enough: the scope must be the whole province too
# (``can_edit_reference_data``), so a branch manager holds it but cannot use it.
REFERENCE = [
    "coverage.add_region",
    "coverage.change_region",
    "coverage.add_branch",
    "coverage.change_branch",
    "coverage.add_sector",
    "coverage.change_sector",
    "coverage.add_segment",
    "coverage.change_segment",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.VIEWER: VIEW,
    Role.ADMIN: VIEW + EDIT,
    Role.MANAGER: VIEW + EDIT + APPROVE + REFERENCE,
}
ROLE_ORDER = [Role.MANAGER, Role.ADMIN, Role.VIEWER]

User = AbstractBaseUser | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``role_required``/``permission_required``: its user is logged in.

    The guards in ``views/guards.py`` refuse anonymous requests before the view runs,
    so a view typed with this request reads ``request.user`` as a ``User`` (the pattern
    django-stubs documents for logged-in views).
    """

    user: auth_models.User


def ensure_role_groups(**_kwargs: object) -> None:
    """Create or refresh the three role groups (runs after every ``migrate``)."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        codenames = [name.split(".", 1)[1] for name in names]
        permissions = Permission.objects.filter(
            content_type__app_label="coverage", codename__in=codenames
        )
        group.permissions.set(permissions)


def user_role(user: User) -> Role | None:
    """The highest role of a user (a superuser counts as manager)."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Role.MANAGER
    if not isinstance(user, PermissionsMixin):
        return None
    names = set(user.groups.values_list("name", flat=True))
    for role in ROLE_ORDER:
        if role.value in names:
            return role
    return None


def has_role(user: User, minimum: Role) -> bool:
    """Whether ``user`` has ``minimum`` or a higher role."""
    role = user_role(user)
    if role is None:
        return False
    return ROLE_ORDER.index(role) <= ROLE_ORDER.index(minimum)


def user_branch_codes(user: User) -> frozenset[str] | None:
    """Branches the user works for; ``None`` means the whole province."""
    if not user.is_authenticated:
        return frozenset()
    if getattr(user, "is_superuser", False):
        return None
    scope = UserScope.objects.filter(user_id=user.pk).prefetch_related("branches").first()
    if scope is None:
        return frozenset()
    if scope.whole_province:
        return None
    return frozenset(branch.code for branch in scope.branches.all())


def writable_region_codes(user: User) -> frozenset[str]:
    """Regions whose numbers ``user`` may change (empty without the admin role)."""
    if not has_role(user, Role.ADMIN):
        return frozenset()
    branches = user_branch_codes(user)
    regions = Region.objects.all()
    if branches is not None:
        regions = regions.filter(branch_id__in=branches)
    return frozenset(regions.values_list("bps_code", flat=True))


def can_write_regions(user: User, region_codes: Iterable[str]) -> bool:
    return set(region_codes) <= writable_region_codes(user)


def branch_in_scope(user: User, branch_code: str | None) -> bool:
    """Whether a branch's rows (``None``: the province-wide ones) lie in the user's scope."""
    branches = user_branch_codes(user)
    return branches is None or (branch_code is not None and branch_code in branches)


def can_approve(user: User, *, branch_code: str | None) -> bool:
    """Managers approve their own branches; the province needs province-wide scope."""
    return has_role(user, Role.MANAGER) and branch_in_scope(user, branch_code)


def is_province_wide(user: User) -> bool:
    """Whether the user's scope is the whole province (a superuser's always is)."""
    return user.is_authenticated and user_branch_codes(user) is None


def can_edit_reference_data(user: User) -> bool:
    """Regencies' branches, branches, sectors and segments: province-wide managers only.

    Moving a regency to another branch moves its counts, targets and approvals with
    it, so a branch-scoped user could otherwise widen their own scope.
    """
    return has_role(user, Role.MANAGER) and is_province_wide(user)


def can_edit_scope(user: User, *, branch_code: str | None) -> bool:
    """Whether ``user`` may change a figure of a branch's scope (``None``: the province).

    A regency's figure belongs to its branch; a province-wide row needs a
    province-wide scope. Admins and managers only.
    """
    return has_role(user, Role.ADMIN) and branch_in_scope(user, branch_code)
