"""Database → pandas DataFrame. One query per question, aggregated in SQL.

Nothing here loads a whole table of counts: every count query groups in the
database, so the frames stay as small as (regions × months) however many rows
the counts table holds.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import BigIntegerField, F, Min, QuerySet, Sum
from django.db.models.functions import Cast

from .cache import cached
from .calculations import Period, ReferenceFrames
from .completeness import ReportingLedger
from .models import (
    Branch,
    MonthApproval,
    MonthlyTotal,
    ParticipantCount,
    Region,
    Sector,
    Segment,
    Target,
    WorkforceFigure,
)

MONTHLY_COLUMNS = ["year", "month", "region_code", "active", "nonactive"]


def _fetch(rows: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` query, fetched through the cursor.

    Skips the ORM's per-row work (the columns are integers and codes, which need
    no conversion); the national page reads tens of thousands of aggregate rows.
    Every ``values_list`` here names its grouped fields before its annotations,
    which is the order Django selects them in.
    """
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _frame(rows: list[tuple], columns: list[str], *, ints: Collection[str] = ()) -> pd.DataFrame:
    """``rows`` as a frame, the columns named in ``ints`` as int64.

    Built column by column: a frame made from tuples and then ``astype``-d costs
    about four times as much, and a page reads eight of them. PostgreSQL's SUM of
    a bigint comes back as ``Decimal``; ``np.array(..., dtype=int64)`` takes those
    as they are (they are whole numbers).
    """
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return pd.DataFrame(
        {
            name: (
                np.array(column, dtype=np.int64)
                if name in ints
                else list(column) or np.empty(0, dtype=object)
            )
            for name, column in zip(columns, values, strict=True)
        }
    )


def _sum(field: str) -> Cast:
    """``SUM(field)`` as a bigint: PostgreSQL sums a bigint column to ``numeric``,
    which the driver hands over as ``Decimal`` (slow to convert by the ten
    thousand); the cast makes it a plain integer, the same number."""
    return Cast(Sum(field), output_field=BigIntegerField())


def reference_frames(*, version: str | None = None) -> ReferenceFrames:
    """Regions, branches, sectors and segments (a few dozen rows) as frames.

    Kept under the data version, which every change of reference data bumps: a
    dashboard request reads them twice (resolving its period and loading its data).
    A caller that has read the ``version`` passes it (one query fewer).
    """
    return cached("reference-frames", compute=_reference_frames, version=version)


def _reference_frames() -> ReferenceFrames:
    regions = _frame(
        list(Region.objects.order_by("bps_code").values_list("bps_code", "name", "branch_id")),
        ["region_code", "name", "branch_code"],
    )
    branches = _frame(
        list(Branch.objects.order_by("code").values_list("code", "name")),
        ["branch_code", "name"],
    )
    sectors = _frame(
        [(s.code, s.display_name) for s in Sector.objects.order_by("code")],
        ["sector_code", "name"],
    )
    segments = _frame(
        [(s.code, s.display_name, s.is_formal) for s in Segment.objects.order_by("code")],
        ["segment_code", "name", "is_formal"],
    )
    return ReferenceFrames(regions=regions, branches=branches, sectors=sectors, segments=segments)


def _counts_in(region_codes: Collection[str] | None):  # type: ignore[no-untyped-def]
    counts = ParticipantCount.objects.all()
    if region_codes is not None:
        counts = counts.filter(region_id__in=list(region_codes))
    return counts


def _totals_in(  # type: ignore[no-untyped-def]
    region_codes: Collection[str] | None, until: Period | None, since: Period | None = None
):
    totals = MonthlyTotal.objects.all()
    if region_codes is not None:
        totals = totals.filter(region_id__in=list(region_codes))
    if until is not None:
        totals = totals.filter(year__lte=until.year).exclude(year=until.year, month__gt=until.month)
    if since is not None:
        totals = totals.filter(year__gte=since.year).exclude(year=since.year, month__lt=since.month)
    return totals


def monthly_region_totals(
    *,
    until: Period | None = None,
    region_codes: Collection[str] | None = None,
    since: Period | None = None,
) -> pd.DataFrame:
    """Active and non-active participants per region and month (summed over sectors
    and segments), from ``since`` up to and including ``until``; read from
    ``MonthlyTotal``."""
    rows = (
        _totals_in(region_codes, until, since)
        .values("year", "month", "region_id")
        .order_by("year", "month", "region_id")
        .annotate(active_sum=_sum("active"), nonactive_sum=_sum("nonactive"))
        .values_list("year", "month", "region_id", "active_sum", "nonactive_sum")
    )
    return _frame(_fetch(rows), MONTHLY_COLUMNS, ints=("year", "month", "active", "nonactive"))


