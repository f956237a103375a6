"""The README's "Who does what" table stays true: every page it names exists, and the
pages it lists for readers without a login open without one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

README = Path(__file__).resolve().parent.parent / "README.md"


def who_does_what() -> dict[str, list[str]]:
    """The role of each row of the table → the site paths (``/…/``, ``/api/…``) it names."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Who does what", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("role", "---"):
            rows[cells[0]] = re.findall(r"`(/[a-z0-9/_-]*)`", cells[2])
    return rows


def test_the_table_names_the_public_pages_of_the_forecast_and_the_programmes() -> None:
    anyone = who_does_what()["anyone (no login)"]
    for path in ("/metode/", "/program-pemda/", "/peringkat/", "/api/coverage"):
        assert path in anyone
    assert "/laporan-kelengkapan/" in who_does_what()["`admin`"]


def test_every_page_the_table_names_exists() -> None:
    for paths in who_does_what().values():
        for path in paths:
            try:
                resolve(path)
            except Resolver404:
                pytest.fail(f"README names {path}, which is no page")


def test_pages_listed_for_anyone_open_without_login(reference: None, client: Client) -> None:
    for path in who_does_what()["anyone (no login)"]:
        response = client.get(path)
        assert response.status_code != 302 or "/masuk/" not in response["Location"], path


def test_pages_listed_for_admins_ask_anonymous_readers_to_log_in(
    reference: None, client: Client
) -> None:
    for path in who_does_what()["`admin`"]:
        response = client.get(path)
        assert response.status_code == 302 and "/masuk/" in response["Location"], path


def test_every_module_the_layout_section_names_exists() -> None:
    """The "Layout" block names real files and folders (it is updated with every move)."""
    root = README.parent
    block = README.read_text(encoding="utf-8").split("## Layout", 1)[1].split("```")[1]
    named = re.findall(r"^([\w/.*,+ -]+?/?)\s{2,}", block, flags=re.M)
    paths = [part.strip() for entry in named for part in entry.split(",") if part.strip()]
    assert len(paths) > 20
    for path in paths:
        assert list(root.glob(path)), f"README's layout names {path}, which does not exist"
