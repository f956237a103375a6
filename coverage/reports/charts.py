"""The PDF's charts, drawn with matplotlib as SVG.

Why matplotlib rather than the page's Plotly figures: exporting Plotly needs kaleido,
which brings (or downloads) its own Chrome and is fragile to set up on a server without
network access. matplotlib draws vector SVG in-process, needs nothing but the fonts
already installed (DejaVu Sans), and its output is deterministic (fixed hash salt, no
date in the metadata), so the same month gives the same charts. WeasyPrint embeds the
SVG as vectors, so the charts stay sharp when printed.
"""

from __future__ import annotations

import base64
import io
import json
import math
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib
from django.conf import settings
from django.utils.translation import gettext as _
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .. import presentation
from ..formatting import month_digits, number, percent
from ..labels import basis_phrase
from ..presentation import points, progress_series
from ..summaries import DashboardData
from .svg import compact_svg
from .tables import short

GEOJSON_PATH = Path(settings.BASE_DIR) / "static" / "geo" / "ntt_regencies.geojson"
# Where a regency's label goes when its shape is too small or crowded for it (lng, lat,
# in the sea beside it, joined by a thin line); the others are labelled inside.
MAP_LABELS_AT: dict[str, tuple[float, float]] = {
    "5315": (119.7, -7.95),
    "5313": (120.35, -7.95),
    "5319": (120.95, -7.95),
    "5318": (121.55, -7.95),
    "5309": (122.5, -7.95),
    "5312": (120.95, -9.2),
    "5311": (121.65, -9.25),
    "5310": (122.35, -9.2),
    "5308": (123.25, -7.9),
    "5317": (118.95, -9.05),
    "5301": (119.4, -10.3),
    "5316": (119.95, -10.6),
    "5320": (121.65, -11.15),
    "5314": (123.05, -11.2),
    "5371": (122.85, -10.05),
    "5304": (124.45, -10.5),
    "5305": (123.7, -9.0),
    "5306": (125.55, -9.0),
    "5321": (125.55, -9.6),
}

ACTUAL = "#1f5fa8"
TARGET = "#2e7d32"
PROJECTION = "#e07b00"
MUTED = "#9aa5b1"
GRID = "#e6e9ee"
TEXT = "#1f2933"
FORMAL = "#1f5fa8"
INFORMAL = "#e07b00"
NO_DATA = "#e3e6ea"
COVERAGE_COLOURS = LinearSegmentedColormap.from_list(
    "coverage", ["#f1f6fb", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
)
RC: dict[Any, Any] = {  # matplotlib rcParams (its stubs key them by Literal names)
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "svg.fonttype": "none",
    "svg.hashsalt": "jamsostek-ntt-report",
    "axes.edgecolor": MUTED,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def svg_data_uri(svg: str) -> str:
    """``svg`` as a ``data:`` URI, so the HTML document carries its charts inline."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


@contextmanager
def new_figure(width_cm: float, height_cm: float) -> Iterator[Figure]:
    """A figure of the given size in centimetres, drawn with the report's style."""
    with matplotlib.rc_context(RC):
        yield Figure(figsize=(width_cm / 2.54, height_cm / 2.54))


def figure_svg(figure: Figure) -> str:
    """The figure as compact, deterministic SVG (no date in the metadata)."""
    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None})
    return compact_svg(buffer.getvalue())


def plot_actual(axes: Axes, actual: Sequence[int | None], *, colour: str) -> None:
    """The active participants reported (``presentation.actual_series``): a line, a dot a
    month."""
    xs, values = points(actual)
    axes.plot(
        xs,
        values,
        color=colour,
        linewidth=2,
        marker="o",
        markersize=2.5,
        label=_("Peserta aktif"),
    )


def participants_axis(axes: Axes) -> None:
    """A y axis of active participants from zero, in thousands marks, gridded."""
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: number(value)))
    axes.yaxis.set_major_locator(MaxNLocator(6))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color=GRID, linewidth=0.6)
    axes.set_ylabel(_("Peserta aktif"))


