"""Template filters for numbers, percentages and months in the reader's language
(1.000.000 and 34,02% in Indonesian, 1,000,000 and 34.02% in English).

Thin wrappers over ``coverage.formatting``. A missing value (``None`` or a template's
empty string) shows as an en dash; a negative count keeps the hyphen the pages have
always shown (``idsigned`` writes a true minus sign).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

from django import template

from coverage import formatting
from coverage.calculations import Period
from coverage.presentation import Chance

register = template.Library()

Number = int | float | Decimal | Fraction | str | None


def _given(value: Number) -> int | float | Decimal | Fraction | None:
    """A template passes ``""`` for a missing variable: no value, like ``None``; other
    text is read as a decimal number."""
    if isinstance(value, str):
        return Decimal(value) if value else None
    return value


@register.filter
def idint(value: Number) -> str:
    """A count with thousands marks: 1.000.000."""
    return formatting.number(_given(value), minus=formatting.HYPHEN)


@register.filter
def iddec(value: Number, decimals: int = 1) -> str:
    """A number with ``decimals`` decimals: 1.234,5."""
    return formatting.number(_given(value), int(decimals), minus=formatting.HYPHEN)


@register.filter
def idpct(value: Number, decimals: int = 2) -> str:
    """A percentage: 34,02%."""
    return formatting.percent(_given(value), int(decimals), minus=formatting.HYPHEN)


@register.filter
def idsigned(value: Number, decimals: int = 2) -> str:
    """A signed difference: +2,50 or −1,25 (a true minus sign)."""
    return formatting.signed(_given(value), int(decimals))


@register.filter
def idperiod(value: Period | None, style: str = "F Y") -> str:
    """A month as words in the reader's language: April 2025 (``"M Y"`` gives Apr 2025)."""
    return formatting.month_year(value, style)


@register.filter
def iddatetime(value: datetime.datetime | None, style: str = "long") -> str:
    """A moment in the reader's language and in local time: 25 November 2026, 06.16."""
    return formatting.moment(value, style)


@register.filter
def idchance(value: Chance | Fraction | None) -> str:
    """A probability of reaching the target as a whole percentage: 3%, "< 1%" or "> 99%";
    "—" without a probability (``coverage.formatting.chance``)."""
    return formatting.chance(value)
