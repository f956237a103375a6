"""``/persetujuan/``: managers approve (lock) months per branch or for the province,
and unlock them with a reason. ``access.can_approve`` decides who may do which.
Each cell shows how far the month is reported; approving an incomplete one needs a
reason (``services.month_approve`` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import selectors, services
from ..access import AuthenticatedHttpRequest, can_approve, user_branch_codes
from ..calculations import Period
from ..completeness import Completeness
from ..forms import ApprovalForm, UnlockForm
from ..models import Branch, MonthApproval, Role, ScopeType
from .entry import current_month
from .guards import role_required

MONTHS_SHOWN = 12


@dataclass
class ApprovalCell:
    """One month × (branch or province): ``approved``, ``unlocked``, ``provisional``
    or ``province`` (locked by the province's approval)."""

    period: Period
    branch_code: str | None
    state: str
    approval: MonthApproval | None
    can_act: bool
    # how far the month is reported for the branch (or the province): approving an
    # incomplete one needs a reason
    completeness: Completeness | None = None

    @property
    def rate(self) -> str:
        if self.completeness is None:
            return ""
        return f"{self.completeness.regions_reported}/{self.completeness.regions_expected}"


def _columns(user: Any) -> list[tuple[str | None, str]]:
    branches = user_branch_codes(user)
    rows = Branch.objects.order_by("code")
    if branches is not None:
        rows = rows.filter(code__in=branches)
    columns: list[tuple[str | None, str]] = [(b.code, b.name) for b in rows]
    if branches is None:
        columns.insert(0, (None, _("Provinsi NTT")))
    return columns


def _periods() -> list[Period]:
    periods = selectors.available_periods()
    if periods and periods[-1].shift(1) <= current_month():
        periods.append(periods[-1].shift(1))
    return list(reversed(periods))[:MONTHS_SHOWN]


def _region_codes(columns: list[tuple[str | None, str]]) -> dict[str | None, frozenset[str]]:
    """Each column's regencies (``None``: the province's)."""
    regions = selectors.reference_frames().regions
    pairs = list(zip(regions["region_code"], regions["branch_code"], strict=True))
    return {
        code: frozenset(
            str(region) for region, branch in pairs if code is None or str(branch) == code
        )
        for code, _name in columns
    }


def approval_table(user: Any) -> tuple[list[tuple[str | None, str]], list[dict[str, Any]]]:
    columns = _columns(user)
    periods = _periods()
    ledger = selectors.reporting_ledger(since=periods[-1]) if periods else None
    region_codes = _region_codes(columns)
    approvals = {
        (a.year, a.month, a.branch_id): a
        for a in MonthApproval.objects.filter(year__in={p.year for p in periods}).select_related(
            "approved_by", "unlocked_by"
        )
    }
    rows = []
    for period in periods:
        province = approvals.get((period.year, period.month, None))
        province_locked = province is not None and province.locked
        cells = []
        for code, _name in columns:
            approval = approvals.get((period.year, period.month, code))
            if code is not None and province_locked:
                state = "province"
            elif approval is None:
                state = "provisional"
            else:
                state = "approved" if approval.locked else "unlocked"
            cells.append(
                ApprovalCell(
                    period=period,
                    branch_code=code,
                    state=state,
                    approval=approval,
                    can_act=state != "province" and can_approve(user, branch_code=code),
                    completeness=ledger.completeness(period, region_codes[code])
                    if ledger is not None
                    else None,
                )
            )
        rows.append({"period": period, "cells": cells})
    return columns, rows


def _page(
    request: AuthenticatedHttpRequest, *, status: int = 200, problem: str = ""
) -> HttpResponse:
    columns, rows = approval_table(request.user)
    context = {"columns": columns, "rows": rows, "problem": problem}
    return render(request, "entry/approval.html", context, status=status)


@role_required(Role.MANAGER)
@require_safe
def approval(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request)


def _where(branch_code: str | None) -> str:
    if branch_code is None:
        return _("Provinsi NTT")
    branch = Branch.objects.filter(code=branch_code).first()
    return branch.name if branch else branch_code


def _refusal(
    request: AuthenticatedHttpRequest, branch_code: str | None, message: str
) -> HttpResponse | None:
    """The 403 page when the user may not approve or unlock ``branch_code`` (``None``: the
    province); ``message`` names the place as ``%(where)s``."""
    if can_approve(request.user, branch_code=branch_code):
        return None
    return _page(request, status=403, problem=message % {"where": _where(branch_code)})


@role_required(Role.MANAGER)
@require_POST
def approve(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, problem=_("Permintaan persetujuan tidak valid."))
    period: Period = form.cleaned_data["period"]
    branch_code: str | None = form.cleaned_data["branch"]
    refused = _refusal(request, branch_code, _("Anda tidak berwenang menyetujui %(where)s."))
    if refused:
        return refused
    if period > current_month():
        return _page(request, status=400, problem=_("Bulan yang belum tiba tidak dapat disetujui."))
    try:
        services.month_approve(
            year=period.year,
            month=period.month,
            branch_code=branch_code,
            user_id=request.user.pk,
            reason=request.POST.get("reason", ""),
        )
    except services.IncompleteApprovalError as error:
        return _page(request, status=400, problem=error.message)
    except ValueError:
        return _page(request, status=400, problem=_("Kantor cabang tidak dikenal."))
    messages.success(
        request,
        _("%(period)s untuk %(where)s disetujui dan dikunci.")
        % {"period": period, "where": _where(branch_code)},
    )
    return redirect("coverage:approval")


@role_required(Role.MANAGER)
@require_POST
def unlock(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _page(request, status=400, problem=message)
    period: Period = form.cleaned_data["period"]
    branch_code: str | None = form.cleaned_data["branch"]
    refused = _refusal(request, branch_code, _("Anda tidak berwenang membuka kunci %(where)s."))
    if refused:
        return refused
    scope_type = ScopeType.BRANCH if branch_code else ScopeType.PROVINCE
    if not MonthApproval.objects.filter(
        year=period.year, month=period.month, scope_type=scope_type, branch_id=branch_code
    ).exists():
        return _page(request, status=404, problem=_("Bulan ini belum pernah disetujui."))
    services.month_unlock(
        year=period.year,
        month=period.month,
        branch_code=branch_code,
        user_id=request.user.pk,
        reason=form.cleaned_data["reason"],
    )
    messages.success(
        request,
        _("Kunci %(period)s untuk %(where)s dibuka.")
        % {"period": period, "where": _where(branch_code)},
    )
    return redirect("coverage:approval")
