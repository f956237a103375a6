"""What every write shares: who writes (``WriteContext``), what it did (``WriteResult``),
the change-log rows it leaves (``log_changes``), and the refusals the views and the
admin turn into messages (``NotAllowedError``, ``AdminWriteRefused``)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..access import User, user_branch_codes
from ..models import (
    ChangeLog,
    ChangeSource,
)

BATCH_SIZE = 2000
M = TypeVar("M", bound=models.Model)


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


@dataclass(frozen=True)
class Change:
    year: int
    region_code: str | None
    branch_code: str | None
    key: str
    old_value: str
    new_value: str
    month: int | None = None


def log_changes(
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


def save_fields(
    instance: models.Model, values: Mapping[str, object], *, exclude: list[str]
) -> None:
    """Set ``values`` on a model instance, validate it (but ``exclude``) and save it."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=exclude)
    instance.save()


def save_fields_logged(
    instance: M,
    values: Mapping[str, object],
    *,
    exclude: list[str],
    old: str,
    text: Callable[[M], str],
    log: Callable[[str, str], None],
) -> M:
    """``save_fields``, then ``log(old, new)`` with the instance's ``text`` before and after
    if it changed (saving what is already stored leaves no change-log row)."""
    save_fields(instance, values, exclude=exclude)
    new = text(instance)
    if new != old:
        log(old, new)
    return instance


def web_context(user: User, context: WriteContext | None) -> WriteContext:
    return context or WriteContext(user_id=user.pk, source=ChangeSource.GRID)


class NotAllowedError(Exception):
    """The user may not make this change (the views answer 403 with ``message``)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def scope_names(user: User) -> str:
    return ", ".join(sorted(user_branch_codes(user) or ())) or "-"


# --- admin writes ---
# What the Django admin saves and deletes (``counts.participant_count_*``,
# ``reference.workforce_figure_*``, ``target_*`` and the reference tables' saves) checks
# the user's scope itself with these (``coverage.access``), so a crafted POST meets the
# same rule as the form, and writes the change log with source ``admin``.


AdminUser = AbstractBaseUser | AnonymousUser


class AdminWriteRefused(PermissionError):
    """The user's role or scope does not allow this admin write; nothing was written."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def admin_context(user: AdminUser) -> WriteContext:
    return WriteContext(user_id=user.pk, source=ChangeSource.ADMIN, source_detail="admin")


def outside_scope() -> AdminWriteRefused:
    return AdminWriteRefused(
        _(
            "Data ini di luar wilayah kerja Anda; hanya admin tingkat provinsi yang dapat "
            "mengubahnya."
        )
    )


def require_scope(user: AdminUser, *, branch_code: str | None) -> None:
    if not access.can_edit_scope(user, branch_code=branch_code):
        raise outside_scope()


def require_reference_editor(user: AdminUser) -> None:
    if not access.can_edit_reference_data(user):
        raise AdminWriteRefused(
            _(
                "Data rujukan (kantor cabang, kabupaten/kota, sektor, segmen) hanya dapat diubah "
                "oleh manajer tingkat provinsi."
            )
        )


def log_admin_delete(user: AdminUser, *, entity: str, change: Change, field: str) -> None:
    log_changes(admin_context(user), entity=entity, field=field, changes=[change])
