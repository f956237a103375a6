"""The coverage service: coverage, gap, required pace and projection.

Plain, typed functions over pandas DataFrames and small dataclasses; no Django, no
I/O. The definitions follow ``docs/definitions.md`` (copied from the domain
contract) to the letter. Arithmetic that feeds a ``ceil`` or a rounding is done
with ``Fraction`` so that a figure such as 60% × 1,626,300 is never off by one
through floating-point error.

Frames used here (all produced by ``coverage.selectors``):

- ``monthly``: one row per region and month, columns
  ``year, month, region_code, active, nonactive`` (already summed over sectors
  and segments in SQL).
- ``workforce``: ``year, region_code, sector_code, basis, workers``; an empty
  ``region_code`` is the province, an empty ``sector_code`` is all sectors.
- ``regions``: ``region_code, name, branch_code``; ``branches``: ``branch_code, name``.
- ``targets``: ``year, scope_type, scope_code, basis, target_count, target_pct``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:  # completeness.py imports Period from here
    from .completeness import Completeness, ReportingLedger

PROVINCE_CODE = "53"
MISMATCH_TOLERANCE = Fraction(5, 100)
AT_RISK_SHARE = Fraction(3, 4)
# DOMAIN.md "Horizon of the reached month": the reached month is looked for at most
# this many months after ``t``.
HORIZON_MONTHS = 120
# The monthly changes of the forecast reach back to t − 12 (the change of t − 11).
CHANGES_LOOKBACK = 12
# Areas whose December forecasts are simulated together (see ``with_december_forecasts``).
BATCH_AREAS = 32

ScopeKind = Literal["province", "branch", "region"]
Status = Literal[
    "incomplete",
    "achieved",
    "missed",
    "insufficient_data",
    "on_track",
    "at_risk",
    "off_track",
    "no_target",
]
TargetSource = Literal["set", "allocated"]

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


class InvalidPeriod(ValueError):
    """A period string that is not ``YYYY-MM`` with a month from 01 to 12."""


@dataclass(frozen=True, order=True)
class Period:
    """A reported month; counts are end-of-month stocks."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text.strip())
        if not match:
            raise InvalidPeriod(text)
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year < 2000:
            raise InvalidPeriod(text)
        return cls(year, month)

    @classmethod
    def from_index(cls, index: int) -> Period:
        # Periods are immutable: one instance per month, built once. A summary
        # shifts and looks up months some thousands of times (run rates, monthly
        # changes of thirty areas); building a frozen dataclass each time showed.
        period = _PERIODS_BY_INDEX.get(index)
        if period is None:
            period = _PERIODS_BY_INDEX.setdefault(index, cls(index // 12, index % 12 + 1))
        return period

    @property
    def index(self) -> int:
        """Months since year 0, so that consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    def __hash__(self) -> int:
        # Equal periods have equal indexes; cheaper than hashing a (year, month) tuple.
        return self.year * 12 + self.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


_PERIODS_BY_INDEX: dict[int, Period] = {}


@dataclass(frozen=True)
class Scope:
    """The province, a branch or a region, with the regions it is made of."""

    kind: ScopeKind
    code: str
    name: str
    region_codes: frozenset[str]
    branch_code: str | None = None  # the branch a region belongs to


@dataclass(frozen=True)
class Denominator:
    """A workforce figure and the year it was taken from (``None`` if there is none)."""

    workers: int | None
    year: int | None


@dataclass(frozen=True)
class TargetSpec:
    """A target as stored: a count, a percentage of the basis, or both."""

    count: int | None
    pct: Fraction | None


@dataclass(frozen=True)
class ResolvedTarget:
    count: int | None
    pct: Fraction | None
    source: TargetSource | None
    implied_denominator: Fraction | None = None
    denominator_mismatch: bool = False


NO_TARGET = ResolvedTarget(count=None, pct=None, source=None)


@dataclass(frozen=True)
class ScopeMetrics:
    """Every headline figure of one scope for one period and basis."""

    period: Period
    active: int
    nonactive: int
    denominator: Denominator
    target: ResolvedTarget
    coverage_pct: Fraction | None
    gap_count: int | None
    gap_pp: Fraction | None
    months_remaining: int
    required_monthly_pace: int | None
    run_rate: Fraction | None
    projected_at_deadline: int | None
    projected_month_reached: Period | None
    status: Status
    # Reporting completeness (DOMAIN.md "Reporting completeness"): an incomplete
    # month has status ``incomplete`` and no run rate, projection or forecast.
    complete: bool = True
    regions_reported: int | None = None
    regions_expected: int | None = None
    missing_region_codes: tuple[str, ...] = ()
    # DOMAIN.md "Horizon of the reached month": true when the target is reached
    # only more than 120 months after ``period`` (then ``projected_month_reached``
    # is none).
    reached_beyond_horizon: bool = False
    # DOMAIN.md "Forecast": the last year's complete monthly changes, the bootstrap
    # probability of reaching the target by December and its 10–90 % band.
    monthly_changes: tuple[int, ...] = ()
    probability_reaching_target: Fraction | None = None
    projection_p10: int | None = None
    projection_p90: int | None = None
    pace_ratio: Fraction | None = None
    # (month, p10, p90) of the simulated values for each month after ``period`` up
    # to December: the shaded band of the progress chart.
    projection_band: tuple[tuple[Period, int, int], ...] = ()


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    name: str
    active: int
    denominator: int | None
    coverage_pct: Fraction | None
    target_count: int | None
    gap_count: int | None
    # Branch and region rows carry the area's own full metrics (status, run rate,
    # required pace, projection, forecast, completeness); sector and segment rows
    # have none.
    metrics: ScopeMetrics | None = None


@dataclass(frozen=True)
class CoverageSummary:
    scope: Scope
    basis: str
    metrics: ScopeMetrics
    by_branch: list[BreakdownRow] = field(default_factory=list)
    by_region: list[BreakdownRow] = field(default_factory=list)
    by_sector: list[BreakdownRow] = field(default_factory=list)
    by_segment: list[BreakdownRow] = field(default_factory=list)


# --- small arithmetic helpers -------------------------------------------------


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (as people round counts)."""
    if value >= 0:
        return math.floor(value + Fraction(1, 2))
    return -math.floor(-value + Fraction(1, 2))


def to_fraction(value: float | int | Decimal | str | Fraction) -> Fraction:
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(value)


def coverage_pct(active: int, denominator: int | None) -> Fraction | None:
    """``100 × active / denominator``; none without a (positive) denominator."""
    if not denominator:
        return None
    return Fraction(100 * active, denominator)


def gap_count(target_count: int | None, active: int) -> int | None:
    """Participants still to enrol; never negative."""
    if target_count is None:
        return None
    return max(target_count - active, 0)


def months_remaining(period: Period) -> int:
    """Months after ``period`` up to and including December: April → 8, December → 0."""
    return 12 - period.month


def required_monthly_pace(gap: int | None, remaining: int) -> int | None:
    """New participants needed per month to close the gap by December.

    0 when there is no gap (also in December); none when no month is left.
    """
    if gap is None:
        return None
    if gap == 0:
        return 0
    if remaining == 0:
        return None
    return math.ceil(Fraction(gap, remaining))


def run_rate(
    active_by_period: Mapping[Period, int],
    period: Period,
    complete: Collection[Period] | None = None,
) -> Fraction | None:
    """Average net monthly change over the last three months.

    ``(active(t) − active(t−k)) / k`` with ``k`` the largest of 3, 2, 1 for which
    the scope has data in month ``t−k`` and, when ``complete`` is given, ``t−k`` is
    one of those complete months (a half-reported month is never a base); none if
    no such month exists.
    """
    current = active_by_period.get(period)
    if current is None:
        return None
    for k in (3, 2, 1):
        month = period.shift(-k)
        earlier = active_by_period.get(month)
        if earlier is not None and (complete is None or month in complete):
            return Fraction(current - earlier, k)
    return None


def projected_at_deadline(active: int, rate: Fraction | None, remaining: int) -> int | None:
    if rate is None:
        return None
    return round_half_up(active + rate * remaining)


def _months_to_target(active: int, target_count: int, rate: Fraction) -> int:
    """The smallest ``k`` with ``active + rate × k ≥ target_count`` (``rate`` > 0)."""
    return math.ceil(Fraction(target_count - active) / rate)


def projected_month_reached(
    *,
    period: Period,
    active: int,
    target_count: int | None,
    rate: Fraction | None,
    horizon: int = HORIZON_MONTHS,
) -> Period | None:
    """First month the run rate reaches the target (may be after December).

    Looked for at most ``horizon`` months after ``period``: further out it is none
    (and ``reached_beyond_horizon`` is true), never a month such as May 2133.
    """
    if target_count is None:
        return None
    if active >= target_count:
        return period
    if rate is None or rate <= 0:
        return None
    months = _months_to_target(active, target_count, rate)
    if months > horizon:
        return None
    return period.shift(months)


def reached_beyond_horizon(
    *,
    active: int,
    target_count: int | None,
    rate: Fraction | None,
    horizon: int = HORIZON_MONTHS,
) -> bool:
    """True when the run rate reaches the target, but only more than ``horizon``
    months after the month shown."""
    if target_count is None or active >= target_count or rate is None or rate <= 0:
        return False
    return _months_to_target(active, target_count, rate) > horizon


def status(
    *,
    period: Period,
    active: int,
    target_count: int | None,
    rate: Fraction | None,
    pace: int | None,
    complete: bool = True,
) -> Status:
    """The contract's status; ``incomplete`` (a half-reported month) comes first."""
    if not complete:
        return "incomplete"
    if target_count is None:
        return "no_target"
    if active >= target_count:
        return "achieved"
    if period.month == 12:
        return "missed"
    if rate is None or pace is None:
        return "insufficient_data"
    if rate >= pace:
        return "on_track"
    if rate >= AT_RISK_SHARE * pace:
        return "at_risk"
    return "off_track"


def target_path(*, december_before: int, target_count: int, month: int) -> Fraction:
    """What month ``month`` should show on the straight line from last December to the target."""
    return december_before + Fraction(target_count - december_before) * month / 12


# --- denominators ------------------------------------------------------------------


AreaFigures = dict[str, dict[int, int]]
"""Workers by area (a region's BPS code, or ``53`` for the province) and year."""


def figures_by_sector(workforce: pd.DataFrame, *, basis: str) -> dict[str | None, AreaFigures]:
    """One pass over the workforce frame: ``{sector or None: {area: {year: workers}}}``.

    ``None`` holds the all-sector rows only: per-sector rows are never summed into a
    total, because a set of sector rows may be incomplete.
    """
    rows = workforce[workforce["basis"] == basis]
    figures: dict[str | None, AreaFigures] = {}
    # plain lists (iterating the columns themselves costs a pandas call per value)
    regions = [
        PROVINCE_CODE if _missing(code) else str(code) for code in rows["region_code"].tolist()
    ]
    sectors = [None if _missing(code) else str(code) for code in rows["sector_code"].tolist()]
    years = rows["year"].astype("int64").tolist()  # plain ints, not numpy scalars
    workers = rows["workers"].astype("int64").tolist()
    for area, key, year, count in zip(regions, sectors, years, workers, strict=True):
        figures.setdefault(key, {}).setdefault(area, {})[year] = count
    return figures


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def area_totals(workforce: pd.DataFrame, *, basis: str, sector_code: str | None) -> AreaFigures:
    """Workers by area and year for one basis and one sector (None: all sectors)."""
    return figures_by_sector(workforce, basis=basis).get(sector_code, {})


def scope_denominator(totals: AreaFigures, *, scope: Scope, year: int) -> Denominator:
    """The scope's figure for ``year``, or for the latest earlier year that has one.

    For the province an explicit province row wins over the sum of regions in the
    same year; a branch (and the province without its own row) is the sum of its
    regions' figures for that year.
    """
    own = totals.get(PROVINCE_CODE, {}) if scope.kind == "province" else {}
    regional = [totals[code] for code in scope.region_codes if code in totals]
    years = {y for y in own if y <= year}
    for figures in regional:
        years.update(y for y in figures if y <= year)
    if not years:
        return Denominator(workers=None, year=None)
    used = max(years)
    if used in own:
        return Denominator(workers=own[used], year=used)
    return Denominator(workers=sum(f[used] for f in regional if used in f), year=used)


def region_denominators(totals: AreaFigures, *, year: int) -> dict[str, int]:
    """Each region's latest figure up to ``year`` (regions without one are absent)."""
    latest: dict[str, int] = {}
    for area, figures in totals.items():
        years = [y for y in figures if y <= year]
        if area != PROVINCE_CODE and years:
            latest[area] = figures[max(years)]
    return latest


# --- targets --------------------------------------------------------------------------


def target_count_of(spec: TargetSpec, denominator: int | None) -> int | None:
    """The count a target stands for: its count, else ``ceil(pct × denominator / 100)``."""
    if spec.count is not None:
        return spec.count
    if spec.pct is None or denominator is None:
        return None
    return math.ceil(spec.pct * denominator / 100)


def resolve_target(chain: Sequence[tuple[int | None, TargetSpec | None]]) -> ResolvedTarget:
    """Resolve a scope's target from ``chain``: the scope first, then enclosing scopes.

    Each link is ``(denominator, target or None)``. The scope's own target wins;
    otherwise the nearest enclosing target is allocated by the scope's share of that
    scope's denominator (rounded) and marked ``allocated``.
    """
    if not chain:
        return NO_TARGET
    own_denominator = chain[0][0]
    for depth, (denominator, spec) in enumerate(chain):
        if spec is None:
            continue
        count = target_count_of(spec, denominator)
        if depth == 0:
            return _own_target(spec, count, own_denominator)
        if count is None or not denominator or own_denominator is None:
            return ResolvedTarget(count=None, pct=None, source="allocated")
        allocated = round_half_up(Fraction(count * own_denominator, denominator))
        return ResolvedTarget(
            count=allocated,
            pct=coverage_pct(allocated, own_denominator),
            source="allocated",
        )
    return NO_TARGET


def _own_target(spec: TargetSpec, count: int | None, denominator: int | None) -> ResolvedTarget:
    implied: Fraction | None = None
    mismatch = False
    if spec.count is not None and spec.pct is not None and spec.pct > 0:
        implied = Fraction(spec.count * 100) / spec.pct
        if denominator:
            mismatch = abs(implied - denominator) / denominator > MISMATCH_TOLERANCE
    pct = (
        spec.pct
        if spec.pct is not None
        else (coverage_pct(count, denominator) if count is not None else None)
    )
    return ResolvedTarget(
        count=count,
        pct=pct,
        source="set",
        implied_denominator=implied,
        denominator_mismatch=mismatch,
    )


def target_specs(
    targets: pd.DataFrame, *, year: int, basis: str
) -> dict[tuple[str, str], TargetSpec]:
    """Targets of one year and basis keyed by ``(scope_type, scope_code)``."""
    rows = targets[(targets["year"] == year) & (targets["basis"] == basis)]
    specs: dict[tuple[str, str], TargetSpec] = {}
    # plain lists: a handful of rows, where itertuples costs more than the loop
    for scope_type, scope_code, count, pct in zip(
        rows["scope_type"].tolist(),
        rows["scope_code"].tolist(),
        rows["target_count"].tolist(),
        rows["target_pct"].tolist(),
        strict=True,
    ):
        specs[(str(scope_type), str(scope_code))] = TargetSpec(
            count=None if pd.isna(count) else int(count),
            pct=None if pd.isna(pct) else to_fraction(pct),
        )
    return specs


def counts_from_other_basis(
    targets: pd.DataFrame,
    *,
    workforce: pd.DataFrame,
    reference: ReferenceFrames,
    year: int,
    basis: str,
) -> dict[tuple[str, str], TargetSpec]:
    """Targets of another basis, kept as participant counts only.

    A count of participants means the same on any basis, but a percentage does
    not: when ``basis`` has no target at all for the year (e.g. only the UCJ
    target is announced and BPS labour-force coverage is asked for), each target
    of the other basis is turned into its count (a percentage-only target through
    its own basis's denominator) and its percentage is dropped, so that every
    percentage shown is relative to the basis shown.
    """
    others = targets[(targets["year"] == year) & (targets["basis"] != basis)]
    specs: dict[tuple[str, str], TargetSpec] = {}
    for other_basis in sorted(set(others["basis"])):
        other_totals = area_totals(workforce, basis=str(other_basis), sector_code=None)
        for key, spec in target_specs(others, year=year, basis=str(other_basis)).items():
            if key in specs:
                continue
            scope = reference.scope(key[1])
            denominator = (
                scope_denominator(other_totals, scope=scope, year=year).workers if scope else None
            )
            count = target_count_of(spec, denominator)
            if count is not None:
                specs[key] = TargetSpec(count=count, pct=None)
    return specs


# --- metrics of a scope -------------------------------------------------------------


MONTHLY_COLUMNS = ("year", "month", "region_code", "active", "nonactive")


def monthly_rows(monthly: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """``(year, month, region_code, active, nonactive)`` of each row of a ``monthly``
    frame as plain Python values (a few hundred rows: cheaper than pandas)."""
    return zip(*(monthly[column].tolist() for column in MONTHLY_COLUMNS), strict=True)


def active_series(monthly: pd.DataFrame, region_codes: Iterable[str]) -> pd.DataFrame:
    """Monthly totals of a set of regions: ``year, month, active, nonactive``.

    A month appears only if at least one of the regions has data in it. Summed in
    plain Python (a few hundred rows: cheaper than a pandas group-by).
    """
    codes = set(region_codes)
    sums: dict[tuple[int, int], list[int]] = {}
    for year, month, code, active, nonactive in monthly_rows(monthly):
        if code in codes:
            total = sums.setdefault((int(year), int(month)), [0, 0])
            total[0] += int(active)
            total[1] += int(nonactive)
    keys = sorted(sums)
    return pd.DataFrame(
        {
            "year": np.array([year for year, _month in keys], dtype=np.int64),
            "month": np.array([month for _year, month in keys], dtype=np.int64),
            "active": np.array([sums[key][0] for key in keys], dtype=np.int64),
            "nonactive": np.array([sums[key][1] for key in keys], dtype=np.int64),
        }
    )


def scope_metrics(
    *,
    period: Period,
    series: pd.DataFrame,
    denominator: Denominator,
    target: ResolvedTarget,
    completeness: Completeness | None = None,
    complete_periods: Collection[Period] | None = None,
) -> ScopeMetrics:
    """All headline figures of a scope from its monthly series, denominator and target.

    ``completeness`` is how far ``period`` is reported for the scope and
    ``complete_periods`` the months complete for it (see ``history_metrics``).
    """
    by_period = {
        Period(int(y), int(m)): int(a)
        for y, m, a in zip(series["year"], series["month"], series["active"], strict=True)
    }
    nonactive_by_period = {
        Period(int(y), int(m)): int(n)
        for y, m, n in zip(series["year"], series["month"], series["nonactive"], strict=True)
    }
    return history_metrics(
        period=period,
        active_by_period=by_period,
        nonactive=nonactive_by_period.get(period, 0),
        denominator=denominator,
        target=target,
        completeness=completeness,
        complete_periods=complete_periods,
    )


def history_metrics(
    *,
    period: Period,
    active_by_period: Mapping[Period, int],
    nonactive: int,
    denominator: Denominator,
    target: ResolvedTarget,
    completeness: Completeness | None = None,
    complete_periods: Collection[Period] | None = None,
    simulate: bool = True,
) -> ScopeMetrics:
    """All figures of a scope from its active participants per month (months with
    data only).

    ``simulate=False`` leaves the probability and its band to the caller, which
    computes many areas at once (``with_december_forecasts``).

    ``completeness`` none means the month counts as complete (no ledger known);
    ``complete_periods`` none means every month with data counts as complete. An
    incomplete ``period`` shows the reported sums with status ``incomplete`` and no
    run rate, projection or forecast; the run rate and the monthly changes only
    ever use complete months.
    """
    from . import forecast as forecasting  # forecast.py imports Period from here

    complete = completeness is None or completeness.complete
    complete_months = frozenset(active_by_period if complete_periods is None else complete_periods)
    active = active_by_period.get(period, 0)
    remaining = months_remaining(period)
    gap = gap_count(target.count, active)
    pace = required_monthly_pace(gap, remaining)
    rate = run_rate(active_by_period, period, complete_months) if complete else None
    pct = coverage_pct(active, denominator.workers)
    changes = forecasting.monthly_changes(active_by_period, complete_months, period)
    state = status(
        period=period,
        active=active,
        target_count=target.count,
        rate=rate,
        pace=pace,
        complete=complete,
    )
    outlook = (
        forecasting.forecast(
            period=period,
            active=active,
            target_count=target.count,
            status=state,
            changes=changes,
            months_remaining=remaining,
        )
        if simulate
        else forecasting.NOT_SIMULATED
    )
    return ScopeMetrics(
        period=period,
        active=active,
        nonactive=nonactive,
        denominator=denominator,
        target=target,
        coverage_pct=pct,
        gap_count=gap,
        gap_pp=None if target.pct is None or pct is None else target.pct - pct,
        months_remaining=remaining,
        required_monthly_pace=pace,
        run_rate=rate,
        projected_at_deadline=projected_at_deadline(active, rate, remaining),
        projected_month_reached=(
            projected_month_reached(
                period=period, active=active, target_count=target.count, rate=rate
            )
            if complete
            else None
        ),
        status=state,
        complete=complete,
        regions_reported=None if completeness is None else completeness.regions_reported,
        regions_expected=None if completeness is None else completeness.regions_expected,
        missing_region_codes=() if completeness is None else completeness.missing,
        reached_beyond_horizon=complete
        and reached_beyond_horizon(active=active, target_count=target.count, rate=rate),
        monthly_changes=changes,
        probability_reaching_target=outlook.probability,
        projection_p10=outlook.p10,
        projection_p90=outlook.p90,
        pace_ratio=forecasting.pace_ratio(rate, pace),
        projection_band=outlook.band,
    )


def with_december_forecasts(metrics: Sequence[ScopeMetrics]) -> list[ScopeMetrics]:
    """``metrics`` with the probability and the December p10/p90 of ``forecast``,
    computed for all of them at once (the band month by month is left out).

    The same numbers as ``forecasting.forecast`` gives each one (tested): the paths
    are its seeded draws, and since they depend only on how many changes there are
    and how many months remain, the draws are shared by every area with the same
    two, and only the December totals are formed (a matrix product of how often
    each change was drawn by the changes themselves). This keeps a province page's
    29 areas within a few milliseconds.
    """
    from . import forecast as forecasting  # forecast.py imports Period from here

    results = list(metrics)
    groups: dict[tuple[int, int], list[int]] = {}
    for position, m in enumerate(results):
        if _needs_simulation(m):
            groups.setdefault((len(m.monthly_changes), m.months_remaining), []).append(position)
        else:
            outlook = forecasting.forecast(
                period=m.period,
                active=m.active,
                target_count=m.target.count,
                status=m.status,
                changes=m.monthly_changes,
                months_remaining=m.months_remaining,
            )
            results[position] = replace(
                m,
                probability_reaching_target=outlook.probability,
                projection_p10=outlook.p10,
                projection_p90=outlook.p90,
            )
    for (count, months), positions in groups.items():
        draws = _draw_counts(count, months)
        # A few dozen areas at a time: a national page's 600 areas × 10,000 paths
        # would otherwise be one 50 MB matrix.
        for first in range(0, len(positions), BATCH_AREAS):
            chunk = positions[first : first + BATCH_AREAS]
            changes = np.array([results[p].monthly_changes for p in chunk], dtype=np.int64)
            starts = np.array([results[p].active for p in chunk], dtype=np.int64)
            targets = np.array([results[p].target.count for p in chunk], dtype=np.int64)
            # One row of December values per area, in integers (einsum: exact, no BLAS).
            totals = starts[:, None] + np.einsum("ak,kp->ap", changes, draws)
            hits = np.count_nonzero(totals >= targets[:, None], axis=1)
            low, high = forecasting.percentile_band(totals)
            for row, position in enumerate(chunk):
                results[position] = replace(
                    results[position],
                    probability_reaching_target=Fraction(int(hits[row]), forecasting.PATHS),
                    projection_p10=low[row],
                    projection_p90=high[row],
                )
    return results


def _needs_simulation(m: ScopeMetrics) -> bool:
    """Whether ``forecasting.forecast`` would simulate paths for ``m``."""
    from . import forecast as forecasting  # forecast.py imports Period from here

    return (
        m.status not in ("incomplete", "achieved", "missed")
        and m.target.count is not None
        and len(m.monthly_changes) >= forecasting.MIN_CHANGES
        and m.months_remaining > 0
    )


@lru_cache(maxsize=32)
def _draw_counts(count: int, months: int) -> npt.NDArray[np.int64]:
    """``count × PATHS``: how often each of ``count`` changes is drawn on each path
    of ``months`` months, in ``forecasting.simulated_paths``'s seeded draw (the
    December value of a path whose changes are 1 for that change, 0 otherwise)."""
    from . import forecast as forecasting  # forecast.py imports Period from here

    unit = np.eye(count, dtype=np.int64)
    counts = np.array(
        [
            forecasting.simulated_paths(active=0, changes=list(unit[index]), months=months)[-1]
            for index in range(count)
        ],
        dtype=np.int64,
    )
    counts.setflags(write=False)
    return counts


# --- the whole summary --------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceFrames:
    """What the summary needs to know about the organisation, as frames."""

    regions: pd.DataFrame  # region_code, name, branch_code
    branches: pd.DataFrame  # branch_code, name
    sectors: pd.DataFrame  # sector_code, name
    segments: pd.DataFrame  # segment_code, name, is_formal

    @cached_property
    def _regions_by_branch(self) -> dict[str, frozenset[str]]:
        grouped: dict[str, set[str]] = {}
        for code, branch in zip(
            self.regions["region_code"], self.regions["branch_code"], strict=True
        ):
            grouped.setdefault(str(branch), set()).add(str(code))
        return {branch: frozenset(codes) for branch, codes in grouped.items()}

    def region_codes_of_branch(self, branch_code: str) -> frozenset[str]:
        return self._regions_by_branch.get(branch_code, frozenset())

    def province(self) -> Scope:
        return Scope(
            kind="province",
            code=PROVINCE_CODE,
            name="Nusa Tenggara Timur",
            region_codes=frozenset(str(code) for code in self.regions["region_code"]),
        )

    @cached_property
    def _branch_names(self) -> dict[str, str]:
        return {
            str(code): str(name)
            for code, name in zip(self.branches["branch_code"], self.branches["name"], strict=True)
        }

    @cached_property
    def _region_info(self) -> dict[str, tuple[str, str]]:
        """Region code → (name, branch code)."""
        return {
            str(code): (str(name), str(branch))
            for code, name, branch in zip(
                self.regions["region_code"],
                self.regions["name"],
                self.regions["branch_code"],
                strict=True,
            )
        }

    def scope(self, code: str) -> Scope | None:
        """The scope named by ``code``: ``53``, a branch code or a region's BPS code."""
        code = code.strip()
        if code == PROVINCE_CODE:
            return self.province()
        branch_name = self._branch_names.get(code.upper())
        if branch_name is not None:
            return Scope(
                kind="branch",
                code=code.upper(),
                name=branch_name,
                region_codes=self.region_codes_of_branch(code.upper()),
            )
        region = self._region_info.get(code)
        if region is not None:
            return Scope(
                kind="region",
                code=code,
                name=region[0],
                region_codes=frozenset([code]),
                branch_code=region[1],
            )
        return None


def coverage_summary(
    *,
    period: Period,
    scope: Scope,
    basis: str,
    reference: ReferenceFrames,
    monthly: pd.DataFrame,
    workforce: pd.DataFrame,
    targets: pd.DataFrame,
    sector_active: pd.DataFrame,
    segment_active: pd.DataFrame,
    series: pd.DataFrame | None = None,
    with_areas: bool = True,
    ledger: ReportingLedger | None = None,
    history: RegionHistory | None = None,
) -> CoverageSummary:
    """Headline metrics of ``scope`` plus its breakdown by branch, region, sector, segment.

    ``monthly`` is each region's history (``year, month, region_code, active,
    nonactive``) up to ``period``, from at least 12 months before it: every branch
    and region row gets its own full metrics (run rate, projection, forecast) from
    it. ``sector_active`` and ``segment_active`` hold the scope's active
    participants in ``period`` per ``sector_code`` / ``segment_code``. ``series``
    is the scope's own ``active_series`` when the caller has it already summed;
    otherwise it is summed from ``monthly``. ``with_areas=False`` leaves the branch
    and region breakdowns empty, for a summary read only for its headline (then
    ``monthly`` needs only the rows of ``period``). ``ledger`` says which regency
    reported which month; without it, it is derived from ``monthly``. ``history``
    is ``RegionHistory(monthly)`` when the caller has built it already (a page's
    summaries share one).
    """
    by_sector_figures = figures_by_sector(workforce, basis=basis)
    totals = by_sector_figures.get(None, {})
    province = reference.province()
    specs = target_specs(targets, year=period.year, basis=basis) or counts_from_other_basis(
        targets, workforce=workforce, reference=reference, year=period.year, basis=basis
    )
    province_denominator = scope_denominator(totals, scope=province, year=period.year)
    province_spec = specs.get(("province", PROVINCE_CODE))
    region_figures = region_denominators(totals, year=period.year)
    history = history or RegionHistory(monthly)
    window = period.shift(-CHANGES_LOOKBACK)  # the oldest month a run rate or change uses
    if ledger is None:
        from .completeness import ReportingLedger  # completeness imports this module

        ledger = ReportingLedger(history.region_months())

    branch_denominators: dict[str, Denominator] = {}
    for branch_code in reference.branches["branch_code"]:
        branch_scope = Scope(
            kind="branch",
            code=str(branch_code),
            name="",
            region_codes=reference.region_codes_of_branch(str(branch_code)),
        )
        branch_denominators[str(branch_code)] = scope_denominator(
            totals, scope=branch_scope, year=period.year
        )

    def branch_chain(branch_code: str) -> list[tuple[int | None, TargetSpec | None]]:
        return [
            (branch_denominators[branch_code].workers, specs.get(("branch", branch_code))),
            (province_denominator.workers, province_spec),
        ]

    def region_target(region_code: str, branch_code: str) -> ResolvedTarget:
        chain = [(region_figures.get(region_code), specs.get(("region", region_code)))]
        return resolve_target(chain + branch_chain(branch_code))

    if scope.kind == "province":
        denominator = province_denominator
        target = resolve_target([(denominator.workers, province_spec)])
    elif scope.kind == "branch":
        denominator = branch_denominators.get(scope.code) or scope_denominator(
            totals, scope=scope, year=period.year
        )
        target = resolve_target(branch_chain(scope.code))
    else:
        denominator = scope_denominator(totals, scope=scope, year=period.year)
        target = region_target(scope.code, scope.branch_code or "")

    scope_history = (
        history.active_by_period(scope.region_codes)
        if series is None
        else {
            Period(int(y), int(m)): int(a)
            for y, m, a in zip(series["year"], series["month"], series["active"], strict=True)
        }
    )
    if series is None:
        scope_nonactive = history.nonactive_in(period, scope.region_codes)
    else:
        at = series[(series["year"] == period.year) & (series["month"] == period.month)]
        scope_nonactive = int(at["nonactive"].sum())
    metrics = history_metrics(
        period=period,
        active_by_period=scope_history,
        nonactive=scope_nonactive,
        denominator=denominator,
        target=target,
        completeness=ledger.completeness(period, scope.region_codes),
        complete_periods=ledger.complete_periods(scope.region_codes, since=window, until=period),
    )

    def area_metrics(
        region_codes: frozenset[str], denominator: Denominator, target: ResolvedTarget
    ) -> ScopeMetrics:
        return history_metrics(
            period=period,
            active_by_period=history.active_by_period(region_codes),
            nonactive=history.nonactive_in(period, region_codes),
            denominator=denominator,
            target=target,
            completeness=ledger.completeness(period, region_codes),
            complete_periods=ledger.complete_periods(region_codes, since=window, until=period),
            simulate=False,
        )

    branch_rows: list[tuple[str, str, ScopeMetrics]] = []
    if with_areas and scope.kind in ("province", "branch"):
        for row in reference.branches.itertuples(index=False):
            code = str(row.branch_code)
            if scope.kind == "branch" and code != scope.code:
                continue
            members = reference.region_codes_of_branch(code)
            branch_rows.append(
                (
                    code,
                    str(row.name),
                    area_metrics(
                        members, branch_denominators[code], resolve_target(branch_chain(code))
                    ),
                )
            )

    region_rows: list[tuple[str, str, ScopeMetrics]] = []
    for row in reference.regions.itertuples(index=False) if with_areas else ():
        code = str(row.region_code)
        if code not in scope.region_codes:
            continue
        region_rows.append(
            (
                code,
                str(row.name),
                area_metrics(
                    frozenset([code]),
                    _region_denominator(totals, region_code=code, year=period.year),
                    region_target(code, str(row.branch_code)),
                ),
            )
        )
    area_forecasts = with_december_forecasts([m for _c, _n, m in branch_rows + region_rows])
    by_branch = [
        _area_row(code=code, name=name, metrics=m)
        for (code, name, _m), m in zip(branch_rows, area_forecasts, strict=False)
    ]
    by_region = [
        _area_row(code=code, name=name, metrics=m)
        for (code, name, _m), m in zip(region_rows, area_forecasts[len(branch_rows) :], strict=True)
    ]

    by_sector: list[BreakdownRow] = []
    sector_names = dict(
        zip(reference.sectors["sector_code"], reference.sectors["name"], strict=True)
    )
    sectors_in_order = sector_active.sort_values("sector_code")
    for sector_code, active in zip(
        sectors_in_order["sector_code"].tolist(), sectors_in_order["active"].tolist(), strict=True
    ):
        code = str(sector_code)
        sector_denominator = scope_denominator(
            by_sector_figures.get(code, {}), scope=scope, year=period.year
        )
        by_sector.append(
            _breakdown_row(
                code=code,
                name=str(sector_names.get(code, code)),
                active=int(active),
                denominator=sector_denominator.workers,
                target_count=None,
            )
        )

    by_segment: list[BreakdownRow] = []
    segment_values = dict(
        zip(segment_active["segment_code"], segment_active["active"], strict=True)
    )
    for row in reference.segments.itertuples(index=False):
        code = str(row.segment_code)
        by_segment.append(
            _breakdown_row(
                code=code,
                name=str(row.name),
                active=int(segment_values.get(code, 0)),
                denominator=None,
                target_count=None,
            )
        )

    return CoverageSummary(
        scope=scope,
        basis=basis,
        metrics=metrics,
        by_branch=by_branch,
        by_region=by_region,
        by_sector=by_sector,
        by_segment=by_segment,
    )


def _breakdown_row(
    *, code: str, name: str, active: int, denominator: int | None, target_count: int | None
) -> BreakdownRow:
    return BreakdownRow(
        code=code,
        name=name,
        active=active,
        denominator=denominator,
        coverage_pct=coverage_pct(active, denominator),
        target_count=target_count,
        gap_count=gap_count(target_count, active),
    )


def _area_row(*, code: str, name: str, metrics: ScopeMetrics) -> BreakdownRow:
    """A branch or region row: the area's own full metrics, and the table columns
    taken from them."""
    return BreakdownRow(
        code=code,
        name=name,
        active=metrics.active,
        denominator=metrics.denominator.workers,
        coverage_pct=metrics.coverage_pct,
        target_count=metrics.target.count,
        gap_count=metrics.gap_count,
        metrics=metrics,
    )


def _region_denominator(totals: AreaFigures, *, region_code: str, year: int) -> Denominator:
    """A region's own latest figure up to ``year``, and the year it is from."""
    figures = totals.get(region_code, {})
    years = [y for y in figures if y <= year]
    if not years:
        return Denominator(workers=None, year=None)
    return Denominator(workers=figures[max(years)], year=max(years))


class RegionHistory:
    """Each region's active and non-active participants per month, from the
    ``monthly`` frame, summed over any set of regions without pandas (a summary
    sums it for the scope and for every branch and region row)."""

    def __init__(self, monthly: pd.DataFrame) -> None:
        self._active: dict[str, dict[int, int]] = {}
        self._nonactive: dict[str, dict[int, int]] = {}
        self._periods: dict[int, Period] = {}
        for year, month, code, active, nonactive in monthly_rows(monthly):
            index = int(year) * 12 + int(month) - 1
            if index not in self._periods:
                self._periods[index] = Period.from_index(index)
            region = str(code)
            self._active.setdefault(region, {})[index] = int(active)
            self._nonactive.setdefault(region, {})[index] = int(nonactive)

    def region_months(self) -> list[tuple[int, int, str]]:
        """``(year, month, region_code)`` of every region-month with a row."""
        return [
            (self._periods[index].year, self._periods[index].month, region)
            for region, months in self._active.items()
            for index in months
        ]

    def active_by_period(self, region_codes: Collection[str]) -> dict[Period, int]:
        """The regions' summed active participants in each month where any has a row."""
        summed: dict[int, int] = {}
        for code in region_codes:
            for index, active in self._active.get(code, {}).items():
                summed[index] = summed.get(index, 0) + active
        return {self._periods[index]: summed[index] for index in sorted(summed)}

    def nonactive_in(self, period: Period, region_codes: Collection[str]) -> int:
        return sum(self._nonactive.get(code, {}).get(period.index, 0) for code in region_codes)

    def series(self, region_codes: Collection[str]) -> pd.DataFrame:
        """``active_series(monthly, region_codes)``, summed from this history."""
        active: dict[int, int] = {}
        nonactive: dict[int, int] = {}
        for code in region_codes:
            for index, value in self._active.get(code, {}).items():
                active[index] = active.get(index, 0) + value
            for index, value in self._nonactive.get(code, {}).items():
                nonactive[index] = nonactive.get(index, 0) + value
        keys = sorted(active)
        return pd.DataFrame(
            {
                "year": np.array([self._periods[i].year for i in keys], dtype=np.int64),
                "month": np.array([self._periods[i].month for i in keys], dtype=np.int64),
                "active": np.array([active[i] for i in keys], dtype=np.int64),
                "nonactive": np.array([nonactive[i] for i in keys], dtype=np.int64),
            }
        )


# --- the JSON contract ---------------------------------------------------------------


def _pct(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _number(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _decimals(value: Fraction | None, places: int) -> float | None:
    """``value`` rounded half away from zero to ``places`` decimals, exactly."""
    if value is None:
        return None
    scale = 10**places
    return round_half_up(value * scale) / scale


def _month(value: Period | None) -> str | None:
    return None if value is None else str(value)


def _forecast_fields(m: ScopeMetrics) -> dict[str, object]:
    """The keys that a scope and each of its branch and region rows share."""
    return {
        "status": m.status,
        "run_rate": _number(m.run_rate),
        "required_monthly_pace": m.required_monthly_pace,
        "projected_at_deadline": m.projected_at_deadline,
        "projected_month_reached": _month(m.projected_month_reached),
        "reached_beyond_horizon": m.reached_beyond_horizon,
        "probability_reaching_target": _decimals(m.probability_reaching_target, 3),
        "projection_p10": m.projection_p10,
        "projection_p90": m.projection_p90,
        "pace_ratio": _decimals(m.pace_ratio, 2),
        "complete": m.complete,
        "regions_reported": m.regions_reported,
        "regions_expected": m.regions_expected,
    }


def summary_as_dict(summary: CoverageSummary) -> dict[str, object]:
    """The one result shape shared by the pages, ``/api/coverage`` and the CLI."""
    m = summary.metrics
    return {
        "period": str(m.period),
        "scope": summary.scope.code,
        "scope_type": summary.scope.kind,
        "scope_name": summary.scope.name,
        "basis": summary.basis,
        "active": m.active,
        "nonactive": m.nonactive,
        "denominator": m.denominator.workers,
        "denominator_year": m.denominator.year,
        "coverage_pct": _pct(m.coverage_pct),
        "target_count": m.target.count,
        "target_pct": _pct(m.target.pct),
        "target_source": m.target.source,
        "implied_denominator": _number(m.target.implied_denominator),
        "denominator_mismatch": m.target.denominator_mismatch,
        "gap_count": m.gap_count,
        "gap_pp": _pct(m.gap_pp),
        "months_remaining": m.months_remaining,
        **_forecast_fields(m),
        "by_branch": [_row_as_dict(row) for row in summary.by_branch],
        "by_region": [_row_as_dict(row) for row in summary.by_region],
        "by_sector": [_row_as_dict(row) for row in summary.by_sector],
        "by_segment": [_row_as_dict(row) for row in summary.by_segment],
    }


def _row_as_dict(row: BreakdownRow) -> dict[str, object]:
    return {
        "code": row.code,
        "name": row.name,
        "active": row.active,
        "denominator": row.denominator,
        "coverage_pct": _pct(row.coverage_pct),
        "target_count": row.target_count,
        "gap_count": row.gap_count,
        **({} if row.metrics is None else _forecast_fields(row.metrics)),
    }
