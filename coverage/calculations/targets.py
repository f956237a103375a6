"""Targets: as stored, resolved for a scope (own or allocated from an enclosing one)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import pandas as pd

from .arithmetic import coverage_pct, round_half_up, to_fraction
from .denominators import area_totals, scope_denominator
from .scopes import ReferenceFrames

MISMATCH_TOLERANCE = Fraction(5, 100)

TargetSource = Literal["set", "allocated"]


@dataclass(frozen=True)
class TargetSpec:
    """A target as stored: a count, a percentage of the basis, or both."""

    count: int | None
    pct: Fraction | None


@dataclass(frozen=True)
class ResolvedTarget:
    count: int | None
    pct: Fraction | None
    source: TargetSource | None
    implied_denominator: Fraction | None = None
    denominator_mismatch: bool = False


NO_TARGET = ResolvedTarget(count=None, pct=None, source=None)


def target_count_of(spec: TargetSpec, denominator: int | None) -> int | None:
    """The count a target stands for: its count, else ``ceil(pct × denominator / 100)``."""
    if spec.count is not None:
        return spec.count
    if spec.pct is None or denominator is None:
        return None
    return math.ceil(spec.pct * denominator / 100)


def resolve_target(chain: Sequence[tuple[int | None, TargetSpec | None]]) -> ResolvedTarget:
    """Resolve a scope's target from ``chain``: the scope first, then enclosing scopes.

    Each link is ``(denominator, target or None)``. The scope's own target wins;
    otherwise the nearest enclosing target is allocated by the scope's share of that
    scope's denominator (rounded) and marked ``allocated``.
    """
    if not chain:
        return NO_TARGET
    own_denominator = chain[0][0]
    for depth, (denominator, spec) in enumerate(chain):
        if spec is None:
            continue
        count = target_count_of(spec, denominator)
        if depth == 0:
            return _own_target(spec, count, own_denominator)
        if count is None or not denominator or own_denominator is None:
            return ResolvedTarget(count=None, pct=None, source="allocated")
        allocated = round_half_up(Fraction(count * own_denominator, denominator))
        return ResolvedTarget(
            count=allocated,
            pct=coverage_pct(allocated, own_denominator),
            source="allocated",
        )
    return NO_TARGET


def _own_target(spec: TargetSpec, count: int | None, denominator: int | None) -> ResolvedTarget:
    implied: Fraction | None = None
    mismatch = False
    if spec.count is not None and spec.pct is not None and spec.pct > 0:
        implied = Fraction(spec.count * 100) / spec.pct
        if denominator:
            mismatch = abs(implied - denominator) / denominator > MISMATCH_TOLERANCE
    pct = (
        spec.pct
        if spec.pct is not None
        else (coverage_pct(count, denominator) if count is not None else None)
    )
    return ResolvedTarget(
        count=count,
        pct=pct,
        source="set",
        implied_denominator=implied,
        denominator_mismatch=mismatch,
    )


def target_specs(
    targets: pd.DataFrame, *, year: int, basis: str
) -> dict[tuple[str, str], TargetSpec]:
    """Targets of one year and basis keyed by ``(scope_type, scope_code)``."""
    rows = targets[(targets["year"] == year) & (targets["basis"] == basis)]
    specs: dict[tuple[str, str], TargetSpec] = {}
    # plain lists: a handful of rows, where itertuples costs more than the loop
    for scope_type, scope_code, count, pct in zip(
        rows["scope_type"].tolist(),
        rows["scope_code"].tolist(),
        rows["target_count"].tolist(),
        rows["target_pct"].tolist(),
        strict=True,
    ):
        specs[(str(scope_type), str(scope_code))] = TargetSpec(
            count=None if pd.isna(count) else int(count),
            pct=None if pd.isna(pct) else to_fraction(pct),
        )
    return specs


def counts_from_other_basis(
    targets: pd.DataFrame,
    *,
    workforce: pd.DataFrame,
    reference: ReferenceFrames,
    year: int,
    basis: str,
) -> dict[tuple[str, str], TargetSpec]:
    """Targets of another basis, kept as participant counts only.

    A count of participants means the same on any basis, but a percentage does
    not: when ``basis`` has no target at all for the year (e.g. only the UCJ
    target is announced and BPS labour-force coverage is asked for), each target
    of the other basis is turned into its count (a percentage-only target through
    its own basis's denominator) and its percentage is dropped, so that every
    percentage shown is relative to the basis shown.
    """
    others = targets[(targets["year"] == year) & (targets["basis"] != basis)]
    specs: dict[tuple[str, str], TargetSpec] = {}
    for other_basis in sorted(set(others["basis"])):
        other_totals = area_totals(workforce, basis=str(other_basis), sector_code=None)
        for key, spec in target_specs(others, year=year, basis=str(other_basis)).items():
            if key in specs:
                continue
            scope = reference.scope(key[1])
            denominator = (
                scope_denominator(other_totals, scope=scope, year=year).workers if scope else None
            )
            count = target_count_of(spec, denominator)
            if count is not None:
                specs[key] = TargetSpec(count=count, pct=None)
    return specs


# --- metrics of a scope -------------------------------------------------------------
