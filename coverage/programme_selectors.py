"""Database → the inputs of ``coverage.programmes`` (one query per question).

Also the one place that decides a programme page's default month: the latest month
with programme-enrolment rows for any programme (docs/definitions.md, "Pemda
programmes").
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from .calculations import PROVINCE_CODE, Period
from .models import (
    MonthlyTotal,
    Programme,
    ProgrammeEnrolment,
    ProgrammeQuota,
    RegencyCommitment,
    Region,
)
from .programmes import Commitment, ProgrammeStatus, ProgrammeTerms, programme_status

BPU = "BPU"


def latest_enrolment_period(*, until: Period | None = None) -> Period | None:
    """The latest month (up to ``until``) with an enrolment row of any programme
    (``None``: none yet)."""
    rows = ProgrammeEnrolment.objects.all()
    if until is not None:
        rows = rows.filter(year__lte=until.year).exclude(year=until.year, month__gt=until.month)
    latest = rows.aggregate(year=Max("year"))["year"]
    if latest is None:
        return None
    month = rows.filter(year=latest).aggregate(month=Max("month"))["month"]
    return Period(int(latest), int(month))


def region_names() -> dict[str, str]:
    return dict(Region.objects.values_list("bps_code", "name"))


def funder_name(code: str, names: dict[str, str]) -> str:
    """Who pays: "Pemprov NTT" for the province, else the regency's name."""
    return _("Pemprov NTT") if code == PROVINCE_CODE else names.get(code, code)


def programme_terms(*, region_code: str | None = None) -> list[ProgrammeTerms]:
    """Every programme (ordered by code), or those with a quota in ``region_code``."""
    programmes = Programme.objects.order_by("code")
    if region_code is not None:
        programmes = programmes.filter(quotas__region_id=region_code).distinct()
    return [
        ProgrammeTerms(
            code=code,
            name=name,
            funder_code=funder or PROVINCE_CODE,
            year=year,
            budget_idr=budget,
            contribution_idr=contribution,
            start=Period(start_year, start_month),
            end=Period(end_year, end_month),
        )
        for (
            code, name, funder, year, budget, contribution, start_year, start_month, end_year,
            end_month,
        ) in programmes.values_list(
            "code", "name", "funder_id", "year", "budget_idr", "contribution_idr", "start_year",
            "start_month", "end_year", "end_month",
        )
    ]  # fmt: skip


def programme_statuses(*, period: Period, region_code: str | None = None) -> list[ProgrammeStatus]:
    """Every programme's figures in ``period`` (three queries whatever the count)."""
    terms = programme_terms(region_code=region_code)
    codes = [item.code for item in terms]
    quotas: dict[str, dict[str, int]] = defaultdict(dict)
    for code, region, quota in ProgrammeQuota.objects.filter(programme__code__in=codes).values_list(
        "programme__code", "region_id", "quota"
    ):
        quotas[code][region] = quota
    enrolment: dict[str, dict[tuple[Period, str], int]] = defaultdict(dict)
    rows = (
        ProgrammeEnrolment.objects.filter(programme__code__in=codes, year__lte=period.year)
        .exclude(year=period.year, month__gt=period.month)
        .values_list("programme__code", "year", "month", "region_id", "enrolled")
    )
    for code, year, month, region, enrolled in rows:
        enrolment[code][(Period(year, month), region)] = enrolled
    names = region_names()
    return [
        programme_status(
            terms=item,
            period=period,
            quotas=quotas[item.code],
            enrolment=enrolment[item.code],
            region_names=names,
        )
        for item in terms
    ]


def bpu_active_by_region(*, period: Period) -> dict[str, int]:
    """Active BPU (informal) participants per regency in ``period``."""
    rows = (
        MonthlyTotal.objects.filter(year=period.year, month=period.month, segment_id=BPU)
        .values("region_id")
        .order_by("region_id")
        .annotate(total=Sum("active"))
        .values_list("region_id", "total")
    )
    return {region: int(total or 0) for region, total in rows}


def commitments(*, year: int) -> dict[str, Commitment]:
    return {
        region: Commitment(region, regulation, budget, total, covered)
        for region, regulation, budget, total, covered in RegencyCommitment.objects.filter(
            year=year
        ).values_list(
            "region_id",
            "regulation",
            "budget_idr",
            "village_apparatus_total",
            "village_apparatus_covered",
        )
    }
