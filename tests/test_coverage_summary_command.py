"""``manage.py coverage_summary`` on a small, hand-computed data set."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coverage import services
from coverage.records import TargetRecord, WorkforceRecord
from tests.factories import pu_counts


@pytest.fixture
def small_data(reference: None) -> None:
    services.participant_counts_save(
        records=pu_counts(2025, 1, {"5306": 1_000, "5305": 500})
        + pu_counts(2025, 4, {"5306": 1_300, "5305": 560})
    )
    services.workforce_figures_save(
        records=[
            WorkforceRecord(2025, None, None, "UCJ", 10_000, "UCJ 2025"),
            WorkforceRecord(2025, "5306", None, "UCJ", 2_000, "UCJ 2025"),
            WorkforceRecord(2025, "5305", None, "UCJ", 3_000, "UCJ 2025"),
            WorkforceRecord(2024, None, None, "BPS_AK", 20_000, "BPS 2024"),
        ]
    )
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 6_000, Decimal("60"), "target")]
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command("coverage_summary", *args, stdout=out)
    return out.getvalue()


def test_json_for_province(small_data: None) -> None:
    data = json.loads(run("--period", "2025-04", "--format", "json"))
    assert data["active"] == 1_860
    assert data["nonactive"] == 2
    assert (data["denominator"], data["denominator_year"]) == (10_000, 2025)
    assert data["coverage_pct"] == 18.6
    assert (data["target_count"], data["target_pct"], data["target_source"]) == (6_000, 60.0, "set")
    assert data["implied_denominator"] == 10_000.0
    assert data["denominator_mismatch"] is False
    assert data["gap_count"] == 4_140
    assert data["required_monthly_pace"] == 518  # ceil(4140 / 8)
    assert data["run_rate"] == 120.0  # (1860 − 1500) / 3
    assert data["projected_at_deadline"] == 2_820
    assert data["status"] == "off_track"


def test_json_for_region_allocates_province_target(small_data: None) -> None:
    data = json.loads(run("--period", "2025-04", "--scope", "5306", "--format", "json"))
    assert (data["target_count"], data["target_source"]) == (1_200, "allocated")  # 6000 × 2/10
    assert data["status"] == "achieved"
    assert data["gap_count"] == 0


def test_bps_basis_uses_earlier_year_and_target_count_only(small_data: None) -> None:
    data = json.loads(run("--period", "2025-04", "--basis", "BPS_AK", "--format", "json"))
    assert (data["denominator"], data["denominator_year"]) == (20_000, 2024)
    assert data["target_count"] == 6_000
    assert data["target_pct"] == 30.0


def test_table_uses_indonesian_number_format(small_data: None) -> None:
    text = run("--period", "2025-04")
    assert "1.860" in text
    assert "18,60" in text


def test_unknown_scope_is_a_clear_error(small_data: None) -> None:
    with pytest.raises(CommandError, match="Cakupan “9999” tidak ditemukan"):
        run("--period", "2025-04", "--scope", "9999")


def test_period_without_data_is_a_clear_error(small_data: None) -> None:
    with pytest.raises(CommandError, match="Belum ada data kepesertaan untuk periode 2025-05"):
        run("--period", "2025-05")


def test_malformed_period_is_a_clear_error(small_data: None) -> None:
    with pytest.raises(CommandError, match="tidak valid"):
        run("--period", "04-2025")


# --- a month that fills regency by regency; the horizon -----------------------------


@pytest.mark.parametrize("reported", [1, 11, 21])
def test_without_period_a_half_reported_month_is_skipped(reference: None, reported: int) -> None:
    from tests.test_api import APRIL_COMPLETE, report_may, reported_through_april

    reported_through_april()
    report_may(reported)
    data = json.loads(run("--format", "json"))
    assert {key: data[key] for key in APRIL_COMPLETE} == APRIL_COMPLETE


@pytest.mark.parametrize("reported", [1, 11, 21])
def test_half_reported_month_asked_for_is_incomplete_with_nothing_projected(
    reference: None, reported: int
) -> None:
    from tests.test_api import NOTHING_PROJECTED, report_may, reported_through_april

    reported_through_april()
    report_may(reported)
    data = json.loads(run("--period", "2025-05", "--format", "json"))
    assert (data["complete"], data["status"]) == (False, "incomplete")
    assert (data["regions_reported"], data["regions_expected"]) == (reported, 22)
    assert data["active"] == 1_070 * reported
    assert {key: data[key] for key in NOTHING_PROJECTED} == NOTHING_PROJECTED


def test_without_period_the_month_counts_once_every_regency_reported(reference: None) -> None:
    from tests.test_api import report_may, reported_through_april

    reported_through_april()
    report_may(22)
    data = json.loads(run("--format", "json"))
    assert (data["period"], data["complete"], data["status"]) == ("2025-05", True, "off_track")
    assert (data["run_rate"], data["projected_at_deadline"]) == (220.0, 25_080)
    assert (data["probability_reaching_target"], data["pace_ratio"]) == (0.0, 0.24)


def test_table_says_how_many_regencies_reported(reference: None) -> None:
    from tests.test_api import report_may, reported_through_april

    reported_through_april()
    report_may(11)
    text = run("--period", "2025-05")
    assert "Kabupaten/kota yang melapor" in text
    assert "11 dari 22" in text
    assert "incomplete" in text
    assert "2025-05" in text


def test_table_shows_forecast_figures_in_indonesian_format(reference: None) -> None:
    from tests.test_api import reported_through_april

    reported_through_april()
    text = run()
    assert "Peluang mencapai target pada Desember  0,0%" in text
    assert "Rentang proyeksi Desember (P10–P90)" in text
    assert "25.080 – 25.080" in text
    assert "0,26" in text  # pace ratio 220 / 835


def test_json_and_table_give_the_horizon_instead_of_a_far_year(small_data: None) -> None:
    # Province: gap 4,140 at 120 a month is 35 months: within the horizon.
    assert json.loads(run("--period", "2025-04", "--format", "json"))["reached_beyond_horizon"] is (
        False
    )
    # Belu (5306) met its target; Timor Tengah Utara (5305): 560 of its allocated 1,800
    # (6,000 × 3/10) at (560 − 500) / 3 = 20 a month: 62 months, still within 120.
    row = json.loads(run("--period", "2025-04", "--scope", "5305", "--format", "json"))
    assert (row["projected_month_reached"], row["reached_beyond_horizon"]) == ("2030-06", False)


def test_table_says_more_than_ten_years_when_beyond_the_horizon(small_data: None) -> None:
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 60_000, None, "target")]
    )
    data = json.loads(run("--period", "2025-04", "--format", "json"))
    # 58,140 short at 120 a month: 485 months.
    assert (data["projected_month_reached"], data["reached_beyond_horizon"]) == (None, True)
    text = run("--period", "2025-04")
    assert "lebih dari 10 tahun lagi dengan laju saat ini" in text
    assert "2065" not in text
