"""Django admin edits go through the write services: change log, locks and scope.

The last test checks audit completeness: grid, upload, admin and CLI each leave
change-log rows with their own source.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory

from coverage import services
from coverage.admin import ServiceWriteAdmin
from coverage.calculations import Period
from coverage.models import ChangeLog, MonthlyTotal, ParticipantCount, Target, WorkforceFigure
from coverage.records import TargetRecord, WorkforceRecord
from coverage.services import grid_version
from tests.factories import login, make_user, seed_counts, snapshot

ADMIN_URL = "/admin/coverage/participantcount/"


@pytest.fixture
def admin_user(reference: None) -> User:
    seed_counts(region="5371")
    seed_counts(region="5311")
    return make_user("admin_prov", "admin")


def a_count(region: str = "5371") -> ParticipantCount:
    return ParticipantCount.objects.get(
        year=2025, month=3, region_id=region, sector_id="A", segment_id="PU"
    )


def test_admin_change_is_logged_with_admin_source(admin_user: User) -> None:
    count = a_count()
    response = login(admin_user).post(
        f"{ADMIN_URL}{count.pk}/change/", {"active": "1100", "nonactive": "6"}
    )
    assert response.status_code == 302
    assert (a_count().active, a_count().nonactive) == (1100, 6)
    log = ChangeLog.objects.filter(key="2025-03/5371/A/PU").latest("id")
    assert (log.source, log.source_detail, log.user_id) == ("admin", "admin", admin_user.pk)
    assert (log.old_value, log.new_value) == ("1030 / 5", "1100 / 6")


def test_key_fields_are_read_only_on_change(admin_user: User) -> None:
    count = a_count()
    login(admin_user).post(
        f"{ADMIN_URL}{count.pk}/change/",
        {"active": "1100", "nonactive": "6", "month": "4", "region": "5311"},
    )
    changed = ParticipantCount.objects.get(pk=count.pk)
    assert (changed.month, changed.region_id, changed.active) == (3, "5371", 1100)


def test_admin_add_goes_through_the_service(admin_user: User) -> None:
    data = {"year": "2025", "month": "4", "region": "5371", "sector": "A", "segment": "PU"}
    response = login(admin_user).post(f"{ADMIN_URL}add/", {**data, "active": "7", "nonactive": "0"})
    assert response.status_code == 302
    log = ChangeLog.objects.get(key="2025-04/5371/A/PU")
    assert (log.source, log.old_value, log.new_value) == ("admin", "", "7 / 0")


def test_locked_month_is_refused_in_admin(admin_user: User) -> None:
    manager = make_user("manajer", "manager")
    services.month_approve(year=2025, month=3, branch_code="KUPANG", user_id=manager.pk)
    before = snapshot()
    client = login(admin_user)
    response = client.post(f"{ADMIN_URL}{a_count().pk}/change/", {"active": "1", "nonactive": "0"})
    assert "sudah disetujui dan dikunci" in response.content.decode()
    assert snapshot() == before


def test_locked_month_delete_is_refused(reference: None) -> None:
    seed_counts()
    root = User.objects.create_superuser("root", password="x")
    services.month_approve(year=2025, month=3, branch_code=None, user_id=root.pk)
    before = snapshot()
    client = login(root)
    response = client.post(f"{ADMIN_URL}{a_count().pk}/delete/", {"post": "yes"}, follow=True)
    assert "sudah disetujui dan dikunci" in response.content.decode()
    assert snapshot() == before


def test_delete_is_logged(reference: None) -> None:
    seed_counts()
    root = User.objects.create_superuser("root", password="x")
    login(root).post(f"{ADMIN_URL}{a_count().pk}/delete/", {"post": "yes"})
    log = ChangeLog.objects.filter(key="2025-03/5371/A/PU").latest("id")
    assert (log.source, log.old_value, log.new_value) == ("admin", "1030 / 5", "")


def test_branch_admin_sees_and_changes_only_their_regions(admin_user: User) -> None:
    local = make_user("admin_ende", "admin", ("ENDE",))
    client = login(local)
    listing = client.get(ADMIN_URL)
    assert {c.region_id for c in listing.context["cl"].result_list} == {"5311"}
    before = snapshot()
    response = client.post(
        f"{ADMIN_URL}{a_count('5371').pk}/change/", {"active": "1", "nonactive": "0"}
    )
    assert response.status_code in (302, 403)
    assert snapshot() == before
    refused = client.post(
        f"{ADMIN_URL}add/",
        {
            "year": "2025",
            "month": "4",
            "region": "5371",
            "sector": "A",
            "segment": "PU",
            "active": "1",
            "nonactive": "0",
        },
    )
    assert refused.status_code == 200
    assert snapshot() == before


def test_target_and_workforce_admin_saves_are_logged(admin_user: User) -> None:
    client = login(admin_user)
    client.post(
        "/admin/coverage/target/add/",
        {
            "year": "2025",
            "scope_type": "province",
            "basis": "UCJ",
            "target_count": "1054194",
            "target_pct": "64.82",
            "note": "",
        },
    )
    client.post(
        "/admin/coverage/workforcefigure/add/",
        {
            "year": "2025",
            "basis": "UCJ",
            "region": "",
            "sector": "",
            "workers": "1626300",
            "source": "UCJ",
        },
    )
    assert Target.objects.get().target_count == 1054194
    figure = WorkforceFigure.objects.get()
    client.post(
        f"/admin/coverage/workforcefigure/{figure.pk}/change/",
        {"workers": "1630000", "source": "UCJ"},
    )
    assert WorkforceFigure.objects.get().workers == 1630000
    sources = set(
        ChangeLog.objects.filter(entity__in=["target", "workforce"]).values_list("entity", "source")
    )
    assert sources == {("target", "admin"), ("workforce", "admin")}
    assert ChangeLog.objects.filter(entity="workforce").count() == 2


def test_branch_admin_cannot_add_a_province_target(admin_user: User) -> None:
    local = make_user("admin_ende", "admin", ("ENDE",))
    login(local).post(
        "/admin/coverage/target/add/",
        {
            "year": "2025",
            "scope_type": "province",
            "basis": "UCJ",
            "target_count": "5",
            "target_pct": "",
        },
    )
    assert not Target.objects.exists()


def test_every_write_path_leaves_its_source_in_the_log(
    admin_user: User, settings: object, tmp_path: Path
) -> None:
    settings.UPLOAD_STAGING_DIR = str(tmp_path)  # type: ignore[attr-defined]
    client = login(admin_user)
    version = grid_version(Period(2025, 3), "5371")
    client.post(
        "/isian/",
        {
            "period": "2025-03",
            "scope": "5371",
            "region": "5371",
            "version": str(version),
            "c-5371-G-PU": "1031",
        },
    )
    csv = b"period,region_code,sector_code,segment,active,nonactive\n2025-03,5371,A,BPU,1032,5\n"
    preview = client.post(
        "/unggah/", {"kind": "participants", "file": SimpleUploadedFile("u.csv", csv)}, follow=True
    )
    client.post(
        "/unggah/terapkan/", {"kind": "participants", "sha256": preview.context["staged"].sha256}
    )
    client.post(f"{ADMIN_URL}{a_count().pk}/change/", {"active": "1033", "nonactive": "5"})
    path = tmp_path / "cli.csv"
    path.write_text(
        "period,region_code,sector_code,segment,active,nonactive\n2025-03,5371,G,BPU,1034,5\n"
    )
    call_command("import_data", "participants", str(path), stdout=StringIO())
    logged = dict(
        ChangeLog.objects.filter(year=2025, month=3, region_id="5371")
        .exclude(source="demo")
        .values_list("key", "source")
    )
    assert logged == {
        "2025-03/5371/G/PU": "grid",
        "2025-03/5371/A/BPU": "upload",
        "2025-03/5371/A/PU": "admin",
        "2025-03/5371/G/BPU": "cli",
    }


def test_deleting_a_count_in_admin_refreshes_the_monthly_totals(reference: None) -> None:
    seed_counts()
    root = User.objects.create_superuser("root", password="x")
    before = MonthlyTotal.objects.get(year=2025, month=3, region_id="5371", segment_id="PU")
    login(root).post(f"{ADMIN_URL}{a_count().pk}/delete/", {"post": "yes"})
    after = MonthlyTotal.objects.get(year=2025, month=3, region_id="5371", segment_id="PU")
    assert before.active - after.active == 1030


def test_target_and_workforce_deletes_go_through_the_services_and_are_logged(
    reference: None,
) -> None:
    root = User.objects.create_superuser("root", password="x")
    services.targets_save(records=[TargetRecord(2025, "province", "53", "UCJ", 1000, None, "")])
    services.workforce_figures_save(records=[WorkforceRecord(2025, "5371", None, "UCJ", 9, "x")])
    client = login(root)
    client.post(f"/admin/coverage/target/{Target.objects.get().pk}/delete/", {"post": "yes"})
    figure = WorkforceFigure.objects.get()
    client.post(f"/admin/coverage/workforcefigure/{figure.pk}/delete/", {"post": "yes"})
    assert not Target.objects.exists() and not WorkforceFigure.objects.exists()
    deleted = set(
        ChangeLog.objects.filter(new_value="", source="admin").values_list("entity", "old_value")
    )
    assert deleted == {("target", "1000 / "), ("workforce", "9 (x)")}


def test_a_branch_admin_cannot_add_a_workforce_figure_for_another_branch(
    reference: None,
) -> None:
    local = make_user("admin_ende", "admin", ("ENDE",))
    client = login(local)
    page = client.get("/admin/coverage/workforcefigure/add/").content.decode()
    assert 'value="5311"' in page and 'value="5371"' not in page
    client.post(
        "/admin/coverage/workforcefigure/add/",
        {"year": "2025", "basis": "UCJ", "region": "5371", "sector": "", "workers": "5",
         "source": "x"},
    )  # fmt: skip
    assert not WorkforceFigure.objects.exists()


def test_an_admin_without_its_own_delete_service_deletes_nothing_and_says_so(
    admin_user: User,
) -> None:
    """The base admin's delete hook refuses (a message, no delete, no log row): a new admin
    that forgets to name its service cannot delete around the change log."""
    request = RequestFactory().post(ADMIN_URL)
    request.user = admin_user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    logged = ChangeLog.objects.count()
    ServiceWriteAdmin(ParticipantCount, django_admin.site).delete_model(request, a_count())
    assert a_count().pk is not None
    assert ChangeLog.objects.count() == logged
    assert [str(m) for m in get_messages(request)] == [
        "Data jenis ini tidak dapat dihapus dari admin; tidak ada yang dihapus."
    ]
