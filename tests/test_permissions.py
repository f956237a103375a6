"""The permission matrix: every role × every write endpoint × own and other scope.

Roles are viewer, admin and manager, each scoped to the Kupang branch; "own" is
Kota Kupang (5371, branch KUPANG) and "other" is Ende (5311, branch ENDE). A
refused request leaves counts, approvals and the change log exactly as they were.
The helpers at the top are shared by the other data-entry test modules.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coverage import services
from coverage.calculations import Period
from coverage.services import grid_version
from coverage.views.upload import stage_upload
from tests.factories import login, make_user, seed_counts, snapshot

REGION = {"own": "5371", "other": "5311"}
BRANCH = {"own": "KUPANG", "other": "ENDE"}


@pytest.fixture
def world(reference: None, settings: object, tmp_path: Path) -> dict[str, User]:
    settings.UPLOAD_STAGING_DIR = str(tmp_path)  # type: ignore[attr-defined]
    seed_counts(region="5371")
    seed_counts(region="5311")
    boss = make_user("kepala", "manager")
    for branch in BRANCH.values():
        services.month_approve(year=2025, month=1, branch_code=branch, user_id=boss.pk)
    return {
        role: make_user(f"{role}_kupang", role, ("KUPANG",))
        for role in ("viewer", "admin", "manager")
    }


def one_row(where: str) -> bytes:
    header = "period,region_code,sector_code,segment,active,nonactive\n"
    return f"{header}2025-03,{REGION[where]},A,PU,1031,5\n".encode()


def upload_preview(client: Client, where: str) -> int:
    upload = SimpleUploadedFile("maret.csv", one_row(where), content_type="text/csv")
    return client.post("/unggah/", {"kind": "participants", "file": upload}).status_code


def upload_apply(client: Client, where: str, owner: User) -> int:
    sha = stage_upload(user_id=owner.pk, kind="participants", name="maret.csv", data=one_row(where))
    return client.post("/unggah/terapkan/", {"kind": "participants", "sha256": sha}).status_code


def approve(client: Client, where: str) -> int:
    return client.post(
        "/persetujuan/setujui/", {"period": "2025-03", "branch": BRANCH[where]}
    ).status_code


def unlock(client: Client, where: str) -> int:
    return client.post(
        "/persetujuan/buka/",
        {"period": "2025-01", "branch": BRANCH[where], "reason": "Koreksi data"},
    ).status_code


# (endpoint, scope) → status per role; 302 means done and redirected, 4xx refused.
MATRIX = {
    ("grid", "own"): {"viewer": 403, "admin": 302, "manager": 302},
    ("grid", "other"): {"viewer": 403, "admin": 403, "manager": 403},
    ("preview", "own"): {"viewer": 403, "admin": 302, "manager": 302},
    ("apply", "own"): {"viewer": 403, "admin": 302, "manager": 302},
    ("apply", "other"): {"viewer": 403, "admin": 400, "manager": 400},
    ("approve", "own"): {"viewer": 403, "admin": 403, "manager": 302},
    ("approve", "other"): {"viewer": 403, "admin": 403, "manager": 403},
    ("unlock", "own"): {"viewer": 403, "admin": 403, "manager": 302},
    ("unlock", "other"): {"viewer": 403, "admin": 403, "manager": 403},
}


def call(endpoint: str, client: Client, where: str, user: User) -> int:
    if endpoint == "grid":
        # A fresh version so that the only possible refusal is the permission check.
        region = REGION[where]
        data = {
            "period": "2025-03",
            "scope": region,
            "region": region,
            "version": str(grid_version(Period(2025, 3), region)),
            f"c-{region}-A-PU": "1031",
        }
        return client.post("/isian/", data).status_code
    if endpoint == "preview":
        return upload_preview(client, where)
    if endpoint == "apply":
        return upload_apply(client, where, user)
    if endpoint == "approve":
        return approve(client, where)
    return unlock(client, where)


@pytest.mark.parametrize("role", ["viewer", "admin", "manager"])
@pytest.mark.parametrize(("endpoint", "where"), list(MATRIX))
def test_permission_matrix(world: dict[str, User], role: str, endpoint: str, where: str) -> None:
    user = world[role]
    expected = MATRIX[(endpoint, where)][role]
    before = snapshot()
    status = call(endpoint, login(user), where, user)
    assert status == expected
    if expected != 302:
        assert snapshot() == before


def test_upload_preview_of_other_scope_lists_each_row_as_an_error(world: dict[str, User]) -> None:
    client = login(world["admin"])
    csv = (
        b"period,region_code,sector_code,segment,active\n2025-03,5371,A,PU,1\n2025-03,5311,A,PU,2\n"
    )
    response = client.post(
        "/unggah/",
        {"kind": "participants", "file": SimpleUploadedFile("x.csv", csv)},
        follow=True,
    )
    assert "baris 3, kolom region_code: di luar wilayah kerja Anda" in response.content.decode()
    assert "baris 2, kolom region_code" not in response.content.decode()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/isian/"),
        ("get", "/isian/"),
        ("post", "/unggah/"),
        ("post", "/unggah/terapkan/"),
        ("post", "/persetujuan/setujui/"),
        ("post", "/persetujuan/buka/"),
        ("get", "/riwayat/"),
        ("get", "/persetujuan/"),
    ],
)
def test_anonymous_is_sent_to_login_and_nothing_changes(
    world: dict[str, User], method: str, url: str
) -> None:
    before = snapshot()
    response = getattr(Client(), method)(url, {"period": "2025-03", "branch": "KUPANG"})
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/?next=")
    assert snapshot() == before


def test_viewer_cannot_open_history_or_approval(world: dict[str, User]) -> None:
    client = login(world["viewer"])
    assert client.get("/riwayat/").status_code == 403
    assert client.get("/persetujuan/").status_code == 403
    assert client.get("/isian/").status_code == 403


def test_branch_manager_cannot_approve_the_province(world: dict[str, User]) -> None:
    before = snapshot()
    response = login(world["manager"]).post(
        "/persetujuan/setujui/", {"period": "2025-03", "branch": ""}
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_branch_admin_may_not_upload_targets(world: dict[str, User]) -> None:
    csv = b"year,scope,basis,target_count,target_pct\n2025,KUPANG,UCJ,100,\n"
    response = login(world["admin"]).post(
        "/unggah/", {"kind": "targets", "file": SimpleUploadedFile("t.csv", csv)}
    )
    assert response.status_code == 403
    assert "hanya dapat diunggah oleh admin dengan wilayah kerja seluruh provinsi" in (
        response.content.decode()
    )


def test_nav_shows_links_by_role(world: dict[str, User]) -> None:
    viewer = login(world["viewer"]).get("/").content.decode()
    manager = login(world["manager"]).get("/").content.decode()
    assert "/isian/" not in viewer and "/persetujuan/" not in viewer
    assert all(url in manager for url in ("/isian/", "/unggah/", "/riwayat/", "/persetujuan/"))
