"""Shared fixtures: reference data loaded from ``fixtures/reference.json``; the English
catalogue compiled from the repository's .po."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def reference(db: None) -> None:
    """The 22 regions, 6 branches, 21 sectors and 4 segments."""
    call_command("loaddata", "reference", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache: SQLite reuses ids after a rollback, so
    the data version alone could match a result cached by an earlier test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def english_catalogue(tmp_path: Path, settings: Any) -> None:
    """The English catalogue compiled from the repository's .po, as deployments do."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    messages = tmp_path / "locale" / "en" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    source = REPO / "coverage" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    subprocess.run(
        ["msgfmt", "-o", str(messages / "django.mo"), str(source)], check=True, capture_output=True
    )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
