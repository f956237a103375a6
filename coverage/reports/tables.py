"""The report's tables: breakdown rows, formatted in the active language for the template."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ..calculations import BreakdownRow, required_monthly_pace
from ..formatting import number, percent
from ..labels import segment_kind
from ..summaries import DashboardData


def short(text: str, limit: int = 30) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (long sector names in a chart)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _target_pct(row: BreakdownRow) -> Fraction | None:
    if row.target_count is None or not row.denominator:
        return None
    return Fraction(100 * row.target_count, row.denominator)


def region_rows(rows: Sequence[BreakdownRow], *, months_remaining: int) -> list[dict[str, str]]:
    return [
        {
            "code": row.code,
            "name": row.name,
            "active": number(row.active),
            "denominator": number(row.denominator),
            "coverage": percent(row.coverage_pct, 1),
            "target": number(row.target_count),
            "target_pct": percent(_target_pct(row), 1),
            "gap": number(row.gap_count),
            "pace": number(required_monthly_pace(row.gap_count, months_remaining)),
        }
        for row in rows
    ]


def total_row(rows: Sequence[BreakdownRow]) -> dict[str, str]:
    active = sum(row.active for row in rows)
    with_denominator = [row for row in rows if row.denominator]
    denominator = sum(row.denominator or 0 for row in with_denominator)
    return {
        "active": number(active),
        "denominator": number(denominator) if with_denominator else "–",
        "coverage": (
            percent(Fraction(100 * sum(r.active for r in with_denominator), denominator), 1)
            if denominator
            else "–"
        ),
        "gap": number(sum(row.gap_count or 0 for row in rows)),
    }


def gap_rows(rows: Sequence[BreakdownRow], *, months_remaining: int) -> list[dict[str, str]]:
    ordered = sorted(rows, key=lambda row: (-(row.gap_count or 0), row.name))
    return region_rows(ordered, months_remaining=months_remaining)


def formal_codes(data: DashboardData) -> set[str]:
    segments = data.reference.segments
    return {str(code) for code in segments.loc[segments["is_formal"], "segment_code"]}


def segment_rows(data: DashboardData) -> list[dict[str, str]]:
    formal = formal_codes(data)
    total = sum(row.active for row in data.summary.by_segment)
    order = {"PU": 0, "JAKON": 1, "PMI": 2, "BPU": 3}
    rows = sorted(data.summary.by_segment, key=lambda row: (order.get(row.code, 9), row.code))
    return [
        {
            "code": row.code,
            "name": row.name,
            "kind": segment_kind(row.code in formal),
            "active": number(row.active),
            "share": percent(Fraction(100 * row.active, total), 1) if total else "–",
        }
        for row in rows
    ]


def sector_rows(data: DashboardData) -> list[dict[str, str]]:
    bps = {row.code: row for row in data.bps.by_sector}
    total = sum(row.active for row in data.summary.by_sector)
    rows = sorted(data.summary.by_sector, key=lambda row: (-row.active, row.code))
    return [
        {
            "code": row.code,
            "name": row.name,
            "short_name": short(row.name, 46),
            "active": number(row.active),
            "share": percent(Fraction(100 * row.active, total), 1) if total else "–",
            "bps_workers": number(bps[row.code].denominator if row.code in bps else None),
            "bps_coverage": percent(bps[row.code].coverage_pct if row.code in bps else None, 1),
        }
        for row in rows
    ]
