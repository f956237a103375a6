"""Roles and scopes, and the create_user command that sets them."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from coverage.access import can_approve, can_write_regions, has_role, user_role
from coverage.models import Role

PASSWORD = "Kupang-Tenggara-2025!"


def create(username: str, role: str, *branches: str, monkeypatch: pytest.MonkeyPatch) -> User:
    monkeypatch.setenv("JAMSOSTEK_USER_PASSWORD", PASSWORD)
    args = [username, "--role", role, "--password-from-env"]
    if branches:
        args += ["--branch", *branches]
    call_command("create_user", *args, stdout=StringIO())
    return User.objects.get(username=username)


def test_create_user_sets_role_and_branch(reference: None, monkeypatch: pytest.MonkeyPatch) -> None:
    user = create("ende_admin", "admin", "ENDE", monkeypatch=monkeypatch)
    assert user.check_password(PASSWORD)
    assert user_role(user) == Role.ADMIN
    assert can_write_regions(user, {"5311", "5312"})
    assert not can_write_regions(user, {"5371"})


def test_viewer_cannot_write_anywhere(reference: None, monkeypatch: pytest.MonkeyPatch) -> None:
    user = create("staf", "viewer", monkeypatch=monkeypatch)
    assert has_role(user, Role.VIEWER)
    assert not has_role(user, Role.ADMIN)
    assert not can_write_regions(user, {"5371"})


def test_province_manager_approves_any_branch_and_province(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = create("kepala", "manager", monkeypatch=monkeypatch)
    assert can_approve(user, branch_code=None)
    assert can_approve(user, branch_code="WAINGAPU")
    assert can_write_regions(user, {"5371", "5302"})


def test_branch_manager_approves_only_own_branch(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = create("manajer_ende", "manager", "ENDE", monkeypatch=monkeypatch)
    assert can_approve(user, branch_code="ENDE")
    assert not can_approve(user, branch_code="KUPANG")
    assert not can_approve(user, branch_code=None)


def test_admin_cannot_approve(reference: None, monkeypatch: pytest.MonkeyPatch) -> None:
    user = create("admin_prov", "admin", monkeypatch=monkeypatch)
    assert not can_approve(user, branch_code=None)


def test_create_user_rejects_unknown_branch(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CommandError, match="Kode kantor cabang tidak dikenal: BAJAWA"):
        create("x", "admin", "BAJAWA", monkeypatch=monkeypatch)
    assert not User.objects.filter(username="x").exists()


def test_create_user_rejects_weak_password(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAMSOSTEK_USER_PASSWORD", "123")
    with pytest.raises(CommandError, match="Kata sandi ditolak"):
        call_command("create_user", "y", "--role", "viewer", "--password-from-env")
    assert not User.objects.filter(username="y").exists()


def test_create_user_twice_updates_role(reference: None, monkeypatch: pytest.MonkeyPatch) -> None:
    create("z", "viewer", monkeypatch=monkeypatch)
    user = create("z", "manager", "KUPANG", monkeypatch=monkeypatch)
    assert user_role(user) == Role.MANAGER
    assert User.objects.filter(username="z").count() == 1
