"""Results → what a reader of a dashboard page sees, derived once (pure, no Django).

The who-is-behind table's rows and their order, the tone (colour) of a status and
the numbers of the answer sentence at the top of a page all come from here, so the
sentence, the cards and the table can never disagree: the views and templates
only translate and format what these functions return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from .calculations import BreakdownRow, Period, ScopeMetrics
from .forecast import MIN_CHANGES

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
    return BehindRow(
        code=row.code,
        name=row.name,
        active=row.active,
        coverage_pct=row.coverage_pct,
        target_count=row.target_count,
        gap_count=row.gap_count,
        status=status,
        tone=status_tone(status) if status is not None else "neutral",
        run_rate=metrics.run_rate if metrics is not None else None,
        required_monthly_pace=metrics.required_monthly_pace if metrics is not None else None,
        pace_ratio=metrics.pace_ratio if metrics is not None else None,
        probability=metrics.probability_reaching_target if metrics is not None else None,
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


# --- the probability in words ---------------------------------------------------------

ChanceKind = Literal["value", "incomplete", "no_target", "few_changes", "not_computed"]
Bound = Literal["below", "above"]


@dataclass(frozen=True)
class Chance:
    """ "Peluang mencapai 1.000.000 pada Desember 2025: 3%" — or why there is no number.

    ``kind`` is ``value`` when the scope has a probability, else the reason it has
    none: an incomplete month, no target, fewer than ``MIN_CHANGES`` complete monthly
    changes (``changes`` says how many), or (metrics computed without the
    simulation) ``not_computed``. ``bound`` keeps a rounded whole percentage from
    contradicting the status: a probability strictly between 0 and 1 % is written
    "< 1%" (never "0%", which only a missed target gets) and one strictly between
    99 % and 1 is "> 99%" (never "100%", which only an achieved target gets).
    """

    kind: ChanceKind
    target_count: int | None
    deadline: Period
    probability: Fraction | None = None
    p10: int | None = None
    p90: int | None = None
    changes: int = 0
    min_changes: int = MIN_CHANGES

    @property
    def probability_pct(self) -> Fraction | None:
        return None if self.probability is None else 100 * self.probability

    @property
    def bound(self) -> Bound | None:
        return probability_bound(self.probability)


def probability_bound(probability: Fraction | None) -> Bound | None:
    """``below`` for a probability strictly between 0 and 1 %, ``above`` for one strictly
    between 99 % and 1: the two a whole percentage would round to 0% or 100%."""
    if probability is None:
        return None
    if 0 < probability < Fraction(1, 100):
        return "below"
    if Fraction(99, 100) < probability < 1:
        return "above"
    return None


def chance(metrics: ScopeMetrics) -> Chance:
    """The probability of reaching the target by December as the cards, the answer
    sentence and the PDF narrative say it (the same figure in all three)."""
    known = Chance(
        kind="value",
        target_count=metrics.target.count,
        deadline=Period(metrics.period.year, 12),
        changes=len(metrics.monthly_changes),
    )
    probability = metrics.probability_reaching_target
    if metrics.status == "incomplete" or not metrics.complete:
        return replace(known, kind="incomplete")
    if metrics.target.count is None or metrics.status == "no_target":
        return replace(known, kind="no_target")
    if probability is not None:
        return replace(
            known,
            probability=probability,
            p10=metrics.projection_p10,
            p90=metrics.projection_p90,
        )
    if len(metrics.monthly_changes) < MIN_CHANGES:
        return replace(known, kind="few_changes")
    return replace(known, kind="not_computed")


# --- the answer sentence ---------------------------------------------------------------

AnswerKind = Literal[
    "incomplete",
    "no_target",
    "achieved",
    "missed",
    "no_run_rate",
    "projection",
]


@dataclass(frozen=True)
class Answer:
    """The numbers of the one sentence that answers "will this scope make it?".

    ``kind`` picks the sentence; only the fields that sentence uses are set. Every
    number is taken from (or is a difference of) the figures the cards show, so
    the sentence cannot contradict them.
    """

    kind: AnswerKind
    active: int
    deadline: Period
    target_count: int | None = None
    projected: int | None = None
    shortfall: int | None = None  # target − projected, > 0: falls short by this much
    surplus: int | None = None  # projected − target, ≥ 0: reaches the target
    gap_count: int | None = None
    required_monthly_pace: int | None = None
    run_rate: Fraction | None = None
    months_remaining: int = 0
    probability: Fraction | None = None
    regions_reported: int | None = None
    regions_expected: int | None = None
    chance: Chance | None = None  # the probability in words (``chance``), in every kind

    @property
    def probability_pct(self) -> Fraction | None:
        return None if self.probability is None else 100 * self.probability


def answer(metrics: ScopeMetrics) -> Answer:
    """What is known about reaching the target, in the order a manager asks it."""
    known = Answer(
        kind="no_target",
        active=metrics.active,
        deadline=Period(metrics.period.year, 12),
        target_count=metrics.target.count,
        months_remaining=metrics.months_remaining,
        chance=chance(metrics),
    )
    target = metrics.target.count
    if metrics.status == "incomplete" or not metrics.complete:
        return replace(
            known,
            kind="incomplete",
            regions_reported=metrics.regions_reported,
            regions_expected=metrics.regions_expected,
        )
    if target is None or metrics.status == "no_target":
        return known
    if metrics.status == "achieved":
        return replace(
            known,
            kind="achieved",
            surplus=metrics.active - target,
            probability=metrics.probability_reaching_target,
        )
    if metrics.status == "missed":
        return replace(known, kind="missed", gap_count=metrics.gap_count)
    if metrics.run_rate is None or metrics.projected_at_deadline is None:
        return replace(
            known,
            kind="no_run_rate",
            gap_count=metrics.gap_count,
            required_monthly_pace=metrics.required_monthly_pace,
        )
    projected = metrics.projected_at_deadline
    return replace(
        known,
        kind="projection",
        projected=projected,
        shortfall=target - projected if projected < target else None,
        surplus=projected - target if projected >= target else None,
        gap_count=metrics.gap_count,
        required_monthly_pace=metrics.required_monthly_pace,
        run_rate=metrics.run_rate,
        probability=metrics.probability_reaching_target,
    )


# --- the 80 % band on the progress chart ------------------------------------------------


def band_series(
    *, months: Sequence[Period], metrics: ScopeMetrics
) -> tuple[list[int | None], list[int | None]]:
    """The p10 and p90 lines of the projection band over ``months`` (``None`` outside it).

    The band starts at the reported month with no width (``active(t)`` for both), so
    the shaded area opens out of the last actual point.
    """
    by_month: dict[Period, tuple[int, int]] = {
        month: (low, high) for month, low, high in metrics.projection_band
    }
    if by_month:
        by_month.setdefault(metrics.period, (metrics.active, metrics.active))
    low = [by_month[month][0] if month in by_month else None for month in months]
    high = [by_month[month][1] if month in by_month else None for month in months]
    return low, high
