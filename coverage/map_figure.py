"""The regency map as a Plotly figure: outlines from the GeoJSON, filled by coverage.

Pure, like ``coverage.charts`` (whose layout and trace helpers it shares): the
outlines, a label point inside each regency, a colour on the coverage scale, and
the figure. Kept apart because drawing a map is a job of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from .charts import (
    COVERAGE_SCALE,
    HIGHLIGHT,
    INDONESIAN_SEPARATORS,
    MUTED,
    FigureDict,
    _figure,
    _layout,
    _trace,
)

Ring = Sequence[tuple[float, float]]

# One degree of latitude is longer on the map than one of longitude by 1 / cos(lat);
# around NTT (9.4° S) that is 1.0136.
NTT_ASPECT = 1.0136


def regency_outlines(geojson: Mapping[str, Any]) -> dict[str, list[list[tuple[float, float]]]]:
    """Each regency's outer rings (lon, lat) from a GeoJSON of Polygon/MultiPolygon
    features keyed by ``properties.bps_code``; holes are left out (none in NTT's)."""
    outlines: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        code = str((feature.get("properties") or {}).get("bps_code", ""))
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        rings = outlines.setdefault(code, [])
        for polygon in polygons:
            if polygon:
                rings.append([(float(lon), float(lat)) for lon, lat, *_rest in polygon[0]])
    return outlines


def _ring_area_and_centre(ring: Ring) -> tuple[float, tuple[float, float]]:
    """Shoelace area and centroid of one closed ring (degrees; fine for placing a label)."""
    area = 0.0
    cx = 0.0
    cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs = [x for x, _y in ring]
        ys = [y for _x, y in ring]
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def label_point(rings: Sequence[Ring]) -> tuple[float, float]:
    """Where a regency's name goes: the centroid of its largest ring (its main island)."""
    best = max((_ring_area_and_centre(ring) for ring in rings if ring), key=lambda item: item[0])
    return best[1]


def wrap_label(name: str, width: int = 11) -> str:
    """A map label in lines of about ``width`` characters ("Manggarai<br>Barat")."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def scale_colour(value: float, *, low: float, high: float, scale: Sequence[Sequence[Any]]) -> str:
    """The colour of ``value`` on a Plotly colour scale spanning ``low``–``high``, as
    plotly.js would pick it for a colour bar (linear between the stops)."""
    share = 0.0 if high <= low else min(1.0, max(0.0, (value - low) / (high - low)))
    for (start, start_colour), (end, end_colour) in pairwise(scale):
        if share <= end:
            weight = 0.0 if end == start else (share - start) / (end - start)
            a, b = _hex(start_colour), _hex(end_colour)
            r, g, bl = (round(x + (y - x) * weight) for x, y in zip(a, b, strict=True))
            return f"#{r:02x}{g:02x}{bl:02x}"
    return str(scale[-1][1])


def region_map_figure(
    *,
    outlines: Mapping[str, Sequence[Ring]],
    codes: Sequence[str],
    names: Sequence[str],
    coverage: Sequence[float | None],
    hover: Sequence[str],
    links: Sequence[str],
    highlight: Sequence[bool],
    title: str,
    colorbar_label: str,
    separators: str = INDONESIAN_SEPARATORS,
) -> FigureDict:
    """NTT's regencies as filled polygons coloured by coverage, each named and linked.

    Drawn with plain ``scatter`` traces on hidden axes from the local GeoJSON's
    outlines: no map tiles, no topojson and no geo module in the browser. The last
    trace puts a dot and the name on each regency (its ``customdata`` is the page to
    open on a click) and carries the colour bar. ``layout.meta.aspect`` is the map's
    height ÷ width, so the page can size it without empty space.
    """
    values = [None if value is None else round(value, 2) for value in coverage]
    high = max([10.0, *(value for value in values if value is not None)])
    traces: list[dict[str, Any]] = []
    label_x: list[float] = []
    label_y: list[float] = []
    all_x: list[float] = []
    all_y: list[float] = []
    for code, value, text, link, flag in zip(codes, values, hover, links, highlight, strict=True):
        rings = outlines.get(code, [])
        if not rings:
            continue
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in rings:
            xs.extend([x for x, _y in ring] + [None])
            ys.extend([y for _x, y in ring] + [None])
            all_x.extend(x for x, _y in ring)
            all_y.extend(y for _x, y in ring)
        centre = label_point(rings)
        label_x.append(round(centre[0], 4))
        label_y.append(round(centre[1], 4))
        traces.append(
            _trace(
                "scatter",
                x=[None if x is None else round(x, 4) for x in xs],
                y=[None if y is None else round(y, 4) for y in ys],
                mode="lines",
                fill="toself",
                fillcolor=MUTED
                if value is None
                else scale_colour(value, low=0.0, high=high, scale=COVERAGE_SCALE),
                line={"color": HIGHLIGHT if flag else "#ffffff", "width": 2.5 if flag else 0.8},
                hoveron="fills",
                name=text,
                text=text,
                customdata=[link],
                showlegend=False,
                hoverinfo="name",
            )
        )
    shown = [i for i, code in enumerate(codes) if outlines.get(code)]
    # neighbours from west to east alternate above and below their dot
    by_longitude = sorted(range(len(shown)), key=lambda k: label_x[k])
    positions = [""] * len(shown)
    for rank, k in enumerate(by_longitude):
        positions[k] = "top center" if rank % 2 == 0 else "bottom center"
    traces.append(
        _trace(
            "scatter",
            x=label_x,
            y=label_y,
            mode="markers+text",
            text=[wrap_label(names[i]) for i in shown],
            textposition=positions,
            textfont={"size": 11, "color": "#1f2933"},
            customdata=[links[i] for i in shown],
            hovertext=[hover[i] for i in shown],
            hovertemplate="%{hovertext}<extra></extra>",
            marker={
                "size": 7,
                "color": [values[i] if values[i] is not None else 0 for i in shown],
                "cmin": 0,
                "cmax": high,
                "colorscale": COVERAGE_SCALE,
                "line": {"color": "#ffffff", "width": 1},
                "showscale": True,
                "colorbar": {
                    "title": {"text": colorbar_label},
                    "ticksuffix": "%",
                    "thickness": 12,
                    "len": 0.9,
                },
            },
            showlegend=False,
            cliponaxis=False,
        )
    )
    # room for the names of the westernmost and easternmost regencies
    x_range = [min(all_x, default=118.9) - 0.3, max(all_x, default=125.2) + 0.3]
    y_range = [min(all_y, default=-11.0) - 0.08, max(all_y, default=-8.0) + 0.15]
    hidden = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}
    layout = _layout(
        title=title,
        separators=separators,
        height=400,
        xaxis={**hidden, "range": x_range},
        yaxis={**hidden, "range": y_range, "scaleanchor": "x", "scaleratio": NTT_ASPECT},
        margin={"l": 4, "r": 4, "t": 44, "b": 4},
        showlegend=False,
        dragmode=False,
        hovermode="closest",
        meta={
            "aspect": round((y_range[1] - y_range[0]) * NTT_ASPECT / (x_range[1] - x_range[0]), 4)
        },
    )
    return _figure(traces, layout)
