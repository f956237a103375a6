"""A province manager approves a month and takes the PDF summary to a meeting."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from coverage.models import MonthApproval

from .conftest import PASSWORD, PageWatch, demo_site_with_user, open_page, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    return demo_site_with_user(live_server, monkeypatch, "kepala", "--role", "manager")


def test_manager_approves_a_month_and_downloads_the_pdf(site, browser, watch: PageWatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    page.goto(site.url + "/masuk/")
    page.fill("input[name=username]", "kepala")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(site.url + "/persetujuan/")
    approve = page.locator(
        "form[action$='/persetujuan/setujui/']"
        ":has(input[name=period][value='2025-04']):has(input[name=branch][value='KUPANG'])"
    )
    with page.expect_navigation():
        approve.locator("button").click()
    assert MonthApproval.objects.filter(
        year=2025, month=4, branch_id="KUPANG", locked=True
    ).exists()
    screenshot(page, "approval")

    page.goto(site.url + "/cabang/KUPANG/?period=2025-04")
    assert "Disetujui" in page.inner_text(".subtitle")
    page.goto(site.url + "/cabang/ENDE/?period=2025-04")
    assert "Sementara" in page.inner_text(".subtitle")

    page.goto(site.url + "/cabang/KUPANG/?period=2025-04")
    with page.expect_download() as download_info:
        page.click("text=Unduh PDF")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(BytesIO(data)).pages)
    assert "Kupang" in text
    assert "Disetujui" in text
    assert watch.console_errors == []
    assert watch.outside_requests == []
