"""Pemda programme figures → Plotly figure dicts (pure, like ``coverage.charts``)."""

from __future__ import annotations

from collections.abc import Sequence

from .charts import ACTUAL, GRID, MUTED, FigureDict, _figure, _layout, _trace


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
    traces = [
        _trace(
            "bar",
            y=list(names),
            x=list(quota),
            orientation="h",
            name=quota_label,
            marker={"color": "#dbe3ec", "line": {"color": MUTED, "width": 1}},
            hovertemplate="%{y}<br>%{x:,.0f}<extra>" + quota_label + "</extra>",
        ),
        _trace(
            "bar",
            y=list(names),
            x=list(enrolled),
            orientation="h",
            name=enrolled_label,
            marker={"color": ACTUAL},
            width=0.5,
            hovertemplate="%{y}<br>%{x:,.0f}<extra>" + enrolled_label + "</extra>",
        ),
    ]
    layout = _layout(
        title=title,
        separators=separators,
        height=max(260, 90 + 24 * len(names)),
        barmode="overlay",
        xaxis={
            "title": {"text": axis_label},
            "gridcolor": GRID,
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"},
        margin={"l": 10, "r": 30, "t": 80, "b": 50},
        bargap=0.2,
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
    traces = [
        _trace(
            "bar",
            x=[spent_idr],
            y=[""],
            orientation="h",
            name=spent_label,
            marker={"color": ACTUAL},
            hovertemplate="Rp%{x:,.0f}<extra>" + spent_label + "</extra>",
        ),
        _trace(
            "bar",
            x=[max(remaining_idr, 0)],
            y=[""],
            orientation="h",
            name=remaining_label,
            marker={"color": "#cfe3d1"},
            hovertemplate="Rp%{x:,.0f}<extra>" + remaining_label + "</extra>",
        ),
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
        legend={"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"},
        margin={"l": 10, "r": 30, "t": 70, "b": 30},
    )
    return _figure(traces, layout)
