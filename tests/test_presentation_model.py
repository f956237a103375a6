"""The presentation model's pure derivations, checked against numbers worked out by hand.

Table rows (target %, gap share, pace, totals, sectors, segments), the progress
chart's series, the run rate's span, the implied denominator and the reporting
notice: built from hand-made rows and metrics, no database.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pandas as pd

from coverage.calculations import BreakdownRow, Denominator, Period, ResolvedTarget
from coverage.completeness import Completeness
from coverage.presentation import (
    formal_split,
    furthest_behind,
    gap_rows,
    implied_denominator,
    incomplete_notice,
    largest_gap_first,
    points,
    progress_series,
    region_names,
    reporting_notice,
    run_rate_span,
    scenario_series,
    sector_rows,
    segment_order,
    segment_rows,
    share_pct,
    target_pct,
    total_row,
)
from coverage.scenarios import Lever, project_scenario
from tests.test_presentation import metrics

APRIL = Period(2025, 4)


def area(
    code: str,
    *,
    active: int = 100,
    denominator: int | None = 400,
    target: int | None = None,
    gap: int | None = None,
) -> BreakdownRow:
    coverage = Fraction(100 * active, denominator) if denominator else None
    return BreakdownRow(code, code.title(), active, denominator, coverage, target, gap)


# --- rows -----------------------------------------------------------------------------------


def test_target_pct_is_the_target_over_the_denominator() -> None:
    assert target_pct(area("a", denominator=20_000, target=6_000)) == 30
    assert target_pct(area("a", denominator=3, target=1)) == Fraction(100, 3)
    assert target_pct(area("a", denominator=None, target=6_000)) is None
    assert target_pct(area("a", denominator=0, target=6_000)) is None
    assert target_pct(area("a", denominator=20_000, target=None)) is None


def test_share_pct_of_nothing_is_none() -> None:
    assert share_pct(1, 4) == 25
    assert share_pct(0, 0) is None


def test_gap_rows_share_the_level_gap_and_need_a_monthly_pace() -> None:
    rows = [area("a", gap=3_000), area("b", gap=1_000), area("c", gap=None)]
    a, b, c = gap_rows(rows, months_remaining=8)
    assert (a.area, a.gap_share, a.monthly_pace) == (rows[0], 75, 375)  # 3000/4000; 3000/8
    assert (b.gap_share, b.monthly_pace) == (25, 125)
    assert (c.gap_share, c.monthly_pace) == (None, None)
    uneven = gap_rows([area("d", gap=1_001)], months_remaining=8)[0]
    assert (uneven.gap_share, uneven.monthly_pace) == (100, 126)  # ⌈1001/8⌉ = ⌈125.125⌉


def test_no_months_left_leaves_no_pace_unless_the_gap_is_closed() -> None:
    closed, open_ = gap_rows([area("a", gap=0), area("b", gap=10)], months_remaining=0)
    assert closed.monthly_pace == 0
    assert open_.monthly_pace is None
    assert (closed.gap_share, open_.gap_share) == (0, 100)


def test_largest_gap_first_then_by_name_and_furthest_behind_drops_the_closed() -> None:
    rows = gap_rows(
        [area("b", gap=5), area("a", gap=5), area("c", gap=None), area("d", gap=9)],
        months_remaining=8,
    )
    assert [row.area.code for row in largest_gap_first(rows)] == ["d", "a", "b", "c"]
    assert [row.area.code for row in furthest_behind(rows, limit=2)] == ["d", "a"]
    assert [row.area.code for row in furthest_behind(rows, limit=9)] == ["d", "a", "b"]


def test_total_row_takes_coverage_over_the_rows_with_a_denominator() -> None:
    rows = [
        area("a", active=100, denominator=400, gap=7),
        area("b", active=50, denominator=None, gap=None),
        area("c", active=30, denominator=0, gap=3),
    ]
    total = total_row(rows)
    assert (total.active, total.denominator, total.gap_count) == (180, 400, 10)
    assert total.coverage_pct == 25  # 100 / 400, not 180 / 400
    none = total_row([area("b", denominator=None)])
    assert (none.denominator, none.coverage_pct) == (None, None)


def test_sector_rows_take_the_bps_figures_by_code() -> None:
    rows = [area("c", active=300), area("f", active=100)]
    bps = [area("c", active=300, denominator=1_200)]
    c, f = sector_rows(rows, bps=bps)
    assert (c.share, c.bps_workers, c.bps_coverage) == (75, 1_200, 25)
    assert (f.share, f.bps_workers, f.bps_coverage) == (25, None, None)


def test_segments_formal_split_and_order() -> None:
    rows = segment_rows(
        [area("BPU", active=40), area("PU", active=50), area("PMI", active=10)],
        formal={"PU", "PMI"},
    )
    assert [(row.code, row.formal, row.share) for row in rows] == [
        ("BPU", False, 40),
        ("PU", True, 50),
        ("PMI", True, 10),
    ]
    assert formal_split(rows) == (60, 40)
    codes = ["BPU", "X", "PU", "A", "PMI", "JAKON"]
    assert sorted(codes, key=segment_order) == ["PU", "JAKON", "PMI", "BPU", "A", "X"]


# --- series -----------------------------------------------------------------------------------


def test_progress_series_from_last_december_to_this_december() -> None:
    by_period = {Period(2024, 12): 1_000, Period(2025, 2): 1_200, APRIL: 1_400}
    by_period[Period(2025, 5)] = 1_500  # after the reported month: not shown
    scope = metrics(
        active=1_400,
        target=ResolvedTarget(count=2_200, pct=None, source="set"),
        run_rate=Fraction(100),
        months_remaining=8,
    )
    series = progress_series(period=APRIL, active_by_period=by_period, metrics=scope)
    assert (series.months[0], series.months[11], series.months[23]) == (
        Period(2024, 1),
        Period(2024, 12),
        Period(2025, 12),
    )
    assert points(series.actual) == ([11, 13, 15], [1_000, 1_200, 1_400])
    # 1000 + (2200 − 1000) × k / 12 = 1000 + 100 k, k = 0 (Dec 2024) … 12 (Dec 2025)
    assert points(series.target_path) == (list(range(11, 24)), [1_000 + 100 * k for k in range(13)])
    # 1400 + 100 k from April (index 15) to December (index 23)
    assert points(series.projection) == (list(range(15, 24)), [1_400 + 100 * k for k in range(9)])
    assert series.band_low == [None] * 24 and series.band_high == [None] * 24


def test_progress_series_without_a_december_count_or_a_run_rate() -> None:
    scope = metrics(run_rate=None)
    series = progress_series(period=APRIL, active_by_period={APRIL: 550_000}, metrics=scope)
    assert points(series.actual) == ([15], [550_000])
    assert points(series.target_path) == ([], [])
    assert points(series.projection) == ([], [])


def test_progress_series_of_a_fractional_run_rate_stays_exact() -> None:
    scope = metrics(active=10, run_rate=Fraction(1, 3), months_remaining=2, period=Period(2025, 10))
    series = progress_series(period=Period(2025, 10), active_by_period={}, metrics=scope)
    assert points(series.projection) == ([21, 22, 23], [10, Fraction(31, 3), Fraction(32, 3)])


def test_scenario_series_starts_at_the_reported_month_and_stops_at_the_horizon() -> None:
    drive = Lever(label="drive", monthly=50, start=Period(2025, 6))
    result = project_scenario(
        period=APRIL,
        active=1_000,
        run_rate=10,
        target_count=None,
        levers=[drive],
        horizon_months=8,
    )
    months = [Period(2025, 3).shift(i) for i in range(11)]  # March 2025 … January 2026
    # baseline 1000 + 10 k from April (k = 0) to December (k = 8), nothing after it
    assert scenario_series(result, months, scenario=False) == (
        [None] + [1_000 + 10 * k for k in range(9)] + [None]
    )
    # + 50 a month from June: April 1000, May 1010, June 1020 + 50, July 1030 + 100 …
    assert scenario_series(result, months, scenario=True) == [
        None,
        1_000,
        1_010,
        1_070,
        1_130,
        1_190,
        1_250,
        1_310,
        1_370,
        1_430,
        None,
    ]


# --- answers ----------------------------------------------------------------------------------


def test_run_rate_span_is_the_longest_of_three_two_one_months_with_data() -> None:
    jan, feb, mar = Period(2025, 1), Period(2025, 2), Period(2025, 3)
    assert run_rate_span({jan, feb, mar, APRIL}, APRIL) == 3
    assert run_rate_span({feb, APRIL}, APRIL) == 2
    assert run_rate_span({mar, APRIL}, APRIL) == 1
    assert run_rate_span({APRIL}, APRIL) is None
    assert run_rate_span({jan, mar}, APRIL) is None  # no count in the month itself


def test_implied_denominator_and_its_difference_from_the_stored_one() -> None:
    target = ResolvedTarget(
        count=500_000,
        pct=Fraction(25),
        source="set",
        implied_denominator=Fraction(2_000_000),  # 500 000 × 100 ÷ 25
        denominator_mismatch=True,
    )
    scope = metrics(target=target, denominator=Denominator(workers=1_600_000, year=2025))
    implied = implied_denominator(scope)
    assert implied is not None
    assert (implied.count, implied.pct, implied.implied) == (500_000, 25, 2_000_000)
    assert implied.stored == 1_600_000
    assert implied.difference == 25  # (2 000 000 − 1 600 000) ÷ 1 600 000
    assert implied.mismatch is True
    below = implied_denominator(replace(scope, denominator=Denominator(2_500_000, 2025)))
    assert below is not None and below.difference == -20  # (2 000 000 − 2 500 000) ÷ 2 500 000
    unstored = implied_denominator(replace(scope, denominator=Denominator(None, None)))
    assert unstored is not None and (unstored.stored, unstored.difference) == (None, None)
    assert implied_denominator(metrics()) is None  # a count alone implies nothing


# --- completeness -----------------------------------------------------------------------------


def month(period: Period, *, reported: set[str]) -> Completeness:
    return Completeness(
        period=period, expected=frozenset({"5301", "5302", "5303"}), reported=frozenset(reported)
    )


def test_incomplete_notice_names_the_missing_regencies_by_code_order() -> None:
    names = {"5303": "Alor", "5301": "Kupang"}
    notice = incomplete_notice(month(APRIL, reported={"5302"}), names)
    assert notice is not None
    assert (notice.kind, notice.missing, notice.link_to) == ("incomplete", ("Kupang", "Alor"), None)
    unnamed = incomplete_notice(month(APRIL, reported={"5301"}), {})
    assert unnamed is not None and unnamed.missing == ("5302", "5303")
    assert incomplete_notice(month(APRIL, reported={"5301", "5302", "5303"}), names) is None


def test_reporting_notice_of_a_page() -> None:
    everyone = {"5301", "5302", "5303"}
    may, march = Period(2025, 5), Period(2025, 3)
    april_half = [month(APRIL, reported={"5301"}), month(march, reported=everyone)]
    shown = reporting_notice(period=APRIL, choices=april_half, default=march, names={})
    assert shown is not None and (shown.kind, shown.link_to) == ("incomplete", march)
    assert shown.missing == ("5302", "5303")
    alone = reporting_notice(period=APRIL, choices=april_half[:1], default=APRIL, names={})
    assert alone is not None and alone.link_to is None
    may_half = [month(may, reported={"5302"}), month(APRIL, reported=everyone)]
    newer = reporting_notice(period=APRIL, choices=may_half, default=APRIL, names={})
    assert newer is not None
    assert (newer.kind, newer.month.period, newer.link_to, newer.missing) == ("newer", may, may, ())
    own = reporting_notice(period=may, choices=may_half, default=APRIL, names={})
    assert own is not None and (own.kind, own.link_to) == ("incomplete", APRIL)
    complete = [month(APRIL, reported=everyone)]
    assert reporting_notice(period=APRIL, choices=complete, default=APRIL, names={}) is None
    assert reporting_notice(period=APRIL, choices=[], default=None, names={}) is None


def test_region_names_by_code() -> None:
    frame = pd.DataFrame({"region_code": ["5301", 5371], "name": ["Kupang", "Kota Kupang"]})
    assert region_names(frame) == {"5301": "Kupang", "5371": "Kota Kupang"}
