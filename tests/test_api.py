"""``GET /api/coverage``: the shared summary as JSON, errors as ``{"error": …}``."""

from collections.abc import Mapping

import pytest
from django.test import Client

from coverage.calculations import Period, summary_as_dict
from coverage.summaries import load_coverage_summary
from tests.test_views import small_ntt


@pytest.fixture
def data(reference: None) -> None:
    small_ntt()


def test_api_returns_hand_computed_province_figures(client: Client, data: None) -> None:
    response = client.get("/api/coverage?period=2025-04")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    expected = {
        "period": "2025-04",
        "scope": "53",
        "scope_type": "province",
        "basis": "UCJ",
        "active": 132_000,
        "nonactive": 13_200,
        "denominator": 1_626_300,
        "denominator_year": 2025,
        "coverage_pct": 8.12,  # 100 × 132,000 / 1,626,300 = 8.1166
        "target_count": 1_000_000,
        "target_pct": 60.0,
        "target_source": "set",
        "implied_denominator": 1_666_666.67,
        "denominator_mismatch": False,
        "gap_count": 868_000,
        "gap_pp": 51.88,
        "months_remaining": 8,
        "required_monthly_pace": 108_500,
        "run_rate": 4_000.0,  # (132,000 − 120,000) / 3
        "projected_at_deadline": 164_000,
        # 868,000 / 4,000 = 217 months after April 2025: beyond the 120-month horizon.
        "projected_month_reached": None,
        "reached_beyond_horizon": True,
        "pace_ratio": 0.04,  # 4,000 / 108,500
        "probability_reaching_target": None,  # 4 monthly changes only (December on)
        "projection_p10": None,
        "projection_p90": None,
        "status": "off_track",
        "complete": True,
        "regions_reported": 2,
        "regions_expected": 2,
    }
    assert {key: body[key] for key in expected} == expected


def test_api_breakdown_rows(client: Client, data: None) -> None:
    body = client.get("/api/coverage?period=2025-04&scope=KUPANG").json()
    assert body["scope_type"] == "branch"
    assert body["active"] == 112_000
    assert body["denominator"] == 200_000
    assert body["coverage_pct"] == 56.0
    assert body["target_count"] == 122_979  # 1,000,000 × 200,000 / 1,626,300, rounded
    assert body["target_source"] == "allocated"
    row = next(row for row in body["by_region"] if row["code"] == "5371")
    assert row == {
        "code": "5371",
        "name": "Kota Kupang",
        "active": 112_000,
        "denominator": 200_000,
        "coverage_pct": 56.0,
        "target_count": 122_979,
        "gap_count": 10_979,
        # The regency's own metrics, from its own series (103,000 in January).
        "status": "on_track",  # 3,000 a month ≥ the 1,373 needed
        "run_rate": 3_000.0,  # (112,000 − 103,000) / 3
        "required_monthly_pace": 1_373,  # ceil(10,979 / 8)
        "projected_at_deadline": 136_000,  # 112,000 + 3,000 × 8
        "projected_month_reached": "2025-08",  # ceil(10,979 / 3,000) = 4 months on
        "reached_beyond_horizon": False,
        "probability_reaching_target": None,  # only 4 monthly changes (December on)
        "projection_p10": None,
        "projection_p90": None,
        "pace_ratio": 2.18,  # 3,000 / 1,373 = 2.18499…
        "complete": True,
        "regions_reported": 1,
        "regions_expected": 1,
    }


def test_api_is_exactly_the_shared_summary(client: Client, data: None) -> None:
    for scope in ("53", "KUPANG", "5311"):
        for basis in ("UCJ", "BPS_AK"):
            body = client.get(f"/api/coverage?period=2025-03&scope={scope}&basis={basis}").json()
            summary = load_coverage_summary(period=Period(2025, 3), scope_code=scope, basis=basis)
            assert body == summary_as_dict(summary)


def test_api_defaults_to_latest_period_province_and_ucj(client: Client, data: None) -> None:
    body = client.get("/api/coverage").json()
    assert (body["period"], body["scope"], body["basis"]) == ("2025-04", "53", "UCJ")


