"""The one number and date formatter, in Indonesian and English, and the label tables."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from coverage import formatting, labels
from coverage.calculations import Period
from coverage.completeness import Completeness
from coverage.formatting import EM_DASH, EN_DASH, HYPHEN, Number
from coverage.presentation import Chance


@pytest.mark.parametrize(
    ("value", "decimals", "indonesian", "english"),
    [
        (1_234_567, 0, "1.234.567", "1,234,567"),
        (0, 0, "0", "0"),
        (999, 0, "999", "999"),
        (-1_250, 0, "−1.250", "−1,250"),
        (Fraction(11, 2), 0, "6", "6"),  # half away from zero
        (Fraction(-11, 2), 0, "−6", "−6"),
        (Fraction(3598, 100), 1, "36,0", "36.0"),  # rounded, not cut (35,9)
        (Fraction(1, 3), 2, "0,33", "0.33"),
        (1234.5, 1, "1.234,5", "1,234.5"),
        (34.015, 2, "34,02", "34.02"),  # the float as it prints, not its binary 34.01499…
        (Decimal("2.5"), 0, "3", "3"),
        (1_000_000, 2, "1.000.000,00", "1,000,000.00"),
        (Fraction(-1, 100), 1, "0,0", "0.0"),  # rounds to zero: no sign
    ],
)
def test_numbers(value: Number, decimals: int, indonesian: str, english: str) -> None:
    with translation.override("id"):
        assert formatting.number(value, decimals) == indonesian
    with translation.override("en"):
        assert formatting.number(value, decimals) == english


def test_number_options() -> None:
    with translation.override("id"):
        assert formatting.number(None) == EN_DASH
        assert formatting.number(None, empty="") == ""
        assert formatting.number(-12_345, minus=HYPHEN) == "-12.345"
        assert formatting.number(Fraction(-7, 2), minus=HYPHEN) == "-4"
        assert formatting.number(1234.7, truncate=True) == "1.234"
        assert formatting.number(-3.27, 1, truncate=True, minus=HYPHEN) == "-3,2"
        marks = formatting.current_marks()
    with translation.override("en"):
        # marks taken once for a long table are the ones used, whatever is active
        assert formatting.number(1_000, marks=marks) == "1.000"


def test_percentages_and_signed_differences() -> None:
    with translation.override("id"):
        assert formatting.percent(Fraction(3402, 100)) == "34,02%"
        assert formatting.percent(Fraction(359, 10), 1) == "35,9%"
        assert formatting.percent(None) == EN_DASH
        assert formatting.signed(2.5) == "+2,50"
        assert formatting.signed(-1.25) == "−1,25"
        assert formatting.signed(0) == "0,00"
        assert formatting.signed(None) == EN_DASH
    with translation.override("en"):
        assert formatting.percent(1234.5678) == "1,234.57%"
        assert formatting.signed(Fraction(1, 4), 1) == "+0.3"


def test_monthly_rates() -> None:
    with translation.override("id"):
        assert formatting.rate(Fraction(25, 2)) == "13"
        assert formatting.rate(Fraction(-45, 10)) == "−4,5"
    with translation.override("en"):
        assert formatting.rate(Fraction(1_234_567, 100)) == "12,346"


def _chance(probability: Fraction | None) -> Chance:
    return Chance(
        kind="value", target_count=1_000, deadline=Period(2025, 12), probability=probability
    )


def test_probabilities() -> None:
    with translation.override("id"):
        assert formatting.chance(Fraction(3, 100)) == "3%"
        assert formatting.chance(_chance(Fraction(1, 1000))) == "< 1%"
        assert formatting.chance(Fraction(999, 1000)) == "> 99%"
        assert formatting.chance(Fraction(0)) == "0%"
        assert formatting.chance(Fraction(1)) == "100%"
        assert formatting.chance(None) == EM_DASH
        assert formatting.chance(_chance(None), empty="") == ""
        # the e-mails write the rounded figure
        assert formatting.chance(Fraction(1, 1000), bounds=False) == "0%"
        assert formatting.chance(Fraction(999, 1000), bounds=False) == "100%"
        assert formatting.chance(Fraction(2, 3), bounds=False) == "67%"
    with translation.override("en"):
        assert formatting.chance(Fraction(1, 1000)) == "< 1%"


def test_months_and_dates() -> None:
    moment = datetime.datetime(2026, 11, 24, 22, 16, tzinfo=datetime.UTC)  # Makassar: +8
    with translation.override("id"):
        assert formatting.month_year(Period(2025, 8)) == "Agustus 2025"
        assert formatting.month_year(None) == EN_DASH
        assert formatting.month_short(Period(2025, 8)) == "Agu 2025"
        assert formatting.month_digits(Period(2025, 4)) == "04/25"
        assert formatting.long_date(datetime.date(2026, 11, 25)) == "25 November 2026"
        assert formatting.moment(moment) == "25 November 2026, 06.16"
        assert formatting.moment(moment, "short") == "25 Nov 2026 06.16"
    with translation.override("en"):
        assert formatting.month_year(Period(2025, 8)) == "August 2025"
        assert formatting.month_short(Period(2025, 8)) == "Aug 2025"
        assert formatting.month_digits(Period(2025, 4)) == "04/25"
        assert formatting.long_date(datetime.date(2026, 11, 25)) == "25 November 2026"
        assert formatting.moment(moment) == "25 November 2026, 06:16"
    assert formatting.moment(None) == EN_DASH


def test_plotly_separators() -> None:
    with translation.override("id"):
        assert formatting.separators() == ",."
    with translation.override("en"):
        assert formatting.separators() == ".,"


def test_labels_in_both_languages() -> None:
    with translation.override("id"):
        assert labels.status_label("on_track") == "Sesuai jalur"
        assert labels.status_words("on_track") == "sesuai jalur"
        assert labels.status_label("incomplete") == "Belum lengkap"
        assert labels.status_words("incomplete") == "data belum lengkap"
        assert labels.status_words("unknown") == "unknown"
        assert labels.basis_phrase("UCJ") == "basis UCJ"
        assert labels.basis_phrase("BPS_AK") == "angkatan kerja BPS"
        assert labels.basis_short("UCJ") == "UCJ"
        assert labels.basis_choices() == [("UCJ", "UCJ"), ("BPS_AK", "Angkatan kerja BPS")]
        assert labels.target_source("allocated") == "dialokasikan"
        assert labels.target_source(None) == ""
        assert labels.segment_kind(True) == "formal"
        assert labels.segment_kind(False) == "informal"
        assert labels.lever_kind_choices()[0] == ("rei", "Kemitraan REI (PU, F dan L)")
    with translation.override("en"):
        assert labels.status_label("on_track") == "On track"
        assert labels.status_words("missed") == "missed"
        assert labels.basis_phrase("BPS_AK") == "BPS labour force"


def test_period_labels() -> None:
    def choice(reported: int) -> Completeness:
        expected = frozenset(f"53{n:02d}" for n in range(1, 23))
        return Completeness(Period(2025, 5), expected, frozenset(sorted(expected)[:reported]))

    with translation.override("id"):
        assert labels.period_label(choice(22)) == "Mei 2025"
        assert labels.period_label(choice(1)) == "Mei 2025 — belum lengkap, 1/22"