def monthly_scope_totals(
    *,
    until: Period,
    region_codes: Collection[str] | None = None,
    since: Period | None = None,
) -> pd.DataFrame:
    """``year, month, active, nonactive`` of the regions together, per month from
    ``since`` to ``until`` (what ``calculations.active_series`` would sum from
    ``monthly_region_totals``, summed by the database instead)."""
    rows = (
        _totals_in(region_codes, until, since)
        .values("year", "month")
        .order_by("year", "month")
        .annotate(active_sum=_sum("active"), nonactive_sum=_sum("nonactive"))
        .values_list("year", "month", "active_sum", "nonactive_sum")
    )
    return _frame(
        _fetch(rows),
        ["year", "month", "active", "nonactive"],
        ints=("year", "month", "active", "nonactive"),
    )


def _active_by(
    field: str, *, period: Period, region_codes: Collection[str] | None, column: str
) -> pd.DataFrame:
    rows = (
        _counts_in(region_codes)
        .filter(year=period.year, month=period.month)
        .values(field)
        .order_by(field)
        .annotate(active_sum=_sum("active"), nonactive_sum=_sum("nonactive"))
        .values_list(field, "active_sum", "nonactive_sum")
    )
    return _frame(_fetch(rows), [column, "active", "nonactive"], ints=("active", "nonactive"))


def active_by_sector(*, period: Period, region_codes: Collection[str] | None) -> pd.DataFrame:
    """``sector_code, active, nonactive`` of the regions in ``period``."""
    return _active_by("sector_id", period=period, region_codes=region_codes, column="sector_code")


def active_by_segment(*, period: Period, region_codes: Collection[str] | None) -> pd.DataFrame:
    """``segment_code, active, nonactive`` of the regions in ``period``."""
    rows = (
        _totals_in(region_codes, None)
        .filter(year=period.year, month=period.month)
        .values("segment_id")
        .order_by("segment_id")
        .annotate(active_sum=_sum("active"), nonactive_sum=_sum("nonactive"))
        .values_list("segment_id", "active_sum", "nonactive_sum")
    )
    return _frame(
        _fetch(rows), ["segment_code", "active", "nonactive"], ints=("active", "nonactive")
    )


def active_by_region_sector(
    *, period: Period, region_codes: Collection[str] | None
) -> pd.DataFrame:
    """``region_code, sector_code, active`` in ``period`` (for the regency × sector heatmap)."""
    rows = (
        _counts_in(region_codes)
        .filter(year=period.year, month=period.month)
        .values("region_id", "sector_id")
        .order_by("region_id", "sector_id")
        .annotate(active_sum=_sum("active"))
        .values_list("region_id", "sector_id", "active_sum")
    )
    return _frame(_fetch(rows), ["region_code", "sector_code", "active"], ints=("active",))


def monthly_segment_totals(
    *, until: Period, region_codes: Collection[str] | None, since: Period | None = None
) -> pd.DataFrame:
    """``year, month, segment_code, active`` from ``since`` up to ``until`` (formal vs
    informal over time)."""
    rows = (
        _totals_in(region_codes, until, since)
        .values("year", "month", "segment_id")
        .order_by("year", "month", "segment_id")
        .annotate(active_sum=_sum("active"))
        .values_list("year", "month", "segment_id", "active_sum")
    )
    return _frame(_fetch(rows), ["year", "month", "segment_code", "active"], ints=("active",))


def workforce_frame(*, until_year: int | None = None) -> pd.DataFrame:
    """Every workforce figure up to ``until_year``: ``year, region_code, sector_code,
    basis, workers, source`` (a reference-sized table: years × regions × sectors)."""
    figures = WorkforceFigure.objects.all()
    if until_year is not None:
        figures = figures.filter(year__lte=until_year)
    rows = figures.values_list("year", "region_id", "sector_id", "basis", "workers", "source")
    return _frame(
        _fetch(rows),
        ["year", "region_code", "sector_code", "basis", "workers", "source"],
        ints=("year", "workers"),
    )


def targets_frame(*, year: int | None = None) -> pd.DataFrame:
    """Targets as ``year, scope_type, scope_code, basis, target_count, target_pct, note``."""
    targets = Target.objects.all()
    if year is not None:
        targets = targets.filter(year=year)
    rows = [
        (
            t.year,
            t.scope_type,
            t.branch_id or t.region_id or "53",
            t.basis,
            t.target_count,
            t.target_pct,
            t.note,
        )
        for t in targets
    ]
    return pd.DataFrame(
        rows,
        columns=["year", "scope_type", "scope_code", "basis", "target_count", "target_pct", "note"],
    )


