"""`browser`: the overview in a real browser — time until every chart is drawn, and bytes.

gunicorn (2 sync workers) serves the demo database with production settings
(`DJANGO_ENV=production`: hashed static files, pre-compressed by whitenoise and
cached for a year; `SECURE_SSL_REDIRECT=false` because the run is plain HTTP on
127.0.0.1). Debian's Chromium, driven by Playwright, opens `/` at 1366×768:

- **charts drawn**: from navigation start to the `charts-drawn` performance mark
  that `static/js/dashboard.js` sets once every chart shown on load has been drawn
  (the charts folded under "Rincian" are drawn when it opens, so they are not in
  it); each sample in a fresh browser context (empty cache, first visit), with CDP
  `Emulation.setCPUThrottlingRate` 1 (this machine) and 4 (a branch-office laptop);
- **bytes**: what crossed the wire (CDP `encodedDataLength`, i.e. compressed) on a
  first visit and on a repeat visit in the same context, scripts separately.

Chromium advertises only gzip and deflate over plain HTTP (brotli needs HTTPS), so the
byte counts are gzip's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .common import ROOT, Result, goal, load_average, log, not_available, stats
from .serve import _free_port, _get, _stop, collectstatic

TITLE = "Overview in a browser (Chromium, 1366×768, CPU 1× and 4×)"
COMMAND = ".venv/bin/python -m benchmarks --only browser"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
THROTTLING = (1, 4)
GOAL_MS = {1: 1000.0, 4: 3000.0}
GOAL_SCRIPT_KIB = 600.0
PATH = "/"


def _visit(page: Any, url: str) -> dict[str, Any]:
    """Load `url` in `page`; the charts-drawn time and the bytes each resource took."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    kinds: dict[str, str] = {}
    sizes: dict[str, int] = {}
    session.on(
        "Network.responseReceived",
        lambda event: kinds.__setitem__(event["requestId"], event.get("type", "")),
    )
    session.on(
        "Network.loadingFinished",
        lambda event: sizes.__setitem__(event["requestId"], int(event.get("encodedDataLength", 0))),
    )
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => performance.getEntriesByName('charts-drawn').length > 0", timeout=60_000
    )
    drawn = float(page.evaluate("performance.getEntriesByName('charts-drawn')[0].startTime"))
    page.wait_for_timeout(200)  # let the last loadingFinished events arrive
    session.detach()
    total = sum(sizes.values())
    scripts = sum(size for request, size in sizes.items() if kinds.get(request) == "Script")
    return {"drawn_ms": drawn, "bytes": total, "script_bytes": scripts, "requests": len(sizes)}


def _measure(base: str, *, repeats: int) -> Result:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    measured: Result = {"throttled": {}, "first": None, "repeat": None}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for rate in THROTTLING:
                samples: list[float] = []
                for _ in range(repeats):
                    context = browser.new_context(viewport={"width": 1366, "height": 768})
                    page = context.new_page()
                    cdp = context.new_cdp_session(page)
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                    first = _visit(page, base + PATH)
                    samples.append(first["drawn_ms"])
                    if rate == 1 and measured["first"] is None:
                        measured["first"] = first
                        measured["repeat"] = _visit(page, base + PATH)
                    context.close()
                measured["throttled"][rate] = samples
                log(f"browser: CPU {rate}×: charts drawn {[round(s) for s in samples]} ms")
        finally:
            browser.close()
    return measured


def _kib(size: int) -> float:
    return round(size / 1024, 1)


