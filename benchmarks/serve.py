"""``serve``: throughput of gunicorn (2 sync workers) under ``wrk`` on 127.0.0.1 only.

Production-like settings: ``DJANGO_ENV`` unset, ``DEBUG=false``,
``ALLOWED_HOSTS=127.0.0.1``, the demo database, static files collected. Run twice:
with the default local-memory cache (``REDIS_URL`` unset) and with
``REDIS_URL=redis://127.0.0.1:6379/3`` (that Redis database flushed first). Each
URL gets one warm-up request, then ``wrk -t2 -c20 -d10s --latency``. gunicorn is
always stopped at the end of each run, also on errors.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .common import ROOT, Result, goal, log, not_available

TITLE = "Serving throughput (gunicorn -w 2, wrk, demo data)"
COMMAND = ".venv/bin/python -m benchmarks --only serve"
PERIOD = "2025-04"
URLS = [("overview", "/"), ("api", f"/api/coverage?period={PERIOD}")]
WRK_ARGS = ["-t2", "-c20", "-d10s", "--latency", "--timeout", "10s"]
GOAL_RPS = 500.0
REDIS_URL = "redis://127.0.0.1:6379/3"
WARMUP = 1
# label, key, REDIS_URL (None: the default local-memory cache)
CACHES: list[tuple[str, str, str | None]] = [
    ("local memory", "locmem", None),
    ("Redis", "redis", REDIS_URL),
]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk() -> str | None:
    found = shutil.which("wrk")
    if found or os.geteuid() != 0:
        return found
    log("serve: installing wrk with apt-get")
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=False,
        capture_output=True,
        timeout=180,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk")


def collectstatic(env: dict[str, str], *, timeout: int) -> None:
    """``manage.py collectstatic`` (hashed, compressed files) in ``env``, as production runs it."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 10.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _ms(value: str, unit: str) -> float:
    return round(float(value) * UNITS[unit], 2)


def parse_wrk(output: str) -> Result:
    """Requests/s, latency (avg, max, percentiles), non-2xx/3xx and socket errors."""
    result: Result = {}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(match.group(1))
    if match := re.search(r"(\d+) requests in ([\d.]+)(\w+)", output):
        result["requests"] = int(match.group(1))
    latency = re.search(
        r"Latency\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)", output
    )
    if latency:
        result["latency_avg_ms"] = _ms(latency.group(1), latency.group(2))
        result["latency_max_ms"] = _ms(latency.group(5), latency.group(6))
    for pct in ("50", "75", "90", "99"):
        if match := re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)", output, re.MULTILINE):
            result[f"p{pct}_ms"] = _ms(match.group(1), match.group(2))
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = int(match.group(1)) if match else 0
    match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["socket_errors"] = sum(int(g) for g in match.groups()) if match else 0
    return result


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _flush_redis(url: str) -> str | None:
    """Empty the Redis database of ``url``; the reason when Redis cannot be reached."""
    try:
        import redis
    except ImportError:
        return "the redis Python package is not installed"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
        client.flushdb()
        client.close()
    except Exception as exc:
        return (
            f"Redis at {url} unreachable ({exc.__class__.__name__}); start it with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' "
            "--appendonly no`"
        )
    return None


