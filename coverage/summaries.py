"""Load → compute: the one path from the database to a ``CoverageSummary``.

The pages, ``/api/coverage`` and ``manage.py coverage_summary`` all call
``load_coverage_summary`` so that they can never disagree.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import selectors
from .calculations import CoverageSummary, InvalidPeriod, Period, coverage_summary
from .models import Basis


class SummaryError(Exception):
    """A request the summary cannot answer; ``status`` is the HTTP status to use."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def parse_period(text: str | None) -> Period:
    try:
        return Period.parse(text or "")
    except InvalidPeriod:
        raise SummaryError(
            _("Periode “%(value)s” tidak valid: gunakan format TTTT-BB, misalnya 2025-04.")
            % {"value": text or ""},
            status=400,
        ) from None


def parse_basis(text: str | None) -> str:
    value = (text or Basis.UCJ).strip().upper()
    if value not in Basis.values:
        raise SummaryError(
            _("Basis “%(value)s” tidak dikenal: pilih UCJ atau BPS_AK.") % {"value": text},
            status=400,
        )
    return value


def load_coverage_summary(*, period: Period, scope_code: str, basis: str) -> CoverageSummary:
    """Everything about ``scope_code`` in ``period`` on ``basis``, aggregated in SQL first."""
    reference = selectors.reference_frames()
    scope = reference.scope(scope_code)
    if scope is None:
        raise SummaryError(
            _(
                "Cakupan “%(value)s” tidak ditemukan: gunakan 53 (provinsi), kode kantor "
                "cabang (mis. KUPANG) atau kode BPS kabupaten/kota (mis. 5371)."
            )
            % {"value": scope_code},
            status=404,
        )
    if not selectors.period_has_data(period):
        raise SummaryError(
            _("Belum ada data kepesertaan untuk periode %(period)s.") % {"period": str(period)},
            status=404,
        )
    region_codes = None if scope.kind == "province" else scope.region_codes
    return coverage_summary(
        period=period,
        scope=scope,
        basis=basis,
        reference=reference,
        monthly=selectors.monthly_region_totals(until=period),
        workforce=selectors.workforce_frame(until_year=period.year),
        targets=selectors.targets_frame(year=period.year),
        sector_active=selectors.active_by_sector(period=period, region_codes=region_codes),
        segment_active=selectors.active_by_segment(period=period, region_codes=region_codes),
    )
