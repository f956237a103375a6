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
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook
from pytest_django import Settings

from coverage import importers
from coverage.exports import (
    Cell,
    Column,
    Table,
    neutralise_sheet,
    neutralise_text,
    table_csv_bytes,
    table_xlsx_bytes,
)
from coverage.importers import ArchiveMember, ReferenceCodes, archive_problem, parse_file
from coverage.records import ParticipantRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from coverage.models import Initiative

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


def workbook_bytes(rows: Sequence[Sequence[object]]) -> bytes:
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


GOOD_ROWS: list[Sequence[object]] = [
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


HOSTILE_ROWS: list[list[Cell]] = [[text, -5, -1.5] for text in HOSTILE]
HOSTILE_ROWS.append([-7, 3, 2])
HOSTILE_TABLE = Table(
    title="=Tabel",
    columns=[Column("=Nama"), Column("Peserta aktif", "int"), Column("Perubahan (%)", "pct")],
    rows=HOSTILE_ROWS,
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


def test_a_sheet_is_neutralised_cell_by_cell_and_formulas_become_text() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["=SUM(A2:A3)", -3, "Belu", "@cmd"])
    assert sheet["A1"].data_type == "f"

    neutralise_sheet(sheet)

    assert [cell.value for cell in sheet[1]] == ["'=SUM(A2:A3)", -3, "Belu", "'@cmd"]
    assert [cell.data_type for cell in sheet[1]] == ["s", "n", "s", "s"]


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
    records = [r for r in result.records if isinstance(r, ParticipantRecord)]
    assert len(records) == len(result.records)
    assert [(r.region_code, r.sector_code, r.active) for r in records] == [
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
import json, sys
from datetime import date
import django
django.setup()
from coverage.importers import ReferenceCodes, parse_file
codes = ReferenceCodes(regions=frozenset({"5371"}), sectors=frozenset({"A"}),
                       segments=frozenset({"PU"}), branches=frozenset())
data = open(sys.argv[1], "rb").read()
result = parse_file("participants", name="bom.xlsx", data=data, today=date(2025, 5, 15),
                    reference=codes)
# VmHWM: the peak resident size of this process's own memory. (getrusage's ru_maxrss
# would also count the pytest process that forked this one: Linux keeps it across exec.)
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status")
               if line.startswith("VmHWM:"))
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


def test_an_archive_hidden_under_an_innocent_part_name_is_refused() -> None:
    hidden = rewrite_parts(workbook_bytes(GOOD_ROWS), {"xl/media/image1.png": b"PK\x03\x04zip"})

    result = parse_xlsx(hidden)

    assert [str(error) for error in result.errors] == [
        str(importers.FILE_XLSX_NESTED % {"part": "'xl/media/image1.png'"})
    ]


@pytest.mark.django_db
def test_web_upload_of_a_bomb_or_macro_workbook_is_refused_and_writes_nothing(
    reference: None, settings: Settings, tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.html import escape

    from coverage.models import ParticipantCount
    from tests.factories import login, make_user

    settings.UPLOAD_STAGING_DIR = str(tmp_path)
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
    from django.db import connection

    from coverage import services
    from coverage.models import MonthlyTotal, ParticipantCount
    from coverage.records import ParticipantRecord
    from tests.factories import pu_counts
    from tests.interleave import interleave

    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one transaction write the whole database at a time, so two writes "
            "cannot interleave there; this runs on PostgreSQL"
        )
    services.participant_counts_save(records=pu_counts(2025, 4, {"5371": 10}))
    outcomes = interleave(
        lambda: services.participant_counts_save(records=pu_counts(2025, 4, {"5371": 100})),
        lambda: services.participant_counts_save(
            records=[ParticipantRecord(2025, 4, "5371", "G", "PU", 50, 0)]
        ),
    )

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
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


# --- 8. initiatives and scenarios: scope and ownership ---------------------------------

INITIATIVE_POST = {
    "name": "REI Atambua",
    "kind": "partnership",
    "start_date": "2025-03-01",
    "end_date": "",
    "branches": ["ATAMBUA"],
    "expected_enrolments": "300",
    "note": "",
}


@pytest.fixture
def planner_data(reference: None) -> None:
    from decimal import Decimal

    from coverage import services
    from coverage.records import TargetRecord
    from tests.factories import pu_counts

    services.participant_counts_save(
        records=pu_counts(2025, 1, {"5306": 1_000, "5305": 500}, nonactive=0)
        + pu_counts(2025, 4, {"5306": 1_300, "5305": 560}, nonactive=0)
    )
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 6_000, Decimal("60"), "Target")]
    )


