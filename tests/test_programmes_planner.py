"""The planner's Pemda budget lever: "Rp X selama M bulan mulai bulan S" adds
floor(X / (iuran × M)) BPU participants once, from S on, with the cost per point shown."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from coverage.calculations import Period
from coverage.models import Scenario
from coverage.scenarios import (
    BudgetLever,
    Lever,
    budget_lever,
    budget_participants,
    cost_per_point_idr,
    levers_from_json,
    monthly_addition,
    project_scenario,
)
from tests.factories import make_user
from tests.test_planner_views import lever_post
from tests.test_views import small_ntt


def test_budget_buys_floor_of_budget_over_contribution_times_months() -> None:
    # 1.008.000.000 / (16.800 × 6) = 10.000; one rupiah less buys 9.999
    assert (
        budget_participants(budget_idr=1_008_000_000, months=6, contribution_idr=16_800) == 10_000
    )
    assert budget_participants(budget_idr=1_007_999_999, months=6, contribution_idr=16_800) == 9_999


def test_budget_lever_is_a_step_from_its_start_month() -> None:
    lever = budget_lever(budget_idr=1_008_000_000, months=6, start=Period(2025, 6))
    result = project_scenario(
        period=Period(2025, 4), active=1_000, run_rate=0, target_count=None, levers=[lever]
    )
    assert result.value_at(Period(2025, 5)) == 1_000
    assert result.value_at(Period(2025, 6)) == 11_000
    assert result.value_at(Period(2025, 12)) == 11_000  # not 10.000 more every month


def test_budget_lever_started_in_the_past_counts_from_the_next_month() -> None:
    lever = budget_lever(budget_idr=168_000, months=1, start=Period(2025, 1))
    result = project_scenario(
        period=Period(2025, 4), active=0, run_rate=0, target_count=None, levers=[lever]
    )
    assert (result.value_at(Period(2025, 4)), result.value_at(Period(2025, 5))) == (0, 10)


def test_budget_lever_round_trips_through_the_stored_json() -> None:
    lever = budget_lever(
        budget_idr=500_000, months=2, start=Period(2025, 7), contribution_idr=25_000
    )
    (back,) = levers_from_json([lever.as_dict()])
    assert isinstance(back, BudgetLever)
    assert (back.monthly, back.months, back.contribution_idr, back.segment) == (
        10,
        2,
        25_000,
        "BPU",
    )


def test_malformed_stored_budget_lever_is_refused() -> None:
    data = {**budget_lever(budget_idr=1, months=1, start=Period(2025, 7)).as_dict(), "months": "x"}
    with pytest.raises(ValueError):
        levers_from_json([data])


def test_cost_per_point_of_coverage() -> None:
    # 10.000 participants of a 1.626.300 base = 0,6149 points; 1.008.000.000 / that
    cost = cost_per_point_idr(budget_idr=1_008_000_000, participants=10_000, denominator=1_626_300)
    assert cost == 1_639_310_400
    assert cost_per_point_idr(budget_idr=1, participants=0, denominator=10) is None
    assert cost_per_point_idr(budget_idr=1, participants=1, denominator=None) is None


def budget_post(**extra: str) -> dict[str, str]:
    return {
        **lever_post([], aksi="hitung"),
        "anggaran-budget_idr": "1008000000",
        "anggaran-months": "6",
        "anggaran-start": "2025-06",
        "anggaran-contribution_idr": "",
        **extra,
    }


@pytest.fixture
def data(reference: None) -> None:
    small_ntt()


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_planner_shows_participants_and_cost_per_point(client: Client, data: None) -> None:
    client.force_login(make_user("staf", "viewer"))
    response = client.post("/simulasi/", budget_post())
    assert response.status_code == 200
    page = text(response)
    assert "10.000" in page
    assert "Rp1.639.310.400" in page
    result = response.context["result"]
    assert result.extra_at_deadline == 10_000


def test_planner_budget_too_small_is_explained(client: Client, data: None) -> None:
    client.force_login(make_user("staf", "viewer"))
    page = text(client.post("/simulasi/", budget_post(**{"anggaran-budget_idr": "1000"})))
    assert "tidak cukup untuk membiayai satu pekerja selama 6 bulan" in page


def test_saved_scenario_keeps_its_budget_lever(client: Client, data: None) -> None:
    client.force_login(make_user("manajer", "manager"))
    response = client.post("/simulasi/", budget_post(aksi="simpan", name="Anggaran"))
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.levers[0]["budget_idr"] == 1_008_000_000
    page = client.get(f"/simulasi/{scenario.pk}/")
    assert page.context["result"].extra_at_deadline == 10_000
    assert 'value="1008000000"' in page.content.decode()


def test_monthly_addition_leaves_out_a_budget_step() -> None:
    rei = Lever(label="REI", monthly=500, start=Period(2025, 6), kind="rei")
    budget = budget_lever(budget_idr=1_008_000_000, months=6, start=Period(2025, 6))
    # The budget adds 10.000 once: the scenario's "per month" is the REI lever's 500 alone.
    assert monthly_addition([rei, budget]) == 500
    assert monthly_addition([budget]) == 0
