"""Check and unique constraints that several tables declare alike."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def in_range(name: str, field: str, low: int, high: int) -> models.CheckConstraint:
    """``low ≤ field ≤ high`` in the schema (a month 1–12, a year 2000–2100)."""
    condition = Q(**{f"{field}__gte": low}) & Q(**{f"{field}__lte": high})
    return models.CheckConstraint(condition=condition, name=name)


def month_1_12(name: str, field: str = "month") -> models.CheckConstraint:
    return in_range(name, field, 1, 12)


def year_range(name: str) -> models.CheckConstraint:
    return in_range(name, "year", 2000, 2100)


def unique_per_scope(
    prefix: str, fields: list[str], scopes: dict[str, list[str]]
) -> list[models.UniqueConstraint]:
    """One row per key and scope type: ``fields`` plus the scope's own key column(s)."""
    return [
        models.UniqueConstraint(
            fields=[*fields, *own], condition=Q(scope_type=scope), name=f"{prefix}_unique_{scope}"
        )
        for scope, own in scopes.items()
    ]


def at_least_zero(name: str, field: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": 0}), name=name)


def matches(name: str, field: str, pattern: str) -> models.CheckConstraint:
    """``field`` matches the regular expression ``pattern`` (a code's format)."""
    return models.CheckConstraint(condition=Q(**{f"{field}__regex": pattern}), name=name)


def unique(name: str, *fields: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=list(fields), name=name)