def atambua_initiative_by(name: str) -> tuple[User, Initiative]:
    from coverage import services
    from tests.factories import make_user

    author = make_user(name, "admin", ("ATAMBUA",))
    item = services.initiative_create(
        user=author,
        fields=services.InitiativeFields(
            name="REI Atambua",
            kind="partnership",
            start_date=date(2025, 3, 1),
            branch_codes=("ATAMBUA",),
            expected_enrolments=300,
        ),
    )
    return author, item


@pytest.mark.django_db
def test_branch_admin_cannot_edit_or_delete_another_branchs_initiative(
    planner_data: None,
) -> None:
    from coverage.models import ChangeLog, Initiative
    from tests.factories import login, make_user

    _author, item = atambua_initiative_by("admin_atambua")
    logged = ChangeLog.objects.count()
    client = login(make_user("admin_kupang", "admin", ("KUPANG",)))

    edit = client.post(
        f"/inisiatif/{item.pk}/ubah/",
        {**INITIATIVE_POST, "name": "Diubah", "branches": []},
    )
    delete = client.post(f"/inisiatif/{item.pk}/hapus/")

    assert edit.status_code == 403 and delete.status_code == 403
    assert "hanya dapat mengubah atau menghapus inisiatif" in delete.content.decode()
    assert Initiative.objects.get().name == "REI Atambua"
    assert ChangeLog.objects.count() == logged
    listing = client.get("/inisiatif/").content.decode()
    assert f"/inisiatif/{item.pk}/hapus/" not in listing


@pytest.mark.django_db
def test_author_edits_and_deletes_own_initiative_and_the_log_keeps_both(
    planner_data: None,
) -> None:
    from coverage.models import ChangeLog, Initiative
    from tests.factories import login

    author, item = atambua_initiative_by("admin_atambua")
    client = login(author)

    edited = client.post(
        f"/inisiatif/{item.pk}/ubah/",
        {**INITIATIVE_POST, "expected_enrolments": "450"},
    )
    assert edited.status_code == 302
    assert Initiative.objects.get().expected_enrolments == 450
    assert client.post(f"/inisiatif/{item.pk}/hapus/").status_code == 302
    assert not Initiative.objects.exists()
    log = list(
        ChangeLog.objects.filter(entity="initiative")
        .order_by("id")
        .values_list("user_id", "branch_id", "old_value", "new_value")
    )
    assert [(user, branch) for user, branch, _old, _new in log] == [(author.pk, "ATAMBUA")] * 3
    assert log[0][2] == "" and log[0][3].endswith("| 300")
    assert log[1][2].endswith("| 300") and log[1][3].endswith("| 450")
    assert log[2][2].endswith("| 450") and log[2][3] == ""


@pytest.mark.django_db
def test_branch_admin_cannot_create_initiatives_outside_their_branches(
    planner_data: None,
) -> None:
    from coverage import services
    from coverage.models import Initiative
    from tests.factories import login, make_user

    admin = make_user("admin_kupang", "admin", ("KUPANG",))
    province = services.InitiativeFields(
        name="Di luar", kind="sosialisasi", start_date=date(2025, 3, 1)
    )
    for fields in [
        province,
        replace(province, branch_codes=("ATAMBUA",)),
        replace(province, region_codes=("5306",)),
    ]:
        with pytest.raises(services.NotAllowedError, match="wilayah kerja Anda"):
            services.initiative_create(user=admin, fields=fields)
    response = login(admin).post("/inisiatif/baru/", INITIATIVE_POST)
    assert response.status_code == 200  # ATAMBUA is not offered: a form error, nothing saved
    assert not Initiative.objects.exists()
    inside = services.InitiativeFields(
        name="Kota Kupang", kind="sosialisasi", start_date=date(2025, 3, 1), region_codes=("5371",)
    )
    assert services.initiative_create(user=admin, fields=inside).created_by_id == admin.pk


