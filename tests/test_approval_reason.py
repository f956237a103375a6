"""Approving a month that not every expected regency has reported needs an explicit
reason (at least 10 characters), recorded in the change log with the approval; the
approval page shows each branch's completeness."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from coverage import services
from coverage.models import ChangeLog, MonthApproval
from tests.factories import login, make_user, pu_counts, snapshot
from tests.test_monthly_cycle import april_complete, report_may  # noqa: F401

REASON = "Kota Kupang terlambat, angka lain sudah diperiksa"


@pytest.fixture
def may_partial(april_complete: None) -> User:  # noqa: F811
    """May 2025: Sumba Barat only (1 of 22; Waingapu 1 of 4; Kupang 0 of 6)."""
    report_may(1)
    return make_user("manajer", "manager")


def test_incomplete_branch_month_without_reason_is_refused_and_changes_nothing(
    may_partial: User,
) -> None:
    before = snapshot()
    with pytest.raises(services.IncompleteApprovalError) as error:
        services.month_approve(year=2025, month=5, branch_code="WAINGAPU", user_id=may_partial.pk)
    assert "belum lengkap (1/4 kabupaten/kota sudah melapor)" in error.value.message
    assert "paling sedikit 10 karakter" in error.value.message
    assert snapshot() == before


def test_a_reason_shorter_than_ten_characters_is_refused(may_partial: User) -> None:
    with pytest.raises(services.IncompleteApprovalError):
        services.month_approve(
            year=2025, month=5, branch_code="KUPANG", user_id=may_partial.pk, reason=" terlambat "
        )
    assert not MonthApproval.objects.exists()


def test_incomplete_month_with_reason_is_approved_and_the_reason_logged(may_partial: User) -> None:
    services.month_approve(
        year=2025, month=5, branch_code="WAINGAPU", user_id=may_partial.pk, reason=REASON
    )
    assert MonthApproval.objects.get().locked
    entry = ChangeLog.objects.get(entity="approval")
    assert entry.source_detail == REASON
    assert entry.new_value == f"disetujui dan dikunci saat belum lengkap (1/4): {REASON}"


def test_complete_month_needs_no_reason(may_partial: User) -> None:
    services.month_approve(year=2025, month=4, branch_code="WAINGAPU", user_id=may_partial.pk)
    assert ChangeLog.objects.get(entity="approval").new_value == "disetujui dan dikunci"


def test_province_with_an_incomplete_branch_needs_a_reason(may_partial: User) -> None:
    # every Waingapu regency reports: the branch is complete, the province is not
    services.participant_counts_save(
        records=pu_counts(2025, 5, dict.fromkeys(["5302", "5316", "5317"], 1_100))
    )
    services.month_approve(year=2025, month=5, branch_code="WAINGAPU", user_id=may_partial.pk)
    with pytest.raises(services.IncompleteApprovalError) as error:
        services.month_approve(year=2025, month=5, branch_code=None, user_id=may_partial.pk)
    assert "(4/22 kabupaten/kota sudah melapor)" in error.value.message


def test_approval_view_refuses_without_reason_with_a_clear_message(may_partial: User) -> None:
    before = snapshot()
    response = login(may_partial).post(
        "/persetujuan/setujui/", {"period": "2025-05", "branch": "KUPANG"}
    )
    assert response.status_code == 400
    assert "Bulan ini belum lengkap (0/6 kabupaten/kota sudah melapor)" in (
        response.content.decode()
    )
    assert snapshot() == before


def test_approval_view_approves_with_reason(may_partial: User) -> None:
    response = login(may_partial).post(
        "/persetujuan/setujui/", {"period": "2025-05", "branch": "KUPANG", "reason": REASON}
    )
    assert response.status_code == 302
    assert ChangeLog.objects.get(entity="approval").source_detail == REASON


def test_approval_page_shows_each_branch_completeness(may_partial: User) -> None:
    html = login(may_partial).get("/persetujuan/").content.decode()
    may = re.search(r"<th>Mei 2025</th>.*?</tr>", html, re.S)
    assert may is not None
    rates = re.findall(r'data-rate="([^"]+)"', may.group(0))
    # province, then ATAMBUA, ENDE, KUPANG, LABUANBAJO, MAUMERE, WAINGAPU
    assert rates == ["1/22", "0/3", "0/3", "0/6", "0/3", "0/3", "1/4"]
    assert "belum lengkap, 1/4 melapor" in may.group(0)
    assert 'name="reason"' in may.group(0) and 'minlength="10"' in may.group(0)
