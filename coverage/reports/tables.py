"""The report's tables: the presentation model's rows, formatted in the active language."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from django.utils.translation import gettext as _

from .. import presentation
from ..narrative import format_number, format_pct
from ..presentation import GapRow, TotalRow
from ..summaries import DashboardData


def pct_text(value: Fraction | None) -> str:
    """A percentage with one decimal, or a dash when there is none."""
    return format_pct(value, 1) if value is not None else "–"


def count_text(value: int | None) -> str:
    """A headcount with thousands marks, or a dash when there is none."""
    return format_number(value) if value is not None else "–"


def short(text: str, limit: int = 30) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (long sector names in a chart)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def area_rows(rows: Sequence[GapRow]) -> list[dict[str, str]]:
    """Branches or regencies with their coverage, target, gap and monthly pace."""
    return [
        {
            "code": row.area.code,
            "name": row.area.name,
            "active": count_text(row.area.active),
            "denominator": count_text(row.area.denominator),
            "coverage": pct_text(row.area.coverage_pct),
            "target": count_text(row.area.target_count),
            "target_pct": pct_text(row.target_pct),
            "gap": count_text(row.area.gap_count),
            "pace": count_text(row.monthly_pace),
        }
        for row in rows
    ]


def total_text(total: TotalRow) -> dict[str, str]:
    return {
        "active": count_text(total.active),
        "denominator": count_text(total.denominator),
        "coverage": pct_text(total.coverage_pct),
        "gap": count_text(total.gap_count),
    }


def segment_rows(data: DashboardData) -> list[dict[str, str]]:
    formal = presentation.formal_codes(data.reference.segments)
    rows = presentation.segment_rows(data.summary.by_segment, formal=formal)
    return [
        {
            "code": row.code,
            "name": row.name,
            "kind": _("formal") if row.formal else _("informal"),
            "active": count_text(row.active),
            "share": pct_text(row.share),
        }
        for row in sorted(rows, key=lambda row: presentation.segment_order(row.code))
    ]


def sector_rows(data: DashboardData) -> list[dict[str, str]]:
    rows = presentation.sector_rows(data.summary.by_sector, bps=data.bps.by_sector)
    return [
        {
            "code": row.code,
            "name": row.name,
            "short_name": short(row.name, 46),
            "active": count_text(row.active),
            "share": pct_text(row.share),
            "bps_workers": count_text(row.bps_workers),
            "bps_coverage": pct_text(row.bps_coverage),
        }
        for row in sorted(rows, key=lambda row: (-row.active, row.code))
    ]
