"""A branch head opens the "Program Pemda" page and the regency league table in a real
browser (Debian Chromium), with the demo data; screenshots for the README."""

from io import StringIO

import pytest
from django.core.management import call_command

from coverage import programme_selectors

from .conftest import PageWatch, open_page, screenshot
from .test_staff_journey import charts_drawn, dotted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_site(live_server):  # type: ignore[no-untyped-def]
    call_command("loaddata", "reference", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    return live_server


def test_programme_page_shows_quota_budget_and_charts(demo_site, browser, watch: PageWatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    page.goto(demo_site.url + "/program-pemda/")
    period = programme_selectors.latest_enrolment_period()
    assert period is not None
    status = programme_selectors.programme_statuses(period=period)[0]
    body = page.inner_text("main")
    assert "Perlindungan 100.000 pekerja rentan (Data contoh)" in body
    assert dotted(status.enrolled) in body
    assert "Rp" + dotted(status.remaining_idr) in body
    charts = charts_drawn(page)
    assert len(charts) == 4  # quota and budget for each of the two demo programmes
    for chart in charts:
        assert chart["svg"], f"chart {chart['id']} drew no SVG"
    assert page.locator("#program-PEKERJA-RENTAN-2025 tbody tr").count() == 22
    assert not watch.console_errors
    assert not watch.outside_requests
    screenshot(page, "programmes")


def test_league_table_sorts_by_a_column_link(demo_site, browser, watch: PageWatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    page.goto(demo_site.url + "/peringkat/")
    assert "bukan penilaian resmi Paritrana" in page.inner_text("main")
    rows = page.locator("#table-league tbody tr")
    assert rows.count() == 22
    assert "Belu" in rows.first.inner_text()  # highest UCJ coverage in the demo
    page.click("#table-league th >> text=Anggaran APBD")
    page.wait_for_url("**sort=budget**")
    assert "Kota Kupang" in page.locator("#table-league tbody tr").first.inner_text()
    page.goto(demo_site.url + "/peringkat/")
    assert not watch.console_errors
    assert not watch.outside_requests
    screenshot(page, "league")


def test_methods_page_explains_and_backtests_on_the_demo_data(
    demo_site, browser, watch: PageWatch
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    page.goto(demo_site.url + "/")
    with page.expect_navigation():
        page.click("footer >> text=Metode & akurasi")
    assert "Peluang" in page.inner_text("#peluang")
    rows = page.locator("#table-backtest tbody tr")
    assert rows.count() == 6  # horizons 1 to 6 months
    assert not watch.console_errors
    assert not watch.outside_requests
    screenshot(page, "methods")
