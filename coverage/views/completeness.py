"""What a reader is told about a half-reported month (DOMAIN.md "Reporting completeness").

Two faces of the same ledger: the period picker's labels ("Mei 2025 — belum lengkap,
1/22") and the banner at the top of a dashboard page. Both are pure: they take the
``Completeness`` of the months (``summaries.period_choices``) and return words, so
the dashboard, the planner and the PDF say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from .. import selectors
from ..calculations import Period, Scope
from ..completeness import Completeness
from ..formatting import month_year
from ..labels import period_label
from ..narrative import incomplete_warning, missing_sentence, reported_phrase
from ..summaries import DashboardData, period_choices


def period_options(choices: Sequence[Completeness]) -> list[tuple[str, str]]:
    """``(value, label)`` for each month of ``choices`` (newest first, as given)."""
    return [(str(choice.period), period_label(choice)) for choice in choices]


@dataclass(frozen=True)
class CompletenessBanner:
    """The words at the top of a page: its own month incomplete, or a newer month
    being entered (``link`` then leads to it; to the last complete month otherwise)."""

    incomplete: bool
    message: str
    missing: str
    link: str
    link_text: str


def completeness_banner(
    *,
    period: Period,
    choices: Sequence[Completeness],
    default: Period | None,
    region_names: Mapping[str, str],
    basis: str,
) -> CompletenessBanner | None:
    """The banner of a page showing ``period``; ``choices`` are the scope's months
    (``summaries.period_choices``), ``default`` its latest complete month. None when
    the month is complete and no newer month is being entered."""
    by_period = {choice.period: choice for choice in choices}
    shown = by_period.get(period)
    if shown is not None and not shown.complete:
        link = ""
        link_text = ""
        if default is not None and default != period:
            link = "?" + urlencode({"period": str(default), "basis": basis})
            link_text = _("Lihat bulan lengkap terakhir: %(month)s") % {
                "month": month_year(default)
            }
        return CompletenessBanner(
            incomplete=True,
            message=incomplete_warning(shown),
            missing=missing_sentence(shown, region_names),
            link=link,
            link_text=link_text,
        )
    newest = choices[0] if choices else None
    if newest is None or newest.period <= period or newest.complete:
        return None
    return CompletenessBanner(
        incomplete=False,
        message=_("Data %(month)s sedang diisi: %(reported)s.")
        % {"month": month_year(newest.period), "reported": reported_phrase(newest)},
        missing="",
        link="?" + urlencode({"period": str(newest.period), "basis": basis}),
        link_text=_("Lihat data sementara %(month)s") % {"month": month_year(newest.period)},
    )


def completeness_context(
    *, scope: Scope, period: Period, basis: str, data: DashboardData
) -> dict[str, object]:
    """The dashboard's picker options and banner for ``scope`` in ``period`` (one ledger
    read, two grouped queries)."""
    ledger = selectors.reporting_ledger()
    choices = period_choices(scope, ledger=ledger)
    regions = data.reference.regions
    names = {
        str(code): str(name)
        for code, name in zip(regions["region_code"], regions["name"], strict=True)
    }
    return {
        "period_options": period_options(choices),
        "period_value": str(period),
        "completeness_banner": completeness_banner(
            period=period,
            choices=choices,
            default=ledger.default_period(scope.region_codes),
            region_names=names,
            basis=basis,
        ),
    }
