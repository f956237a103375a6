"""Counts and figures: workforce denominators, monthly participant counts, their
per-month totals, and targets."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .constraints import at_least_zero, month_1_12, unique, unique_per_scope, year_range
from .fields import link, month_field, optional_link, user_stamp, year_field
from .reference import (
    PROVINCE_CODE,
    PROVINCE_NAME,
    Basis,
    Branch,
    Region,
    ScopeType,
    Sector,
    Segment,
)


class WorkforceFigure(models.Model):
    """A denominator: the workers of a region (or the province) on one basis and year.

    ``region`` empty means the whole province; ``sector`` empty means all sectors.
    """

    year = year_field()
    region = optional_link(
        Region, _("kabupaten/kota"), help_text=_("Kosong berarti seluruh provinsi.")
    )
    sector = optional_link(Sector, _("sektor"), help_text=_("Kosong berarti semua sektor."))
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    workers = models.BigIntegerField(_("jumlah pekerja"))
    source = models.CharField(_("sumber"), max_length=300)

    class Meta:
        ordering = ["year", "basis", "region__bps_code", "sector__code"]
        verbose_name = _("data angkatan kerja")
        verbose_name_plural = pgettext_lazy("plural", "data angkatan kerja")
        indexes = [models.Index(fields=["basis", "year"], name="workforce_basis_year")]
        constraints = [
            at_least_zero("workforce_workers_gte_0", "workers"),
            year_range("workforce_year_range"),
            unique("workforce_unique_region_sector", "year", "basis", "region", "sector"),
            models.UniqueConstraint(
                fields=["year", "basis", "region"],
                condition=Q(sector__isnull=True),
                name="workforce_unique_region_total",
            ),
            models.UniqueConstraint(
                fields=["year", "basis", "sector"],
                condition=Q(region__isnull=True),
                name="workforce_unique_province_sector",
            ),
            models.UniqueConstraint(
                fields=["year", "basis"],
                condition=Q(region__isnull=True) & Q(sector__isnull=True),
                name="workforce_unique_province_total",
            ),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region else PROVINCE_NAME
        return f"{self.year} {self.basis} {where}: {self.workers}"


class ParticipantCount(models.Model):
    """End-of-month stock of participants for one region × sector × segment."""

    # The unique constraint's index (year, month, region, sector, segment) serves
    # every lookup; per-column foreign-key indexes (two each on PostgreSQL for text
    # keys) would only slow down a 100,000-row import.
    year = year_field()
    month = month_field()
    region = link(Region, _("kabupaten/kota"), db_index=False)
    sector = link(Sector, _("sektor"), db_index=False)
    segment = link(Segment, _("segmen"), db_index=False)
    active = models.BigIntegerField(_("peserta aktif"))
    nonactive = models.BigIntegerField(_("peserta nonaktif"), default=0)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    updated_by = user_stamp(_("diubah oleh"))

    class Meta:
        ordering = ["year", "month", "region__bps_code", "sector__code", "segment__code"]
        verbose_name = _("jumlah peserta bulanan")
        verbose_name_plural = pgettext_lazy("plural", "jumlah peserta bulanan")
        # No separate (year, month, region) index: the unique constraint's index
        # starts with those columns and serves the same lookups, and every index
        # costs time on each of a 100,000-row import's inserts.
        constraints = [
            unique("count_unique_cell", "year", "month", "region", "sector", "segment"),
            at_least_zero("count_active_gte_0", "active"),
            at_least_zero("count_nonactive_gte_0", "nonactive"),
            month_1_12("count_month_1_12"),
            year_range("count_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.region_id}/{self.sector_id}/{self.segment_id}"


class MonthlyTotal(models.Model):
    """Participant counts summed over sectors, per month, region and segment.

    A derived table kept by ``services`` in the same transaction as every count
    write (``manage.py rebuild_totals`` rebuilds it from scratch). The dashboard's
    time series read it instead of grouping the whole counts table, which at
    national scale (1.2 million rows) is the difference between ~40 ms and ~450 ms.
    """

    year = year_field()
    month = month_field()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, db_index=False)
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, db_index=False)
    active = models.BigIntegerField(_("peserta aktif"))
    nonactive = models.BigIntegerField(_("peserta nonaktif"))

    class Meta:
        verbose_name = _("total bulanan")
        verbose_name_plural = pgettext_lazy("plural", "total bulanan")
        constraints = [unique("monthly_total_unique", "year", "month", "region", "segment")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.region_id}/{self.segment_id}"


class Target(models.Model):
    """A year's target for the province, a branch or a region, on one basis.

    It states a count, a percentage, or both; with both, the count is the target and
    the percentage reveals the denominator the announcer had in mind.
    """

    year = year_field()
    scope_type = models.CharField(_("cakupan"), max_length=10, choices=ScopeType.choices)
    branch = optional_link(Branch, _("kantor cabang"))
    region = optional_link(Region, _("kabupaten/kota"))
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    target_count = models.BigIntegerField(_("target jumlah peserta"), null=True, blank=True)
    target_pct = models.DecimalField(
        _("target cakupan (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        ordering = ["year", "scope_type", "branch__code", "region__bps_code"]
        verbose_name = _("target")
        verbose_name_plural = pgettext_lazy("plural", "target")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_count__isnull=False) | Q(target_pct__isnull=False),
                name="target_count_or_pct",
            ),
            models.CheckConstraint(
                condition=Q(target_count__isnull=True) | Q(target_count__gte=0),
                name="target_count_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(target_pct__isnull=True)
                | (Q(target_pct__gt=0) & Q(target_pct__lte=100)),
                name="target_pct_0_100",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope_type="province", branch__isnull=True, region__isnull=True)
                    | Q(scope_type="branch", branch__isnull=False, region__isnull=True)
                    | Q(scope_type="region", branch__isnull=True, region__isnull=False)
                ),
                name="target_scope_consistent",
            ),
            *unique_per_scope(
                "target",
                ["year", "basis"],
                {"province": [], "branch": ["branch"], "region": ["region"]},
            ),
        ]

    @property
    def scope_code(self) -> str:
        if self.scope_type == ScopeType.BRANCH and self.branch:
            return self.branch.code
        if self.scope_type == ScopeType.REGION and self.region:
            return self.region.bps_code
        return PROVINCE_CODE

    def __str__(self) -> str:
        return f"{self.year} {self.scope_code} {self.basis}"
