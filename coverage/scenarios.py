"""The scenario planner: "what would it take?" projections with extra enrolments by lever.

Pure and typed like ``coverage.calculations``: numbers in, a ``ScenarioResult`` out;
no Django, no database, no HTTP. The baseline is the coverage service's run-rate
projection (``active(t) + run_rate × k``); a scenario adds, for every lever, ``N``
participants per month in each month from the lever's start month on, so a lever
of +20.000 per month from June adds 20.000 in June, 40.000 by July and 140.000 by
December. Only months after the reported month ``t`` receive extra enrolments: a
lever whose start lies in the past counts from ``t + 1``.

Arithmetic is exact (``Fraction``); monthly values are rounded half away from zero
only when they are reported, never before a comparison with the target.

The horizon is ``HORIZON_MONTHS`` (60 months, five years) after ``t``: a target not
reached within it is reported as not reached (``None``) rather than a date far in
the future that nobody would plan with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from . import forecast as forecasting
from .calculations import InvalidPeriod, Period, Scope, round_half_up

HORIZON_MONTHS = 60

LeverKind = Literal["rei", "informal", "pemprov", "custom"]
LEVER_KINDS: tuple[LeverKind, ...] = ("rei", "informal", "pemprov", "custom")
REI_SECTORS: tuple[str, ...] = ("F", "L")


@dataclass(frozen=True)
class Lever:
    """Extra monthly enrolments from ``start`` on.

    ``segment``, ``sectors`` and ``branch`` say where the new participants are
    expected (a lever in a branch only counts for scopes that contain the branch);
    they do not change the arithmetic.
    """

    label: str
    monthly: int
    start: Period
    kind: LeverKind = "custom"
    segment: str | None = None
    sectors: tuple[str, ...] = ()
    branch: str | None = None

    def extra_by(self, *, period: Period, month: Period) -> int:
        """Participants this lever has added between ``period`` (exclusive) and ``month``."""
        first = max(self.start, period.shift(1))
        if month < first:
            return 0
        return self.monthly * (month.index - first.index + 1)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape stored in ``Scenario.levers``."""
        return {
            "label": self.label,
            "kind": self.kind,
            "monthly": self.monthly,
            "start": str(self.start),
            "segment": self.segment or "",
            "sectors": list(self.sectors),
            "branch": self.branch or "",
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lever:
        """A lever from its stored JSON; raises ``ValueError`` on a malformed one."""
        kind = str(data.get("kind") or "custom")
        if kind not in LEVER_KINDS:
            raise ValueError(f"unknown lever kind {kind!r}")
        monthly = data.get("monthly")
        if not isinstance(monthly, int) or isinstance(monthly, bool) or monthly < 0:
            raise ValueError(f"invalid monthly value {monthly!r}")
        try:
            start = Period.parse(str(data.get("start") or ""))
        except InvalidPeriod as error:
            raise ValueError(f"invalid start month {data.get('start')!r}") from error
        sectors = data.get("sectors") or []
        if not isinstance(sectors, list | tuple):
            raise ValueError("sectors must be a list")
        return cls(
            label=str(data.get("label") or ""),
            monthly=monthly,
            start=start,
            kind=kind,  # type: ignore[arg-type]  # checked against LEVER_KINDS above
            segment=str(data.get("segment") or "") or None,
            sectors=tuple(str(code) for code in sectors),
            branch=str(data.get("branch") or "") or None,
        )


def levers_from_json(data: Iterable[Mapping[str, Any]]) -> list[Lever]:
    return [lever_from_dict(item) for item in data]


def levers_for_scope(
    levers: Iterable[Lever], *, branch_codes: frozenset[str] | None
) -> list[Lever]:
    """The levers that add to a scope: all of them for the province (``None``), else
    those without a branch or in one of ``branch_codes``."""
    if branch_codes is None:
        return list(levers)
    return [lever for lever in levers if lever.branch is None or lever.branch in branch_codes]


@dataclass(frozen=True)
class ScenarioResult:
    """A baseline and a scenario path from the reported month to the end of the horizon.

    ``months[0]`` is the reported month itself (``baseline[0] == scenario[0] ==
    active``). ``*_month_reached`` is the first month whose value is at least the
    target (the reported month if it already is), ``None`` if not within the
    horizon or without a target. ``*_gap_at_deadline`` is what is still missing in
    December of the reported year (never negative).
    """

    period: Period
    active: int
    run_rate: Fraction
    target_count: int | None
    horizon_months: int
    months: list[Period]
    baseline: list[int]
    scenario: list[int]
    extras: list[int]
    lever_extra_at_deadline: list[int] = field(default_factory=list)

    @property
    def deadline(self) -> Period:
        return Period(self.period.year, 12)

    def _at(self, values: Sequence[int], month: Period) -> int:
        return values[month.index - self.period.index]

    @property
    def baseline_at_deadline(self) -> int:
        return self._at(self.baseline, self.deadline)

    @property
    def scenario_at_deadline(self) -> int:
        return self._at(self.scenario, self.deadline)

    @property
    def extra_at_deadline(self) -> int:
        return self.scenario_at_deadline - self.baseline_at_deadline

    def _reached(self, exact: Sequence[Fraction]) -> Period | None:
        if self.target_count is None:
            return None
        for month, value in zip(self.months, exact, strict=True):
            if value >= self.target_count:
                return month
        return None

    @property
    def baseline_month_reached(self) -> Period | None:
        return self._reached(self._baseline_exact)

    @property
    def scenario_month_reached(self) -> Period | None:
        return self._reached(self._scenario_exact)

    def _gap(self, value: int) -> int | None:
        if self.target_count is None:
            return None
        return max(self.target_count - value, 0)

    @property
    def baseline_gap_at_deadline(self) -> int | None:
        return self._gap(self.baseline_at_deadline)

    @property
    def scenario_gap_at_deadline(self) -> int | None:
        return self._gap(self.scenario_at_deadline)

    @property
    def _baseline_exact(self) -> list[Fraction]:
        return [self.active + self.run_rate * k for k in range(len(self.months))]

    @property
    def _scenario_exact(self) -> list[Fraction]:
        return [base + extra for base, extra in zip(self._baseline_exact, self.extras, strict=True)]

    def value_at(self, month: Period, *, scenario: bool = True) -> int | None:
        """The path's value in ``month`` (``None`` outside the horizon)."""
        offset = month.index - self.period.index
        if not 0 <= offset < len(self.months):
            return None
        return (self.scenario if scenario else self.baseline)[offset]


def project_scenario(
    *,
    period: Period,
    active: int,
    run_rate: Fraction | int | None,
    target_count: int | None,
    levers: Sequence[Lever],
    horizon_months: int = HORIZON_MONTHS,
) -> ScenarioResult:
    """Baseline run-rate projection and the scenario with ``levers`` added.

    Without a run rate (too little data) the baseline stays flat at ``active``.
    The horizon always reaches December of the reported year.
    """
    rate = Fraction(run_rate) if run_rate is not None else Fraction(0)
    horizon = max(horizon_months, 12 - period.month)
    months = [period.shift(k) for k in range(horizon + 1)]
    baseline_exact = [active + rate * k for k in range(horizon + 1)]
    extras = [
        sum(lever.extra_by(period=period, month=month) for lever in levers) for month in months
    ]
    deadline = Period(period.year, 12)
    return ScenarioResult(
        period=period,
        active=active,
        run_rate=rate,
        target_count=target_count,
        horizon_months=horizon,
        months=months,
        baseline=[round_half_up(value) for value in baseline_exact],
        scenario=[
            round_half_up(value + extra)
            for value, extra in zip(baseline_exact, extras, strict=True)
        ],
        extras=extras,
        lever_extra_at_deadline=[lever.extra_by(period=period, month=deadline) for lever in levers],
    )


def scenario_probability(
    result: ScenarioResult,
    *,
    changes: Sequence[int],
    complete: bool = True,
    with_levers: bool = True,
) -> Fraction | None:
    """The probability that the scenario reaches its target by December.

    The baseline's simulated December values (``coverage.forecast``: the same
    bootstrap of the last year's monthly changes, the same seed, nothing drawn anew)
    shifted by what the levers add by December, which is deterministic: a path
    reaches the target when ``baseline path + extra ≥ target``, i.e. when the
    baseline path reaches ``target − extra``. ``with_levers=False`` gives the
    baseline's own probability for the same target (the stored target: exactly the
    dashboard's ``probability_reaching_target``).

    Like the dashboard: none for an incomplete month, without a target, or with fewer
    than ``forecast.MIN_CHANGES`` changes; 1 when the target is already met; 0 in
    December when it is not.
    """
    target = result.target_count
    if not complete or target is None:
        return None
    months = result.deadline.index - result.period.index
    extra = result.extras[months] if with_levers else 0
    if result.active >= target:
        status = "achieved"
    elif months == 0:
        status = "missed"
    else:
        status = "open"
    return forecasting.forecast(
        period=result.period,
        active=result.active,
        target_count=target - extra,
        status=status,
        changes=changes,
        months_remaining=months,
    ).probability


@dataclass(frozen=True)
class NamedScenario:
    """A saved scenario as the report and the comparison need it (no model instance)."""

    name: str
    levers: tuple[Lever, ...]
    target_count: int | None = None


def branch_codes_of(scope: Scope) -> frozenset[str] | None:
    """The branches a scope lies in, for ``levers_for_scope`` (``None``: the province)."""
    if scope.kind == "province":
        return None
    if scope.kind == "branch":
        return frozenset([scope.code])
    return frozenset([scope.branch_code]) if scope.branch_code else frozenset()


def project_named(
    scenario: NamedScenario,
    *,
    scope: Scope,
    period: Period,
    active: int,
    run_rate: Fraction | None,
    stored_target: int | None,
) -> ScenarioResult:
    """``project_scenario`` of a saved scenario on a scope: its levers for that scope,
    its own target if it has one, else the scope's stored target."""
    return project_scenario(
        period=period,
        active=active,
        run_rate=run_rate,
        target_count=scenario.target_count if scenario.target_count is not None else stored_target,
        levers=levers_for_scope(scenario.levers, branch_codes=branch_codes_of(scope)),
    )


# --- the Pemda budget lever ------------------------------------------------------------
# "Rp X selama M bulan mulai bulan S": a Pemda pays BPU contributions out of a budget.
# It adds floor(X / (iuran × M)) BPU participants from S on, all at once (a step, not
# a monthly increase): as many workers as the budget pays for M months.

DEFAULT_CONTRIBUTION_IDR = 16_800  # JKK + JKM, lowest BPU income band (DOMAIN.md)


def budget_participants(*, budget_idr: int, months: int, contribution_idr: int) -> int:
    """``floor(X / (iuran × M))``: the workers a budget pays for ``months`` months."""
    if months <= 0 or contribution_idr <= 0:
        raise ValueError("months and contribution must be positive")
    return budget_idr // (contribution_idr * months)


@dataclass(frozen=True)
class BudgetLever(Lever):
    """A Pemda budget as a lever: ``monthly`` holds the participants added once, from ``start``.

    Like the other levers it only adds after the reported month ``t``: a start in the
    past counts from ``t + 1``.
    """

    budget_idr: int = 0
    months: int = 1
    contribution_idr: int = DEFAULT_CONTRIBUTION_IDR

    def extra_by(self, *, period: Period, month: Period) -> int:
        first = max(self.start, period.shift(1))
        return self.monthly if month >= first else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            **super().as_dict(),
            "budget_idr": self.budget_idr,
            "months": self.months,
            "contribution_idr": self.contribution_idr,
        }


