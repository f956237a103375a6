"""The uncached dashboard path does each piece of work once per data version."""

from __future__ import annotations

from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coverage import selectors
from coverage.calculations import Period, RegionHistory, active_series
from coverage.completeness import ReportingLedger


@pytest.fixture
def demo(reference: None) -> None:
    call_command("load_demo", stdout=StringIO())


def _ledger_queries(captured: list[dict[str, str]]) -> list[str]:
    """Queries that list the regency-months with rows (the reporting ledger)."""
    return [q["sql"] for q in captured if q["sql"].startswith("SELECT DISTINCT")]


def _region_queries(captured: list[dict[str, str]]) -> list[str]:
    return [q["sql"] for q in captured if 'FROM "coverage_region"' in q["sql"]]


def test_an_uncached_overview_reads_the_reporting_ledger_once(demo: None) -> None:
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get("/")
    assert response.status_code == 200
    assert len(_ledger_queries(ctx.captured_queries)) == 1


def test_an_uncached_overview_reads_the_regions_once(demo: None) -> None:
    with CaptureQueriesContext(connection) as ctx:
        Client().get("/")
    assert len(_region_queries(ctx.captured_queries)) == 1


def test_the_whole_ledger_needs_no_separate_first_month_query(demo: None) -> None:
    with CaptureQueriesContext(connection) as ctx:
        selectors.reporting_ledger()
    assert len(ctx.captured_queries) == 2  # the data version and the regency-months
    assert "MIN(" not in ctx.captured_queries[-1]["sql"]


def test_whole_ledger_expects_what_the_first_month_query_expects(demo: None) -> None:
    whole = selectors.reporting_ledger()
    since = Period(2024, 1)
    windowed = selectors.reporting_ledger(since=since)
    codes = frozenset(selectors.reference_frames().regions["region_code"])
    for period in windowed.periods:
        assert whole.completeness(period, codes) == windowed.completeness(period, codes)
    assert whole.complete_periods(codes, since=since) == windowed.complete_periods(
        codes, since=since
    )


def test_summed_counts_are_plain_integers(demo: None) -> None:
    frame = selectors.monthly_region_totals(until=Period(2025, 4), since=Period(2025, 4))
    assert frame["active"].dtype == "int64"
    with connection.cursor() as cursor:
        sql, params = (
            selectors._totals_in(None, Period(2025, 4), Period(2025, 4))
            .values("region_id")
            .annotate(total=selectors._sum("active"))
            .values_list("total")
            .query.sql_with_params()
        )
        cursor.execute(sql, params)
        assert all(type(value) is int for (value,) in cursor.fetchall())


def test_region_history_series_equals_active_series() -> None:
    monthly = pd.DataFrame(
        {
            "year": [2025, 2025, 2025, 2025, 2024],
            "month": [2, 1, 2, 1, 12],
            "region_code": ["5301", "5301", "5302", "5303", "5302"],
            "active": [10, 7, 5, 100, 3],
            "nonactive": [1, 2, 3, 4, 5],
        }
    )
    codes = ["5301", "5302"]
    pd.testing.assert_frame_equal(
        RegionHistory(monthly).series(codes), active_series(monthly, codes)
    )


def test_one_regency_has_every_month_it_reported_complete() -> None:
    ledger = ReportingLedger(
        [(2025, 1, "5301"), (2025, 1, "5302"), (2025, 2, "5302"), (2025, 3, "5301")]
    )
    assert ledger.complete_periods(["5301"]) == {Period(2025, 1), Period(2025, 3)}
    assert ledger.complete_periods(["5301", "5302"]) == {Period(2025, 1)}
    assert ledger.complete_periods(["5301"], since=Period(2025, 2)) == {Period(2025, 3)}
