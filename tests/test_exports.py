"""Table downloads: CSV for Indonesian Excel, XLSX with numeric cells, JSON summary."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.test import Client
from openpyxl import load_workbook

from coverage import services
from coverage.exports import Column, Table, table_csv_bytes, table_xlsx_bytes
from coverage.records import TargetRecord, WorkforceRecord
from tests.factories import pu_counts

TABLE = Table(
    title="Per kabupaten/kota",
    columns=[
        Column("Kabupaten/kota"),
        Column("Peserta aktif", "int"),
        Column("Cakupan (%)", "pct"),
    ],
    rows=[["Belu", 1_234_567, Fraction(3402, 100)], ["Malaka", 500, None]],
)


def test_csv_uses_semicolons_decimal_comma_and_no_thousands_marks() -> None:
    text = table_csv_bytes(TABLE).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines == [
        "Kabupaten/kota;Peserta aktif;Cakupan (%)",
        "Belu;1234567;34,02",
        "Malaka;500;",
    ]


def test_csv_percentages_round_half_up() -> None:
    table = Table(title="t", columns=[Column("p", "pct")], rows=[[Fraction(1, 8)]])
    assert table_csv_bytes(table).decode("utf-8").splitlines()[1] == "0,13"


def test_xlsx_cells_are_numbers_with_number_formats() -> None:
    sheet = load_workbook(io.BytesIO(table_xlsx_bytes(TABLE, notes=["Basis UCJ"]))).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == ["Kabupaten/kota", "Peserta aktif", "Cakupan (%)"]
    assert sheet["B2"].value == 1_234_567 and sheet["B2"].data_type == "n"
    assert sheet["B2"].number_format == "#,##0"
    assert sheet["C2"].value == pytest.approx(34.02) and sheet["C2"].data_type == "n"
    assert sheet["C2"].number_format == "0.00"
    assert sheet["C3"].value is None
    assert sheet["A5"].value == "Basis UCJ"
    assert sheet.title == "Per kabupaten kota"


HEADLINE_KEYS = (
    "active",
    "nonactive",
    "denominator",
    "coverage_pct",
    "target_count",
    "target_pct",
    "gap_count",
    "gap_pp",
    "months_remaining",
    "required_monthly_pace",
    "run_rate",
    "projected_at_deadline",
    "projected_month_reached",
    "status",
)


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
        ]
    )
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 6_000, Decimal("60"), "Target uji")]
    )


def test_region_table_downloads_as_xlsx_with_numeric_cells(
    small_data: None, client: Client
) -> None:
    response = client.get("/ekspor/by_region/53/2025-04.xlsx?basis=UCJ")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="cakupan-per-kabupaten-kota-53-2025-04-ucj.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2, max_row=23)}
    belu = rows["5306"]
    assert [cell.value for cell in belu[:5]] == ["5306", "Belu", 1_300, 2_000, 65.0]
    assert belu[2].data_type == "n" and belu[2].number_format == "#,##0"
    assert belu[4].number_format == "0.00"


def test_gap_table_downloads_as_csv_with_gap_share_and_pace(
    small_data: None, client: Client
) -> None:
    response = client.get("/ekspor/gap/53/2025-04.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:3] == ["Tingkat", "Kode", "Nama"]
    by_code = {line.split(";")[1]: line for line in lines[1:]}
    # Province target 6.000 on 10.000 workers, allocated by denominator share: Atambua
    # (Belu 2.000 + TTU 3.000) 3.000, TTU 1.800, Belu 1.200. Gaps over 8 months to December.
    assert by_code["ATAMBUA"] == "Kantor cabang;ATAMBUA;Atambua;1860;3000;1140;100,00;143"
    assert by_code["5305"] == "Kabupaten/kota;5305;Timor Tengah Utara;560;1800;1240;100,00;155"
    assert by_code["5306"] == "Kabupaten/kota;5306;Belu;1300;1200;0;0,00;0"
    assert by_code["KUPANG"] == "Kantor cabang;KUPANG;Kupang;0;;;;"


@pytest.mark.parametrize("table", ["by_branch", "by_sector", "by_segment"])
def test_every_dashboard_table_downloads(small_data: None, client: Client, table: str) -> None:
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/ekspor/{table}/53/2025-04.{fmt}?basis=BPS_AK")
        assert response.status_code == 200, (table, fmt)


BASIC_ROW_KEYS = (
    "code",
    "name",
    "active",
    "denominator",
    "coverage_pct",
    "target_count",
    "gap_count",
)


def test_summary_json_downloads_with_hand_computed_figures(
    small_data: None, client: Client
) -> None:
    response = client.get("/ekspor/ringkasan/53/2025-04.json?basis=UCJ")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    # April: Belu 1.300 + TTU 560 = 1.860 active (1 non-active each) of 10.000 UCJ workers;
    # January 1.500, so the run rate is (1.860 - 1.500) / 3 = 120 a month; target 6.000.
    assert {key: data[key] for key in HEADLINE_KEYS} == {
        "active": 1_860,
        "nonactive": 2,
        "denominator": 10_000,
        "coverage_pct": 18.6,
        "target_count": 6_000,
        "target_pct": 60.0,
        "gap_count": 4_140,
        "gap_pp": 41.4,
        "months_remaining": 8,
        "required_monthly_pace": 518,  # ceil(4.140 / 8)
        "run_rate": 120.0,
        "projected_at_deadline": 2_820,  # 1.860 + 8 x 120
        "projected_month_reached": "2028-03",  # ceil(4.140 / 120) = 35 months after April
        "status": "off_track",  # 120 < 0,75 x 518
    }
    regions = {row["code"]: row for row in data["by_region"]}
    # The area's own metrics (status, rates, forecast) are checked by hand in
    # tests/test_calculations.py; here the export must carry them beside the basics.
    assert {"status", "run_rate", "required_monthly_pace", "pace_ratio", "complete"} <= set(
        regions["5305"]
    )
    assert {key: regions["5305"][key] for key in BASIC_ROW_KEYS} == {
        "code": "5305",
        "name": "Timor Tengah Utara",
        "active": 560,
        "denominator": 3_000,
        "coverage_pct": 18.67,
        "target_count": 1_800,
        "gap_count": 1_240,
    }
    branches = {row["code"]: row for row in data["by_branch"]}
    assert branches["ATAMBUA"]["target_count"] == 3_000
    assert branches["ATAMBUA"]["gap_count"] == 1_140


def test_bad_period_shows_indonesian_error_page(small_data: None, client: Client) -> None:
    response = client.get("/ekspor/by_region/53/2025-13.csv")
    assert response.status_code == 400
    assert "tidak valid" in response.content.decode()
    assert client.get("/ekspor/by_region/99/2025-04.csv").status_code == 404
