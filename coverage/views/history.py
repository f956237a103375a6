"""``/riwayat/``: the change log (*Riwayat perubahan*), filtered and paginated.

Who sees it: users with ``coverage.view_changelog`` (admins and managers). A
branch-scoped user sees the changes of their branches and regencies only.
``?key=2025-04/5371/A/PU`` shows one count's history (linked from the grid).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..access import user_branch_codes
from ..forms import HistoryFilterForm
from ..models import ChangeLog, ChangeSource, Region
from ..templatetags.idformat import idint
from .guards import permission_required

PAGE_SIZE = 50
_NUMBER_RE = re.compile(r"\d+")


def visible_changes(user: Any) -> QuerySet[ChangeLog]:
    changes = ChangeLog.objects.all()
    branches = user_branch_codes(user)
    if branches is not None:
        regions = Region.objects.filter(branch_id__in=branches).values("bps_code")
        changes = changes.filter(Q(branch_id__in=branches) | Q(region_id__in=regions))
    return changes


def source_label(change: ChangeLog) -> str:
    """Where a change came from: the grid's comment, the file name, the unlock reason…"""
    label = str(ChangeSource(change.source).label) if change.source in ChangeSource else ""
    detail = change.source_detail
    if change.source in (ChangeSource.UPLOAD, ChangeSource.CLI) and detail:
        return _("%(source)s: %(detail)s") % {"source": label, "detail": detail}
    if detail and detail != "isian":
        return _("%(source)s (%(detail)s)") % {"source": label, "detail": detail}
    return label or change.source


def value_label(change: ChangeLog, value: str) -> str:
    """Counts as ``1.250 / 40`` (active / non-active) in the reader's number format."""
    if not value:
        return "–"
    if change.entity == ChangeLog.Entity.COUNT:
        return _NUMBER_RE.sub(lambda match: idint(int(match.group())), value)
    return value


@permission_required("coverage.view_changelog")
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    changes = visible_changes(request.user)
    branches = user_branch_codes(request.user)
    regions = Region.objects.order_by("bps_code")
    if branches is not None:
        regions = regions.filter(branch_id__in=branches)
    user_ids = set(changes.exclude(user=None).values_list("user_id", flat=True).distinct())
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("username")
    form = HistoryFilterForm(
        request.GET or None,
        regions=[(r.bps_code, f"{r.bps_code} {r.name}") for r in regions],
        users=[(str(u.pk), u.get_username()) for u in users],
    )
    if form.is_valid():
        period = form.cleaned_data["period"]
        if period is not None:
            changes = changes.filter(year=period.year, month=period.month)
        if form.cleaned_data["region"]:
            changes = changes.filter(region_id=form.cleaned_data["region"])
        if form.cleaned_data["user"]:
            changes = changes.filter(user_id=form.cleaned_data["user"])
        if form.cleaned_data["entity"]:
            changes = changes.filter(entity=form.cleaned_data["entity"])
        if form.cleaned_data["key"]:
            changes = changes.filter(key=form.cleaned_data["key"].strip())
    elif form.is_bound:
        changes = changes.none()
    changes = changes.select_related("user", "region").order_by("-created_at", "-id")
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    rows = [
        {
            "change": change,
            "source": source_label(change),
            "old": value_label(change, change.old_value),
            "new": value_label(change, change.new_value),
        }
        for change in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": urlencode(query),
        "key": request.GET.get("key", ""),
        "filtered": bool(query),
    }
    return render(request, "entry/history.html", context)