@pytest.mark.django_db
def test_province_manager_changes_any_initiative_but_a_province_admin_only_their_own(
    planner_data: None,
) -> None:
    from coverage.models import Initiative
    from tests.factories import login, make_user

    _author, item = atambua_initiative_by("admin_atambua")
    pk = item.pk
    province_admin = login(make_user("admin_prov", "admin"))
    assert province_admin.post(f"/inisiatif/{pk}/hapus/").status_code == 403
    manager = login(make_user("kepala", "manager"))
    assert manager.post(f"/inisiatif/{pk}/ubah/", INITIATIVE_POST).status_code == 302
    assert manager.post(f"/inisiatif/{pk}/hapus/").status_code == 302
    assert not Initiative.objects.exists()


def scenario_post(**extra: str) -> dict[str, str]:
    data = {
        "scope": "53",
        "target_count": "",
        "lever-TOTAL_FORMS": "1",
        "lever-INITIAL_FORMS": "0",
        "lever-MIN_NUM_FORMS": "0",
        "lever-MAX_NUM_FORMS": "8",
        "lever-0-kind": "pemprov",
        "lever-0-monthly": "500",
        "lever-0-start": "2025-06",
        "aksi": "simpan",
        "name": "Skenario",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_branch_manager_cannot_overwrite_or_delete_the_province_scenario(
    planner_data: None,
) -> None:
    from coverage.models import ChangeLog, Scenario
    from tests.factories import login, make_user

    province = login(make_user("kepala", "manager"))
    assert province.post("/simulasi/", scenario_post(name="Provinsi")).status_code == 302
    scenario = Scenario.objects.get()
    logged = ChangeLog.objects.count()
    branch = login(make_user("kepala_atambua", "manager", ("ATAMBUA",)))

    overwrite = branch.post(f"/simulasi/{scenario.pk}/", scenario_post(name="Ditimpa"))
    delete = branch.post(f"/simulasi/{scenario.pk}/hapus/")

    assert overwrite.status_code == 403 and delete.status_code == 403
    assert "hanya dapat mengubah atau menghapus skenario" in delete.content.decode()
    scenario.refresh_from_db()
    assert (scenario.name, scenario.levers[0]["monthly"]) == ("Provinsi", 500)
    assert ChangeLog.objects.count() == logged


@pytest.mark.django_db
def test_branch_manager_saves_and_deletes_scenarios_of_their_branch_only(
    planner_data: None,
) -> None:
    from coverage.models import ChangeLog, Scenario
    from tests.factories import login, make_user

    manager = make_user("kepala_atambua", "manager", ("ATAMBUA",))
    client = login(manager)
    assert client.post("/simulasi/", scenario_post(name="Provinsi")).status_code == 403
    saved = client.post("/simulasi/", scenario_post(name="Atambua", scope="ATAMBUA"))
    assert saved.status_code == 302
    scenario = Scenario.objects.get()
    assert (scenario.scope_code, scenario.created_by_id) == ("ATAMBUA", manager.pk)
    assert client.post(f"/simulasi/{scenario.pk}/hapus/").status_code == 302
    assert not Scenario.objects.exists()
    log = ChangeLog.objects.filter(entity="scenario").order_by("id")
    assert [(entry.branch_id, entry.old_value == "", entry.new_value == "") for entry in log] == [
        ("ATAMBUA", True, False),
        ("ATAMBUA", False, True),
    ]
