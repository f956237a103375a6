"""The reporting ledger → what a page or the PDF tells about a half-reported month (pure).

DOMAIN.md "Reporting completeness": a month's sums are partial until every expected
regency reported. A page warns when its own month is incomplete (naming the
regencies still missing) or points to a newer month being entered; the PDF gives
the same warning for its month. Both take it from here and only word it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ..calculations import Period
from ..completeness import Completeness

NoticeKind = Literal["incomplete", "newer"]


@dataclass(frozen=True)
class ReportingNotice:
    """``incomplete``: the month shown (``month``) still waits for the regencies named
    in ``missing``; ``newer``: a later month (``month``) is being entered. ``link_to``
    is the month a link leads to (the latest complete one, or the newer one)."""

    kind: NoticeKind
    month: Completeness
    missing: tuple[str, ...]
    link_to: Period | None


def region_names(regions: pd.DataFrame) -> dict[str, str]:
    """Regency names by BPS code, from the reference frame of regencies."""
    return {
        str(code): str(name)
        for code, name in zip(regions["region_code"], regions["name"], strict=True)
    }


def incomplete_notice(
    month: Completeness, names: Mapping[str, str], *, link_to: Period | None = None
) -> ReportingNotice | None:
    """The warning for ``month`` when it is incomplete (none when it is complete)."""
    if month.complete:
        return None
    missing = tuple(names.get(code, code) for code in month.missing)
    return ReportingNotice(kind="incomplete", month=month, missing=missing, link_to=link_to)


def reporting_notice(
    *,
    period: Period,
    choices: Sequence[Completeness],
    default: Period | None,
    names: Mapping[str, str],
) -> ReportingNotice | None:
    """The notice of a page showing ``period``; ``choices`` are the scope's months,
    newest first, ``default`` its latest complete month. None when the month is
    complete and no newer month is being entered."""
    shown = next((choice for choice in choices if choice.period == period), None)
    if shown is not None and not shown.complete:
        link_to = default if default is not None and default != period else None
        return incomplete_notice(shown, names, link_to=link_to)
    newest = choices[0] if choices else None
    if newest is None or newest.period <= period or newest.complete:
        return None
    return ReportingNotice(kind="newer", month=newest, missing=(), link_to=newest.period)
