"""``python -m benchmarks [--only NAME] [--quick] [--database-url URL]``.

The parent process creates the PostgreSQL databases it needs (``bench_demo``,
``bench_national``, ``bench_import`` by default), prepares the demo data, runs each
benchmark in a child process (``--child TASK``, which sets DJANGO_SETTINGS_MODULE
and DATABASE_URL before ``django.setup()``), drops the databases it created and
regenerates ``docs/benchmarks.md`` from ``benchmarks/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from types import ModuleType

from .common import (
    DEFAULT_DATABASE_URL,
    ROOT,
    SETTINGS_MODULE,
    Result,
    database_name,
    drop_database,
    load_average,
    log,
    machine_facts,
    now_iso,
    recreate_database,
    with_database,
)

BENCHMARKS = ("pages", "national", "forecast", "import", "pdf", "serve", "browser")
NEEDS_DEMO = {"pages", "import", "pdf", "serve", "browser"}
RESULTS_FILE = ROOT / "benchmarks" / "results.json"
CHILD_TIMEOUT_S = 420.0


def _task_module(task: str) -> ModuleType:
    from . import browser, demo_setup, forecast, import_csv, national, pages, pdf, serve

    modules: dict[str, ModuleType] = {
        "browser": browser,
        "demo-setup": demo_setup,
        "forecast": forecast,
        "pages": pages,
        "national-load": national,
        "national": national,
        "import": import_csv,
        "pdf": pdf,
        "serve": serve,
    }
    return modules[task]


def child_main(task: str, *, database_url: str, result_file: Path, quick: bool) -> int:
    """Run one task in this (child) process and write its result as JSON."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ.pop("DJANGO_ENV", None)
    # in-process benchmarks use the default local-memory cache; `serve` sets REDIS_URL
    # itself for its Redis run
    os.environ.pop("REDIS_URL", None)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    # whitenoise warns once that STATIC_ROOT is missing before collectstatic ran
    warnings.filterwarnings("ignore", message="No directory at")
    try:
        import django

        django.setup()
        module = _task_module(task)
        runner = getattr(module, "load" if task == "national-load" else "run")
        result: Result = runner(quick=quick, database_url=database_url)
        code = 0
    except Exception as exc:
        traceback.print_exc()
        result = {"name": task, "status": "error", "reason": f"{exc.__class__.__name__}: {exc}"}
        code = 1
    result.setdefault("ran_at", now_iso())
    result_file.write_text(json.dumps(result, indent=1, default=str))
    return code


def run_child(task: str, *, database_url: str, quick: bool) -> Result:
    """Start ``python -m benchmarks --child TASK`` and return what it wrote."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        result_file = Path(tmp) / "result.json"
        command = [
            sys.executable,
            "-m",
            "benchmarks",
            "--child",
            task,
            "--database-url",
            database_url,
            "--result-file",
            str(result_file),
        ]
        if quick:
            command.append("--quick")
        load_before = load_average()
        started = time.perf_counter()
        try:
            completed = subprocess.run(command, cwd=ROOT, timeout=CHILD_TIMEOUT_S, check=False)
            code: int | str = completed.returncode
        except subprocess.TimeoutExpired:
            code = f"timeout after {CHILD_TIMEOUT_S:.0f} s"
        elapsed = round(time.perf_counter() - started, 1)
        if result_file.exists():
            result: Result = json.loads(result_file.read_text())
        else:
            result = {"name": task, "status": "error", "reason": f"child process ended: {code}"}
    result["wall_s"] = elapsed
    result["loadavg_start"] = load_before
    log(f"{task}: {result.get('status')} in {elapsed} s")
    return result


def _load_results() -> Result:
    try:
        data: Result = json.loads(RESULTS_FILE.read_text())
        return data
    except (OSError, ValueError):
        return {"benchmarks": {}}


def parent_main(args: argparse.Namespace) -> int:
    names = [args.only] if args.only else list(BENCHMARKS)
    own_demo = args.database_url is None
    demo_url = args.database_url or DEFAULT_DATABASE_URL
    national_url = with_database(demo_url, "bench_national")
    created: list[str] = []
    loadavg_start = load_average()
    log(f"load average at start: {loadavg_start}")
    results = _load_results()
    results.setdefault("benchmarks", {})
    started = time.perf_counter()
    try:
        if any(name in NEEDS_DEMO for name in names):
            if own_demo:
                log(f"creating {database_name(demo_url)}")
                recreate_database(demo_url)
                created.append(demo_url)
            results["demo_setup"] = run_child("demo-setup", database_url=demo_url, quick=args.quick)
            if results["demo_setup"].get("status") != "ok":
                log("demo setup failed; the benchmarks that need it will report errors")
        for name in names:
            log(f"=== {name} ===")
            if name == "national":
                recreate_database(national_url)
                created.append(national_url)
                load = run_child("national-load", database_url=national_url, quick=args.quick)
                if load.get("status") == "ok":
                    result = run_child("national", database_url=national_url, quick=args.quick)
                    result["load"] = load
                else:
                    result = load
            else:
                result = run_child(name, database_url=demo_url, quick=args.quick)
            result["quick"] = args.quick
            results["benchmarks"][name] = result
    finally:
        if not args.keep_databases:
            for url in created:
                drop_database(url)
        # import_csv creates bench_import from the demo database as a template
        if not args.keep_databases:
            drop_database(with_database(demo_url, "bench_import"))
    results["machine"] = machine_facts(demo_url)
    results["machine"]["loadavg_start"] = loadavg_start
    results["machine"]["loadavg_end"] = load_average()
    results["machine"]["ran"] = names
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["order"] = list(BENCHMARKS)
    RESULTS_FILE.write_text(json.dumps(results, indent=1, default=str))
    from .writer import write_markdown

    path = write_markdown(results)
    log(f"wrote {path.relative_to(ROOT)} ({results['total_s']} s)")
    statuses = [r.get("status") for r in results["benchmarks"].values()]
    return 1 if "error" in statuses else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", choices=BENCHMARKS, help="run one benchmark")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument(
        "--database-url",
        help=(
            "PostgreSQL URL of the demo database; default: a bench_demo database that is "
            "created (and dropped) on 127.0.0.1. A given URL is migrated and loaded in place."
        ),
    )
    parser.add_argument(
        "--keep-databases", action="store_true", help="do not drop the bench_* databases"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(
            args.child,
            database_url=args.database_url,
            result_file=args.result_file,
            quick=args.quick,
        )
    return parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
