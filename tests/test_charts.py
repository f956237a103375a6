"""Figure builders: plain data in, JSON-ready Plotly dicts out (no Django involved)."""

import json

from coverage import charts, map_figure

MONTHS = ["Des 2024", "Jan 2025", "Feb 2025", "Mar 2025"]


def progress() -> charts.FigureDict:
    return charts.progress_figure(
        months=MONTHS,
        actual=[100, 103, 106, None],
        target_path=[100.0, 110.0, 120.0, 130.0],
        projection=[None, None, 106.0, 109.0],
        title="Peserta aktif vs jalur target",
        actual_label="Peserta aktif",
        target_label="Jalur target",
        projection_label="Proyeksi",
        axis_label="Peserta",
    )


def test_progress_figure_draws_actual_target_path_and_projection() -> None:
    figure = progress()
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Peserta aktif", "Jalur target", "Proyeksi"]
    assert figure["data"][0]["y"] == [100, 103, 106, None]
    assert figure["data"][1]["line"]["dash"] == "dash"
    assert figure["layout"]["title"]["text"] == "Peserta aktif vs jalur target"


def test_figures_use_indonesian_separators_and_the_plain_config() -> None:
    figure = progress()
    assert figure["layout"]["separators"] == ",."
    assert figure["config"] == {"displaylogo": False, "responsive": True}


def test_figures_are_plain_json() -> None:
    figure = progress()
    assert json.loads(json.dumps(figure)) == figure


def test_progress_without_target_has_no_path_trace() -> None:
    figure = charts.progress_figure(
        months=MONTHS,
        actual=[1, 2, 3, 4],
        target_path=[None] * 4,
        projection=[None] * 4,
        title="t",
        actual_label="a",
        target_label="b",
        projection_label="c",
        axis_label="d",
    )
    assert [trace["name"] for trace in figure["data"]] == ["a"]


def test_region_bars_sort_by_coverage_and_mark_targets() -> None:
    figure = charts.region_coverage_figure(
        names=["Ende", "Kota Kupang", "Malaka"],
        coverage=[37.6, 68.6, None],
        target_pct=[50.0, 75.0, 40.0],
        highlight=[False, True, False],
        title="Cakupan",
        coverage_label="Cakupan",
        target_label="Target",
        axis_label="%",
    )
    bars, targets = figure["data"]
    assert bars["y"] == ["Kota Kupang", "Ende", "Malaka"]
    assert bars["x"] == [68.6, 37.6, None]
    assert bars["marker"]["color"][0] == charts.HIGHLIGHT
    assert targets["x"] == [75.0, 50.0, 40.0]


SQUARE = [(120.0, -9.0), (121.0, -9.0), (121.0, -10.0), (120.0, -10.0), (120.0, -9.0)]
ISLET = [(122.0, -9.0), (122.1, -9.0), (122.1, -9.1), (122.0, -9.0)]


def test_regency_outlines_read_polygons_and_multipolygons_by_bps_code() -> None:
    geojson = {
        "features": [
            {
                "properties": {"bps_code": "5311"},
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in SQUARE]]},
            },
            {
                "properties": {"bps_code": "5371"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[list(p) for p in SQUARE]], [[list(p) for p in ISLET]]],
                },
            },
        ]
    }
    outlines = map_figure.regency_outlines(geojson)
    assert outlines["5311"] == [SQUARE]
    assert outlines["5371"] == [SQUARE, ISLET]


def test_label_sits_on_the_largest_island() -> None:
    x, y = map_figure.label_point([ISLET, SQUARE])
    assert abs(x - 120.5) < 1e-9 and abs(y - -9.5) < 1e-9


def test_scale_colour_follows_the_colour_bar_stops() -> None:
    scale = [[0.0, "#000000"], [0.5, "#ff0000"], [1.0, "#ffffff"]]
    assert map_figure.scale_colour(0, low=0, high=10, scale=scale) == "#000000"
    assert map_figure.scale_colour(5, low=0, high=10, scale=scale) == "#ff0000"
    assert map_figure.scale_colour(7.5, low=0, high=10, scale=scale) == "#ff8080"
    assert map_figure.scale_colour(99, low=0, high=10, scale=scale) == "#ffffff"


def test_map_is_drawn_from_local_outlines_without_tiles_and_links_each_regency() -> None:
    figure = map_figure.region_map_figure(
        outlines={"5311": [SQUARE], "5371": [ISLET]},
        codes=["5311", "5371", "9999"],
        names=["Ende", "Kota Kupang", "Tanpa peta"],
        coverage=[37.6, None, 5.0],
        hover=["Ende · 37,60%", "Kota Kupang · tanpa data", "x"],
        links=["/wilayah/5311/", "/wilayah/5371/", "/wilayah/9999/"],
        highlight=[False, True, False],
        title="Peta",
        colorbar_label="Cakupan",
    )
    ende, kota, labels = figure["data"]
    assert {trace["type"] for trace in figure["data"]} == {"scatter"}
    assert ende["fill"] == "toself" and ende["customdata"] == ["/wilayah/5311/"]
    assert ende["x"][-1] is None  # rings are separated so each island fills alone
    assert kota["fillcolor"] == charts.MUTED  # no coverage: grey, not the lowest colour
    assert kota["line"]["color"] == charts.HIGHLIGHT
    assert labels["text"] == ["Ende", "Kota Kupang"]
    assert labels["customdata"] == ["/wilayah/5311/", "/wilayah/5371/"]
    assert labels["marker"]["showscale"] is True
    assert figure["layout"]["yaxis"]["scaleanchor"] == "x"
    assert "map" not in figure["layout"] and "geo" not in figure["layout"]
    assert 0.1 < figure["layout"]["meta"]["aspect"] < 2


