"""``/isian/``: the monthly entry grid, one regency at a time (sector × segment).

A branch-wide scope shows a read-only regency × segment summary of the branch
and lets the user pick one of its regencies to edit: 21 sectors × 4 segments is
a grid one can still read, where a whole branch of sector detail (up to several
hundred inputs) is not. Each cell has two inputs: active participants (``c-…``)
and non-active ones (``n-…``); a non-active count is never replaced by 0 unseen
(see ``grid_rules.check_grid``). "Salin bulan lalu" (``?prefill=last``) fills
the regency's cells with last month's values, to be checked and saved.

Saving is one ``services.grid_counts_save`` call. The form carries a version (the
highest change-log id of the month's cells of that regency when the grid was
opened); if anyone saved those cells since, the service refuses the save and the
page lists the changed cells, so nobody overwrites another's work without seeing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from .. import formatting, selectors
from ..access import AuthenticatedHttpRequest, writable_region_codes
from ..calculations import InvalidPeriod, Period
from ..models import (
    Branch,
    ChangeLog,
    ChangeSource,
    ParticipantCount,
    Region,
    Role,
    Sector,
    Segment,
)
from ..records import ParticipantRecord
from ..services import (
    GridConflictError,
    LockedPeriodError,
    WriteContext,
    count_key,
    grid_counts_save,
    grid_version,
    locked_month_lines,
)
from .grid_rules import HISTORY_MONTHS, Cell, GridCheck, check_grid, parse_cell
from .guards import role_required

CELL_PREFIX = "c-"
NONACTIVE_PREFIX = "n-"
PREFIXES = (CELL_PREFIX, NONACTIVE_PREFIX)


def approval_badge_context(*, period: Period, branch_codes: Iterable[str] | None) -> dict[str, str]:
    """The context of ``coverage/_approval_badge.html`` for a dashboard scope.

    ``branch_codes`` None means the province; a region's page passes its branch.
    """
    codes = None if branch_codes is None else list(branch_codes)
    return {"approval_state": selectors.approval_state(period=period, branch_codes=codes)}


def current_month() -> Period:
    today = timezone.localdate()
    return Period(today.year, today.month)


# --- loading ------------------------------------------------------------------------------


@dataclass
class Scope:
    """What the picker offers and what is chosen: a branch (with a regency) or a regency."""

    code: str
    branch: Branch
    region: Region
    branch_regions: list[Region]
    is_branch: bool


@dataclass
class GridCell:
    name: str
    key: str
    value: str
    placeholder: str
    previous: int | None
    nonactive_name: str = ""
    nonactive_value: str = ""
    nonactive_placeholder: str = ""
    previous_nonactive: int | None = None
    label: str = ""
    nonactive_label: str = ""
    error: str = ""
    nonactive_error: str = ""
    warning: str = ""


@dataclass
class GridRow:
    code: str
    name: str
    cells: list[GridCell] = field(default_factory=list)
    total: int = 0
    previous_total: int = 0


def _scope_choices(writable: frozenset[str]) -> list[tuple[Branch, list[Region]]]:
    regions = Region.objects.filter(bps_code__in=writable).select_related("branch")
    grouped: dict[str, list[Region]] = defaultdict(list)
    branches: dict[str, Branch] = {}
    for region in regions.order_by("branch__code", "bps_code"):
        grouped[region.branch_id].append(region)
        branches[region.branch_id] = region.branch
    return [(branches[code], grouped[code]) for code in sorted(grouped)]


def _pick_scope(
    choices: list[tuple[Branch, list[Region]]], scope_code: str, region_code: str
) -> Scope | None:
    for branch, regions in choices:
        if scope_code == branch.code:
            chosen = next((r for r in regions if r.bps_code == region_code), regions[0])
            return Scope(branch.code, branch, chosen, regions, is_branch=True)
        for region in regions:
            if scope_code == region.bps_code:
                return Scope(region.bps_code, branch, region, regions, is_branch=False)
    return None


def _month_counts(
    period: Period, region_codes: Iterable[str]
) -> dict[tuple[str, Cell], tuple[int, int]]:
    """``{(region, cell): (active, nonactive)}`` of one month."""
    rows = ParticipantCount.objects.filter(
        year=period.year, month=period.month, region_id__in=list(region_codes)
    ).values_list("region_id", "sector_id", "segment_id", "active", "nonactive")
    return {
        (region, (sector, segment)): (active, nonactive)
        for region, sector, segment, active, nonactive in rows
    }


def _cells_of(
    counts: dict[tuple[str, Cell], tuple[int, int]], region_code: str, *, index: int = 0
) -> dict[Cell, int]:
    """One regency's active (``index`` 0) or non-active (1) counts."""
    return {cell: value[index] for (region, cell), value in counts.items() if region == region_code}


