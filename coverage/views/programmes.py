"""Pemda programmes: ``/api/programmes``, the "Program Pemda" page, the regency league
table ("Peringkat kabupaten/kota") and the upload of programme files with a preview.

The figures come from ``coverage.programmes`` (pure) through
``coverage.programme_selectors``; coverage, gap, pace and probability from
``coverage.summaries``, never recomputed here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import programme_selectors, selectors
from ..access import AuthenticatedHttpRequest, user_branch_codes
from ..cache import cached
from ..calculations import PROVINCE_CODE, Period
from ..importers.programmes import LAYOUTS, parse_programme_file
from ..models import Basis, ChangeSource, ProgrammeEnrolment, Role
from ..programme_charts import budget_figure, quota_enrolled_figure
from ..programme_records import ProgrammeImportRecord
from ..programmes import (
    LEAGUE_SORTS,
    LeagueRow,
    ProgrammeStatus,
    RegionShare,
    change_pp,
    programme_as_dict,
    region_shares,
    sort_league,
)
from ..services import PROGRAMME_KINDS, WriteContext, programme_apply_import
from ..summaries import SummaryError, load_coverage_summary, parse_period, resolve_period
from .dashboard_charts import plotly_separators as _separators
from .guards import problem, role_required
from .upload import (
    EXPIRED,
    Evaluation,
    StagedUpload,
    preview_context,
    report_applied,
    stage_upload,
    staged_discard,
    staged_upload,
)

NO_ENROLMENT = gettext_lazy("Belum ada data kepesertaan program pemda.")


# --- the API ----------------------------------------------------------------------------


@require_safe
def api_programmes(request: HttpRequest) -> HttpResponse:
    """Every programme in ``period`` (default: the latest month with enrolment rows)."""
    text = request.GET.get("period", "")
    try:
        body = cached("api_programmes", text, compute=lambda: _api_body(text))
    except SummaryError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    return HttpResponse(body, content_type="application/json")


def programmes_period(text: str | None) -> Period:
    """``text`` parsed (400 when malformed), else the latest month with enrolment (404: none)."""
    if text:
        return parse_period(text)
    latest = programme_selectors.latest_enrolment_period()
    if latest is None:
        raise SummaryError(str(NO_ENROLMENT), status=404)
    return latest


def _api_body(text: str) -> bytes:
    period = programmes_period(text)
    body = {
        "period": str(period),
        "programmes": [
            programme_as_dict(status)
            for status in programme_selectors.programme_statuses(period=period)
        ],
    }
    return json.dumps(body, ensure_ascii=False).encode()


# --- the "Program Pemda" page ---------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeCard:
    status: ProgrammeStatus
    funder_name: str
    shares: list[RegionShare]
    quota_chart: dict[str, Any]
    budget_chart: dict[str, Any]
    chart_id: str
    budget_chart_id: str


def enrolment_periods() -> list[Period]:
    """Months with enrolment rows, newest first (the page's period picker)."""
    rows = (
        ProgrammeEnrolment.objects.values_list("year", "month")
        .distinct()
        .order_by("-year", "-month")
    )
    return [Period(year, month) for year, month in rows]


def _coverage_context(period: Period) -> tuple[dict[str, int] | None, dict[str, int | None] | None]:
    """Active BPU participants and UCJ coverage gaps per regency in ``period``, or ``None``s
    when the month has no participant counts."""
    if not selectors.period_has_data(period):
        return None, None
    summary = load_coverage_summary(period=period, scope_code=PROVINCE_CODE, basis=Basis.UCJ)
    gaps = {row.code: row.gap_count for row in summary.by_region}
    return programme_selectors.bpu_active_by_region(period=period), gaps


def counts_period_of(text: str | None) -> Period | None:
    """The month of the page's participant figures (BPU participants, coverage gap): the
    month asked for, else the latest month complete for the province, like the
    dashboard (``None`` without participant counts). The money figures keep their own
    default, the latest enrolment month (``programmes_period``)."""
    try:
        return resolve_period(text, PROVINCE_CODE)
    except SummaryError:
        if text:
            raise
        return None


def _cards(period: Period, counts_period: Period | None) -> list[ProgrammeCard]:
    names = programme_selectors.region_names()
    bpu, gaps = _coverage_context(counts_period) if counts_period else (None, None)
    separators = _separators()
    cards = []
    for index, status in enumerate(programme_selectors.programme_statuses(period=period)):
        rows = status.by_region
        cards.append(
            ProgrammeCard(
                status=status,
                funder_name=programme_selectors.funder_name(status.terms.funder_code, names),
                shares=region_shares(status, bpu_active=bpu, gap_counts=gaps),
                quota_chart=quota_enrolled_figure(
                    names=[row.name for row in rows],
                    quota=[row.quota for row in rows],
                    enrolled=[row.enrolled for row in rows],
                    title=_("Kuota dan pekerja terdaftar per kabupaten/kota"),
                    quota_label=_("Kuota"),
                    enrolled_label=_("Terdaftar"),
                    axis_label=_("Pekerja"),
                    separators=separators,
                ),
                budget_chart=budget_figure(
                    spent_idr=status.spent_idr,
                    remaining_idr=status.remaining_idr,
                    title=_("Anggaran: terpakai dan sisa"),
                    spent_label=_("Terpakai"),
                    remaining_label=_("Sisa"),
                    separators=separators,
                ),
                chart_id=f"programme-quota-{index}",
                budget_chart_id=f"programme-budget-{index}",
            )
        )
    return cards


@require_safe
def programmes_page(request: HttpRequest) -> HttpResponse:
    periods = enrolment_periods()
    if not periods and not request.GET.get("period"):
        return render(
            request,
            "programmes/programmes.html",
            {"cards": [], "periods": [], "period": None, "demo_data": settings.DEMO_DATA},
        )
    try:
        period = programmes_period(request.GET.get("period"))
        counts_period = counts_period_of(request.GET.get("period"))
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    context = {
        "cards": cached(
            "programme_cards",
            period,
            counts_period,
            compute=lambda: _cards(period, counts_period),
        ),
        "periods": periods,
        "period": period,
        "counts_period": counts_period,
        "has_counts": counts_period is not None and selectors.period_has_data(counts_period),
        "demo_data": settings.DEMO_DATA,
    }
    return render(request, "programmes/programmes.html", context)


# --- the regency league table --------------------------------------------------------------

SORT_LABELS = {
    "name": gettext_lazy("Kabupaten/kota"),
    "coverage": gettext_lazy("Cakupan UCJ"),
    "change": gettext_lazy("Perubahan 12 bulan"),
    "pace": gettext_lazy("Rasio laju"),
    "probability": gettext_lazy("Peluang mencapai target"),
    "regulation": gettext_lazy("Regulasi"),
    "budget": gettext_lazy("Anggaran APBD"),
    "village": gettext_lazy("Perangkat desa terlindungi"),
}


def league_rows(period: Period) -> list[LeagueRow]:
    """The province's regencies in ``period``, UCJ figures from the coverage service."""
    summary = load_coverage_summary(period=period, scope_code=PROVINCE_CODE, basis=Basis.UCJ)
    before = period.shift(-12)
    previous: dict[str, Any] = {}
    if selectors.period_has_data(before):
        earlier = load_coverage_summary(period=before, scope_code=PROVINCE_CODE, basis=Basis.UCJ)
        previous = {row.code: row.coverage_pct for row in earlier.by_region}
    commitments = programme_selectors.commitments(year=period.year)
    return [
        LeagueRow(
            code=row.code,
            name=row.name,
            coverage_pct=row.coverage_pct,
            change_pp=change_pp(row.coverage_pct, previous.get(row.code)),
            pace_ratio=row.metrics.pace_ratio if row.metrics else None,
            probability=row.metrics.probability_reaching_target if row.metrics else None,
            commitment=commitments.get(row.code),
        )
        for row in summary.by_region
    ]


@require_safe
def league_table(request: HttpRequest) -> HttpResponse:
    periods = selectors.available_periods()
    if not periods:
        return render(request, "coverage/empty.html")
    sort = request.GET.get("sort") or "coverage"
    if sort not in LEAGUE_SORTS:
        sort = "coverage"
    order = request.GET.get("order") or ("asc" if sort == "name" else "desc")
    if order not in ("asc", "desc"):
        order = "desc"
    try:
        text = request.GET.get("period")
        period = resolve_period(text, PROVINCE_CODE)
        rows = cached("league", period, compute=lambda: league_rows(period))
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    rows = sort_league(rows, key=sort, descending=order == "desc")
    columns = []
    for key in ("name", "coverage", "change", "pace", "probability", "regulation", "budget",
                "village"):  # fmt: skip
        default = "asc" if key == "name" else "desc"
        next_order = ("asc" if order == "desc" else "desc") if key == sort else default
        columns.append(
            {
                "key": key,
                "label": SORT_LABELS[key],
                "active": key == sort,
                "order": order,
                "href": f"?period={period}&sort={key}&order={next_order}",
            }
        )
    context = {
        "rows": rows,
        "columns": columns,
        "period": period,
        "periods": list(reversed(periods)),
        "sort": sort,
        "order": order,
        "demo_data": settings.DEMO_DATA,
    }
    return render(request, "programmes/league.html", context)


# --- upload with preview -------------------------------------------------------------------

KIND_LABELS = {
    "programmes": gettext_lazy("Program pemda"),
    "programme_quotas": gettext_lazy("Kuota program per kabupaten/kota"),
    "programme_enrolment": gettext_lazy("Kepesertaan program bulanan"),
    "commitments": gettext_lazy("Komitmen pemda kabupaten/kota"),
}
PROVINCE_ONLY = gettext_lazy(
    "Data program pemda dan komitmen hanya dapat diunggah oleh admin dengan wilayah kerja "
    "seluruh provinsi."
)
CHOOSE_KIND = gettext_lazy("Pilih jenis data program.")
CHOOSE_FILE = gettext_lazy("Pilih berkas .csv atau .xlsx.")


def _user_id(request: AuthenticatedHttpRequest) -> int:
    """The logged-in user's id (the views below require a login)."""
    return request.user.pk


def evaluate(*, kind: str, name: str, data: bytes) -> Evaluation:
    """A programme file checked and counted as the counts' upload is (no month checks)."""
    parsed = parse_programme_file(kind, name=name, data=data)
    evaluation = Evaluation(parsed=parsed, errors=list(parsed.errors))
    if not evaluation.errors:
        records = cast(list[ProgrammeImportRecord], parsed.records)
        evaluation.result = programme_apply_import(kind, records, dry_run=True)
    return evaluation


def _upload_page(
    request: HttpRequest, *, status: int = 200, problem_text: str = ""
) -> HttpResponse:
    context = {
        "kinds": [
            (kind, KIND_LABELS[kind], ",".join(LAYOUTS[kind].columns)) for kind in PROGRAMME_KINDS
        ],
        "problem": problem_text,
        "selected": request.GET.get("kind", ""),
    }
    return render(request, "programmes/upload.html", context, status=status)


@role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def programme_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if user_branch_codes(request.user) is not None:
        return _upload_page(request, status=403, problem_text=str(PROVINCE_ONLY))
    if request.method != "POST":
        return _upload_page(request)
    kind = request.POST.get("kind", "")
    upload_file = request.FILES.get("file")
    if kind not in PROGRAMME_KINDS:
        return _upload_page(request, status=400, problem_text=str(CHOOSE_KIND))
    if upload_file is None:
        return _upload_page(request, status=400, problem_text=str(CHOOSE_FILE))
    sha256 = stage_upload(
        user_id=_user_id(request), kind=kind, name=upload_file.name or "", data=upload_file.read()
    )
    return redirect("coverage:programme_upload_preview", sha256=sha256)


@role_required(Role.ADMIN)
@require_safe
def programme_upload_preview(request: AuthenticatedHttpRequest, sha256: str) -> HttpResponse:
    if user_branch_codes(request.user) is not None:
        return _upload_page(request, status=403, problem_text=str(PROVINCE_ONLY))
    staged = staged_upload(user_id=_user_id(request), sha256=sha256)
    if staged is None or staged.kind not in PROGRAMME_KINDS:
        return _upload_page(request, status=410, problem_text=str(EXPIRED))
    evaluation = evaluate(kind=staged.kind, name=staged.name, data=staged.data)
    return _preview_page(request, staged, evaluation, status=200)


def _preview_page(
    request: HttpRequest, staged: StagedUpload, evaluation: Evaluation, *, status: int
) -> HttpResponse:
    context = preview_context(staged, evaluation, kind_label=str(KIND_LABELS[staged.kind]))
    return render(request, "programmes/upload_preview.html", context, status=status)


@role_required(Role.ADMIN)
@require_POST
def programme_upload_apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    if user_branch_codes(request.user) is not None:
        return _upload_page(request, status=403, problem_text=str(PROVINCE_ONLY))
    staged = staged_upload(user_id=_user_id(request), sha256=request.POST.get("sha256", ""))
    if (
        staged is None
        or staged.kind != request.POST.get("kind")
        or staged.kind not in PROGRAMME_KINDS
    ):
        return _upload_page(request, status=410, problem_text=str(EXPIRED))
    evaluation = evaluate(kind=staged.kind, name=staged.name, data=staged.data)
    if not evaluation.ok:
        return _preview_page(request, staged, evaluation, status=400)
    context = WriteContext(
        user_id=_user_id(request), source=ChangeSource.UPLOAD, source_detail=staged.name
    )
    records = cast(list[ProgrammeImportRecord], evaluation.parsed.records)
    result = programme_apply_import(staged.kind, records, dry_run=False, context=context)
    staged_discard(user_id=_user_id(request), sha256=staged.sha256)
    report_applied(request, name=staged.name, result=result)
    return redirect(reverse("coverage:programme_upload"))
