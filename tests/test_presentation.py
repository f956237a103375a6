"""What a reader sees, derived once: the who-is-behind order and the answer sentence's numbers.

Built from hand-made ScopeMetrics and BreakdownRows (no database).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from coverage.calculations import (
    BreakdownRow,
    Denominator,
    Period,
    ResolvedTarget,
    ScopeMetrics,
)
from coverage.presentation import answer, band_series, behind_row, behind_rows, status_tone

APRIL = Period(2025, 4)


def metrics(**changes: object) -> ScopeMetrics:
    """NTT in April 2025 (the issue's example): 550,000 active, target 1,000,000."""
    base = ScopeMetrics(
        period=APRIL,
        active=550_000,
        nonactive=60_000,
        denominator=Denominator(workers=1_626_300, year=2025),
        target=ResolvedTarget(count=1_000_000, pct=None, source="set"),
        coverage_pct=Fraction(550_000 * 100, 1_626_300),
        gap_count=450_000,
        gap_pp=None,
        months_remaining=8,
        required_monthly_pace=56_250,
        run_rate=Fraction(28_070, 3),
        projected_at_deadline=624_853,
        projected_month_reached=None,
        status="off_track",
        pace_ratio=Fraction(17, 100),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def row(
    name: str,
    *,
    ratio: Fraction | None,
    status: str = "off_track",
    gap: int = 1_000,
    with_metrics: bool = True,
) -> BreakdownRow:
    target = 10_000
    return BreakdownRow(
        code=name.upper(),
        name=name,
        active=target - gap,
        denominator=20_000,
        coverage_pct=Fraction(100 * (target - gap), 20_000),
        target_count=target,
        gap_count=gap,
        metrics=metrics(pace_ratio=ratio, status=status, gap_count=gap) if with_metrics else None,
    )


# --- the who-is-behind order ---------------------------------------------------------------


def test_furthest_behind_comes_first_by_pace_ratio() -> None:
    rows = [
        row("Ende", ratio=Fraction(90, 100)),
        row("Atambua", ratio=Fraction(12, 100)),
        row("Kupang", ratio=Fraction(45, 100)),
    ]
    assert [r.name for r in behind_rows(rows)] == ["Atambua", "Kupang", "Ende"]


def test_rows_that_met_their_target_come_last_even_with_a_low_ratio() -> None:
    rows = [
        row("Maumere", ratio=Fraction(1, 100), status="achieved", gap=0),
        row("Ende", ratio=Fraction(2, 1)),
    ]
    assert [r.name for r in behind_rows(rows)] == ["Ende", "Maumere"]


def test_rows_without_a_ratio_follow_those_with_one_largest_gap_first() -> None:
    rows = [
        row("Waingapu", ratio=None, status="insufficient_data", gap=500),
        row("Labuan Bajo", ratio=None, status="incomplete", gap=4_000),
        row("Kupang", ratio=Fraction(3, 1)),
        row("Belu", ratio=Fraction(0), status="achieved", gap=0),
    ]
    assert [r.name for r in behind_rows(rows)] == ["Kupang", "Labuan Bajo", "Waingapu", "Belu"]


def test_equal_ratios_fall_back_to_the_larger_gap_then_the_name() -> None:
    rows = [
        row("B", ratio=Fraction(1, 2), gap=100),
        row("A", ratio=Fraction(1, 2), gap=100),
        row("C", ratio=Fraction(1, 2), gap=900),
    ]
    assert [r.name for r in behind_rows(rows)] == ["C", "A", "B"]


def test_a_row_without_metrics_shows_dashes_not_guesses() -> None:
    shown = behind_row(row("Ende", ratio=None, with_metrics=False))
    assert shown.status is None
    assert shown.run_rate is None and shown.pace_ratio is None and shown.probability is None
    assert shown.tone == "neutral"
    assert shown.gap_count == 1_000  # what the breakdown row itself knows stays


def test_behind_row_carries_the_areas_own_figures() -> None:
    shown = behind_row(
        replace(
            row("Ende", ratio=Fraction(17, 100)),
            metrics=metrics(probability_reaching_target=Fraction(3, 100)),
        )
    )
    assert shown.pace_ratio == Fraction(17, 100)
    assert shown.required_monthly_pace == 56_250
    assert shown.probability_pct == 3
    assert shown.tone == "bad"


def test_status_tones_are_green_amber_red_and_grey() -> None:
    assert status_tone("on_track") == "good"
    assert status_tone("at_risk") == "warn"
    assert status_tone("off_track") == "bad"
    assert status_tone("incomplete") == "neutral"


# --- the answer sentence ---------------------------------------------------------------


def test_answer_gives_projection_shortfall_pace_and_run_rate_from_the_cards_figures() -> None:
    said = answer(metrics())
    assert said.kind == "projection"
    assert said.projected == 624_853
    assert said.shortfall == 1_000_000 - 624_853
    assert said.surplus is None
    assert said.required_monthly_pace == 56_250
    assert said.run_rate == Fraction(28_070, 3)
    assert said.deadline == Period(2025, 12)


def test_answer_says_surplus_when_the_projection_passes_the_target() -> None:
    said = answer(metrics(projected_at_deadline=1_000_500, status="on_track"))
    assert said.shortfall is None
    assert said.surplus == 500


def test_answer_for_an_incomplete_month_says_what_is_known_only() -> None:
    said = answer(
        metrics(
            status="incomplete",
            complete=False,
            regions_reported=17,
            regions_expected=22,
            run_rate=None,
            projected_at_deadline=None,
            pace_ratio=None,
        )
    )
    assert said.kind == "incomplete"
    assert (said.regions_reported, said.regions_expected) == (17, 22)
    assert said.projected is None and said.run_rate is None and said.probability is None


def test_answer_without_run_rate_gives_gap_and_required_pace() -> None:
    said = answer(metrics(status="insufficient_data", run_rate=None, projected_at_deadline=None))
    assert said.kind == "no_run_rate"
    assert said.gap_count == 450_000
    assert said.required_monthly_pace == 56_250


def test_answer_when_achieved_and_when_missed() -> None:
    achieved = answer(metrics(active=1_000_200, gap_count=0, status="achieved"))
    assert (achieved.kind, achieved.surplus) == ("achieved", 200)
    missed = answer(metrics(period=Period(2025, 12), months_remaining=0, status="missed"))
    assert (missed.kind, missed.gap_count) == ("missed", 450_000)


def test_answer_without_target() -> None:
    said = answer(
        metrics(target=ResolvedTarget(count=None, pct=None, source=None), status="no_target")
    )
    assert said.kind == "no_target"


def test_answer_carries_the_probability_when_there_is_one() -> None:
    said = answer(metrics(probability_reaching_target=Fraction(3, 100)))
    assert said.probability_pct == 3
    assert answer(metrics()).probability_pct is None


# --- the 80 % band --------------------------------------------------------------------------


def test_band_opens_at_the_reported_month_and_runs_to_december() -> None:
    band = tuple((APRIL.shift(k), 550_000 + 8_000 * k, 550_000 + 11_000 * k) for k in (1, 2))
    months = [Period(2025, 3), APRIL, Period(2025, 5), Period(2025, 6), Period(2025, 7)]
    low, high = band_series(months=months, metrics=metrics(projection_band=band))
    assert low == [None, 550_000, 558_000, 566_000, None]
    assert high == [None, 550_000, 561_000, 572_000, None]


def test_no_band_without_a_forecast() -> None:
    low, high = band_series(months=[APRIL, Period(2025, 5)], metrics=metrics())
    assert low == [None, None] and high == [None, None]
