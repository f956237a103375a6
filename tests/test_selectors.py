"""The SQL aggregates agree with summing the raw counts in Python."""

from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.test import Client

from coverage import selectors, services, summaries
from coverage.calculations import Period, active_series
from coverage.models import ParticipantCount
from coverage.records import ParticipantRecord


@pytest.fixture
def demo(reference: None) -> None:
    call_command("load_demo", stdout=StringIO())


def test_available_periods_are_the_distinct_months_of_the_counts(demo: None) -> None:
    expected = [
        Period(year, month)
        for year, month in ParticipantCount.objects.values_list("year", "month")
        .order_by("year", "month")
        .distinct()
    ]
    assert selectors.available_periods() == expected
    assert expected[0] < expected[-1]


def test_available_periods_of_an_empty_database(reference: None) -> None:
    assert selectors.available_periods() == []


def test_available_periods_skip_months_without_counts(reference: None) -> None:
    services.participant_counts_save(
        records=[
            ParticipantRecord(2024, 11, "5371", "A", "PU", 10, 0),
            ParticipantRecord(2025, 2, "5371", "A", "PU", 12, 0),
        ]
    )
    assert selectors.available_periods() == [Period(2024, 11), Period(2025, 2)]


@pytest.mark.parametrize("regions", [None, ["5371"], ["5371", "5310", "5311"]])
def test_scope_totals_equal_the_sum_of_region_totals(demo: None, regions: list | None) -> None:
    until, since = Period(2025, 4), Period(2024, 1)
    per_region = selectors.monthly_region_totals(until=until, since=since)
    codes = regions or list(per_region["region_code"].unique())
    expected = active_series(per_region, codes)
    got = selectors.monthly_scope_totals(until=until, since=since, region_codes=regions)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert (got["year"] * 12 + got["month"]).min() == 2024 * 12 + 1
    assert (got["year"] * 12 + got["month"]).max() == 2025 * 12 + 4


def test_history_starts_in_january_of_the_year_before() -> None:
    assert summaries.history_start(Period(2025, 4)) == Period(2024, 1)
    assert summaries.history_start(Period(2025, 1)) == Period(2024, 1)


def test_heatmap_is_left_out_above_its_region_limit(
    demo: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert 'data-figure="chart-heatmap"' in client.get("/").content.decode()
    data = summaries.load_dashboard(period=Period(2025, 4), scope_code="53", basis="UCJ")
    assert not data.region_sector.empty
    monkeypatch.setattr(summaries, "HEATMAP_MAX_REGIONS", 5)
    data = summaries.load_dashboard(period=Period(2025, 4), scope_code="53", basis="UCJ")
    assert data.region_sector.empty
    # a branch page (its regions only) still has it
    branch = summaries.load_dashboard(period=Period(2025, 4), scope_code="MAUMERE", basis="UCJ")
    assert len(branch.scope.region_codes) <= 5
    assert not branch.region_sector.empty


def test_overview_explains_a_missing_heatmap(
    demo: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coverage.views import dashboard_charts

    monkeypatch.setattr(summaries, "HEATMAP_MAX_REGIONS", 5)
    monkeypatch.setattr(dashboard_charts, "HEATMAP_MAX_REGIONS", 5)
    page = client.get("/").content.decode()
    assert 'data-figure="chart-heatmap"' not in page
    assert "hanya ditampilkan untuk paling banyak 5 kabupaten/kota" in page
    branch = client.get("/cabang/MAUMERE/").content.decode()
    assert 'data-figure="chart-heatmap"' in branch
    assert "paling banyak" not in branch


def test_frames_are_built_with_integer_columns_even_from_decimals_or_no_rows() -> None:
    from decimal import Decimal

    rows = [(Decimal("1200"), "5371", None), (Decimal("7"), "5301", "A")]
    frame = selectors._frame(rows, ["active", "region_code", "sector_code"], ints=("active",))
    assert frame["active"].tolist() == [1200, 7]
    assert frame["active"].dtype == "int64"
    assert frame["region_code"].tolist() == ["5371", "5301"]
    assert pd.isna(frame["sector_code"].iloc[0]) and frame["sector_code"].iloc[1] == "A"
    empty = selectors._frame([], ["active", "region_code"], ints=("active",))
    assert empty.empty and list(empty.columns) == ["active", "region_code"]
    assert empty["active"].dtype == "int64" and empty["region_code"].dtype == object


def _history_queries(captured: list[dict[str, str]]) -> list[str]:
    """Queries that sum the rollup per region and month (a regency history)."""
    return [
        q["sql"]
        for q in captured
        if "coverage_monthlytotal" in q["sql"]
        and "SUM(" in q["sql"]
        and "GROUP BY" in q["sql"]
        and '"region_id"' in q["sql"].split("FROM")[0]
    ]


@pytest.mark.parametrize("scope", ["53", "KUPANG", "5371"])
def test_a_summary_reads_each_regency_history_in_one_grouped_query(demo: None, scope: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        summary = summaries.load_coverage_summary(
            period=Period(2025, 4), scope_code=scope, basis="UCJ"
        )
    assert len(_history_queries(ctx.captured_queries)) == 1
    # reference (4), ledger (2), history, workforce, targets, sectors, segments
    assert len(ctx.captured_queries) == 11
    # ...and every area row still has its own run rate and December forecast.
    rows = summary.by_branch + summary.by_region
    assert rows and all(row.metrics is not None for row in rows)
    assert all(row.metrics.run_rate is not None for row in rows if row.metrics)
    assert all(row.metrics.probability_reaching_target is not None for row in rows if row.metrics)


@pytest.mark.parametrize("scope", ["MAUMERE", "5371"])
def test_a_dashboard_reads_the_regency_history_once_for_all_three_summaries(
    demo: None, scope: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        data = summaries.load_dashboard(period=Period(2025, 4), scope_code=scope, basis="UCJ")
    assert len(_history_queries(ctx.captured_queries)) == 1
    # The province context (the map) has every regency's own figures, not only the
    # page's: each equals that regency's own summary.
    assert len(data.context.by_region) == 22
    for row in data.context.by_region:
        assert row.metrics is not None
        alone = summaries.load_coverage_summary(
            period=Period(2025, 4), scope_code=row.code, basis="UCJ"
        ).metrics
        assert (row.active, row.metrics.run_rate, row.metrics.status) == (
            alone.active,
            alone.run_rate,
            alone.status,
        )


def test_the_reporting_ledger_is_read_with_two_grouped_queries(demo: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        ledger = selectors.reporting_ledger(since=Period(2024, 1))
    assert len(ctx.captured_queries) == 2
    assert ledger.periods[0] == Period(2024, 1)
    assert ledger.is_complete(
        Period(2025, 4), summaries.selectors.reference_frames().province().region_codes
    )
