"""Database → figures about initiatives: where they apply and what changed since they began.

The observed change is an **association**, not an effect: it is everything that
happened to active participants in the initiative's scope since the month before
it started, whatever the cause. Each figure is aggregated in SQL (one query per
initiative, two conditional sums), so nothing loads rows of counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from .calculations import Period
from .models import Initiative, ParticipantCount, Region


@dataclass(frozen=True)
class ObservedChange:
    """Active participants in an initiative's scope before it started and now.

    ``before`` is the month before the start month; ``change`` is ``None`` when
    that month or the latest month has no counts in the scope, or the initiative
    starts after the latest month.
    """

    initiative_id: int
    before_period: Period
    latest_period: Period
    before_active: int | None
    latest_active: int | None

    @property
    def started(self) -> bool:
        return self.before_period < self.latest_period

    @property
    def change(self) -> int | None:
        if not self.started or self.before_active is None or self.latest_active is None:
            return None
        return self.latest_active - self.before_active


def start_period(initiative: Initiative) -> Period:
    return Period(initiative.start_date.year, initiative.start_date.month)


def initiative_region_codes(initiative: Initiative) -> frozenset[str] | None:
    """The regencies an initiative covers: its own plus its branches' (``None``: all NTT)."""
    regions = {region.bps_code for region in initiative.regions.all()}
    branches = [branch.code for branch in initiative.branches.all()]
    if branches:
        regions |= set(
            Region.objects.filter(branch_id__in=branches).values_list("bps_code", flat=True)
        )
    return frozenset(regions) if regions else None


def _scope_counts(initiative: Initiative) -> QuerySet[ParticipantCount]:
    counts = ParticipantCount.objects.all()
    region_codes = initiative_region_codes(initiative)
    if region_codes is not None:
        counts = counts.filter(region_id__in=sorted(region_codes))
    sectors = [sector.code for sector in initiative.sectors.all()]
    if sectors:
        counts = counts.filter(sector_id__in=sectors)
    segments = [segment.code for segment in initiative.segments.all()]
    if segments:
        counts = counts.filter(segment_id__in=segments)
    return counts


def observed_change(initiative: Initiative, *, latest: Period) -> ObservedChange:
    """Active participants in the initiative's regions (and sectors/segments, if given)
    in ``latest`` minus those in the month before its start month."""
    before = start_period(initiative).shift(-1)
    in_before = Q(year=before.year, month=before.month)
    in_latest = Q(year=latest.year, month=latest.month)
    sums = (
        _scope_counts(initiative)
        .filter(in_before | in_latest)
        .aggregate(
            before_active=Sum("active", filter=in_before),
            latest_active=Sum("active", filter=in_latest),
        )
    )
    return ObservedChange(
        initiative_id=initiative.pk,
        before_period=before,
        latest_period=latest,
        before_active=None if sums["before_active"] is None else int(sums["before_active"]),
        latest_active=None if sums["latest_active"] is None else int(sums["latest_active"]),
    )


def initiatives_with_relations() -> QuerySet[Initiative]:
    return Initiative.objects.prefetch_related("branches", "regions", "sectors", "segments")


def observed_changes(
    initiatives: Iterable[Initiative], *, latest: Period
) -> dict[int, ObservedChange]:
    return {item.pk: observed_change(item, latest=latest) for item in initiatives}


def initiatives_for_scope(
    *, kind: str, code: str, branch_code: str | None = None
) -> list[Initiative]:
    """Initiatives that touch a scope: every one for the province; for a branch, those
    naming it or one of its regencies; for a regency, those naming it or its branch.
    Initiatives naming neither branches nor regencies are province-wide and always shown.
    """
    initiatives = list(initiatives_with_relations().order_by("start_date", "name"))
    if kind == "province":
        return initiatives
    if kind == "branch":
        members = set(Region.objects.filter(branch_id=code).values_list("bps_code", flat=True))
        branch_codes = {code}
    else:
        members = {code}
        branch_codes = {branch_code} if branch_code else set()
    result = []
    for initiative in initiatives:
        branches = {branch.code for branch in initiative.branches.all()}
        regions = {region.bps_code for region in initiative.regions.all()}
        province_wide = not branches and not regions
        if province_wide or branches & branch_codes or regions & members:
            result.append(initiative)
    return result
