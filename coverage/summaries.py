"""Load → compute: the one path from the database to a ``CoverageSummary``.

The pages, ``/api/coverage`` and ``manage.py coverage_summary`` all call
``load_coverage_summary`` so that they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
from django.utils.translation import gettext as _

from . import selectors
from .cache import data_version
from .calculations import (
    BreakdownRow,
    CoverageSummary,
    InvalidPeriod,
    Period,
    ReferenceFrames,
    RegionHistory,
    Scope,
    coverage_summary,
    series_by_period,
)
from .completeness import Completeness, ReportingLedger
from .models import Basis

# The regency × sector heatmap has a row per regency: beyond this many (a national
# scale, not NTT's 22) it would be metres tall and unreadable, so it is not loaded.
HEATMAP_MAX_REGIONS = 60


class SummaryError(Exception):
    """A request the summary cannot answer; ``status`` is the HTTP status to use."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def parse_period(text: str | None) -> Period:
    try:
        return Period.parse(text or "")
    except InvalidPeriod:
        raise SummaryError(
            _("Periode “%(value)s” tidak valid: gunakan format TTTT-BB, misalnya 2025-04.")
            % {"value": text or ""},
            status=400,
        ) from None


def parse_basis(text: str | None) -> str:
    value = (text or Basis.UCJ).strip().upper()
    if value not in Basis.values:
        raise SummaryError(
            _("Basis “%(value)s” tidak dikenal: pilih UCJ atau BPS_AK.") % {"value": text},
            status=400,
        )
    return value


def history_start(period: Period) -> Period:
    """The earliest month a summary of ``period`` reads: January of the year before.

    The progress charts start there, the target path starts from last December, the
    run rate looks back three months at most and the monthly changes twelve (to
    ``t − 12``, never before this), so older months are never used; leaving them in
    the database keeps the national page's query small.
    """
    return Period(period.year - 1, 1)


def default_period(scope: Scope, *, ledger: ReportingLedger | None = None) -> Period:
    """The month a page, the API, the planner, the PDF and the exports show when
    given none: the latest month complete for ``scope`` (DOMAIN.md)."""
    ledger = ledger or selectors.reporting_ledger()
    period = ledger.default_period(scope.region_codes)
    if period is None:
        raise SummaryError(_("Belum ada data kepesertaan."), status=404)
    return period


def period_choices(scope: Scope, *, ledger: ReportingLedger | None = None) -> list[Completeness]:
    """Every month with data, newest first, with how far it is reported for ``scope``
    (what a period picker lists: incomplete months are marked, not hidden)."""
    ledger = ledger or selectors.reporting_ledger()
    return [ledger.completeness(period, scope.region_codes) for period in reversed(ledger.periods)]


def resolve_period(
    text: str | None, scope: Scope | str, *, ledger: ReportingLedger | None = None
) -> Period:
    """The month a request asks for: ``text`` parsed when given, else the scope's default
    period (the latest month complete for it). Every page, download, the API, the CLI
    and the planner that take an optional period go through here; ``scope`` may be
    given by its code."""
    if text:
        return parse_period(text)
    if isinstance(scope, str):
        scope = scope_or_error(selectors.reference_frames(), scope)
    return default_period(scope, ledger=ledger)


def _ledger_with(period: Period, *, version: str) -> ReportingLedger:
    """The reporting ledger (the whole one, kept under the data version: the page's
    default period and period picker read it too); a period nobody reported is a
    404."""
    ledger = selectors.reporting_ledger(version=version)
    if period not in ledger.periods:
        raise SummaryError(
            _("Belum ada data kepesertaan untuk periode %(period)s.") % {"period": str(period)},
            status=404,
        )
    return ledger


def load_coverage_summary(*, period: Period, scope_code: str, basis: str) -> CoverageSummary:
    """Everything about ``scope_code`` in ``period`` on ``basis``, aggregated in SQL first.

    The reference frames and the reporting ledger come from the cache under the
    data version (read once) when they are there; one query reads the scope's
    regions' monthly history (``history_start`` to ``period``), from which the
    scope and each of its branches and regions get their series.
    """
    version = data_version()
    reference = selectors.reference_frames(version=version)
    scope = scope_or_error(reference, scope_code)
    ledger = _ledger_with(period, version=version)
    region_codes = None if scope.kind == "province" else scope.region_codes
    return coverage_summary(
        period=period,
        scope=scope,
        basis=basis,
        reference=reference,
        monthly=selectors.monthly_region_totals(
            until=period, since=history_start(period), region_codes=region_codes
        ),
        workforce=selectors.workforce_frame(until_year=period.year),
        targets=selectors.targets_frame(year=period.year),
        sector_active=selectors.active_by_sector(period=period, region_codes=region_codes),
        segment_active=selectors.active_by_segment(period=period, region_codes=region_codes),
        ledger=ledger,
    )


# --- the dashboard: both bases and the charts' frames from one load ----------------


