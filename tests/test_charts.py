"""Figure builders: plain data in, JSON-ready Plotly dicts out (no Django involved)."""

import json

from coverage import charts

MONTHS = ["Des 2024", "Jan 2025", "Feb 2025", "Mar 2025"]


def progress() -> dict:  # type: ignore[type-arg]
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


def test_map_is_drawn_from_the_local_geojson_without_tiles() -> None:
    figure = charts.region_map_figure(
        geojson_url="/static/geo/ntt_regencies.geojson",
        codes=["5311", "5371"],
        names=["Ende", "Kota Kupang"],
        coverage=[37.6, None],
        highlight=[False, True],
        title="Peta",
        colorbar_label="Cakupan",
        no_data_label="tanpa data",
    )
    trace = figure["data"][0]
    assert trace["type"] == "choroplethmap"
    assert trace["geojson"] == "/static/geo/ntt_regencies.geojson"
    assert trace["featureidkey"] == "properties.bps_code"
    assert trace["locations"] == ["5311", "5371"]
    assert trace["marker"]["line"]["width"] == [0.8, 2.5]
    assert figure["layout"]["map"]["style"] == "white-bg"
    assert figure["layout"]["map"]["center"] == {"lat": -9.4, "lon": 122.0}


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


def test_sector_figure_leaves_out_coverage_panel_without_workforce_figures() -> None:
    kwargs = {
        "labels": ["A · Pertanian", "G · Perdagangan"],
        "active": [50, 40],
        "title": "Sektor",
        "active_title": "Peserta aktif",
        "coverage_title": "Cakupan BPS",
    }
    with_coverage = charts.sector_figure(coverage=[3.2, 10.5], **kwargs)
    without = charts.sector_figure(coverage=[None, None], **kwargs)
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
