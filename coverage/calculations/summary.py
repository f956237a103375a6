"""The whole summary of a scope: its metrics and its rows by branch, region, sector
and segment."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from .area_forecasts import with_december_forecasts
from .arithmetic import coverage_pct
from .denominators import (
    Denominator,
    figures_by_sector,
    region_denominator,
    region_denominators,
    scope_denominator,
)
from .history import RegionHistory
from .metrics import ScopeMetrics, history_metrics
from .period import Period
from .scopes import PROVINCE_CODE, ReferenceFrames, Scope
from .targets import (
    ResolvedTarget,
    TargetSpec,
    counts_from_other_basis,
    resolve_target,
    target_specs,
)

if TYPE_CHECKING:
    from ..completeness import ReportingLedger

# The monthly changes of the forecast reach back to t − 12 (the change of t − 11).
CHANGES_LOOKBACK = 12


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    name: str
    active: int
    denominator: int | None
    coverage_pct: Fraction | None
    target_count: int | None = None
    gap_count: int | None = None
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
    with_areas: bool = True,
    ledger: ReportingLedger | None = None,
    history: RegionHistory | None = None,
) -> CoverageSummary:
    """Headline metrics of ``scope`` plus its breakdown by branch, region, sector, segment.

    ``monthly`` is each region's history (``year, month, region_code, active,
    nonactive``) up to ``period``, from at least 12 months before it: every branch
    and region row gets its own full metrics (run rate, projection, forecast) from
    it. ``sector_active`` and ``segment_active`` hold the scope's active
    participants in ``period`` per ``sector_code`` / ``segment_code``. The scope's
    own series is summed from ``monthly`` like each area's. ``with_areas=False`` leaves the branch
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
        from ..completeness import ReportingLedger  # completeness imports this package

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

    def area_metrics(
        region_codes: frozenset[str],
        denominator: Denominator,
        target: ResolvedTarget,
        *,
        simulate: bool = False,
    ) -> ScopeMetrics:
        """The metrics of the scope or of one of its rows, from its regions' history
        (a row's forecast is left to ``with_december_forecasts``, all rows at once)."""
        return history_metrics(
            period=period,
            active_by_period=history.active_by_period(region_codes),
            nonactive=history.nonactive_in(period, region_codes),
            denominator=denominator,
            target=target,
            completeness=ledger.completeness(period, region_codes),
            complete_periods=ledger.complete_periods(region_codes, since=window, until=period),
            simulate=simulate,
        )

    metrics = area_metrics(scope.region_codes, denominator, target, simulate=True)

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
                    region_denominator(totals, region_code=code, year=period.year),
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


def _breakdown_row(*, code: str, name: str, active: int, denominator: int | None) -> BreakdownRow:
    """A sector or segment row: coverage only, no target of its own."""
    pct = coverage_pct(active, denominator)
    return BreakdownRow(
        code=code, name=name, active=active, denominator=denominator, coverage_pct=pct
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
