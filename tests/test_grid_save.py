"""``services.grid_counts_save``: the grid's save refuses a locked month and a stale
version by itself, whatever the view checked before."""

import pytest
from django.contrib.auth.models import User

from coverage import services
from coverage.calculations import Period
from coverage.models import ChangeLog, ParticipantCount
from coverage.records import ParticipantRecord

MARCH = Period(2025, 3)


def cell(sector: str, active: int, nonactive: int = 4) -> ParticipantRecord:
    return ParticipantRecord(2025, 3, "5311", sector, "PU", active, nonactive)


def save(records: list[ParticipantRecord], version: int) -> services.WriteResult:
    return services.grid_counts_save(
        records,
        period=MARCH,
        region_code="5311",
        version=version,
        context=services.WriteContext(source="grid", source_detail="isian"),
    )


def stored() -> dict[str, tuple[int, int]]:
    return {
        row.sector_id: (row.active, row.nonactive)
        for row in ParticipantCount.objects.filter(year=2025, month=3, region_id="5311")
    }


@pytest.fixture
def manager(reference: None) -> User:
    return User.objects.create_user("manajer", password="x")


def test_a_save_from_the_current_version_writes_and_moves_the_version(reference: None) -> None:
    assert services.grid_version(MARCH, "5311") == 0
    result = save([cell("A", 100), cell("G", 20, 0)], version=0)
    assert result == services.WriteResult(created=2, updated=0, unchanged=0)
    assert stored() == {"A": (100, 4), "G": (20, 0)}
    newest = ChangeLog.objects.filter(entity="count").latest("id")
    assert services.grid_version(MARCH, "5311") == newest.pk
    assert services.grid_version(Period(2025, 4), "5311") == 0
    assert services.grid_version(MARCH, "5371") == 0

    again = save([cell("A", 110), cell("G", 20, 0)], version=newest.pk)
    assert again == services.WriteResult(created=0, updated=1, unchanged=1)
    assert stored() == {"A": (110, 4), "G": (20, 0)}


def test_a_save_from_a_stale_version_is_refused_with_the_changes_since(reference: None) -> None:
    opened = services.grid_version(MARCH, "5311")
    save([cell("A", 100), cell("G", 20, 0)], version=opened)
    with pytest.raises(services.GridConflictError) as refused:
        save([cell("A", 105), cell("F", 7)], version=opened)
    changes = [(row.key, row.old_value, row.new_value) for row in refused.value.changes]
    assert changes == [
        ("2025-03/5311/A/PU", "", "100 / 4"),
        ("2025-03/5311/G/PU", "", "20 / 0"),
    ]
    assert stored() == {"A": (100, 4), "G": (20, 0)}
    assert ChangeLog.objects.filter(entity="count").count() == 2


def test_changes_of_another_regency_or_month_are_no_conflict(reference: None) -> None:
    opened = services.grid_version(MARCH, "5311")
    services.participant_counts_save(
        records=[
            ParticipantRecord(2025, 3, "5371", "A", "PU", 50, 0),
            ParticipantRecord(2025, 4, "5311", "A", "PU", 60, 0),
        ]
    )
    assert save([cell("A", 100)], version=opened).created == 1


def test_a_locked_month_is_refused_and_nothing_is_written(manager: User) -> None:
    opened = services.grid_version(MARCH, "5311")
    services.month_approve(year=2025, month=3, branch_code="ENDE", user_id=manager.pk)
    with pytest.raises(services.LockedPeriodError, match=r"2025-03 \(Ende\)") as refused:
        save([cell("A", 100)], version=opened)
    assert refused.value.cells == [(2025, 3, "5311")]
    assert stored() == {}
    assert not ChangeLog.objects.filter(entity="count").exists()


def test_the_lock_is_answered_before_a_stale_version(manager: User) -> None:
    save([cell("A", 100)], version=0)
    services.month_approve(year=2025, month=3, branch_code=None, user_id=manager.pk)
    with pytest.raises(services.LockedPeriodError):
        save([cell("A", 1)], version=0)
    assert stored() == {"A": (100, 4)}


def test_another_branchs_lock_does_not_stop_the_save(manager: User) -> None:
    services.month_approve(year=2025, month=3, branch_code="KUPANG", user_id=manager.pk)
    assert save([cell("A", 100)], version=0).created == 1


@pytest.mark.django_db(transaction=True)
def test_two_saves_from_one_version_at_once_save_once_and_refuse_once(reference: None) -> None:
    """The second save waits for the first, then sees its change-log rows."""
    from django.db import connection

    from tests.interleave import interleave

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time; this runs on PostgreSQL")
    first, second = interleave(
        lambda: save([cell("A", 100)], version=0), lambda: save([cell("A", 200)], version=0)
    )
    assert first == services.WriteResult(created=1, updated=0, unchanged=0)
    assert isinstance(second, services.GridConflictError)
    assert [(row.key, row.new_value) for row in second.changes] == [
        ("2025-03/5311/A/PU", "100 / 4")
    ]
    assert stored() == {"A": (100, 4)}
