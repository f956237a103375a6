"""Request → load (summaries) → compute (calculations) → draw (charts) → template.

The pages and ``/api/coverage`` share ``coverage.summaries``, so a number on a
page and the same number in the API can never disagree.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import formatting, presentation, selectors
from ..cache import cached, data_version
from ..calculations import (
    PROVINCE_CODE,
    BreakdownRow,
    CoverageSummary,
    Period,
    ReferenceFrames,
    ScopeKind,
    summary_as_dict,
)
from ..formatting import HYPHEN
from ..labels import basis_choices, basis_phrase, basis_short, status_label, target_source
from ..models import Basis
from ..summaries import (
    DashboardData,
    SummaryError,
    load_coverage_summary,
    load_dashboard,
    parse_basis,
    resolve_period,
)
from .completeness import completeness_context
from .dashboard_charts import (
    Captions,
    heatmap_note,
    link_parts,
    page_charts,
    page_query,
    sector_rows,
    segment_rows,
)
from .guards import problem

# --- the API ------------------------------------------------------------------------


@require_safe
def api_coverage(request: HttpRequest) -> HttpResponse:
    """``summary_as_dict`` of one scope, period and basis; errors as ``{"error": …}``.

    The JSON is cached under the data version, so a repeated question costs one
    indexed query and any write answers the next request with fresh numbers.
    """
    key = (
        request.GET.get("period", ""),
        request.GET.get("scope", ""),
        request.GET.get("basis", ""),
    )
    try:
        body = cached("api", *key, compute=lambda: _api_body(*key))
    except SummaryError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    return HttpResponse(body, content_type="application/json")


def _api_body(period_text: str, scope_code: str, basis_text: str) -> bytes:
    summary = requested_summary(period_text, scope_code or PROVINCE_CODE, basis_text)
    return json.dumps(summary_as_dict(summary), ensure_ascii=False).encode()


def requested_summary(
    period_text: str | None, scope_code: str, basis_text: str | None
) -> CoverageSummary:
    """The summary the API and the JSON download answer with; without a period: the
    latest month complete for the scope asked (DOMAIN.md)."""
    return load_coverage_summary(
        period=resolve_period(period_text, scope_code),
        scope_code=scope_code,
        basis=parse_basis(basis_text),
    )


# --- the pages --------------------------------------------------------------------------


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, scope_code=PROVINCE_CODE, kind="province")


@require_safe
def branch(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, scope_code=code.upper(), kind="branch")


@require_safe
def region(request: HttpRequest, bps_code: str) -> HttpResponse:
    return _dashboard(request, scope_code=bps_code, kind="region")


def _dashboard(request: HttpRequest, *, scope_code: str, kind: ScopeKind) -> HttpResponse:
    version = data_version()
    periods = cached("periods", compute=selectors.available_periods, version=version)
    if not periods:
        return render(request, "coverage/empty.html")
    try:
        text = request.GET.get("period")
        period = cached(
            "period",
            text or "",
            scope_code,
            compute=lambda: resolve_period(text, scope_code),
            version=version,
        )
        basis = parse_basis(request.GET.get("basis"))
        page = cached(
            "dashboard",
            period,
            scope_code,
            basis,
            compute=lambda: _page(period=period, scope_code=scope_code, basis=basis),
            version=version,
        )
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    if page["kind"] != kind:
        return problem(request, _("Halaman ini tidak ditemukan."), status=404)
    context = {
        **page,
        # our own templates rendered these, escaping as usual
        "fragments": {name: mark_safe(html) for name, html in page["fragments"].items()},
        "demo_data": settings.DEMO_DATA,
    }
    return render(request, "coverage/dashboard.html", context)


def _page(*, period: Period, scope_code: str, basis: str) -> dict[str, Any]:
    """What the cache keeps of a page: a few names and its reader-independent HTML.

    Navigation, heading, cards, charts and tables are the same for every reader,
    so they are rendered once per data version and language; what depends on the
    reader (the manager tools, the user menu, the CSRF token) is rendered around
    them on every request.
    """
    page_context = _page_context(period=period, scope_code=scope_code, basis=basis)
    context = {
        **page_context,
        **completeness_context(
            scope=page_context["scope"], period=period, basis=basis, data=page_context["data"]
        ),
        "bases": basis_choices(),
        "query": page_query(period, basis),
        "link": {
            "region": link_parts("coverage:region"),
            "branch": link_parts("coverage:branch"),
        },
    }
    scope = context["scope"]
    return {
        "kind": scope.kind,
        "scope": scope,
        "period": period,
        "basis": basis,
        "fragments": {
            name: str(render_to_string(f"coverage/_dashboard_{name}.html", context))
            for name in ("nav", "head", "body")
        },
    }


def _page_context(*, period: Period, scope_code: str, basis: str) -> dict[str, Any]:
    """Everything the dashboard shows that does not depend on who is looking (cacheable)."""
    data = load_dashboard(period=period, scope_code=scope_code, basis=basis)
    sources = {
        data.summary.basis: data.workforce_source(data.summary),
        data.other.basis: data.workforce_source(data.other),
    }
    scope = data.scope
    branch_codes = (
        None
        if scope.kind == "province"
        else [scope.code if scope.kind == "branch" else scope.branch_code or ""]
    )
    return {
        "approval_state": selectors.approval_state(period=period, branch_codes=branch_codes),
        "data": data,
        "scope": data.scope,
        "period": period,
        "basis": basis,
        "basis_name": basis_phrase(basis),
        "other_basis_name": basis_phrase(data.other_basis),
        "nav": _navigation(data.reference),
        "head": _headline(data, sources),
        "charts": page_charts(
            data,
            Captions(
                note=_source_note(data.summary, sources),
                bps_note=_source_note(data.bps, sources),
                basis_name=basis_phrase(data.basis),
            ),
            query=page_query(period, basis),
        ),
        "heatmap_note": heatmap_note(data),
        "behind": _behind_tables(data),
        "sector_rows": sector_rows(data),
        "segment_rows": _segment_rows(data),
    }


@dataclass(frozen=True)
class NavBranch:
    code: str
    name: str
    regions: list[tuple[str, str]]


def _navigation(reference: ReferenceFrames) -> list[NavBranch]:
    regions = reference.regions
    by_branch: dict[str, list[tuple[str, str]]] = {}
    for code, name, branch in zip(
        regions["region_code"].tolist(),
        regions["name"].tolist(),
        regions["branch_code"].tolist(),
        strict=True,
    ):
        by_branch.setdefault(str(branch), []).append((str(code), str(name)))
    return [
        NavBranch(code=str(code), name=str(name), regions=by_branch.get(str(code), []))
        for code, name in zip(
            reference.branches["branch_code"].tolist(),
            reference.branches["name"].tolist(),
            strict=True,
        )
    ]


def _headline(data: DashboardData, sources: dict[str, str]) -> dict[str, Any]:
    """The cards: the chosen basis drives target, gap and pace; both coverages side by side."""
    metrics = data.summary.metrics
    target = metrics.target
    implied = presentation.implied_denominator(metrics)
    return {
        "m": metrics,
        "ucj": data.ucj.metrics,
        "bps": data.bps.metrics,
        "ucj_source": sources[Basis.UCJ],
        "bps_source": sources[Basis.BPS_AK],
        "status_label": status_label(metrics.status),
        "answer": presentation.answer(metrics),
        "tone": presentation.status_tone(metrics.status),
        "target_source": target_source(target.source),
        "implied": implied if implied is not None and implied.difference is not None else None,
        "after_deadline": presentation.reached_after_deadline(metrics),
    }


def _source_note(summary: CoverageSummary, sources: dict[str, str]) -> str:
    year = summary.metrics.denominator.year
    source = sources[summary.basis]
    return _("Basis %(basis)s %(year)s · Sumber: %(source)s") % {
        "basis": basis_short(summary.basis),
        "year": year if year is not None else "–",
        "source": source or "–",
    }


# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BehindTable:
    """One who-is-behind table: its grain, rows in reading order and where to download it."""

    grain: str  # "branch" or "region"
    dom_id: str
    rows_html: str  # the <tr> rows, see _behind_rows_html
    export_table: str
    export_scope: str


NONE = "—"


def _behind_rows_html(
    rows: Sequence[presentation.BehindRow], *, link: str, query: str, current_code: str = ""
) -> str:
    """The who-is-behind table's ``<tr>`` rows, built in Python.

    A national page lists 514 regencies: Django's template engine takes about 0.5 ms
    a row here (a dozen lookups and filters), this a tenth of that, with the same
    escaping and number formats (``coverage.formatting``).
    """
    cell = functools.partial(formatting.number, marks=formatting.current_marks(), minus=HYPHEN)
    pct = functools.partial(formatting.percent, marks=formatting.current_marks(), minus=HYPHEN)
    before, after = link_parts(link)
    suffix = escape(f"{after}?{query}")
    labels: dict[str, str] = {}
    html = []
    for row in rows:
        if row.status is None:
            status = NONE
        else:
            label = labels.get(row.status) or labels.setdefault(
                row.status, escape(status_label(row.status))
            )
            status = (
                f'<span class="status-pill status-{escape(row.status)} tone-{row.tone}">'
                f"{label}</span>"
            )
        ratio = NONE if row.pace_ratio is None else cell(row.pace_ratio, 2) + "×"
        probability = escape(formatting.chance(row.probability))  # "< 1%", never a rounded 0%
        cells = [
            cell(row.active),
            pct(row.coverage_pct, 2),
            cell(row.target_count),
            cell(row.gap_count),
            NONE if row.run_rate is None else cell(row.run_rate),
            NONE if row.required_monthly_pace is None else cell(row.required_monthly_pace),
        ]
        code = escape(row.code)
        current = ' class="current-row" aria-current="page"' if row.code == current_code else ""
        html.append(
            f'<tr data-code="{code}"{current}><th scope="row"><a href="{escape(before)}{code}'
            f'{suffix}">{escape(row.name)}</a></th><td>{status}</td>'
            f'<td class="num">{ratio}</td><td class="num">{probability}</td>'
            + "".join(f'<td class="num">{cell}</td>' for cell in cells)
            + "</tr>"
        )
    return "\n".join(html)


def _behind_tables(data: DashboardData) -> list[BehindTable]:
    """The who-is-behind tables of a page, the first shown at once.

    The overview has one per branch and one per regency (a switch between them); a
    branch page one per regency; a regency page its branch's regencies, with itself
    marked.
    """
    scope = data.scope
    query = page_query(data.period, data.basis)
    current = scope.code if scope.kind == "region" else ""
    export_scope = scope.code if scope.kind != "region" else scope.branch_code or PROVINCE_CODE

    def table(grain: str, dom_id: str, rows: Sequence[BreakdownRow]) -> BehindTable:
        link = "coverage:branch" if grain == "branch" else "coverage:region"
        return BehindTable(
            grain=grain,
            dom_id=dom_id,
            rows_html=_behind_rows_html(
                presentation.behind_rows(rows),
                link=link,
                query=query,
                current_code=current,
            ),
            export_table=f"by_{grain}",
            export_scope=export_scope,
        )

    if scope.kind == "province":
        return [
            table("branch", "tertinggal", data.summary.by_branch),
            table("region", "tertinggal-kabupaten", data.summary.by_region),
        ]
    if scope.kind == "branch":
        return [table("region", "tertinggal", data.summary.by_region)]
    return [table("region", "tertinggal", data.context_region_rows)]


def _segment_rows(data: DashboardData) -> list[dict[str, Any]]:
    """As the table shows them; the share as a float, as the page has always rounded it."""
    return [
        {
            "code": row.code,
            "name": row.name,
            "formal": row.formal,
            "active": row.active,
            "share": None if row.share is None else float(row.share),
        }
        for row in segment_rows(data)
    ]
