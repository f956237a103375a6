"""``{% regency_programmes code period as var %}``: a regency's programmes for its page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from coverage import programme_selectors
from coverage.calculations import Period
from coverage.programmes import RegionProgress

register = template.Library()


@dataclass(frozen=True)
class RegencyProgrammeRow:
    code: str
    name: str
    funder_name: str
    row: RegionProgress


@dataclass(frozen=True)
class RegencyProgrammes:
    period: Period | None
    rows: list[RegencyProgrammeRow]


@register.simple_tag
def regency_programmes(region_code: str, period: Period | None) -> RegencyProgrammes:
    """The programmes with a quota in ``region_code``, at the latest enrolment month up to
    ``period`` (enrolment is reported later than the counts, so a page's month may have none)."""
    month = programme_selectors.latest_enrolment_period(until=period)
    if month is None:
        return RegencyProgrammes(period=None, rows=[])
    names = programme_selectors.region_names()
    rows = []
    for status in programme_selectors.programme_statuses(period=month, region_code=region_code):
        for row in status.by_region:
            if row.code == region_code:
                rows.append(
                    RegencyProgrammeRow(
                        code=status.terms.code,
                        name=status.terms.name,
                        funder_name=programme_selectors.funder_name(
                            status.terms.funder_code, names
                        ),
                        row=row,
                    )
                )
    return RegencyProgrammes(period=month, rows=rows)
