"""The dashboard pages: Indonesian numbers, errors as pages (never a traceback), no inline JS."""

import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coverage.models import ParticipantCount, Target, WorkforceFigure
from coverage.services import rebuild_monthly_totals

# Active participants per month: Kota Kupang (5371, branch KUPANG) and Ende (5311, branch ENDE).
KOTA_KUPANG = {
    (2024, 12): 100_000,
    (2025, 1): 103_000,
    (2025, 2): 106_000,
    (2025, 3): 109_000,
    (2025, 4): 112_000,
}
ENDE = {
    (2024, 12): 16_000,
    (2025, 1): 17_000,
    (2025, 2): 18_000,
    (2025, 3): 19_000,
    (2025, 4): 20_000,
}


def small_ntt() -> None:
    """A province with two regions that report, a UCJ and a BPS denominator and one target.

    April 2025: 132,000 active (112,000 + 20,000); UCJ base 1,626,300 → 8.12%; BPS labour
    force 3,120,000 (2024) → 4.23%; target 1,000,000 = 60% → gap 868,000, pace 108,500 a
    month over 8 months; run rate (132,000 − 120,000) / 3 = 4,000; December 164,000.
    """
    rows = []
    for region, series, sector, segment in (
        ("5371", KOTA_KUPANG, "G", "PU"),
        ("5311", ENDE, "A", "BPU"),
    ):
        for (year, month), active in series.items():
            rows.append(
                ParticipantCount(
                    year=year,
                    month=month,
                    region_id=region,
                    sector_id=sector,
                    segment_id=segment,
                    active=active,
                    nonactive=active // 10,
                )
            )
    ParticipantCount.objects.bulk_create(rows)
    rebuild_monthly_totals()  # the rows bypassed the services that keep the totals
    WorkforceFigure.objects.bulk_create(
        [
            WorkforceFigure(year=2025, basis="UCJ", workers=1_626_300, source="UCJ uji 2025"),
            WorkforceFigure(
                year=2025,
                basis="UCJ",
                region_id="5371",
                workers=200_000,
                source="UCJ uji wilayah 2025",
            ),
            WorkforceFigure(
                year=2025,
                basis="UCJ",
                region_id="5311",
                workers=100_000,
                source="UCJ uji wilayah 2025",
            ),
            WorkforceFigure(
                year=2024,
                basis="BPS_AK",
                workers=3_120_000,
                source="BPS Sakernas Agustus 2024 (uji)",
            ),
        ]
    )
    Target.objects.create(
        year=2025, scope_type="province", basis="UCJ", target_count=1_000_000, target_pct=60
    )


@pytest.fixture
def data(reference: None) -> None:
    small_ntt()


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def chart_figure(page: str, chart_id: str) -> dict:  # type: ignore[type-arg]
    """The Plotly figure a page sends for ``chart_id`` (its json_script element)."""
    match = re.search(rf'id="{chart_id}" type="application/json">(.*?)</script>', page, re.S)
    assert match is not None, chart_id
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_overview_shows_headline_numbers_in_indonesian_format(client: Client, data: None) -> None:
    page = text(client.get("/"))
    assert "132.000" in page  # active
    assert "13.200" in page  # non-active
    assert "8,12%" in page  # UCJ coverage
    assert "4,23%" in page  # BPS labour-force coverage
    assert "1.000.000" in page  # target
    assert "868.000" in page  # gap
    assert "51,88 poin persen" in page  # 60 − 8.1166
    assert "108.500" in page  # required pace
    assert "4.000" in page  # run rate
    assert "164.000" in page  # projection at December
    assert "Tertinggal" in page  # off_track
    assert "Target 2025" in page and "Target 2.025" not in page


def test_overview_shows_the_implied_denominator_note(client: Client, data: None) -> None:
    page = text(client.get("/"))
    assert (
        "Target 1.000.000 = 60% menyiratkan basis 1.666.667; basis tersimpan 1.626.300 "
        "(selisih 2,5%)." in page
    )
    assert "Selisih lebih dari 5%" not in page


def test_overview_defaults_to_latest_period(client: Client, data: None) -> None:
    page = text(client.get("/"))
    assert '<option value="2025-04" selected>April 2025</option>' in page
    assert "Posisi akhir April 2025" in page


def test_earlier_period_is_shown_when_asked(client: Client, data: None) -> None:
    page = text(client.get("/?period=2025-01"))
    assert "120.000" in page  # 103,000 + 17,000
    assert '<option value="2025-01" selected>' in page


def test_basis_picker_switches_target_basis(client: Client, data: None) -> None:
    page = text(client.get("/?basis=BPS_AK"))
    assert "cakupan pada angkatan kerja BPS" in page
    assert "4,23%" in page


def test_branch_page_shows_its_regions_only(client: Client, data: None) -> None:
    response = client.get("/cabang/KUPANG/")
    page = text(response)
    assert response.status_code == 200
    assert "Kantor Cabang Kupang" in page
    assert "112.000" in page
    assert 'href="/wilayah/5371/?period=2025-04&amp;basis=UCJ"' in page


