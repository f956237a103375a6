"""``/laporan-kelengkapan/`` ("Kelengkapan"): which regencies reported which month.

For admins and managers: the last twelve months × the branches they work for, each
cell a reporting rate ("Kupang 5/6") with the month's approval; below it one month
(``?bulan=YYYY-MM``, by default the newest) branch by branch, each expandable to its
regencies: reported (when, by whom: the latest change-log entry of that
regency-month), missing, or not expected yet (DOMAIN.md "Reporting completeness").

Everything is aggregated in SQL (the ledger's two grouped queries, one for the
approvals, one for the latest log entries); the tables are built by pure functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import selectors
from ..access import AuthenticatedHttpRequest, user_branch_codes
from ..calculations import Period
from ..completeness import Completeness, ReportingLedger
from ..formatting import month_year
from ..models import ChangeLog, MonthApproval, Role
from ..summaries import SummaryError, parse_period
from .guards import problem, role_required

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class BranchRef:
    code: str
    name: str
    region_codes: frozenset[str]


@dataclass(frozen=True)
class RateCell:
    """One month × (branch or province): how many of its regencies reported."""

    code: str | None  # None: the province
    name: str
    reported: int
    total: int  # the expected regencies and any newcomer that reported
    complete: bool
    approved: bool

    @property
    def rate(self) -> str:
        return f"{self.reported}/{self.total}"


@dataclass(frozen=True)
class MonthRow:
    period: Period
    cells: list[RateCell]


@dataclass(frozen=True)
class RegionLine:
    code: str
    name: str
    state: str  # reported, missing or not_expected
    reported_at: datetime.datetime | None
    reported_by: str


@dataclass(frozen=True)
class BranchDetail:
    cell: RateCell
    regions: list[RegionLine]


def rate_cell(choice: Completeness, *, code: str | None, name: str, approved: bool) -> RateCell:
    return RateCell(
        code=code,
        name=name,
        reported=choice.regions_reported,
        total=len(choice.expected | choice.reported),
        complete=choice.complete,
        approved=approved,
    )


def month_rows(
    *,
    ledger: ReportingLedger,
    periods: Sequence[Period],
    branches: Sequence[BranchRef],
    province: frozenset[str] | None,
    approved: Collection[tuple[Period, str | None]],
) -> list[MonthRow]:
    """The rate table: a row per month, a cell per branch (first the province when
    ``province`` holds its regencies). A branch-month is approved when it or the
    province is locked."""
    rows = []
    for period in periods:
        province_locked = (period, None) in approved
        cells = []
        if province is not None:
            cells.append(
                rate_cell(
                    ledger.completeness(period, province),
                    code=None,
                    name=_("Provinsi NTT"),
                    approved=province_locked,
                )
            )
        cells += [
            rate_cell(
                ledger.completeness(period, branch.region_codes),
                code=branch.code,
                name=branch.name,
                approved=province_locked or (period, branch.code) in approved,
            )
            for branch in branches
        ]
        rows.append(MonthRow(period=period, cells=cells))
    return rows


def region_lines(
    choice: Completeness,
    *,
    region_codes: Sequence[str],
    names: Mapping[str, str],
    entries: Mapping[str, tuple[datetime.datetime, str]],
) -> list[RegionLine]:
    """Each regency of a branch in ``choice``'s month: reported (with the latest log
    entry's time and user), missing (expected, no row) or not expected yet."""
    lines = []
    for code in region_codes:
        if code in choice.reported:
            state = "reported"
        elif code in choice.expected:
            state = "missing"
        else:
            state = "not_expected"
        at, by = entries.get(code, (None, ""))
        lines.append(
            RegionLine(
                code=code,
                name=names.get(code, code),
                state=state,
                reported_at=at if state == "reported" else None,
                reported_by=by if state == "reported" else "",
            )
        )
    return lines


# --- loading ----------------------------------------------------------------------------------


