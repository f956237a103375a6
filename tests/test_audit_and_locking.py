"""Every write leaves a change-log row; an approved month refuses every write path."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from coverage import services
from coverage.models import ChangeLog, MonthApproval, ParticipantCount
from coverage.records import ParticipantRecord, TargetRecord, WorkforceRecord


def count(region: str = "5311", active: int = 100, month: int = 3) -> ParticipantRecord:
    return ParticipantRecord(2025, month, region, "A", "PU", active, 4)


@pytest.fixture
def manager(reference: None) -> User:
    return User.objects.create_user("manajer", password="x")


def test_saving_a_count_logs_old_and_new_values(reference: None) -> None:
    services.participant_counts_save(records=[count(active=100)])
    services.participant_counts_save(
        records=[count(active=120)],
        context=services.WriteContext(source="grid", source_detail="grid 2025-03"),
    )
    latest = ChangeLog.objects.filter(key="2025-03/5311/A/PU").order_by("id").last()
    assert latest is not None
    assert (latest.old_value, latest.new_value) == ("100 / 4", "120 / 4")
    assert (latest.source, latest.branch_id, latest.month) == ("grid", "ENDE", 3)


def test_unchanged_count_is_not_logged(reference: None) -> None:
    services.participant_counts_save(records=[count()])
    services.participant_counts_save(records=[count()])
    assert ChangeLog.objects.filter(entity="count").count() == 1


def test_workforce_and_target_writes_are_logged(reference: None) -> None:
    services.workforce_figures_save(records=[WorkforceRecord(2025, None, None, "UCJ", 10, "x")])
    services.workforce_figures_save(records=[WorkforceRecord(2025, None, None, "UCJ", 12, "x")])
    services.targets_save(records=[TargetRecord(2025, "branch", "ENDE", "UCJ", 5, None)])
    workforce = ChangeLog.objects.filter(entity="workforce").order_by("id").last()
    assert workforce is not None
    assert (workforce.old_value, workforce.new_value) == ("10 (x)", "12 (x)")
    target = ChangeLog.objects.get(entity="target")
    assert (target.branch_id, target.new_value) == ("ENDE", "5 / ")


def test_cli_import_is_logged_with_file_name(reference: None, tmp_path: Path) -> None:
    path = tmp_path / "maret.csv"
    path.write_text(
        "period,region_code,sector_code,segment,active,nonactive\n2025-03,5311,A,PU,7,1\n"
    )
    call_command("import_data", "participants", str(path), stdout=StringIO())
    row = ChangeLog.objects.get(entity="count")
    assert (row.source, row.source_detail, row.new_value) == ("cli", "maret.csv", "7 / 1")


def test_approved_month_refuses_changes_and_writes_nothing(manager: User) -> None:
    services.participant_counts_save(records=[count(active=100)])
    services.month_approve(year=2025, month=3, branch_code="ENDE", user_id=manager.pk)
    with pytest.raises(services.LockedPeriodError, match=r"2025-03 \(Ende\)"):
        services.participant_counts_save(records=[count(active=999)])
    assert ParticipantCount.objects.get().active == 100


def test_approval_of_a_branch_leaves_other_branches_open(manager: User) -> None:
    services.month_approve(year=2025, month=3, branch_code="ENDE", user_id=manager.pk)
    services.participant_counts_save(records=[count(region="5371", active=5)])
    assert ParticipantCount.objects.get(region_id="5371").active == 5


def test_province_approval_locks_every_region(manager: User) -> None:
    services.month_approve(year=2025, month=3, branch_code=None, user_id=manager.pk)
    with pytest.raises(services.LockedPeriodError):
        services.participant_counts_save(records=[count(region="5371")])


def test_locked_month_refuses_the_dry_run_too(manager: User) -> None:
    services.month_approve(year=2025, month=3, branch_code=None, user_id=manager.pk)
    with pytest.raises(services.LockedPeriodError):
        services.participant_counts_preview(records=[count()])


def test_locked_month_refuses_cli_import(manager: User, tmp_path: Path) -> None:
    services.month_approve(year=2025, month=3, branch_code="ENDE", user_id=manager.pk)
    path = tmp_path / "maret.csv"
    path.write_text("period,region_code,sector_code,segment,active\n2025-03,5311,A,PU,7\n")
    with pytest.raises(CommandError, match="sudah disetujui dan dikunci"):
        call_command("import_data", "participants", str(path), stdout=StringIO())
    assert not ParticipantCount.objects.exists()


def test_unlock_needs_a_reason_and_is_logged(manager: User) -> None:
    services.month_approve(year=2025, month=3, branch_code="ENDE", user_id=manager.pk)
    with pytest.raises(ValueError, match="Alasan"):
        services.month_unlock(year=2025, month=3, branch_code="ENDE", user_id=manager.pk,
                              reason="  ")  # fmt: skip
    services.month_unlock(
        year=2025, month=3, branch_code="ENDE", user_id=manager.pk, reason="salah ketik Ende"
    )
    assert MonthApproval.objects.get().locked is False
    services.participant_counts_save(records=[count(active=1)])
    log = ChangeLog.objects.filter(entity="approval").order_by("id").last()
    assert log is not None
    assert "salah ketik Ende" in log.new_value


def test_targets_with_percentages_keep_their_decimal(reference: None) -> None:
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", None, Decimal("60.5"))]
    )
    assert ChangeLog.objects.get(entity="target").new_value == " / 60.5"
