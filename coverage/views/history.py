"""``/riwayat/``: the change log (*Riwayat perubahan*), one line per operation.

An operation is one user action — a grid save, an upload, an import, an approval —
and carries one id on all its change-log rows (``ChangeLog.operation``). The list
shows who, when, where from, the scope (months and regencies) and how many cells
changed, each line expandable to its first cells and linked to all of them
(``?operation=…``). ``?key=2025-04/5371/A/PU`` shows one count's history (linked
from the grid), cell by cell. Rows without an operation id stand alone.

Who sees it: users with ``coverage.view_changelog`` (admins and managers). A
branch-scoped user sees the changes of their branches and regencies only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import CharField, Count, F, Max, Min, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, Coalesce, Concat, RowNumber
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..access import AuthenticatedHttpRequest, user_branch_codes
from ..calculations import Period
from ..formatting import month_year, number
from ..forms import HistoryFilterForm
from ..models import Branch, ChangeLog, ChangeSource, Region
from .guards import permission_required

PAGE_SIZE = 50
CELLS_SHOWN = 10
_NUMBER_RE = re.compile(r"\d+")
ROW_PREFIX = "row-"


def visible_changes(user: Any) -> QuerySet[ChangeLog]:
    changes = ChangeLog.objects.all()
    branches = user_branch_codes(user)
    if branches is not None:
        regions = Region.objects.filter(branch_id__in=branches).values("bps_code")
        changes = changes.filter(Q(branch_id__in=branches) | Q(region_id__in=regions))
    return changes


def group_of() -> Coalesce:
    """A row's operation id, or ``row-<id>`` for a row written without one."""
    return Coalesce(
        "operation",
        Concat(Value(ROW_PREFIX), Cast("id", CharField())),
        output_field=CharField(),
    )


def source_label(change: ChangeLog | dict[str, Any]) -> str:
    """Where a change came from: the grid's comment, the file name, the unlock reason…"""
    source, detail = (
        (change["op_source"], change["op_detail"])
        if isinstance(change, dict)
        else (change.source, change.source_detail)
    )
    label = str(ChangeSource(source).label) if source in ChangeSource else ""
    if source in (ChangeSource.UPLOAD, ChangeSource.CLI) and detail:
        return _("%(source)s: %(detail)s") % {"source": label, "detail": detail}
    if detail and detail != "isian":
        return _("%(source)s (%(detail)s)") % {"source": label, "detail": detail}
    return label or source


def value_label(change: ChangeLog, value: str) -> str:
    """Counts as ``1.250 / 40`` (active / non-active) in the reader's number format."""
    if not value:
        return "–"
    if change.entity == ChangeLog.Entity.COUNT:
        return _NUMBER_RE.sub(lambda match: number(int(match.group())), value)
    return value


def _filtered(
    changes: QuerySet[ChangeLog], form: HistoryFilterForm
) -> tuple[QuerySet[ChangeLog], bool]:
    """The changes the valid filters keep, and whether one cell or operation is asked for."""
    if not form.is_valid():
        return (changes.none() if form.is_bound else changes), False
    data = form.cleaned_data
    period: Period | None = data["period"]
    if period is not None:
        changes = changes.filter(year=period.year, month=period.month)
    if data["branch"]:
        regions = Region.objects.filter(branch_id=data["branch"]).values("bps_code")
        changes = changes.filter(Q(branch_id=data["branch"]) | Q(region_id__in=regions))
    if data["region"]:
        changes = changes.filter(region_id=data["region"])
    if data["user"]:
        changes = changes.filter(user_id=data["user"])
    if data["kind"]:
        changes = changes.filter(source=data["kind"])
    if data["entity"]:
        changes = changes.filter(entity=data["entity"])
    if data["key"]:
        changes = changes.filter(key=data["key"].strip())
    operation = data["operation"]
    if operation:
        if operation.startswith(ROW_PREFIX):
            changes = changes.filter(pk=int(operation[len(ROW_PREFIX) :]), operation=None)
        else:
            changes = changes.filter(operation=operation)
    return changes, bool(data["key"] or operation)


def _cell_rows(changes: Any) -> list[dict[str, Any]]:
    return [
        {
            "change": change,
            "source": source_label(change),
            "old": value_label(change, change.old_value),
            "new": value_label(change, change.new_value),
        }
        for change in changes
    ]


