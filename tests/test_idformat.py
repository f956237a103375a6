"""The template filters that print every number on the pages."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template
from django.utils import translation

from coverage.calculations import Period
from coverage.templatetags.idformat import Number, iddec, idint, idpct, idperiod, idsigned


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_000_000, "1.000.000"),
        (0, "0"),
        (-12_345, "-12.345"),
        (999, "999"),
        (1234.5, "1.235"),  # half away from zero
        (Decimal("2.5"), "3"),
        (Fraction(1_000_001, 2), "500.001"),
        (None, "–"),
    ],
)
def test_counts_in_indonesian(value: Number, expected: str) -> None:
    with translation.override("id"):
        assert idint(value) == expected


def test_a_missing_template_value_shows_a_dash() -> None:
    """A template passes ``""`` for a missing variable; the filter shows the dash, not 0."""
    with translation.override("id"):
        assert Template("{% load idformat %}{{ missing|idint }}").render(Context()) == "–"


def test_percentages_round_half_up_not_truncated() -> None:
    with translation.override("id"):
        assert idpct(34.015) == "34,02%"  # float 34.015 is 34.01499…; str() keeps 34.015
        assert idpct(Fraction(3402, 100)) == "34,02%"
        assert idpct(Fraction(1, 3), 1) == "0,3%"
        assert idpct(1234.5678) == "1.234,57%"
        assert idpct(None) == "–"
        assert iddec(2.25, 1) == "2,3"


def test_english_uses_english_marks() -> None:
    with translation.override("en"):
        assert idint(1_000_000) == "1,000,000"
        assert idpct(34.015) == "34.02%"
        assert iddec(1234.5, 1) == "1,234.5"


def test_signed_differences() -> None:
    with translation.override("id"):
        assert idsigned(2.5) == "+2,50"
        assert idsigned(-1.25) == "−1,25"
        assert idsigned(0) == "0,00"


def test_months_as_words() -> None:
    with translation.override("id"):
        assert idperiod(Period(2025, 4)) == "April 2025"
        assert idperiod(Period(2025, 8), "M Y") == "Agu 2025"
    with translation.override("en"):
        assert idperiod(Period(2025, 4)) == "April 2025"


def test_moments_in_local_time_and_the_readers_clock() -> None:
    import datetime

    from coverage.templatetags.idformat import iddatetime

    moment = datetime.datetime(2026, 11, 24, 22, 16, tzinfo=datetime.UTC)  # 06.16 WITA
    with translation.override("id"):
        assert iddatetime(moment) == "25 November 2026, 06.16"
        assert iddatetime(moment, "short") == "25 Nov 2026 06.16"
    with translation.override("en"):
        assert iddatetime(moment) == "25 November 2026, 06:16"
    assert iddatetime(None) == "–"
