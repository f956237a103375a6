"""Write (or with ``dry_run`` only count) the clean records of one import: the
command line and the web upload share these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from ..programme_records import (
    ProgrammeImportRecord,
)
from ..records import ParticipantRecord, TargetRecord, WorkforceRecord
from .context import WriteContext, WriteResult
from .counts import participant_counts_preview, participant_counts_save
from .programmes import PROGRAMME_RECORD_KINDS, programme_records_save
from .reference import (
    targets_preview,
    targets_save,
    workforce_figures_preview,
    workforce_figures_save,
)


def apply_import(
    kind: str,
    records: Sequence[ParticipantRecord | WorkforceRecord | TargetRecord],
    *,
    dry_run: bool,
    user_id: int | None = None,
    context: WriteContext | None = None,
) -> WriteResult:
    """Write the clean records of one import (or, with ``dry_run``, only count what would change).

    ``kind`` is one of ``participants``, ``workforce`` and ``targets``, as in
    ``coverage.importers.KINDS``; the command line and the web upload share this.
    """
    context = context or WriteContext(user_id=user_id)
    if kind == "participants":
        counts = cast(Sequence[ParticipantRecord], records)
        if dry_run:
            return participant_counts_preview(records=counts)
        return participant_counts_save(records=counts, context=context)
    if kind == "workforce":
        figures = cast(Sequence[WorkforceRecord], records)
        if dry_run:
            return workforce_figures_preview(records=figures)
        return workforce_figures_save(records=figures, context=context)
    if kind == "targets":
        targets = cast(Sequence[TargetRecord], records)
        if dry_run:
            return targets_preview(records=targets)
        return targets_save(records=targets, context=context)
    raise ValueError(f"unknown import kind: {kind!r}")


# --- approval (locking) of a month ----------------------------------------------------


def programme_apply_import(
    kind: str,
    records: Sequence[ProgrammeImportRecord],
    *,
    dry_run: bool,
    context: WriteContext | None = None,
) -> WriteResult:
    """Write (or with ``dry_run`` only count) the clean records of one programme import.

    ``kind`` is one of ``PROGRAMME_KINDS``; the command line and the web upload share this.
    """
    if dry_run and kind in PROGRAMME_RECORD_KINDS:
        return PROGRAMME_RECORD_KINDS[kind].plan(records).result
    return programme_records_save(kind=kind, records=records, context=context)
