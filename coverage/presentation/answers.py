"""A scope's metrics → the numbers of its answer sentence, cards and narrative (pure).

The answer to "will this scope make it?", the probability in words, the months the
run rate spans and the denominator a target implies are derived here once, so the
page's sentence, its cards and the PDF's narrative can never disagree: views,
templates and ``coverage.narrative`` only translate and format what these return.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from ..calculations import Period, ScopeMetrics
from ..forecast import MIN_CHANGES

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


def reached_after_deadline(metrics: ScopeMetrics) -> bool:
    """Whether the run rate reaches the target only after December of the reported year."""
    reached = metrics.projected_month_reached
    return reached is not None and reached > Period(metrics.period.year, 12)


# --- the run rate's span and the implied denominator ------------------------------------


def run_rate_span(months: Collection[Period], period: Period) -> int | None:
    """How many months the run rate of ``period`` spans: the largest of 3, 2, 1 with
    data in ``months`` (the months the scope has counts for); none without one."""
    if period not in months:
        return None
    return next((k for k in (3, 2, 1) if period.shift(-k) in months), None)


@dataclass(frozen=True)
class ImpliedDenominator:
    """A target that states both a count and a percentage implies a denominator
    (count × 100 ÷ pct); ``difference`` is how far (%) it lies from the stored one,
    ``None`` without a stored denominator."""

    count: int
    pct: Fraction
    implied: Fraction
    stored: int | None
    difference: Fraction | None
    mismatch: bool


def implied_denominator(metrics: ScopeMetrics) -> ImpliedDenominator | None:
    """None unless the scope's target states both a count and a percentage."""
    target = metrics.target
    if target.implied_denominator is None or target.count is None or target.pct is None:
        return None
    stored = metrics.denominator.workers or None
    return ImpliedDenominator(
        count=target.count,
        pct=target.pct,
        implied=target.implied_denominator,
        stored=stored,
        difference=(
            None if stored is None else 100 * (target.implied_denominator - stored) / stored
        ),
        mismatch=target.denominator_mismatch,
    )