def _serve_once(
    *, wrk: str, env: dict[str, str], cache_label: str, cache_key: str
) -> tuple[list[Result], str]:
    from .djangoutil import routed

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    rows: list[Result] = []
    with tempfile.TemporaryFile() as server_log:
        process = subprocess.Popen(
            [gunicorn, "jamsostek_dashboard.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=server_log,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    _get(base + "/static/", timeout=2)
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.3)
            for key, path in URLS:
                row: Result = {
                    "key": key,
                    "cache": cache_key,
                    "measure": f"`{path}` ({cache_label} cache)",
                    "url": path,
                }
                if not routed(path):
                    row.update(status="not available", reason="404 from the URL resolver")
                    rows.append(row)
                    continue
                row["warmup_statuses"] = [_get(base + path, timeout=30) for _ in range(WARMUP)]
                log(f"serve ({cache_label}): wrk {' '.join(WRK_ARGS)} {path}")
                completed = subprocess.run(
                    [wrk, *WRK_ARGS, base + path],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                row.update(parse_wrk(completed.stdout))
                row["status"] = "ok" if completed.returncode == 0 else "error"
                row["wrk_output"] = completed.stdout.strip()
                rows.append(row)
        finally:
            _stop(process)
            server_log.seek(0)
            tail = server_log.read().decode("utf-8", "replace")[-1500:]
    return rows, tail


def run(*, quick: bool, database_url: str) -> Result:
    wrk = _wrk()
    if wrk is None:
        return not_available("serve", "wrk is not installed", title=TITLE, command=COMMAND)
    env = {
        key: value for key, value in os.environ.items() if key not in {"DJANGO_ENV", "REDIS_URL"}
    }
    env.update(DEBUG="false", ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=database_url)
    log("serve: collectstatic")
    collectstatic(env, timeout=120)
    rows: list[Result] = []
    tails: Result = {}
    for label, key, redis_url in CACHES:
        run_env = dict(env)
        if redis_url:
            problem = _flush_redis(redis_url)
            if problem:
                for url_key, path in URLS:
                    rows.append(
                        {
                            "key": url_key,
                            "cache": key,
                            "measure": f"`{path}` ({label} cache)",
                            "url": path,
                            "status": "not available",
                            "reason": problem,
                        }
                    )
                continue
            run_env["REDIS_URL"] = redis_url
        cache_rows, tails[key] = _serve_once(wrk=wrk, env=run_env, cache_label=label, cache_key=key)
        rows += cache_rows
    return {
        "name": "serve",
        "title": TITLE,
        "status": "ok",
        "command": COMMAND,
        "what": (
            "`.venv/bin/gunicorn jamsostek_dashboard.wsgi -w 2 -b 127.0.0.1:PORT` (sync "
            "workers; DJANGO_ENV unset, DEBUG=false, ALLOWED_HOSTS=127.0.0.1, demo database, "
            "after `collectstatic --noinput`), started twice: with the default local-memory "
            f"cache (`REDIS_URL` unset; each worker has its own cache) and with "
            f"`REDIS_URL={REDIS_URL}` (flushed before; shared by both workers). "
            f"{WARMUP} warm-up request per URL (it fills the cache of one worker; with local "
            "memory the other worker computes the page once during the run), then "
            f"`wrk {' '.join(WRK_ARGS)}` on the same 2-core machine (wrk competes with the "
            "workers for CPU)."
        ),
        "rows": rows,
        "server_log_tail": tails,
        "goals": _goals(rows),
    }


def _goals(rows: list[Result]) -> list[Result]:
    target = f"≥ {GOAL_RPS:.0f} req/s, 0 errors"
    goals: list[Result] = []
    for label, key, _url in CACHES:
        name = f"Cached API under wrk ({label})"
        api = next((r for r in rows if r["key"] == "api" and r["cache"] == key), {})
        if api.get("status") != "ok" or "rps" not in api:
            status = "not available" if api.get("status") == "not available" else "error"
            goals.append(goal(name, target, "—", status, str(api.get("reason", ""))))
            continue
        errors = api["non_2xx"] + api["socket_errors"]
        measured = f"{api['rps']:.0f} req/s, {errors} errors (p50 {api.get('p50_ms', 0):.1f} ms)"
        if api["rps"] >= GOAL_RPS and errors == 0:
            goals.append(
                goal(
                    name,
                    target,
                    measured,
                    "met",
                    "a cached answer costs the data-version query (newest change-log id) and "
                    f"one {label} cache get; no SQL aggregate, no calculation",
                )
            )
            continue
        reasons = []
        if api["rps"] < GOAL_RPS:
            reasons.append(
                f"{api['rps'] / GOAL_RPS:.0%} of the target: every cached request still runs "
                "the data-version query, the cache lookup and Django's middleware; 2 sync "
                "workers on 2 cores shared with wrk"
            )
        if errors:
            reasons.append(
                f"{api['non_2xx']} non-2xx responses, {api['socket_errors']} socket errors"
            )
        goals.append(goal(name, target, measured, "missed", "; ".join(reasons)))
    return goals
