"""Numbers, percentages, probabilities, months and dates in the reader's language.

The one formatter behind the template filters (``templatetags/idformat``), the table
rows, the narrative, the PDF, the planner, the grid's messages and the e-mails:
1.234.567 and 34,02% in Indonesian, 1,234,567 and 34.02% in English, with the marks
from Django's l10n formats of the active language and the month names from its
catalogue.

Rounding is exact and half away from zero (Django's ``number_format`` cuts surplus
digits off, so 35,98 would print as 35,9 with one decimal); numbers are formatted in
Python rather than by ``number_format`` so that a 514-regency table stays fast.

The old formatters differed in small details the pages, the PDF and the e-mails still
show, so those are options here, never copies: the sign of a negative number
(``minus``: a hyphen in the pages' tables, a true minus sign in prose and the PDF),
the text for no value (``empty``) and, for the grid's messages, ``truncate`` (cut
like ``number_format``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext

from .calculations import Period
from .presentation import Chance, probability_bound

Number = int | float | Decimal | Fraction
Marks = dict[int, str]

EN_DASH = "–"  # no value: a table cell, a card, a template filter
EM_DASH = "—"  # no probability
HYPHEN = "-"
MINUS = "−"  # U+2212, the true minus sign of prose, the PDF and signed differences

_MARKS: dict[str, Marks] = {}


def current_marks() -> Marks:
    """Python's ``,``/``.`` → the active language's thousands and decimal marks (pass the
    result to ``number`` in a loop over many rows)."""
    language = get_language() or ""
    found = _MARKS.get(language)
    if found is None:
        found = _MARKS[language] = str.maketrans(
            {
                ",": str(formats.get_format("THOUSAND_SEPARATOR")),
                ".": str(formats.get_format("DECIMAL_SEPARATOR")),
            }
        )
    return found


def separators() -> str:
    """Plotly's ``separators``: the decimal then the thousands mark (``",."`` in Indonesian)."""
    return f"{formats.get_format('DECIMAL_SEPARATOR')}{formats.get_format('THOUSAND_SEPARATOR')}"


def _ratio(value: Number) -> tuple[int, int]:
    """``value`` as an exact numerator and (positive) denominator; a float as it prints
    (``34.015`` is 34.015, not the binary 34.01499…)."""
    if isinstance(value, int):
        return value, 1
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    if isinstance(value, float):
        value = Decimal(str(value))
    return value.as_integer_ratio()


def number(
    value: Number | None,
    decimals: int = 0,
    *,
    marks: Marks | None = None,
    minus: str = MINUS,
    empty: str = EN_DASH,
    truncate: bool = False,
) -> str:
    """``value`` with ``decimals`` decimals, grouped in threes: 1.234.567 or 1.234,5.

    Rounded half away from zero (``truncate``: cut towards zero, as ``number_format``
    does); a value that rounds to zero has no sign. ``None`` is ``empty``.
    """
    if value is None:
        return empty
    if marks is None:
        marks = current_marks()
    if isinstance(value, int) and not isinstance(value, bool) and decimals == 0:
        text = f"{value:,}".translate(marks)
        return text if value >= 0 else minus + text[1:]
    numerator, denominator = _ratio(value)
    scaled, rest = divmod(abs(numerator) * 10**decimals, denominator)
    if not truncate and 2 * rest >= denominator:
        scaled += 1
    whole, part = divmod(scaled, 10**decimals)
    text = f"{whole:,}" + (f".{part:0{decimals}d}" if decimals else "")
    sign = minus if numerator < 0 and scaled else ""
    return sign + text.translate(marks)


def percent(
    value: Number | None,
    decimals: int = 2,
    *,
    marks: Marks | None = None,
    minus: str = MINUS,
    empty: str = EN_DASH,
) -> str:
    """A percentage: 34,02%; ``None`` is ``empty``."""
    if value is None:
        return empty
    return number(value, decimals, marks=marks, minus=minus) + "%"


def signed(value: Number | None, decimals: int = 2) -> str:
    """A difference with its sign: +2,50 or −1,25 (a true minus sign); 0,00 unsigned."""
    text = number(value, decimals)
    if value is not None and value > 0:
        return f"+{text}"
    return text


def rate(value: Number) -> str:
    """A monthly change: whole participants, one decimal when it is below 10."""
    return number(value, 0 if abs(Fraction(value)) >= 10 else 1)


def chance(value: Chance | Fraction | None, *, bounds: bool = True, empty: str = EM_DASH) -> str:
    """A probability of reaching the target (a ``Chance`` or a share 0–1) as a whole
    percentage: 3%. With ``bounds`` one that is neither 0 nor 1 but would round to 0%
    or 100% is "< 1%" / "> 99%" (``coverage.presentation.probability_bound``); the
    e-mails write the rounded figure. No probability is ``empty``."""
    probability = value.probability if isinstance(value, Chance) else value
    if probability is None:
        return empty
    bound = probability_bound(probability) if bounds else None
    if bound == "below":
        return f"< {number(1)}%"
    if bound == "above":
        return f"> {number(99)}%"
    return percent(100 * probability, 0)


def month_year(period: Period | None, style: str = "F Y") -> str:
    """A month in words: April 2025; ``"M Y"`` gives Apr 2025 (axes, pickers)."""
    if period is None:
        return EN_DASH
    return formats.date_format(datetime.date(period.year, period.month, 1), style)


def month_short(period: Period) -> str:
    """A month on a chart axis: Apr 2025 (Agu 2025 in Indonesian)."""
    return month_year(period, "M Y")


def month_digits(period: Period) -> str:
    """A month as a PDF chart tick: 04/25 (the same in every language)."""
    return f"{period.month:02d}/{period.year % 100:02d}"


def long_date(day: datetime.date) -> str:
    """A date in words: 25 November 2026."""
    return formats.date_format(day, "j F Y")


def moment(value: datetime.datetime | None, style: str = "long") -> str:
    """A moment in local time: 25 November 2026, 06.16 (``short``: 25 Nov 2026 06.16).
    Indonesian writes the time with a dot, English with a colon: 06:16."""
    if value is None:
        return EN_DASH
    if style == "short":
        # Translators: Django date format for a short date and time, e.g. 25 Nov 2026 06.16;
        # English: "j M Y H:i".
        pattern = pgettext("datetime format", "j M Y H.i")
    else:
        # Translators: Django date format for a date and time, e.g. 25 November 2026, 06.16;
        # English: "j F Y, H:i".
        pattern = pgettext("datetime format", "j F Y, H.i")
    return formats.date_format(timezone.localtime(value), pattern)
