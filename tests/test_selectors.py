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
    from coverage.views import dashboard

    monkeypatch.setattr(summaries, "HEATMAP_MAX_REGIONS", 5)
    monkeypatch.setattr(dashboard, "HEATMAP_MAX_REGIONS", 5)
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
