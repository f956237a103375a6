"""The PDF's paragraph on Pemda programmes: what the APBD pays for in the report's scope.

Figures come from ``coverage.programmes`` through ``programme_selectors`` (derived
once); this module only words them in the active language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import programme_selectors
from ..formatting import month_year, number, percent
from ..summaries import DashboardData

MAX_PROGRAMMES_NAMED = 3


def programme_paragraphs(data: DashboardData) -> list[str]:
    """One paragraph for the report's scope (none when it has no programme).

    The month is the latest with enrolment rows up to the report's month, since
    enrolment is often reported later than the participant counts.
    """
    month = programme_selectors.latest_enrolment_period(until=data.period)
    if month is None:
        return []
    codes = data.scope.region_codes
    statuses = [
        status
        for status in programme_selectors.programme_statuses(period=month)
        if any(row.code in codes for row in status.by_region)
    ]
    if not statuses:
        return []
    rows = [row for status in statuses for row in status.by_region if row.code in codes]
    enrolled = sum(row.enrolled for row in rows)
    quota = sum(row.quota for row in rows)
    fill = None if quota == 0 else 100 * enrolled / quota
    sentences = [
        _(
            "Program Pemda (iuran BPU yang dibayar APBD), posisi %(month)s: %(enrolled)s pekerja "
            "terdaftar dari kuota %(quota)s (%(fill)s) dalam %(count)s program."
        )
        % {
            "month": month_year(month),
            "enrolled": number(enrolled),
            "quota": number(quota),
            "fill": percent(fill),
            "count": number(len(statuses)),
        }
    ]
    names = programme_selectors.region_names()
    for status in statuses[:MAX_PROGRAMMES_NAMED]:
        terms = status.terms
        values = {
            "name": terms.name,
            "funder": programme_selectors.funder_name(terms.funder_code, names),
            "spent": number(status.spent_idr),
            "budget": number(terms.budget_idr),
        }
        if status.funded_until is not None:
            sentences.append(
                _(
                    "%(name)s (dibiayai %(funder)s): terpakai Rp%(spent)s dari Rp%(budget)s; "
                    "dengan kepesertaan saat ini anggarannya cukup sampai %(until)s."
                )
                % {**values, "until": month_year(status.funded_until)}
            )
        else:
            sentences.append(
                _("%(name)s (dibiayai %(funder)s): terpakai Rp%(spent)s dari Rp%(budget)s.")
                % values
            )
    return [" ".join(sentences)]
