"""``national``: the overview and the API at national scale.

``load`` (its own child process) builds a synthetic Indonesia: the 22 NTT regencies
of the reference fixture plus 492 generated ones (514 in all) over the 6 branches,
10 KBLI sections × 4 segments × 60 months (May 2020 – April 2025), ≈ 1.23 million
``ParticipantCount`` rows loaded with PostgreSQL ``COPY`` from in-memory CSV chunks;
workforce figures (UCJ and BPS) per regency and year, a province figure and a 2025
province target. ``run`` (a fresh child process) then measures ``/`` and
``/api/coverage``, the memory of the serving process, the main query's plan, and
the same again with a candidate covering index created with raw SQL.
"""

from __future__ import annotations

import io
import resource
import time
import tracemalloc
from typing import Any

import numpy as np
import pandas as pd

from .common import Result, goal, log

TITLE = "National scale (514 regencies, ≈ 1.23 M count rows)"
COMMAND = ".venv/bin/python -m benchmarks --only national"
PERIOD = "2025-04"
FIRST = (2020, 5)
MONTHS = 60
REGENCIES = 514
SECTORS = ["A", "C", "F", "G", "H", "I", "O", "P", "Q", "S"]
SECTOR_WEIGHTS = [0.30, 0.12, 0.08, 0.18, 0.07, 0.07, 0.06, 0.06, 0.03, 0.03]
SEGMENTS = ["PU", "BPU", "JAKON", "PMI"]
SEGMENT_WEIGHTS = [0.655, 0.255, 0.065, 0.025]
WORKFORCE_YEARS = range(2020, 2026)
MONTHS_PER_CHUNK = 6
GOAL_MS = 300.0
MEMORY_BOUND_MB = 64.0
API_URL = f"/api/coverage?period={PERIOD}&scope=53"
# The candidate index: lets the monthly GROUP BY year, month, region_id read the
# index alone, already in group order (no sort, no heap).
CANDIDATE_INDEXES = [
    (
        "count_period_region_cover",
        'CREATE INDEX count_period_region_cover ON "coverage_participantcount" '
        '("year", "month", "region_id") INCLUDE ("active", "nonactive")',
    ),
]


def _periods() -> list[tuple[int, int]]:
    year, month = FIRST
    out = []
    for _ in range(MONTHS):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _region_codes(existing: set[str], count: int) -> list[str]:
    codes: list[str] = []
    number = 1101
    while len(codes) < count:
        code = f"{number:04d}"
        if code not in existing and not code.startswith("53"):
            codes.append(code)
        number += 1
    return codes


