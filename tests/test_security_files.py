"""Security of the files the product reads and writes, of initiative and scenario writes,
and of concurrent count writes (issue #11, items 4–9).

Each test names the attack it stops; each fails on the code before the fix.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from coverage import importers
from coverage.exports import Column, Table, neutralise_text, table_csv_bytes, table_xlsx_bytes
from coverage.importers import ArchiveMember, ReferenceCodes, archive_problem, parse_file

TODAY = date(2025, 5, 15)
HEADER = ["period", "region_code", "sector_code", "segment", "active", "nonactive"]
CODES = ReferenceCodes(
    regions=frozenset({"5371", "5306"}),
    sectors=frozenset({"A", "G"}),
    segments=frozenset({"PU", "BPU"}),
    branches=frozenset({"KUPANG", "ATAMBUA"}),
)
PROJECT = Path(__file__).resolve().parent.parent


def parse_xlsx(data: bytes) -> importers.ImportResult:
    return parse_file("participants", name="data.xlsx", data=data, today=TODAY, reference=CODES)


def workbook_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_parts(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The same zip with some parts replaced (or added); ``None`` leaves a part out."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in changes:
                continue
            target.writestr(info.filename, source.read(info.filename))
        for name, content in changes.items():
            if content is not None:
                target.writestr(name, content)
    return buffer.getvalue()


GOOD_ROWS: list[list[object]] = [
    HEADER,
    ["2025-04", "5371", "A", "PU", 100, 1],
    ["2025-04", "5371", "G", "PU", 200, 2],
    ["2025-04", "5306", "A", "PU", 300, 3],
]


# --- 4. formula injection in exports ---------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://x","klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_starting_a_formula_is_prefixed_with_a_quote(text: str) -> None:
    assert neutralise_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Belu", "Kota Kupang", "5371", "2025-04", "a=b", ""])
def test_plain_text_is_left_alone(text: str) -> None:
    assert neutralise_text(text) == text


HOSTILE_TABLE = Table(
    title="=Tabel",
    columns=[Column("=Nama"), Column("Peserta aktif", "int"), Column("Perubahan (%)", "pct")],
    rows=[[text, -5, -1.5] for text in HOSTILE] + [[-7, 3, 2]],
)


def test_csv_export_never_holds_a_live_formula_and_keeps_negative_numbers() -> None:
    text = table_csv_bytes(HOSTILE_TABLE).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0][0] == "'=Nama"
    for row, hostile in zip(rows[1:], HOSTILE, strict=False):
        assert row == ["'" + hostile, "-5", "-1,50"]
    assert rows[-1] == ["-7", "3", "2,00"]


def test_xlsx_export_has_no_formula_cells_and_numbers_stay_numbers() -> None:
    data = table_xlsx_bytes(HOSTILE_TABLE, notes=["=catatan"])
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet["A1"].value == "'=Nama"
    for row, hostile in enumerate(HOSTILE, start=2):
        # XML reads a carriage return back as a line feed.
        assert sheet.cell(row=row, column=1).value == "'" + hostile.replace("\r", "\n")
        assert sheet.cell(row=row, column=1).data_type == "s"
        assert sheet.cell(row=row, column=2).value == -5
        assert sheet.cell(row=row, column=2).data_type == "n"
        assert sheet.cell(row=row, column=3).value == pytest.approx(-1.5)
    assert sheet.cell(row=len(HOSTILE) + 2, column=1).value == -7
    assert sheet.cell(row=len(HOSTILE) + 4, column=1).value == "'=catatan"


@pytest.mark.django_db
def test_region_named_like_a_formula_is_neutralised_in_the_downloads(
    reference: None, client: Client
) -> None:
    from coverage import services
    from coverage.models import Region
    from tests.factories import pu_counts

    services.participant_counts_save(records=pu_counts(2025, 4, {"5306": 1_300}))
    Region.objects.filter(bps_code="5306").update(name="=1+1 Belu")
    csv_body = client.get("/ekspor/by_region/53/2025-04.csv").content.decode("utf-8")
    assert "5306;'=1+1 Belu;1300;" in csv_body
    response = client.get("/ekspor/by_region/53/2025-04.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=1+1 Belu" in names


# --- 5. rows beyond a wrong <dimension> --------------------------------------------------


def with_dimension(data: bytes, ref: str) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode("utf-8")
    start = sheet.index("<dimension ")
    end = sheet.index("/>", start) + 2
    sheet = sheet[:start] + f'<dimension ref="{ref}"/>' + sheet[end:]
    return rewrite_parts(data, {"xl/worksheets/sheet1.xml": sheet.encode("utf-8")})


def test_rows_beyond_a_wrong_stored_dimension_are_all_read() -> None:
    data = with_dimension(workbook_bytes(GOOD_ROWS), "A1:F2")

    result = parse_xlsx(data)

    assert result.ok, result.errors
    assert [(r.region_code, r.sector_code, r.active) for r in result.records] == [
        ("5371", "A", 100),
        ("5371", "G", 200),
        ("5306", "A", 300),
    ]


def test_a_dimension_larger_than_the_data_adds_no_rows() -> None:
    data = with_dimension(workbook_bytes(GOOD_ROWS), "A1:F900000")
    result = parse_xlsx(data)
    assert result.ok and result.data_rows == 3


# --- 6. decompression bombs ----------------------------------------------------------------


def test_declared_sizes_beyond_the_limits_are_refused() -> None:
    big = importers.XLSX_MAX_UNPACKED_BYTES
    assert archive_problem([ArchiveMember("xl/worksheets/sheet1.xml", big // 10, big + 1)])
    ratio = archive_problem([ArchiveMember("xl/worksheets/sheet1.xml", 20_000, 5_000_000)])
    assert ratio is not None and "250" in str(ratio)
    many = [ArchiveMember(f"xl/p{i}.xml", 10, 20) for i in range(importers.XLSX_MAX_MEMBERS + 1)]
    assert archive_problem(many)
    strings = importers.XLSX_MAX_SHARED_STRINGS_BYTES + 1
    assert archive_problem([ArchiveMember("xl/sharedStrings.xml", strings // 20, strings)])
    nested = archive_problem([ArchiveMember("xl/media/lampiran.zip", 10, 20)])
    assert nested is not None and "lampiran.zip" in str(nested)


def test_an_ordinary_workbook_passes_the_archive_check() -> None:
    archive = zipfile.ZipFile(io.BytesIO(workbook_bytes(GOOD_ROWS)))
    members = [ArchiveMember(i.filename, i.compress_size, i.file_size) for i in archive.infolist()]
    assert archive_problem(members, archive.read("[Content_Types].xml").decode()) is None


def bomb(path: Path, *, unpacked_mb: int = 300) -> Path:
    """A valid workbook whose shared-strings part inflates to ``unpacked_mb`` MB."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, ["2025-04", "5371"]])))
    entry = b"<si><t>" + b"a" * 1_000_000 + b"</t></si>"  # deflates about 1,000-fold
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info.filename, source.read(info.filename))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/')
            part.write(b'spreadsheetml/2006/main">')
            for _ in range(unpacked_mb * 1024 * 1024 // len(entry)):
                part.write(entry)
            part.write(b"</sst>")
    return path


BOMB_SCRIPT = """
import json, resource, sys
from datetime import date
import django
django.setup()
from coverage.importers import ReferenceCodes, parse_file
codes = ReferenceCodes(regions=frozenset({"5371"}), sectors=frozenset({"A"}),
                       segments=frozenset({"PU"}), branches=frozenset())
data = open(sys.argv[1], "rb").read()
result = parse_file("participants", name="bom.xlsx", data=data, today=date(2025, 5, 15),
                    reference=codes)
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"errors": [str(e) for e in result.errors], "peak_mb": peak_kb / 1024,
                  "size": len(data)}))
"""


def test_a_decompression_bomb_is_refused_within_300_mb_of_memory(tmp_path: Path) -> None:
    path = bomb(tmp_path / "bom.xlsx")
    assert path.stat().st_size < 400 * 1024
    completed = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, str(path)],
        cwd=PROJECT,
        env={"DJANGO_SETTINGS_MODULE": "jamsostek_dashboard.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    outcome = json.loads(completed.stdout.strip().splitlines()[-1])
    assert outcome["errors"] and "MB" in outcome["errors"][0]
    assert outcome["peak_mb"] < 300, outcome


def test_a_part_larger_than_it_declares_is_refused() -> None:
    data = bytearray(workbook_bytes(GOOD_ROWS))
    name = b"xl/worksheets/sheet1.xml"
    entry = bytes(data).index(b"PK\x01\x02")
    while bytes(data[entry + 46 : entry + 46 + len(name)]) != name:
        entry = bytes(data).index(b"PK\x01\x02", entry + 4)
    declared = int.from_bytes(data[entry + 24 : entry + 28], "little")
    # The central directory now says the sheet is half as long as it really is.
    data[entry + 24 : entry + 28] = (declared // 2).to_bytes(4, "little")

    result = parse_xlsx(bytes(data))

    assert [str(error) for error in result.errors] == [str(importers.FILE_NOT_XLSX)]


# --- 7. macros and external links -------------------------------------------------------

MACRO_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
)
BINARY_TYPES = MACRO_TYPES.replace(b"sheet.macroEnabled.main", b"sheet.binary.macroEnabled.main")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, importers.FILE_XLSX_MACRO),
        ({"xl/activeX/activeX1.xml": b"<ax/>"}, importers.FILE_XLSX_MACRO),
        ({"xl/macrosheets/sheet1.xml": b"<xm/>"}, importers.FILE_XLSX_MACRO),
        ({"[Content_Types].xml": MACRO_TYPES}, importers.FILE_XLSX_MACRO),
        ({"xl/externalLinks/externalLink1.xml": b"<e/>"}, importers.FILE_XLSX_EXTERNAL),
        ({"[Content_Types].xml": BINARY_TYPES}, importers.FILE_XLSX_BINARY),
    ],
)
def test_macro_enabled_or_linked_workbook_renamed_xlsx_is_refused(
    changes: dict[str, bytes | None], expected: object
) -> None:
    data = rewrite_parts(workbook_bytes(GOOD_ROWS), changes)

    result = parse_xlsx(data)

    assert [str(error) for error in result.errors] == [str(expected)]
    assert result.records == []


