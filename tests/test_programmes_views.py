"""``/api/programmes``, the "Program Pemda" page, the league table, the regency page's
programme list and the programme upload with preview."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coverage import services
from coverage.models import ChangeLog, Programme, RegencyCommitment
from coverage.programme_records import (
    CommitmentRecord,
    EnrolmentRecord,
    ProgrammeRecord,
    QuotaRecord,
)
from tests.factories import login, make_user
from tests.test_views import small_ntt


def programme_data() -> None:
    """PR-2025 (province, Rp16.800, from March): quotas Ende 5.000 and Kota Kupang 3.000.

    March 2025: 3.000 enrolled (2.000 + 1.000); April: 5.500 (4.000 + 1.500).
    Spent by April = (3.000 + 5.500) × 16.800 = 142.800.000; budget 1.000.000.000 →
    remaining 857.200.000; months left = floor(857.200.000 / 92.400.000) = 9; quota fill
    5.500 / 8.000 = 68,75%.
    """
    services.programmes_save(
        records=[
            ProgrammeRecord("PR-2025", "Pekerja rentan uji", "53", 2025, 1_000_000_000, 16_800,
                            2025, 3, 2025, 12),
            ProgrammeRecord("KK-2025", "Perangkat desa Kota Kupang", "5371", 2025, 50_000_000,
                            20_000, 2025, 4, 2025, 12),
        ]
    )  # fmt: skip
    services.programme_quotas_save(
        records=[
            QuotaRecord("PR-2025", "5311", 5_000),
            QuotaRecord("PR-2025", "5371", 3_000),
            QuotaRecord("KK-2025", "5371", 200),
        ]
    )
    services.programme_enrolment_save(
        records=[
            EnrolmentRecord(2025, 3, "PR-2025", "5311", 2_000),
            EnrolmentRecord(2025, 3, "PR-2025", "5371", 1_000),
            EnrolmentRecord(2025, 4, "PR-2025", "5311", 4_000),
            EnrolmentRecord(2025, 4, "PR-2025", "5371", 1_500),
            EnrolmentRecord(2025, 4, "KK-2025", "5371", 100),
        ]
    )


@pytest.fixture
def data(reference: None) -> None:
    small_ntt()
    programme_data()


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_api_returns_hand_computed_programme_figures(client: Client, data: None) -> None:
    body = client.get("/api/programmes").json()
    assert body["period"] == "2025-04"  # the latest month with enrolment rows
    kk, pr = body["programmes"]  # ordered by code
    assert pr == {
        "code": "PR-2025",
        "name": "Pekerja rentan uji",
        "funder": "53",
        "year": 2025,
        "budget_idr": 1_000_000_000,
        "contribution_idr": 16_800,
        "quota": 8_000,
        "enrolled": 5_500,
        "spent_idr": 142_800_000,
        "remaining_idr": 857_200_000,
        "months_left_at_current_enrolment": 9,
        "quota_fill_pct": 68.75,
        "by_region": [
            {"code": "5311", "name": "Ende", "quota": 5_000, "enrolled": 4_000,
             "quota_fill_pct": 80.0},
            {"code": "5371", "name": "Kota Kupang", "quota": 3_000, "enrolled": 1_500,
             "quota_fill_pct": 50.0},
        ],
    }  # fmt: skip
    # funded by a regency, with its own contribution: 100 × 20.000 = 2.000.000 spent
    assert (kk["funder"], kk["spent_idr"], kk["remaining_idr"]) == ("5371", 2_000_000, 48_000_000)
    assert kk["months_left_at_current_enrolment"] == 24


def test_api_for_an_earlier_month(client: Client, data: None) -> None:
    body = client.get("/api/programmes?period=2025-03").json()
    pr = body["programmes"][1]
    assert (body["period"], pr["enrolled"], pr["spent_idr"]) == ("2025-03", 3_000, 50_400_000)
    kk = body["programmes"][0]
    assert (kk["enrolled"], kk["months_left_at_current_enrolment"]) == (0, None)


def test_api_numbers_are_json_numbers(client: Client, data: None) -> None:
    raw = client.get("/api/programmes").content.decode()
    assert '"quota_fill_pct": 68.75' in raw
    assert '"budget_idr": 1000000000' in raw


def test_api_bad_period_is_400_like_api_coverage(client: Client, data: None) -> None:
    response = client.get("/api/programmes?period=2025-13")
    assert response.status_code == 400
    assert "tidak valid" in response.json()["error"]


def test_api_without_enrolment_is_404(client: Client, reference: None) -> None:
    response = client.get("/api/programmes")
    assert response.status_code == 404
    assert response.json() == {"error": "Belum ada data kepesertaan program pemda."}


def test_replaced_enrolment_row_changes_the_api_answer(client: Client, data: None) -> None:
    services.programme_enrolment_save(records=[EnrolmentRecord(2025, 4, "PR-2025", "5311", 4_500)])
    pr = client.get("/api/programmes").json()["programmes"][1]
    assert pr["enrolled"] == 6_000
    assert pr["spent_idr"] == (3_000 + 6_000) * 16_800


def test_programme_page_shows_budget_quota_and_shares(client: Client, data: None) -> None:
    page = text(client.get("/program-pemda/"))
    assert "Pekerja rentan uji" in page
    assert "Rp142.800.000" in page  # spent
    assert "Rp857.200.000" in page  # remaining
    assert "Januari 2026" in page  # April + 9 months
    assert "68,75%" in page
    # Ende: 4.000 of 20.000 BPU participants; of its UCJ gap 61.489 − 20.000 = 41.489
    assert "20,00%" in page
    assert "9,64%" in page
    # Kota Kupang: 1.500 of its gap 122.979 − 112.000 = 10.979
    assert "13,66%" in page
    assert "Data contoh" in page


def test_programme_page_without_programmes_says_so(client: Client, reference: None) -> None:
    page = text(client.get("/program-pemda/"))
    assert "Belum ada program pemda" in page


def test_league_table_lists_regencies_by_coverage_with_commitments(
    client: Client, data: None
) -> None:
    services.commitments_save(
        records=[
            CommitmentRecord(
                year=2025,
                region_code="5311",
                regulation="Perbup Ende 5/2024",
                budget_idr=950_000_000,
                village_apparatus_total=2_300,
                village_apparatus_covered=1_700,
            )
        ]
    )
    response = client.get("/peringkat/")
    page = text(response)
    assert response.status_code == 200
    assert "bukan penilaian resmi Paritrana" in page
    assert page.index("Kota Kupang") < page.index("Ende")  # 56,00% before 20,00%
    assert "Ya Perbup Ende 5/2024" in page
    assert "Rp950.000.000" in page
    assert "1.700 / 2.300" in page
    assert page.count("Sumba Barat") == 2  # Sumba Barat and Sumba Barat Daya, each once


def test_league_table_sorts_by_name_ascending(client: Client, data: None) -> None:
    page = text(client.get("/peringkat/?sort=name&order=asc"))
    assert page.index("Alor") < page.index("Belu") < page.index("Sumba Timur")
    assert (
        "sort=name&amp;order=desc" in client.get("/peringkat/?sort=name&order=asc").content.decode()
    )


def test_regency_page_lists_its_programmes(client: Client, data: None) -> None:
    page = text(client.get("/wilayah/5371/"))
    assert "Program Pemda di wilayah ini" in page
    assert "Perangkat desa Kota Kupang" in page
    assert "Pekerja rentan uji" in page


def test_regency_without_programmes_shows_no_list(client: Client, data: None) -> None:
    assert "Program Pemda di wilayah ini" not in text(client.get("/wilayah/5301/"))


PROGRAMME_FILE = (
    "code,name,funder,year,budget_idr,contribution_idr,start_period,end_period\n"
    "NEW-2025,Program baru,5311,2025,1000000,,2025-01,2025-12\n"
)


def test_admin_uploads_programmes_with_preview_then_apply(reference: None) -> None:
    client = login(make_user("admin", "admin"))
    upload = SimpleUploadedFile("program.csv", PROGRAMME_FILE.encode())
    response = client.post("/program-pemda/unggah/", {"kind": "programmes", "file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "Baris baru" in text(preview)
    assert not Programme.objects.exists()
    sha256 = response["Location"].rstrip("/").rsplit("/", 1)[1]
    applied = client.post(
        "/program-pemda/unggah/terapkan/", {"kind": "programmes", "sha256": sha256}
    )
    assert applied.status_code == 302
    assert Programme.objects.get().funder_id == "5311"
    log = ChangeLog.objects.get(entity="programme")
    assert (log.source, log.source_detail) == ("upload", "program.csv")


def test_upload_preview_lists_errors_in_indonesian(reference: None) -> None:
    client = login(make_user("admin", "admin"))
    upload = SimpleUploadedFile(
        "komitmen.csv",
        b"year,region_code,regulation,budget_idr,village_apparatus_total,village_apparatus_covered\n"
        b"2025,9999,,0,1,1\n",
    )
    response = client.post("/program-pemda/unggah/", {"kind": "commitments", "file": upload})
    page = text(client.get(response["Location"]))
    assert "baris 2, kolom region_code: kode kabupaten/kota '9999' tidak dikenal" in page
    assert not RegencyCommitment.objects.exists()


def test_branch_admin_may_not_upload_programmes(reference: None) -> None:
    client = login(make_user("cabang", "admin", ("ENDE",)))
    upload = SimpleUploadedFile("program.csv", PROGRAMME_FILE.encode())
    response = client.post("/program-pemda/unggah/", {"kind": "programmes", "file": upload})
    assert response.status_code == 403
    assert not Programme.objects.exists()


def test_viewer_may_not_open_the_programme_upload(reference: None) -> None:
    client = login(make_user("pemantau", "viewer"))
    assert client.get("/program-pemda/unggah/").status_code == 403
