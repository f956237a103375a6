"""Results → Plotly figure dicts, drawn in the browser by the local plotly.js bundle.

Pure functions: plain numbers and already-translated strings in, a JSON-ready
``{"data", "layout", "config"}`` dict out. No Django and no I/O here, so every
label arrives as an argument (the view translates it) and ``separators`` carries
the language's decimal and thousands marks (``",."`` for Indonesian).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

FigureDict = dict[str, Any]

CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True}
INDONESIAN_SEPARATORS = ",."

ACTUAL = "#1f5fa8"
TARGET = "#2e7d32"
PROJECTION = "#e07b00"
BAND_FILL = "rgba(224, 123, 0, 0.18)"
BAND_EDGE = "rgba(224, 123, 0, 0.35)"
MUTED = "#9aa5b1"
HIGHLIGHT = "#0d2b4e"
GRID = "#e6e9ee"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
SEGMENT_COLOURS = {"PU": "#1f5fa8", "JAKON": "#4f86c6", "PMI": "#8fb3e0", "BPU": "#e07b00"}
COVERAGE_SCALE = [
    [0.0, "#f1f6fb"],
    [0.25, "#c6dbef"],
    [0.5, "#6baed6"],
    [0.75, "#2171b5"],
    [1.0, "#08306b"],
]
ACTIVE_SCALE = [[0.0, "#f7fbff"], [0.4, "#9ecae1"], [1.0, "#08519c"]]
COLORWAY = [ACTUAL, PROJECTION, TARGET, "#c2185b", "#00897b", "#6d4c41", MUTED]
AXIS: dict[str, Any] = {
    "automargin": True,
    "zerolinecolor": GRID,
    "linecolor": GRID,
    "ticks": "",
}


def _layout(*, title: str, separators: str, height: int, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "separators": separators,
        "height": height,
        "font": {"family": FONT, "size": 12, "color": "#1f2933"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "legend": {"orientation": "h", "y": -0.15, "x": 0},
        "hoverlabel": {"font": {"family": FONT}, "align": "left"},
        "colorway": COLORWAY,
    }
    layout.update(extra)
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            layout[name] = {**AXIS, **value}
            if "title" in value:
                layout[name]["title"] = {"standoff": 15, **value["title"]}
    return layout


def _month_axis_layout(
    *, title: str, separators: str, axis_label: str, height: int, nticks: int, top: int
) -> dict[str, Any]:
    """Participants over a category axis of months, legend on top (progress, scenarios)."""
    return _layout(
        title=title,
        separators=separators,
        height=height,
        xaxis={"type": "category", "gridcolor": GRID, "tickangle": -45, "nticks": nticks},
        yaxis=count_axis(axis_label),
        legend=TOP_LEGEND,
        margin={"l": 70, "r": 20, "t": top, "b": 70},
    )


def _trace(kind: str, **props: Any) -> dict[str, Any]:
    """One plotly.js trace as a plain dict (``go.Figure`` validation would cost ~20 ms a chart)."""
    return {"type": kind, **props}


TOP_LEGEND: dict[str, Any] = {"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"}
# regencies listed top-down in the order given
LIST_AXIS: dict[str, Any] = {"autorange": "reversed", "automargin": True}


def list_layout(
    *,
    title: str,
    separators: str,
    height: int,
    xaxis: dict[str, Any],
    right_margin: int,
    **extra: Any,
) -> dict[str, Any]:
    """The layout of horizontal bars, one row an area in list order, legend on top."""
    return _layout(
        title=title,
        separators=separators,
        height=height,
        **extra,
        xaxis=xaxis,
        yaxis=LIST_AXIS,
        legend=TOP_LEGEND,
        margin={"l": 10, "r": right_margin, "t": 80, "b": 50},
        bargap=0.2,
    )


def count_axis(title: str, **extra: Any) -> dict[str, Any]:
    """A gridded axis of whole counts (participants, workers) from zero, with its title."""
    return {
        "title": {"text": title},
        "gridcolor": GRID,
        "tickformat": ",.0f",
        "rangemode": "tozero",
        **extra,
    }


def _hover(point: str, label: str = "") -> str:
    """A hover template: the point's text, with ``label`` (the trace's name) beside it."""
    return point + "<extra>" + label + "</extra>"


def _month_line(
    months: Sequence[str],
    values: Sequence[float | None],
    *,
    name: str,
    hover_prefix: str = "",
    **props: Any,
) -> dict[str, Any]:
    """A scatter trace of participants over the month axis, the count in its hover."""
    point = "%{x}<br>" + hover_prefix + "%{y:,.0f}"
    return _trace(
        "scatter",
        x=list(months),
        y=list(values),
        name=name,
        hovertemplate=_hover(point, name),
        **props,
    )


def _actual_line(
    months: Sequence[str],
    values: Sequence[int | None],
    *,
    name: str,
    colour: str,
    marker_size: int,
) -> dict[str, Any]:
    """The reported participants: a bold line with a dot on each month."""
    line = {"color": colour, "width": 3}
    return _month_line(
        months, values, name=name, mode="lines+markers", line=line, marker={"size": marker_size}
    )


def percent_axis(title: str, **extra: Any) -> dict[str, Any]:
    """A gridded axis of percentages from zero, with its title."""
    return {
        "title": {"text": title},
        "gridcolor": GRID,
        "ticksuffix": "%",
        "rangemode": "tozero",
        **extra,
    }


def _bars(
    labels: Sequence[str], values: Sequence[float | None], *, name: str, **props: Any
) -> dict[str, Any]:
    """Horizontal bars: one per label, the value along the x axis."""
    return _trace("bar", y=list(labels), x=list(values), orientation="h", name=name, **props)


def _figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> FigureDict:
    return {"data": traces, "layout": layout, "config": dict(CONFIG)}


def progress_figure(
    *,
    months: Sequence[str],
    actual: Sequence[int | None],
    target_path: Sequence[float | None],
    projection: Sequence[float | None],
    title: str,
    actual_label: str,
    target_label: str,
    projection_label: str,
    axis_label: str,
    band_low: Sequence[int | None] = (),
    band_high: Sequence[int | None] = (),
    band_label: str = "",
    separators: str = INDONESIAN_SEPARATORS,
) -> FigureDict:
    """Active participants per month against the straight target path and the projection.

    All series share ``months`` (category labels); ``None`` leaves a gap. When
    ``band_low``/``band_high`` hold values (the projection's 10th and 90th
    percentiles), the area between them is shaded under ``band_label``.
    """
    traces: list[dict[str, Any]] = []
    if any(value is not None for value in band_high) and any(
        value is not None for value in band_low
    ):
        edge = {"width": 0, "color": BAND_EDGE}
        band: dict[str, Any] = {
            "name": band_label,
            "legendgroup": "band",
            "mode": "lines",
            "line": edge,
        }
        traces.append(_month_line(months, band_low, showlegend=False, hover_prefix="P10 ", **band))
        traces.append(
            _month_line(
                months, band_high, fill="tonexty", fillcolor=BAND_FILL, hover_prefix="P90 ", **band
            )
        )
    traces.append(_actual_line(months, actual, name=actual_label, colour=ACTUAL, marker_size=5))
    if any(value is not None for value in target_path):
        target_line = {"color": TARGET, "width": 2, "dash": "dash"}
        traces.append(
            _month_line(months, target_path, name=target_label, mode="lines", line=target_line)
        )
    if any(value is not None for value in projection):
        dotted = {"color": PROJECTION, "width": 2, "dash": "dot"}
        traces.append(
            _month_line(
                months,
                projection,
                name=projection_label,
                mode="lines+markers",
                line=dotted,
                marker={"size": 4},
            )
        )
    layout = _month_axis_layout(
        title=title, separators=separators, axis_label=axis_label, height=380, nticks=12, top=80
    )
    return _figure(traces, layout)


def region_coverage_figure(
    *,
    names: Sequence[str],
    coverage: Sequence[float | None],
    target_pct: Sequence[float | None],
    highlight: Sequence[bool],
    title: str,
    coverage_label: str,
    target_label: str,
    axis_label: str,
    separators: str = INDONESIAN_SEPARATORS,
) -> FigureDict:
    """Coverage by regency as horizontal bars, each regency's target as a tick mark."""
    order = sorted(range(len(names)), key=lambda i: (coverage[i] is None, -(coverage[i] or 0)))
    ordered_names = [names[i] for i in order]
    colours = [HIGHLIGHT if highlight[i] else ACTUAL for i in order]
    traces: list[dict[str, Any]] = []
    traces.append(
        _bars(
            ordered_names,
            [coverage[i] for i in order],
            name=coverage_label,
            marker={"color": colours},
            texttemplate="%{x:.1f}%",
            # inside the bar where it fits (clear of the target diamonds), else beside it;
            # always horizontal
            textposition="auto",
            textangle=0,
            insidetextanchor="end",
            insidetextfont={"color": "#ffffff", "size": 11},
            outsidetextfont={"color": "#1f2933", "size": 11},
            cliponaxis=False,
            hovertemplate=_hover("%{y}<br>%{x:.2f}%", coverage_label),
        )
    )
    if any(value is not None for value in target_pct):
        traces.append(
            _trace(
                "scatter",
                y=ordered_names,
                x=[target_pct[i] for i in order],
                mode="markers",
                name=target_label,
                # one diamond per regency: neighbours with the same target stay apart
                marker={
                    "symbol": "diamond",
                    "size": 10,
                    "color": TARGET,
                    "line": {"width": 1.5, "color": "#ffffff"},
                },
                hovertemplate=_hover("%{y}<br>%{x:.2f}%", target_label),
            )
        )
    layout = list_layout(
        title=title,
        separators=separators,
        height=max(260, 60 + 30 * len(names)),
        xaxis=percent_axis(axis_label),
        right_margin=50,
    )
    return _figure(traces, layout)


