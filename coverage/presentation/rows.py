"""Breakdown rows → the rows of every table a reader sees (pure, no Django).

The who-is-behind table of a page, the branch and regency downloads, the gap
download and the PDF's tables all take their rows from here: the target as a
percentage, the share of the level's gap, the monthly pace still needed, the
status and its tone, in one reading order each. Exact numbers (``Fraction``);
each page, export or PDF rounds them as it writes them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import pandas as pd

from ..calculations import BreakdownRow, required_monthly_pace

Tone = Literal["good", "warn", "bad", "neutral"]

# The colour of a status: green when on course, amber when at risk, red when behind.
STATUS_TONES: dict[str, Tone] = {
    "achieved": "good",
    "on_track": "good",
    "at_risk": "warn",
    "off_track": "bad",
    "missed": "bad",
    "incomplete": "neutral",
    "insufficient_data": "neutral",
    "no_target": "neutral",
}


def status_tone(status: str) -> Tone:
    return STATUS_TONES.get(status, "neutral")


def target_pct(row: BreakdownRow) -> Fraction | None:
    """The row's target as a percentage of its denominator (none without either)."""
    if row.target_count is None or not row.denominator:
        return None
    return Fraction(100 * row.target_count, row.denominator)


def share_pct(part: int, total: int) -> Fraction | None:
    """``part`` as a percentage of ``total`` (none when the total is zero)."""
    return Fraction(100 * part, total) if total else None


# --- the who-is-behind table ---------------------------------------------------------


@dataclass(frozen=True)
class BehindRow:
    """One branch or regency in the who-is-behind table.

    Every figure is the area's own (``row.metrics``); ``None`` where the area has
    no such figure (no run rate, no target, an incomplete month, or metrics not
    computed), shown as a dash.
    """

    code: str
    name: str
    active: int
    coverage_pct: Fraction | None
    target_count: int | None
    gap_count: int | None
    status: str | None
    tone: Tone
    run_rate: Fraction | None
    required_monthly_pace: int | None
    pace_ratio: Fraction | None
    probability: Fraction | None
    achieved: bool

    @property
    def probability_pct(self) -> Fraction | None:
        """The probability as a percentage (0–100), as pages write it."""
        return None if self.probability is None else 100 * self.probability


def behind_row(row: BreakdownRow) -> BehindRow:
    metrics = row.metrics
    status = metrics.status if metrics is not None else None
    achieved = status == "achieved" or (
        row.target_count is not None and row.gap_count == 0 and row.active >= row.target_count
    )
    run_rate, pace, ratio, probability = (
        (None, None, None, None)
        if metrics is None
        else (
            metrics.run_rate,
            metrics.required_monthly_pace,
            metrics.pace_ratio,
            metrics.probability_reaching_target,
        )
    )
    return BehindRow(
        code=row.code,
        name=row.name,
        active=row.active,
        coverage_pct=row.coverage_pct,
        target_count=row.target_count,
        gap_count=row.gap_count,
        status=status,
        tone=status_tone(status) if status is not None else "neutral",
        run_rate=run_rate,
        required_monthly_pace=pace,
        pace_ratio=ratio,
        probability=probability,
        achieved=achieved,
    )


def behind_sort_key(row: BehindRow) -> tuple[int, Fraction, int, str]:
    """Furthest behind first: the lowest pace ratio (run rate ÷ required pace) leads;
    rows without a ratio follow, the largest gap first; rows that met their target
    come last. Ties fall back to the name, so the order never depends on the input."""
    if row.achieved:
        return (2, Fraction(0), 0, row.name)
    if row.pace_ratio is not None:
        return (0, row.pace_ratio, -(row.gap_count or 0), row.name)
    return (1, Fraction(0), -(row.gap_count or 0), row.name)


def behind_rows(rows: Sequence[BreakdownRow]) -> list[BehindRow]:
    """The who-is-behind table of one grain (branches or regencies), in reading order."""
    return sorted((behind_row(row) for row in rows), key=behind_sort_key)


# --- the breakdown and gap tables (downloads, PDF) -------------------------------------


@dataclass(frozen=True)
class GapRow:
    """One branch or regency (``area``) with what it still has to close by December.

    ``target_pct`` is its target as a percentage of its denominator; ``gap_share``
    its share (%) of its level's total gap (the rows it was built with);
    ``monthly_pace`` the net monthly gain that closes its gap in the scope's
    remaining months (``required_monthly_pace``).
    """

    area: BreakdownRow
    target_pct: Fraction | None
    gap_share: Fraction | None
    monthly_pace: int | None


