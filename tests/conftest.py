"""Shared fixtures: reference data loaded from ``fixtures/reference.json``."""

import pytest
from django.core.management import call_command


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