def formal_informal_figure(
    *,
    formal: int,
    informal: int,
    title: str,
    formal_label: str,
    informal_label: str,
    axis_label: str,
    separators: str = INDONESIAN_SEPARATORS,
) -> FigureDict:
    """Active formal (PU + JAKON + PMI) against informal (BPU) participants."""
    total = formal + informal
    shares = [100 * value / total if total else 0.0 for value in (formal, informal)]
    # "Formal<br>(PU + JAKON + PMI)": two short lines fit under a bar on a phone
    labels = [label.replace(" (", "<br>(") for label in (formal_label, informal_label)]
    traces = [
        _trace(
            "bar",
            x=labels,
            y=[formal, informal],
            customdata=shares,
            marker={"color": [ACTUAL, PROJECTION]},
            texttemplate="%{y:,.0f}<br>(%{customdata:.1f}%)",
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>%{y:,.0f} (%{customdata:.1f}%)<extra></extra>",
        )
    ]
    layout = _layout(
        title=title,
        separators=separators,
        height=340,
        xaxis={"tickangle": 0, "automargin": True},
        yaxis=count_axis(axis_label),
        showlegend=False,
        margin={"l": 70, "r": 20, "t": 60, "b": 40},
    )
    return _figure(traces, layout)


def segment_trend_figure(
    *,
    months: Sequence[str],
    series: Mapping[str, Sequence[int]],
    names: Mapping[str, str],
    title: str,
    axis_label: str,
    separators: str = INDONESIAN_SEPARATORS,
) -> FigureDict:
    """The four segments stacked over time; formal segments in blues, BPU in orange."""
    traces: list[dict[str, Any]] = []
    for code, values in series.items():
        label = names.get(code, code)
        line = {"width": 1, "color": SEGMENT_COLOURS.get(code, MUTED)}
        traces.append(
            _month_line(months, values, name=label, mode="lines", stackgroup="segments", line=line)
        )
    layout = _layout(
        title=title,
        separators=separators,
        height=400,
        xaxis={
            "type": "category",
            "gridcolor": GRID,
            "tickangle": -45,
            "nticks": 12,
            "automargin": True,
        },
        yaxis={"title": {"text": axis_label}, "gridcolor": GRID, "tickformat": ",.0f"},
        legend={"orientation": "h", "y": -0.3, "x": 0, "yanchor": "top"},
        margin={"l": 70, "r": 20, "t": 50, "b": 40},
    )
    return _figure(traces, layout)


