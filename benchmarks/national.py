"""``national``: the overview and the API at national scale.

``load`` (its own child process) builds a synthetic Indonesia: the 22 NTT regencies
of the reference fixture plus 492 generated ones (514 in all) over the 6 branches,
10 KBLI sections × 4 segments × 60 months (May 2020 – April 2025), ≈ 1.23 million
``ParticipantCount`` rows loaded with PostgreSQL ``COPY`` from in-memory CSV chunks;
workforce figures (UCJ and BPS) per regency and year, a province figure and a 2025
province target. The COPY bypasses the write services, so ``load`` then calls
``services.rebuild_monthly_totals()`` (timed), as a real bulk load must. ``run`` (a
fresh child process) then measures ``/`` and ``/api/coverage`` uncached (cache
cleared before every request) and cached (repeated identical request), the memory
per request, the floor (the overview's GROUP BY queries, captured and run back to
back) with the plan of the slowest, and how the available periods are found.
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
    from coverage.models import MonthlyTotal
    from coverage.services import rebuild_monthly_totals

    t0 = time.perf_counter()
    rebuild_monthly_totals()
    timings["rebuild_monthly_totals()"] = round(time.perf_counter() - t0, 1)
    log(f"national: rebuild_monthly_totals() in {timings['rebuild_monthly_totals()']} s")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute('VACUUM (ANALYZE) "coverage_participantcount"')
        cursor.execute('VACUUM (ANALYZE) "coverage_monthlytotal"')
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_total_relation_size('coverage_participantcount')")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('coverage_monthlytotal')")
        rollup_size = cursor.fetchone()[0]
    timings["VACUUM ANALYZE"] = round(time.perf_counter() - t0, 1)
    return {
        "name": "national-load",
        "status": "ok",
        "regions": n_regions,
        "count_rows": rows,
        "rollup_rows": MonthlyTotal.objects.count(),
        "workforce_rows": len(figures),
        "table_mb": round(size / 1024 / 1024, 1),
        "rollup_mb": round(rollup_size / 1024 / 1024, 1),
        "rebuild_s": timings["rebuild_monthly_totals()"],
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


def _profile(fn: Any, limit: int = 16) -> list[Result]:
    """Cumulative time of the application's own functions (and Django's template
    rendering and cache) in one call of ``fn`` under cProfile (which slows it down)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    entries = []
    for (filename, line, name), row in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        path = filename.replace("\\", "/")
        if "/coverage/" in path and "/site-packages/" not in path:
            where = path[path.index("/coverage/") + 1 :]
        elif path.endswith("django/template/base.py") and name == "render":
            where = "django/template/base.py"
        elif "django/core/cache/backends" in path and name in {"get", "set"}:
            where = path[path.index("django/") :]
        else:
            continue
        entries.append({"function": f"{where}:{line} {name}", "calls": row[1], "cum_ms": row[3]})
    entries.sort(key=lambda e: -e["cum_ms"])
    return [{**e, "cum_ms": round(e["cum_ms"] * 1000.0, 1)} for e in entries[:limit]]


def _query_table(queries: list[dict[str, str]], limit: int = 8) -> list[Result]:
    ordered = sorted(queries, key=lambda q: float(q.get("time") or 0), reverse=True)
    return [
        {"ms": round(float(q.get("time") or 0) * 1000, 1), "sql": " ".join(q["sql"].split())[:160]}
        for q in ordered[:limit]
    ]


