"""Pemda programmes: APBD-funded BPU workers, their quotas and what the budget has paid.

Pure and exact like ``coverage.calculations`` (no Django, no database): the
definitions of ``../shared/DOMAIN.md`` "Pemda programmes" in one place, so the
page, ``/api/programmes``, the regency pages and the PDF only format them.

- ``enrolled(m)``: the programme's workers enrolled in month ``m``, an
  end-of-month stock summed over its regencies (a regency without a row: 0).
- ``spent_idr(t)`` = Σ over the months ``m`` from the programme's start month to
  ``t`` (both inclusive; months after the end month not counted) of
  ``enrolled(m) × contribution_idr``.
- ``remaining_idr`` = ``budget_idr − spent_idr(t)`` (negative when overspent).
- ``months_left_at_current_enrolment`` = ``floor(remaining_idr / (enrolled(t) ×
  contribution_idr))``; ``None`` when nobody is enrolled in ``t``.
- ``quota_fill_pct`` = ``100 × enrolled(t) / quota``, rounded half away from zero
  to 2 decimals; ``None`` when the quota is 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .calculations import PROVINCE_CODE, Period

DEFAULT_CONTRIBUTION_IDR = 16_800  # JKK Rp10.000 + JKM Rp6.800, lowest BPU income band


@dataclass(frozen=True)
class ProgrammeTerms:
    """What a programme promises: who pays, how much, for which months."""

    code: str
    name: str
    funder_code: str  # "53" (the province) or a regency's BPS code
    year: int
    budget_idr: int
    contribution_idr: int
    start: Period
    end: Period

    @property
    def funded_by_province(self) -> bool:
        return self.funder_code == PROVINCE_CODE


@dataclass(frozen=True)
class RegionProgress:
    """One regency of a programme in month ``t``."""

    code: str
    name: str
    quota: int
    enrolled: int
    quota_fill_pct: Decimal | None


@dataclass(frozen=True)
class ProgrammeStatus:
    """A programme in month ``t``: the DOMAIN.md figures and the regency rows.

    It holds what was counted; the figures that follow from those are properties, so
    they cannot disagree with them.
    """

    terms: ProgrammeTerms
    period: Period
    quota: int
    enrolled: int
    spent_idr: int
    by_region: list[RegionProgress]

    @property
    def remaining_idr(self) -> int:
        return remaining_idr(budget_idr=self.terms.budget_idr, spent_idr=self.spent_idr)

    @property
    def months_left_at_current_enrolment(self) -> int | None:
        return months_left_at_current_enrolment(
            remaining_idr=self.remaining_idr,
            enrolled=self.enrolled,
            contribution_idr=self.terms.contribution_idr,
        )

    @property
    def quota_fill_pct(self) -> Decimal | None:
        return quota_fill_pct(enrolled=self.enrolled, quota=self.quota)

    @property
    def funded_until(self) -> Period | None:
        """The last month the remaining budget pays for at the current enrolment.

        ``t`` itself when nothing is left for a further month; ``None`` when nobody
        is enrolled (the money does not run out) or the budget is already overspent.
        """
        months = self.months_left_at_current_enrolment
        if months is None or months < 0:
            return None
        return self.period.shift(months)

    @property
    def monthly_cost_idr(self) -> int:
        """What the current enrolment costs per month."""
        return self.enrolled * self.terms.contribution_idr


def spent_idr(
    *,
    enrolled_by_month: Mapping[Period, int],
    contribution_idr: int,
    start: Period,
    end: Period,
    period: Period,
) -> int:
    """Σ ``enrolled(m) × contribution_idr`` for ``start ≤ m ≤ min(period, end)``."""
    last = min(period, end)
    return sum(
        enrolled * contribution_idr
        for month, enrolled in enrolled_by_month.items()
        if start <= month <= last
    )


def remaining_idr(*, budget_idr: int, spent_idr: int) -> int:
    return budget_idr - spent_idr


def months_left_at_current_enrolment(
    *, remaining_idr: int, enrolled: int, contribution_idr: int
) -> int | None:
    """Whole months the remaining budget pays for at ``enrolled`` workers (floor)."""
    monthly = enrolled * contribution_idr
    if monthly <= 0:
        return None
    return math.floor(Fraction(remaining_idr, monthly))


def quota_fill_pct(*, enrolled: int, quota: int) -> Decimal | None:
    """``100 × enrolled / quota`` to 2 decimals, halves away from zero; ``None`` for quota 0."""
    if quota <= 0:
        return None
    exact = Decimal(100 * enrolled) / Decimal(quota)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def programme_status(
    *,
    terms: ProgrammeTerms,
    period: Period,
    quotas: Mapping[str, int],
    enrolment: Mapping[tuple[Period, str], int],
    region_names: Mapping[str, str],
) -> ProgrammeStatus:
    """Every figure of a programme in ``period``.

    ``quotas`` maps regency code → quota; ``enrolment`` maps (month, regency code)
    → enrolled. ``by_region`` lists every regency with a quota, in BPS-code order
    (enrolled 0 until its first row); the importer refuses enrolment for a regency
    without a quota, so the rows add up to the programme's ``enrolled``.
    """
    by_month: dict[Period, int] = {}
    for (month, _region), enrolled in enrolment.items():
        by_month[month] = by_month.get(month, 0) + enrolled
    now = {region: enrolled for (month, region), enrolled in enrolment.items() if month == period}
    codes = sorted(quotas)
    rows = [
        RegionProgress(
            code=code,
            name=region_names.get(code, code),
            quota=quotas.get(code, 0),
            enrolled=now.get(code, 0),
            quota_fill_pct=quota_fill_pct(enrolled=now.get(code, 0), quota=quotas.get(code, 0)),
        )
        for code in codes
    ]
    spent = spent_idr(
        enrolled_by_month=by_month,
        contribution_idr=terms.contribution_idr,
        start=terms.start,
        end=terms.end,
        period=period,
    )
    return ProgrammeStatus(
        terms=terms,
        period=period,
        quota=sum(quotas.values()),
        enrolled=by_month.get(period, 0),
        spent_idr=spent,
        by_region=rows,
    )


def share_pct(part: int, whole: int | None) -> Decimal | None:
    """``100 × part / whole`` to 2 decimals (halves away from zero); ``None`` if whole ≤ 0."""
    if whole is None or whole <= 0:
        return None
    exact = Decimal(100 * part) / Decimal(whole)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def programme_as_dict(status: ProgrammeStatus) -> dict[str, object]:
    """The JSON shape of one programme in ``/api/programmes`` (numbers as JSON numbers)."""
    terms = status.terms
    return {
        "code": terms.code,
        "name": terms.name,
        "funder": terms.funder_code,
        "year": terms.year,
        "budget_idr": terms.budget_idr,
        "contribution_idr": terms.contribution_idr,
        "quota": status.quota,
        "enrolled": status.enrolled,
        "spent_idr": status.spent_idr,
        "remaining_idr": status.remaining_idr,
        "months_left_at_current_enrolment": status.months_left_at_current_enrolment,
        "quota_fill_pct": _number(status.quota_fill_pct),
        "by_region": [
            {
                "code": row.code,
                "name": row.name,
                "quota": row.quota,
                "enrolled": row.enrolled,
                "quota_fill_pct": _number(row.quota_fill_pct),
            }
            for row in status.by_region
        ],
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- the funded workers against the regency's participants and gap ---------------------


@dataclass(frozen=True)
class RegionShare:
    """A regency row of a programme with the funded workers' shares.

    ``share_of_bpu_pct`` = 100 × enrolled / the regency's active BPU participants;
    ``share_of_gap_pct`` = 100 × enrolled / the regency's UCJ coverage gap (workers
    still missing to its target), both in the same month; ``None`` without a figure.
    """

    row: RegionProgress
    bpu_active: int | None
    share_of_bpu_pct: Decimal | None
    gap_count: int | None
    share_of_gap_pct: Decimal | None


def region_shares(
    status: ProgrammeStatus,
    *,
    bpu_active: Mapping[str, int] | None,
    gap_counts: Mapping[str, int | None] | None,
) -> list[RegionShare]:
    """``status.by_region`` with shares; ``None`` mappings mean the month has no counts."""
    shares = []
    for row in status.by_region:
        bpu = None if bpu_active is None else bpu_active.get(row.code, 0)
        gap = None if gap_counts is None else gap_counts.get(row.code)
        shares.append(
            RegionShare(
                row=row,
                bpu_active=bpu,
                share_of_bpu_pct=share_pct(row.enrolled, bpu),
                gap_count=gap,
                share_of_gap_pct=share_pct(row.enrolled, gap),
            )
        )
    return shares


# --- the regency league table ("Peringkat kabupaten/kota") ------------------------------


@dataclass(frozen=True)
class Commitment:
    """A regency's Pemda commitment in a year; an empty ``regulation`` means none."""

    region_code: str
    regulation: str
    budget_idr: int
    village_apparatus_total: int
    village_apparatus_covered: int

    @property
    def has_regulation(self) -> bool:
        return bool(self.regulation.strip())

    @property
    def village_covered_pct(self) -> Decimal | None:
        return share_pct(self.village_apparatus_covered, self.village_apparatus_total)


