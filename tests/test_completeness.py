"""Reporting completeness (DOMAIN.md): expected and reported regencies, complete
months and the default period, on small hand-built ledgers."""

import pytest

from coverage.calculations import Period
from coverage.completeness import ReportingLedger

APR, MAY, JUN = Period(2025, 4), Period(2025, 5), Period(2025, 6)
THREE = ("5301", "5302", "5303")


def _ledger(*rows: tuple[Period, str]) -> ReportingLedger:
    return ReportingLedger((p.year, p.month, code) for p, code in rows)


def test_first_month_ever_is_complete_whatever_reported() -> None:
    ledger = _ledger((APR, "5301"))
    state = ledger.completeness(APR, THREE)
    assert state.expected == frozenset()
    assert state.regions_reported == 1
    assert state.complete


def test_a_regency_is_expected_every_month_after_its_first_report() -> None:
    ledger = _ledger((APR, "5301"), (APR, "5302"), (MAY, "5301"))
    state = ledger.completeness(MAY, THREE)
    assert state.expected == frozenset({"5301", "5302"})
    assert state.reported == frozenset({"5301"})
    assert not state.complete
    assert state.missing == ("5302",)
    assert (state.regions_reported, state.regions_expected) == (1, 2)


def test_a_regency_that_never_reported_is_not_expected() -> None:
    ledger = _ledger((APR, "5301"), (MAY, "5301"))
    assert ledger.completeness(MAY, THREE).complete


def test_completeness_is_per_scope() -> None:
    ledger = _ledger((APR, "5301"), (APR, "5302"), (MAY, "5301"))
    assert ledger.is_complete(MAY, ["5301"])
    assert not ledger.is_complete(MAY, ["5302"])


def test_default_period_is_latest_complete_month_for_the_scope() -> None:
    ledger = _ledger((APR, "5301"), (APR, "5302"), (MAY, "5301"), (MAY, "5302"), (JUN, "5301"))
    assert ledger.default_period(THREE) == MAY
    assert ledger.default_period(["5301"]) == JUN
    assert ledger.default_period(["5302"]) == MAY


def test_default_period_skips_months_without_data_for_the_scope() -> None:
    ledger = _ledger((APR, "5301"), (MAY, "5302"))
    # 5303 never reported: no month has data for it.
    assert ledger.default_period(["5303"]) is None
    # May has no row for 5301, which is expected there: April stays the default.
    assert ledger.default_period(["5301"]) == APR


def test_complete_periods_need_data_and_every_expected_regency() -> None:
    ledger = _ledger((APR, "5301"), (APR, "5302"), (MAY, "5301"), (JUN, "5301"), (JUN, "5302"))
    assert ledger.complete_periods(THREE) == frozenset({APR, JUN})


def test_a_separate_first_month_table_decides_expectation_in_a_window() -> None:
    ledger = ReportingLedger(
        [(2025, 5, "5301")], first_reported={"5301": Period(2023, 1), "5302": Period(2024, 2)}
    )
    assert ledger.completeness(MAY, THREE).missing == ("5302",)


@pytest.mark.django_db
def test_selector_ledger_reads_regency_months_from_the_rollup(reference: None) -> None:
    from coverage import selectors, services
    from tests.factories import pu_counts

    context = services.WriteContext(source="demo", source_detail="test")
    records = pu_counts(2025, 4, {"5301": 10, "5302": 20}) + pu_counts(2025, 5, {"5301": 11})
    services.participant_counts_save(records=records, context=context)
    ledger = selectors.reporting_ledger(since=MAY)
    assert ledger.periods == [MAY]
    assert ledger.completeness(MAY, THREE).missing == ("5302",)


def test_complete_periods_within_a_window() -> None:
    ledger = _ledger((APR, "5301"), (MAY, "5301"), (JUN, "5301"))
    assert ledger.complete_periods(THREE, since=MAY) == frozenset({MAY, JUN})
    assert ledger.complete_periods(THREE, until=MAY) == frozenset({APR, MAY})
    assert ledger.complete_periods(THREE, since=MAY, until=MAY) == frozenset({MAY})


def test_complete_periods_agree_with_month_by_month_completeness() -> None:
    import random

    generator = random.Random(12)
    codes = [f"53{n:02d}" for n in range(1, 9)]
    months = [Period(2024, 1).shift(i) for i in range(18)]
    rows = [(p, code) for p in months for code in codes if generator.random() < 0.8]
    ledger = _ledger(*rows)
    for scope in (codes, codes[:3], codes[5:6], ["5399"]):
        expected = {
            p
            for p in ledger.periods
            if ledger.reported_in(p, scope) and ledger.completeness(p, scope).complete
        }
        assert ledger.complete_periods(scope) == expected
        latest = max(expected, default=None)
        assert ledger.default_period(scope) == latest