def run(*, quick: bool, database_url: str) -> Result:

    from .djangoutil import (
        aggregate_queries,
        captured_request,
        clear_cache,
        client,
        explain,
        routed,
        sql_summary,
        time_sql,
        time_url,
    )

    warmup, repeats = (1, 5) if quick else (2, 15)
    cached_repeats = 20 if quick else 100
    http = client()
    memory: Result = {"maxrss_after_setup_mb": _maxrss_mb()}
    urls: Result = {}
    for key, url in (("overview", "/"), ("api", API_URL)):
        if not routed(url):
            urls[key] = {"status": "not available", "reason": "404 from the URL resolver"}
            continue
        t0 = time.perf_counter()
        response, queries = captured_request(http, url, uncached=True)
        cold = round((time.perf_counter() - t0) * 1000.0, 1)
        entry: Result = {"status": "ok" if response.status_code == 200 else "error"}
        entry.update(sql_summary(queries), first_request_ms=cold, http=response.status_code)
        entry["aggregates"] = aggregate_queries(queries)
        entry["top_queries"] = _query_table(queries)
        _response, cached_queries = captured_request(http, url)
        entry["cached_queries"] = [" ".join(q["sql"].split())[:160] for q in cached_queries]
        if response.status_code != 200:
            entry["reason"] = f"HTTP {response.status_code}"
        urls[key] = entry
    memory["maxrss_after_first_requests_mb"] = _maxrss_mb()
    ok = {key for key, entry in urls.items() if entry["status"] == "ok"}

    aggregates = urls.get("overview", {}).get("aggregates") or []
    floor: Result = {
        "queries": len(aggregates),
        **time_sql(aggregates, warmup=1, repeats=10, budget_s=20.0),
    }
    each = [(time_sql(sql, warmup=1, repeats=3, budget_s=5.0)["p50_ms"], sql) for sql in aggregates]
    main_sql = max(each)[1] if each else ""
    plan = explain(main_sql) if main_sql else ""
    timings: Result = {}
    for key, url in (("overview", "/"), ("api", API_URL)):
        if key not in ok:
            continue
        log(f"national: {url} uncached")
        timings[f"{key}_uncached"] = time_url(
            http, url, warmup=warmup, repeats=repeats, budget_s=60.0, uncached=True
        )
        log(f"national: {url} cached")
        timings[f"{key}_cached"] = time_url(
            http, url, warmup=1, repeats=cached_repeats, budget_s=30.0
        )
    memory["maxrss_after_measured_requests_mb"] = _maxrss_mb()
    for key, url in (("overview", "/"), ("api", API_URL)):
        if key not in ok:
            continue
        clear_cache()
        memory[f"tracemalloc_peak_{key}_uncached_mb"] = _traced_peak_mb(lambda u=url: http.get(u))
        memory[f"tracemalloc_peak_{key}_cached_mb"] = _traced_peak_mb(lambda u=url: http.get(u))
    if "overview" in ok:
        clear_cache()
        profile = _profile(lambda: http.get("/"))
    else:
        profile = []
    log("national: available periods (DISTINCT vs loose index scan)")
    periods = _periods_alternatives()
    return {
        "name": "national",
        "title": TITLE,
        "status": "ok",
        "command": COMMAND,
        "urls": urls,
        "memory": memory,
        "floor": floor,
        "plan": plan,
        "timings": timings,
        "profile": profile,
        "alternatives": periods,
        "main_sql": main_sql,
        "repeats": {"warmup": warmup, "measured": repeats, "cached": cached_repeats},
        "goals": _goals(urls, floor, timings, memory),
    }


# The available periods: what ``selectors.available_periods`` runs (captured), against a
# recursive loose index scan (one index probe per month) on the rollup's unique index
# (year, month, region_id, segment_id) and on the counts' (year, month, region_id).
LOOSE_PERIODS = """WITH RECURSIVE periods(year, month) AS (
  (SELECT year, month FROM {table} ORDER BY year, month LIMIT 1)
  UNION ALL
  SELECT n.year, n.month FROM periods p CROSS JOIN LATERAL (
    SELECT c.year, c.month FROM {table} c
    WHERE (c.year, c.month) > (p.year, p.month) ORDER BY c.year, c.month LIMIT 1) n
)
SELECT year, month FROM periods"""
DISTINCT_ROLLUP = (
    'SELECT DISTINCT "year", "month" FROM "coverage_monthlytotal" ORDER BY 1 ASC, 2 ASC'
)


