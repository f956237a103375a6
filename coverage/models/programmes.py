"""Pemda programmes (APBD-funded BPU workers): the programmes, their quotas and
monthly enrolment, and each regency's commitment."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .constraints import at_least_zero, month_1_12, unique, year_range
from .fields import link, month_field, optional_link, year_field
from .reference import PROVINCE_CODE, Region


class Programme(models.Model):
    """A Pemda programme paying BPU contributions for workers out of APBD/APBDes.

    ``funder`` empty means the province (Pemprov NTT, code 53), else the regency
    that pays. Months run from ``start`` to ``end`` inclusive; the contribution per
    worker-month is a default (Rp16.800, JKK + JKM), not a constant.
    """

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    funder = optional_link(
        Region,
        _("pemberi dana"),
        related_name="funded_programmes",
        help_text=_("Kosong berarti Pemprov NTT (kode 53)."),
    )
    year = year_field(_("tahun anggaran"))
    budget_idr = models.BigIntegerField(_("anggaran (Rp)"))
    contribution_idr = models.PositiveIntegerField(
        _("iuran per pekerja per bulan (Rp)"), default=16_800
    )
    start_year = year_field(_("tahun mulai"))
    start_month = month_field(_("bulan mulai"))
    end_year = year_field(_("tahun selesai"))
    end_month = month_field(_("bulan selesai"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("program pemda")
        verbose_name_plural = pgettext_lazy("plural", "program pemda")
        constraints = [
            at_least_zero("programme_budget_gte_0", "budget_idr"),
            models.CheckConstraint(
                condition=Q(contribution_idr__gt=0), name="programme_contribution_gt_0"
            ),
            month_1_12("programme_start_month_1_12", "start_month"),
            month_1_12("programme_end_month_1_12", "end_month"),
            year_range("programme_year_range"),
            models.CheckConstraint(
                condition=Q(end_year__gt=models.F("start_year"))
                | Q(end_year=models.F("start_year"), end_month__gte=models.F("start_month")),
                name="programme_end_not_before_start",
            ),
        ]

    @property
    def funder_code(self) -> str:
        return self.funder_id or PROVINCE_CODE

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ProgrammeQuota(models.Model):
    """How many workers a programme funds in one regency."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("program"), on_delete=models.CASCADE, related_name="quotas"
    )
    region = link(Region, _("kabupaten/kota"))
    quota = models.PositiveIntegerField(_("kuota pekerja"))

    class Meta:
        ordering = ["programme__code", "region__bps_code"]
        verbose_name = _("kuota program")
        verbose_name_plural = pgettext_lazy("plural", "kuota program")
        constraints = [unique("programme_quota_unique_region", "programme", "region")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.region_id}: {self.quota}"


class ProgrammeEnrolment(models.Model):
    """End-of-month stock of a programme's enrolled workers in one regency."""

    year = year_field()
    month = month_field()
    programme = models.ForeignKey(
        Programme, verbose_name=_("program"), on_delete=models.CASCADE, related_name="enrolment"
    )
    region = link(Region, _("kabupaten/kota"))
    enrolled = models.PositiveIntegerField(_("pekerja terdaftar"))

    class Meta:
        ordering = ["year", "month", "programme__code", "region__bps_code"]
        verbose_name = _("kepesertaan program bulanan")
        verbose_name_plural = pgettext_lazy("plural", "kepesertaan program bulanan")
        constraints = [
            unique("programme_enrolment_unique_cell", "year", "month", "programme", "region"),
            month_1_12("programme_enrolment_month_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.programme_id}/{self.region_id}"


class RegencyCommitment(models.Model):
    """What a regency's Pemda has committed in a year: a regulation, a budget, village staff.

    ``regulation`` is the number of the regulation in force (Perbup/Perwali/Perda);
    empty means none.
    """

    year = year_field()
    region = link(Region, _("kabupaten/kota"))
    regulation = models.CharField(_("nomor regulasi"), max_length=200, blank=True)
    budget_idr = models.BigIntegerField(_("anggaran APBD untuk pekerja (Rp)"), default=0)
    village_apparatus_total = models.PositiveIntegerField(_("perangkat desa (jumlah)"), default=0)
    village_apparatus_covered = models.PositiveIntegerField(
        _("perangkat desa terlindungi"), default=0
    )

    class Meta:
        ordering = ["year", "region__bps_code"]
        verbose_name = _("komitmen pemda")
        verbose_name_plural = pgettext_lazy("plural", "komitmen pemda")
        constraints = [
            unique("commitment_unique_year_region", "year", "region"),
            at_least_zero("commitment_budget_gte_0", "budget_idr"),
            models.CheckConstraint(
                condition=Q(village_apparatus_covered__lte=models.F("village_apparatus_total")),
                name="commitment_covered_lte_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id}"
