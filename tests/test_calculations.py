"""The coverage service, definition by definition, on small explicit frames."""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from coverage.calculations import (
    Denominator,
    Period,
    ReferenceFrames,
    ResolvedTarget,
    Scope,
    TargetSpec,
    area_totals,
    coverage_pct,
    coverage_summary,
    gap_count,
    history_metrics,
    months_remaining,
    projected_at_deadline,
    projected_month_reached,
    reached_beyond_horizon,
    region_denominators,
    required_monthly_pace,
    resolve_target,
    round_half_up,
    run_rate,
    scope_denominator,
    scope_metrics,
    status,
    summary_as_dict,
    target_path,
    with_december_forecasts,
)
from coverage.completeness import Completeness
from coverage.forecast import forecast

APRIL = Period(2025, 4)


def workforce(rows: list[tuple[int, str | None, str | None, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(*row, "test") for row in rows],
        columns=["year", "region_code", "sector_code", "basis", "workers", "source"],
    )


def series(values: dict[Period, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [(p.year, p.month, a, 0) for p, a in sorted(values.items())],
        columns=["year", "month", "active", "nonactive"],
    )


PROVINCE = Scope(kind="province", code="53", name="NTT", region_codes=frozenset({"5301", "5302"}))
BRANCH = Scope(kind="branch", code="WAINGAPU", name="Waingapu", region_codes=frozenset({"5301"}))


# --- periods -----------------------------------------------------------------------


def test_period_parses_year_and_month() -> None:
    assert Period.parse("2025-04") == Period(2025, 4)


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-4", "April 2025", ""])
def test_period_rejects_malformed_text(text: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(text)


def test_period_shift_crosses_years() -> None:
    assert Period(2025, 2).shift(-3) == Period(2024, 11)
    assert str(Period(2025, 11).shift(3)) == "2026-02"


# --- coverage, gap, pace --------------------------------------------------------------


def test_coverage_is_active_over_denominator_in_percent() -> None:
    assert coverage_pct(552_340, 1_626_300) == Fraction(55_234_000, 1_626_300)


def test_coverage_is_none_without_denominator() -> None:
    assert coverage_pct(100, None) is None
    assert coverage_pct(100, 0) is None


def test_gap_is_zero_when_target_met() -> None:
    assert gap_count(1_000, 1_200) == 0


def test_gap_is_target_minus_active() -> None:
    assert gap_count(1_000_000, 552_340) == 447_660


def test_months_remaining_counts_months_after_period_up_to_december() -> None:
    assert months_remaining(Period(2025, 4)) == 8
    assert months_remaining(Period(2025, 11)) == 1
    assert months_remaining(Period(2025, 12)) == 0


def test_required_pace_rounds_up() -> None:
    assert required_monthly_pace(447_660, 8) == 55_958  # 55,957.5 → 55,958


def test_required_pace_is_zero_when_gap_closed() -> None:
    assert required_monthly_pace(0, 8) == 0
    assert required_monthly_pace(0, 0) == 0


def test_required_pace_is_none_in_december_with_a_gap() -> None:
    assert required_monthly_pace(10, 0) is None


# --- run rate and projection ----------------------------------------------------------


def test_run_rate_uses_three_months_when_available() -> None:
    values = {Period(2025, 1): 100, Period(2025, 2): 130, Period(2025, 3): 150, APRIL: 190}
    assert run_rate(values, APRIL) == Fraction(90, 3)


def test_run_rate_falls_back_to_two_months() -> None:
    values = {Period(2025, 2): 130, Period(2025, 3): 150, APRIL: 190}
    assert run_rate(values, APRIL) == Fraction(60, 2)


def test_run_rate_skips_a_missing_month_three_back_only() -> None:
    # t−3 missing, t−2 missing, t−1 present → k = 1
    values = {Period(2025, 3): 150, APRIL: 190}
    assert run_rate(values, APRIL) == 40


def test_run_rate_is_none_without_earlier_months() -> None:
    assert run_rate({APRIL: 190}, APRIL) is None


def test_run_rate_can_be_negative() -> None:
    values = {Period(2025, 1): 300, APRIL: 240}
    assert run_rate(values, APRIL) == -20


def test_projection_adds_run_rate_for_remaining_months() -> None:
    assert projected_at_deadline(552_340, Fraction(9_800), 8) == 630_740


def test_projection_rounds_half_up() -> None:
    assert projected_at_deadline(100, Fraction(1, 2), 1) == 101
    assert round_half_up(Fraction(-3, 2)) == -2


def test_projection_is_none_without_run_rate() -> None:
    assert projected_at_deadline(100, None, 8) is None


def test_month_reached_is_period_when_target_already_met() -> None:
    assert projected_month_reached(period=APRIL, active=10, target_count=5, rate=None) == APRIL


def test_month_reached_is_first_month_at_or_above_target() -> None:
    # 100 + 30k ≥ 190 → k = 3 (exactly reached)
    reached = projected_month_reached(period=APRIL, active=100, target_count=190, rate=Fraction(30))
    assert reached == Period(2025, 7)
    reached = projected_month_reached(period=APRIL, active=100, target_count=191, rate=Fraction(30))
    assert reached == Period(2025, 8)


def test_month_reached_may_lie_after_deadline() -> None:
    reached = projected_month_reached(
        period=APRIL, active=552_340, target_count=1_000_000, rate=Fraction(9_800)
    )
    assert reached == Period(2029, 2)  # ceil(447,660 / 9,800) = 46 months


def test_month_reached_is_none_with_non_positive_run_rate() -> None:
    assert projected_month_reached(period=APRIL, active=1, target_count=2, rate=Fraction(0)) is None
    assert (
        projected_month_reached(period=APRIL, active=1, target_count=2, rate=Fraction(-5)) is None
    )


# --- status -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "active", "target", "rate", "pace", "expected"),
    [
        (APRIL, 100, 100, None, 0, "achieved"),
        (Period(2025, 12), 99, 100, Fraction(5), None, "missed"),
        (APRIL, 50, 100, None, 7, "insufficient_data"),
        (APRIL, 50, 100, Fraction(7), 7, "on_track"),
        (APRIL, 50, 100, Fraction(21, 4), 7, "at_risk"),  # exactly 75 %
        (APRIL, 50, 100, Fraction(5), 7, "off_track"),
        (APRIL, 50, None, Fraction(5), None, "no_target"),
    ],
)
def test_status(
    period: Period,
    active: int,
    target: int | None,
    rate: Fraction | None,
    pace: int | None,
    expected: str,
) -> None:
    assert status(period=period, active=active, target_count=target, rate=rate, pace=pace) == (
        expected
    )


def test_target_path_is_straight_line_from_last_december() -> None:
    assert target_path(december_before=400, target_count=1_000, month=6) == 700
    assert target_path(december_before=400, target_count=1_000, month=12) == 1_000


# --- targets ------------------------------------------------------------------------------


def test_own_count_target_is_used_as_set() -> None:
    resolved = resolve_target([(1_000, TargetSpec(count=600, pct=None))])
    assert (resolved.count, resolved.pct, resolved.source) == (600, Fraction(60), "set")


def test_percentage_only_target_rounds_count_up() -> None:
    resolved = resolve_target([(1_626_301, TargetSpec(count=None, pct=Fraction(60)))])
    assert resolved.count == 975_781  # 975,780.6 → 975,781
    assert resolved.pct == 60


def test_count_wins_when_target_states_both_and_implied_denominator_is_shown() -> None:
    resolved = resolve_target([(1_626_300, TargetSpec(count=1_000_000, pct=Fraction(60)))])
    assert resolved.count == 1_000_000
    assert resolved.pct == 60
    assert resolved.implied_denominator == Fraction(100_000_000, 60)
    assert resolved.denominator_mismatch is False  # 2.5 % apart


def test_denominator_mismatch_flagged_above_five_percent() -> None:
    resolved = resolve_target([(3_120_000, TargetSpec(count=1_000_000, pct=Fraction(60)))])
    assert resolved.denominator_mismatch is True


def test_missing_target_is_allocated_from_enclosing_scope_by_denominator_share() -> None:
    chain = [
        (250, None),  # region
        (1_000, None),  # branch without a target
        (3_000, TargetSpec(count=1_000, pct=None)),  # province
    ]
    resolved = resolve_target(chain)
    assert resolved.source == "allocated"
    assert resolved.count == 83  # 1000 × 250 / 3000 = 83.3
    assert resolved.pct == Fraction(8_300, 250)


def test_allocation_takes_the_nearest_enclosing_target() -> None:
    chain = [
        (250, None),
        (1_000, TargetSpec(count=500, pct=None)),
        (3_000, TargetSpec(1_000, None)),
    ]
    assert resolve_target(chain).count == 125


def test_allocation_of_a_percentage_target_uses_the_parent_count() -> None:
    chain = [(333, None), (1_000, TargetSpec(count=None, pct=Fraction(50)))]
    assert resolve_target(chain).count == 167  # 500 × 333 / 1000 = 166.5 → 167


def test_no_target_anywhere() -> None:
    assert resolve_target([(10, None), (20, None)]).count is None


# --- denominators ----------------------------------------------------------------------


def test_denominator_uses_latest_earlier_year_when_year_missing() -> None:
    totals = area_totals(workforce([(2024, None, None, "BPS_AK", 3_120_000)]), basis="BPS_AK",
                         sector_code=None)  # fmt: skip
    assert scope_denominator(totals, scope=PROVINCE, year=2025) == Denominator(3_120_000, 2024)


def test_province_row_wins_over_sum_of_regions() -> None:
    frame = workforce(
        [
            (2025, None, None, "UCJ", 1_000),
            (2025, "5301", None, "UCJ", 300),
            (2025, "5302", None, "UCJ", 600),
        ]
    )
    totals = area_totals(frame, basis="UCJ", sector_code=None)
    assert scope_denominator(totals, scope=PROVINCE, year=2025) == Denominator(1_000, 2025)


def test_province_without_own_row_is_sum_of_regions() -> None:
    frame = workforce([(2025, "5301", None, "UCJ", 300), (2025, "5302", None, "UCJ", 600)])
    totals = area_totals(frame, basis="UCJ", sector_code=None)
    assert scope_denominator(totals, scope=PROVINCE, year=2025) == Denominator(900, 2025)


def test_branch_denominator_is_sum_of_its_regions() -> None:
    scope = Scope(kind="branch", code="X", name="X", region_codes=frozenset({"5301", "5302"}))
    frame = workforce(
        [
            (2025, None, None, "UCJ", 5_000),
            (2025, "5301", None, "UCJ", 300),
            (2025, "5302", None, "UCJ", 600),
            (2025, "5303", None, "UCJ", 999),
        ]
    )
    totals = area_totals(frame, basis="UCJ", sector_code=None)
    assert scope_denominator(totals, scope=scope, year=2025) == Denominator(900, 2025)


def test_denominator_of_other_basis_is_never_used() -> None:
    totals = area_totals(workforce([(2025, None, None, "UCJ", 10)]), basis="BPS_AK",
                         sector_code=None)  # fmt: skip
    assert scope_denominator(totals, scope=PROVINCE, year=2025) == Denominator(None, None)


def test_sector_rows_are_not_summed_into_a_total() -> None:
    frame = workforce([(2024, "5301", "A", "BPS_AK", 70), (2024, "5301", "G", "BPS_AK", 30)])
    totals = area_totals(frame, basis="BPS_AK", sector_code=None)
    assert region_denominators(totals, year=2025) == {}


def test_future_year_figures_are_ignored() -> None:
    frame = workforce([(2024, "5301", None, "UCJ", 100), (2026, "5301", None, "UCJ", 999)])
    totals = area_totals(frame, basis="UCJ", sector_code=None)
    assert region_denominators(totals, year=2025) == {"5301": 100}


# --- a scope's metrics -------------------------------------------------------------------


def test_scope_metrics_match_hand_computation() -> None:
    values = {Period(2025, 1): 520_000, Period(2025, 2): 530_000, Period(2025, 3): 540_000}
    values[APRIL] = 552_340
    metrics = scope_metrics(
        period=APRIL,
        series=series(values),
        denominator=Denominator(1_626_300, 2025),
        target=ResolvedTarget(count=1_000_000, pct=Fraction(60), source="set"),
    )
    assert metrics.active == 552_340
    assert round(float(metrics.coverage_pct or 0), 2) == 33.96
    assert metrics.gap_count == 447_660
    assert round(float(metrics.gap_pp or 0), 2) == 26.04
    assert metrics.required_monthly_pace == 55_958
    assert metrics.run_rate == Fraction(32_340, 3)  # 10,780 per month
    assert metrics.projected_at_deadline == 638_580
    assert metrics.status == "off_track"


def test_scope_metrics_with_target_met_is_achieved_with_zero_pace() -> None:
    metrics = scope_metrics(
        period=APRIL,
        series=series({Period(2025, 3): 900, APRIL: 1_100}),
        denominator=Denominator(2_000, 2025),
        target=ResolvedTarget(count=1_000, pct=Fraction(50), source="set"),
    )
    assert (metrics.gap_count, metrics.required_monthly_pace, metrics.status) == (0, 0, "achieved")
    assert metrics.projected_month_reached == APRIL


# --- the whole summary --------------------------------------------------------------------


def small_reference() -> ReferenceFrames:
    return ReferenceFrames(
        regions=pd.DataFrame(
            [
                ("5301", "Sumba Barat", "WAINGAPU"),
                ("5302", "Sumba Timur", "WAINGAPU"),
                ("5371", "Kota Kupang", "KUPANG"),
            ],
            columns=["region_code", "name", "branch_code"],
        ),
        branches=pd.DataFrame(
            [("KUPANG", "Kupang"), ("WAINGAPU", "Waingapu")], columns=["branch_code", "name"]
        ),
        sectors=pd.DataFrame(
            [("A", "Pertanian"), ("G", "Perdagangan")], columns=["sector_code", "name"]
        ),
        segments=pd.DataFrame(
            [("BPU", "Bukan Penerima Upah", False), ("PU", "Penerima Upah", True)],
            columns=["segment_code", "name", "is_formal"],
        ),
    )


def rows_of(data: dict[str, object], key: str) -> list[dict[str, object]]:
    """The breakdown rows under ``key`` of a summary dict (a list of row dicts)."""
    rows = data[key]
    assert isinstance(rows, list)
    return rows


def small_summary(scope_code: str, *, targets: pd.DataFrame | None = None) -> dict[str, object]:
    reference = small_reference()
    monthly = pd.DataFrame(
        [
            (2025, 1, "5301", 100, 5), (2025, 1, "5302", 200, 5), (2025, 1, "5371", 700, 10),
            (2025, 4, "5301", 130, 6), (2025, 4, "5302", 230, 6), (2025, 4, "5371", 760, 12),
        ],
        columns=["year", "month", "region_code", "active", "nonactive"],
    )  # fmt: skip
    frame = workforce(
        [
            (2024, "5301", None, "UCJ", 1_000),
            (2024, "5302", None, "UCJ", 1_000),
            (2024, "5371", None, "UCJ", 2_000),
            (2024, None, "A", "UCJ", 500),
        ]
    )
    if targets is None:
        targets = pd.DataFrame(
            [(2025, "province", "53", "UCJ", 2_000, None, ""),
             (2025, "branch", "KUPANG", "UCJ", None, 50.0, "")],
            columns=["year", "scope_type", "scope_code", "basis", "target_count", "target_pct",
                     "note"],
        )  # fmt: skip
    scope = reference.scope(scope_code)
    assert scope is not None
    result = coverage_summary(
        period=APRIL,
        scope=scope,
        basis="UCJ",
        reference=reference,
        monthly=monthly[monthly["region_code"].isin(scope.region_codes)],
        workforce=frame,
        targets=targets,
        sector_active=pd.DataFrame(
            [("A", 40, 0), ("G", 20, 0)], columns=["sector_code", "active", "nonactive"]
        ),
        segment_active=pd.DataFrame(
            [("PU", 50, 0)], columns=["segment_code", "active", "nonactive"]
        ),
    )
    return summary_as_dict(result)


def test_summary_of_province_uses_sum_of_regions_from_earlier_year() -> None:
    data = small_summary("53")
    assert data["active"] == 1_120
    assert data["nonactive"] == 24
    assert (data["denominator"], data["denominator_year"]) == (4_000, 2024)
    assert data["coverage_pct"] == 28.0
    assert (data["target_count"], data["target_pct"], data["target_source"]) == (2_000, 50.0, "set")
    assert data["gap_count"] == 880
    assert data["required_monthly_pace"] == 110
    assert data["run_rate"] == 40.0  # (1120 − 1000) / 3
    assert data["projected_at_deadline"] == 1_440
    assert data["projected_month_reached"] == "2027-02"  # ceil(880/40) = 22 months
    assert data["status"] == "off_track"


def test_summary_of_branch_made_of_several_regions_allocates_province_target() -> None:
    data = small_summary("WAINGAPU")
    assert data["active"] == 360
    assert data["denominator"] == 2_000
    assert (data["target_count"], data["target_source"]) == (1_000, "allocated")  # 2000 × 2/4
    assert data["target_pct"] == 50.0
    assert [row["code"] for row in rows_of(data, "by_region")] == ["5301", "5302"]
    assert data["by_branch"] == [
        {"code": "WAINGAPU", "name": "Waingapu", "active": 360, "denominator": 2_000,
         "coverage_pct": 18.0, "target_count": 1_000, "gap_count": 640,
         # the branch's own metrics: (360 − 300) / 3 = 20 a month against ceil(640 / 8) = 80
         "status": "off_track", "run_rate": 20.0, "required_monthly_pace": 80,
         "projected_at_deadline": 520, "projected_month_reached": "2027-12",  # 32 months on
         "reached_beyond_horizon": False, "probability_reaching_target": None,
         "projection_p10": None, "projection_p90": None, "pace_ratio": 0.25,  # 20 / 80
         "complete": True, "regions_reported": 2, "regions_expected": 2},
    ]  # fmt: skip


def test_summary_of_region_allocates_from_branch_percentage_target() -> None:
    data = small_summary("5371")
    # Kupang branch: 50 % of 2,000 = 1,000; Kota Kupang is all of it.
    assert (data["target_count"], data["target_source"]) == (1_000, "allocated")
    assert data["by_branch"] == []


def test_summary_breakdowns_have_null_denominators_where_basis_has_no_figure() -> None:
    data = small_summary("53")
    sectors = {row["code"]: row for row in rows_of(data, "by_sector")}
    assert sectors["A"]["denominator"] == 500
    assert sectors["A"]["coverage_pct"] == 8.0
    assert sectors["G"]["denominator"] is None
    assert sectors["G"]["coverage_pct"] is None
    segments = {row["code"]: row["active"] for row in rows_of(data, "by_segment")}
    assert segments == {"BPU": 0, "PU": 50}


def test_summary_json_keys_follow_the_contract() -> None:
    data = small_summary("53")
    for key in [
        "period",
        "scope",
        "basis",
        "active",
        "nonactive",
        "denominator",
        "denominator_year",
        "coverage_pct",
        "target_count",
        "target_pct",
        "target_source",
        "implied_denominator",
        "denominator_mismatch",
        "gap_count",
        "gap_pp",
        "months_remaining",
        "required_monthly_pace",
        "run_rate",
        "projected_at_deadline",
        "projected_month_reached",
        "status",
        "by_branch",
        "by_region",
        "by_sector",
        "by_segment",
    ]:
        assert key in data
    assert data["implied_denominator"] is None


# --- reporting completeness, horizon, per-area metrics (DOMAIN.md) --------------------

JAN, FEB, MAR = Period(2025, 1), Period(2025, 2), Period(2025, 3)


def test_run_rate_skips_an_incomplete_month_as_its_base() -> None:
    values = {JAN: 100, FEB: 130, MAR: 150, APRIL: 190}
    # January is half reported: k = 2 (February) instead of 3.
    assert run_rate(values, APRIL, {FEB, MAR, APRIL}) == Fraction(60, 2)
    # January and February half reported: k = 1.
    assert run_rate(values, APRIL, {MAR, APRIL}) == 40


def test_run_rate_is_none_when_no_earlier_month_is_complete() -> None:
    values = {JAN: 100, FEB: 130, MAR: 150, APRIL: 190}
    assert run_rate(values, APRIL, {APRIL}) is None


def test_month_reached_exactly_120_months_ahead_is_shown() -> None:
    reached = projected_month_reached(period=APRIL, active=0, target_count=120, rate=Fraction(1))
    assert reached == Period(2035, 4)
    assert not reached_beyond_horizon(active=0, target_count=120, rate=Fraction(1))


def test_month_reached_121_months_ahead_is_beyond_the_horizon() -> None:
    assert (
        projected_month_reached(period=APRIL, active=0, target_count=121, rate=Fraction(1)) is None
    )
    assert reached_beyond_horizon(active=0, target_count=121, rate=Fraction(1))


def test_tiny_positive_run_rate_gives_no_month_and_beyond_horizon() -> None:
    # 1 participant short at 1/1000 a month: 1,000 months, about 83 years.
    rate = Fraction(1, 1_000)
    assert projected_month_reached(period=APRIL, active=9, target_count=10, rate=rate) is None
    assert reached_beyond_horizon(active=9, target_count=10, rate=rate)


@pytest.mark.parametrize(
    ("active", "target", "rate"),
    [(10, 10, None), (5, 10, Fraction(0)), (5, 10, Fraction(-1)), (5, 10, None), (5, None, None)],
)
def test_never_beyond_horizon_when_met_stalled_or_without_target(
    active: int, target: int | None, rate: Fraction | None
) -> None:
    assert not reached_beyond_horizon(active=active, target_count=target, rate=rate)


@pytest.mark.parametrize(
    ("active", "target"), [(100, 100), (50, None), (50, 100)], ids=["met", "no-target", "behind"]
)
def test_incomplete_status_comes_before_every_other(active: int, target: int | None) -> None:
    got = status(
        period=Period(2025, 12), active=active, target_count=target, rate=None, pace=None,
        complete=False,
    )  # fmt: skip
    assert got == "incomplete"


def _incomplete_may() -> Completeness:
    return Completeness(
        period=Period(2025, 5),
        expected=frozenset({"5301", "5302", "5303"}),
        reported=frozenset({"5301"}),
    )


def test_incomplete_month_shows_reported_sums_and_no_projection_or_forecast() -> None:
    # Twelve steady months, then May with one regency of three reported.
    history = {Period(2024, 5).shift(i): 1_000 + 100 * i for i in range(12)}
    history[Period(2025, 5)] = 400
    metrics = history_metrics(
        period=Period(2025, 5),
        active_by_period=history,
        nonactive=7,
        denominator=Denominator(10_000, 2025),
        target=ResolvedTarget(count=5_000, pct=Fraction(50), source="set"),
        completeness=_incomplete_may(),
        complete_periods=set(history) - {Period(2025, 5)},
    )
    assert (metrics.active, metrics.nonactive, metrics.coverage_pct) == (400, 7, 4)
    assert (metrics.gap_count, metrics.required_monthly_pace) == (4_600, 658)  # ceil(4600 / 7)
    assert metrics.status == "incomplete"
    assert not metrics.complete
    assert (metrics.regions_reported, metrics.regions_expected) == (1, 3)
    assert metrics.missing_region_codes == ("5302", "5303")
    assert metrics.run_rate is None
    assert metrics.projected_at_deadline is None
    assert metrics.projected_month_reached is None
    assert metrics.reached_beyond_horizon is False
    assert metrics.probability_reaching_target is None
    assert (metrics.projection_p10, metrics.projection_p90) == (None, None)
    assert metrics.pace_ratio is None
    assert metrics.projection_band == ()


def test_complete_month_gets_probability_band_and_pace_ratio() -> None:
    # September to April growing by exactly 100 (1,700 in April): every simulated
    # path lands on 1,700 + 8 × 100.
    history = {Period(2024, 9).shift(i): 1_000 + 100 * i for i in range(8)}
    metrics = history_metrics(
        period=APRIL,
        active_by_period=history,
        nonactive=0,
        denominator=Denominator(10_000, 2025),
        target=ResolvedTarget(count=2_500, pct=None, source="set"),
    )
    assert metrics.monthly_changes == (100,) * 7
    assert metrics.run_rate == 100
    assert metrics.required_monthly_pace == 100  # ceil(800 / 8)
    assert metrics.status == "on_track"
    assert metrics.probability_reaching_target == 1
    assert (metrics.projection_p10, metrics.projection_p90) == (2_500, 2_500)
    assert metrics.pace_ratio == 1
    assert metrics.projection_band[0] == (Period(2025, 5), 1_800, 1_800)
    assert metrics.projection_band[-1] == (Period(2025, 12), 2_500, 2_500)
    assert len(metrics.projection_band) == 8


# A province of two branches × two regencies, each growing by a constant amount a
# month from September 2024 (i = 0) to April 2025 (i = 7): seven monthly changes.
GROWTH = {"5301": (100, 10), "5302": (200, 10), "5303": (300, 30), "5371": (400, 20)}


def four_regencies() -> ReferenceFrames:
    return ReferenceFrames(
        regions=pd.DataFrame(
            [
                ("5301", "Sumba Barat", "WAINGAPU"),
                ("5302", "Sumba Timur", "WAINGAPU"),
                ("5303", "Kupang", "KUPANG"),
                ("5371", "Kota Kupang", "KUPANG"),
            ],
            columns=["region_code", "name", "branch_code"],
        ),
        branches=pd.DataFrame(
            [("KUPANG", "Kupang"), ("WAINGAPU", "Waingapu")], columns=["branch_code", "name"]
        ),
        sectors=pd.DataFrame(columns=["sector_code", "name"]),
        segments=pd.DataFrame(columns=["segment_code", "name", "is_formal"]),
    )


TARGET_COLUMNS = ["year", "scope_type", "scope_code", "basis", "target_count", "target_pct", "note"]


def four_regency_summary(
    *, leave_out: frozenset[tuple[str, Period]] = frozenset()
) -> dict[str, object]:
    """Province summary for April 2025; ``leave_out`` drops (regency, month) rows."""
    start = Period(2024, 9)
    rows = [
        (start.shift(i).year, start.shift(i).month, code, base + step * i, 1)
        for code, (base, step) in GROWTH.items()
        for i in range(8)
        if (code, start.shift(i)) not in leave_out
    ]
    reference = four_regencies()
    result = coverage_summary(
        period=APRIL,
        scope=reference.province(),
        basis="UCJ",
        reference=reference,
        monthly=pd.DataFrame(rows, columns=["year", "month", "region_code", "active", "nonactive"]),
        workforce=workforce([(2024, code, None, "UCJ", 1_000) for code in GROWTH]),
        targets=pd.DataFrame(
            [(2025, "province", "53", "UCJ", 2_000, None, "")], columns=TARGET_COLUMNS
        ),
        sector_active=pd.DataFrame(columns=["sector_code", "active", "nonactive"]),
        segment_active=pd.DataFrame(columns=["segment_code", "active", "nonactive"]),
    )
    return summary_as_dict(result)


AREA_KEYS = ("status", "run_rate", "required_monthly_pace", "projected_at_deadline",
             "projected_month_reached", "reached_beyond_horizon", "probability_reaching_target",
             "projection_p10", "projection_p90", "pace_ratio", "complete", "regions_reported",
             "regions_expected")  # fmt: skip


def _rows(data: dict[str, object], key: str) -> dict[object, tuple[object, ...]]:
    return {row["code"]: tuple(row[k] for k in AREA_KEYS) for row in rows_of(data, key)}


def test_every_branch_and_region_row_has_its_own_hand_computed_metrics() -> None:
    data = four_regency_summary()
    # Targets: province 2,000 allocated by equal denominators: 1,000 per branch, 500 per
    # regency. Eight months remain after April; every change is constant, so each
    # simulated December is the projection itself (probability 0 or 1).
    assert _rows(data, "by_branch") == {
        # 1,050 ≥ 1,000: achieved; rate (1,050 − 900) / 3 = 50 → December 1,450.
        "KUPANG": ("achieved", 50.0, 0, 1_450, "2025-04", False, 1.0, None, None, None,
                   True, 2, 2),
        # 440: gap 560, pace 70, rate 20 (off track), 28 months to go → August 2027.
        "WAINGAPU": ("off_track", 20.0, 70, 600, "2027-08", False, 0.0, 600, 600, 0.29,
                     True, 2, 2),
    }  # fmt: skip
    assert _rows(data, "by_region") == {
        # 170: gap 330, pace ceil(330/8) = 42, rate 10 → 33 months → January 2028.
        "5301": ("off_track", 10.0, 42, 250, "2028-01", False, 0.0, 250, 250, 0.24, True, 1, 1),
        # 270: gap 230, pace 29, rate 10 → 23 months → March 2027; 10 / 29 = 0.345.
        "5302": ("off_track", 10.0, 29, 350, "2027-03", False, 0.0, 350, 350, 0.34, True, 1, 1),
        "5303": ("achieved", 30.0, 0, 750, "2025-04", False, 1.0, None, None, None, True, 1, 1),
        "5371": ("achieved", 20.0, 0, 700, "2025-04", False, 1.0, None, None, None, True, 1, 1),
    }  # fmt: skip
    # The province: 1,490, gap 510, pace 64, rate 70 → on track, 2,050 in December.
    assert tuple(data[k] for k in AREA_KEYS) == (
        "on_track", 70.0, 64, 2_050, "2025-12", False, 1.0, 2_050, 2_050, 1.09, True, 4, 4
    )  # fmt: skip


def test_a_regency_missing_this_month_makes_it_its_branch_and_the_province_incomplete() -> None:
    data = four_regency_summary(leave_out=frozenset({("5302", APRIL)}))
    # Sumba Timur has not reported April: 0 participants, nothing projected.
    region = next(row for row in rows_of(data, "by_region") if row["code"] == "5302")
    assert (region["active"], region["gap_count"]) == (0, 500)
    # The required pace stays (from the reported sums); everything projected is null.
    assert _rows(data, "by_region")["5302"] == (
        "incomplete", None, 63, None, None, False, None, None, None, None, False, 0, 1
    )  # fmt: skip
    assert _rows(data, "by_branch")["WAINGAPU"] == (  # 170 reported: ceil(830 / 8) = 104
        "incomplete", None, 104, None, None, False, None, None, None, None, False, 1, 2
    )  # fmt: skip
    assert (data["active"], data["status"], data["regions_reported"]) == (1_220, "incomplete", 3)
    assert (data["complete"], data["regions_expected"], data["run_rate"]) == (False, 4, None)
    # The rest reported in full and keep their figures.
    assert _rows(data, "by_branch")["KUPANG"][:2] == ("achieved", 50.0)
    assert _rows(data, "by_region")["5301"][:2] == ("off_track", 10.0)


def test_summary_run_rate_steps_over_a_month_a_regency_missed() -> None:
    # 5302 sent nothing for January 2025, so January is half reported (850 of 1,090).
    data = four_regency_summary(leave_out=frozenset({("5302", JAN)}))
    # k = 2 for the province (February is complete): (1,490 − 1,350) / 2 = 70, not the
    # (1,490 − 850) / 3 = 213,33 a half-reported January would give.
    assert data["run_rate"] == 70.0
    assert data["complete"] is True
    region = next(row for row in rows_of(data, "by_region") if row["code"] == "5302")
    assert region["run_rate"] == 10.0  # (270 − 250) / 2: no January row for it
    # Its January gap also removes two monthly changes: 5 remain, too few to simulate.
    assert region["probability_reaching_target"] is None


def test_december_forecasts_in_one_batch_equal_one_forecast_each() -> None:
    rng = np.random.default_rng(7)
    batch = []
    for case in range(12):
        months = 8 if case % 3 else 5
        history = {
            APRIL.shift(i - 11): int(v)
            for i, v in enumerate(np.cumsum(rng.integers(-300, 900, size=12)) + 10_000)
        }
        count = 6 + case % 3
        batch.append(
            history_metrics(
                period=Period(2025, 12 - months),
                active_by_period={p: v for p, v in history.items() if p >= APRIL.shift(-count)},
                nonactive=0,
                denominator=Denominator(40_000, 2025),
                target=ResolvedTarget(count=12_000 + 400 * case, pct=None, source="set"),
                simulate=False,
            )
        )
    for got in with_december_forecasts(batch):
        expected = forecast(
            period=got.period,
            active=got.active,
            target_count=got.target.count,
            status=got.status,
            changes=got.monthly_changes,
            months_remaining=got.months_remaining,
        )
        assert (got.probability_reaching_target, got.projection_p10, got.projection_p90) == (
            expected.probability,
            expected.p10,
            expected.p90,
        )
    assert any(
        m.probability_reaching_target not in (None, 0, 1) for m in with_december_forecasts(batch)
    )


def test_json_numbers_have_the_contract_types_and_decimals() -> None:
    data = four_regency_summary()
    assert isinstance(data["probability_reaching_target"], float)
    assert isinstance(data["projection_p10"], int) and isinstance(data["projection_p90"], int)
    assert data["pace_ratio"] == 1.09  # 70 / 64 = 1.09375
    assert isinstance(data["complete"], bool) and isinstance(data["reached_beyond_horizon"], bool)
    assert isinstance(data["regions_reported"], int) and isinstance(data["regions_expected"], int)
    for key in ("by_branch", "by_region"):
        for row in rows_of(data, key):
            assert set(AREA_KEYS) <= set(row)


def test_sector_and_segment_rows_keep_their_seven_keys() -> None:
    data = small_summary("53")
    for key in ("by_sector", "by_segment"):
        for row in rows_of(data, key):
            assert set(row) == {"code", "name", "active", "denominator", "coverage_pct",
                                "target_count", "gap_count"}  # fmt: skip


def test_probability_has_three_decimals_and_pace_ratio_two_rounded_half_away_from_zero() -> None:
    from dataclasses import replace

    reference = four_regencies()
    summary = coverage_summary(
        period=APRIL,
        scope=reference.province(),
        basis="UCJ",
        reference=reference,
        monthly=pd.DataFrame(
            [(2025, 4, "5301", 10, 0)],
            columns=["year", "month", "region_code", "active", "nonactive"],
        ),
        workforce=workforce([]),
        targets=pd.DataFrame(columns=TARGET_COLUMNS),
        sector_active=pd.DataFrame(columns=["sector_code", "active", "nonactive"]),
        segment_active=pd.DataFrame(columns=["segment_code", "active", "nonactive"]),
    )
    metrics = replace(
        summary.metrics,
        probability_reaching_target=Fraction(3_045, 10_000),
        pace_ratio=Fraction(1, 8),
    )
    data = summary_as_dict(replace(summary, metrics=metrics))
    assert data["probability_reaching_target"] == 0.305  # 0,3045 → 0,305 (not 0,304)
    assert data["pace_ratio"] == 0.13  # 0,125 → 0,13 (round() would give 0,12)
