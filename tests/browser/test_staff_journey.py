"""A branch staff member browses the dashboard in a real browser (Debian Chromium)."""

from io import StringIO

import pytest
from django.core.management import call_command

from coverage.calculations import Period
from coverage.summaries import load_coverage_summary

from .conftest import PageWatch, open_page, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def dotted(value: int) -> str:
    """Indonesian thousands separators: 551939 → 551.939."""
    return f"{value:,}".replace(",", ".")


@pytest.fixture
def demo_site(live_server):  # type: ignore[no-untyped-def]
    call_command("loaddata", "reference", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    return live_server


def charts_drawn(page, *, unfold: bool = True) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Each chart container: whether Plotly drew an SVG and how many data points it holds.

    The charts folded under "Rincian" are drawn when it opens; ``unfold`` opens it
    (and folds it again afterwards, so that a screenshot shows the page as it loads).
    """
    page.wait_for_function(
        "() => { const charts = [...document.querySelectorAll('.chart')]"
        ".filter(c => !c.closest('details:not([open])'));"
        " return charts.length > 0 && charts.every(c => c.classList.contains('chart-drawn')); }",
        timeout=20_000,
    )
    if unfold and page.locator("#rincian").count():
        page.click("#rincian > summary")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.chart')]"
            ".every(c => c.classList.contains('chart-drawn'))",
            timeout=20_000,
        )
        page.click("#rincian > summary")
    return page.eval_on_selector_all(
        ".chart",
        """els => els.map(el => ({
            id: el.dataset.figure,
            svg: el.querySelectorAll('svg.main-svg').length,
            points: (el.data || []).reduce((n, t) =>
                n + ((t.x || t.z || t.locations || t.values || []).length || 0), 0)
        }))""",
    )


def test_overview_shows_province_progress_with_every_chart_drawn(
    demo_site, browser, watch: PageWatch
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    page.goto(demo_site.url + "/")
    expected = load_coverage_summary(period=Period(2025, 4), scope_code="53", basis="UCJ").metrics
    assert "Provinsi Nusa Tenggara Timur" in page.inner_text("h1")
    body = page.inner_text("main")
    assert dotted(expected.active) in body
    assert "1.000.000" in body
    assert "Data contoh" in page.inner_text("header")
    charts = charts_drawn(page)
    assert len(charts) >= 7
    for chart in charts:
        assert chart["svg"], f"chart {chart['id']} drew no SVG"
        assert chart["points"], f"chart {chart['id']} has no data"
    screenshot(page, "overview")
    assert watch.console_errors == []
    assert watch.outside_requests == []


def test_staff_switches_period_and_scope(demo_site, browser, watch: PageWatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    page.goto(demo_site.url + "/")
    page.select_option("select[name=period]", "2025-03")
    page.wait_for_url("**period=2025-03**")
    assert "Maret 2025" in page.inner_text(".subtitle")
    page.click("nav.scope-nav >> text=Cabang Kupang")
    page.wait_for_url("**/cabang/KUPANG/**")
    assert "Kupang" in page.inner_text("h1")
    assert "Maret 2025" in page.inner_text(".subtitle"), "the period is kept across scopes"
    charts_drawn(page)
    screenshot(page, "branch")
    page.click("nav.scope-nav >> text=Kota Kupang")
    page.wait_for_url("**/wilayah/5371/**")
    assert "Kota Kupang" in page.inner_text("h1")
    charts_drawn(page)
    screenshot(page, "regency")
    assert watch.console_errors == []
    assert watch.outside_requests == []


def test_hovering_the_progress_chart_shows_indonesian_numbers(
    demo_site, browser, watch: PageWatch
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    page.goto(demo_site.url + "/")
    charts_drawn(page)
    chart = page.locator("[data-figure=chart-progress]")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    for fraction in (0.45, 0.5, 0.55, 0.6):
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5)
        if page.locator(".chart >> .hoverlayer .hovertext").count():
            break
    hover = page.locator(".chart >> .hoverlayer .hovertext").first.text_content() or ""
    assert "." in hover and "," not in hover.split(" ")[-1], hover


def test_language_switch_is_remembered(demo_site, browser, watch: PageWatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch)
    page.goto(demo_site.url + "/")
    assert page.get_attribute("html", "lang") == "id"
    page.click("form.lang-switch button[value=en]")
    page.wait_for_load_state("load")
    assert page.get_attribute("html", "lang") == "en"
    page.goto(demo_site.url + "/wilayah/5306/")
    assert page.get_attribute("html", "lang") == "en"
    page.click("form.lang-switch button[value=id]")
    page.wait_for_load_state("load")
    assert page.get_attribute("html", "lang") == "id"


def test_phone_width_has_no_sideways_scroll(demo_site, browser, watch: PageWatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch, width=390, height=844)
    page.goto(demo_site.url + "/")
    charts_drawn(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(page, "overview-phone")