def approved_months(periods: Sequence[Period]) -> set[tuple[Period, str | None]]:
    """``(month, branch code or None for the province)`` of every locked approval."""
    if not periods:
        return set()
    rows = MonthApproval.objects.filter(
        locked=True, year__gte=periods[-1].year, year__lte=periods[0].year
    ).values_list("year", "month", "branch_id")
    wanted = set(periods)
    return {
        (Period(int(year), int(month)), branch)
        for year, month, branch in rows
        if Period(int(year), int(month)) in wanted
    }


def latest_entries(
    period: Period, region_codes: Collection[str]
) -> dict[str, tuple[datetime.datetime, str]]:
    """The latest count change of each regency in ``period``: when and by whom."""
    latest = (
        ChangeLog.objects.filter(
            entity=ChangeLog.Entity.COUNT,
            year=period.year,
            month=period.month,
            region_id__in=list(region_codes),
        )
        .values("region_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    rows = ChangeLog.objects.filter(id__in=latest).values_list(
        "region_id", "created_at", "user__username"
    )
    return {str(code): (at, by or _("sistem")) for code, at, by in rows}


def _branches(user: Any) -> tuple[list[BranchRef], frozenset[str] | None]:
    """The user's branches with their regencies, and the province's regencies when the
    user works for the whole province (else None: no province column)."""
    reference = selectors.reference_frames()
    allowed = user_branch_codes(user)
    regions_of: dict[str, set[str]] = {}
    for code, branch in zip(
        reference.regions["region_code"], reference.regions["branch_code"], strict=True
    ):
        regions_of.setdefault(str(branch), set()).add(str(code))
    branches = [
        BranchRef(code=str(code), name=str(name), region_codes=frozenset(regions_of.get(code, ())))
        for code, name in zip(
            reference.branches["branch_code"], reference.branches["name"], strict=True
        )
        if allowed is None or str(code) in allowed
    ]
    province = frozenset(map(str, reference.regions["region_code"])) if allowed is None else None
    return branches, province


@require_safe
@role_required(Role.ADMIN)
def reporting(request: AuthenticatedHttpRequest) -> HttpResponse:
    ledger = selectors.reporting_ledger()
    periods = list(reversed(ledger.periods))[:MONTHS_SHOWN]
    if not periods:
        return problem(request, _("Belum ada data kepesertaan."), status=404)
    try:
        text = request.GET.get("bulan")
        chosen = parse_period(text) if text else periods[0]
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    if chosen not in ledger.periods:
        return problem(
            request,
            _("Belum ada data kepesertaan untuk periode %(period)s.") % {"period": str(chosen)},
            status=404,
        )
    branches, province = _branches(request.user)
    approved = approved_months(sorted({*periods, chosen}, reverse=True))
    rows = month_rows(
        ledger=ledger, periods=periods, branches=branches, province=province, approved=approved
    )
    regions = selectors.reference_frames().regions
    names = {
        str(code): str(name)
        for code, name in zip(regions["region_code"], regions["name"], strict=True)
    }
    codes = sorted({code for branch in branches for code in branch.region_codes})
    entries = latest_entries(chosen, codes)
    details = [
        BranchDetail(
            cell=rate_cell(
                ledger.completeness(chosen, branch.region_codes),
                code=branch.code,
                name=branch.name,
                approved=(chosen, None) in approved or (chosen, branch.code) in approved,
            ),
            regions=region_lines(
                ledger.completeness(chosen, branch.region_codes),
                region_codes=sorted(branch.region_codes, key=lambda code: names.get(code, code)),
                names=names,
                entries=entries,
            ),
        )
        for branch in branches
    ]
    context = {
        "rows": rows,
        "columns": rows[0].cells if rows else [],
        "chosen": chosen,
        "chosen_label": month_year(chosen),
        "month_options": [(str(period), month_year(period)) for period in periods],
        "details": details,
    }
    return render(request, "coverage/reporting.html", context)
