"""Exact arithmetic shared by every figure: rounding, fractions, coverage and gap."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (as people round counts)."""
    if value >= 0:
        return math.floor(value + Fraction(1, 2))
    return -math.floor(-value + Fraction(1, 2))


def to_fraction(value: float | int | Decimal | str | Fraction) -> Fraction:
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(value)


def coverage_pct(active: int, denominator: int | None) -> Fraction | None:
    """``100 × active / denominator``; none without a (positive) denominator."""
    if not denominator:
        return None
    return Fraction(100 * active, denominator)


def gap_count(target_count: int | None, active: int) -> int | None:
    """Participants still to enrol; never negative."""
    if target_count is None:
        return None
    return max(target_count - active, 0)
