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