def load(*, quick: bool, database_url: str) -> Result:
    """Migrate, load the reference fixture and the synthetic national data."""
    from django.db import connection, transaction

    from coverage.models import Branch, Region, Target, WorkforceFigure

    from .djangoutil import quiet_command

    timings: Result = {}
    t0 = time.perf_counter()
    quiet_command("migrate", verbosity=0, interactive=False)
    quiet_command("loaddata", "reference")
    timings["migrate + loaddata reference"] = round(time.perf_counter() - t0, 1)

    rng = np.random.default_rng(514)
    branches = list(Branch.objects.order_by("code").values_list("code", flat=True))
    existing = set(Region.objects.values_list("bps_code", flat=True))
    new_codes = _region_codes(existing, REGENCIES - len(existing))
    Region.objects.bulk_create(
        [
            Region(
                bps_code=code,
                kemendagri_code=f"{int(code):05d}",
                name=f"Kabupaten Sintetis {code}",
                kind=Region.Kind.CITY if i % 10 == 0 else Region.Kind.REGENCY,
                branch_id=branches[i % len(branches)],
            )
            for i, code in enumerate(new_codes)
        ]
    )
    regions = sorted(existing | set(new_codes))
    n_regions = len(regions)

    # Workforce: BPS labour force 40k–900k per regency, UCJ about half of it.
    bps_2025 = rng.integers(40_000, 900_000, size=n_regions)
    ucj_share = rng.uniform(0.45, 0.6, size=n_regions)
    figures: list[WorkforceFigure] = []
    for year in WORKFORCE_YEARS:
        scale = 1.0 - 0.012 * (2025 - year)
        bps = np.round(bps_2025 * scale).astype(np.int64)
        ucj = np.round(bps * ucj_share).astype(np.int64)
        for code, b, u in zip(regions, bps, ucj, strict=True):
            figures.append(
                WorkforceFigure(
                    year=year, region_id=code, basis="BPS_AK", workers=int(b), source="sintetis"
                )
            )
            figures.append(
                WorkforceFigure(
                    year=year, region_id=code, basis="UCJ", workers=int(u), source="sintetis"
                )
            )
        figures.append(
            WorkforceFigure(
                year=year, basis="BPS_AK", workers=int(bps.sum()), source="sintetis (provinsi)"
            )
        )
        figures.append(
            WorkforceFigure(
                year=year, basis="UCJ", workers=int(ucj.sum()), source="sintetis (provinsi)"
            )
        )
    WorkforceFigure.objects.bulk_create(figures, batch_size=2000)
    ucj_2025 = np.round(bps_2025 * ucj_share).astype(np.int64)
    Target.objects.create(
        year=2025,
        scope_type="province",
        basis="UCJ",
        target_count=int(ucj_2025.sum() * 0.6),
        target_pct=60,
        note="Target sintetis (benchmark)",
    )

    # Counts: region × sector × segment × month, COPY in chunks of 6 months.
    t0 = time.perf_counter()
    base = ucj_2025 * rng.uniform(0.2, 0.5, size=n_regions)
    cell = (
        base[:, None, None]
        * np.array(SECTOR_WEIGHTS)[None, :, None]
        * np.array(SEGMENT_WEIGHTS)[None, None, :]
    ).reshape(-1)
    region_col = np.repeat(np.array(regions), len(SECTORS) * len(SEGMENTS))
    sector_col = np.tile(np.repeat(np.array(SECTORS), len(SEGMENTS)), n_regions)
    segment_col = np.tile(np.array(SEGMENTS), n_regions * len(SECTORS))
    periods = _periods()
    copy_sql = (
        'COPY "coverage_participantcount" (year, month, region_id, sector_id, segment_id, '
        "active, nonactive, updated_at) FROM STDIN WITH (FORMAT csv)"
    )
    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(periods), MONTHS_PER_CHUNK):
            frames = []
            for step, (year, month) in enumerate(
                periods[start : start + MONTHS_PER_CHUNK], start=start
            ):
                growth = 1.01 ** (step - MONTHS + 1)
                active = np.round(cell * growth * rng.normal(1.0, 0.01, size=cell.size))
                active = np.maximum(active, 0).astype(np.int64)
                frames.append(
                    pd.DataFrame(
                        {
                            "year": year,
                            "month": month,
                            "region_id": region_col,
                            "sector_id": sector_col,
                            "segment_id": segment_col,
                            "active": active,
                            "nonactive": (active * 0.16).astype(np.int64),
                            "updated_at": "2025-05-01 00:00:00+00",
                        }
                    )
                )
            chunk = pd.concat(frames, ignore_index=True)
            buffer = io.StringIO()
            chunk.to_csv(buffer, header=False, index=False)
            buffer.seek(0)
            cursor.copy_expert(copy_sql, buffer)
            rows += len(chunk)
    timings["COPY counts"] = round(time.perf_counter() - t0, 1)
    log(f"national: {rows:,} rows copied in {timings['COPY counts']} s")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute('VACUUM (ANALYZE) "coverage_participantcount"')
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_total_relation_size('coverage_participantcount')")
        size = cursor.fetchone()[0]
    timings["VACUUM ANALYZE"] = round(time.perf_counter() - t0, 1)
    return {
        "name": "national-load",
        "status": "ok",
        "regions": n_regions,
        "count_rows": rows,
        "workforce_rows": len(figures),
        "table_mb": round(size / 1024 / 1024, 1),
        "timings_s": timings,
    }


def _maxrss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _traced_peak_mb(fn: Any) -> float:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / 1024 / 1024, 1)


def _query_table(queries: list[dict[str, str]], limit: int = 8) -> list[Result]:
    ordered = sorted(queries, key=lambda q: float(q.get("time") or 0), reverse=True)
    return [
        {"ms": round(float(q.get("time") or 0) * 1000, 1), "sql": " ".join(q["sql"].split())[:160]}
        for q in ordered[:limit]
    ]


