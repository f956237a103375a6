"""Helpers that need a configured Django (imported only inside child processes)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import redirect_stdout
from typing import Any
from urllib.parse import urlsplit

from django.core.management import call_command, get_commands
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from .common import Result, measure, timed

HOST = "127.0.0.1"


def client() -> Client:
    """A test client that returns 500 responses instead of raising."""
    return Client(HTTP_HOST=HOST, raise_request_exception=False)


def routed(url: str) -> bool:
    """Whether the URL resolver knows the path of ``url`` (False: 404 from the resolver)."""
    try:
        resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return True


def command_exists(name: str) -> bool:
    return name in get_commands()


def quiet_command(*args: Any, **options: Any) -> str:
    """``call_command`` with its standard output captured (returned)."""
    out = io.StringIO()
    with redirect_stdout(out):
        call_command(*args, stdout=out, **options)
    return out.getvalue()


def captured_request(
    http: Client, url: str, *, uncached: bool = False
) -> tuple[Any, list[dict[str, str]]]:
    """One GET of ``url`` and the SQL it ran (with each query's time in seconds);
    ``uncached`` clears the cache first."""
    if uncached:
        clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url)
    return response, list(ctx.captured_queries)


def sql_summary(queries: list[dict[str, str]]) -> Result:
    total = sum(float(q.get("time") or 0) for q in queries)
    return {"queries": len(queries), "sql_ms": round(total * 1000.0, 2)}


def aggregate_queries(page_queries: list[dict[str, str]]) -> list[str]:
    """The SQL aggregates (GROUP BY queries) a request ran: the bare SQL that feeds it."""
    return [q["sql"] for q in page_queries if "GROUP BY" in q["sql"]]


def time_sql(sql: str | Sequence[str], *, warmup: int, repeats: int, budget_s: float) -> Result:
    """p50/p95 of executing ``sql`` (one query, or several back to back) and fetching
    every row through ``connection.cursor()``."""
    statements = [sql] if isinstance(sql, str) else list(sql)
    with connection.cursor() as cursor:

        def run() -> int:
            rows = 0
            for statement in statements:
                cursor.execute(statement)
                rows += len(cursor.fetchall())
            return rows

        result, _samples = measure(run, warmup=warmup, repeats=repeats, budget_s=budget_s)
        result["rows"] = run()
    return result


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def clear_cache() -> None:
    """Empty Django's default cache (what an "uncached" request starts from)."""
    from django.core.cache import cache

    cache.clear()


def time_url(
    http: Client,
    url: str,
    *,
    warmup: int,
    repeats: int,
    budget_s: float,
    uncached: bool = False,
) -> Result:
    """p50/p95 server time of GET ``url`` (status codes of the measured requests kept).

    ``uncached``: the cache is cleared before every request (outside the timing), so
    each one computes the page; otherwise repeated identical requests hit the cache.
    """
    statuses: dict[int, int] = {}

    def get() -> None:
        response = http.get(url)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    result, _samples = measure(
        get,
        warmup=warmup,
        repeats=repeats,
        budget_s=budget_s,
        before=clear_cache if uncached else None,
    )
    result["statuses"] = {str(code): count for code, count in sorted(statuses.items())}
    return result


def execute(sql: str) -> float:
    """Run one statement; milliseconds it took."""
    with connection.cursor() as cursor:
        return timed(lambda: cursor.execute(sql))


def scalar(sql: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        return row[0] if row else None
