"""A cache keyed by the data version, so that every write invalidates it at once.

The version is the newest change-log id (every write path logs there, in the
same transaction) plus a counter bumped when reference data changes (a regency
moved to another branch in the admin). Reading it costs one indexed query, and
it is the same for every process, so several gunicorn workers never serve each
other stale numbers even with the default local-memory cache; with ``REDIS_URL``
the cached results are shared between workers too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils.translation import get_language

from .models import ChangeLog

REFERENCE_VERSION_KEY = "coverage:reference-version"
TIMEOUT_SECONDS = 15 * 60

T = TypeVar("T")


def data_version() -> str:
    latest = ChangeLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"{latest}.{cache.get(REFERENCE_VERSION_KEY, 0)}"


def bump_reference_version(**_kwargs: object) -> None:
    """Signal receiver: reference data changed, so no cached result is valid any more."""
    try:
        cache.incr(REFERENCE_VERSION_KEY)
    except ValueError:
        cache.set(REFERENCE_VERSION_KEY, 1, timeout=None)


def cached(name: str, *parts: object, compute: Callable[[], T], version: str | None = None) -> T:
    """``compute()``, remembered under ``name``, ``parts``, the language and the version.

    A caller that looks up several results in one request passes the ``version``
    it read once, which saves a query per lookup.
    """
    version = version if version is not None else data_version()
    key = ":".join(["coverage", name, version, get_language() or "", *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=TIMEOUT_SECONDS)
    return value