@dataclass(frozen=True)
class LeagueRow:
    """One regency in the league table: figures from the coverage service, formatted only.

    ``change_pp`` = UCJ coverage in ``t`` − UCJ coverage in ``t − 12`` (percentage
    points), ``None`` when either month has no figure.
    """

    code: str
    name: str
    coverage_pct: Fraction | None
    change_pp: Fraction | None
    pace_ratio: Fraction | None
    probability: Fraction | None
    commitment: Commitment | None

    @property
    def probability_pct(self) -> Fraction | None:
        """The probability (0–1) as a percentage, as pages print it."""
        return None if self.probability is None else self.probability * 100


LEAGUE_SORTS = (
    "coverage",
    "change",
    "pace",
    "probability",
    "regulation",
    "budget",
    "village",
    "name",
)


def change_pp(current: Fraction | None, previous: Fraction | None) -> Fraction | None:
    if current is None or previous is None:
        return None
    return current - previous


def sort_league(rows: list[LeagueRow], *, key: str, descending: bool) -> list[LeagueRow]:
    """Rows ordered by ``key`` (one of ``LEAGUE_SORTS``); rows without a value always last,
    ties by BPS code."""

    def value(row: LeagueRow) -> object:
        commitment = row.commitment
        if key == "coverage":
            return row.coverage_pct
        if key == "change":
            return row.change_pp
        if key == "pace":
            return row.pace_ratio
        if key == "probability":
            return row.probability
        if key == "regulation":
            return None if commitment is None else int(commitment.has_regulation)
        if key == "budget":
            return None if commitment is None else commitment.budget_idr
        if key == "village":
            return None if commitment is None else commitment.village_covered_pct
        return row.name.casefold()

    present = sorted((row for row in rows if value(row) is not None), key=lambda row: row.code)
    present.sort(key=value, reverse=descending)  # type: ignore[arg-type]
    missing = sorted((row for row in rows if value(row) is None), key=lambda row: row.code)
    return present + missing
