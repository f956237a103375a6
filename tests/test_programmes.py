"""Specs for ``coverage.programmes``: the Pemda programme figures, from hand-computed budgets."""

from decimal import Decimal
from fractions import Fraction

from coverage.calculations import Period
from coverage.programmes import (
    Commitment,
    LeagueRow,
    ProgrammeTerms,
    change_pp,
    months_left_at_current_enrolment,
    programme_as_dict,
    programme_status,
    quota_fill_pct,
    share_pct,
    sort_league,
    spent_idr,
)

NAMES = {"5303": "Kupang", "5304": "Timor Tengah Selatan", "5371": "Kota Kupang"}


def terms(**changes: object) -> ProgrammeTerms:
    values: dict[str, object] = {
        "code": "PR-2025",
        "name": "Pekerja rentan 2025",
        "funder_code": "53",
        "year": 2025,
        "budget_idr": 1_000_000_000,
        "contribution_idr": 16_800,
        "start": Period(2025, 3),
        "end": Period(2025, 12),
    }
    values.update(changes)
    return ProgrammeTerms(**values)  # type: ignore[arg-type]


QUOTAS = {"5371": 4000, "5303": 2000, "5304": 1000}
ENROLMENT = {
    (Period(2025, 2), "5371"): 100,  # before the start month: not paid by the programme
    (Period(2025, 3), "5371"): 1000,
    (Period(2025, 3), "5303"): 500,
    (Period(2025, 4), "5371"): 2000,
    (Period(2025, 4), "5303"): 1000,
}


def test_spent_sums_enrolled_times_contribution_from_the_start_month() -> None:
    # (1.500 + 3.000) × 16.800; February lies before the start and is not counted
    status = programme_status(
        terms=terms(), period=Period(2025, 4), quotas=QUOTAS, enrolment=ENROLMENT,
        region_names=NAMES,
    )  # fmt: skip
    assert status.spent_idr == 75_600_000
    assert status.enrolled == 3000
    assert status.quota == 7000


def test_remaining_is_budget_minus_spent() -> None:
    status = programme_status(
        terms=terms(), period=Period(2025, 4), quotas=QUOTAS, enrolment=ENROLMENT,
        region_names=NAMES,
    )  # fmt: skip
    assert status.remaining_idr == 924_400_000


def test_months_left_is_the_floor_of_remaining_over_the_monthly_cost() -> None:
    # 924.400.000 / (3.000 × 16.800 = 50.400.000) = 18,34… → 18 months
    status = programme_status(
        terms=terms(), period=Period(2025, 4), quotas=QUOTAS, enrolment=ENROLMENT,
        region_names=NAMES,
    )  # fmt: skip
    assert status.months_left_at_current_enrolment == 18
    assert status.funded_until == Period(2026, 10)


def test_quota_fill_is_rounded_to_two_decimals() -> None:
    status = programme_status(
        terms=terms(), period=Period(2025, 4), quotas=QUOTAS, enrolment=ENROLMENT,
        region_names=NAMES,
    )  # fmt: skip
    assert status.quota_fill_pct == Decimal("42.86")  # 3.000 / 7.000


def test_by_region_lists_every_regency_with_a_quota_in_bps_code_order() -> None:
    status = programme_status(
        terms=terms(), period=Period(2025, 4), quotas=QUOTAS, enrolment=ENROLMENT,
        region_names=NAMES,
    )  # fmt: skip
    rows = [(r.code, r.quota, r.enrolled, r.quota_fill_pct) for r in status.by_region]
    assert rows == [
        ("5303", 2000, 1000, Decimal("50.00")),
        ("5304", 1000, 0, Decimal("0.00")),
        ("5371", 4000, 2000, Decimal("50.00")),
    ]


def test_a_month_without_rows_counts_zero_and_months_after_the_end_are_not_paid() -> None:
    enrolment = {**ENROLMENT, (Period(2025, 6), "5371"): 3000, (Period(2025, 7), "5371"): 9}
    status = programme_status(
        terms=terms(end=Period(2025, 6)), period=Period(2025, 7), quotas=QUOTAS,
        enrolment=enrolment, region_names=NAMES,
    )  # fmt: skip
    # March 1.500 + April 3.000 + May 0 + June 3.000; July lies after the end month
    assert status.spent_idr == 7500 * 16_800
    assert status.enrolled == 9