def test_api_bps_basis_uses_the_labour_force(client: Client, data: None) -> None:
    body = client.get("/api/coverage?period=2025-04&basis=bps_ak").json()
    assert body["basis"] == "BPS_AK"
    assert body["denominator"] == 3_120_000
    assert body["denominator_year"] == 2024
    assert body["coverage_pct"] == 4.23


def test_api_bad_period_is_400_json(client: Client, data: None) -> None:
    response = client.get("/api/coverage?period=April")
    assert response.status_code == 400
    assert response.json() == {
        "error": "Periode “April” tidak valid: gunakan format TTTT-BB, misalnya 2025-04."
    }


def test_api_bad_basis_is_400_json(client: Client, data: None) -> None:
    response = client.get("/api/coverage?period=2025-04&basis=BPS")
    assert response.status_code == 400
    assert "tidak dikenal" in response.json()["error"]


def test_api_unknown_scope_is_404_json(client: Client, data: None) -> None:
    response = client.get("/api/coverage?period=2025-04&scope=9999")
    assert response.status_code == 404
    assert "“9999” tidak ditemukan" in response.json()["error"]


def test_api_period_without_data_is_404_json(client: Client, data: None) -> None:
    response = client.get("/api/coverage?period=2020-01")
    assert response.status_code == 404
    assert response.json() == {"error": "Belum ada data kepesertaan untuk periode 2020-01."}


def test_api_without_any_data_is_404_json(client: Client, reference: None) -> None:
    response = client.get("/api/coverage")
    assert response.status_code == 404
    assert "error" in response.json()


def test_api_is_read_only(client: Client, data: None) -> None:
    assert client.post("/api/coverage?period=2025-04").status_code == 405
    assert client.put("/api/coverage?period=2025-04").status_code == 405
    assert client.delete("/api/coverage?period=2025-04").status_code == 405
    assert client.head("/api/coverage?period=2025-04").status_code == 200


# --- a month that fills regency by regency (DOMAIN.md "Reporting completeness") -------

MAY = Period(2025, 5)


def regency_codes() -> list[str]:
    from coverage.models import Region

    return sorted(Region.objects.values_list("bps_code", flat=True))


def reported_through_april() -> None:
    """Every one of the 22 regencies from October 2024 (month i = 0) to April 2025
    (i = 6) with 1,000 + 10·i active: the province grows by 220 a month, 23,320 in
    April; UCJ base 100,000 and a province target of 30,000."""
    from coverage import services
    from coverage.records import TargetRecord, WorkforceRecord
    from tests.factories import pu_counts

    start = Period(2024, 10)
    codes = regency_codes()
    records = []
    for i in range(7):
        month = start.shift(i)
        records += pu_counts(month.year, month.month, {code: 1_000 + 10 * i for code in codes})
    services.participant_counts_save(records=records)
    services.workforce_figures_save(
        records=[WorkforceRecord(2025, None, None, "UCJ", 100_000, "UCJ uji 2025")]
    )
    services.targets_save(records=[TargetRecord(2025, "province", "53", "UCJ", 30_000, None)])


def report_may(count: int) -> None:
    """The first ``count`` regencies (by code) report May: 1,070 each."""
    from coverage import services
    from tests.factories import pu_counts

    codes = regency_codes()[:count]
    services.participant_counts_save(records=pu_counts(2025, 5, {code: 1_070 for code in codes}))


# April, complete: rate (23,320 − 22,660) / 3 = 220; gap 6,680 over 8 months → 835;
# December 23,320 + 8 × 220 = 25,080; ceil(6,680 / 220) = 31 months → November 2027.
# Six monthly changes of exactly 220: every simulated December is 25,080 < 30,000.
APRIL_COMPLETE = {
    "period": "2025-04",
    "complete": True,
    "regions_reported": 22,
    "regions_expected": 22,
    "active": 23_320,
    "status": "off_track",
    "run_rate": 220.0,
    "required_monthly_pace": 835,
    "projected_at_deadline": 25_080,
    "projected_month_reached": "2027-11",
    "reached_beyond_horizon": False,
    "probability_reaching_target": 0.0,
    "projection_p10": 25_080,
    "projection_p90": 25_080,
    "pace_ratio": 0.26,  # 220 / 835
}

