"""Shared helpers: timing, percentiles, databases, machine facts and result shapes.

Nothing here imports Django at module level, so the parent process can use it
before (and without) ``django.setup()``.
"""

from __future__ import annotations

import math
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench_demo"
SETTINGS_MODULE = "jamsostek_dashboard.settings"

Result = dict[str, Any]


# --- timing ----------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Linear-interpolated percentile (like numpy's default) of a non-empty list."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def stats(samples_ms: list[float]) -> Result:
    """n, p50, p95, min, max and mean of samples in milliseconds (rounded to 0.01)."""
    if not samples_ms:
        return {"n": 0}
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "min_ms": round(min(samples_ms), 2),
        "max_ms": round(max(samples_ms), 2),
        "mean_ms": round(sum(samples_ms) / len(samples_ms), 2),
    }


def measure(
    fn: Callable[[], object],
    *,
    warmup: int,
    repeats: int,
    budget_s: float,
    before: Callable[[], object] | None = None,
) -> tuple[Result, list[float]]:
    """Run ``fn`` ``warmup`` times unmeasured, then up to ``repeats`` times measured.

    ``before`` (e.g. clearing a cache) runs before every call, outside the timing.
    Measuring stops early once ``budget_s`` seconds have passed (at least one sample
    is always taken), so a slow case cannot run for ever; ``n`` says how many ran.
    """
    for _ in range(warmup):
        if before is not None:
            before()
        fn()
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(repeats):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
        if time.perf_counter() - started > budget_s:
            break
    result = stats(samples)
    result["warmup"] = warmup
    result["requested"] = repeats
    return result, samples


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds one call of ``fn`` takes."""
    t0 = time.perf_counter()
    fn()
    return round((time.perf_counter() - t0) * 1000.0, 2)


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC).strftime('%H:%M:%S')}] {message}", flush=True)


# --- goals -----------------------------------------------------------------------------


def goal(name: str, target: str, measured: str, status: str, reason: str) -> Result:
    """One row of the goals table; ``status`` is met, missed, not available or error."""
    return {
        "name": name,
        "goal": target,
        "measured": measured,
        "status": status,
        "reason": reason,
    }


def not_available(name: str, reason: str, *, title: str, command: str) -> Result:
    return {
        "name": name,
        "title": title,
        "command": command,
        "status": "not available",
        "reason": reason,
        "goals": [goal(title, "", "—", "not available", reason)],
    }


# --- databases -------------------------------------------------------------------------


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def admin_connection(url: str) -> Any:
    """An autocommit psycopg2 connection to the server's ``postgres`` database."""
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def recreate_database(url: str, *, template: str | None = None) -> None:
    """Drop (forcing out our own sessions) and create the database of ``url``."""
    from psycopg2 import sql

    name = database_name(url)
    if not re.fullmatch(r"bench_[a-z0-9_]+", name):
        raise ValueError(f"refusing to recreate {name!r}: only bench_* databases are managed")
    conn = admin_connection(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            if template:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
            else:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def drop_database(url: str) -> None:
    from psycopg2 import sql

    name = database_name(url)
    if not re.fullmatch(r"bench_[a-z0-9_]+", name):
        return
    conn = admin_connection(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    finally:
        conn.close()


# --- machine ---------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kib = int(line.split()[1])
                return f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def _os() -> str:
    pretty = ""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return f"{pretty or platform.system()} (kernel {platform.release()})"


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=20,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _postgres_version(url: str) -> str:
    try:
        conn = admin_connection(url)
    except Exception as exc:
        return f"unavailable ({exc.__class__.__name__})"
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
            return str(row[0]) if row else "unknown"
    finally:
        conn.close()


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages (empty where the OS has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_facts(database_url: str) -> Result:
    import django

    changed = [line for line in _git("status", "--porcelain").splitlines() if line.strip()]
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "ram": _ram(),
        "os": _os(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": _postgres_version(database_url),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git("rev-parse", "--short", "HEAD") or "unknown",
        "uncommitted_files": len(changed),
        "executable": sys.executable,
        "python_loop_ms": python_loop_ms(),
    }


def python_loop_ms() -> float:
    """Best of 3 of a fixed pure-Python loop (10 M additions): how fast this machine
    runs Python today, to compare runs on machines that differ (or are throttled)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for number in range(10_000_000):
            total += number
        best = min(best, (time.perf_counter() - start) * 1000.0)
    return round(best, 1)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
