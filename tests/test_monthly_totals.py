"""The MonthlyTotal rollup always agrees with the counts it sums."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Sum

from coverage import services
from coverage.models import MonthlyTotal, ParticipantCount
from coverage.records import ParticipantRecord


def totals() -> dict[tuple[int, int, str, str], int]:
    return {
        (t.year, t.month, t.region_id, t.segment_id): t.active for t in MonthlyTotal.objects.all()
    }


def test_saving_counts_updates_the_sum_over_sectors(reference: None) -> None:
    services.participant_counts_save(
        records=[
            ParticipantRecord(2025, 4, "5371", "A", "PU", 10, 1),
            ParticipantRecord(2025, 4, "5371", "G", "PU", 5, 0),
        ]
    )
    assert totals() == {(2025, 4, "5371", "PU"): 15}
    services.participant_counts_save(records=[ParticipantRecord(2025, 4, "5371", "G", "PU", 7, 0)])
    assert totals() == {(2025, 4, "5371", "PU"): 17}


def test_rebuild_matches_incremental_totals(reference: None) -> None:
    call_command("load_demo", stdout=StringIO())
    incremental = totals()
    call_command("rebuild_totals", stdout=StringIO())
    assert totals() == incremental
    assert sum(incremental.values()) == ParticipantCount.objects.aggregate(s=Sum("active"))["s"]