def progress_chart(data: DashboardData) -> str:
    """Active participants per month against the target path and the projection.

    The same series as the web chart (``presentation.progress_series``): January of the
    previous year to December, the straight path from last December to the target, the
    run rate forward.
    """
    m = data.summary.metrics
    series = progress_series(period=data.period, active_by_period=data.active_by_period, metrics=m)
    with new_figure(17.5, 7.2) as figure:
        axes = figure.add_subplot()
        plot_actual(axes, series.actual, colour=ACTUAL)
        target_label = _("Jalur target")
        drawn = _plot_line(axes, series.target_path, colour=TARGET, style="--", label=target_label)
        if drawn and m.target.count is not None:
            axes.annotate(
                _("Target %(count)s") % {"count": number(m.target.count)},
                xy=(23, m.target.count),
                xytext=(-4, 6),
                textcoords="offset points",
                ha="right",
                color=TARGET,
                fontsize=7,
            )
        projection_label = _("Proyeksi laju saat ini")
        _plot_line(axes, series.projection, colour=PROJECTION, style=":", label=projection_label)
        axes.set_xticks(range(24))
        axes.set_xticklabels(
            [month_digits(month) for month in series.months], rotation=90, fontsize=6.5
        )
        axes.set_xlim(-0.5, 23.5)
        participants_axis(axes)
        axes.legend(loc="upper left", frameon=False, ncols=3, fontsize=7)
        figure.subplots_adjust(left=0.1, right=0.99, top=0.95, bottom=0.2)
        return figure_svg(figure)


def _plot_line(
    axes: Axes, values: Sequence[Fraction | None], *, colour: str, style: str, label: str
) -> bool:
    """A thin dashed or dotted line through the points ``values`` has; whether it has any."""
    xs, ys = points(values)
    if xs:
        axes.plot(
            xs, [float(y) for y in ys], color=colour, linewidth=1.5, linestyle=style, label=label
        )
    return bool(xs)


@lru_cache(maxsize=1)
def regency_polygons() -> dict[str, list[list[tuple[float, float]]]]:
    """The outer rings of each regency (lng, lat), keyed by BPS code."""
    collection = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))
    shapes: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in collection["features"]:
        geometry = feature["geometry"]
        parts = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        shapes[str(feature["properties"]["bps_code"])] = [
            [(float(x), float(y)) for x, y in part[0]] for part in parts
        ]
    return shapes


def _label_point(rings: Sequence[Sequence[tuple[float, float]]]) -> tuple[float, float]:
    """The centre of the bounding box of the largest ring: good enough for a label."""
    largest = max(rings, key=lambda ring: _ring_area(ring))
    xs = [x for x, _y in largest]
    ys = [y for _x, y in largest]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def _ring_area(ring: Sequence[tuple[float, float]]) -> float:
    return abs(
        sum(
            x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True)
        )
    )


