"""Numbers, percentages and months in the reader's language (1.000.000 and 34,02% in Indonesian).

Thin wrappers over Django's localisation, so switching to English gives
1,000,000 and 34.02% with no other change. ``None`` shows as an en dash.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext

from coverage.calculations import Period
from coverage.presentation import Chance, probability_bound

register = template.Library()

EMPTY = "–"
Number = int | float | Decimal | Fraction | None


_MARKS: dict[str, dict[int, str]] = {}


def marks() -> dict[int, str]:
    """Python's ``,``/``.`` → the active language's thousands and decimal marks."""
    language = get_language() or ""
    marks = _MARKS.get(language)
    if marks is None:
        marks = _MARKS[language] = str.maketrans(
            {
                ",": str(formats.get_format("THOUSAND_SEPARATOR")),
                ".": str(formats.get_format("DECIMAL_SEPARATOR")),
            }
        )
    return marks


def format_number(value: Number, decimals: int, marks: dict[int, str]) -> str:
    """Round half up to ``decimals`` first (Django's ``number_format`` cuts digits off),
    then group in threes with ``marks`` (from ``marks()``).

    Formatting in Python instead of ``number_format`` keeps a 514-regency table fast.
    """
    if value is None or value == "":
        return EMPTY
    if isinstance(value, int) and not isinstance(value, bool) and decimals == 0:
        return f"{value:,}".translate(marks)
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(str(value))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{decimals}f}".translate(marks)


def _format(value: Number, decimals: int) -> str:
    return format_number(value, decimals, marks())


@register.filter
def idint(value: Number) -> str:
    """A count with thousands marks: 1.000.000."""
    return _format(value, 0)


@register.filter
def iddec(value: Number, decimals: int = 1) -> str:
    """A number with ``decimals`` decimals: 1.234,5."""
    return _format(value, int(decimals))


@register.filter
def idpct(value: Number, decimals: int = 2) -> str:
    """A percentage: 34,02%."""
    text = _format(value, int(decimals))
    return text if text == EMPTY else f"{text}%"


@register.filter
def idsigned(value: Number, decimals: int = 2) -> str:
    """A signed difference: +2,50 or −1,25 (a true minus sign)."""
    text = _format(value, int(decimals))
    if text == EMPTY or value is None:
        return text
    if float(value) > 0:
        return f"+{text}"
    return text.replace("-", "−")


@register.filter
def idperiod(value: Period | None, style: str = "F Y") -> str:
    """A month as words in the reader's language: April 2025 (``"M Y"`` gives Apr 2025)."""
    if value is None:
        return EMPTY
    return formats.date_format(datetime.date(value.year, value.month, 1), style)


@register.filter
def iddatetime(value: datetime.datetime | None, style: str = "long") -> str:
    """A moment in the reader's language and in local time: 25 November 2026, 06.16
    (Indonesian writes the time with a dot, English with a colon: 06:16)."""
    if value is None:
        return EMPTY
    if style == "short":
        # Translators: Django date format for a short date and time, e.g. 25 Nov 2026 06.16;
        # English: "j M Y H:i".
        pattern = pgettext("datetime format", "j M Y H.i")
    else:
        # Translators: Django date format for a date and time, e.g. 25 November 2026, 06.16;
        # English: "j F Y, H:i".
        pattern = pgettext("datetime format", "j F Y, H.i")
    return formats.date_format(timezone.localtime(value), pattern)


@register.filter
def idchance(value: Chance | Fraction | None) -> str:
    """A probability of reaching the target (a ``Chance`` or a share 0–1) as a whole
    percentage: 3%, or "< 1%" / "> 99%" where rounding would say 0% or 100% of a target
    that is neither missed nor met (``coverage.presentation.probability_bound``); "—"
    without a probability."""
    probability = value.probability if isinstance(value, Chance) else value
    if probability is None:
        return "—"
    bound = probability_bound(probability)
    if bound == "below":
        return f"< {_format(1, 0)}%"
    if bound == "above":
        return f"> {_format(99, 0)}%"
    return idpct(100 * probability, 0)
