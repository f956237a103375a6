"""The forecast (DOMAIN.md "Forecast: how sure is the projection") on hand-built series,
and the methods page that shows its backtest."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from coverage import forecast as fc
from coverage.calculations import Period
from coverage.forecast import (
    MIN_CHANGES,
    PATHS,
    SEED,
    BacktestRow,
    Forecast,
    backtest,
    complete_run_rate,
    forecast,
    monthly_changes,
    pace_ratio,
)

APRIL = Period(2025, 4)
WIGGLY = (4_000, -1_000, 7_500, 2_000, 12_000, 3_300, -2_500, 6_100, 900, 5_000, 8_800, 1_234)


def months(start: Period, count: int) -> list[Period]:
    return [start.shift(i) for i in range(count)]


def series(start: Period, values: list[int]) -> dict[Period, int]:
    return {start.shift(i): value for i, value in enumerate(values)}


def run(**overrides: object) -> Forecast:
    arguments: dict[str, object] = {
        "period": APRIL,
        "active": 550_000,
        "target_count": 1_000_000,
        "status": "off_track",
        "changes": WIGGLY,
        "months_remaining": 8,
    }
    arguments.update(overrides)
    return forecast(**arguments)  # type: ignore[arg-type]


# --- monthly changes -------------------------------------------------------------------


def test_monthly_changes_are_the_last_twelve_month_on_month_differences_oldest_first() -> None:
    values = [100 + i * i for i in range(20)]  # Jan 2024 … Aug 2025
    active = series(Period(2024, 1), values)
    changes = monthly_changes(active, set(active), Period(2025, 4))
    # April 2025 is index 15: m from t−11 (index 4) to t (index 15)
    assert changes == tuple(values[i] - values[i - 1] for i in range(4, 16))


def test_monthly_changes_skip_months_that_are_incomplete_or_have_no_data() -> None:
    active = series(Period(2024, 5), [10 * 2**i for i in range(12)])  # May 2024 … Apr 2025
    complete = set(active) - {Period(2024, 9)}  # Sep 2024 incomplete
    del active[Period(2025, 1)]  # no data in Jan 2025
    changes = monthly_changes(active, complete, Period(2025, 4))
    # Sep (incomplete) breaks Sep−Aug and Oct−Sep; Jan (no data) breaks Jan−Dec and Feb−Jan;
    # May 2024 has no April before it.
    assert changes == (10, 20, 40, 320, 640, 5120, 10240)


def test_monthly_changes_of_a_series_starting_at_t_are_empty() -> None:
    assert monthly_changes({APRIL: 500}, {APRIL}, APRIL) == ()


# --- the probability and the band -------------------------------------------------------


def test_constant_changes_that_reach_the_target_give_probability_one_and_a_point_band() -> None:
    result = run(active=900_000, changes=(20_000,) * 8, months_remaining=8)
    assert result.probability == 1
    assert result.p10 == result.p90 == 1_060_000
    assert all(low == high for _month, low, high in result.band)


def test_constant_changes_that_fall_short_give_probability_zero() -> None:
    result = run(active=900_000, changes=(10_000,) * 8, months_remaining=8)
    assert result.probability == 0
    assert result.p10 == result.p90 == 980_000


def test_changes_centred_on_the_required_pace_give_about_even_odds() -> None:
    # gap 80,000 over 8 months = 10,000 a month; changes symmetric around 10,000
    changes = (4_001, 15_999, 7_003, 12_997, 1_013, 18_987, 9_500, 10_500)
    result = run(active=920_000, target_count=1_000_000, changes=changes, months_remaining=8)
    assert result.probability is not None
    assert abs(float(result.probability) - 0.5) < 0.03


def test_probability_is_an_exact_share_of_the_paths() -> None:
    result = run()
    assert isinstance(result.probability, Fraction)
    assert (result.probability * PATHS).denominator == 1


def test_fewer_than_six_changes_give_no_probability() -> None:
    result = run(changes=WIGGLY[: MIN_CHANGES - 1])
    assert result == Forecast(probability=None, p10=None, p90=None, band=())


def test_six_changes_are_enough() -> None:
    assert run(changes=WIGGLY[:MIN_CHANGES]).probability is not None


def test_achieved_is_certain_without_a_band() -> None:
    result = run(status="achieved", active=1_000_000)
    assert result == Forecast(probability=Fraction(1), p10=None, p90=None, band=())


def test_missed_is_zero_without_a_band_even_with_few_changes() -> None:
    result = run(status="missed", period=Period(2025, 12), months_remaining=0, changes=(1,))
    assert result == Forecast(probability=Fraction(0), p10=None, p90=None, band=())


def test_incomplete_month_has_no_forecast() -> None:
    assert run(status="incomplete").probability is None


def test_no_target_has_no_forecast() -> None:
    result = run(target_count=None, status="no_target")
    assert result == Forecast(probability=None, p10=None, p90=None, band=())


def test_no_month_left_without_simulation_is_decided_by_the_count() -> None:
    # the status rules make this 'missed' or 'achieved'; a caller that passes another
    # status still gets 0 or 1 and the count itself as both percentiles
    below = run(period=Period(2025, 12), months_remaining=0, active=999_999)
    assert (below.probability, below.p10, below.p90, below.band) == (0, 999_999, 999_999, ())
    reached = run(period=Period(2025, 12), months_remaining=0, active=1_000_000)
    assert reached.probability == 1


def test_same_inputs_give_the_same_answer_whatever_ran_before() -> None:
    first = run()
    run(changes=tuple(reversed(WIGGLY)), months_remaining=3)
    np.random.default_rng().integers(0, 10, size=100)  # other randomness in between
    assert run() == first


def test_band_covers_each_month_to_december_and_widens() -> None:
    result = run()
    assert [month for month, _low, _high in result.band] == months(Period(2025, 5), 8)
    lows = [low for _month, low, _high in result.band]
    highs = [high for _month, _low, high in result.band]
    assert all(low <= high for low, high in zip(lows, highs, strict=True))
    assert lows == sorted(lows) and highs == sorted(highs)  # the changes average +3.944,5
    widths = [high - low for low, high in zip(lows, highs, strict=True)]
    assert widths[-1] > widths[0]
    assert (result.p10, result.p90) == (lows[-1], highs[-1])
    assert result.p10 is not None and result.p90 is not None and result.p10 < result.p90


def test_percentiles_are_numpys_linear_percentiles_of_one_seeded_draw() -> None:
    """The documented method, step by step: one PATHS × n draw of indices from a fresh
    Generator(SEED), cumulative sums along each path, np.percentile (linear), rounded
    half away from zero; the probability counts paths at or above the target."""
    n, active, target = 8, 550_000, 600_000
    indices = np.random.default_rng(SEED).integers(0, len(WIGGLY), size=(PATHS, n))
    paths = active + np.cumsum(np.asarray(WIGGLY)[indices], axis=1)
    low, high = np.percentile(paths, (10, 90), axis=0)
    expected_band = tuple(
        (APRIL.shift(j + 1), int(np.floor(low[j] + 0.5)), int(np.floor(high[j] + 0.5)))
        for j in range(n)
    )
    result = run(active=active, target_count=target, months_remaining=n)
    assert result.band == expected_band
    assert result.probability == Fraction(int((paths[:, -1] >= target).sum()), PATHS)


def test_percentiles_round_halves_away_from_zero() -> None:
    assert fc._round_half_away(np.array([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999])) == [
        1,
        2,
        3,
        -1,
        -3,
        2,
    ]


def test_negative_months_are_refused() -> None:
    with pytest.raises(ValueError):
        fc.simulated_paths(active=1, changes=WIGGLY, months=-1)


# --- pace ratio ------------------------------------------------------------------------


def test_pace_ratio_is_run_rate_over_required_pace() -> None:
    assert pace_ratio(Fraction(4_000), 108_500) == Fraction(4_000, 108_500)
    assert pace_ratio(Fraction(7, 3), 1) == Fraction(7, 3)


@pytest.mark.parametrize(
    ("rate", "pace"), [(None, 100), (Fraction(5), None), (Fraction(5), 0), (None, None)]
)
def test_pace_ratio_is_none_without_rate_or_pace_or_with_zero_pace(
    rate: Fraction | None, pace: int | None
) -> None:
    assert pace_ratio(rate, pace) is None


# --- backtest ----------------------------------------------------------------------------


def test_run_rate_of_the_backtest_uses_complete_months_only() -> None:
    active = series(Period(2025, 1), [100, 130, 170, 220])
    assert complete_run_rate(active, set(active), APRIL) == Fraction(120, 3)
    # January incomplete: k = 2 (February)
    assert complete_run_rate(active, set(active) - {Period(2025, 1)}, APRIL) == Fraction(90, 2)
    # only March left: k = 1
    only_march = {Period(2025, 3), APRIL}
    assert complete_run_rate(active, only_march, APRIL) == 50
    assert complete_run_rate(active, {APRIL}, APRIL) is None
    assert complete_run_rate(active, set(active) - {APRIL}, APRIL) is None


def test_backtest_of_a_linear_series_is_exact_for_the_run_rate_and_the_band() -> None:
    start = Period(2023, 1)
    active = series(start, [1_000 + 100 * i for i in range(24)])
    rows = backtest(active, set(active))
    assert [row.horizon for row in rows] == [1, 2, 3, 4, 5, 6]
    for row in rows:
        # t from July 2023 (6 changes) to 24 − 1 − h months after January 2023
        assert row.n == 24 - 6 - row.horizon
        assert row.median_ape_run_rate == 0
        assert row.hit_rate == 1
    # the naive forecast misses by 100 × h on values from 1,600 + 100h upwards
    h1 = [100 * 100 / (1_000 + 100 * (i + 1)) for i in range(6, 23)]
    assert rows[0].median_ape_naive == pytest.approx(sorted(h1)[len(h1) // 2])


def test_backtest_of_a_constant_series_has_no_error() -> None:
    active = series(Period(2023, 1), [5_000] * 15)
    rows = backtest(active, set(active))
    assert [(r.n, r.median_ape_run_rate, r.median_ape_naive, r.hit_rate) for r in rows] == [
        (9 - h, 0.0, 0.0, 1.0) for h in range(1, 7)
    ]


def test_backtest_counts_a_jump_that_no_forecast_saw_coming() -> None:
    # flat at 1,000 through 2023, then 1,100 in January 2024
    active = series(Period(2023, 1), [1_000] * 12 + [1_100])
    rows = backtest(active, set(active))
    jump = 100 * 100 / 1_100
    # h = 1: t = Jul … Dec 2023, the last one meets the jump
    assert rows[0] == BacktestRow(1, 6, 0.0, 0.0, pytest.approx(5 / 6))  # type: ignore[arg-type]
    assert rows[1].n == 5 and rows[1].hit_rate == pytest.approx(0.8)
    # h = 6: only t = July 2023 (June has five changes), which meets the jump
    assert rows[5].n == 1
    assert rows[5].median_ape_run_rate == pytest.approx(jump)
    assert rows[5].median_ape_naive == pytest.approx(jump)
    assert rows[5].hit_rate == 0


def test_backtest_rows_without_pairs_have_n_zero_and_no_medians() -> None:
    active = series(Period(2024, 1), [1_000 + 10 * i for i in range(9)])  # Jan … Sep
    rows = backtest(active, set(active))
    # t ∈ {Jul, Aug}: h = 1 has two pairs, h = 2 one, h ≥ 3 none
    assert [row.n for row in rows] == [2, 1, 0, 0, 0, 0]
    assert rows[2] == BacktestRow(3, 0, None, None, None)


def test_backtest_skips_incomplete_months_as_start_and_as_outcome() -> None:
    active = series(Period(2023, 1), [1_000 + 100 * i for i in range(12)])
    all_rows = backtest(active, set(active))
    last = Period(2023, 12)
    rows = backtest(active, set(active) - {last})
    # December no longer counts as an outcome: one pair fewer for every h ≤ 5
    assert [r.n for r in rows] == [max(r.n - 1, 0) for r in all_rows]


def test_backtest_leaves_out_outcomes_of_zero() -> None:
    active = series(Period(2023, 1), [600, 500, 400, 300, 200, 100, 100, 0])
    # t = July 2023 has six changes; August is 0: no APE against it
    assert backtest(active, set(active))[0].n == 0
