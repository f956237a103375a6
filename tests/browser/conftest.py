"""Real-browser fixtures: Debian's Chromium driven by Playwright against a live server.

The Playwright browser download does not work here, so the system Chromium is
used. Outside CI a machine without it skips these tests; in CI (``CI=true``)
a missing browser is a failure, so a green run always means the pages were seen.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "Kupang-Tenggara-2025!"

# Playwright's sync API runs an event loop in this thread; the live server and the
# test's own ORM calls are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageWatch:
    """What a page did that a person would not want: console errors, outside requests."""

    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


def open_page(browser: object, watch: PageWatch, *, width: int = 1366, height: int = 900):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) whose page reports into ``watch``."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": height}, locale="id-ID", timezone_id="Asia/Makassar"
    )
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            watch.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: watch.console_errors.append(str(error)))

    def check_request(request) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in {"127.0.0.1", "localhost"}:
            watch.outside_requests.append(request.url)

    page.on("request", check_request)
    return page


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def demo_site_with_user(live_server, monkeypatch: pytest.MonkeyPatch, *create_user: str):  # type: ignore[no-untyped-def]
    """The live server with the reference and demo data and one user made by
    ``manage.py create_user *create_user`` with ``PASSWORD``."""
    from io import StringIO

    from django.core.management import call_command

    call_command("loaddata", "reference", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    monkeypatch.setenv("JAMSOSTEK_USER_PASSWORD", PASSWORD)
    call_command("create_user", *create_user, "--password-from-env", stdout=StringIO())
    return live_server
