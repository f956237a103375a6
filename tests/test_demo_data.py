"""The demo data: plausible, labelled, and idempotent to load."""

from io import StringIO

from django.core.management import call_command

from coverage.calculations import Period
from coverage.models import ParticipantCount, Target, WorkforceFigure
from coverage.summaries import load_coverage_summary


def test_load_demo_twice_duplicates_nothing(reference: None) -> None:
    call_command("load_demo", stdout=StringIO())
    first = (ParticipantCount.objects.count(), WorkforceFigure.objects.count(),
             Target.objects.count())  # fmt: skip
    out = StringIO()
    call_command("load_demo", stdout=out)
    second = (ParticipantCount.objects.count(), WorkforceFigure.objects.count(),
              Target.objects.count())  # fmt: skip
    assert first == second
    assert "0 baru, 0 diperbarui" in out.getvalue()


def test_demo_province_follows_public_figures(reference: None) -> None:
    call_command("load_demo", stdout=StringIO())
    summary = load_coverage_summary(period=Period(2025, 4), scope_code="53", basis="UCJ")
    metrics = summary.metrics
    assert 500_000 <= metrics.active <= 600_000
    assert metrics.denominator.workers == 1_626_300
    assert metrics.target.count == 1_000_000
    assert metrics.status == "off_track"
    segments = {row.code: row.active for row in summary.by_segment}
    assert segments["BPU"] < segments["PU"]
