"""Writes: saving counts, workforce figures and targets, inside transactions.

Each function takes clean records (see ``coverage.records``) and upserts them in
bulk, so that an import of 100,000 rows is a handful of queries, not one per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from .models import ParticipantCount, ScopeType, Target, WorkforceFigure
from .records import ParticipantRecord, TargetRecord, WorkforceRecord

BATCH_SIZE = 2000


@dataclass(frozen=True)
class WriteResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def participant_counts_save(
    *, records: Sequence[ParticipantRecord], user_id: int | None = None
) -> WriteResult:
    """Insert or replace the counts of each (period, region, sector, segment)."""
    existing = _existing_counts(records)
    created = updated = unchanged = 0
    changed: list[ParticipantCount] = []
    for record in records:
        before = existing.get(record.key)
        if before is None:
            created += 1
        elif before == (record.active, record.nonactive):
            unchanged += 1
            continue
        else:
            updated += 1
        changed.append(
            ParticipantCount(
                year=record.year,
                month=record.month,
                region_id=record.region_code,
                sector_id=record.sector_code,
                segment_id=record.segment_code,
                active=record.active,
                nonactive=record.nonactive,
                updated_by_id=user_id,
            )
        )
    ParticipantCount.objects.bulk_create(
        changed,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["year", "month", "region", "sector", "segment"],
        update_fields=["active", "nonactive", "updated_at", "updated_by"],
    )
    return WriteResult(created=created, updated=updated, unchanged=unchanged)


def _existing_counts(
    records: Sequence[ParticipantRecord],
) -> dict[tuple[int, int, str, str, str], tuple[int, int]]:
    periods = {(r.year, r.month) for r in records}
    existing: dict[tuple[int, int, str, str, str], tuple[int, int]] = {}
    for year, month in periods:
        rows = ParticipantCount.objects.filter(year=year, month=month).values_list(
            "year", "month", "region_id", "sector_id", "segment_id", "active", "nonactive"
        )
        for y, m, region, sector, segment, active, nonactive in rows.iterator(chunk_size=5000):
            existing[(y, m, region, sector, segment)] = (active, nonactive)
    return existing


@transaction.atomic
def workforce_figures_save(*, records: Sequence[WorkforceRecord]) -> WriteResult:
    created = updated = unchanged = 0
    for record in records:
        figure = WorkforceFigure.objects.filter(
            year=record.year,
            basis=record.basis,
            region_id=record.region_code,
            sector_id=record.sector_code,
        ).first()
        if figure is None:
            WorkforceFigure.objects.create(
                year=record.year,
                basis=record.basis,
                region_id=record.region_code,
                sector_id=record.sector_code,
                workers=record.workers,
                source=record.source,
            )
            created += 1
        elif (figure.workers, figure.source) == (record.workers, record.source):
            unchanged += 1
        else:
            figure.workers, figure.source = record.workers, record.source
            figure.save(update_fields=["workers", "source"])
            updated += 1
    return WriteResult(created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def targets_save(*, records: Sequence[TargetRecord]) -> WriteResult:
    created = updated = unchanged = 0
    for record in records:
        scope = {
            "branch_id": record.scope_code if record.scope_type == ScopeType.BRANCH else None,
            "region_id": record.scope_code if record.scope_type == ScopeType.REGION else None,
        }
        target = Target.objects.filter(
            year=record.year, basis=record.basis, scope_type=record.scope_type, **scope
        ).first()
        values = (record.target_count, record.target_pct, record.note)
        if target is None:
            Target.objects.create(
                year=record.year,
                basis=record.basis,
                scope_type=record.scope_type,
                target_count=record.target_count,
                target_pct=record.target_pct,
                note=record.note,
                **scope,
            )
            created += 1
        elif (target.target_count, target.target_pct, target.note) == values:
            unchanged += 1
        else:
            target.target_count, target.target_pct, target.note = values
            target.save(update_fields=["target_count", "target_pct", "note"])
            updated += 1
    return WriteResult(created=created, updated=updated, unchanged=unchanged)