def _periods_alternatives() -> list[Result]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coverage import selectors

    from .djangoutil import time_sql

    with CaptureQueriesContext(connection) as ctx:
        selectors.available_periods()
    app_sql = ctx.captured_queries[-1]["sql"] if ctx.captured_queries else DISTINCT_ROLLUP
    table = "rollup" if "coverage_monthlytotal" in app_sql else "counts table"
    rows: list[Result] = [
        {
            "measure": f"`selectors.available_periods()` as the app runs it (on the {table})",
            "sql": app_sql,
            **time_sql(app_sql, warmup=1, repeats=10, budget_s=15.0),
        }
    ]
    if app_sql != DISTINCT_ROLLUP:
        rows.append(
            {
                "measure": "`SELECT DISTINCT year, month` on the rollup",
                "sql": DISTINCT_ROLLUP,
                **time_sql(DISTINCT_ROLLUP, warmup=1, repeats=10, budget_s=15.0),
            }
        )
    for label, name in (("rollup", "coverage_monthlytotal"), ("counts table", None)):
        if name is None:
            name = "coverage_participantcount"
        sql = LOOSE_PERIODS.format(table=name)
        rows.append(
            {
                "measure": f"Recursive loose index scan on the {label}",
                "sql": sql,
                **time_sql(sql, warmup=1, repeats=10, budget_s=15.0),
            }
        )
    return rows


def _goals(urls: Result, floor: Result, timings: Result, memory: Result) -> list[Result]:
    goals: list[Result] = []
    target = f"p50 ≤ {GOAL_MS:.0f} ms uncached"
    for key, label in (("overview", "Overview `/` (national)"), ("api", "API (national)")):
        entry = urls.get(key, {})
        if entry.get("status") != "ok":
            status = "not available" if entry.get("status") == "not available" else "error"
            goals.append(goal(label, target, "—", status, str(entry.get("reason", ""))))
            continue
        unc, hit = timings[f"{key}_uncached"], timings[f"{key}_cached"]
        measured = (
            f"uncached p50 {unc['p50_ms']:.0f} ms (p95 {unc['p95_ms']:.0f}); cached p50 "
            f"{hit['p50_ms']:.1f} ms (p95 {hit['p95_ms']:.1f})"
        )
        cached_n = len(entry["cached_queries"])
        floor_text = (
            f" (floor: its {floor['queries']} GROUP BY queries back to back, "
            f"{floor['p50_ms']:.0f} ms)"
            if key == "overview"
            else ""
        )
        why = (
            f"{entry['queries']} queries, {entry['sql_ms']:.0f} ms of SQL in one uncached "
            f"request{floor_text}; the rest is Python "
            + (
                "(summaries, charts, HTML: see the cProfile table)"
                if key == "overview"
                else "(coverage calculation and JSON)"
            )
            + f"; a cached request runs {cached_n} quer{'y' if cached_n == 1 else 'ies'}"
        )
        if key == "overview":
            why += " and serves the page's HTML from the cache"
        if unc["p50_ms"] <= GOAL_MS:
            goals.append(goal(label, target, measured, "met", why))
        else:
            goals.append(goal(label, target, measured, "missed", why))
    peaks = [v for k, v in memory.items() if k.startswith("tracemalloc_peak_")]
    peak = max(peaks, default=0.0)
    growth = memory["maxrss_after_measured_requests_mb"] - memory["maxrss_after_setup_mb"]
    goals.append(
        goal(
            "Memory while serving (national)",
            f"bounded: tracemalloc peak per request ≤ {MEMORY_BOUND_MB:.0f} MB",
            f"peak {peak:.1f} MB per request (uncached); maxrss +{growth:.0f} MB over the run",
            "met" if 0 < peak <= MEMORY_BOUND_MB else ("missed" if peak else "not available"),
            "frames are regions × months (SQL aggregates), not count rows"
            if 0 < peak <= MEMORY_BOUND_MB
            else "see the memory table",
        )
    )
    return goals
