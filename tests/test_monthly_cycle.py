"""A month that fills regency by regency (1, 11, 21, 22 of 22): what the pages, the PDF,
the planner and the exports show at each step (DOMAIN.md "Reporting completeness")."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from pypdf import PdfReader

from coverage import services
from coverage.calculations import Period
from coverage.completeness import Completeness
from coverage.records import TargetRecord, WorkforceRecord
from coverage.views.completeness import completeness_banner, period_options
from tests.factories import make_user, pu_counts

CODES = [f"53{n:02d}" for n in range(1, 22)] + ["5371"]
NAMES = {"5301": "Sumba Barat", "5371": "Kota Kupang"}


def text_of(response: object) -> str:
    """The page's visible text, whitespace collapsed (tags, scripts and chart data dropped)."""
    html = response.content.decode()  # type: ignore[attr-defined]
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def april_complete(reference: None) -> None:
    """All 22 regencies January–April 2025 (1,000 each, +10 a month); a UCJ base; a target."""
    for month in range(1, 5):
        services.participant_counts_save(
            records=pu_counts(2025, month, {code: 1_000 + 10 * month for code in CODES})
        )
    services.workforce_figures_save(
        records=[WorkforceRecord(2025, None, None, "UCJ", 100_000, "UCJ uji 2025")]
    )
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 60_000, Decimal("60"), "Target uji")]
    )


def report_may(count: int) -> None:
    """The first ``count`` regencies (by code) report May 2025."""
    services.participant_counts_save(
        records=pu_counts(2025, 5, dict.fromkeys(CODES[:count], 1_100))
    )


STEPS = [1, 11, 21, 22]


# --- the pure faces -------------------------------------------------------------------------


def completeness(period: Period, reported: int, expected: int = 22) -> Completeness:
    return Completeness(
        period=period,
        expected=frozenset(CODES[:expected]),
        reported=frozenset(CODES[:reported]),
    )


def test_picker_labels_mark_incomplete_months_with_reported_share() -> None:
    options = period_options([completeness(Period(2025, 5), 1), completeness(Period(2025, 4), 22)])
    assert options == [
        ("2025-05", "Mei 2025 — belum lengkap, 1/22"),
        ("2025-04", "April 2025"),
    ]


def test_picker_labels_in_english(english_catalogue: None) -> None:
    from django.utils import translation

    with translation.override("en"):
        options = period_options([completeness(Period(2025, 5), 1)])
    assert options == [("2025-05", "May 2025 — incomplete, 1/22")]


def test_banner_of_an_incomplete_month_names_missing_regencies() -> None:
    banner = completeness_banner(
        period=Period(2025, 5),
        choices=[completeness(Period(2025, 5), 21), completeness(Period(2025, 4), 22)],
        default=Period(2025, 4),
        region_names=NAMES,
        basis="UCJ",
    )
    assert banner is not None and banner.incomplete
    assert banner.message.startswith("Data Mei 2025 belum lengkap: baru 21 dari 22 kabupaten/kota")
    assert banner.missing == "Belum melapor: Kota Kupang."
    assert banner.link == "?period=2025-04&basis=UCJ"


def test_banner_of_a_complete_month_announces_the_month_being_entered() -> None:
    banner = completeness_banner(
        period=Period(2025, 4),
        choices=[completeness(Period(2025, 5), 1), completeness(Period(2025, 4), 22)],
        default=Period(2025, 4),
        region_names=NAMES,
        basis="BPS_AK",
    )
    assert banner is not None and not banner.incomplete
    assert banner.message == "Data Mei 2025 sedang diisi: 1 dari 22 kabupaten/kota sudah melapor."
    assert banner.link == "?period=2025-05&basis=BPS_AK"


def test_no_banner_when_the_newest_month_is_complete() -> None:
    banner = completeness_banner(
        period=Period(2025, 5),
        choices=[completeness(Period(2025, 5), 22), completeness(Period(2025, 4), 22)],
        default=Period(2025, 5),
        region_names=NAMES,
        basis="UCJ",
    )
    assert banner is None


# --- the pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("reported", STEPS)
def test_overview_defaults_to_the_last_complete_month(
    april_complete: None, client: Client, reported: int
) -> None:
    report_may(reported)
    page = text_of(client.get("/"))
    if reported < 22:
        assert "Posisi akhir April 2025" in page
        assert (
            f"Data Mei 2025 sedang diisi: {reported} dari 22 kabupaten/kota sudah melapor." in page
        )
        assert f"Mei 2025 — belum lengkap, {reported}/22" in page
    else:
        assert "Posisi akhir Mei 2025" in page
        assert "sedang diisi" not in page
        assert "belum lengkap" not in page


@pytest.mark.parametrize("reported", [1, 11, 21])
def test_incomplete_month_page_says_so_and_names_the_missing(
    april_complete: None, client: Client, reported: int
) -> None:
    report_may(reported)
    response = client.get("/?period=2025-05")
    assert response.status_code == 200
    page = text_of(response)
    assert "Posisi akhir Mei 2025" in page
    assert f"Data Mei 2025 belum lengkap: baru {reported} dari 22 kabupaten/kota" in page
    assert "Belum melapor:" in page and "Kota Kupang" in page.split("Belum melapor:")[1]
    assert 'href="?period=2025-04&amp;basis=UCJ"' in response.content.decode()


