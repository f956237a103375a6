"""An admin of the Kupang branch logs in, fills a month in the grid and uploads a file."""

from pathlib import Path

import pytest

from coverage.models import ChangeLog, ParticipantCount

from .conftest import PASSWORD, PageWatch, demo_site_with_user, open_page, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    return demo_site_with_user(
        live_server, monkeypatch, "admin_kupang", "--role", "admin", "--branch", "KUPANG"
    )


def log_in(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/masuk/")
    page.fill("input[name=username]", "admin_kupang")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "admin_kupang" in page.inner_text("header")


def stored(sector: str, segment: str) -> int:
    return ParticipantCount.objects.get(
        year=2025, month=4, region_id="5371", sector_id=sector, segment_id=segment
    ).active


def test_admin_fills_the_grid_and_confirms_a_warning(site, browser, watch: PageWatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    log_in(page, site.url)
    page.goto(site.url + "/isian/?period=2025-04&scope=5371")
    assert "Kota Kupang: sektor × segmen, April 2025" in page.inner_text("main")
    cell = page.locator("input[name='c-5371-G-PU']")
    before = stored("G", "PU")
    cell.fill(str(before * 2))
    with page.expect_navigation():
        page.click("#entry-grid button[type=submit]")
    assert "dari bulan lalu" in page.inner_text("#entry-grid"), "a +100 % change is a warning"
    assert stored("G", "PU") == before, "nothing is saved before the warning is confirmed"
    screenshot(page, "entry-grid")
    page.check("input[name=checked]")
    page.fill("textarea[name=comment]", "Tambahan peserta dari kemitraan REI")
    with page.expect_navigation():
        page.click("#entry-grid button[type=submit]")
    assert stored("G", "PU") == before * 2
    log = ChangeLog.objects.filter(source="grid", key="2025-04/5371/G/PU").get()
    assert log.new_value.startswith(f"{before * 2} /")
    assert watch.console_errors == []
    assert watch.outside_requests == []


def test_admin_uploads_previews_and_applies(
    site, browser, watch: PageWatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "april.csv"
    path.write_text(
        "period;region_code;sector_code;segment;active;nonactive\n2025-04;5371;A;PU;4321;10\n"
    )
    page = open_page(browser, watch)
    log_in(page, site.url)
    page.goto(site.url + "/unggah/")
    page.select_option("select[name=kind]", "participants")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/unggah/pratinjau/**")
    assert "baris diubah" in page.inner_text("main").lower()
    assert stored("A", "PU") != 4321, "the preview writes nothing"
    screenshot(page, "upload-preview")
    with page.expect_navigation():
        page.click("button:has-text('Terapkan')")
    assert stored("A", "PU") == 4321
    assert ChangeLog.objects.filter(source="upload", source_detail__contains="april.csv").exists()
    assert watch.console_errors == []
    assert watch.outside_requests == []


def test_admin_upload_with_errors_lists_rows_and_columns(
    site, browser, watch: PageWatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "salah.csv"
    path.write_text(
        "period,region_code,sector_code,segment,active\n2025-04,5371,A,PU,-5\n2025-04,5302,A,PU,7\n"
    )
    page = open_page(browser, watch)
    log_in(page, site.url)
    page.goto(site.url + "/unggah/")
    page.select_option("select[name=kind]", "participants")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/unggah/pratinjau/**")
    text = page.inner_text("main")
    assert "baris 2, kolom active" in text
    assert "baris 3, kolom region_code: di luar wilayah kerja Anda" in text
    assert page.locator("button:has-text('Terapkan')").count() == 0
