"""Diff-then-write of keyed records (workforce figures, targets, programme data):
each record is new, changed or unchanged against what is stored, and is written
and logged accordingly."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from ..models import (
    Programme,
)
from .context import BATCH_SIZE, Change, WriteContext, WriteResult, log_changes

ProgrammeIds = Mapping[str, tuple[int, int]]


@dataclass(frozen=True)
class Plan:
    """Records to create, records to update as ``(pk, record, old text)``, and the counts."""

    new: list[Any]
    changed: list[tuple[int, Any, str]]
    result: WriteResult


def plan_records(
    records: Sequence[Any],
    existing: Mapping[Any, tuple[int, Mapping[str, object]]],
    values: Callable[[Any], Mapping[str, object]],
    text: Callable[[Mapping[str, object]], str],
    key: Callable[[Any], Any] = lambda record: record.key,
) -> Plan:
    """Each record is new, unchanged, or changed (with the old values' text) against
    ``existing``: key → (pk, stored values)."""
    new: list[Any] = []
    changed: list[tuple[int, Any, str]] = []
    unchanged = 0
    for record in records:
        before = existing.get(key(record))
        if before is None:
            new.append(record)
        elif dict(before[1]) == dict(values(record)):
            unchanged += 1
        else:
            changed.append((before[0], record, text(before[1])))
    return Plan(new, changed, WriteResult(len(new), len(changed), unchanged))


@dataclass(frozen=True)
class RecordKind:
    """How one kind of record (a workforce figure, a target, a programme's) is planned,
    stored and logged.

    The model, the change-log entity and field, and the planner come first (the
    declarations give them by position, on one line). ``values`` are the fields an
    import replaces on an existing row, ``keys`` the fields of a new row's key (from
    the record and the programme ids), ``change`` the change-log line of a record
    given the old text.
    """

    model: type[models.Model]
    entity: str
    field: str
    plan: Callable[[Sequence[Any]], Plan]
    values: Callable[[Any], dict[str, object]]
    keys: Callable[[Any, ProgrammeIds], dict[str, object]]
    change: Callable[[Any, str, ProgrammeIds], Change]
    by_programme: bool = False


def records_save(
    kind: RecordKind, records: Sequence[Any], context: WriteContext | None
) -> WriteResult:
    """Insert the new records, replace the changed ones and log both, for any kind."""
    plan = kind.plan(records)
    ids = programme_ids(r.programme_code for r in records) if kind.by_programme else {}
    manager = kind.model._default_manager
    manager.bulk_create(
        [kind.model(**kind.keys(r, ids), **kind.values(r)) for r in plan.new],
        batch_size=BATCH_SIZE,
    )
    if plan.changed:
        manager.bulk_update(
            [kind.model(pk=pk, **kind.values(r)) for pk, r, _old in plan.changed],
            list(kind.values(plan.changed[0][1])),
            batch_size=BATCH_SIZE,
        )
    log_changes(
        context or WriteContext(),
        entity=kind.entity,
        field=kind.field,
        changes=[kind.change(r, old, ids) for r, old in _news_then_changes(plan)],
    )
    return plan.result


def _news_then_changes(plan: Plan) -> list[tuple[Any, str]]:
    return [(record, "") for record in plan.new] + [
        (record, old) for _pk, record, old in plan.changed
    ]


def programme_ids(codes: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Programme code → (id, year)."""
    return {
        code: (pk, year)
        for pk, code, year in Programme.objects.filter(code__in=set(codes)).values_list(
            "pk", "code", "year"
        )
    }
