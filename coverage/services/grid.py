"""The entry grid's save: one regency-month, refused when it is locked or when someone
saved its counts since the grid was opened.

The grid carries a version, the newest change-log id of the regency-month's counts
when it was opened (``grid_version``). ``grid_counts_save`` takes the regency-month's
writer lock first, so the lock and version checks and the write see the same data,
and nobody overwrites another's work without seeing it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max

from .. import selectors
from ..calculations import Period
from ..models import ChangeLog
from ..records import ParticipantRecord
from .context import WriteContext, WriteResult
from .counts import LockedPeriodError, lock_region_months, participant_counts_save


class GridConflictError(Exception):
    """The regency-month's counts changed since the grid was opened; nothing was saved.

    ``changes`` are the change-log rows written since, by cell (``key``) then in order.
    """

    def __init__(self, changes: Sequence[ChangeLog]) -> None:
        self.changes = list(changes)
        super().__init__(f"{len(self.changes)} count changes since the grid was opened")


def grid_version(period: Period, region_code: str) -> int:
    """The newest change-log id of the month's counts in the regency (0: none yet)."""
    latest = ChangeLog.objects.filter(
        entity=ChangeLog.Entity.COUNT, year=period.year, month=period.month, region_id=region_code
    ).aggregate(latest=Max("id"))["latest"]
    return int(latest or 0)


def changes_since(period: Period, region_code: str, version: int) -> list[ChangeLog]:
    """The change-log rows of the month's counts in the regency newer than ``version``."""
    return list(
        ChangeLog.objects.filter(
            entity=ChangeLog.Entity.COUNT,
            year=period.year,
            month=period.month,
            region_id=region_code,
            id__gt=version,
        )
        .select_related("user")
        .order_by("key", "id")
    )


@transaction.atomic
def grid_counts_save(
    records: Sequence[ParticipantRecord],
    *,
    period: Period,
    region_code: str,
    version: int,
    context: WriteContext,
) -> WriteResult:
    """Save the grid of one regency-month opened at ``version``, with the change log.

    Refuses with ``LockedPeriodError`` when the month is approved for the regency
    and with ``GridConflictError`` when the change log moved past ``version``;
    either way nothing is written. Writers of the regency-month wait for each
    other here (``lock_region_months``), so two saves from one version cannot both
    pass the check.
    """
    cell = (period.year, period.month, region_code)
    lock_region_months([cell])
    if cell in selectors.locked_region_months({(period.year, period.month)}):
        raise LockedPeriodError([cell])
    conflicts = changes_since(period, region_code, version)
    if conflicts:
        raise GridConflictError(conflicts)
    return participant_counts_save(records=records, context=context)