def _segment_history(period: Period, region_code: str) -> dict[str, list[int]]:
    """The regency's monthly total per segment over the months before ``period``."""
    start = period.shift(-HISTORY_MONTHS)
    rows = (
        ParticipantCount.objects.filter(region_id=region_code, year__gte=start.year)
        .filter(year__lte=period.year)
        .values("year", "month", "segment_id")
        .order_by("year", "month", "segment_id")
        .annotate(total=Sum("active"))
        .values_list("year", "month", "segment_id", "total")
    )
    history: dict[str, list[int]] = defaultdict(list)
    for year, month, segment, total in rows:
        if start <= Period(year, month) < period:
            history[segment].append(int(total))
    return history


# --- the view -----------------------------------------------------------------------------


def _period_from(request: HttpRequest, latest: Period | None) -> Period:
    text = (request.POST if request.method == "POST" else request.GET).get("period", "")
    if text:
        return Period.parse(text)
    return latest or current_month().shift(-1)


@role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def grid(request: AuthenticatedHttpRequest) -> HttpResponse:
    writable = writable_region_codes(request.user)
    choices = _scope_choices(writable)
    if not choices:
        return render(
            request,
            "entry/problem.html",
            {"message": _("Akun Anda belum memiliki wilayah kerja. Hubungi administrator.")},
            status=403,
        )
    periods = selectors.available_periods()
    latest = periods[-1] if periods else None
    try:
        period = _period_from(request, latest)
    except InvalidPeriod:
        return render(
            request,
            "entry/problem.html",
            {"message": _("Periode harus berformat TTTT-BB, misalnya 2025-04.")},
            status=400,
        )
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        posted_regions = {
            name[2:].split("-", 1)[0] for name in request.POST if name.startswith(PREFIXES)
        }
        posted_regions.add(request.POST.get("region", ""))
        if not posted_regions <= writable:
            return render(
                request,
                "entry/problem.html",
                {
                    "message": _(
                        "Sebagian sel berada di luar wilayah kerja Anda; tidak ada yang disimpan."
                    )
                },
                status=403,
            )
        scope_code = request.POST.get("scope", "") or request.POST.get("region", "")
    else:
        scope_code = data.get("scope", "") or choices[0][0].code
    scope = _pick_scope(choices, scope_code, data.get("region", ""))
    if scope is None:
        return render(
            request,
            "entry/problem.html",
            {
                "message": _("Wilayah %(code)s tidak ada dalam wilayah kerja Anda.")
                % {"code": scope_code}
            },
            status=403 if request.method == "POST" else 404,
        )
    page = GridPage(request=request, period=period, scope=scope, choices=choices, latest=latest)
    if request.method == "POST":
        return page.post()
    return page.render(status=200)