def _scope_label(group: dict[str, Any], regions: dict[str, str], branches: dict[str, str]) -> str:
    """Months and places an operation touched: "April 2025 · Kota Kupang", "3 kab/kota"…"""
    parts = []
    first, last = group["first_period"], group["last_period"]
    if first is not None:
        start = Period(first // 100, first % 100)
        end = Period(last // 100, last % 100)
        parts.append(
            month_year(start)
            if start == end
            else _("%(start)s – %(end)s") % {"start": month_year(start), "end": month_year(end)}
        )
    elif group["first_year"] is not None:
        parts.append(
            str(group["first_year"])
            if group["first_year"] == group["last_year"]
            else f"{group['first_year']}–{group['last_year']}"
        )
    if group["region_count"] == 1:
        parts.append(regions.get(group["one_region"], group["one_region"]))
    elif group["region_count"] > 1:
        parts.append(_("%(count)s kabupaten/kota") % {"count": number(group["region_count"])})
    elif group["branch_count"] == 1:
        parts.append(_("Cabang %(name)s") % {"name": branches.get(group["one_branch"], "")})
    elif group["op_entity"] != ChangeLog.Entity.COUNT:
        parts.append(_("Provinsi"))
    return " · ".join(parts)


def _groups(changes: QuerySet[ChangeLog]) -> QuerySet[Any]:
    """One row per operation: when, who, where from, scope and how many cells."""
    return (
        changes.annotate(group=group_of())
        .values("group")
        .annotate(
            started=Min("created_at"),
            first_id=Min("id"),
            op_user=Max("user_id"),
            op_source=Max("source"),
            op_detail=Max("source_detail"),
            op_entity=Max("entity"),
            entity_count=Count("entity", distinct=True),
            cells=Count("id"),
            first_period=Min(F("year") * 100 + F("month")),
            last_period=Max(F("year") * 100 + F("month")),
            first_year=Min("year"),
            last_year=Max("year"),
            region_count=Count("region_id", distinct=True),
            one_region=Max("region_id"),
            branch_count=Count("branch_id", distinct=True),
            one_branch=Max("branch_id"),
        )
        .order_by("-started", "-first_id")
    )


def _first_cells(changes: QuerySet[ChangeLog], groups: list[str]) -> dict[str, list[ChangeLog]]:
    """The first ``CELLS_SHOWN`` cells of each operation on the page, in one query."""
    operations = [group for group in groups if not group.startswith(ROW_PREFIX)]
    lone = [int(group[len(ROW_PREFIX) :]) for group in groups if group.startswith(ROW_PREFIX)]
    ranked = (
        changes.filter(Q(operation__in=operations) | Q(id__in=lone, operation=None))
        .annotate(rank=Window(RowNumber(), partition_by=[group_of()], order_by=[F("id").asc()]))
        .filter(rank__lte=CELLS_SHOWN)
        .select_related("region")
        .order_by("id")
    )
    cells: dict[str, list[ChangeLog]] = defaultdict(list)
    for change in ranked:
        cells[change.operation or f"{ROW_PREFIX}{change.pk}"].append(change)
    return cells


def _operation_rows(
    changes: QuerySet[ChangeLog], groups: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    users = {
        user.pk: user.get_username()
        for user in get_user_model().objects.filter(
            pk__in={g["op_user"] for g in groups if g["op_user"] is not None}
        )
    }
    regions = dict(Region.objects.values_list("bps_code", "name"))
    branches = dict(Branch.objects.values_list("code", "name"))
    cells = _first_cells(changes, [g["group"] for g in groups])
    rows = []
    for group in groups:
        entity = (
            str(ChangeLog.Entity(group["op_entity"]).label)
            if group["entity_count"] == 1 and group["op_entity"] in ChangeLog.Entity
            else _("Beragam")
        )
        rows.append(
            {
                **group,
                "user": users.get(group["op_user"], "–"),
                "source_text": source_label(group),
                "entity_text": entity,
                "scope": _scope_label(group, regions, branches),
                "cell_rows": _cell_rows(cells.get(group["group"], [])),
                "more": max(group["cells"] - CELLS_SHOWN, 0),
                "url": "?" + urlencode({"operation": group["group"]}),
            }
        )
    return rows


@permission_required("coverage.view_changelog")
@require_safe
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    changes = visible_changes(request.user)
    scope = user_branch_codes(request.user)
    regions = Region.objects.order_by("bps_code")
    branches = Branch.objects.order_by("code")
    if scope is not None:
        regions = regions.filter(branch_id__in=scope)
        branches = branches.filter(code__in=scope)
    user_ids = set(changes.exclude(user=None).values_list("user_id", flat=True).distinct())
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("username")
    form = HistoryFilterForm(
        request.GET or None,
        regions=[(r.bps_code, f"{r.bps_code} {r.name}") for r in regions],
        users=[(str(u.pk), u.get_username()) for u in users],
        branches=[(b.code, b.name) for b in branches],
    )
    changes, cell_view = _filtered(changes, form)
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context: dict[str, Any] = {
        "form": form,
        "query": urlencode(query),
        "key": request.GET.get("key", "") if cell_view else "",
        "operation": form.cleaned_data.get("operation", "") if form.is_valid() else "",
        "filtered": bool(query),
        "cell_view": cell_view,
    }
    if cell_view:
        ordered = changes.select_related("user", "region").order_by("-created_at", "-id")
        page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, rows=_cell_rows(page.object_list))
    else:
        page = Paginator(_groups(changes), PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, operations=_operation_rows(changes, list(page.object_list)))
    return render(request, "entry/history.html", context)
