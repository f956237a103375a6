"""Pemda programme figures → Plotly figure dicts (pure, like ``coverage.charts``)."""

from __future__ import annotations

from collections.abc import Sequence

from .charts import (
    ACTUAL,
    GRID,
    MUTED,
    TOP_LEGEND,
    FigureDict,
    _bars,
    _figure,
    _hover,
    _layout,
    count_axis,
    list_layout,
)


def quota_enrolled_figure(
    *,
    names: Sequence[str],
    quota: Sequence[int],
    enrolled: Sequence[int],
    title: str,
    quota_label: str,
    enrolled_label: str,
    axis_label: str,
    separators: str,
) -> FigureDict:
    """Quota and enrolled workers per regency as overlaid horizontal bars, in list order."""
    quota_marker = {"color": "#dbe3ec", "line": {"color": MUTED, "width": 1}}
    traces = [
        _bars(names, quota, name=quota_label, marker=quota_marker),
        _bars(names, enrolled, name=enrolled_label, marker={"color": ACTUAL}, width=0.5),
    ]
    for trace in traces:
        trace["hovertemplate"] = _hover("%{y}<br>%{x:,.0f}", trace["name"])
    layout = list_layout(
        title=title,
        separators=separators,
        height=max(260, 90 + 24 * len(names)),
        barmode="overlay",
        xaxis=count_axis(axis_label),
        right_margin=30,
    )
    return _figure(traces, layout)


def budget_figure(
    *,
    spent_idr: int,
    remaining_idr: int,
    title: str,
    spent_label: str,
    remaining_label: str,
    separators: str,
) -> FigureDict:
    """The budget as one stacked bar: spent and what remains (overspending shows as 0 left)."""
    parts = [
        (spent_label, spent_idr, ACTUAL),
        (remaining_label, max(remaining_idr, 0), "#cfe3d1"),
    ]
    traces = [
        _bars(
            [""],
            [amount],
            name=label,
            marker={"color": colour},
            hovertemplate=_hover("Rp%{x:,.0f}", label),
        )
        for label, amount, colour in parts
    ]
    layout = _layout(
        title=title,
        separators=separators,
        height=170,
        barmode="stack",
        xaxis={
            "gridcolor": GRID,
            "tickprefix": "Rp",
            "tickformat": ",.0f",
            "rangemode": "tozero",
            "nticks": 5,
        },
        yaxis={"showticklabels": False},
        legend=TOP_LEGEND,
        margin={"l": 10, "r": 30, "t": 70, "b": 30},
    )
    return _figure(traces, layout)