def test_region_page_shows_region_coverage(client: Client, data: None) -> None:
    page = text(client.get("/wilayah/5371/"))
    assert "Kota Kupang" in page
    assert "112.000" in page
    assert "56,00%" in page  # 112,000 / 200,000
    assert "122.979" in page  # 1,000,000 × 200,000 / 1,626,300, allocated
    assert "dialokasikan" in page


def test_unknown_region_is_an_indonesian_404(client: Client, data: None) -> None:
    response = client.get("/wilayah/9999/")
    assert response.status_code == 404
    page = text(response)
    assert "Halaman tidak ditemukan" in page
    assert "“9999” tidak ditemukan" in page
    assert "Traceback" not in page


def test_branch_url_with_a_region_code_is_404(client: Client, data: None) -> None:
    assert client.get("/cabang/5371/").status_code == 404


def test_bad_period_is_a_clear_400_message(client: Client, data: None) -> None:
    response = client.get("/?period=2025-13")
    assert response.status_code == 400
    page = text(response)
    assert "Periode “2025-13” tidak valid" in page
    assert "Traceback" not in page


def test_period_without_data_is_404_with_message(client: Client, data: None) -> None:
    response = client.get("/?period=2019-01")
    assert response.status_code == 404
    assert "Belum ada data kepesertaan untuk periode 2019-01" in text(response)


def test_unknown_basis_is_400(client: Client, data: None) -> None:
    response = client.get("/?basis=XYZ")
    assert response.status_code == 400
    assert "Basis “XYZ” tidak dikenal" in text(response)


def test_empty_database_explains_how_to_load_data(client: Client, reference: None) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "Belum ada data kepesertaan" in page
    assert "make run" in page
    assert "import_data" in page


