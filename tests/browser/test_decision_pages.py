"""The decision-first layout in a real browser: the who-is-behind table near the top and in
order, a short overview, no sideways scroll on a phone, the map opening a regency."""

from io import StringIO

import pytest
from django.core.management import call_command

from coverage.calculations import Period
from coverage.presentation import behind_rows
from coverage.summaries import load_coverage_summary

from .conftest import PageWatch, open_page

pytestmark = pytest.mark.django_db(transaction=True)

VISIBLE_CHARTS_DRAWN = (
    "() => { const charts = [...document.querySelectorAll('.chart')]"
    ".filter(c => !c.closest('details:not([open])'));"
    " return charts.length > 0 && charts.every(c => c.classList.contains('chart-drawn')); }"
)


@pytest.fixture
def demo_site(live_server):  # type: ignore[no-untyped-def]
    call_command("loaddata", "reference", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    return live_server


def test_behind_table_starts_in_the_first_1000_px_furthest_behind_first(
    demo_site, browser, watch: PageWatch
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch, width=1366, height=768)
    page.goto(demo_site.url + "/")
    page.wait_for_function(VISIBLE_CHARTS_DRAWN, timeout=20_000)
    top = page.evaluate(
        "document.getElementById('tertinggal').getBoundingClientRect().top + window.scrollY"
    )
    assert top < 1000
    shown = page.eval_on_selector_all(
        "#tertinggal tbody tr", "rows => rows.map(r => r.dataset.code)"
    )
    summary = load_coverage_summary(period=Period(2025, 4), scope_code="53", basis="UCJ")
    assert shown == [row.code for row in behind_rows(summary.by_branch)]
    assert len(shown) == 6
    # the switch shows the regencies instead, in the same order rule
    page.click("button[data-behind-show=tertinggal-kabupaten]")
    assert page.is_visible("#tertinggal-kabupaten")
    assert not page.is_visible("#tertinggal")
    regencies = page.eval_on_selector_all(
        "#tertinggal-kabupaten tbody tr", "rows => rows.map(r => r.dataset.code)"
    )
    assert regencies == [row.code for row in behind_rows(summary.by_region)]
    assert watch.console_errors == []


def test_overview_is_at_most_3100_px_tall_and_folded_charts_draw_when_opened(
    demo_site, browser, watch: PageWatch
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch, width=1366, height=768)
    page.goto(demo_site.url + "/")
    page.wait_for_function(VISIBLE_CHARTS_DRAWN, timeout=20_000)
    assert page.evaluate("document.documentElement.scrollHeight") <= 3100
    page.click("#rincian > summary")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#rincian .chart')]"
        ".every(c => c.classList.contains('chart-drawn'))",
        timeout=20_000,
    )
    widths = page.eval_on_selector_all(
        "#rincian .chart",
        "els => els.map(el => [el.clientWidth,"
        " el.querySelector('svg.main-svg').getAttribute('width')])",
    )
    for container, drawn in widths:
        assert abs(float(drawn) - container) <= 2, "a folded chart was drawn at the wrong width"
    assert watch.console_errors == []
    assert watch.outside_requests == []


@pytest.mark.parametrize("path", ["/", "/cabang/KUPANG/", "/wilayah/5371/"])
def test_phone_never_scrolls_sideways_and_hides_the_mode_bar(
    demo_site, browser, watch: PageWatch, path: str
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch, width=390, height=844)
    page.goto(demo_site.url + path)
    page.wait_for_function(VISIBLE_CHARTS_DRAWN, timeout=20_000)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    assert page.locator(".modebar").count() == 0
    # the wide table scrolls inside its own box
    box = page.evaluate(
        "(() => { const s = document.querySelector('#tertinggal').closest('.table-scroll');"
        " return [s.scrollWidth, s.clientWidth]; })()"
    )
    assert box[1] <= 390
    assert watch.console_errors == []


def test_clicking_a_regency_on_the_map_opens_its_page(demo_site, browser, watch: PageWatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, watch, width=1366, height=768)
    page.goto(demo_site.url + "/")
    page.wait_for_function(VISIBLE_CHARTS_DRAWN, timeout=20_000)
    page.locator("[data-figure=chart-map]").scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
          const el = document.querySelector('[data-figure=chart-map]');
          const labels = el.data[el.data.length - 1];
          const i = labels.text.indexOf('Sumba Timur');
          const layout = el._fullLayout;
          const box = el.getBoundingClientRect();
          return {
            x: box.left + layout._size.l + layout.xaxis.l2p(labels.x[i]),
            y: box.top + layout._size.t + layout.yaxis.l2p(labels.y[i]),
          };
        }"""
    )
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/wilayah/5302/**", timeout=10_000)
    assert "Sumba Timur" in page.inner_text("h1")
    assert watch.console_errors == []
