"""Failed logins are throttled: 5 per 15 minutes per username and per IP address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD, make_user

THROTTLED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."


@pytest.fixture(autouse=True)
def clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(reference: None) -> User:
    return make_user("petugas", "admin")


def attempt(username: str, password: str, ip: str = "10.0.0.1") -> object:
    return Client(REMOTE_ADDR=ip).post("/masuk/", {"username": username, "password": password})


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


def test_sixth_attempt_is_refused_even_with_the_right_password(user: User) -> None:
    for _ in range(5):
        attempt("petugas", "salah", ip="10.0.0.2")
    response = attempt("petugas", PASSWORD, ip="10.0.0.3")  # another address: per username
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_failures_from_one_address_throttle_every_username_there(user: User) -> None:
    for number in range(5):
        attempt(f"tamu{number}", "salah", ip="10.0.0.9")
    response = attempt("petugas", PASSWORD, ip="10.0.0.9")
    assert THROTTLED in response.content.decode()
    assert attempt("petugas", PASSWORD, ip="10.0.0.10").status_code == 302


def test_four_failures_still_allow_the_right_password(user: User) -> None:
    for _ in range(4):
        attempt("petugas", "salah")
    assert attempt("petugas", PASSWORD, ip="10.0.0.4").status_code == 302


def test_logout_is_a_post_and_returns_to_the_dashboard(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.post("/keluar/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