def test_demo_badge_follows_the_setting(client: Client, data: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO_DATA = True
    assert "badge-demo" in text(client.get("/"))
    settings.DEMO_DATA = False
    assert "badge-demo" not in text(client.get("/"))


def test_page_has_no_inline_script(client: Client, data: None) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes


def test_charts_are_sent_as_json_with_the_local_partial_plotly_bundle(
    client: Client, data: None
) -> None:
    page = client.get("/").content.decode()
    for chart in ("progress", "regions", "map", "formal", "segments", "sectors", "heatmap"):
        assert f'id="chart-{chart}" type="application/json"' in page
        assert f'data-figure="chart-{chart}"' in page
    assert "/static/vendor/plotly/plotly.min.js" in page
    assert "choroplethmap" not in page
    assert "cdn" not in page.lower()


def test_map_draws_regency_outlines_that_link_to_their_pages(client: Client, data: None) -> None:
    page = client.get("/").content.decode()
    figure = chart_figure(page, "chart-map")
    polygons = [trace for trace in figure["data"] if trace.get("fill") == "toself"]
    assert len(polygons) == 22  # every regency of the shipped GeoJSON
    labels = figure["data"][-1]
    assert "Kota Kupang" in labels["text"]
    assert "/wilayah/5371/?period=2025-04&basis=UCJ" in labels["customdata"]
    assert figure["layout"]["meta"]["aspect"] > 0


def test_chart_captions_name_basis_year_and_source(client: Client, data: None) -> None:
    page = text(client.get("/"))
    assert "Basis UCJ 2025 · Sumber: UCJ uji 2025" in page
    assert "Basis angkatan kerja BPS 2024 · Sumber: BPS Sakernas Agustus 2024 (uji)" in page
    assert "Basis: basis" not in page


def test_english_captions_are_english(client: Client, data: None) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = text(client.get("/"))
    assert "UCJ base 2025 · Source: UCJ uji 2025" in page
    assert "Sumber:" not in page


def test_behind_table_gives_each_branch_its_gap(client: Client, data: None) -> None:
    page = text(client.get("/"))
    # Kupang's allocated target 1,000,000 × 200,000 / 1,626,300 = 122,979; gap 10,979.
    table = page[page.index('id="tertinggal"') :]
    assert "122.979" in table
    assert "10.979" in table


def test_language_switch_is_remembered(client: Client, data: None) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = text(client.get("/"))
    assert '<html lang="en">' in page
    assert "132,000" in page
    assert "8.12%" in page


def test_pages_are_read_only(client: Client, data: None) -> None:
    assert client.post("/").status_code == 405
    assert client.head("/").status_code == 200


def test_page_queries_do_not_grow_with_regions(client: Client, data: None) -> None:
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len(queries) <= 16


@pytest.mark.parametrize("path", ["/", "/cabang/KUPANG/", "/cabang/LABUAN_BAJO/", "/wilayah/5371/"])
def test_pages_render_on_demo_data(client: Client, reference: None, path: str) -> None:
    call_command("load_demo", verbosity=0)
    response = client.get(path)
    assert response.status_code == 200
    page = text(response)
    assert "Data contoh" in page
    assert "Traceback" not in page


# --- decision-first layout -------------------------------------------------------------------


def test_answer_sentence_comes_first_and_matches_the_cards(client: Client, data: None) -> None:
    page = text(client.get("/"))
    sentence = (
        "Dengan laju saat ini Nusa Tenggara Timur mencapai 164.000 peserta pada Desember 2025 "
        "— kurang 836.000 dari target 1.000.000. Perlu 108.500 per bulan; "
        "laju tiga bulan terakhir 4.000."
    )
    assert sentence in page
    assert page.index(sentence) < page.index('class="cards"') < page.index('id="tertinggal"')


def test_answer_sentence_is_english_on_english_pages(client: Client, data: None) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = text(client.get("/"))
    assert "At the current rate Nusa Tenggara Timur reaches 164,000 participants" in page
    assert "836,000 short of the target of 1,000,000" in page


def test_behind_table_comes_before_every_chart_with_one_table_per_grain(
    client: Client, data: None
) -> None:
    page = text(client.get("/"))
    assert page.index('id="tertinggal"') < page.index('data-figure="chart-progress"')
    assert page.count('id="tertinggal"') == 1
    assert page.count('id="tertinggal-kabupaten"') == 1
    for duplicate in ('id="table-branches"', 'id="table-regions"', "Siapa harus menutup berapa"):
        assert duplicate not in page


def test_details_are_folded_under_rincian(client: Client, data: None) -> None:
    page = text(client.get("/"))
    folded = page[page.index('<details class="card details" id="rincian">') :]
    for inside in ("chart-sectors", "chart-heatmap", "chart-segments", 'id="table-sectors"'):
        assert inside in folded
    for outside in ("chart-progress", "chart-map", "chart-formal"):
        assert f'data-figure="{outside}"' not in folded


def test_branch_page_behind_table_lists_its_regencies(client: Client, data: None) -> None:
    page = text(client.get("/cabang/KUPANG/"))
    table = page[page.index('id="tertinggal"') : page.index("</table>", page.index("tertinggal"))]
    assert 'href="/wilayah/5371/?period=2025-04&amp;basis=UCJ"' in table
    assert "Ende" not in table
    assert 'id="tertinggal-kabupaten"' not in page


def test_region_page_marks_itself_among_its_branchs_regencies(client: Client, data: None) -> None:
    page = text(client.get("/wilayah/5371/"))
    table = page[page.index('id="tertinggal"') :]
    assert '<tr data-code="5371" class="current-row" aria-current="page">' in table
    assert 'href="/ekspor/by_region/KUPANG/2025-04.csv?basis=UCJ"' in table  # the branch's


def test_behind_table_orders_and_shows_each_areas_forecast(
    client: Client, data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows' own metrics (hand-built here) decide the order, status and ratio shown."""
    from dataclasses import replace
    from fractions import Fraction

    from coverage import summaries
    from coverage.views import dashboard

    real = summaries.load_dashboard

    def with_metrics(**kwargs):  # type: ignore[no-untyped-def]
        loaded = real(**kwargs)
        head = loaded.summary.metrics
        forecasts = {
            "5371": replace(head, status="on_track", pace_ratio=Fraction(3, 2)),
            "5311": replace(
                head,
                status="off_track",
                pace_ratio=Fraction(12, 100),
                probability_reaching_target=Fraction(4, 100),
            ),
        }
        rows = [replace(row, metrics=forecasts.get(row.code)) for row in loaded.summary.by_region]
        return replace(loaded, summary=replace(loaded.summary, by_region=rows))

    monkeypatch.setattr(dashboard, "load_dashboard", with_metrics)
    page = text(client.get("/?basis=UCJ&period=2025-04"))
    table = page[page.index('id="tertinggal-kabupaten"') :]
    ende, kota = table.index('data-code="5311"'), table.index('data-code="5371"')
    assert ende < kota  # 0,12× is further behind than 1,50×
    assert "0,12×" in table and "1,50×" in table
    assert "4%" in table
    assert 'status-off_track tone-bad">Tertinggal' in table
    assert 'status-on_track tone-good">Sesuai jalur' in table


def test_progress_chart_shades_the_80_percent_band_when_there_is_one(
    client: Client, data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from coverage import summaries
    from coverage.calculations import Period
    from coverage.views import dashboard

    real = summaries.load_dashboard
    band = ((Period(2025, 5), 130_000, 140_000), (Period(2025, 6), 129_000, 147_000))

    def with_band(**kwargs):  # type: ignore[no-untyped-def]
        loaded = real(**kwargs)
        metrics = replace(loaded.summary.metrics, projection_band=band)
        return replace(loaded, summary=replace(loaded.summary, metrics=metrics))

    monkeypatch.setattr(dashboard, "load_dashboard", with_band)
    page = client.get("/").content.decode()
    figure = chart_figure(page, "chart-progress")
    low, high = figure["data"][0], figure["data"][1]
    assert high["name"] == "Rentang 80 %" and high["fill"] == "tonexty"
    values = [value for value in high["y"] if value is not None]
    assert values == [132_000, 140_000, 147_000]  # opens at April's 132,000
    assert [value for value in low["y"] if value is not None] == [132_000, 130_000, 129_000]
