"""Shared fixtures: reference data loaded from ``fixtures/reference.json``."""

import pytest
from django.core.management import call_command


@pytest.fixture
def reference(db: None) -> None:
    """The 22 regions, 6 branches, 21 sectors and 4 segments."""
    call_command("loaddata", "reference", verbosity=0)