def run(*, quick: bool, database_url: str) -> Result:
    if shutil.which("chromium") is None:
        return not_available(
            "browser", "Debian's chromium is not installed", title=TITLE, command=COMMAND
        )
    load_start = load_average()
    started = time.perf_counter()
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="benchmark-only-" + "x" * 40,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
    )
    log("browser: collectstatic (hashed, compressed)")
    collectstatic(env, timeout=300)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "jamsostek_dashboard.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if _get(base + PATH, timeout=30) == 200:
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        _get(base + PATH, timeout=30)  # both workers have the page cached
        measured = _measure(base, repeats=2 if quick else 7)
    finally:
        _stop(process)
    rows: list[Result] = []
    goals: list[Result] = []
    for rate in THROTTLING:
        timing = stats(measured["throttled"][rate])
        rows.append({"measure": f"`/` charts drawn, first visit, CPU {rate}×", **timing})
        target = f"≤ {GOAL_MS[rate] / 1000:.0f} s"
        met = timing["p50_ms"] <= GOAL_MS[rate]
        goals.append(
            goal(
                f"Overview charts drawn in Chromium, CPU {rate}×",
                target,
                f"p50 {timing['p50_ms'] / 1000:.2f} s (p95 {timing['p95_ms'] / 1000:.2f})",
                "met" if met else "missed",
                "the cartesian partial plotly.js bundle (no geo/map modules); the map is "
                "scatter polygons from the local GeoJSON; the folded details charts are "
                "drawn only when opened"
                if met
                else "evaluating plotly.js (1.1 MB) and drawing three charts; measured with a "
                f"load average of {load_start[0] if load_start else '?'} on "
                f"{os.cpu_count()} cores, so the browser waited for a core",
            )
        )
    first, repeat = measured["first"], measured["repeat"]
    scripts = _kib(first["script_bytes"])
    goals.append(
        goal(
            "Overview scripts, first visit (gzip)",
            f"≤ {GOAL_SCRIPT_KIB:.0f} KiB",
            f"{scripts} KiB of {_kib(first['bytes'])} KiB",
            "met" if scripts <= GOAL_SCRIPT_KIB else "missed",
            "the custom plotly.js bundle (scatter, bar, heatmap; scripts/build-plotly.sh) "
            "instead of the full one",
        )
    )
    notes = [
        f"first visit: {first['requests']} requests, {_kib(first['bytes'])} KiB on the wire, "
        f"of which scripts {scripts} KiB",
        f"repeat visit (same browser, cached static files): {repeat['requests']} requests, "
        f"{_kib(repeat['bytes'])} KiB on the wire, of which scripts "
        f"{_kib(repeat['script_bytes'])} KiB",
        "fastest sample: "
        + ", ".join(
            f"CPU {rate}×: {min(measured['throttled'][rate]):.0f} ms" for rate in THROTTLING
        ),
        f"load average (1/5/15 min) at the start {load_start}, at the end {load_average()}: "
        "on a 2-core machine shared with other work the timings grow with it (above 2 the "
        "browser waits for a core)",
    ]
    return {
        "name": "browser",
        "title": TITLE,
        "status": "ok",
        "command": COMMAND,
        "loadavg_start": load_start,
        "wall_s": round(time.perf_counter() - started, 1),
        "what": __doc__.split("\n\n", 1)[1].strip() if __doc__ else "",
        "rows": rows,
        "notes": notes,
        "bytes": {"first": first, "repeat": repeat},
        "goals": goals,
    }


# --- recording one section without the other benchmarks' stored results -----------------


def splice(result: Result, *, machine: Result, path: Path | None = None) -> Path:
    """Put this benchmark's goal rows and section into `docs/benchmarks.md` in place,
    leaving every other section as it is (for a run of this benchmark alone on a
    machine without `benchmarks/results.json`; `make bench` renders it with the rest).
    """
    from . import writer

    path = path or writer.OUTPUT
    text = path.read_text(encoding="utf-8")
    goal_rows = [
        "| "
        + " | ".join(
            [
                g["name"],
                g["goal"],
                g["measured"],
                writer._status(g["status"]),
                g["reason"],
                f"`{COMMAND}`",
            ]
        )
        + " |"
        for g in result["goals"]
    ]
    lines = text.split("\n")
    names = {g["name"] for g in result["goals"]}
    lines = [line for line in lines if not any(line.startswith(f"| {name} |") for name in names)]
    goals_at = lines.index("## Goals")
    end = next(i for i in range(goals_at + 4, len(lines)) if not lines[i].startswith("|"))
    lines[end:end] = goal_rows
    text = "\n".join(lines)
    text = re.sub(r"\n## \d+\. `browser`:.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip()
    number = len(re.findall(r"^## \d+\. ", text, flags=re.M)) + 1
    when = f"Machine for this section: {machine['cpu']}, {machine['cores']} cores, " + (
        f"{machine['os']}, Chromium {machine['chromium']}, {machine['date']}, "
        f"commit {machine['commit']}."
    )
    section = [
        f"## {number}. `browser`: {TITLE}",
        "",
        when,
        "",
        *writer._simple_rows(result),
    ]
    path.write_text(text + "\n\n" + "\n".join(section).rstrip() + "\n", encoding="utf-8")
    return path


def main() -> int:
    """`python -m benchmarks.browser RESULT.json`: splice a child's result into the doc."""
    import json
    import platform

    from .common import _cpu_model, _git, _os, now_iso

    result = json.loads(Path(sys.argv[1]).read_text())
    version = subprocess.run(
        [shutil.which("chromium") or "chromium", "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    machine = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "os": _os(),
        "python": platform.python_version(),
        "chromium": version[1] if len(version) > 1 else "?",
        "date": now_iso(),
        "commit": _git("rev-parse", "--short", "HEAD"),
    }
    print(splice(result, machine=machine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