def test_branch_page_counts_only_its_own_regencies(april_complete: None, client: Client) -> None:
    # Atambua serves Belu (5306), TTU (5305) and Malaka (5321): 2 of 3 after 11 reported
    report_may(11)
    page = text_of(client.get("/cabang/ATAMBUA/"))
    assert "Posisi akhir April 2025" in page
    assert "Data Mei 2025 sedang diisi: 2 dari 3 kabupaten/kota sudah melapor." in page
    page = text_of(client.get("/cabang/ATAMBUA/?period=2025-05"))
    assert "Belum melapor: Malaka." in page


def test_regency_page_defaults_to_its_own_complete_month(
    april_complete: None, client: Client
) -> None:
    # Sumba Barat (5301) reported May: complete for itself, though not for the province
    report_may(1)
    page = text_of(client.get("/wilayah/5301/"))
    assert "Posisi akhir Mei 2025" in page
    assert "belum lengkap" not in page.split("Periode")[0]


def test_pdf_button_links_the_page_month(april_complete: None, client: Client) -> None:
    report_may(1)
    client.force_login(make_user("kepala", "manager"))
    html = client.get("/").content.decode()
    assert "/laporan/53/2025-04.pdf" in html


# --- PDF, exports, planner ------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def first_page_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


@pytest.mark.parametrize("reported", [1, 22])
def test_pdf_without_a_month_is_the_last_complete_month(
    april_complete: None, client: Client, reported: int
) -> None:
    report_may(reported)
    client.force_login(make_user("kepala", "manager"))
    response = client.get("/laporan/53.pdf")
    assert response.status_code == 200
    month = "2025-05" if reported == 22 else "2025-04"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ringkasan-cakupan-53-{month}.pdf"'
    )


def test_incomplete_month_pdf_warns_on_page_one(april_complete: None, client: Client) -> None:
    report_may(21)
    client.force_login(make_user("kepala", "manager"))
    text = first_page_text(client.get("/laporan/53/2025-05.pdf").content)
    assert "Data Mei 2025 belum lengkap: baru 21 dari 22 kabupaten/kota sudah melapor." in text
    assert "Belum melapor: Kota Kupang." in text


def test_complete_month_pdf_has_no_warning(april_complete: None, client: Client) -> None:
    report_may(22)
    client.force_login(make_user("kepala", "manager"))
    text = pdf_text(client.get("/laporan/53/2025-05.pdf").content)
    assert "belum lengkap" not in text


@pytest.mark.parametrize("reported", STEPS)
def test_json_export_without_a_month_is_the_last_complete_month(
    april_complete: None, client: Client, reported: int
) -> None:
    report_may(reported)
    response = client.get("/ekspor/ringkasan/53.json")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["period"] == ("2025-05" if reported == 22 else "2025-04")


@pytest.mark.parametrize("reported", [1, 22])
def test_table_exports_without_a_month_are_the_last_complete_month(
    april_complete: None, client: Client, reported: int
) -> None:
    report_may(reported)
    month = "2025-05" if reported == 22 else "2025-04"
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/ekspor/by_region/53.{fmt}")
        assert response.status_code == 200
        assert f"-53-{month}-ucj.{fmt}" in response["Content-Disposition"]


def test_export_with_a_bad_month_is_refused_clearly(april_complete: None, client: Client) -> None:
    response = client.get("/ekspor/ringkasan/53/2025-13.json")
    assert response.status_code == 400
    assert "Periode “2025-13” tidak valid" in response.content.decode()


@pytest.mark.parametrize("reported", STEPS)
def test_planner_defaults_to_the_last_complete_month_and_marks_the_picker(
    april_complete: None, client: Client, reported: int
) -> None:
    report_may(reported)
    client.force_login(make_user("pembaca", "viewer"))
    response = client.get("/simulasi/")
    assert response.status_code == 200
    page = text_of(response)
    html = response.content.decode()
    if reported < 22:
        assert "mulai dari posisi akhir April 2025" in page
        assert f"Mei 2025 — belum lengkap, {reported}/22" in page
        assert '<option value="2025-04" selected>' in html
    else:
        assert "mulai dari posisi akhir Mei 2025" in page
        assert '<option value="2025-05" selected>' in html


def test_planner_period_picker_chooses_the_starting_month(
    april_complete: None, client: Client
) -> None:
    report_may(22)
    client.force_login(make_user("pembaca", "viewer"))
    page = text_of(client.get("/simulasi/?periode=2025-03"))
    assert "mulai dari posisi akhir Maret 2025" in page
    response = client.get("/simulasi/?periode=2025-99")
    assert response.status_code == 400
    assert "Periode “2025-99” tidak valid" in response.content.decode()


def test_planner_recomputes_from_the_posted_starting_month(
    april_complete: None, client: Client
) -> None:
    report_may(1)
    client.force_login(make_user("pembaca", "viewer"))
    data = {
        "scope": "53",
        "target_count": "",
        "periode": "2025-05",
        "aksi": "hitung",
        "lever-TOTAL_FORMS": "0",
        "lever-INITIAL_FORMS": "0",
        "lever-MIN_NUM_FORMS": "0",
        "lever-MAX_NUM_FORMS": "8",
    }
    response = client.post("/simulasi/", data)
    assert response.status_code == 200
    assert "mulai dari posisi akhir Mei 2025" in text_of(response)
    assert '<option value="2025-05" selected>Mei 2025 — belum lengkap, 1/22</option>' in (
        response.content.decode()
    )
