"""The main navigation: the public pages for every reader, "Langganan" for admins and managers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import make_user

PUBLIC_LINKS = {
    "/program-pemda/": "Program Pemda",
    "/peringkat/": "Peringkat kabupaten/kota",
    "/metode/": "Metode & akurasi",
}


def main_menu(html: str) -> str:
    match = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    assert match is not None
    return match.group(0)


def user_menu(html: str) -> str:
    match = re.search(r'<nav class="user-nav".*?</nav>', html, re.S)
    return match.group(0) if match else ""


@pytest.mark.parametrize("page", ["/", "/metode/", "/peringkat/", "/masuk/"])
def test_every_reader_sees_programmes_league_and_methods_in_the_main_menu(
    reference: None, client: Client, page: str
) -> None:
    menu = main_menu(client.get(page).content.decode())
    for url, label in PUBLIC_LINKS.items():
        assert f'href="{url}"' in menu and label in menu


def test_the_current_page_is_marked_in_the_main_menu(reference: None, client: Client) -> None:
    menu = main_menu(client.get("/metode/").content.decode())
    assert re.search(r'href="/metode/" aria-current="page"', menu)
    assert 'href="/peringkat/" aria-current' not in menu


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_admins_and_managers_get_a_subscriptions_link(
    reference: None, client: Client, role: str
) -> None:
    client.force_login(make_user("orang", role))
    menu = user_menu(client.get("/metode/").content.decode())
    assert 'href="/langganan/"' in menu and ">Langganan<" in menu


def test_viewers_and_anonymous_readers_get_no_subscriptions_link(
    reference: None, client: Client
) -> None:
    assert "/langganan/" not in client.get("/metode/").content.decode()
    client.force_login(make_user("staf", "viewer"))
    assert "/langganan/" not in client.get("/metode/").content.decode()


def test_main_menu_in_english_through_the_catalogue(
    reference: None, client: Client, english_catalogue: None
) -> None:
    client.cookies["django_language"] = "en"
    menu = main_menu(client.get("/metode/").content.decode())
    assert 'aria-label="Main menu"' in menu
