"""Issue #11, items 1, 11, 12 and 13: branch scope in the Django admin, usernames of
``create_user``, illegal input (400, never 500) and JSON errors under ``/api/``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

from coverage import services
from coverage.models import (
    Branch,
    ChangeLog,
    ParticipantCount,
    Region,
    Sector,
    Target,
    WorkforceFigure,
)
from coverage.records import ParticipantRecord, TargetRecord, WorkforceRecord
from coverage.views import dashboard
from tests.factories import login, make_user, seed_counts, snapshot

REGION_URL = "/admin/coverage/region/"


@pytest.fixture
def users(reference: None) -> dict[str, User]:
    seed_counts(region="5371")
    seed_counts(region="5311")
    return {
        "kupang_admin": make_user("admin_kupang", "admin", ("KUPANG",)),
        "kupang_manager": make_user("manajer_kupang", "manager", ("KUPANG",)),
        "province_admin": make_user("admin_prov", "admin"),
        "province_manager": make_user("manajer_prov", "manager"),
    }


def region_form(region: Region, **changes: str) -> dict[str, str]:
    data = {
        "kemendagri_code": region.kemendagri_code,
        "name": region.name,
        "kind": region.kind,
        "branch": region.branch_id,
    }
    return {**data, **changes}


def branch_of(code: str) -> str:
    return Region.objects.values_list("branch_id", flat=True).get(bps_code=code)


# --- item 1: the admin respects branch scope ------------------------------------------


@pytest.mark.parametrize("who", ["kupang_admin", "kupang_manager", "province_admin"])
def test_only_a_province_wide_manager_may_move_a_regency_to_another_branch(
    users: dict[str, User], who: str
) -> None:
    ende = Region.objects.get(bps_code="5311")
    before = snapshot()
    response = login(users[who]).post(
        f"{REGION_URL}5311/change/", region_form(ende, branch="KUPANG")
    )
    assert response.status_code == 403
    assert branch_of("5311") == "ENDE"
    assert snapshot() == before


def test_a_branch_admin_cannot_move_a_regency_through_the_list_editor(
    users: dict[str, User],
) -> None:
    regions = list(Region.objects.order_by("bps_code"))
    data: dict[str, str] = {
        "form-TOTAL_FORMS": str(len(regions)),
        "form-INITIAL_FORMS": str(len(regions)),
        "_save": "Simpan",
    }
    for number, region in enumerate(regions):
        data[f"form-{number}-bps_code"] = region.bps_code
        data[f"form-{number}-branch"] = "KUPANG"
    login(users["kupang_admin"]).post(REGION_URL, data)
    assert branch_of("5311") == "ENDE"


def test_a_province_wide_manager_moves_a_regency_and_the_move_is_logged(
    users: dict[str, User],
) -> None:
    manager = users["province_manager"]
    ende = Region.objects.get(bps_code="5311")
    response = login(manager).post(f"{REGION_URL}5311/change/", region_form(ende, branch="KUPANG"))
    assert response.status_code == 302
    assert branch_of("5311") == "KUPANG"
    log = ChangeLog.objects.get(entity="region", field="branch")
    assert (log.source, log.user_id, log.key) == ("admin", manager.pk, "region/5311")
    assert (log.old_value, log.new_value, log.region_id) == ("ENDE", "KUPANG", "5311")


def test_an_unchanged_region_save_logs_nothing(users: dict[str, User]) -> None:
    ende = Region.objects.get(bps_code="5311")
    login(users["province_manager"]).post(f"{REGION_URL}5311/change/", region_form(ende))
    assert not ChangeLog.objects.filter(entity="region").exists()


def test_every_admin_may_look_at_reference_data_but_not_change_it(
    users: dict[str, User],
) -> None:
    client = login(users["kupang_admin"])
    assert client.get(REGION_URL).status_code == 200
    page = client.get(f"{REGION_URL}5311/change/")
    assert page.status_code == 200
    assert 'name="branch"' not in page.content.decode()  # read-only view


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/coverage/branch/add/", {"code": "BARU", "name": "Baru"}),
        ("/admin/coverage/branch/KUPANG/change/", {"name": "Kupang Raya"}),
        ("/admin/coverage/sector/A/change/", {"name": "Pertanian", "name_en": "Farming"}),
        (
            "/admin/coverage/segment/PU/change/",
            {"name": "Penerima Upah", "name_en": "Wage", "is_formal": ""},
        ),
        ("/admin/coverage/branch/ENDE/delete/", {"post": "yes"}),
    ],
)
def test_reference_data_is_refused_to_anyone_but_province_wide_managers(
    users: dict[str, User], url: str, data: dict[str, str]
) -> None:
    for who in ("kupang_admin", "kupang_manager", "province_admin"):
        assert login(users[who]).post(url, data).status_code == 403
    assert not Branch.objects.filter(code="BARU").exists()
    assert Branch.objects.get(code="KUPANG").name != "Kupang Raya"
    assert Sector.objects.get(code="A").name_en != "Farming"


def test_a_province_wide_manager_edits_a_sector_through_the_service(
    users: dict[str, User],
) -> None:
    sector = Sector.objects.get(code="A")
    response = login(users["province_manager"]).post(
        "/admin/coverage/sector/A/change/", {"name": sector.name, "name_en": "Farming"}
    )
    assert response.status_code == 302
    log = ChangeLog.objects.get(entity="sector")
    assert (log.field, log.new_value, log.source) == ("name_en", "Farming", "admin")


def test_a_province_wide_manager_adds_and_deletes_a_branch_with_log_rows(
    users: dict[str, User],
) -> None:
    client = login(users["province_manager"])
    root = User.objects.create_superuser("root", password="x")
    assert client.post("/admin/coverage/branch/add/", {"code": "BARU", "name": "Baru"}).status_code
    assert Branch.objects.filter(code="BARU").exists()
    login(root).post("/admin/coverage/branch/BARU/delete/", {"post": "yes"})
    assert not Branch.objects.filter(code="BARU").exists()
    logged = list(
        ChangeLog.objects.filter(entity="branch")
        .order_by("id")
        .values_list("old_value", "new_value")
    )
    assert logged == [("", "Baru"), ("Baru", "")]


def test_the_region_service_refuses_a_branch_scoped_user(users: dict[str, User]) -> None:
    with pytest.raises(services.AdminWriteRefused):
        services.region_save(
            user=users["kupang_manager"],
            bps_code="5311",
            kemendagri_code="53.08",
            name="Ende",
            kind="kabupaten",
            branch_code="KUPANG",
        )
    assert branch_of("5311") == "ENDE"


def test_count_target_and_workforce_services_check_the_scope_themselves(
    users: dict[str, User],
) -> None:
    user = users["kupang_admin"]
    before = snapshot()
    with pytest.raises(services.AdminWriteRefused):
        services.participant_count_save(
            user=user, record=ParticipantRecord(2025, 3, "5311", "A", "PU", 1, 0)
        )
    with pytest.raises(services.AdminWriteRefused):
        services.target_save(
            user=user, record=TargetRecord(2025, "branch", "ENDE", "UCJ", 5, None, "")
        )
    with pytest.raises(services.AdminWriteRefused):
        services.workforce_figure_save(
            user=user, record=WorkforceRecord(2025, None, None, "UCJ", 5, "x")
        )
    assert snapshot() == before
    assert not Target.objects.exists() and not WorkforceFigure.objects.exists()


def test_a_branch_admin_cannot_pick_another_branch_for_a_target(users: dict[str, User]) -> None:
    client = login(users["kupang_admin"])
    page = client.get("/admin/coverage/target/add/").content.decode()
    assert 'value="KUPANG"' in page and 'value="ENDE"' not in page
    response = client.post(
        "/admin/coverage/target/add/",
        {"year": "2025", "scope_type": "branch", "branch": "ENDE", "basis": "UCJ",
         "target_count": "5", "target_pct": "", "note": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Target.objects.exists()


def test_a_branch_admin_sets_a_target_of_their_own_branch(users: dict[str, User]) -> None:
    response = login(users["kupang_admin"]).post(
        "/admin/coverage/target/add/",
        {"year": "2025", "scope_type": "branch", "branch": "KUPANG", "basis": "UCJ",
         "target_count": "5", "target_pct": "", "note": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert ChangeLog.objects.get(entity="target").branch_id == "KUPANG"


def test_another_branchs_figures_cannot_be_opened(users: dict[str, User]) -> None:
    services.targets_save(records=[TargetRecord(2025, "branch", "ENDE", "UCJ", 9, None, "")])
    target = Target.objects.get()
    response = login(users["kupang_admin"]).get(f"/admin/coverage/target/{target.pk}/change/")
    assert response.status_code == 302  # "does not exist" for this user
    listing = login(users["kupang_admin"]).get("/admin/coverage/target/")
    assert list(listing.context["cl"].result_list) == []


def test_a_refused_admin_write_leaves_no_admin_log_entry(users: dict[str, User]) -> None:
    from django.contrib.admin.models import LogEntry

    manager = make_user("kepala", "manager")
    services.month_approve(year=2025, month=3, branch_code="KUPANG", user_id=manager.pk)
    root = User.objects.create_superuser("root", password="x")
    count_id = (
        ParticipantCount.objects.filter(year=2025, month=3, region_id="5371")
        .values_list("pk", flat=True)
        .first()
    )
    login(root).post(f"/admin/coverage/participantcount/{count_id}/delete/", {"post": "yes"})
    assert not LogEntry.objects.exists()


def test_a_done_admin_delete_leaves_one_admin_log_entry(users: dict[str, User]) -> None:
    from django.contrib.admin.models import DELETION, LogEntry

    root = User.objects.create_superuser("root", password="x")
    count = ParticipantCount.objects.filter(year=2025, month=3, region_id="5371").first()
    assert count is not None
    login(root).post(f"/admin/coverage/participantcount/{count.pk}/delete/", {"post": "yes"})
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id) == (DELETION, str(count.pk))


# --- item 11: usernames ---------------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["<b>siapa</b>", "=HYPERLINK(1)", "+cmd", "-2+3", "@SUM", "dua kata", ""]
)
def test_create_user_refuses_markup_formulas_and_spaces(
    reference: None, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    monkeypatch.setenv("JAMSOSTEK_USER_PASSWORD", "Rahasia-NTT-2025")
    with pytest.raises(CommandError, match="ditolak"):
        call_command(
            "create_user", "--role", "viewer", "--password-from-env", "--", username,
            stdout=StringIO(),
        )  # fmt: skip
    assert not User.objects.exists()


def test_create_user_accepts_an_ordinary_username(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAMSOSTEK_USER_PASSWORD", "Rahasia-NTT-2025")
    call_command(
        "create_user", "petugas.kupang_1", "--role", "admin", "--branch", "KUPANG",
        "--password-from-env", stdout=StringIO(),
    )  # fmt: skip
    assert User.objects.get().username == "petugas.kupang_1"


# --- item 12: illegal input is a 400 ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/coverage/participantcount/?region__branch__code__exact=%00",
        "/admin/coverage/region/?q=ku%00pang",
        "/admin/coverage/region/?branch__code__exact=KUPANG%00",
        "/?period=2025-03%00",
        "/wilayah/53%0071/",
        "/riwayat/?user=%01",
        "/?period=%ff%fe",
        "/?%00=1",
    ],
)
def test_illegal_characters_in_a_query_or_path_give_400(users: dict[str, User], url: str) -> None:
    response = login(users["province_manager"]).get(url)
    assert response.status_code == 400
    assert "tidak diizinkan" in response.content.decode()


def test_a_nul_byte_in_a_form_field_gives_400_and_changes_nothing(users: dict[str, User]) -> None:
    before = snapshot()
    response = login(users["province_manager"]).post(
        "/admin/coverage/branch/add/", {"code": "BARU", "name": "Ba\x00ru"}
    )
    assert response.status_code == 400
    assert snapshot() == before and not Branch.objects.filter(code="BARU").exists()


def test_a_nul_byte_in_a_login_attempt_gives_400(reference: None) -> None:
    response = Client().post("/masuk/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


def test_a_control_character_in_a_cookie_gives_400(reference: None) -> None:
    client = Client()
    client.cookies["sessionid"] = "abcdefghij\x00"
    assert client.get("/").status_code == 400


def test_ordinary_multiline_text_is_accepted(users: dict[str, User]) -> None:
    response = login(users["province_manager"]).post(
        "/admin/coverage/branch/add/", {"code": "BARU", "name": "Baru\r\n\tKupang"}
    )
    assert response.status_code in (200, 302)


# --- item 13: /api/ answers in JSON ---------------------------------------------------


def json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["error"]
    return body


def test_unknown_api_address_is_a_json_404(reference: None) -> None:
    json_error(Client().get("/api/tidak-ada"), 404)


def test_wrong_method_on_the_api_is_a_json_405_with_allow(reference: None) -> None:
    response = Client().post("/api/coverage")
    body = json_error(response, 405)
    assert "POST" in body["error"] and "GET" in response["Allow"]


def test_bad_period_on_the_api_keeps_the_views_own_json_400(reference: None) -> None:
    seed_counts()
    body = json_error(Client().get("/api/coverage?period=2025-13"), 400)
    assert "2025-13" in body["error"] or "Periode" in body["error"]


def test_illegal_input_on_the_api_is_a_json_400(reference: None) -> None:
    json_error(Client().get("/api/coverage?scope=53%00"), 400)


def test_a_crash_in_an_api_view_is_a_json_500(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_counts()

    def crash(*_args: object) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(dashboard, "_api_body", crash)
    response = Client(raise_request_exception=False).get("/api/coverage?period=2025-03")
    body = json_error(response, 500)
    assert "boom" not in body["error"]


def test_database_down_is_a_json_503(reference: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", unreachable)
        response = Client(raise_request_exception=False).get("/api/coverage?period=2025-03")
    json_error(response, 503)
    assert response["Retry-After"]


def test_pages_outside_the_api_keep_their_html_errors(reference: None) -> None:
    response = Client().get("/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
