"""Persetujuan: managers approve and unlock months; states are listed; the badge partial."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string

from coverage.calculations import Period
from coverage.models import ChangeLog, MonthApproval
from coverage.views.entry import approval_badge_context
from tests.factories import login, make_user, seed_counts


@pytest.fixture
def manager(reference: None) -> User:
    seed_counts()
    return make_user("manajer", "manager")


def test_approve_a_branch_month_locks_it(manager: User) -> None:
    response = login(manager).post(
        "/persetujuan/setujui/", {"period": "2025-03", "branch": "KUPANG"}
    )
    assert response.status_code == 302
    approval = MonthApproval.objects.get()
    assert (approval.branch_id, approval.locked, approval.approved_by_id) == (
        "KUPANG",
        True,
        manager.pk,
    )


def test_approve_the_province(manager: User) -> None:
    login(manager).post("/persetujuan/setujui/", {"period": "2025-03", "branch": ""})
    assert MonthApproval.objects.get().scope_type == "province"


def test_unlock_needs_a_reason(manager: User) -> None:
    client = login(manager)
    client.post("/persetujuan/setujui/", {"period": "2025-03", "branch": "KUPANG"})
    refused = client.post(
        "/persetujuan/buka/", {"period": "2025-03", "branch": "KUPANG", "reason": " "}
    )
    assert refused.status_code == 400
    assert "Alasan membuka kunci wajib diisi." in refused.content.decode()
    assert MonthApproval.objects.get().locked
    client.post(
        "/persetujuan/buka/",
        {"period": "2025-03", "branch": "KUPANG", "reason": "Salah ketik Kota Kupang"},
    )
    approval = MonthApproval.objects.get()
    assert not approval.locked and approval.unlock_reason == "Salah ketik Kota Kupang"
    log = ChangeLog.objects.filter(entity="approval").latest("id")
    assert (log.source, log.source_detail) == ("approval", "Salah ketik Kota Kupang")


def test_page_lists_states(manager: User) -> None:
    client = login(manager)
    client.post("/persetujuan/setujui/", {"period": "2025-03", "branch": "KUPANG"})
    client.post("/persetujuan/setujui/", {"period": "2025-02", "branch": "ENDE"})
    client.post("/persetujuan/buka/", {"period": "2025-02", "branch": "ENDE", "reason": "Revisi"})
    content = client.get("/persetujuan/").content.decode()
    assert "Disetujui" in content and "Dibuka" in content and "Revisi" in content
    assert "Sementara" in content


def test_unknown_unlock_is_404(manager: User) -> None:
    response = login(manager).post(
        "/persetujuan/buka/", {"period": "2025-03", "branch": "KUPANG", "reason": "x"}
    )
    assert response.status_code == 404


def test_badge_partial_marks_approved_and_provisional(manager: User) -> None:
    period = Period(2025, 3)
    provisional = render_to_string(
        "coverage/_approval_badge.html",
        approval_badge_context(period=period, branch_codes=["KUPANG"]),
    )
    assert "Sementara" in provisional
    login(manager).post("/persetujuan/setujui/", {"period": "2025-03", "branch": "KUPANG"})
    approved = render_to_string(
        "coverage/_approval_badge.html",
        approval_badge_context(period=period, branch_codes=["KUPANG"]),
    )
    assert "Disetujui" in approved
    province = approval_badge_context(period=period, branch_codes=None)
    assert province == {"approval_state": "provisional"}
