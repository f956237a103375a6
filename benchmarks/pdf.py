"""``pdf``: ``manage.py export_report --period 2025-04 --output FILE`` on the demo data.

Timed twice: as the command a user types (a new process: interpreter start,
``django.setup()``, WeasyPrint import, render) and in-process with
``call_command`` (first call, then warm calls).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, Result, goal, log, measure, not_available, stats

TITLE = "PDF report (demo data)"
COMMAND = ".venv/bin/python -m benchmarks --only pdf"
PERIOD = "2025-04"
GOAL_S = 2.0


def run(*, quick: bool, database_url: str) -> Result:
    from .djangoutil import command_exists, quiet_command

    if not command_exists("export_report"):
        return not_available(
            "pdf",
            "the management command `export_report` does not exist yet",
            title=TITLE,
            command=COMMAND,
        )
    processes, warm = (1, 2) if quick else (3, 5)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        output = Path(tmp) / "x.pdf"
        args = ("export_report", "--period", PERIOD, "--output", str(output))
        log("pdf: in-process call_command")
        t0 = time.perf_counter()
        quiet_command(*args)
        first_ms = round((time.perf_counter() - t0) * 1000.0, 1)
        size = output.stat().st_size if output.exists() else 0
        in_process, _ = measure(lambda: quiet_command(*args), warmup=0, repeats=warm, budget_s=60.0)
        log("pdf: as a new process")
        samples: list[float] = []
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false"}
        command = [sys.executable, "manage.py", *args]
        for _ in range(processes):
            t0 = time.perf_counter()
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
            samples.append((time.perf_counter() - t0) * 1000.0)
        process = stats(samples)
        with output.open("rb") as handle:
            head = handle.read(5)
    rows = [
        {"measure": "`manage.py export_report` as a new process", **process},
        {"measure": "in-process `call_command`, first call", **stats([first_ms])},
        {"measure": "in-process `call_command`, warm", **in_process},
    ]
    p50_s = process["p50_ms"] / 1000.0
    warm_s = in_process["p50_ms"] / 1000.0
    goals = [
        goal(
            "PDF export, in a running server (the manager's download)",
            f"≤ {GOAL_S:.0f} s",
            f"p50 {warm_s:.2f} s (warm process)",
            "met" if warm_s <= GOAL_S else "missed",
            "load, charts (matplotlib SVG), WeasyPrint layout and drawing",
        ),
        goal(
            "PDF export, `manage.py export_report` as a new process",
            f"≤ {GOAL_S:.0f} s",
            f"p50 {p50_s:.2f} s (new process)",
            "met" if p50_s <= GOAL_S else "missed",
            "the warm time plus Python start-up, Django set-up and imports (pandas, "
            "matplotlib, WeasyPrint loading Pango), and the first layout's font set-up",
        ),
    ]
    return {
        "name": "pdf",
        "title": TITLE,
        "status": "ok",
        "command": COMMAND,
        "what": (
            f"`python manage.py export_report --period {PERIOD} --output /tmp/…/x.pdf` on the "
            f"demo database: {processes}× as a new process (what a user runs), then in-process "
            f"once cold and {warm}× warm. PDF size {size:,} bytes, starts with {head!r}."
        ),
        "rows": rows,
        "goals": goals,
    }
