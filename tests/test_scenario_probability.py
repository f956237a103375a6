"""Each scenario's probability of reaching its target (``coverage.scenarios.scenario_probability``).

The baseline's simulated December values (the dashboard's bootstrap, same seed) shifted
by what the levers add by December: pinned on hand-built changes, then on the planner
and compare pages.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from django.test import Client

from coverage import forecast, services
from coverage.calculations import Period
from coverage.models import Scenario
from coverage.records import TargetRecord
from coverage.scenarios import (
    Lever,
    ScenarioResult,
    budget_lever,
    project_scenario,
    scenario_probability,
)
from coverage.summaries import load_coverage_summary
from tests.factories import make_user, pu_counts

APRIL = Period(2025, 4)
STEADY = (100,) * 12  # the same change every month: every path ends at the same value
MIXED = (40, 160, 40, 160, 40, 160, 40, 160, 40, 160, 40, 160)


def result(
    *, target: int | None, levers: list[Lever], period: Period = APRIL, active: int = 2_700
) -> ScenarioResult:
    return project_scenario(
        period=period, active=active, run_rate=Fraction(100), target_count=target, levers=levers
    )


def test_without_levers_it_is_the_dashboards_probability() -> None:
    plain = result(target=3_500, levers=[])
    expected = forecast.forecast(
        period=APRIL,
        active=2_700,
        target_count=3_500,
        status="off_track",
        changes=MIXED,
        months_remaining=8,
    ).probability
    assert scenario_probability(plain, changes=MIXED) == expected
    assert expected is not None and 0 < expected < 1


def test_steady_changes_miss_without_the_lever_and_reach_with_it() -> None:
    # 2.700 + 8 × 100 = 3.500 in December on every path; the target is 3.700
    lever = budget_lever(budget_idr=200 * 16_800 * 6, months=6, start=Period(2025, 6))
    assert lever.monthly == 200
    with_lever = result(target=3_700, levers=[lever])
    assert scenario_probability(with_lever, changes=STEADY) == 1
    assert scenario_probability(with_lever, changes=STEADY, with_levers=False) == 0
    one_short = budget_lever(budget_idr=199 * 16_800 * 6, months=6, start=Period(2025, 6))
    assert scenario_probability(result(target=3_700, levers=[one_short]), changes=STEADY) == 0


def test_levers_shift_the_simulated_december_values_by_their_extra() -> None:
    lever = Lever(label="REI", monthly=50, start=Period(2025, 9))  # +200 by December
    shifted = result(target=3_700, levers=[lever])
    assert shifted.extra_at_deadline == 200
    december = forecast.simulated_paths(active=2_700, changes=MIXED, months=8)[-1]
    hits = int(np.count_nonzero(december + 200 >= 3_700))
    assert scenario_probability(shifted, changes=MIXED) == Fraction(hits, forecast.PATHS)
    assert 0 < hits < forecast.PATHS


def test_the_same_scenario_always_gives_the_same_probability() -> None:
    lever = Lever(label="REI", monthly=50, start=Period(2025, 9))
    first = scenario_probability(result(target=3_700, levers=[lever]), changes=MIXED)
    forecast.forecast(
        period=APRIL, active=9, target_count=99, status="x", changes=STEADY, months_remaining=3
    )
    assert scenario_probability(result(target=3_700, levers=[lever]), changes=MIXED) == first


@pytest.mark.parametrize(
    ("target", "changes", "complete"),
    [(3_700, MIXED[:5], True), (3_700, MIXED, False), (None, MIXED, True)],
    ids=["fewer than 6 changes", "incomplete month", "no target"],
)
def test_no_probability_without_enough_data_or_a_target(
    target: int | None, changes: tuple[int, ...], complete: bool
) -> None:
    lever = Lever(label="REI", monthly=50, start=Period(2025, 9))
    outcome = result(target=target, levers=[lever])
    assert scenario_probability(outcome, changes=changes, complete=complete) is None


def test_a_target_already_met_is_certain_and_december_short_of_it_is_zero() -> None:
    assert scenario_probability(result(target=2_000, levers=[]), changes=MIXED[:2]) == 1
    december = result(target=3_000, levers=[], period=Period(2025, 12))
    assert scenario_probability(december, changes=MIXED) == 0


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def steady_year(reference: None) -> None:
    """Province from April 2024: Belu +100 a month, TTU 500 throughout; 2.700 in April 2025,
    3.500 in December at the current pace; target 3.700."""
    records = []
    for k in range(13):
        month = Period(2024, 4).shift(k)
        records += pu_counts(month.year, month.month, {"5306": 1_000 + 100 * k, "5305": 500})
    services.participant_counts_save(records=records)
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 3_700, Decimal("60"), "Target uji")]
    )


def test_planner_shows_the_scenarios_probability_beside_the_current_pace(
    steady_year: None, client: Client
) -> None:
    assert (
        load_coverage_summary(period=APRIL, scope_code="53", basis="UCJ").metrics.monthly_changes
        == STEADY
    )
    lever = {"label": "REI", "kind": "rei", "monthly": 40, "start": "2025-08"}  # +200
    scenario = Scenario.objects.create(name="Cukup", year=2025, levers=[lever])
    client.force_login(make_user("staf", "viewer"))
    response = client.get(f"/simulasi/{scenario.pk}/")
    assert (response.context["probability"], response.context["baseline_probability"]) == (1, 0)
    html = " ".join(response.content.decode().split())
    card = html[html.index('id="peluang-skenario"') :]
    assert "Peluang mencapai 3.700 pada Desember 2025" in card
    assert '<p class="kpi-value">100%</p>' in card
    assert "laju saat ini saja: 0%" in card


def test_compare_lists_each_scenarios_probability(steady_year: None, client: Client) -> None:
    small = {"label": "REI", "kind": "rei", "monthly": 20, "start": "2025-08"}  # +100
    big = {"label": "REI", "kind": "rei", "monthly": 40, "start": "2025-08"}  # +200
    one = Scenario.objects.create(name="Kecil", year=2025, levers=[small])
    two = Scenario.objects.create(name="Besar", year=2025, levers=[big])
    client.force_login(make_user("staf", "viewer"))
    response = client.get(f"/simulasi/banding/?skenario={one.pk}&skenario={two.pk}")
    chances = [chance for _item, _result, _monthly, chance in response.context["results"]]
    assert chances == [0, 1]
    assert response.context["baseline_probability"] == 0
    html = " ".join(response.content.decode().split())
    assert "Peluang mencapai target Desember 2025" in html
    assert html.count('<td class="num">0%</td>') == 2 and '<td class="num">100%</td>' in html
