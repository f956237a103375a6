"""Prepare the demo database: migrate a fresh DB, ``loaddata reference``, ``load_demo``."""

from __future__ import annotations

import time

from .common import Result, log


def run(*, quick: bool, database_url: str) -> Result:
    from coverage.models import ParticipantCount

    from .djangoutil import quiet_command

    timings: Result = {}
    for label, args in (
        ("migrate", ("migrate",)),
        ("loaddata reference", ("loaddata", "reference")),
        ("load_demo", ("load_demo",)),
    ):
        log(f"demo database: {label}")
        t0 = time.perf_counter()
        options = {"verbosity": 0, "interactive": False} if label == "migrate" else {}
        quiet_command(*args, **options)
        timings[label] = round((time.perf_counter() - t0) * 1000.0, 1)
    return {
        "name": "demo-setup",
        "status": "ok",
        "timings_ms": timings,
        "count_rows": ParticipantCount.objects.count(),
    }
