"""User accounts: created or updated with a role and a branch scope (``create_user``).

Every save is in the change log (entity ``user``): the role, scope, e-mail and staff
flag as one text before and after, and that the password was set — never the password
or its hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import ensure_role_groups
from ..models import Branch, ChangeLog, ChangeSource, Role, UserScope
from .context import Change, WriteContext, log_changes

# A spreadsheet reads a cell starting with one of these as a formula (OWASP).
FORMULA_STARTS = ("+", "-", "@", "=")


class AccountInputError(ValueError):
    """A username, branch code or password is refused; nothing was saved."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class UserSaved:
    user: AbstractUser
    created: bool


def user_fields_check(*, username: str, branch_codes: Sequence[str]) -> None:
    """Refuse unknown branch codes, then a username outside Django's own rule (letters,
    digits and @ . + - _ only, at most 150 characters, not starting like a formula).

    So no markup, no spaces and nothing a spreadsheet would read as a formula reach
    the pages, the change log or an export.
    """
    known = set(Branch.objects.filter(code__in=branch_codes).values_list("code", flat=True))
    unknown = [code for code in branch_codes if code not in known]
    if unknown:
        raise AccountInputError(f"Kode kantor cabang tidak dikenal: {', '.join(unknown)}.")
    field = get_user_model()._meta.get_field("username")
    try:
        field.run_validators(username)
        if not username or username[0] in FORMULA_STARTS:
            raise ValidationError(username)
    except ValidationError:
        raise AccountInputError(
            _(
                "Nama pengguna %(username)r ditolak: gunakan 1 sampai 150 huruf, angka, atau "
                "tanda @ . + - _ saja, tanpa spasi, dan awali dengan huruf, angka, atau _."
            )
            % {"username": username}
        ) from None


def _account_text(user: AbstractUser | None) -> str:
    """What the change log keeps of an account: role | scope | e-mail | staff."""
    if user is None or user.pk is None:
        return ""
    roles = ",".join(sorted(user.groups.values_list("name", flat=True)))
    scope = UserScope.objects.filter(user_id=user.pk).first()
    if scope is None:
        where = ""
    elif scope.whole_province:
        where = "53"
    else:
        where = ",".join(sorted(scope.branches.values_list("code", flat=True)))
    return f"{roles} | {where} | {user.email} | {'staf' if user.is_staff else 'bukan staf'}"


@transaction.atomic
def user_save(
    *,
    username: str,
    role: str,
    branch_codes: Sequence[str],
    password: str,
    email: str = "",
    context: WriteContext | None = None,
) -> UserSaved:
    """Create or update ``username`` with ``role`` (its only group) and ``branch_codes``
    as its scope (none: the whole province); staff for admins and managers.

    The password must pass the configured validators; an empty ``email`` keeps the
    stored one. Logged in the change log (``context``: by default the command line).
    """
    user_fields_check(username=username, branch_codes=branch_codes)
    context = context or WriteContext(source=ChangeSource.CLI, source_detail="create_user")
    user_model = get_user_model()
    existing = user_model._default_manager.filter(username=username).first()
    old = _account_text(existing)
    user = existing or user_model(username=username)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountInputError("Kata sandi ditolak: " + " ".join(error.messages)) from None
    user.set_password(password)
    if email:
        user.email = email
    user.is_staff = role in (Role.ADMIN, Role.MANAGER)
    user.save()
    ensure_role_groups()
    user.groups.set([Group.objects.get(name=role)])
    scope, _created = UserScope.objects.get_or_create(user=user)
    scope.whole_province = not branch_codes
    scope.save()
    scope.branches.set(Branch.objects.filter(code__in=branch_codes))
    year = timezone.localdate().year
    key = f"user/{user.username}"
    new = _account_text(user)
    if new != old:
        log_changes(
            context,
            entity=ChangeLog.Entity.USER,
            field="account",
            changes=[Change(year, None, None, key, old, new)],
        )
    log_changes(
        context,
        entity=ChangeLog.Entity.USER,
        field="password",
        changes=[Change(year, None, None, key, "", _("(kata sandi diatur)"))],
    )
    return UserSaved(user=user, created=existing is None)