def test_progress_band_is_shaded_between_p10_and_p90() -> None:
    figure = charts.progress_figure(
        months=MONTHS,
        actual=[100, 103, 106, None],
        target_path=[None] * 4,
        projection=[None, None, 106.0, 109.0],
        band_low=[None, None, 106, 107],
        band_high=[None, None, 106, 111],
        band_label="Rentang 80 %",
        title="t",
        actual_label="a",
        target_label="b",
        projection_label="c",
        axis_label="d",
    )
    low, high = figure["data"][0], figure["data"][1]
    assert low["y"] == [None, None, 106, 107] and low["showlegend"] is False
    assert high["y"] == [None, None, 106, 111]
    assert high["fill"] == "tonexty" and high["name"] == "Rentang 80 %"
    assert [trace["name"] for trace in figure["data"][2:]] == ["a", "c"]


def test_progress_without_band_draws_no_band() -> None:
    assert all("fill" not in trace for trace in progress()["data"])


def test_region_bar_labels_are_horizontal_and_targets_are_separate_diamonds() -> None:
    figure = charts.region_coverage_figure(
        names=["A", "B"],
        coverage=[10.0, 20.0],
        target_pct=[30.0, 30.0],
        highlight=[False, False],
        title="t",
        coverage_label="c",
        target_label="Target",
        axis_label="%",
    )
    bars, targets = figure["data"]
    assert bars["textangle"] == 0 and bars["textposition"] == "auto"
    assert targets["marker"]["symbol"] == "diamond"


def test_formal_informal_shares() -> None:
    figure = charts.formal_informal_figure(
        formal=75,
        informal=25,
        title="Formal vs informal",
        formal_label="Formal",
        informal_label="Informal",
        axis_label="Peserta",
    )
    assert figure["data"][0]["y"] == [75, 25]
    assert figure["data"][0]["customdata"] == [75.0, 25.0]


def test_segment_trend_stacks_segments_in_given_order() -> None:
    figure = charts.segment_trend_figure(
        months=["Jan 2025", "Feb 2025"],
        series={"PU": [10, 11], "BPU": [3, 4]},
        names={"PU": "Penerima Upah", "BPU": "Bukan Penerima Upah"},
        title="Segmen",
        axis_label="Peserta",
    )
    assert [trace["name"] for trace in figure["data"]] == ["Penerima Upah", "Bukan Penerima Upah"]
    assert {trace["stackgroup"] for trace in figure["data"]} == {"segments"}
    assert figure["data"][1]["line"]["color"] == charts.SEGMENT_COLOURS["BPU"]


def sector(coverage: list[float | None]) -> charts.FigureDict:
    return charts.sector_figure(
        labels=["A · Pertanian", "G · Perdagangan"],
        active=[50, 40],
        coverage=coverage,
        title="Sektor",
        active_title="Peserta aktif",
        coverage_title="Cakupan BPS",
    )


def test_sector_figure_leaves_out_coverage_panel_without_workforce_figures() -> None:
    with_coverage = sector([3.2, 10.5])
    without = sector([None, None])
    assert len(with_coverage["data"]) == 2
    assert with_coverage["data"][1]["xaxis"] == "x2"
    assert "xaxis2" in with_coverage["layout"]
    assert len(without["data"]) == 1
    assert "xaxis2" not in without["layout"]


def test_heatmap_has_regions_as_rows_and_sectors_as_columns() -> None:
    figure = charts.region_sector_heatmap(
        regions=["Ende", "Kota Kupang"],
        sectors=["A", "G"],
        sector_names=["Pertanian", "Perdagangan"],
        values=[[5, 1], [2, 9]],
        title="Peta panas",
        colorbar_label="Peserta",
    )
    trace = figure["data"][0]
    assert trace["z"] == [[5, 1], [2, 9]]
    assert trace["x"] == ["A", "G"]
    assert trace["y"] == ["Ende", "Kota Kupang"]


def test_formal_informal_labels_wrap_and_stay_horizontal() -> None:
    figure = charts.formal_informal_figure(
        formal=3,
        informal=1,
        title="t",
        formal_label="Formal (PU + JAKON + PMI)",
        informal_label="Informal (BPU)",
        axis_label="Peserta",
    )
    assert figure["data"][0]["x"] == ["Formal<br>(PU + JAKON + PMI)", "Informal<br>(BPU)"]
    assert figure["layout"]["xaxis"]["tickangle"] == 0
