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


def test_gap_table_downloads_as_csv(small_data: None, client: Client) -> None:
    response = client.get("/ekspor/gap/53/2025-04.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:3] == ["Tingkat", "Kode", "Nama"]
    assert any(line.startswith("Kabupaten/kota;5305;") for line in lines)


@pytest.mark.parametrize("table", ["by_branch", "by_sector", "by_segment"])
def test_every_dashboard_table_downloads(small_data: None, client: Client, table: str) -> None:
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/ekspor/{table}/53/2025-04.{fmt}?basis=BPS_AK")
        assert response.status_code == 200, (table, fmt)


def test_summary_json_downloads_as_attachment(small_data: None, client: Client) -> None:
    response = client.get("/ekspor/ringkasan/53/2025-04.json?basis=UCJ")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["active"] == 1_860 and data["target_count"] == 6_000
    assert data == client.get("/api/coverage?period=2025-04&scope=53&basis=UCJ").json()


def test_bad_period_shows_indonesian_error_page(small_data: None, client: Client) -> None:
    response = client.get("/ekspor/by_region/53/2025-13.csv")
    assert response.status_code == 400
    assert "tidak valid" in response.content.decode()
    assert client.get("/ekspor/by_region/99/2025-04.csv").status_code == 404
