"""Row rules of the Pemda programme imports, on the readers and row machinery of the others.

Four kinds, with the same rules as the others (CSV or XLSX, comma or semicolon,
BOM, all or nothing, every problem as ``baris N, kolom C: …``):

- ``programmes``: ``code,name,funder,year,budget_idr,contribution_idr,start_period,end_period``
  (empty ``contribution_idr`` = Rp16.800; ``funder`` 53 or a regency's BPS code);
- ``programme_quotas``: ``programme,region_code,quota``;
- ``programme_enrolment``: ``period,programme,region_code,enrolled``;
- ``commitments``: ``year,region_code,regulation,budget_idr,village_apparatus_total,
  village_apparatus_covered``.

A quota or an enrolment row names a programme that must already be stored; an
enrolment row needs a quota for its regency and a month within the programme's
months. Nothing here writes: ``services.programme_apply_import`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from ..calculations import Period
from ..formatting import number
from ..models import Programme, ProgrammeQuota
from ..programme_records import (
    CommitmentRecord,
    EnrolmentRecord,
    ProgrammeImportRecord,
    ProgrammeRecord,
    QuotaRecord,
)
from ..programmes import DEFAULT_CONTRIBUTION_IDR
from ..services import PROGRAMME_KINDS
from . import messages as msg
from .readers import Layout, echo
from .rows import MAX_YEAR, MIN_YEAR, ImportResult, ReferenceCodes, RowParser, need, run_parser

__all__ = ["LAYOUTS", "PROGRAMME_KINDS", "ProgrammeReference", "parse_programme_file"]

MAX_BUDGET_IDR = 100_000_000_000_000  # Rp100 triliun
MAX_CONTRIBUTION_IDR = 10_000_000
MAX_WORKERS = 10_000_000
MAX_CODE_LENGTH = 40
MAX_REGULATION_LENGTH = 200

LAYOUTS: dict[str, Layout] = {
    "programmes": Layout(
        required=("code", "name", "funder", "year", "budget_idr", "start_period", "end_period"),
        optional=("contribution_idr",),
        key=("code",),
    ),
    "programme_quotas": Layout(
        required=("programme", "region_code", "quota"),
        optional=(),
        key=("programme", "region_code"),
    ),
    "programme_enrolment": Layout(
        required=("period", "programme", "region_code", "enrolled"),
        optional=(),
        key=("period", "programme", "region_code"),
    ),
    "commitments": Layout(
        required=(
            "year",
            "region_code",
            "budget_idr",
            "village_apparatus_total",
            "village_apparatus_covered",
        ),
        optional=("regulation",),
        key=("year", "region_code"),
    ),
}


_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class ProgrammeReference:
    """The stored programmes (code → start, end) and quotas a file may refer to."""

    months: dict[str, tuple[Period, Period]]
    quotas: frozenset[tuple[str, str]]

    @classmethod
    def load(cls) -> ProgrammeReference:
        return cls(
            months={
                code: (Period(sy, sm), Period(ey, em))
                for code, sy, sm, ey, em in Programme.objects.values_list(
                    "code", "start_year", "start_month", "end_year", "end_month"
                )
            },
            quotas=frozenset(ProgrammeQuota.objects.values_list("programme__code", "region_id")),
        )


def parse_programme_file(
    kind: str,
    *,
    name: str,
    data: bytes,
    today: date | None = None,
    reference: ReferenceCodes | None = None,
    programmes: ProgrammeReference | None = None,
) -> ImportResult:
    """Validate a whole programme file; its records, or every error in it (see ``parse_file``)."""
    return run_parser(
        kind=kind,
        name=name,
        data=data,
        layouts=LAYOUTS,
        today=today,
        reference=reference,
        parser_type=partial(_ProgrammeRowParser, programmes=programmes),
    )


class _ProgrammeRowParser(RowParser):
    """The shared row machinery (cells, formulas, duplicates) with the programme builders."""

    def __init__(self, *, kind: str, programmes: ProgrammeReference | None, **base: Any) -> None:
        """``base``: the layout, header, today and reference codes, as ``RowParser`` takes."""
        # The base class knows only its own kinds' builders; ours replace its choice.
        super().__init__(kind="workforce", **base)
        self.kind = kind
        self.programmes = programmes or ProgrammeReference.load()
        builders: dict[str, Callable[[], ProgrammeImportRecord]] = {
            "programmes": self._programme,
            "programme_quotas": self._quota,
            "programme_enrolment": self._enrolment,
            "commitments": self._commitment,
        }
        self.build = builders[kind]  # type: ignore[assignment]

    def _month(self, column: str) -> Period | None:
        """A programme's start or end month: ``YYYY-MM``, future months allowed."""
        value = self.required(column)
        if not value:
            return None
        match = _PERIOD_RE.match(value)
        shown = echo(value)
        if not match:
            self.fail(column, msg.PERIOD_FORMAT % {"value": shown})
            return None
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            self.fail(column, msg.PERIOD_MONTH % {"value": shown})
            return None
        if not MIN_YEAR <= year <= MAX_YEAR:
            self.fail(
                column,
                msg.PERIOD_YEAR % {"value": shown, "min": MIN_YEAR, "max": MAX_YEAR},
            )
            return None
        return Period(year, month)

    def _programme_code(self, column: str, *, stored: bool) -> str | None:
        value = self.required(column)
        if not value:
            return None
        value = value.upper()
        if len(value) > MAX_CODE_LENGTH or not _CODE_RE.match(value):
            self.fail(
                column,
                msg.PROGRAMME_CODE_FORMAT % {"value": echo(value), "limit": MAX_CODE_LENGTH},
            )
            return None
        if stored and value not in self.programmes.months:
            self.fail(column, msg.PROGRAMME_UNKNOWN % {"value": echo(value)})
            return None
        return value

    def _region(self) -> str | None:
        return self.code("region_code", known=self.reference.regions, message=msg.REGION_UNKNOWN)

    def _programme(self) -> ProgrammeRecord:
        code = self._programme_code("code", stored=False)
        name = self.text("name", required=True)
        funder = self.code(
            "funder", known=self.regions_and_province, message=msg.REGION_OR_PROVINCE_UNKNOWN
        )
        year = self.year("year")
        budget = self.integer("budget_idr", limit=MAX_BUDGET_IDR)
        contribution = self.integer("contribution_idr", limit=MAX_CONTRIBUTION_IDR, required=False)
        if contribution == 0:
            self.fail("contribution_idr", msg.CONTRIBUTION_ZERO % {"value": "'0'"})
        start = self._month("start_period")
        end = self._month("end_period")
        if start is not None and end is not None and end < start:
            self.fail("end_period", msg.END_BEFORE_START % {"start": start, "end": end})
        start, end = need(start), need(end)
        return ProgrammeRecord(
            code=need(code),
            name=name,
            funder_code=need(funder),
            year=need(year),
            budget_idr=need(budget),
            contribution_idr=contribution or DEFAULT_CONTRIBUTION_IDR,
            start_year=start.year,
            start_month=start.month,
            end_year=end.year,
            end_month=end.month,
        )

    def _quota(self) -> QuotaRecord:
        programme = self._programme_code("programme", stored=True)
        region = self._region()
        quota = self.integer("quota", limit=MAX_WORKERS)
        return QuotaRecord(
            programme_code=need(programme), region_code=need(region), quota=need(quota)
        )

    def _enrolment(self) -> EnrolmentRecord:
        period = self.period("period")
        programme = self._programme_code("programme", stored=True)
        region = self._region()
        enrolled = self.integer("enrolled", limit=MAX_WORKERS)
        if programme is not None and period is not None:
            start, end = self.programmes.months[programme]
            month = Period(*period)
            if not start <= month <= end:
                self.fail(
                    "period",
                    msg.ENROLMENT_OUTSIDE
                    % {"value": str(month), "programme": programme, "start": start, "end": end},
                )
        known = programme is not None and region is not None
        if known and (programme, region) not in self.programmes.quotas:
            self.fail("region_code", msg.NO_QUOTA % {"programme": programme, "region": region})
        period = need(period)
        return EnrolmentRecord(
            year=period[0],
            month=period[1],
            programme_code=need(programme),
            region_code=need(region),
            enrolled=need(enrolled),
        )

    def _commitment(self) -> CommitmentRecord:
        year = self.year("year")
        region = self._region()
        regulation = self.text("regulation", required=False)
        if len(regulation) > MAX_REGULATION_LENGTH:
            self.fail("regulation", msg.CELL_TOO_LONG % {"limit": MAX_REGULATION_LENGTH})
        budget = self.integer("budget_idr", limit=MAX_BUDGET_IDR)
        total = self.integer("village_apparatus_total", limit=MAX_WORKERS)
        covered = self.integer("village_apparatus_covered", limit=MAX_WORKERS)
        if total is not None and covered is not None and covered > total:
            self.fail(
                "village_apparatus_covered",
                msg.COVERED_OVER_TOTAL
                % {
                    "covered": number(covered),
                    "total": number(total),
                },
            )
        return CommitmentRecord(
            year=need(year),
            region_code=need(region),
            regulation=regulation,
            budget_idr=need(budget),
            village_apparatus_total=need(total),
            village_apparatus_covered=need(covered),
        )
