"""Required pace, run rate and the status they decide (DOMAIN.md "Status")."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from fractions import Fraction
from typing import Literal

from .period import Period

AT_RISK_SHARE = Fraction(3, 4)

Status = Literal[
    "incomplete",
    "achieved",
    "missed",
    "insufficient_data",
    "on_track",
    "at_risk",
    "off_track",
    "no_target",
]


def months_remaining(period: Period) -> int:
    """Months after ``period`` up to and including December: April → 8, December → 0."""
    return 12 - period.month


def required_monthly_pace(gap: int | None, remaining: int) -> int | None:
    """New participants needed per month to close the gap by December.

    0 when there is no gap (also in December); none when no month is left.
    """
    if gap is None:
        return None
    if gap == 0:
        return 0
    if remaining == 0:
        return None
    return math.ceil(Fraction(gap, remaining))


def run_rate(
    active_by_period: Mapping[Period, int],
    period: Period,
    complete: Collection[Period] | None = None,
) -> Fraction | None:
    """Average net monthly change over the last three months.

    ``(active(t) − active(t−k)) / k`` with ``k`` the largest of 3, 2, 1 for which
    the scope has data in month ``t−k`` and, when ``complete`` is given, ``t−k`` is
    one of those complete months (a half-reported month is never a base); none if
    no such month exists.
    """
    current = active_by_period.get(period)
    if current is None:
        return None
    for k in (3, 2, 1):
        month = period.shift(-k)
        earlier = active_by_period.get(month)
        if earlier is not None and (complete is None or month in complete):
            return Fraction(current - earlier, k)
    return None


def status(
    *,
    period: Period,
    active: int,
    target_count: int | None,
    rate: Fraction | None,
    pace: int | None,
    complete: bool = True,
) -> Status:
    """The contract's status; ``incomplete`` (a half-reported month) comes first."""
    if not complete:
        return "incomplete"
    if target_count is None:
        return "no_target"
    if active >= target_count:
        return "achieved"
    if period.month == 12:
        return "missed"
    if rate is None or pace is None:
        return "insufficient_data"
    if rate >= pace:
        return "on_track"
    if rate >= AT_RISK_SHARE * pace:
        return "at_risk"
    return "off_track"