def monthly_addition(levers: Sequence[Lever]) -> int:
    """Participants the levers add each month; a Pemda budget adds once (a step), so it
    is not a monthly addition and shows only in the December figures."""
    return sum(lever.monthly for lever in levers if not isinstance(lever, BudgetLever))


def budget_lever(
    *,
    budget_idr: int,
    months: int,
    start: Period,
    contribution_idr: int = DEFAULT_CONTRIBUTION_IDR,
    label: str = "",
) -> BudgetLever:
    """The lever for "Rp ``budget_idr`` for ``months`` months from ``start``" (BPU segment)."""
    return BudgetLever(
        label=label,
        monthly=budget_participants(
            budget_idr=budget_idr, months=months, contribution_idr=contribution_idr
        ),
        start=start,
        kind="pemprov",
        segment="BPU",
        budget_idr=budget_idr,
        months=months,
        contribution_idr=contribution_idr,
    )


def lever_from_dict(data: Mapping[str, Any]) -> Lever:
    """A stored lever: a budget lever when it carries ``budget_idr``, else ``Lever.from_dict``."""
    if "budget_idr" not in data:
        return Lever.from_dict(data)
    values = {name: data.get(name) for name in ("budget_idr", "months", "contribution_idr")}
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"invalid {name} {value!r}")
    base = Lever.from_dict(data)
    return budget_lever(
        budget_idr=int(data["budget_idr"]),
        months=int(data["months"]),
        start=base.start,
        contribution_idr=int(data["contribution_idr"]),
        label=base.label,
    )


def cost_per_point_idr(
    *, budget_idr: int, participants: int, denominator: int | None
) -> int | None:
    """What one percentage point of coverage costs with this budget: ``X ÷ (100 × N ÷ D)``,
    rounded half up to whole rupiah; ``None`` without participants or a denominator."""
    if participants <= 0 or not denominator:
        return None
    return round_half_up(Fraction(budget_idr * denominator, 100 * participants))