def gap_rows(rows: Sequence[BreakdownRow], *, months_remaining: int) -> list[GapRow]:
    """``rows`` (one level: branches or regencies) in the order given."""
    total = sum(row.gap_count or 0 for row in rows)
    return [
        GapRow(
            area=row,
            target_pct=target_pct(row),
            gap_share=None if row.gap_count is None else share_pct(row.gap_count, total),
            monthly_pace=required_monthly_pace(row.gap_count, months_remaining),
        )
        for row in rows
    ]


def largest_gap_first(rows: Sequence[GapRow]) -> list[GapRow]:
    """The largest gap first (no gap counts as zero), ties by name."""
    return sorted(rows, key=lambda row: (-(row.area.gap_count or 0), row.area.name))


def furthest_behind(rows: Sequence[GapRow], *, limit: int) -> list[GapRow]:
    """The ``limit`` rows with the largest gap, those without a gap left out."""
    return largest_gap_first([row for row in rows if row.area.gap_count])[:limit]


@dataclass(frozen=True)
class TotalRow:
    """The sum of a table's rows; coverage only over the rows with a denominator."""

    active: int
    denominator: int | None
    coverage_pct: Fraction | None
    gap_count: int


def total_row(rows: Sequence[BreakdownRow]) -> TotalRow:
    with_denominator = [row for row in rows if row.denominator]
    denominator = sum(row.denominator or 0 for row in with_denominator)
    return TotalRow(
        active=sum(row.active for row in rows),
        denominator=denominator if with_denominator else None,
        coverage_pct=share_pct(sum(row.active for row in with_denominator), denominator),
        gap_count=sum(row.gap_count or 0 for row in rows),
    )


# --- sectors and segments ---------------------------------------------------------------


@dataclass(frozen=True)
class SectorRow:
    """A KBLI section: its participants, their share of all sections, and its coverage
    of the BPS labour force of that section (always that basis, on every page)."""

    code: str
    name: str
    active: int
    share: Fraction | None
    bps_workers: int | None
    bps_coverage: Fraction | None


def sector_rows(rows: Sequence[BreakdownRow], *, bps: Sequence[BreakdownRow]) -> list[SectorRow]:
    """``rows`` (the chosen basis) in the order given, with ``bps``'s figures beside them."""
    by_code = {row.code: row for row in bps}
    total = sum(row.active for row in rows)
    return [
        SectorRow(
            code=row.code,
            name=row.name,
            active=row.active,
            share=share_pct(row.active, total),
            bps_workers=by_code[row.code].denominator if row.code in by_code else None,
            bps_coverage=by_code[row.code].coverage_pct if row.code in by_code else None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SegmentRow:
    """A participant segment (PU, JAKON, PMI, BPU) and its share of all participants."""

    code: str
    name: str
    formal: bool
    active: int
    share: Fraction | None


SEGMENT_ORDER = ("PU", "JAKON", "PMI", "BPU")


def segment_order(code: str) -> tuple[int, str]:
    """Sort key of a segment: the formal ones, then BPU, then any other by code."""
    known = SEGMENT_ORDER.index(code) if code in SEGMENT_ORDER else len(SEGMENT_ORDER)
    return known, code


def segment_rows(rows: Sequence[BreakdownRow], *, formal: Collection[str]) -> list[SegmentRow]:
    """``rows`` in the order given; ``formal`` are the codes of the formal segments."""
    total = sum(row.active for row in rows)
    return [
        SegmentRow(
            code=row.code,
            name=row.name,
            formal=row.code in formal,
            active=row.active,
            share=share_pct(row.active, total),
        )
        for row in rows
    ]


def formal_codes(segments: pd.DataFrame) -> set[str]:
    """The codes of the formal segments, from the reference frame of segments."""
    return {str(code) for code in segments.loc[segments["is_formal"], "segment_code"]}


def formal_split(rows: Sequence[SegmentRow]) -> tuple[int, int]:
    """Active participants in the formal segments and in the informal ones."""
    formal = sum(row.active for row in rows if row.formal)
    return formal, sum(row.active for row in rows) - formal
