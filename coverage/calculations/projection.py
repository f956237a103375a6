"""Where the run rate leads: the December projection, the month the target is reached
(within the horizon) and the straight target path from last December."""

from __future__ import annotations

import math
from fractions import Fraction

from .arithmetic import round_half_up
from .period import Period

# DOMAIN.md "Horizon of the reached month": the reached month is looked for at most
# this many months after ``t``.
HORIZON_MONTHS = 120


def projected_at_deadline(active: int, rate: Fraction | None, remaining: int) -> int | None:
    if rate is None:
        return None
    return round_half_up(active + rate * remaining)


def _months_to_target(active: int, target_count: int, rate: Fraction) -> int:
    """The smallest ``k`` with ``active + rate × k ≥ target_count`` (``rate`` > 0)."""
    return math.ceil(Fraction(target_count - active) / rate)


def projected_month_reached(
    *,
    period: Period,
    active: int,
    target_count: int | None,
    rate: Fraction | None,
    horizon: int = HORIZON_MONTHS,
) -> Period | None:
    """First month the run rate reaches the target (may be after December).

    Looked for at most ``horizon`` months after ``period``: further out it is none
    (and ``reached_beyond_horizon`` is true), never a month such as May 2133.
    """
    if target_count is None:
        return None
    if active >= target_count:
        return period
    if rate is None or rate <= 0:
        return None
    months = _months_to_target(active, target_count, rate)
    if months > horizon:
        return None
    return period.shift(months)


def reached_beyond_horizon(
    *,
    active: int,
    target_count: int | None,
    rate: Fraction | None,
    horizon: int = HORIZON_MONTHS,
) -> bool:
    """True when the run rate reaches the target, but only more than ``horizon``
    months after the month shown."""
    if target_count is None or active >= target_count or rate is None or rate <= 0:
        return False
    return _months_to_target(active, target_count, rate) > horizon


def target_path(*, december_before: int, target_count: int, month: int) -> Fraction:
    """What month ``month`` should show on the straight line from last December to the target."""
    return december_before + Fraction(target_count - december_before) * month / 12


# --- denominators ------------------------------------------------------------------