# One probe of the rollup's unique index (year, month, region, segment) per month,
# instead of reading every row as ``SELECT DISTINCT year, month`` does (1 ms against
# 77 ms on 1.2 M counts; see docs/benchmarks.md). Portable: SQLite has no LATERAL.
_PERIODS_SQL = """
WITH RECURSIVE periods(year, month) AS (
    SELECT year, month FROM (SELECT year, month FROM {t} ORDER BY year, month LIMIT 1) first
    UNION ALL
    SELECT
        (SELECT c.year FROM {t} c WHERE (c.year, c.month) > (p.year, p.month)
         ORDER BY c.year, c.month LIMIT 1),
        (SELECT c.month FROM {t} c WHERE (c.year, c.month) > (p.year, p.month)
         ORDER BY c.year, c.month LIMIT 1)
    FROM periods p
    WHERE p.year IS NOT NULL
)
SELECT year, month FROM periods WHERE year IS NOT NULL
"""


def available_periods() -> list[Period]:
    """Months that have at least one participant count, oldest first.

    Read from the rollup, which has a row for every (month, region, segment) with
    counts, by a loose index scan.
    """
    table = connection.ops.quote_name(MonthlyTotal._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_PERIODS_SQL.format(t=table))
        rows = cursor.fetchall()
    return [Period(int(year), int(month)) for year, month in rows]


def period_has_data(period: Period) -> bool:
    return ParticipantCount.objects.filter(year=period.year, month=period.month).exists()


def locked_region_months(
    periods: Collection[tuple[int, int]],
) -> set[tuple[int, int, str]]:
    """``(year, month, region_code)`` cells locked by an approval of their branch or
    of the whole province."""
    if not periods:
        return set()
    years = {year for year, _month in periods}
    approvals = list(
        MonthApproval.objects.filter(locked=True, year__in=years).values_list(
            "year", "month", "scope_type", "branch_id"
        )
    )
    approvals = [row for row in approvals if (row[0], row[1]) in periods]
    if not approvals:
        return set()
    regions = list(Region.objects.values_list("bps_code", "branch_id"))
    locked: set[tuple[int, int, str]] = set()
    for year, month, scope_type, branch_code in approvals:
        for region_code, region_branch in regions:
            if scope_type == "province" or region_branch == branch_code:
                locked.add((year, month, region_code))
    return locked


def approval_state(*, period: Period, branch_codes: Collection[str] | None) -> str:
    """``approved`` when the period is locked for the province or for every one of
    ``branch_codes`` (None: the province), else ``provisional``."""
    approvals = MonthApproval.objects.filter(locked=True, year=period.year, month=period.month)
    if approvals.filter(scope_type="province").exists():
        return "approved"
    if branch_codes:
        approved = set(approvals.filter(scope_type="branch").values_list("branch_id", flat=True))
        if set(branch_codes) <= approved:
            return "approved"
    return "provisional"


def reporting_ledger(*, since: Period | None = None, version: str | None = None) -> ReportingLedger:
    """Which regency reported which month (from ``since`` on; all months without it).

    The whole ledger (no ``since``), which a dashboard request reads three times
    (its default period, its summaries, its period picker), is kept under the data
    version: one grouped query per version, each regency's first month taken from
    its rows. With ``since``: two grouped queries on the rollup, the regency-months
    with rows in the window and each regency's first month ever (what "expected"
    needs, however old). A caller that has read the data ``version`` passes it.
    """
    if since is None:
        return cached("reporting-ledger", compute=_whole_ledger, version=version)
    rows = MonthlyTotal.objects.filter(year__gte=since.year).exclude(
        year=since.year, month__lt=since.month
    )
    firsts = (
        MonthlyTotal.objects.values("region_id")
        .order_by("region_id")
        .annotate(first=Min(F("year") * 12 + F("month") - 1))
        .values_list("region_id", "first")
    )
    return ReportingLedger(
        _fetch(_region_months(rows)),
        first_reported={str(code): Period.from_index(int(first)) for code, first in _fetch(firsts)},
    )


def _region_months(rows: QuerySet) -> QuerySet:
    return (
        rows.values("year", "month", "region_id")
        .order_by("year", "month", "region_id")
        .distinct()
        .values_list("year", "month", "region_id")
    )


def _whole_ledger() -> ReportingLedger:
    """The ledger of every month: its rows reach back to each regency's first month."""
    return ReportingLedger(_fetch(_region_months(MonthlyTotal.objects.all())))
