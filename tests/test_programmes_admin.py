"""Programmes and commitments in the Django admin: province-wide managers change them,
through the programme services (change log); admins only look."""

from __future__ import annotations

import pytest

from coverage import services
from coverage.models import ChangeLog, Programme, ProgrammeEnrolment, RegencyCommitment
from coverage.programme_records import ProgrammeRecord, QuotaRecord
from tests.factories import login, make_user

PROGRAMME = {
    "code": "PR-2025",
    "name": "Pekerja rentan",
    "funder": "",
    "year": "2025",
    "budget_idr": "1000000",
    "contribution_idr": "16800",
    "start_year": "2025",
    "start_month": "3",
    "end_year": "2025",
    "end_month": "12",
}


def test_province_manager_adds_a_programme_through_the_service(reference: None) -> None:
    manager = make_user("manajer", "manager")
    response = login(manager).post("/admin/coverage/programme/add/", PROGRAMME)
    assert response.status_code == 302
    assert Programme.objects.get().funder_code == "53"
    log = ChangeLog.objects.get(entity="programme")
    assert (log.source, log.user_id, log.key) == ("admin", manager.pk, "PR-2025")


def test_programme_ending_before_it_starts_is_refused(reference: None) -> None:
    manager = make_user("manajer", "manager")
    response = login(manager).post(
        "/admin/coverage/programme/add/", {**PROGRAMME, "end_month": "1"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Programme.objects.exists()


@pytest.mark.parametrize(("role", "branches"), [("admin", ()), ("manager", ("ENDE",))])
def test_others_may_not_change_programmes(
    reference: None, role: str, branches: tuple[str, ...]
) -> None:
    client = login(make_user("lain", role, branches))
    assert client.post("/admin/coverage/programme/add/", PROGRAMME).status_code == 403
    assert not Programme.objects.exists()


def test_admin_may_view_commitments(reference: None) -> None:
    client = login(make_user("admin", "admin"))
    assert client.get("/admin/coverage/regencycommitment/").status_code == 200


def test_enrolment_without_a_quota_is_refused_in_the_admin(reference: None) -> None:
    services.programmes_save(
        records=[ProgrammeRecord("PR-2025", "P", "53", 2025, 1, 16_800, 2025, 3, 2025, 12)]
    )
    services.programme_quotas_save(records=[QuotaRecord("PR-2025", "5311", 10)])
    client = login(make_user("manajer", "manager"))
    programme = Programme.objects.get()
    form = {"year": "2025", "month": "4", "programme": programme.pk, "enrolled": "5"}
    assert (
        client.post(
            "/admin/coverage/programmeenrolment/add/", {**form, "region": "5371"}
        ).status_code
        == 200
    )
    assert not ProgrammeEnrolment.objects.exists()
    response = client.post("/admin/coverage/programmeenrolment/add/", {**form, "region": "5311"})
    assert response.status_code == 302
    assert ChangeLog.objects.filter(entity="prog_enrol", new_value="5").exists()


def test_deleting_a_commitment_is_logged(reference: None) -> None:
    manager = make_user("manajer", "manager")
    commitment = RegencyCommitment.objects.create(
        year=2025, region_id="5310", regulation="Perbup 1", budget_idr=5, village_apparatus_total=2
    )
    response = login(manager).post(
        f"/admin/coverage/regencycommitment/{commitment.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RegencyCommitment.objects.exists()
    log = ChangeLog.objects.get(entity="commitment")
    assert (log.key, log.old_value, log.new_value) == ("2025/5310", "Perbup 1 / 5 / 0/2", "")
