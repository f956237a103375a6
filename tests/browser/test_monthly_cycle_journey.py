"""The monthly cycle: an admin saves one regency of the next month in the grid; the
public overview still shows the last complete month and says a newer one is being
entered; the Kelengkapan view shows who reported."""

import pytest

from coverage.models import ParticipantCount

from .conftest import (
    PASSWORD,
    SCREENSHOTS,
    PageWatch,
    demo_site_with_user,
    open_page,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    return demo_site_with_user(live_server, monkeypatch, "admin_ntt", "--role", "admin")


def log_in(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/masuk/")
    page.fill("input[name=username]", "admin_ntt")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_one_regency_of_a_new_month_does_not_move_the_overview(  # type: ignore[no-untyped-def]
    site, browser, watch: PageWatch
) -> None:
    april: dict[str, int] = {}
    for sector, segment, active, nonactive in ParticipantCount.objects.filter(
        year=2025, month=4, region_id="5371"
    ).values_list("sector_id", "segment_id", "active", "nonactive"):
        april[f"c-5371-{sector}-{segment}"] = active
        april[f"n-5371-{sector}-{segment}"] = nonactive
    admin = open_page(browser, watch)
    log_in(admin, site.url)
    admin.goto(site.url + "/isian/?period=2025-05&scope=5371")
    for name, active in april.items():
        cell = admin.locator(f"input[name='{name}']")
        if cell.count():
            cell.fill(str(active))
    with admin.expect_navigation():
        admin.click("#entry-grid button[type=submit]")
    if (
        admin.locator("input[name=checked]").count()
        and not ParticipantCount.objects.filter(year=2025, month=5).exists()
    ):
        admin.check("input[name=checked]")
        admin.fill("textarea[name=comment]", "Angka Mei dari kantor Kota Kupang")
        with admin.expect_navigation():
            admin.click("#entry-grid button[type=submit]")
    assert set(
        ParticipantCount.objects.filter(year=2025, month=5).values_list("region_id", flat=True)
    ) == {"5371"}

    public = open_page(browser, watch)  # a fresh context: not logged in
    public.goto(site.url + "/")
    assert "Posisi akhir April 2025" in public.inner_text(".subtitle")
    banner = public.inner_text(".completeness-banner")
    assert "Data Mei 2025 sedang diisi: 1 dari 22 kabupaten/kota sudah melapor." in banner
    options = public.locator("select[name=period] option").all_inner_texts()
    assert options[0] == "Mei 2025 — belum lengkap, 1/22"
    # the top of the page, where the banner is (the whole overview is in overview.png)
    public.screenshot(path=str(SCREENSHOTS / "monthly-cycle.png"))

    with public.expect_navigation():
        public.click(".completeness-banner a")
    assert "Posisi akhir Mei 2025" in public.inner_text(".subtitle")
    warning = public.inner_text(".completeness-banner")
    assert "Data Mei 2025 belum lengkap: baru 1 dari 22 kabupaten/kota sudah melapor." in warning
    assert "Sumba Barat" in warning and "Kota Kupang" not in warning

    admin.goto(site.url + "/laporan-kelengkapan/?bulan=2025-05")
    text = admin.inner_text("main")
    assert "Rincian Mei 2025" in text
    assert admin.locator("tr[data-region='5371'][data-state='reported']").count() == 1
    assert "admin_ntt" in admin.inner_text("tr[data-region='5371']")
    screenshot(admin, "reporting")
    assert watch.console_errors == []
    assert watch.outside_requests == []
