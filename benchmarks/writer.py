"""Regenerate ``docs/benchmarks.md`` from the merged results (``benchmarks/results.json``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .common import ROOT, Result

OUTPUT = ROOT / "docs" / "benchmarks.md"
SECTION_TITLES = {
    "pages": "Page server time (demo data)",
    "national": "National scale",
    "forecast": "Forecast simulation (province + 6 branches + 22 regencies)",
    "import": "CSV import",
    "pdf": "PDF report",
    "serve": "Serving throughput",
}


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def code(text: str, lang: str = "") -> list[str]:
    return [f"```{lang}", text.rstrip(), "```", ""]


def _machine(machine: Result) -> list[str]:
    commit = machine.get("commit", "unknown")
    dirty = machine.get("uncommitted_files", 0)
    if dirty:
        commit = f"{commit} (+ {dirty} uncommitted/untracked files in the working tree)"
    rows = [
        ("CPU", machine.get("cpu")),
        ("Cores", machine.get("cores")),
        ("RAM", machine.get("ram")),
        ("OS", machine.get("os")),
        ("Python", machine.get("python")),
        ("Django", machine.get("django")),
        ("PostgreSQL", machine.get("postgresql")),
        ("Date", machine.get("date")),
        ("Git commit", commit),
        (
            "Python speed",
            f"{machine.get('python_loop_ms', '?')} ms for a 10 M-addition pure-Python loop "
            "(best of 3; lower is faster: compare runs by it)",
        ),
    ]
    load = machine.get("loadavg_start") or []
    lines = ["## Machine", "", *table(["", ""], rows)]
    if load:
        end = machine.get("loadavg_end") or []
        text = (
            f"Load average (1/5/15 min, `os.getloadavg()`) at the start of the last run "
            f"({', '.join(machine.get('ran') or [])}): {' / '.join(f'{x:.2f}' for x in load)}"
        )
        if end:
            text += f"; at its end: {' / '.join(f'{x:.2f}' for x in end)}"
        text += "."
        if load[0] > 1.0:
            text += (
                " **The machine was shared with other work** (1-minute load above 1 before "
                "the benchmark started), so the numbers are noisier and slower than on an "
                "idle machine."
            )
        lines += [text, ""]
    return lines


def _header(result: Result) -> list[str]:
    lines = []
    meta = f"Ran {result.get('ran_at', '?')}, {result.get('wall_s', '?')} s wall"
    if result.get("loadavg_start"):
        meta += f", load average at start {result['loadavg_start'][0]:.2f}"
    if result.get("quick"):
        meta += " — **quick mode** (fewer repeats)"
    lines += [f"*{meta}.* Command: `{result.get('command', '')}`", ""]
    if result.get("what"):
        lines += [result["what"], ""]
    if result.get("status") != "ok":
        lines += [f"**{result.get('status', 'error')}**: {result.get('reason', '')}", ""]
    return lines


def _goals_of(result: Result) -> list[Result]:
    goals: list[Result] = result.get("goals") or []
    if goals:
        return goals
    title = result.get("title") or result.get("name", "?")
    return [
        {
            "name": title,
            "goal": "",
            "measured": "—",
            "status": result.get("status", "error"),
            "reason": result.get("reason", ""),
        }
    ]


def _status(text: str) -> str:
    return {"met": "✅ met", "missed": "❌ missed"}.get(text, f"⚠️ {text}")


# --- sections ------------------------------------------------------------------------------


def _pages(result: Result, demo: Result | None) -> list[str]:
    lines = _header(result)
    rows = []
    for row in result.get("rows", []):
        if row.get("status") != "ok":
            rows.append([row["measure"], f"`{row['url']}`", row.get("status"), *[None] * 10])
            continue
        t, f, c = row["timing"], row["floor"], row.get("cached", {})
        rows.append(
            [
                row["measure"],
                f"`{row['url']}`",
                t["n"],
                t["p50_ms"],
                t["p95_ms"],
                c.get("p50_ms"),
                c.get("p95_ms"),
                f["p50_ms"],
                f["p95_ms"],
                f"{row['ratio_p50']}×",
                row["queries"],
                row["sql_ms"],
                row.get("cached_queries"),
            ]
        )
    lines += table(
        [
            "Measure",
            "URL",
            "n",
            "uncached p50 ms",
            "uncached p95 ms",
            "cached p50 ms",
            "cached p95 ms",
            "floor p50 ms",
            "floor p95 ms",
            "ratio p50 (uncached / floor)",
            "queries",
            "SQL ms (1 req)",
            "cached q.",
        ],
        rows,
    )
    for row in result.get("rows", []):
        if row.get("status") != "ok":
            lines += [f"- {row['measure']} `{row['url']}`: {row.get('reason', '')}"]
        else:
            lines += [f"- {row['measure']}: floor = {row['floor_note']}."]
    lines.append("")
    overview = next((r for r in result.get("rows", []) if r.get("floor_sql")), None)
    if overview:
        lines += _profile_table(overview.get("profile"))
        lines += ["Floor queries (overview):", "", *code(overview["floor_sql"], "sql")]
    if demo and demo.get("status") == "ok":
        timings = ", ".join(f"{k} {v / 1000:.1f} s" for k, v in demo["timings_ms"].items())
        lines += [
            f"Demo database set-up (fresh `bench_demo`): {timings}; "
            f"{demo['count_rows']:,} count rows.",
            "",
        ]
    return lines


def _national(result: Result) -> list[str]:
    lines = _header(result)
    load = result.get("load", {})
    if load.get("status") == "ok":
        timings = ", ".join(f"{k} {v} s" for k, v in load["timings_s"].items())
        lines += [
            f"Data: {load['regions']} regencies, {load['count_rows']:,} `ParticipantCount` rows "
            f"({load['table_mb']} MB with indexes), {load.get('rollup_rows', 0):,} "
            f"`MonthlyTotal` rows ({load.get('rollup_mb', '?')} MB), "
            f"{load['workforce_rows']:,} workforce figures, one 2025 province target. "
            f"Load: {timings}. The generator is `benchmarks/national.py` (`COPY … FROM STDIN` "
            "of 6-month CSV chunks); the COPY bypasses the write services, so it is followed "
            "by `services.rebuild_monthly_totals()` (what `manage.py rebuild_totals` runs), "
            f"which took **{load.get('rebuild_s', '?')} s**.",
            "",
        ]
    if result.get("status") != "ok":
        return lines
    if "timings" not in result:
        return [*lines, "*(result from an older version of this benchmark; rerun it)*", ""]
    reps = result["repeats"]
    floor = result["floor"]
    rows = [["Floor: rollup GROUP BY (`monthly_region_totals`), raw SQL", *_t(floor)]]
    labels = {"overview": "Overview `/`", "api": "`/api/coverage?…&scope=53`"}
    for key, label in labels.items():
        for mode in ("uncached", "cached"):
            entry = result["timings"].get(f"{key}_{mode}")
            if entry:
                rows.append([f"{label}, {mode}", *_t(entry)])
    lines += [
        f"Uncached: `cache.clear()` before every request (outside the timing), "
        f"{reps['warmup']} warm-up + up to {reps['measured']} measured requests; cached: the "
        f"same request repeated, 1 warm-up + up to {reps['cached']} measured (test client, "
        "DEBUG=false, local-memory cache, fresh process); the floor query: 1 + 10.",
        "",
        *table(["Measure", "n", "p50 ms", "p95 ms", "max ms"], rows),
    ]
    for key, entry in result["urls"].items():
        if entry.get("status") == "ok":
            cached = entry.get("cached_queries", [])
            lines.append(
                f"- `{key}` first (cold, uncached) request {entry['first_request_ms']} ms; "
                f"{entry['queries']} queries, {entry['sql_ms']} ms of SQL. A cached request "
                f"runs {len(cached)} quer{'y' if len(cached) == 1 else 'ies'}"
                + (f": `{cached[0]}`" if len(cached) == 1 else "")
                + "."
            )
        else:
            lines.append(f"- `{key}`: {entry.get('status')} — {entry.get('reason', '')}")
    lines.append("")
    memory = result["memory"]
    lines += [
        "**Memory of the serving process.** `ru_maxrss` = peak resident set size of the "
        "process (resource.getrusage, RUSAGE_SELF); `tracemalloc peak` = peak of "
        "Python-traced allocations (numpy/pandas buffers included) during one request "
        "(uncached: cache cleared first; cached: the same request again), measured "
        "separately because tracing slows requests down.",
        "",
        *table(["Measure", "MB"], [[k.replace("_mb", ""), v] for k, v in memory.items()]),
    ]
    if result["urls"].get("overview", {}).get("top_queries"):
        lines += [
            "Slowest queries of one uncached overview request:",
            "",
            *table(
                ["ms", "SQL (first 160 chars)"],
                [[q["ms"], f"`{q['sql']}`"] for q in result["urls"]["overview"]["top_queries"]],
            ),
        ]
    lines += _profile_table(result.get("profile"))
    lines += [
        "The overview's slowest SQL aggregate (captured from one uncached request; the "
        "floor above is all of its GROUP BY queries back to back):",
        "",
        *code(result["main_sql"], "sql"),
        "`EXPLAIN (ANALYZE, BUFFERS)`:",
        "",
        *code(result["plan"]),
    ]
    if result.get("alternatives"):
        lines += [
            "Available periods (the list of months every page and the API without `period` "
            "need; cached under the data version like the pages), timed with raw SQL:",
            "",
            *table(
                ["Measure", "n", "p50 ms", "p95 ms", "max ms", "rows"],
                [[a["measure"], *_t(a), a.get("rows")] for a in result["alternatives"]],
            ),
        ]
        app = result["alternatives"][0]
        lines += ["`selectors.available_periods()` runs:", "", *code(app["sql"], "sql")]
        loose = next((a for a in result["alternatives"] if "rollup" in a["measure"]), None)
        if loose and "RECURSIVE" in loose["sql"]:
            lines += ["Loose index scan on the rollup:", "", *code(loose["sql"], "sql")]
    return lines


def _profile_table(profile: list[Result] | None) -> list[str]:
    if not profile:
        return []
    return [
        "Where the time of one uncached overview request goes (cProfile, cumulative, "
        "the application's functions plus Django's template rendering and cache "
        "get/set; profiling inflates the absolute numbers, read the proportions):",
        "",
        *table(
            ["function", "calls", "cumulative ms"],
            [[f"`{p['function']}`", p["calls"], p["cum_ms"]] for p in profile],
        ),
    ]


def _t(timing: Result) -> list[Any]:
    return [timing.get("n"), timing.get("p50_ms"), timing.get("p95_ms"), timing.get("max_ms")]


def _simple_rows(result: Result) -> list[str]:
    lines = _header(result)
    if result.get("rows"):
        rows = [
            [r["measure"], r.get("n"), r.get("p50_ms"), r.get("p95_ms"), r.get("max_ms")]
            for r in result["rows"]
        ]
        lines += table(["Measure", "n", "p50 ms", "p95 ms", "max ms"], rows)
    if result.get("breakdown"):
        lines += [
            "Where the first run's time goes (SQL captured with `CaptureQueriesContext`, "
            "grouped by statement and table; Python = the rest):",
            "",
            *table(
                ["Statement", "queries", "ms"],
                [[b["statement"], b["queries"], b["ms"]] for b in result["breakdown"]],
            ),
        ]
    for note in result.get("notes", []):
        lines += [f"- {note}"]
    if result.get("notes"):
        lines.append("")
    return lines


def _serve(result: Result) -> list[str]:
    lines = _header(result)
    rows = []
    for r in result.get("rows", []):
        if r.get("status") == "not available":
            rows.append([r["measure"], "not available", *[None] * 8])
            continue
        rows.append(
            [
                r["measure"],
                r.get("rps"),
                r.get("requests"),
                r.get("latency_avg_ms"),
                r.get("p50_ms"),
                r.get("p90_ms"),
                r.get("p99_ms"),
                r.get("latency_max_ms"),
                r.get("non_2xx"),
                r.get("socket_errors"),
            ]
        )
    if rows:
        lines += table(
            [
                "URL",
                "req/s",
                "requests",
                "avg ms",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "non-2xx/3xx",
                "socket errors",
            ],
            rows,
        )
    for r in result.get("rows", []):
        if r.get("wrk_output"):
            lines += [f"wrk output for {r['measure']}:", "", *code(r["wrk_output"])]
    return lines


SECTIONS: dict[str, Callable[[Result], list[str]]] = {
    "national": _national,
    "import": _simple_rows,
    "pdf": _simple_rows,
    "serve": _serve,
}


def render(results: Result) -> str:
    benchmarks: Result = results.get("benchmarks", {})
    order = [name for name in results.get("order", SECTION_TITLES) if name in benchmarks]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`.venv/bin/python -m benchmarks`); do not edit by hand, "
        "rerun instead. `--only NAME` reruns one benchmark (the others keep their last "
        "results, from `benchmarks/results.json`), `--quick` uses fewer repeats, "
        "`--database-url` points the demo benchmarks at an existing PostgreSQL database "
        "(default: a `bench_demo` database created and dropped on 127.0.0.1). Latencies are "
        "milliseconds; p50/p95 are linear-interpolated percentiles of the measured samples "
        "(warm-up excluded). Pages and the API are cached under a data version (newest "
        "change-log id + a reference counter), so each is measured **uncached** "
        "(`django.core.cache.cache.clear()` before every request, outside the timing) and "
        "**cached** (the same request repeated); the latency goals are judged on the "
        "uncached number. The 2-core machine may be shared with other work (tests, builds) "
        "while the benchmark runs (the load average at the start is recorded below); "
        "repeated runs have differed by up to about 30 %, so read small differences as "
        "noise.",
        "",
        *_machine(results.get("machine", {})),
        "## Goals",
        "",
    ]
    goal_rows = []
    for name in order:
        command = benchmarks[name].get("command") or f".venv/bin/python -m benchmarks --only {name}"
        for g in _goals_of(benchmarks[name]):
            goal_rows.append(
                [
                    g["name"],
                    g["goal"],
                    g["measured"],
                    _status(g["status"]),
                    g["reason"],
                    f"`{command}`",
                ]
            )
    lines += table(["Benchmark", "Goal", "Measured", "Result", "Why", "Reproduce"], goal_rows)
    for number, name in enumerate(order, start=1):
        result = benchmarks[name]
        title = result.get("title") or SECTION_TITLES.get(name, name)
        lines += [f"## {number}. `{name}`: {title}", ""]
        if name == "pages":
            lines += _pages(result, results.get("demo_setup"))
        else:
            lines += SECTIONS.get(name, _simple_rows)(result)
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(results: Result, path: Path = OUTPUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results), encoding="utf-8")
    return path
