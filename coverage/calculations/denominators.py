"""Workforce denominators: per sector, per area and year, and a scope's latest figure."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .scopes import PROVINCE_CODE, Scope


@dataclass(frozen=True)
class Denominator:
    """A workforce figure and the year it was taken from (``None`` if there is none)."""

    workers: int | None
    year: int | None


AreaFigures = dict[str, dict[int, int]]
"""Workers by area (a region's BPS code, or ``53`` for the province) and year."""


def figures_by_sector(workforce: pd.DataFrame, *, basis: str) -> dict[str | None, AreaFigures]:
    """One pass over the workforce frame: ``{sector or None: {area: {year: workers}}}``.

    ``None`` holds the all-sector rows only: per-sector rows are never summed into a
    total, because a set of sector rows may be incomplete.
    """
    rows = workforce[workforce["basis"] == basis]
    figures: dict[str | None, AreaFigures] = {}
    # plain lists (iterating the columns themselves costs a pandas call per value)
    regions = [
        PROVINCE_CODE if _missing(code) else str(code) for code in rows["region_code"].tolist()
    ]
    sectors = [None if _missing(code) else str(code) for code in rows["sector_code"].tolist()]
    years = rows["year"].astype("int64").tolist()  # plain ints, not numpy scalars
    workers = rows["workers"].astype("int64").tolist()
    for area, key, year, count in zip(regions, sectors, years, workers, strict=True):
        figures.setdefault(key, {}).setdefault(area, {})[year] = count
    return figures


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def area_totals(workforce: pd.DataFrame, *, basis: str, sector_code: str | None) -> AreaFigures:
    """Workers by area and year for one basis and one sector (None: all sectors)."""
    return figures_by_sector(workforce, basis=basis).get(sector_code, {})


def scope_denominator(totals: AreaFigures, *, scope: Scope, year: int) -> Denominator:
    """The scope's figure for ``year``, or for the latest earlier year that has one.

    For the province an explicit province row wins over the sum of regions in the
    same year; a branch (and the province without its own row) is the sum of its
    regions' figures for that year.
    """
    own = totals.get(PROVINCE_CODE, {}) if scope.kind == "province" else {}
    regional = [totals[code] for code in scope.region_codes if code in totals]
    years = {y for y in own if y <= year}
    for figures in regional:
        years.update(y for y in figures if y <= year)
    if not years:
        return Denominator(workers=None, year=None)
    used = max(years)
    if used in own:
        return Denominator(workers=own[used], year=used)
    return Denominator(workers=sum(f[used] for f in regional if used in f), year=used)


def region_denominators(totals: AreaFigures, *, year: int) -> dict[str, int]:
    """Each region's latest figure up to ``year`` (regions without one are absent)."""
    latest: dict[str, int] = {}
    for area, figures in totals.items():
        years = [y for y in figures if y <= year]
        if area != PROVINCE_CODE and years:
            latest[area] = figures[max(years)]
    return latest


def region_denominator(totals: AreaFigures, *, region_code: str, year: int) -> Denominator:
    """A region's own latest figure up to ``year``, and the year it is from."""
    figures = totals.get(region_code, {})
    years = [y for y in figures if y <= year]
    if not years:
        return Denominator(workers=None, year=None)
    return Denominator(workers=figures[max(years)], year=max(years))