@dataclass(frozen=True)
class DashboardData:
    """Everything a dashboard page draws, loaded with one query per selector.

    ``summary`` is on the basis the reader chose, ``other`` on the other basis (so
    that UCJ coverage always has BPS labour-force coverage beside it; its branch and
    region breakdowns are left empty). ``context``
    is the province summary on the chosen basis without its sector and segment
    breakdowns: it gives every regency's row for the map and, on a region page,
    the sibling regencies of its branch.
    """

    period: Period
    basis: str
    other_basis: str
    scope: Scope
    reference: ReferenceFrames
    summary: CoverageSummary
    other: CoverageSummary
    context: CoverageSummary
    series: pd.DataFrame  # year, month, active, nonactive of the scope
    segment_series: pd.DataFrame  # year, month, segment_code, active
    region_sector: pd.DataFrame  # region_code, sector_code, active (empty above the limit)
    workforce: pd.DataFrame

    @property
    def active_by_period(self) -> dict[Period, int]:
        """The scope's active participants by month, from ``series``."""
        return series_by_period(self.series)

    @property
    def ucj(self) -> CoverageSummary:
        return self.summary if self.basis == Basis.UCJ else self.other

    @property
    def bps(self) -> CoverageSummary:
        return self.other if self.basis == Basis.UCJ else self.summary

    @property
    def context_region_codes(self) -> frozenset[str]:
        """The regions a page compares: its own, or a regency's whole branch."""
        if self.scope.kind == "region" and self.scope.branch_code:
            return self.reference.region_codes_of_branch(self.scope.branch_code)
        return self.scope.region_codes

    @property
    def context_region_rows(self) -> list[BreakdownRow]:
        """The regency rows a page or the PDF shows beside the scope (``context_region_codes``)."""
        codes = self.context_region_codes
        return [row for row in self.context.by_region if row.code in codes]

    def workforce_source(self, summary: CoverageSummary) -> str:
        """Where the denominator of ``summary`` comes from (the ``source`` column)."""
        year = summary.metrics.denominator.year
        if year is None:
            return ""
        rows = self.workforce[
            (self.workforce["basis"] == summary.basis)
            & (self.workforce["year"] == year)
            & self.workforce["sector_code"].isna()
        ]
        own = rows[rows["region_code"].isna()]
        if self.scope.kind == "province" and not own.empty:
            return str(own["source"].iloc[0])
        regional = rows[rows["region_code"].isin(self.scope.region_codes)]
        return "; ".join(sorted({str(source) for source in regional["source"]}))


def scope_or_error(reference: ReferenceFrames, scope_code: str) -> Scope:
    scope = reference.scope(scope_code)
    if scope is None:
        raise SummaryError(
            _(
                "Cakupan “%(value)s” tidak ditemukan: gunakan 53 (provinsi), kode kantor "
                "cabang (mis. KUPANG) atau kode BPS kabupaten/kota (mis. 5371)."
            )
            % {"value": scope_code},
            status=404,
        )
    return scope


def load_dashboard(*, period: Period, scope_code: str, basis: str) -> DashboardData:
    """Both summaries of ``scope_code`` (chosen basis and the other) and the chart frames.

    The frames are loaded once and shared by the two summaries; each selector runs
    once per call; the reference frames and the reporting ledger are read from the
    cache under the data version when the page's period was resolved with them.
    """
    version = data_version()
    reference = selectors.reference_frames(version=version)
    scope = scope_or_error(reference, scope_code)
    ledger = _ledger_with(period, version=version)
    region_codes = None if scope.kind == "province" else scope.region_codes
    other_basis = Basis.BPS_AK if basis == Basis.UCJ else Basis.UCJ
    since = history_start(period)
    # Every region's history in one grouped query (the map and the regency pages
    # compare with the whole province): the scope's series and every branch and
    # region row of the three summaries are summed from it.
    monthly = selectors.monthly_region_totals(until=period, since=since)
    history = RegionHistory(monthly)
    series = history.series(scope.region_codes)
    workforce = selectors.workforce_frame(until_year=period.year)
    targets = selectors.targets_frame(year=period.year)
    sector_active = selectors.active_by_sector(period=period, region_codes=region_codes)
    segment_active = selectors.active_by_segment(period=period, region_codes=region_codes)

    # ``coverage_summary`` on the frames loaded once for this page
    summarise = partial(
        coverage_summary,
        period=period,
        reference=reference,
        monthly=monthly,
        workforce=workforce,
        targets=targets,
        ledger=ledger,
        history=history,
    )
    summary = summarise(
        scope=scope, basis=basis, sector_active=sector_active, segment_active=segment_active
    )
    # BPS sector coverage is drawn from ``other`` when UCJ is chosen; otherwise
    # ``other`` only feeds the headline, so it skips the sector and segment rows, and
    # it never needs the branch and region rows.
    other_sectors = sector_active if other_basis == Basis.BPS_AK else sector_active.iloc[0:0]
    other = summarise(
        scope=scope,
        basis=str(other_basis),
        sector_active=other_sectors,
        segment_active=segment_active.iloc[0:0],
        with_areas=False,
    )
    context = (
        summary
        if scope.kind == "province"
        else summarise(
            scope=reference.province(),
            basis=basis,
            sector_active=sector_active.iloc[0:0],
            segment_active=segment_active.iloc[0:0],
        )
    )
    context_codes = (
        reference.region_codes_of_branch(scope.branch_code)
        if scope.kind == "region" and scope.branch_code
        else region_codes
    )
    return DashboardData(
        period=period,
        basis=basis,
        other_basis=str(other_basis),
        scope=scope,
        reference=reference,
        summary=summary,
        other=other,
        context=context,
        series=series,
        segment_series=selectors.monthly_segment_totals(
            until=period, region_codes=region_codes, since=since
        ),
        region_sector=(
            selectors.active_by_region_sector(period=period, region_codes=context_codes)
            if len(context_codes or reference.regions) <= HEATMAP_MAX_REGIONS
            else pd.DataFrame(columns=["region_code", "sector_code", "active"])
        ),
        workforce=workforce,
    )
