"""Initiatives: the list with expected vs observed enrolments, the form, chart marks.

Viewers read; admins and managers create, and change or delete what their scope
allows (``coverage.services.can_change_initiative``: their own initiatives within
their branches, or any as a province-wide manager). Every write goes through the
services and the change log; a refused one is answered 403 with the reason. The
observed change is an association, never a measured effect, and the page says so.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from .. import charts, selectors, services
from ..access import AuthenticatedHttpRequest, has_role
from ..calculations import Period
from ..formatting import month_short
from ..forms_manager import InitiativeForm
from ..initiative_selectors import (
    initiatives_for_scope,
    initiatives_with_relations,
    observed_changes,
    start_period,
)
from ..models import Initiative, Role
from ..summaries import SummaryError, parse_period, scope_or_error
from .guards import delete_view, problem, role_required


def _scope_text(initiative: Initiative) -> str:
    parts = [
        ", ".join(branch.name for branch in initiative.branches.all()),
        ", ".join(region.name for region in initiative.regions.all()),
    ]
    places = "; ".join(part for part in parts if part) or _("Seluruh NTT")
    extra = []
    sectors = [sector.code for sector in initiative.sectors.all()]
    segments = [segment.code for segment in initiative.segments.all()]
    if sectors:
        extra.append(
            ngettext("sektor %(codes)s", "sektor %(codes)s", len(sectors))
            % {"codes": ", ".join(sectors)}
        )
    if segments:
        extra.append(
            ngettext("segmen %(codes)s", "segmen %(codes)s", len(segments))
            % {"codes": ", ".join(segments)}
        )
    return places + (f" · {' · '.join(extra)}" if extra else "")


@require_safe
@role_required(Role.VIEWER)
def initiative_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/inisiatif/``: every initiative, what it expected and what was observed since."""
    periods = selectors.available_periods()
    latest = periods[-1] if periods else None
    initiatives = list(initiatives_with_relations().order_by("-start_date", "name"))
    changes = observed_changes(initiatives, latest=latest) if latest else {}
    rows: list[dict[str, Any]] = []
    for item in initiatives:
        change = changes.get(item.pk)
        observed = change.change if change else None
        rows.append(
            {
                "item": item,
                "scope": _scope_text(item),
                "start": start_period(item),
                "observed": change,
                "difference": None if observed is None else observed - item.expected_enrolments,
                "can_change": services.can_change_initiative(request.user, item),
            }
        )
    context = {
        "rows": rows,
        "latest": latest,
        "can_edit": has_role(request.user, Role.ADMIN),
    }
    return render(request, "initiatives/list.html", context)


def _fields(data: dict[str, Any]) -> services.InitiativeFields:
    """The form's cleaned data as the service takes it."""
    return services.InitiativeFields(
        name=data["name"],
        kind=data["kind"],
        start_date=data["start_date"],
        end_date=data.get("end_date"),
        branch_codes=tuple(branch.code for branch in data.get("branches") or ()),
        region_codes=tuple(region.bps_code for region in data.get("regions") or ()),
        sector_codes=tuple(sector.code for sector in data.get("sectors") or ()),
        segment_codes=tuple(segment.code for segment in data.get("segments") or ()),
        expected_enrolments=data.get("expected_enrolments") or 0,
        note=data.get("note") or "",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMIN)
def initiative_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """``/inisiatif/baru/`` and ``/inisiatif/<id>/ubah/``."""
    instance = get_object_or_404(Initiative, pk=pk) if pk is not None else None
    if instance is not None and not services.can_change_initiative(request.user, instance):
        return problem(request, str(services.INITIATIVE_NOT_YOURS), status=403)
    form = InitiativeForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                services.initiative_create(user=request.user, fields=_fields(form.cleaned_data))
            else:
                services.initiative_update(
                    user=request.user, initiative_id=instance.pk, fields=_fields(form.cleaned_data)
                )
        except services.NotAllowedError as error:
            return problem(request, error.message, status=403)
        return redirect("coverage:initiatives")
    return render(request, "initiatives/form.html", {"form": form, "instance": instance})


@delete_view(Role.ADMIN, then="coverage:initiatives")
def initiative_delete(request: AuthenticatedHttpRequest, pk: int) -> None:
    """``/inisiatif/<id>/hapus/`` (POST, confirmed in the page first)."""
    item = get_object_or_404(Initiative, pk=pk)
    services.initiative_delete(user=request.user, initiative_id=item.pk)


@require_safe
def initiative_marks(request: HttpRequest, scope: str, period: str) -> HttpResponse:
    """``/inisiatif/tanda/<scope>/<YYYY-MM>.json``: Plotly shapes and annotations for the
    dashboard's progress chart (January of last year to December), drawn by
    ``static/js/initiatives.js``. Empty for visitors without a role."""
    if not has_role(request.user, Role.VIEWER):
        return JsonResponse({"shapes": [], "annotations": []})
    try:
        month = parse_period(period)
        found = scope_or_error(selectors.reference_frames(), scope)
    except SummaryError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    months = [month_short(Period(month.year - 1, 1).shift(i)) for i in range(24)]
    initiatives = initiatives_for_scope(
        kind=found.kind, code=found.code, branch_code=found.branch_code
    )
    marks = charts.initiative_marks(
        months=months,
        initiatives=[
            (month_short(start_period(item)), item.name)
            for item in initiatives
            if item.start_date <= datetime.date(month.year, 12, 31)
        ],
    )
    return JsonResponse(marks, json_dumps_params={"ensure_ascii": False})
