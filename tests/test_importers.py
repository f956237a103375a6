"""Specs for ``coverage.importers``: bytes in, clean records or every row-level error out."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from coverage.importers import ImportResult, ReferenceCodes, RowError, parse_file, readers
from coverage.importers import rows as row_rules
from coverage.models import ParticipantCount, Target, WorkforceFigure
from coverage.records import ParticipantRecord, TargetRecord, WorkforceRecord
from coverage.services import WriteResult, apply_import

TODAY = date(2025, 5, 15)
PARTICIPANTS_HEADER = "period,region_code,sector_code,segment,active,nonactive"
WORKFORCE_HEADER = "year,region_code,sector_code,basis,workers,source"
TARGETS_HEADER = "year,scope,basis,target_count,target_pct"


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(*rows: tuple[object, ...]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(kind: str, data: bytes, name: str = "data.csv") -> ImportResult:
    return parse_file(kind, name=name, data=data, today=TODAY)


def messages(result: ImportResult) -> list[str]:
    return [str(error) for error in result.errors]


def participants(result: ImportResult) -> list[ParticipantRecord]:
    records = [record for record in result.records if isinstance(record, ParticipantRecord)]
    assert len(records) == len(result.records)
    return records


def first_target(result: ImportResult) -> TargetRecord:
    record = result.records[0]
    assert isinstance(record, TargetRecord)
    return record


# Reading the file


def test_comma_separated_participants_become_records(reference: None) -> None:
    result = parse("participants", csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,G,PU,1200,30"))

    assert result.errors == []
    assert result.records == [ParticipantRecord(2025, 4, "5371", "G", "PU", 1200, 30)]


def test_semicolon_separated_file_with_bom_is_read(reference: None) -> None:
    data = csv_bytes(
        "period;region_code;sector_code;segment;active;nonactive",
        "2025-04;5371;G;PU;1200;30",
        bom=True,
    )

    result = parse("participants", data)

    assert result.records == [ParticipantRecord(2025, 4, "5371", "G", "PU", 1200, 30)]


def test_percentage_accepts_decimal_comma(reference: None) -> None:
    data = csv_bytes("year;scope;basis;target_count;target_pct", "2025;53;UCJ;;60,5")

    result = parse("targets", data)

    assert result.records == [TargetRecord(2025, "province", "53", "UCJ", None, Decimal("60.5"))]


def test_percentage_accepts_decimal_point_and_percent_sign(reference: None) -> None:
    data = csv_bytes(TARGETS_HEADER, '2025,KUPANG,UCJ,,"64.82 %"')

    assert first_target(parse("targets", data)).target_pct == Decimal("64.82")


def test_header_names_ignore_case_and_spaces(reference: None) -> None:
    data = csv_bytes(" Period , REGION_CODE,sector_code,Segment,active", "2025-04,5371,G,PU,5")

    assert parse("participants", data).records == [
        ParticipantRecord(2025, 4, "5371", "G", "PU", 5, 0)
    ]


def test_codes_are_read_case_insensitively(reference: None) -> None:
    data = csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,g,bpu,5,0")

    assert participants(parse("participants", data))[0].segment_code == "BPU"


def test_nonactive_column_is_optional_and_defaults_to_zero(reference: None) -> None:
    data = csv_bytes("period,region_code,sector_code,segment,active", "2025-04,5371,G,PU,7")

    result = parse("participants", data)

    assert participants(result)[0].nonactive == 0
    assert result.warnings == ["Kolom nonactive tidak ada; peserta nonaktif dianggap 0."]


def test_empty_nonactive_cell_defaults_to_zero(reference: None) -> None:
    data = csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,G,PU,7,")

    assert participants(parse("participants", data))[0].nonactive == 0


def test_blank_rows_are_skipped_with_a_warning(reference: None) -> None:
    data = csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,G,PU,7,1", ",,,,,", "")

    result = parse("participants", data)

    assert len(result.records) == 1
    assert result.warnings == ["2 baris kosong dilewati: 3, 4."]


def test_blank_row_warning_has_english_singular_and_plural(
    reference: None, english_catalogue: None
) -> None:
    one = csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,G,PU,7,1", ",,,,,")
    two = csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,G,PU,7,1", ",,,,,", "")

    with translation.override("en"):
        assert parse("participants", one).warnings == ["1 empty row skipped: 3."]
        assert parse("participants", two).warnings == ["2 empty rows skipped: 3, 4."]
    assert parse("participants", one).warnings == ["1 baris kosong dilewati: 3."]


def test_quoted_cell_spanning_lines_counts_as_one_row(reference: None) -> None:
    data = csv_bytes(WORKFORCE_HEADER, '2024,53,,BPS_AK,3120000,"BPS\nSakernas"', "2024,53,A,X,1,s")

    assert messages(parse("workforce", data)) == [
        "baris 3, kolom basis: basis 'X' tidak dikenal; pilihan: BPS_AK, UCJ"
    ]


def test_workforce_province_and_all_sectors_are_none(reference: None) -> None:
    data = csv_bytes(
        WORKFORCE_HEADER,
        "2024,53,,BPS_AK,3120000,BPS Sakernas Agustus 2024",
        "2024,5310,A,UCJ,90000,Sebaran",
    )

    assert parse("workforce", data).records == [
        WorkforceRecord(2024, None, None, "BPS_AK", 3_120_000, "BPS Sakernas Agustus 2024"),
        WorkforceRecord(2024, "5310", "A", "UCJ", 90_000, "Sebaran"),
    ]


def test_target_scope_may_be_province_branch_or_region(reference: None) -> None:
    data = csv_bytes(
        TARGETS_HEADER + ",note",
        "2025,53,UCJ,1000000,60,Target provinsi",
        "2025,LABUAN_BAJO,UCJ,130000,,",
        "2025,5306,UCJ,,95,",
    )

    assert parse("targets", data).records == [
        TargetRecord(2025, "province", "53", "UCJ", 1_000_000, Decimal("60"), "Target provinsi"),
        TargetRecord(2025, "branch", "LABUAN_BAJO", "UCJ", 130_000, None, ""),
        TargetRecord(2025, "region", "5306", "UCJ", None, Decimal("95"), ""),
    ]


def test_xlsx_first_sheet_is_read_with_numbers_and_dates(reference: None) -> None:
    data = xlsx_bytes(
        ("period", "region_code", "sector_code", "segment", "active", "nonactive"),
        (datetime(2025, 4, 1), 5371, "G", "PU", 1200, 30.0),
        ("2025-03", "5371", "G", "PU", "1100", None),
    )

    result = parse("participants", data, name="Data.XLSX")

    assert result.records == [
        ParticipantRecord(2025, 4, "5371", "G", "PU", 1200, 30),
        ParticipantRecord(2025, 3, "5371", "G", "PU", 1100, 0),
    ]


def test_xlsx_percentage_formatted_cell_is_read_as_percent(reference: None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["year", "scope", "basis", "target_count", "target_pct"])
    sheet.append([2025, "53", "UCJ", None, 0.605])
    sheet["E2"].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = parse("targets", buffer.getvalue(), name="targets.xlsx")

    assert first_target(result).target_pct == Decimal("60.5")


def test_xlsx_formula_is_rejected_not_evaluated(reference: None) -> None:
    data = xlsx_bytes(
        ("period", "region_code", "sector_code", "segment", "active"),
        ("2025-04", "5371", "G", "PU", "=SUM(1,2)"),
    )

    assert messages(parse("participants", data, name="data.xlsx")) == [
        "baris 2, kolom active: berisi rumus atau teks yang dapat dijalankan spreadsheet "
        "('=SUM(1,2)'); isi dengan nilai biasa"
    ]


# What is wrong with the file as a whole


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param("data.txt", b"a,b\n", "Jenis file .txt tidak didukung", id="extension"),
        pytest.param("data.csv", b"", "File kosong.", id="empty"),
        pytest.param("data.csv", b"\xef\xbb\xbf\r\n\r\n", "File kosong.", id="bom-only"),
        pytest.param("data.csv", b"PK\x03\x04rest", "File berakhiran .csv tetapi", id="zip-csv"),
        pytest.param("data.xlsx", b"period,active\n", "File berakhiran .xlsx tetapi", id="text"),
        pytest.param(
            "data.xlsx", b"PK\x03\x04broken", "File berakhiran .xlsx tetapi", id="bad-zip"
        ),
        pytest.param(
            "data.csv",
            f"{PARTICIPANTS_HEADER}\n".encode(),
            "File hanya berisi baris judul kolom, tanpa baris data.",
            id="header-only",
        ),
    ],
)
def test_file_level_problem_is_one_error(
    reference: None, name: str, data: bytes, expected: str
) -> None:
    result = parse("participants", data, name=name)

    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(expected)
    assert result.records == []


def test_not_utf8_names_the_row_of_the_first_bad_byte(reference: None) -> None:
    data = csv_bytes(WORKFORCE_HEADER, "2024,53,,UCJ,1,ok") + "2024,5301,,UCJ,1,Café\n".encode(
        "cp1252"
    )

    assert messages(parse("workforce", data)) == [
        "baris 3: file bukan teks UTF-8; di Excel simpan ulang dengan 'Save As' → "
        "'CSV UTF-8 (Comma delimited)'."
    ]


def test_file_over_the_size_limit_is_refused(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1024 * 1024)
    data = csv_bytes(PARTICIPANTS_HEADER) + b"2025-04,5371,G,PU,1,0\r\n" * 50_000

    assert messages(parse("participants", data)) == ["File berukuran 1,1 MB, melebihi batas 1 MB."]


def test_more_rows_than_the_limit_is_refused(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(row_rules, "MAX_DATA_ROWS", 2)
    rows = [f"2025-0{month},5371,G,PU,1,0" for month in (1, 2, 3)]

    assert messages(parse("participants", csv_bytes(PARTICIPANTS_HEADER, *rows))) == [
        "File berisi lebih dari 2 baris data; pecah menjadi beberapa file."
    ]


def test_file_without_header_says_which_columns_it_needs(reference: None) -> None:
    data = csv_bytes("2025-04,5371,G,PU,1,0")

    assert messages(parse("participants", data)) == [
        "baris 1: baris pertama harus berisi judul kolom: "
        "period, region_code, sector_code, segment, active, nonactive"
    ]


def test_every_missing_and_unknown_column_is_listed(reference: None) -> None:
    data = csv_bytes("period,region,sector_code,segment", "2025-04,5371,G,PU")

    assert messages(parse("participants", data)) == [
        "baris 1, kolom region: kolom tidak dikenal; kolom yang diterima: "
        "period, region_code, sector_code, segment, active, nonactive",
        "baris 1, kolom region_code: kolom wajib tidak ada",
        "baris 1, kolom active: kolom wajib tidak ada",
    ]


def test_duplicated_column_name_is_an_error(reference: None) -> None:
    data = csv_bytes(TARGETS_HEADER + ",basis", "2025,53,UCJ,1,,UCJ")

    assert messages(parse("targets", data)) == [
        "baris 1, kolom basis: judul kolom muncul lebih dari sekali"
    ]


def test_cells_beyond_the_header_are_an_error(reference: None) -> None:
    data = csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,G,PU,1,0,extra")

    assert messages(parse("participants", data)) == [
        "baris 2, kolom G: sel berisi data di luar kolom yang berjudul"
    ]


# What is wrong with a cell


def participant_errors(row: str) -> list[str]:
    return messages(parse("participants", csv_bytes(PARTICIPANTS_HEADER, row)))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            "2025-4,5371,G,PU,1,0",
            "baris 2, kolom period: periode harus berformat YYYY-MM, misalnya 2025-04 "
            "(tertulis '2025-4')",
            id="period-format",
        ),
        pytest.param(
            "April 2025,5371,G,PU,1,0",
            "baris 2, kolom period: periode harus berformat YYYY-MM, misalnya 2025-04 "
            "(tertulis 'April 2025')",
            id="period-words",
        ),
        pytest.param(
            "2025-13,5371,G,PU,1,0",
            "baris 2, kolom period: bulan harus 01 sampai 12 (tertulis '2025-13')",
            id="month-13",
        ),
        pytest.param(
            "2025-00,5371,G,PU,1,0",
            "baris 2, kolom period: bulan harus 01 sampai 12 (tertulis '2025-00')",
            id="month-00",
        ),
        pytest.param(
            "1999-12,5371,G,PU,1,0",
            "baris 2, kolom period: tahun harus antara 2000 dan 2100 (tertulis '1999-12')",
            id="year-range",
        ),
        pytest.param(
            "2025-06,5371,G,PU,1,0",
            "baris 2, kolom period: periode '2025-06' belum tiba; bulan terakhir yang boleh "
            "diisi adalah 2025-05",
            id="future-month",
        ),
        pytest.param(
            "2025-04,5399,G,PU,1,0",
            "baris 2, kolom region_code: kode kabupaten/kota '5399' tidak dikenal; gunakan kode "
            "BPS, misalnya 5371",
            id="region",
        ),
        pytest.param(
            "2025-04,5371,Z,PU,1,0",
            "baris 2, kolom sector_code: kode sektor 'Z' tidak dikenal; gunakan huruf KBLI 2020 "
            "A sampai U",
            id="sector",
        ),
        pytest.param(
            "2025-04,5371,G,FORMAL,1,0",
            "baris 2, kolom segment: kode segmen 'FORMAL' tidak dikenal; pilihan: "
            "BPU, JAKON, PMI, PU",
            id="segment",
        ),
        pytest.param(
            "2025-04,5371,G,PU,,0", "baris 2, kolom active: wajib diisi", id="active-empty"
        ),
        pytest.param(
            "2025-04,5371,G,PU,-5,0",
            "baris 2, kolom active: tidak boleh negatif (tertulis '-5')",
            id="negative",
        ),
        pytest.param(
            "2025-04,5371,G,PU,12.5,0",
            "baris 2, kolom active: harus bilangan bulat, bukan pecahan (tertulis '12.5')",
            id="fraction",
        ),
        pytest.param(
            "2025-04,5371,G,PU,1.234,0",
            "baris 2, kolom active: pemisah ribuan tidak diterima karena ambigu (tertulis "
            "'1.234'); tulis angka tanpa titik atau koma, misalnya 1234",
            id="thousands-dot",
        ),
        pytest.param(
            '2025-04,5371,G,PU,"1,234,567",0',
            "baris 2, kolom active: pemisah ribuan tidak diterima karena ambigu (tertulis "
            "'1,234,567'); tulis angka tanpa titik atau koma, misalnya 1234",
            id="thousands-comma",
        ),
        pytest.param(
            "2025-04,5371,G,PU,banyak,0",
            "baris 2, kolom active: harus berupa bilangan bulat yang ditulis dengan angka saja "
            "(tertulis 'banyak')",
            id="not-a-number",
        ),
        pytest.param(
            "2025-04,5371,G,PU,10000001,0",
            "baris 2, kolom active: terlalu besar (tertulis '10000001', paling besar 10.000.000)",
            id="huge",
        ),
        pytest.param(
            "2025-04,5371,G,PU,1,99999999999999999999999999",
            "baris 2, kolom nonactive: terlalu besar (tertulis '99999999999999999999999999', "
            "paling besar 10.000.000)",
            id="huge-nonactive",
        ),
    ],
)
def test_bad_participant_cell_has_a_specific_message(
    reference: None, row: str, expected: str
) -> None:
    assert participant_errors(row) == [expected]


@pytest.mark.parametrize(
    "payload",
    [
        "=cmd|' /C calc'!A0",
        "=1+1",
        "+cmd",
        "-HYPERLINK(1)",
        "@SUM(A1)",
        "12|34",
    ],
)
def test_formula_and_dde_payloads_are_rejected_as_text(reference: None, payload: str) -> None:
    quoted = '"' + payload.replace('"', '""') + '"'

    assert participant_errors(f"2025-04,5371,G,PU,{quoted},0") == [
        "baris 2, kolom active: berisi rumus atau teks yang dapat dijalankan spreadsheet "
        f"('{payload}'); isi dengan nilai biasa"
    ]


def test_formula_in_a_text_column_is_rejected(reference: None) -> None:
    data = csv_bytes(WORKFORCE_HEADER, "2024,53,,UCJ,1,=HYPERLINK(A1)")

    assert messages(parse("workforce", data)) == [
        "baris 2, kolom source: berisi rumus atau teks yang dapat dijalankan spreadsheet "
        "('=HYPERLINK(A1)'); isi dengan nilai biasa"
    ]


def test_every_error_of_every_row_is_reported(reference: None) -> None:
    data = csv_bytes(PARTICIPANTS_HEADER, "2025-13,9999,G,PU,1,0", "2025-04,5371,G,PU,-1,x")

    assert messages(parse("participants", data)) == [
        "baris 2, kolom period: bulan harus 01 sampai 12 (tertulis '2025-13')",
        "baris 2, kolom region_code: kode kabupaten/kota '9999' tidak dikenal; gunakan kode BPS, "
        "misalnya 5371",
        "baris 3, kolom active: tidak boleh negatif (tertulis '-1')",
        "baris 3, kolom nonactive: harus berupa bilangan bulat yang ditulis dengan angka saja "
        "(tertulis 'x')",
    ]


def test_records_are_withheld_when_any_row_is_wrong(reference: None) -> None:
    data = csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,G,PU,1,0", "2025-04,5371,A,PU,x,0")

    assert parse("participants", data).records == []


def test_duplicated_key_names_the_first_row(reference: None) -> None:
    data = csv_bytes(
        PARTICIPANTS_HEADER,
        "2025-04,5371,G,PU,1,0",
        "2025-04,5371,A,PU,2,0",
        "2025-04,5371,g,pu,3,0",
    )

    assert messages(parse("participants", data)) == [
        "baris 4, kolom period/region_code/sector_code/segment: baris ganda: period, "
        "region_code, sector_code, segment yang sama sudah ada di baris 2"
    ]


def test_workforce_province_written_twice_is_a_duplicate(reference: None) -> None:
    data = csv_bytes(WORKFORCE_HEADER, "2024,53,,UCJ,1,a", "2024,53,,UCJ,2,b")

    assert messages(parse("workforce", data)) == [
        "baris 3, kolom year/region_code/sector_code/basis: baris ganda: year, region_code, "
        "sector_code, basis yang sama sudah ada di baris 2"
    ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            "24,53,,UCJ,1,s",
            "baris 2, kolom year: tahun harus empat angka antara 2000 dan 2100 (tertulis '24')",
            id="year",
        ),
        pytest.param(
            "2024,5300,,UCJ,1,s",
            "baris 2, kolom region_code: kode wilayah '5300' tidak dikenal; gunakan 53 untuk "
            "provinsi atau kode BPS kabupaten/kota, misalnya 5371",
            id="region",
        ),
        pytest.param(
            "2024,53,,SAKERNAS,1,s",
            "baris 2, kolom basis: basis 'SAKERNAS' tidak dikenal; pilihan: BPS_AK, UCJ",
            id="basis",
        ),
        pytest.param(
            "2024,53,,UCJ,100000001,s",
            "baris 2, kolom workers: terlalu besar (tertulis '100000001', paling besar "
            "100.000.000)",
            id="workers-huge",
        ),
        pytest.param("2024,53,,UCJ,1,", "baris 2, kolom source: wajib diisi", id="source"),
        pytest.param(
            f"2024,53,,UCJ,1,{'x' * 301}",
            "baris 2, kolom source: terlalu panjang (paling banyak 300 karakter)",
            id="source-long",
        ),
    ],
)
def test_bad_workforce_cell_has_a_specific_message(
    reference: None, row: str, expected: str
) -> None:
    assert messages(parse("workforce", csv_bytes(WORKFORCE_HEADER, row))) == [expected]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            "2025,SOE,UCJ,1,",
            "baris 2, kolom scope: cakupan 'SOE' tidak dikenal; gunakan 53 untuk provinsi, kode "
            "kantor cabang (ATAMBUA, ENDE, KUPANG, LABUAN_BAJO, MAUMERE, WAINGAPU) atau kode BPS "
            "kabupaten/kota",
            id="scope",
        ),
        pytest.param(
            "2025,53,UCJ,,",
            "baris 2, kolom target_count: isi target_count, target_pct, atau keduanya",
            id="neither",
        ),
        pytest.param(
            "2025,53,UCJ,,0",
            "baris 2, kolom target_pct: harus lebih dari 0 dan paling besar 100 (tertulis '0')",
            id="pct-zero",
        ),
        pytest.param(
            "2025,53,UCJ,,100.5",
            "baris 2, kolom target_pct: harus lebih dari 0 dan paling besar 100 (tertulis '100.5')",
            id="pct-over-100",
        ),
        pytest.param(
            "2025,53,UCJ,,-5",
            "baris 2, kolom target_pct: harus lebih dari 0 dan paling besar 100 (tertulis '-5')",
            id="pct-negative",
        ),
        pytest.param(
            "2025,53,UCJ,,enam puluh",
            "baris 2, kolom target_pct: harus berupa angka persen, misalnya 60 atau 60,5 "
            "(tertulis 'enam puluh')",
            id="pct-words",
        ),
        pytest.param(
            "2025,53,UCJ,,60.12345",
            "baris 2, kolom target_pct: paling banyak 3 angka di belakang koma (tertulis "
            "'60.12345')",
            id="pct-precision",
        ),
        pytest.param(
            "2025,53,UCJ,1.000.000,",
            "baris 2, kolom target_count: pemisah ribuan tidak diterima karena ambigu (tertulis "
            "'1.000.000'); tulis angka tanpa titik atau koma, misalnya 1234",
            id="count-thousands",
        ),
    ],
)
def test_bad_target_cell_has_a_specific_message(reference: None, row: str, expected: str) -> None:
    assert messages(parse("targets", csv_bytes(TARGETS_HEADER, row))) == [expected]


def test_unknown_kind_is_an_error(reference: None) -> None:
    assert messages(parse("budgets", csv_bytes("a", "1"))) == [
        "Jenis data budgets tidak dikenal; pilih salah satu dari: participants, workforce, targets."
    ]


def test_row_error_without_column_names_only_the_row() -> None:
    assert str(RowError(row=7, column=None, message="x")) == "baris 7: x"


def test_reference_codes_are_loaded_once_not_per_row(
    reference: None, django_assert_num_queries: object
) -> None:
    rows = [f"2025-0{month},5371,G,PU,1,0" for month in range(1, 6)]
    data = csv_bytes(PARTICIPANTS_HEADER, *rows)

    with django_assert_num_queries(4):  # type: ignore[operator]
        assert len(parse("participants", data).records) == 5


def test_validation_with_given_reference_codes_needs_no_database() -> None:
    codes = ReferenceCodes(
        regions=frozenset({"5371"}),
        sectors=frozenset({"G"}),
        segments=frozenset({"PU"}),
        branches=frozenset({"KUPANG"}),
    )

    result = parse_file(
        "participants",
        name="a.csv",
        data=csv_bytes(PARTICIPANTS_HEADER, "2025-04,5371,G,PU,1,0"),
        today=TODAY,
        reference=codes,
    )

    assert result.ok


# Applying the records


def test_apply_import_dry_run_counts_without_writing(reference: None) -> None:
    records = [ParticipantRecord(2025, 4, "5371", "G", "PU", 1200, 30)]

    assert apply_import("participants", records, dry_run=True) == WriteResult(1, 0, 0)
    assert ParticipantCount.objects.count() == 0


def test_apply_import_replaces_existing_counts(reference: None) -> None:
    apply_import(
        "participants", [ParticipantRecord(2025, 4, "5371", "G", "PU", 1, 1)], dry_run=False
    )
    records = [
        ParticipantRecord(2025, 4, "5371", "G", "PU", 1200, 30),
        ParticipantRecord(2025, 4, "5371", "A", "PU", 5, 0),
    ]

    result = apply_import("participants", records, dry_run=False, user_id=None)

    assert result == WriteResult(created=1, updated=1, unchanged=0)
    assert ParticipantCount.objects.get(region_id="5371", sector_id="G").active == 1200


def test_apply_import_replaces_province_workforce_figure(reference: None) -> None:
    first = WorkforceRecord(2024, None, None, "BPS_AK", 3_000_000, "perkiraan")
    apply_import("workforce", [first], dry_run=False)
    second = WorkforceRecord(2024, None, None, "BPS_AK", 3_120_000, "BPS Sakernas Agustus 2024")

    result = apply_import("workforce", [second], dry_run=False)

    assert result == WriteResult(created=0, updated=1, unchanged=0)
    assert WorkforceFigure.objects.get().workers == 3_120_000


def test_apply_import_keeps_equal_target_percentage_unchanged(reference: None) -> None:
    target = TargetRecord(2025, "branch", "KUPANG", "UCJ", None, Decimal("60.5"))
    apply_import("targets", [target], dry_run=False)

    again = TargetRecord(2025, "branch", "KUPANG", "UCJ", None, Decimal("60.500"))

    assert apply_import("targets", [again], dry_run=False) == WriteResult(0, 0, 1)
    assert Target.objects.get().branch_id == "KUPANG"


def test_fast_path_and_cell_validators_agree(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-pass shortcut for common rows must give the same records and the same
    errors as the cell-by-cell validators (forced here by switching it off)."""
    header = "period,region_code,sector_code,segment,active,nonactive"
    clean = csv_bytes(
        header,
        "2025-03,5371,A,PU,100,5",
        "2025-03, 5371 ,b,pu, 007 ,",  # spaces, lower case, leading zeros, empty nonactive
        "2025-03,5310,C,BPU,0,0",
        "2025-03,5371,F,PMI,000000000012,0",  # long but small
    )
    dirty = csv_bytes(
        header,
        "2025-03,5371,A,PU,100,5",
        "2025-03,5310,C,XYZ,1,0",  # unknown segment
        "2025-03,9999,A,PU,1,0",  # unknown region
        "2025-03,5371,A,JAKON,1.5,0",  # fraction
        "2025-03,5371,A,PMI,10000001,0",  # above the limit
        "2025-03,5371,G,PU,=1+1,0",  # formula
        "2025-03,5371,H,PU,\u0661\u0662,0",  # non-ASCII digits: both read 12
        "2025-03,5371,a,pu,3,0",  # duplicate of row 2
        "2099-01,5371,A,PU,3,0",  # future period
    )
    fast_clean, fast_dirty = parse("participants", clean), parse("participants", dirty)
    monkeypatch.setattr(row_rules.RowParser, "_participant_fast", lambda self: None)
    slow_clean, slow_dirty = parse("participants", clean), parse("participants", dirty)
    assert fast_clean.records == slow_clean.records
    assert [r.active for r in participants(fast_clean)] == [100, 7, 0, 12]
    assert not messages(fast_clean)
    assert messages(fast_dirty) == messages(slow_dirty)
    assert len(messages(fast_dirty)) == 7