def sector_figure(
    *,
    labels: Sequence[str],
    active: Sequence[int],
    coverage: Sequence[float | None],
    title: str,
    active_title: str,
    coverage_title: str,
    separators: str = INDONESIAN_SEPARATORS,
) -> FigureDict:
    """Active participants by sector beside coverage of the sector's workforce.

    Two panels share the sector axis; the coverage panel is left out when no
    sector has a workforce figure on the basis.
    """
    show_coverage = any(value is not None for value in coverage)
    traces: list[dict[str, Any]] = []
    traces.append(
        _bars(
            labels,
            active,
            name=active_title,
            marker={"color": ACTUAL},
            hovertemplate=_hover("%{y}<br>%{x:,.0f}"),
        )
    )
    split = 0.55 if show_coverage else 1.0
    axes: dict[str, Any] = {
        "xaxis": count_axis(active_title, domain=[0, split - 0.03 if show_coverage else 1.0]),
        "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
    }
    if show_coverage:
        traces.append(
            _bars(
                labels,
                coverage,
                name=coverage_title,
                xaxis="x2",
                marker={"color": TARGET},
                hovertemplate=_hover("%{y}<br>%{x:.2f}%"),
            )
        )
        axes["xaxis2"] = percent_axis(coverage_title, domain=[split + 0.02, 1.0], anchor="y")
    layout = _layout(
        title=title,
        separators=separators,
        height=max(300, 90 + 24 * len(labels)),
        showlegend=False,
        margin={"l": 10, "r": 20, "t": 50, "b": 50},
        **axes,
    )
    return _figure(traces, layout)


