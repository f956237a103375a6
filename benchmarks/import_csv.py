"""``import``: ``manage.py import_data participants FILE`` with a 100,000-row CSV.

The file is valid and new (every row is a month before the demo series starts, for
the demo's regions, all 21 sectors and the 4 segments), so every row is validated
and inserted. Each measured run starts from a fresh copy of the demo database
(``CREATE DATABASE bench_import TEMPLATE bench_demo``); a second run of the same
file in the same database measures the "nothing changed" path.
"""

from __future__ import annotations

import csv
import random
import re
import tempfile
import time
from pathlib import Path

from .common import (
    Result,
    database_name,
    goal,
    log,
    not_available,
    recreate_database,
    stats,
    with_database,
)

TITLE = "CSV import, 100,000 participant rows"
COMMAND = ".venv/bin/python -m benchmarks --only import"
ROWS = 100_000
GOAL_S = 5.0
IMPORT_DATABASE = "bench_import"


def write_csv(path: Path, *, regions: list[str], sectors: list[str], segments: list[str]) -> str:
    """Write ``ROWS`` valid rows from January 2018 onwards; return the last period."""
    rng = random.Random(2025)
    year, month, written = 2018, 1, 0
    last = ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["period", "region_code", "sector_code", "segment", "active", "nonactive"])
        while written < ROWS:
            last = f"{year}-{month:02d}"
            for region in regions:
                for sector in sectors:
                    for segment in segments:
                        if written >= ROWS:
                            break
                        active = rng.randint(0, 20_000)
                        writer.writerow(
                            [last, region, sector, segment, active, rng.randint(0, active // 5)]
                        )
                        written += 1
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return last


def _sql_breakdown(queries: list[dict[str, str]]) -> list[Result]:
    """SQL time of the first run grouped by statement kind and table (queries captured)."""
    groups: dict[str, list[float]] = {}
    for query in queries:
        sql = " ".join(query["sql"].split())
        match = re.match(r'(INSERT INTO|UPDATE|DELETE FROM|SELECT .*? FROM) "?(\w+)"?', sql)
        if match:
            verb = match.group(1).split()[0]
            key = f"{verb} {match.group(2)}"
        else:
            key = sql.split(" ", 1)[0]
        groups.setdefault(key, []).append(float(query.get("time") or 0) * 1000.0)
    return sorted(
        (
            {"statement": key, "queries": len(times), "ms": round(sum(times), 1)}
            for key, times in groups.items()
        ),
        key=lambda row: -row["ms"],
    )


def _use_database(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def run(*, quick: bool, database_url: str) -> Result:
    from .djangoutil import command_exists, quiet_command

    if not command_exists("import_data"):
        return not_available(
            "import", "management command `import_data` not found", title=TITLE, command=COMMAND
        )
    try:
        import coverage.importers  # noqa: F401
    except Exception as exc:
        return not_available(
            "import",
            f"coverage.importers is not importable yet ({exc.__class__.__name__}: {exc})",
            title=TITLE,
            command=COMMAND,
        )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coverage.models import ParticipantCount, Region, Sector, Segment

    regions = list(Region.objects.order_by("bps_code").values_list("bps_code", flat=True))
    sectors = list(Sector.objects.order_by("code").values_list("code", flat=True))
    segments = list(Segment.objects.order_by("code").values_list("code", flat=True))
    template = database_name(database_url)
    import_url = with_database(database_url, IMPORT_DATABASE)
    repeats = 1 if quick else 3
    inserts: list[float] = []
    outputs: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        path = Path(tmp) / "participants.csv"
        last = write_csv(path, regions=regions, sectors=sectors, segments=segments)
        size = path.stat().st_size
        before = ParticipantCount.objects.count()
        unchanged_ms = 0.0
        breakdown: list[Result] = []
        after = 0
        for attempt in range(repeats):
            _use_database(template)  # closes the connection: a template must be idle
            recreate_database(import_url, template=template)
            _use_database(IMPORT_DATABASE)
            log(f"import: run {attempt + 1}/{repeats}")
            t0 = time.perf_counter()
            if attempt == 0:
                with CaptureQueriesContext(connection) as ctx:
                    outputs.append(quiet_command("import_data", "participants", str(path)).strip())
                inserts.append((time.perf_counter() - t0) * 1000.0)
                breakdown = _sql_breakdown(ctx.captured_queries)
            else:
                outputs.append(quiet_command("import_data", "participants", str(path)).strip())
                inserts.append((time.perf_counter() - t0) * 1000.0)
            if attempt == 0:
                after = ParticipantCount.objects.count()
                t0 = time.perf_counter()
                outputs.append(quiet_command("import_data", "participants", str(path)).strip())
                unchanged_ms = (time.perf_counter() - t0) * 1000.0
        _use_database(template)
    insert_stats = stats(inserts)
    first_ms = inserts[0]
    sql_ms = sum(row["ms"] for row in breakdown)
    breakdown.append(
        {
            "statement": "Python (read, parse, validate, diff, build batches)",
            "queries": 0,
            "ms": round(first_ms - sql_ms, 1),
        }
    )
    rows = [
        {"measure": "100,000 new rows (validate + insert)", **insert_stats},
        {"measure": "same file again (validate, nothing changes)", **stats([unchanged_ms])},
    ]
    p50_s = insert_stats["p50_ms"] / 1000.0
    status = "met" if p50_s <= GOAL_S else "missed"
    return {
        "name": "import",
        "title": TITLE,
        "status": "ok",
        "command": COMMAND,
        "what": (
            f"`call_command('import_data', 'participants', FILE)` in-process, end to end (read, "
            f"parse, validate every cell, diff against stored counts, upsert), {repeats}× on a "
            f"fresh copy of the demo database. FILE: {ROWS:,} rows, {size / 1e6:.1f} MB, "
            f"periods 2018-01 – {last}, {len(regions)} regions × {len(sectors)} sectors × "
            f"{len(segments)} segments. Counts rows before {before:,}, after {after:,}."
        ),
        "rows": rows,
        "notes": ["Command output: " + " / ".join(outputs[:2])],
        "breakdown": breakdown,
        "goals": [
            goal(
                "Import 100,000 rows",
                f"≤ {GOAL_S:.0f} s",
                f"p50 {p50_s:.2f} s",
                status,
                "within budget" if status == "met" else "see the timings",
            )
        ],
    }