def _measure_both(http: Any, *, warmup: int, repeats: int) -> tuple[Result, Result]:
    from .djangoutil import time_url

    overview = time_url(http, "/", warmup=warmup, repeats=repeats, budget_s=60.0)
    api = time_url(http, API_URL, warmup=warmup, repeats=repeats, budget_s=60.0)
    return overview, api


def run(*, quick: bool, database_url: str) -> Result:
    from coverage.calculations import Period

    from .djangoutil import (
        captured_request,
        client,
        execute,
        explain,
        monthly_query_sql,
        routed,
        sql_summary,
        time_sql,
    )

    warmup, repeats = (1, 5) if quick else (2, 15)
    http = client()
    memory: Result = {"maxrss_after_setup_mb": _maxrss_mb()}
    urls: Result = {}
    for key, url in (("overview", "/"), ("api", API_URL)):
        if not routed(url):
            urls[key] = {"status": "not available", "reason": "404 from the URL resolver"}
            continue
        t0 = time.perf_counter()
        response, queries = captured_request(http, url)
        cold = round((time.perf_counter() - t0) * 1000.0, 1)
        entry: Result = {"status": "ok" if response.status_code == 200 else "error"}
        entry.update(sql_summary(queries), first_request_ms=cold, http=response.status_code)
        entry["top_queries"] = _query_table(queries)
        if response.status_code != 200:
            entry["reason"] = f"HTTP {response.status_code}"
        urls[key] = entry
    memory["maxrss_after_first_requests_mb"] = _maxrss_mb()
    ok = {key for key, entry in urls.items() if entry["status"] == "ok"}

    period = Period.parse(PERIOD)
    main_sql = monthly_query_sql(period, None)
    log("national: timing without the candidate index")
    before: Result = {"floor": time_sql(main_sql, warmup=1, repeats=10, budget_s=20.0)}
    before["plan"] = explain(main_sql)
    if ok:
        overview, api = _measure_both(http, warmup=warmup, repeats=repeats)
        if "overview" in ok:
            before["overview"] = overview
        if "api" in ok:
            before["api"] = api
    memory["maxrss_after_measured_requests_mb"] = _maxrss_mb()
    if "overview" in ok:
        memory["tracemalloc_peak_overview_mb"] = _traced_peak_mb(lambda: http.get("/"))
    if "api" in ok:
        memory["tracemalloc_peak_api_mb"] = _traced_peak_mb(lambda: http.get(API_URL))

    log("national: creating the candidate index and timing again")
    after: Result = {"indexes": []}
    for name, ddl in CANDIDATE_INDEXES:
        after["indexes"].append({"name": name, "sql": ddl, "create_ms": execute(ddl)})
    execute('VACUUM (ANALYZE) "coverage_participantcount"')
    after["floor"] = time_sql(main_sql, warmup=1, repeats=10, budget_s=20.0)
    after["plan"] = explain(main_sql)
    if ok:
        overview, api = _measure_both(http, warmup=1, repeats=max(5, repeats // 2))
        if "overview" in ok:
            after["overview"] = overview
            _response, queries = captured_request(http, "/")
            after["overview_top_queries"] = _query_table(queries)
        if "api" in ok:
            after["api"] = api
    for name, _ddl in CANDIDATE_INDEXES:
        execute(f'DROP INDEX IF EXISTS "{name}"')
    log("national: timing alternatives (rollup table, loose index scan)")
    alternatives = _alternatives(main_sql)
    return {
        "name": "national",
        "title": TITLE,
        "status": "ok",
        "command": COMMAND,
        "urls": urls,
        "memory": memory,
        "before": before,
        "after": after,
        "alternatives": alternatives,
        "main_sql": main_sql,
        "repeats": {"warmup": warmup, "measured": repeats},
        "goals": _goals(urls, before, after, memory),
    }


DISTINCT_PERIODS = (
    'SELECT DISTINCT "year", "month" FROM "coverage_participantcount" ORDER BY 1 ASC, 2 ASC'
)
LOOSE_PERIODS = """WITH RECURSIVE periods(year, month) AS (
  (SELECT year, month FROM coverage_participantcount ORDER BY year, month LIMIT 1)
  UNION ALL
  SELECT n.year, n.month FROM periods p CROSS JOIN LATERAL (
    SELECT c.year, c.month FROM coverage_participantcount c
    WHERE (c.year, c.month) > (p.year, p.month) ORDER BY c.year, c.month LIMIT 1) n
)
SELECT year, month FROM periods"""
ROLLUP_DDL = (
    "CREATE TABLE bench_monthly_region AS SELECT year, month, region_id, "
    "SUM(active) AS active, SUM(nonactive) AS nonactive FROM coverage_participantcount "
    "GROUP BY 1, 2, 3; CREATE UNIQUE INDEX ON bench_monthly_region (year, month, region_id); "
    "ANALYZE bench_monthly_region"
)
ROLLUP_QUERY = (
    "SELECT year, month, region_id, active, nonactive FROM bench_monthly_region "
    "WHERE (year <= 2025 AND NOT (month > 4 AND year = 2025)) ORDER BY 1, 2, 3"
)


def _alternatives(main_sql: str) -> list[Result]:
    """What the two costliest read patterns would cost done differently (raw SQL)."""
    from .djangoutil import execute, time_sql

    rows: list[Result] = [
        {
            "measure": "Distinct periods, `SELECT DISTINCT year, month` (as `available_periods`)",
            "sql": DISTINCT_PERIODS,
            **time_sql(DISTINCT_PERIODS, warmup=1, repeats=10, budget_s=15.0),
        },
        {
            "measure": "Distinct periods, recursive loose index scan on `count_period_region`",
            "sql": LOOSE_PERIODS,
            **time_sql(LOOSE_PERIODS, warmup=1, repeats=10, budget_s=15.0),
        },
    ]
    build_ms = execute(ROLLUP_DDL)
    try:
        rows.append(
            {
                "measure": (
                    f"Monthly region totals from a rollup table (year, month, region_id; "
                    f"built in {build_ms / 1000:.1f} s)"
                ),
                "sql": ROLLUP_QUERY,
                **time_sql(ROLLUP_QUERY, warmup=1, repeats=10, budget_s=15.0),
            }
        )
    finally:
        execute("DROP TABLE IF EXISTS bench_monthly_region")
    return rows


def _goals(urls: Result, before: Result, after: Result, memory: Result) -> list[Result]:
    goals: list[Result] = []
    target = f"p50 ≤ {GOAL_MS:.0f} ms"
    for key, label in (("overview", "Overview `/` (national)"), ("api", "API (national)")):
        entry = urls.get(key, {})
        if entry.get("status") != "ok":
            status = "not available" if entry.get("status") == "not available" else "error"
            goals.append(goal(label, target, "—", status, str(entry.get("reason", ""))))
            continue
        p50 = before[key]["p50_ms"]
        with_index = after.get(key, {}).get("p50_ms")
        measured = f"p50 {p50:.0f} ms (p95 {before[key]['p95_ms']:.0f})"
        if with_index is not None:
            measured += f"; {with_index:.0f} ms with the covering index"
        if p50 <= GOAL_MS:
            goals.append(goal(label, target, measured, "met", "within budget"))
            continue
        sql_ms = entry["sql_ms"]
        floor = before["floor"]["p50_ms"]
        reason = (
            f"{entry['queries']} queries take {sql_ms:.0f} ms of SQL in one request; several "
            f"scan all {REGENCIES * len(SECTORS) * len(SEGMENTS) * MONTHS:,} rows (the monthly "
            f"GROUP BY alone: {floor:.0f} ms); see the query table"
        )
        if with_index is not None and with_index <= GOAL_MS:
            reason += "; met with the covering index"
        goals.append(goal(label, target, measured, "missed", reason))
    peak = max(
        memory.get("tracemalloc_peak_overview_mb", 0.0), memory.get("tracemalloc_peak_api_mb", 0.0)
    )
    growth = memory["maxrss_after_measured_requests_mb"] - memory["maxrss_after_setup_mb"]
    goals.append(
        goal(
            "Memory while serving (national)",
            f"bounded: tracemalloc peak per request ≤ {MEMORY_BOUND_MB:.0f} MB",
            f"peak {peak:.1f} MB per request; maxrss +{growth:.0f} MB over the run",
            "met" if 0 < peak <= MEMORY_BOUND_MB else ("missed" if peak else "not available"),
            "frames are regions × months (SQL aggregates), not count rows"
            if 0 < peak <= MEMORY_BOUND_MB
            else "see the memory table",
        )
    )
    return goals