@pytest.mark.django_db
def test_web_upload_of_a_bomb_or_macro_workbook_is_refused_and_writes_nothing(
    reference: None, settings: object, tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.html import escape

    from coverage.models import ParticipantCount
    from tests.factories import login, make_user

    settings.UPLOAD_STAGING_DIR = str(tmp_path)  # type: ignore[attr-defined]
    client = login(make_user("admin_prov", "admin"))
    macro = rewrite_parts(workbook_bytes(GOOD_ROWS), {"xl/vbaProject.bin": b"macro"})
    small_bomb = bomb(tmp_path / "kecil.xlsx", unpacked_mb=120).read_bytes()
    for name, data, message in [
        ("makro.xlsx", macro, importers.FILE_XLSX_MACRO),
        ("bom.xlsx", small_bomb, importers.FILE_XLSX_TOO_BIG_UNPACKED % {"limit": 100}),
    ]:
        response = client.post(
            "/unggah/",
            {"kind": "participants", "file": SimpleUploadedFile(name, data)},
            follow=True,
        )
        assert escape(str(message)) in response.content.decode("utf-8"), name
    assert ParticipantCount.objects.count() == 0


# --- 9. concurrent writes to one regency-month -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_interleaved_writes_to_one_regency_month_both_succeed(reference: None) -> None:
    """The second writer waits for the first instead of crashing on the monthly totals."""
    import threading
    import time

    from django.db import connection, transaction

    from coverage import services
    from coverage.models import MonthlyTotal, ParticipantCount
    from coverage.records import ParticipantRecord
    from tests.factories import pu_counts

    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one transaction write the whole database at a time, so two writes "
            "cannot interleave there; this runs on PostgreSQL"
        )
    services.participant_counts_save(records=pu_counts(2025, 4, {"5371": 10}))
    first_wrote, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                services.participant_counts_save(records=pu_counts(2025, 4, {"5371": 100}))
                first_wrote.set()
                release.wait(10)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
            first_wrote.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            services.participant_counts_save(
                records=[ParticipantRecord(2025, 4, "5371", "G", "PU", 50, 0)]
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_wrote.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)  # the second writer is now inside its save, waiting or colliding
    release.set()
    one.join(20)
    two.join(20)

    assert errors == []
    assert ParticipantCount.objects.filter(year=2025, month=4, region_id="5371").count() == 2
    total = MonthlyTotal.objects.get(year=2025, month=4, region_id="5371", segment_id="PU")
    assert (total.active, total.nonactive) == (150, 1)


@pytest.mark.django_db
def test_refreshing_totals_drops_a_segment_whose_counts_are_gone(reference: None) -> None:
    from coverage import services
    from coverage.models import MonthlyTotal, ParticipantCount
    from coverage.records import ParticipantRecord

    services.participant_counts_save(
        records=[
            ParticipantRecord(2025, 4, "5371", "A", "PU", 10, 0),
            ParticipantRecord(2025, 4, "5371", "A", "BPU", 20, 0),
        ]
    )
    ParticipantCount.objects.filter(segment_id="BPU").delete()
    services.refresh_monthly_totals([(2025, 4, "5371")])
    assert list(MonthlyTotal.objects.values_list("segment_id", "active")) == [("PU", 10)]