def test_programme_starting_mid_year_spends_nothing_before_its_start() -> None:
    status = programme_status(
        terms=terms(start=Period(2025, 7)), period=Period(2025, 4), quotas=QUOTAS,
        enrolment=ENROLMENT, region_names=NAMES,
    )  # fmt: skip
    assert status.spent_idr == 0
    assert status.remaining_idr == 1_000_000_000


def test_months_left_is_null_when_nobody_is_enrolled() -> None:
    assert (
        months_left_at_current_enrolment(remaining_idr=1_000, enrolled=0, contribution_idr=16_800)
        is None
    )


def test_months_left_uses_the_programmes_own_contribution() -> None:
    # 1.000.000 / (10 × 20.000) = 5
    assert (
        months_left_at_current_enrolment(
            remaining_idr=1_000_000, enrolled=10, contribution_idr=20_000
        )
        == 5
    )


def test_quota_fill_is_null_for_a_zero_quota_and_rounds_halves_up() -> None:
    assert quota_fill_pct(enrolled=5, quota=0) is None
    assert quota_fill_pct(enrolled=1, quota=8) == Decimal("12.50")
    assert quota_fill_pct(enrolled=1, quota=800) == Decimal("0.13")  # 0,125 → 0,13


def test_spent_ignores_months_outside_start_and_reported_month() -> None:
    by_month = {Period(2025, 1): 10, Period(2025, 2): 20, Period(2025, 3): 30}
    assert spent_idr(
        enrolled_by_month=by_month, contribution_idr=100, start=Period(2025, 2),
        end=Period(2025, 12), period=Period(2025, 2),
    ) == 2000  # fmt: skip


def test_regency_funded_programme_reports_its_funder_code() -> None:
    status = programme_status(
        terms=terms(funder_code="5371", code="KK-2025"), period=Period(2025, 4),
        quotas={"5371": 4000}, enrolment={(Period(2025, 4), "5371"): 2000}, region_names=NAMES,
    )  # fmt: skip
    body = programme_as_dict(status)
    assert body["funder"] == "5371"
    assert body["quota_fill_pct"] == 50.0
    assert body["spent_idr"] == 2000 * 16_800


def test_share_pct_is_null_without_a_whole() -> None:
    assert share_pct(10, None) is None
    assert share_pct(10, 0) is None
    assert share_pct(1, 3) == Decimal("33.33")


def league_row(code: str, coverage: int | None, **changes: object) -> LeagueRow:
    values: dict[str, object] = {
        "code": code,
        "name": f"Wilayah {code}",
        "coverage_pct": None if coverage is None else Fraction(coverage),
        "change_pp": None,
        "pace_ratio": None,
        "probability": None,
        "commitment": None,
    }
    values.update(changes)
    return LeagueRow(**values)  # type: ignore[arg-type]


def test_league_sorts_descending_with_missing_values_last() -> None:
    rows = [league_row("5301", 10), league_row("5302", None), league_row("5303", 30)]
    ordered = sort_league(rows, key="coverage", descending=True)
    assert [row.code for row in ordered] == ["5303", "5301", "5302"]
    ordered = sort_league(rows, key="coverage", descending=False)
    assert [row.code for row in ordered] == ["5301", "5303", "5302"]


def test_league_sorts_by_regulation_and_budget_from_commitments() -> None:
    with_rule = Commitment("5301", "Perbup 1/2024", 100, 10, 5)
    without = Commitment("5302", "", 900, 10, 10)
    rows = [league_row("5302", 1, commitment=without), league_row("5301", 1, commitment=with_rule),
            league_row("5303", 1)]  # fmt: skip
    assert [r.code for r in sort_league(rows, key="regulation", descending=True)] == [
        "5301", "5302", "5303"
    ]  # fmt: skip
    assert [r.code for r in sort_league(rows, key="budget", descending=True)] == [
        "5302", "5301", "5303"
    ]  # fmt: skip


def test_change_over_twelve_months_is_in_points_and_null_without_a_year_earlier() -> None:
    assert change_pp(Fraction(45), Fraction(41, 2)) == Fraction(49, 2)
    assert change_pp(Fraction(45), None) is None


def test_probability_is_shown_as_a_percentage() -> None:
    assert league_row("5301", 1, probability=Fraction(3, 100)).probability_pct == 3
