"""Upload with preview: every bad file is refused with its message and writes nothing;
a good file is previewed, then applied exactly as previewed, all or nothing."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook, load_workbook
from pytest_django import Settings

from coverage import importers, services
from coverage.models import ChangeLog, ParticipantCount, Target
from coverage.views.upload import stage_upload
from tests.factories import TestResponse, login, make_user, seed_counts, snapshot

HEADER = "period,region_code,sector_code,segment,active,nonactive\n"


@pytest.fixture
def admin_user(reference: None, settings: Settings, tmp_path: Path) -> User:
    settings.UPLOAD_STAGING_DIR = str(tmp_path)
    seed_counts()
    return make_user("admin_prov", "admin")


def upload(client: Client, name: str, data: bytes, kind: str = "participants") -> TestResponse:
    return client.post(
        "/unggah/", {"kind": kind, "file": SimpleUploadedFile(name, data)}, follow=True
    )


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def line(row: int, column: str, message: object) -> str:
    return str(importers.RowError(row, column, str(message)))


BAD_FILES = [
    ("data.txt", b"x", str(importers.FILE_BAD_EXTENSION % {"extension": ".txt"})),
    ("kosong.csv", b"", str(importers.FILE_EMPTY)),
    ("excel.csv", xlsx([["period"]]), str(importers.FILE_CSV_NOT_TEXT)),
    ("teks.xlsx", HEADER.encode(), str(importers.FILE_NOT_XLSX)),
    ("latin1.csv", (HEADER + "2025-03,5371,A,PU,1,0\n").encode() + b"\xe9\n", "baris 3: "),
    ("judul.csv", HEADER.encode(), str(importers.FILE_HEADER_ONLY)),
    (
        "kolom.csv",
        b"period,region_code,sector_code,segment\n2025-03,5371,A,PU\n",
        line(1, "active", importers.COLUMN_MISSING),
    ),
    (
        "pecahan.csv",
        (HEADER + "2025-03,5371,A,PU,12.5,0\n").encode(),
        line(2, "active", importers.CELL_FRACTION % {"value": "'12.5'"}),
    ),
    (
        "negatif.csv",
        (HEADER + "2025-03,5371,A,PU,-4,0\n").encode(),
        line(2, "active", importers.CELL_NEGATIVE % {"value": "'-4'"}),
    ),
    (
        "rumus.csv",
        (HEADER + "2025-03,5371,A,PU,=1+1,0\n").encode(),
        line(2, "active", importers.CELL_FORMULA % {"value": "'=1+1'"}),
    ),
    (
        "wilayah.csv",
        (HEADER + "2025-03,9999,A,PU,1,0\n").encode(),
        line(2, "region_code", importers.REGION_UNKNOWN % {"value": "'9999'"}),
    ),
    (
        "ganda.csv",
        (HEADER + "2025-03,5371,A,PU,1,0\n2025-03,5371,A,PU,2,0\n").encode(),
        line(
            3,
            "period/region_code/sector_code/segment",
            importers.ROW_DUPLICATED
            % {"columns": "period, region_code, sector_code, segment", "first": 2},
        ),
    ),
    (
        "xlsx-rumus.xlsx",
        xlsx([HEADER.strip().split(","), ["2025-03", "5371", "A", "PU", "=A1", 0]]),
        line(2, "active", importers.CELL_FORMULA % {"value": "'=A1'"}),
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_refused_with_its_message(
    admin_user: User, name: str, data: bytes, message: str
) -> None:
    before = snapshot()
    response = upload(login(admin_user), name, data)
    content = response.content.decode()
    assert message in content.replace("&#x27;", "'").replace("&quot;", '"').replace("&gt;", ">")
    assert "Terapkan" not in content
    assert snapshot() == before


def test_file_over_ten_megabytes_is_refused_before_storing(admin_user: User) -> None:
    before = snapshot()
    big = HEADER.encode() + b"0" * (10 * 1024 * 1024 + 1)
    response = upload(login(admin_user), "besar.csv", big)
    assert response.status_code == 400
    assert "Berkas melebihi batas 10 MB." in response.content.decode()
    assert snapshot() == before


def test_preview_counts_then_apply_writes_exactly_the_previewed_bytes(admin_user: User) -> None:
    client = login(admin_user)
    data = (
        HEADER + "2025-03,5371,A,PU,1030,5\n2025-03,5371,G,PU,1500,5\n2025-04,5371,A,PU,9,0\n"
    ).encode()
    preview = upload(client, "maret.csv", data)
    evaluation = preview.context["evaluation"]
    assert (evaluation.result.created, evaluation.result.updated, evaluation.result.unchanged) == (
        1,
        1,
        1,
    )
    assert ParticipantCount.objects.filter(month=4).count() == 0
    sha = preview.context["staged"].sha256
    acks = {
        "ack-2025-03-5371": "1",
        "note-2025-03-5371": "REI",
        "ack-2025-04-5371": "1",
        "note-2025-04-5371": "awal",
    }
    applied = client.post(
        "/unggah/terapkan/", {"kind": "participants", "sha256": sha, **acks}, follow=True
    )
    assert "Berkas maret.csv diterapkan" in applied.content.decode()
    assert ParticipantCount.objects.get(month=3, sector_id="G", segment_id="PU").active == 1500
    logs = ChangeLog.objects.filter(source="upload")
    assert {(log.source_detail, log.user_id) for log in logs} == {
        ("maret.csv — 5371 2025-03: REI; 5371 2025-04: awal", admin_user.pk)
    }
    assert logs.count() == 2
    assert logs.values("operation").distinct().count() == 1


def test_unknown_or_expired_hash_is_refused_with_a_message(admin_user: User) -> None:
    before = snapshot()
    response = login(admin_user).post(
        "/unggah/terapkan/", {"kind": "participants", "sha256": "0" * 64}
    )
    assert response.status_code == 410
    assert "tidak ditemukan atau sudah kedaluwarsa" in response.content.decode()
    assert snapshot() == before


def test_another_users_hash_cannot_be_applied(admin_user: User) -> None:
    other = make_user("admin_lain", "admin")
    sha = stage_upload(
        user_id=other.pk,
        kind="participants",
        name="x.csv",
        data=(HEADER + "2025-03,5371,A,PU,7,0\n").encode(),
    )
    response = login(admin_user).post("/unggah/terapkan/", {"kind": "participants", "sha256": sha})
    assert response.status_code == 410


def test_locked_month_upload_is_refused_at_preview_and_apply(admin_user: User) -> None:
    manager = make_user("manajer", "manager")
    services.month_approve(year=2025, month=3, branch_code="KUPANG", user_id=manager.pk)
    client = login(admin_user)
    data = (HEADER + "2025-03,5371,A,PU,1,0\n").encode()
    preview = upload(client, "maret.csv", data)
    content = preview.content.decode()
    assert "sudah disetujui dan dikunci" in content
    assert "disetujui oleh manajer pada" in content and "Hanya manajer" in content
    assert "Perbaiki semua baris" not in content and "Terapkan" not in content
    before = snapshot()
    sha = preview.context["staged"].sha256
    response = client.post("/unggah/terapkan/", {"kind": "participants", "sha256": sha})
    assert response.status_code == 409
    assert "disetujui oleh manajer pada" in response.content.decode()
    assert snapshot() == before


def test_import_data_on_a_locked_month_names_the_approver_and_who_can_unlock(
    admin_user: User, tmp_path: Path
) -> None:
    manager = make_user("manajer", "manager")
    services.month_approve(year=2025, month=3, branch_code="KUPANG", user_id=manager.pk)
    path = tmp_path / "maret.csv"
    path.write_text(HEADER + "2025-03,5371,A,PU,1,0\n")
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_data", "participants", str(path))
    assert "2025-03 (Kupang), disetujui oleh manajer pada" in str(error.value)
    assert "Hanya manajer" in str(error.value)
    assert snapshot() == before


def jump_file(factor: float = 1.4) -> bytes:
    """April 2025 for Kota Kupang: the four seeded cells of March times ``factor``."""
    value = round(1030 * factor)
    rows = [f"2025-04,5371,{s},{g},{value},5\n" for s in ("A", "G") for g in ("PU", "BPU")]
    return (HEADER + "".join(rows)).encode()


def test_a_forty_percent_jump_is_flagged_per_regency(admin_user: User) -> None:
    preview = upload(login(admin_user), "april.csv", jump_file())
    [check] = preview.context["evaluation"].checks
    assert (check.period, check.region_code, check.total, check.previous_total) == (
        "2025-04",
        "5371",
        4 * 1442,
        4 * 1030,
    )
    assert check.flagged and round(check.change_pct) == 40
    assert "sel A/PU: berubah +40% dari bulan lalu (1.030); periksa kembali" in check.warnings
    content = preview.content.decode()
    assert "+40,0%" in content and 'name="ack-2025-04-5371"' in content


def test_a_small_change_is_not_flagged_and_applies_without_acknowledgement(
    admin_user: User,
) -> None:
    client = login(admin_user)
    preview = upload(client, "april.csv", jump_file(1.05))
    assert not preview.context["evaluation"].flagged
    sha = preview.context["staged"].sha256
    response = client.post("/unggah/terapkan/", {"kind": "participants", "sha256": sha})
    assert response.status_code == 302
    assert ParticipantCount.objects.filter(year=2025, month=4).count() == 4


@pytest.mark.parametrize(
    "acks",
    [{}, {"ack-2025-04-5371": "1"}, {"note-2025-04-5371": "REI"},
     {"ack-2025-04-5371": "1", "note-2025-04-5371": "  "}],
    ids=["nothing", "tick-only", "comment-only", "blank-comment"],
)  # fmt: skip
def test_apply_without_tick_and_comment_is_refused_and_writes_nothing(
    admin_user: User, acks: dict[str, str]
) -> None:
    client = login(admin_user)
    sha = upload(client, "april.csv", jump_file()).context["staged"].sha256
    before = snapshot()
    response = client.post("/unggah/terapkan/", {"kind": "participants", "sha256": sha, **acks})
    assert response.status_code == 400
    assert "belum dicentang serta diberi komentar; tidak ada yang disimpan" in (
        response.content.decode()
    )
    assert snapshot() == before


def test_apply_with_tick_and_comment_saves_and_logs_the_comment(admin_user: User) -> None:
    client = login(admin_user)
    sha = upload(client, "april.csv", jump_file()).context["staged"].sha256
    response = client.post(
        "/unggah/terapkan/",
        {"kind": "participants", "sha256": sha, "ack-2025-04-5371": "1",
         "note-2025-04-5371": "Kemitraan REI"},
    )  # fmt: skip
    assert response.status_code == 302
    assert ParticipantCount.objects.filter(year=2025, month=4).count() == 4
    log = ChangeLog.objects.filter(source="upload").first()
    assert log is not None and log.source_detail == "april.csv — 5371 2025-04: Kemitraan REI"


def test_changed_rows_are_listed_and_filterable(admin_user: User) -> None:
    client = login(admin_user)
    preview = upload(client, "april.csv", jump_file())
    assert preview.context["changes_total"] == 4
    url = preview.redirect_chain[-1][0]
    filtered = client.get(url, {"sector": "G", "segment": "BPU"})
    assert [row["change"].sector_code for row in filtered.context["changes"]] == ["G"]
    assert filtered.context["changes_total"] == 1 and filtered.context["changes_all"] == 4


def test_changed_rows_show_at_most_two_hundred(admin_user: User) -> None:
    sectors = "ABCDEFGHIJKLMNOPQRSTU"
    regions = ("5371", "5303", "5311")
    rows = [
        f"2025-0{m},{r},{s},{g},10,0\n"
        for m in (5, 6)
        for r in regions
        for s in sectors
        for g in ("PU", "BPU")
    ]
    preview = upload(login(admin_user), "besar.csv", (HEADER + "".join(rows)).encode())
    assert preview.context["changes_total"] == 2 * 3 * 21 * 2
    assert len(preview.context["changes"]) == 200


def test_segment_far_from_its_history_is_flagged_like_the_grid(admin_user: User) -> None:
    seed_counts(region="5311", months=range(1, 13), base=1000)
    rows = [f"2025-12,5311,A,PU,{round(1000 * 1.01**12) + 400},5\n"]
    preview = upload(login(admin_user), "des.csv", (HEADER + "".join(rows)).encode())
    [check] = preview.context["evaluation"].checks
    assert any("simpangan baku" in w for w in check.warnings)


def test_province_admin_uploads_targets(admin_user: User) -> None:
    client = login(admin_user)
    preview = upload(
        client,
        "t.csv",
        b"year,scope,basis,target_count,target_pct\n2025,53,UCJ,1054194,64.82\n",
        kind="targets",
    )
    sha = preview.context["staged"].sha256
    client.post("/unggah/terapkan/", {"kind": "targets", "sha256": sha})
    assert Target.objects.get().target_count == 1054194
    assert ChangeLog.objects.get(entity="target").source == "upload"


@pytest.mark.parametrize("kind", importers.KINDS)
def test_templates_have_header_example_and_explanation(admin_user: User, kind: str) -> None:
    client = login(admin_user)
    csv = client.get(f"/unggah/templat/{kind}.csv")
    assert csv.status_code == 200
    header = csv.content.decode().splitlines()[0]
    assert header == ",".join(importers.LAYOUTS[kind].columns)
    book_bytes = client.get(f"/unggah/templat/{kind}.xlsx").content
    book = load_workbook(io.BytesIO(book_bytes))
    assert book.sheetnames == ["Data", "Penjelasan"]
    assert book["Data"].max_row == 2
    explained = {row[0] for row in book["Penjelasan"].iter_rows(values_only=True)}
    assert set(importers.LAYOUTS[kind].columns) <= explained
    parsed = importers.parse_file(kind, name=f"t.{kind}.xlsx", data=book_bytes)
    assert parsed.ok, parsed.errors


def test_file_name_and_cell_text_are_escaped_in_the_preview(admin_user: User) -> None:
    data = (HEADER + "2025-03,5371,A,PU,<img src=x onerror=alert(1)>,0\n").encode()
    response = upload(login(admin_user), "<script>alert(1)</script>.csv", data)
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content


def test_nonactive_counts_dropping_to_zero_are_flagged(admin_user: User) -> None:
    data = (HEADER + "2025-04,5371,A,PU,1040,\n2025-04,5371,G,PU,1040,0\n").encode()
    preview = upload(login(admin_user), "april.csv", data)
    [check] = preview.context["evaluation"].checks
    assert check.flagged
    assert (
        "2 sel nonaktif menjadi 0 padahal bulan lalu terisi (mis. A/PU: 5); "
        "periksa kolom nonactive" in check.warnings
    )
