"""The report's tables: the presentation model's rows, formatted in the active language."""

from __future__ import annotations

from collections.abc import Sequence

from .. import presentation
from ..formatting import number, percent
from ..labels import segment_kind
from ..presentation import GapRow, TotalRow
from ..summaries import DashboardData


def short(text: str, limit: int = 30) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (long sector names in a chart)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def area_rows(rows: Sequence[GapRow]) -> list[dict[str, str]]:
    """Branches or regencies with their coverage, target, gap and monthly pace."""
    return [
        {
            "code": row.area.code,
            "name": row.area.name,
            "active": number(row.area.active),
            "denominator": number(row.area.denominator),
            "coverage": percent(row.area.coverage_pct, 1),
            "target": number(row.area.target_count),
            "target_pct": percent(row.target_pct, 1),
            "gap": number(row.area.gap_count),
            "pace": number(row.monthly_pace),
        }
        for row in rows
    ]


def total_text(total: TotalRow) -> dict[str, str]:
    return {
        "active": number(total.active),
        "denominator": number(total.denominator),
        "coverage": percent(total.coverage_pct, 1),
        "gap": number(total.gap_count),
    }


def segment_rows(data: DashboardData) -> list[dict[str, str]]:
    formal = presentation.formal_codes(data.reference.segments)
    rows = presentation.segment_rows(data.summary.by_segment, formal=formal)
    return [
        {
            "code": row.code,
            "name": row.name,
            "kind": segment_kind(row.formal),
            "active": number(row.active),
            "share": percent(row.share, 1),
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
            "active": number(row.active),
            "share": percent(row.share, 1),
            "bps_workers": number(row.bps_workers),
            "bps_coverage": percent(row.bps_coverage, 1),
        }
        for row in sorted(rows, key=lambda row: (-row.active, row.code))
    ]