def region_sector_heatmap(
    *,
    regions: Sequence[str],
    sectors: Sequence[str],
    sector_names: Sequence[str],
    values: Sequence[Sequence[int]],
    title: str,
    colorbar_label: str,
    separators: str = INDONESIAN_SEPARATORS,
) -> FigureDict:
    """Active participants per regency (rows) and KBLI section (columns)."""
    custom = [list(sector_names) for _row in regions]
    traces = [
        _trace(
            "heatmap",
            z=[list(row) for row in values],
            x=list(sectors),
            y=list(regions),
            customdata=custom,
            colorscale=ACTIVE_SCALE,
            colorbar={"title": {"text": colorbar_label}, "thickness": 12, "tickformat": ",.0f"},
            xgap=1,
            ygap=1,
            hovertemplate="%{y} · %{x} %{customdata}<br>%{z:,.0f}<extra></extra>",
        )
    ]
    layout = _layout(
        title=title,
        separators=separators,
        height=max(260, 110 + 22 * len(regions)),
        xaxis={"side": "top", "tickangle": 0, "type": "category"},
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        margin={"l": 10, "r": 20, "t": 80, "b": 20},
    )
    return _figure(traces, layout)


# --- manager tools: initiatives on a time axis, scenario comparison ------------------------

INITIATIVE = "#7b3fa0"
SCENARIO_COLOURS = ["#1f5fa8", "#c2185b", "#00897b", "#6d4c41"]


def initiative_marks(
    *, months: Sequence[str], initiatives: Sequence[tuple[str, str]]
) -> dict[str, list[dict[str, Any]]]:
    """Plotly ``shapes`` and ``annotations`` marking initiatives on a category month axis.

    ``initiatives`` are ``(month label, name)`` pairs; a month that is not on the
    axis is skipped. Each mark is a dotted vertical line at the start month with the
    name at the top, staggered so that neighbouring names do not overlap.
    """
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    on_axis = set(months)
    for position, (month, name) in enumerate(item for item in initiatives if item[0] in on_axis):
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": month,
                "x1": month,
                "y0": 0,
                "y1": 1,
                "line": {"color": INITIATIVE, "width": 1.5, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": month,
                "y": 1 - 0.07 * (position % 3),
                "xref": "x",
                "yref": "paper",
                "text": name if len(name) <= 28 else name[:27].rstrip() + "…",
                "hovertext": name,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 10, "color": INITIATIVE},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    return {"shapes": shapes, "annotations": annotations}


def add_initiative_annotations(
    figure: FigureDict, initiatives: Sequence[tuple[str, str]]
) -> FigureDict:
    """A copy of a figure with a category month x axis (its first trace's ``x``) with
    the initiatives marked at their start months."""
    months = [str(label) for label in (figure["data"][0].get("x") or [])] if figure["data"] else []
    marks = initiative_marks(months=months, initiatives=initiatives)
    layout = dict(figure.get("layout") or {})
    layout["shapes"] = [*layout.get("shapes", []), *marks["shapes"]]
    layout["annotations"] = [*layout.get("annotations", []), *marks["annotations"]]
    return {**figure, "layout": layout}


def scenario_figure(
    *,
    months: Sequence[str],
    actual: Sequence[int | None],
    lines: Sequence[tuple[str, Sequence[int | None]]],
    target: int | None,
    title: str,
    actual_label: str,
    target_label: str,
    axis_label: str,
    separators: str = INDONESIAN_SEPARATORS,
) -> FigureDict:
    """Active participants so far, then one projected line per scenario (the first is
    the baseline, drawn dotted in orange), and the target as a horizontal line."""
    traces: list[dict[str, Any]] = []
    traces.append(_actual_line(months, actual, name=actual_label, colour=HIGHLIGHT, marker_size=4))
    for index, (label, values) in enumerate(lines):
        baseline = index == 0
        colour = PROJECTION if baseline else SCENARIO_COLOURS[(index - 1) % len(SCENARIO_COLOURS)]
        line = {
            "color": colour,
            "width": 2 if baseline else 2.5,
            "dash": "dot" if baseline else "solid",
        }
        traces.append(_month_line(months, values, name=label, mode="lines", line=line))
    if target is not None:
        traces.append(
            _trace(
                "scatter",
                x=[months[0], months[-1]] if months else [],
                y=[target, target],
                name=target_label,
                mode="lines",
                line={"color": TARGET, "width": 2, "dash": "dash"},
                hovertemplate=_hover("%{y:,.0f}", target_label),
            )
        )
    layout = _month_axis_layout(
        title=title, separators=separators, axis_label=axis_label, height=420, nticks=18, top=90
    )
    return _figure(traces, layout)