class GridPage:
    """One request to the grid: its data, the checks of a POST, and the rendering."""

    def __init__(
        self,
        *,
        request: HttpRequest,
        period: Period,
        scope: Scope,
        choices: list[tuple[Branch, list[Region]]],
        latest: Period | None,
    ) -> None:
        self.request = request
        self.period = period
        self.previous_period = period.shift(-1)
        self.scope = scope
        self.choices = choices
        self.latest = latest
        self.region = scope.region
        self.sectors = [(s.code, s.display_name) for s in Sector.objects.order_by("code")]
        self.segments = [(s.code, s.display_name) for s in Segment.objects.order_by("code")]
        region_codes = [r.bps_code for r in scope.branch_regions]
        self.month_counts = _month_counts(period, region_codes)
        self.previous_counts = _month_counts(self.previous_period, region_codes)
        self.stored = _cells_of(self.month_counts, self.region.bps_code)
        self.previous = _cells_of(self.previous_counts, self.region.bps_code)
        self.stored_nonactive = _cells_of(self.month_counts, self.region.bps_code, index=1)
        self.previous_nonactive = _cells_of(self.previous_counts, self.region.bps_code, index=1)
        locked = selectors.locked_region_months({(period.year, period.month)})
        self.locked = (period.year, period.month, self.region.bps_code) in locked
        self.future = period > current_month()
        self.typed: dict[Cell, str] = {}
        self.typed_nonactive: dict[Cell, str] = {}
        self.check = GridCheck()
        self.conflicts: list[ChangeLog] = []
        self.problem = ""
        self.version = grid_version(period, self.region.bps_code)

    def input_name(self, cell: Cell, prefix: str = CELL_PREFIX) -> str:
        return f"{prefix}{self.region.bps_code}-{cell[0]}-{cell[1]}"

    def url(self, **extra: str) -> str:
        query = {"period": str(self.period), "scope": self.scope.code}
        if self.scope.is_branch:
            query["region"] = self.region.bps_code
        query.update(extra)
        return f"{reverse('coverage:entry_grid')}?{urlencode(query)}"

    # --- POST ---------------------------------------------------------------------------

    def post(self) -> HttpResponse:
        post = self.request.POST
        known = {(sector, segment) for sector, _n in self.sectors for segment, _m in self.segments}
        for name, text in post.items():
            if not name.startswith(PREFIXES):
                continue
            parts = name[2:].split("-")
            cell = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
            if parts[0] != self.region.bps_code or cell not in known:
                # Rendered by the template, so the echoed name is escaped like any text.
                return render(
                    self.request,
                    "entry/problem.html",
                    {"message": _("Sel tidak dikenal: %(name)s") % {"name": name[:100]}},
                    status=400,
                )
            target = self.typed if name.startswith(CELL_PREFIX) else self.typed_nonactive
            target[cell] = str(text)
        if self.locked:
            # Answered before the cells are checked; ``grid_counts_save`` refuses it again
            # under the regency-month's lock, in case the month was approved meanwhile.
            self.problem = LockedPeriodError(
                [(self.period.year, self.period.month, self.region.bps_code)]
            ).message
            return self.render(status=409)
        if self.future:
            self.problem = _("Periode %(period)s belum tiba; belum dapat diisi.") % {
                "period": self.period
            }
            return self.render(status=400)
        self.check = check_grid(
            typed=self.typed,
            stored=self.stored,
            previous=self.previous,
            history=_segment_history(self.period, self.region.bps_code),
            typed_nonactive=self.typed_nonactive,
            stored_nonactive=self.stored_nonactive,
            previous_nonactive=self.previous_nonactive,
        )
        if self.check.has_errors:
            self.problem = _("Periksa sel yang ditandai merah; tidak ada yang disimpan.")
            return self.render(status=400)
        try:
            version = int(post.get("version", ""))
        except ValueError:
            self.problem = _("Versi formulir tidak ada; muat ulang formulir lalu simpan lagi.")
            return self.render(status=400)
        comment = post.get("comment", "").strip()[:300]
        if self.check.has_warnings and not (post.get("checked") and comment):
            self.problem = _(
                "Ada angka yang perlu diperiksa (ditandai kuning). Centang “Saya sudah "
                "memeriksa” dan tulis komentar untuk menyimpannya."
            )
            return self.render(status=200, version=version)
        if not self.check.changed:
            messages.info(self.request, _("Tidak ada perubahan; tidak ada yang disimpan."))
            return redirect(self.url())
        return self._save(version=version, comment=comment)

    def _save(self, *, version: int, comment: str) -> HttpResponse:
        records = [
            ParticipantRecord(
                year=self.period.year,
                month=self.period.month,
                region_code=self.region.bps_code,
                sector_code=sector,
                segment_code=segment,
                active=value,
                nonactive=self.check.nonactive[(sector, segment)],
            )
            for (sector, segment), value in sorted(self.check.values.items())
        ]
        context = WriteContext(
            user_id=self.request.user.pk,
            source=ChangeSource.GRID,
            source_detail=comment or "isian",
        )
        try:
            result = grid_counts_save(
                records,
                period=self.period,
                region_code=self.region.bps_code,
                version=version,
                context=context,
            )
        except GridConflictError as error:
            self.conflicts = error.changes
            self.problem = _(
                "Data bulan ini untuk %(region)s sudah diubah orang lain sejak formulir dibuka; "
                "tidak ada yang disimpan. Sel yang berubah tercantum di bawah; muat ulang "
                "formulir untuk melihat angka terbaru."
            ) % {"region": self.region.name}
            return self.render(status=409, version=version)
        except LockedPeriodError as error:
            self.problem = error.message
            return self.render(status=409, version=version)
        messages.success(
            self.request,
            ngettext(
                "Tersimpan: %(created)s sel baru dan %(updated)s sel diubah untuk %(region)s, "
                "%(period)s.",
                "Tersimpan: %(created)s sel baru dan %(updated)s sel diubah untuk %(region)s, "
                "%(period)s.",
                result.created,
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "region": self.region.name,
                "period": self.period,
            },
        )
        return redirect(self.url())

    # --- rendering ----------------------------------------------------------------------

    def _rows(self) -> tuple[list[GridRow], list[dict[str, Any]], int, int]:
        empty_month = not self.stored
        prefill = self.request.method != "POST" and self.request.GET.get("prefill") == "last"
        rows: list[GridRow] = []
        column_totals = dict.fromkeys((code for code, _name in self.segments), 0)
        column_previous = dict.fromkeys((code for code, _name in self.segments), 0)
        for sector, sector_name in self.sectors:
            row = GridRow(code=sector, name=sector_name)
            for segment, _segment_name in self.segments:
                cell = (sector, segment)
                previous = self.previous.get(cell)
                previous_nonactive = self.previous_nonactive.get(cell)
                value = self._shown(cell, self.typed, self.stored, previous, prefill=prefill)
                nonactive = self._shown(
                    cell,
                    self.typed_nonactive,
                    self.stored_nonactive,
                    previous_nonactive if previous is not None else None,
                    prefill=prefill,
                )
                number = parse_cell(value)[0]
                row.total += number or 0
                column_totals[segment] += number or 0
                row.previous_total += previous or 0
                column_previous[segment] += previous or 0
                names = {"sector": sector, "segment": segment}
                row.cells.append(
                    GridCell(
                        name=self.input_name(cell),
                        key=count_key(
                            self.period.year, self.period.month, self.region.bps_code, *cell
                        ),
                        value=value,
                        placeholder=formatting.number(previous)
                        if empty_month and previous is not None
                        else "",
                        previous=previous,
                        nonactive_name=self.input_name(cell, NONACTIVE_PREFIX),
                        nonactive_value=nonactive,
                        nonactive_placeholder=formatting.number(previous_nonactive)
                        if empty_month and previous_nonactive is not None
                        else "",
                        previous_nonactive=previous_nonactive,
                        label=_("peserta aktif, sektor %(sector)s, segmen %(segment)s") % names,
                        nonactive_label=_("peserta nonaktif, sektor %(sector)s, segmen %(segment)s")
                        % names,
                        error=self.check.errors.get(cell, ""),
                        nonactive_error=self.check.nonactive_errors.get(cell, ""),
                        warning=self.check.warnings.get(cell, ""),
                    )
                )
            rows.append(row)
        columns = [
            {
                "code": code,
                "name": name,
                "total": column_totals[code],
                "previous": column_previous[code],
                "warning": self.check.column_warnings.get(code, ""),
            }
            for code, name in self.segments
        ]
        return rows, columns, sum(column_totals.values()), sum(column_previous.values())

    def _shown(
        self,
        cell: Cell,
        typed: dict[Cell, str],
        stored: dict[Cell, int],
        previous: int | None,
        *,
        prefill: bool,
    ) -> str:
        """What an input shows: the typed text, last month's value (when copying it),
        the stored value, or nothing; numbers with the reader's thousands marks."""
        if cell in typed:
            return typed[cell].strip()
        if prefill and previous is not None:
            return formatting.number(previous)
        if cell in stored:
            return formatting.number(stored[cell])
        return ""

    def _branch_summary(self) -> dict[str, Any] | None:
        if not self.scope.is_branch:
            return None
        segments = [code for code, _name in self.segments]
        rows: list[dict[str, Any]] = []
        for region in self.scope.branch_regions:
            now = _cells_of(self.month_counts, region.bps_code)
            before = _cells_of(self.previous_counts, region.bps_code)
            values = [sum(v for (_s, g), v in now.items() if g == seg) for seg in segments]
            rows.append(
                {
                    "region": region,
                    "values": values,
                    "total": sum(values),
                    "previous": sum(before.values()),
                    "filled": bool(now),
                    "url": self._region_url(region.bps_code),
                    "copy_url": self._region_url(region.bps_code, prefill="last") if before else "",
                    "current": region.bps_code == self.region.bps_code,
                }
            )
        totals = [sum(row["values"][i] for row in rows) for i in range(len(segments))]
        return {
            "rows": rows,
            "totals": totals,
            "total": sum(totals),
            "previous": sum(row["previous"] for row in rows),
        }

    def _region_url(self, region_code: str, **extra: str) -> str:
        query = {"period": str(self.period), "scope": self.scope.code, "region": region_code}
        query.update(extra)
        return f"{reverse('coverage:entry_grid')}?{urlencode(query)}"

    def _period_choices(self) -> list[Period]:
        periods = list(reversed(selectors.available_periods()))
        if self.latest is not None:
            following = self.latest.shift(1)
            if following <= current_month():
                periods.insert(0, following)
        if self.period not in periods:
            periods.insert(0, self.period)
        return periods

    def render(self, *, status: int, version: int | None = None) -> HttpResponse:
        rows, columns, total, previous_total = self._rows()
        following = self.latest.shift(1) if self.latest else None
        context = {
            "page": self,
            "period": self.period,
            "previous_period": self.previous_period,
            "scope": self.scope,
            "region": self.region,
            "choices": self.choices,
            "periods": self._period_choices(),
            "latest": self.latest,
            "following": following if following and following <= current_month() else None,
            "latest_url": self.url(period=str(self.latest)) if self.latest else "",
            "following_url": self.url(period=str(following)) if following else "",
            "prefill_url": self.url(prefill="last"),
            "prefilled": self.request.method != "POST"
            and self.request.GET.get("prefill") == "last"
            and bool(self.previous),
            "has_previous": bool(self.previous),
            "rows": rows,
            "columns": columns,
            "total": total,
            "previous_total": previous_total,
            "summary": self._branch_summary(),
            "read_only": self.locked or self.future,
            "locked": self.locked,
            "locked_by": "; ".join(
                locked_month_lines([(self.period.year, self.period.month, self.region.bps_code)])
            )
            if self.locked
            else "",
            "future": self.future,
            "empty_month": not self.stored,
            "version": self.version if version is None else version,
            "problem": self.problem,
            "check": self.check,
            "conflicts": self.conflicts,
            "comment": self.request.POST.get("comment", ""),
            "checked": bool(self.request.POST.get("checked")),
            "approval_state": selectors.approval_state(
                period=self.period, branch_codes=[self.scope.branch.code]
            ),
            "history_url": reverse("coverage:history"),
        }
        return render(self.request, "entry/grid.html", context, status=status)
