"""Failed logins are throttled per (account, address), per account and, much higher, per
address alone; in the database, so every worker counts the same failures; on
``/masuk/`` and ``/admin/login/`` alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from coverage.models import LoginFailure
from coverage.throttle import (
    MAX_PER_ACCOUNT,
    MAX_PER_ACCOUNT_AND_ADDRESS,
    MAX_PER_ADDRESS,
    WINDOW,
    client_address,
    failure_record,
)
from tests.factories import PASSWORD, TestResponse, make_user

THROTTLED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."


@pytest.fixture
def user(reference: None) -> User:
    return make_user("petugas", "admin")


def attempt(
    username: str, password: str, ip: str = "10.0.0.1", *, path: str = "/masuk/", **extra: str
) -> TestResponse:
    client = Client(REMOTE_ADDR=ip)
    client.defaults.update(extra)
    return client.post(path, {"username": username, "password": password})


def logged_in(response: TestResponse) -> bool:
    return "_auth_user_id" in response.wsgi_request.session


def test_login_page_is_indonesian_with_csrf(user: User) -> None:
    response = Client(enforce_csrf_checks=True).get("/masuk/")
    content = response.content.decode()
    assert "Masuk ke dasbor" in content and "Kata sandi" in content
    assert "csrfmiddlewaretoken" in content


def test_right_password_logs_in(user: User) -> None:
    response = attempt("petugas", PASSWORD)
    assert response.status_code == 302


def test_wrong_password_shows_indonesian_message(user: User) -> None:
    response = attempt("petugas", "salah")
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_sixth_attempt_from_the_same_address_is_refused_even_with_the_right_password(
    user: User,
) -> None:
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        attempt("petugas", "salah", ip="10.0.0.2")
    response = attempt("PETUGAS ", PASSWORD, ip="10.0.0.2")  # the same account, spelled otherwise
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert not logged_in(response)


def test_one_accounts_failures_do_not_lock_other_accounts_at_the_same_address(
    reference: None,
) -> None:
    make_user("petugas", "admin")
    make_user("rekan", "admin")
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        attempt("petugas", "salah", ip="10.0.0.9")
    response = attempt("rekan", PASSWORD, ip="10.0.0.9")
    assert response.status_code == 302 and logged_in(response)


def test_the_owner_at_another_address_can_still_log_in_below_the_account_ceiling(
    user: User,
) -> None:
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        attempt("petugas", "salah", ip="10.0.0.2")
    assert attempt("petugas", PASSWORD, ip="10.0.0.3").status_code == 302


def test_failures_spread_over_addresses_lock_the_account_everywhere(user: User) -> None:
    for number in range(MAX_PER_ACCOUNT):
        failure_record(username="petugas", address=f"10.0.1.{number}")
    response = attempt("petugas", PASSWORD, ip="10.0.2.1")
    assert THROTTLED in response.content.decode()
    assert not logged_in(response)


def test_many_failures_from_one_address_lock_that_address_for_every_account(
    user: User,
) -> None:
    for number in range(MAX_PER_ADDRESS - 1):
        failure_record(username=f"tamu{number}", address="10.0.0.7")
    assert attempt("petugas", PASSWORD, ip="10.0.0.7").status_code == 302
    failure_record(username="tamu-terakhir", address="10.0.0.7")
    response = attempt("petugas", PASSWORD, ip="10.0.0.7")
    assert THROTTLED in response.content.decode()
    assert attempt("petugas", PASSWORD, ip="10.0.0.8").status_code == 302


def test_the_address_ceiling_is_much_higher_than_the_account_ceilings() -> None:
    assert MAX_PER_ADDRESS >= 10 * MAX_PER_ACCOUNT_AND_ADDRESS
    assert MAX_PER_ACCOUNT > MAX_PER_ACCOUNT_AND_ADDRESS


def test_four_failures_still_allow_the_right_password(user: User) -> None:
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS - 1):
        attempt("petugas", "salah")
    assert attempt("petugas", PASSWORD).status_code == 302


def test_failures_older_than_the_window_no_longer_count(user: User) -> None:
    earlier = timezone.now() - WINDOW - timedelta(seconds=1)
    for _ in range(MAX_PER_ACCOUNT):
        failure_record(username="petugas", address="10.0.0.1", now=earlier)
    assert attempt("petugas", PASSWORD).status_code == 302


def test_failures_are_kept_in_the_database_where_every_worker_sees_them(user: User) -> None:
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        attempt("petugas", "salah")
    cache.clear()  # another worker has its own local-memory cache
    assert LoginFailure.objects.filter(username="petugas").count() == MAX_PER_ACCOUNT_AND_ADDRESS
    assert THROTTLED in attempt("petugas", PASSWORD).content.decode()


def test_a_successful_login_forgives_only_that_addresses_failures(user: User) -> None:
    for _ in range(3):
        attempt("petugas", "salah", ip="10.0.0.1")
        attempt("petugas", "salah", ip="10.0.0.2")
    assert attempt("petugas", PASSWORD, ip="10.0.0.1").status_code == 302
    remaining = set(LoginFailure.objects.values_list("address", flat=True))
    assert remaining == {"10.0.0.2"}


def test_old_failures_are_deleted_when_a_new_one_is_recorded(db: None) -> None:
    failure_record(username="a", address="10.0.0.1", now=timezone.now() - 2 * WINDOW)
    failure_record(username="b", address="10.0.0.1")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["b"]


def test_admin_login_is_throttled_like_the_dashboard_login(user: User) -> None:
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        attempt("petugas", "salah", path="/admin/login/")
    response = attempt("petugas", PASSWORD, path="/admin/login/")
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert not logged_in(response)


def test_admin_and_dashboard_logins_share_the_counters(user: User) -> None:
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        attempt("petugas", "salah", path="/admin/login/")
    assert THROTTLED in attempt("petugas", PASSWORD).content.decode()


def test_forwarded_for_is_ignored_without_a_trusted_proxy(user: User, settings: Settings) -> None:
    settings.BEHIND_PROXY = False
    for number in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        attempt("petugas", "salah", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"10.0.0.1"}
    response = attempt("petugas", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert THROTTLED in response.content.decode()


def test_behind_a_trusted_proxy_each_client_counts_on_its_own(
    user: User, settings: Settings
) -> None:
    settings.BEHIND_PROXY = True
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        attempt("petugas", "salah", ip="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    colleague = attempt("petugas", PASSWORD, ip="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert colleague.status_code == 302
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"198.51.100.1"}


def test_behind_a_proxy_a_forged_left_entry_does_not_escape_the_count(
    user: User, settings: Settings
) -> None:
    settings.BEHIND_PROXY = True
    for number in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        forged = f"203.0.113.{number}, 198.51.100.1"
        attempt("petugas", "salah", ip="10.9.9.9", HTTP_X_FORWARDED_FOR=forged)
    response = attempt(
        "petugas", PASSWORD, ip="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.77, 198.51.100.1"
    )
    assert THROTTLED in response.content.decode()


@pytest.mark.parametrize(
    ("meta", "behind_proxy", "expected"),
    [
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, False, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"}, True, "5.6.7.8"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4 , "}, True, "1.2.3.4"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "<script>"}, True, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1"}, True, "10.0.0.1"),
        ({"REMOTE_ADDR": "2001:db8::1"}, False, "2001:db8::1"),
        ({"REMOTE_ADDR": ""}, False, "unknown"),
    ],
)
def test_client_address(meta: dict[str, str], behind_proxy: bool, expected: str) -> None:
    assert client_address(meta, behind_proxy=behind_proxy) == expected


def test_logout_is_a_post_and_returns_to_the_dashboard(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.post("/keluar/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