NOTHING_PROJECTED = {
    "run_rate": None,
    "projected_at_deadline": None,
    "projected_month_reached": None,
    "reached_beyond_horizon": False,
    "probability_reaching_target": None,
    "projection_p10": None,
    "projection_p90": None,
    "pace_ratio": None,
}


def _subset(body: dict[str, object], expected: Mapping[str, object]) -> dict[str, object]:
    return {key: body[key] for key in expected}


@pytest.mark.parametrize(
    ("reported", "required_pace"),
    # gap 30,000 − 1,070·n over the 7 months after May
    [(1, 4_133), (11, 2_605), (21, 1_076)],
)
def test_half_reported_month_is_not_the_default_and_projects_nothing(
    client: Client, reference: None, reported: int, required_pace: int
) -> None:
    reported_through_april()
    report_may(reported)
    assert _subset(client.get("/api/coverage").json(), APRIL_COMPLETE) == APRIL_COMPLETE
    may = client.get("/api/coverage?period=2025-05").json()
    expected = {
        "period": "2025-05",
        "complete": False,
        "regions_reported": reported,
        "regions_expected": 22,
        "active": 1_070 * reported,
        "status": "incomplete",
        "required_monthly_pace": required_pace,
        **NOTHING_PROJECTED,
    }
    assert _subset(may, expected) == expected


def test_month_becomes_the_default_once_the_last_regency_reports(
    client: Client, reference: None
) -> None:
    reported_through_april()
    report_may(22)
    body = client.get("/api/coverage").json()
    # 23,540: rate (23,540 − 22,880) / 3 = 220; gap 6,460 over 7 months → 923; December
    # 23,540 + 7 × 220 = 25,080; ceil(6,460 / 220) = 30 months → November 2027.
    expected = {
        "period": "2025-05",
        "complete": True,
        "regions_reported": 22,
        "regions_expected": 22,
        "active": 23_540,
        "status": "off_track",
        "run_rate": 220.0,
        "required_monthly_pace": 923,
        "projected_at_deadline": 25_080,
        "projected_month_reached": "2027-11",
        "probability_reaching_target": 0.0,
        "projection_p10": 25_080,
        "projection_p90": 25_080,
        "pace_ratio": 0.24,  # 220 / 923 = 0.238
    }
    assert _subset(body, expected) == expected


def test_half_reported_month_marks_each_area_row(client: Client, reference: None) -> None:
    reported_through_april()
    report_may(1)  # 5301 Sumba Barat only (branch Waingapu)
    body = client.get("/api/coverage?period=2025-05").json()
    regions = {row["code"]: row for row in body["by_region"]}
    assert (regions["5301"]["complete"], regions["5301"]["regions_reported"]) == (True, 1)
    assert regions["5301"]["run_rate"] == 10.0  # (1,070 − 1,040) / 3
    assert regions["5302"]["status"] == "incomplete"
    assert (regions["5302"]["regions_reported"], regions["5302"]["regions_expected"]) == (0, 1)
    assert regions["5302"]["run_rate"] is None
    branches = {row["code"]: row for row in body["by_branch"]}
    assert branches["WAINGAPU"]["status"] == "incomplete"
    assert (branches["WAINGAPU"]["regions_reported"], branches["WAINGAPU"]["regions_expected"]) == (
        1,
        4,
    )
    assert branches["KUPANG"]["regions_reported"] == 0


def test_default_period_is_the_latest_complete_month_of_the_scope_asked(
    client: Client, reference: None
) -> None:
    reported_through_april()
    report_may(1)  # Waingapu's 5301 only: 5301 itself is complete in May
    assert client.get("/api/coverage?scope=5301").json()["period"] == "2025-05"
    assert client.get("/api/coverage?scope=WAINGAPU").json()["period"] == "2025-04"
    assert client.get("/api/coverage?scope=53").json()["period"] == "2025-04"


def test_default_period_of_an_unknown_scope_is_404(client: Client, reference: None) -> None:
    reported_through_april()
    response = client.get("/api/coverage?scope=9999")
    assert response.status_code == 404
    assert "“9999” tidak ditemukan" in response.json()["error"]