def map_chart(data: DashboardData) -> str:
    """The 22 regencies coloured by coverage % on the chosen basis (grey: no denominator)."""
    rows = {row.code: row for row in data.context.by_region}
    shapes = regency_polygons()
    values = [float(row.coverage_pct) for row in rows.values() if row.coverage_pct is not None]
    top = max(values, default=100.0)
    norm = Normalize(vmin=0, vmax=max(10.0, math.ceil(top / 10) * 10))
    highlight = data.scope.region_codes if data.scope.kind != "province" else frozenset()
    with new_figure(18.0, 9.6) as figure:
        axes = figure.add_axes((0.0, 0.0, 0.9, 1.0))
        polygons, colours, edges, widths = [], [], [], []
        for code, rings in sorted(shapes.items()):
            row = rows.get(code)
            pct = row.coverage_pct if row is not None else None
            colour = COVERAGE_COLOURS(norm(float(pct))) if pct is not None else NO_DATA
            for ring in rings:
                polygons.append(ring)
                colours.append(colour)
                edges.append(TEXT if code in highlight else "#ffffff")
                widths.append(1.2 if code in highlight else 0.4)
        axes.add_collection(
            PolyCollection(polygons, facecolors=colours, edgecolors=edges, linewidths=widths)
        )
        for code, rings in shapes.items():
            row = rows.get(code)
            if row is None:
                continue
            anchor = _label_point(rings)
            at = MAP_LABELS_AT.get(code)
            pct = row.coverage_pct
            dark = at is None and pct is not None and norm(float(pct)) > 0.55
            text = f"{textwrap.fill(row.name, 12)}\n{percent(pct, 1)}"
            if at is not None:
                axes.plot(*zip(anchor, at, strict=True), color=MUTED, linewidth=0.4)
            axes.text(
                *(at or anchor),
                text,
                ha="center",
                va="center",
                fontsize=5.2,
                color="#ffffff" if dark else TEXT,
                linespacing=1.05,
                bbox=(
                    {"boxstyle": "round,pad=0.15", "facecolor": "#ffffff", "edgecolor": "none"}
                    if at is not None
                    else None
                ),
            )
        axes.set_xlim(118.45, 126.0)
        axes.set_ylim(-11.35, -7.7)
        axes.set_aspect("equal")
        axes.axis("off")
        colour_axes = figure.add_axes((0.91, 0.15, 0.018, 0.7))
        bar = figure.colorbar(ScalarMappable(norm=norm, cmap=COVERAGE_COLOURS), cax=colour_axes)
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: percent(v, 0)))
        bar.outline.set_visible(False)
        bar.set_label(_("Cakupan (%(basis)s)") % {"basis": basis_phrase(data.basis)}, fontsize=7)
        return figure_svg(figure)


def formal_chart(data: DashboardData) -> str:
    """Formal (PU + JAKON + PMI) against informal (BPU) active participants."""
    formal_segments = presentation.formal_codes(data.reference.segments)
    formal, informal = presentation.formal_split(
        presentation.segment_rows(data.summary.by_segment, formal=formal_segments)
    )
    total = formal + informal
    labels = [_("Formal"), _("Informal (BPU)")]
    with new_figure(17.5, 2.9) as figure:
        axes = figure.add_subplot()
        bars = axes.barh([1, 0], [formal, informal], color=[FORMAL, INFORMAL], height=0.6)
        axes.set_yticks([1, 0], labels)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: number(value)))
        axes.xaxis.set_major_locator(MaxNLocator(4))
        axes.grid(axis="x", color=GRID, linewidth=0.6)
        axes.set_xlim(0, max(total, 1) * 1.02)
        for bar, value in zip(bars, [formal, informal], strict=True):
            share = percent(Fraction(100 * value, total), 1) if total else "–"
            axes.text(
                bar.get_width() + max(total, 1) * 0.01,
                bar.get_y() + bar.get_height() / 2,
                f"{number(value)} ({share})",
                va="center",
                fontsize=7,
            )
        figure.subplots_adjust(left=0.14, right=0.97, top=0.96, bottom=0.24)
        return figure_svg(figure)


def sector_chart(data: DashboardData) -> str:
    """Active participants per KBLI section, largest first."""
    rows = sorted(data.summary.by_sector, key=lambda row: (row.active, row.code))
    with new_figure(17.5, max(3.5, 0.25 * len(rows) + 0.9)) as figure:
        axes = figure.add_subplot()
        positions = list(range(len(rows)))
        axes.barh(positions, [row.active for row in rows], color=ACTUAL, height=0.65)
        axes.set_yticks(positions, [f"{row.code} · {short(row.name)}" for row in rows])
        axes.tick_params(axis="y", labelsize=7)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: number(value)))
        axes.xaxis.set_major_locator(MaxNLocator(5))
        axes.grid(axis="x", color=GRID, linewidth=0.6)
        peak = max((row.active for row in rows), default=1) or 1
        axes.set_xlim(0, peak * 1.12)
        for position, row in zip(positions, rows, strict=True):
            axes.text(
                row.active + peak * 0.01,
                position,
                number(row.active),
                va="center",
                fontsize=6.5,
            )
        figure.subplots_adjust(left=0.33, right=0.98, top=0.99, bottom=0.08)
        return figure_svg(figure)
