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

from .. import presentation, selectors
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
    """The banner of a page showing ``period`` (``presentation.reporting_notice``), in
    words; None when the month is complete and no newer month is being entered."""
    notice = presentation.reporting_notice(
        period=period, choices=choices, default=default, names=region_names
    )
    if notice is None:
        return None
    month = notice.month
    link = (
        ""
        if notice.link_to is None
        else "?" + urlencode({"period": str(notice.link_to), "basis": basis})
    )
    if notice.kind == "incomplete":
        return CompletenessBanner(
            incomplete=True,
            message=incomplete_warning(month),
            missing=missing_sentence(notice.missing),
            link=link,
            link_text=(
                _("Lihat bulan lengkap terakhir: %(month)s") % {"month": month_year(notice.link_to)}
                if notice.link_to is not None
                else ""
            ),
        )
    return CompletenessBanner(
        incomplete=False,
        message=_("Data %(month)s sedang diisi: %(reported)s.")
        % {"month": month_year(month.period), "reported": reported_phrase(month)},
        missing="",
        link=link,
        link_text=_("Lihat data sementara %(month)s") % {"month": month_year(month.period)},
    )


def completeness_context(
    *, scope: Scope, period: Period, basis: str, data: DashboardData
) -> dict[str, object]:
    """The dashboard's picker options and banner for ``scope`` in ``period`` (one ledger
    read, two grouped queries)."""
    ledger = selectors.reporting_ledger()
    choices = period_choices(scope, ledger=ledger)
    return {
        "period_options": period_options(choices),
        "period_value": str(period),
        "completeness_banner": completeness_banner(
            period=period,
            choices=choices,
            default=ledger.default_period(scope.region_codes),
            region_names=presentation.region_names(data.reference.regions),
            basis=basis,
        ),
    }
