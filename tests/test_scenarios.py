"""The scenario planner's arithmetic (``coverage.scenarios``), checked against hand sums."""

from __future__ import annotations

from fractions import Fraction

import pytest

from coverage.calculations import Period, Scope
from coverage.scenarios import (
    HORIZON_MONTHS,
    Lever,
    NamedScenario,
    branch_codes_of,
    levers_for_scope,
    levers_from_json,
    project_named,
    project_scenario,
)

APRIL = Period(2025, 4)
REI = Lever(label="REI", monthly=20_000, start=Period(2025, 6), kind="rei", sectors=("F", "L"))


def test_baseline_is_the_run_rate_projection() -> None:
    result = project_scenario(
        period=APRIL, active=552_340, run_rate=9_800, target_count=1_000_000, levers=[]
    )
    assert result.baseline_at_deadline == 552_340 + 8 * 9_800 == 630_740
    assert result.scenario == result.baseline
    # ceil((1,000,000 − 552,340) / 9,800) = ceil(45.68) = 46 months after April 2025
    assert result.baseline_month_reached == Period(2029, 2)
    assert result.baseline_gap_at_deadline == 369_260


def test_lever_adds_n_per_month_cumulatively_from_its_start() -> None:
    result = project_scenario(
        period=APRIL, active=552_340, run_rate=9_800, target_count=1_000_000, levers=[REI]
    )
    # June to December is 7 months: +20,000 × 7 = 140,000 on top of 630,740.
    assert result.scenario_at_deadline == 770_740
    assert result.extra_at_deadline == 140_000
    assert result.lever_extra_at_deadline == [140_000]
    assert result.value_at(Period(2025, 5)) == 552_340 + 9_800
    assert result.value_at(Period(2025, 6)) == 552_340 + 2 * 9_800 + 20_000
    assert result.scenario_gap_at_deadline == 229_260
    # 552,340 + 9,800k + 20,000(k − 1) ≥ 1,000,000 first at k = 16: August 2026.
    assert result.scenario_month_reached == Period(2026, 8)


def test_levers_add_up_and_a_past_start_counts_from_next_month() -> None:
    pemprov = Lever(label="Pemprov", monthly=5_000, start=Period(2025, 1), kind="pemprov")
    result = project_scenario(
        period=APRIL, active=552_340, run_rate=9_800, target_count=None, levers=[REI, pemprov]
    )
    assert result.lever_extra_at_deadline == [140_000, 8 * 5_000]
    assert result.scenario_at_deadline == 630_740 + 140_000 + 40_000
    assert result.scenario_month_reached is None
    assert result.scenario_gap_at_deadline is None


def test_month_reached_is_none_beyond_the_horizon() -> None:
    result = project_scenario(
        period=APRIL, active=100, run_rate=1, target_count=1_000_000, levers=[]
    )
    assert result.horizon_months == HORIZON_MONTHS
    assert len(result.months) == HORIZON_MONTHS + 1
    assert result.baseline_month_reached is None


def test_target_already_met_is_reached_in_the_reported_month() -> None:
    result = project_scenario(
        period=APRIL, active=1_000_000, run_rate=-50, target_count=900_000, levers=[]
    )
    assert result.baseline_month_reached == APRIL
    assert result.baseline_gap_at_deadline == 0


def test_fractional_run_rate_rounds_half_up_but_compares_exactly() -> None:
    result = project_scenario(
        period=Period(2025, 10), active=10, run_rate=Fraction(1, 2), target_count=11, levers=[]
    )
    assert result.baseline[:3] == [10, 11, 11]  # 10.5 rounds up, 11 exactly
    # 10.5 is below the target although it prints as 11: reached only at 11 (December).
    assert result.baseline_month_reached == Period(2025, 12)


def test_no_run_rate_keeps_the_baseline_flat() -> None:
    result = project_scenario(
        period=APRIL, active=500, run_rate=None, target_count=1_000, levers=[]
    )
    assert result.baseline_at_deadline == 500
    assert result.baseline_month_reached is None


def test_branch_lever_counts_only_in_scopes_containing_the_branch() -> None:
    drive = Lever(label="BPU Ende", monthly=1_000, start=Period(2025, 5), branch="ENDE")
    province = Scope(kind="province", code="53", name="NTT", region_codes=frozenset())
    kupang = Scope(kind="branch", code="KUPANG", name="Kupang", region_codes=frozenset())
    ende_region = Scope(
        kind="region", code="5311", name="Ende", region_codes=frozenset(), branch_code="ENDE"
    )
    levers = [REI, drive]
    assert levers_for_scope(levers, branch_codes=branch_codes_of(province)) == levers
    assert levers_for_scope(levers, branch_codes=branch_codes_of(kupang)) == [REI]
    assert levers_for_scope(levers, branch_codes=branch_codes_of(ende_region)) == levers
    scenario = NamedScenario(name="s", levers=(drive,), target_count=2_000)
    result = project_named(
        scenario, scope=kupang, period=APRIL, active=1_000, run_rate=Fraction(0), stored_target=5
    )
    assert result.scenario_at_deadline == 1_000
    assert result.target_count == 2_000


def test_levers_round_trip_through_json() -> None:
    assert levers_from_json([REI.as_dict()]) == [REI]


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "bogus", "monthly": 1, "start": "2025-06"},
        {"kind": "custom", "monthly": -1, "start": "2025-06"},
        {"kind": "custom", "monthly": 1, "start": "2025-13"},
    ],
)
def test_malformed_lever_json_is_rejected(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Lever.from_dict(data)
