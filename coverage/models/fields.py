"""Field declarations that several tables share, written once so that they stay alike.

Factories rather than abstract base models: a base's fields would come first in each
model's field order (and so in the admin's forms); a factory keeps every field where
its model declares it. The schema is the same as with the fields written out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

    SmallNumber = models.PositiveSmallIntegerField[float | int | str | Combinable, int]

_M = TypeVar("_M", bound=models.Model)

YEAR = _("tahun")
MONTH = _("bulan")


def year_field(label: StrOrPromise = YEAR) -> SmallNumber:
    return models.PositiveSmallIntegerField(label)


def month_field(label: StrOrPromise = MONTH) -> SmallNumber:
    return models.PositiveSmallIntegerField(label)


def link(model: type[_M], label: StrOrPromise, **options: Any) -> models.ForeignKey[_M, _M]:
    """A required link to reference data, which cannot be deleted while rows use it."""
    return models.ForeignKey(model, verbose_name=label, on_delete=models.PROTECT, **options)


def optional_link(
    model: type[_M], label: StrOrPromise, **options: Any
) -> models.ForeignKey[_M | None, _M | None]:
    """A link that may be empty (empty means "all of them", e.g. the whole province)."""
    return models.ForeignKey(
        model, verbose_name=label, on_delete=models.PROTECT, null=True, blank=True, **options
    )


def history_link(model: type[_M], label: StrOrPromise) -> models.ForeignKey[_M | None, _M | None]:
    """A link from the append-only change log: no database constraint or index, so that
    the log outlives a renamed or removed row and a large import commits fast."""
    return models.ForeignKey(
        model,
        verbose_name=label,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
    )


def user_stamp(
    label: StrOrPromise, *, blank: bool = True
) -> models.ForeignKey[User | None, User | None]:
    """Who did something to a row; kept as empty when that account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name="+",
    )
