"""Planning: initiatives expected to bring in participants, and saved scenarios."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .constraints import unique
from .fields import user_stamp, year_field
from .reference import PROVINCE_CODE, Branch, Region, Sector, Segment


class Initiative(models.Model):
    """A programme, partnership or outreach event expected to bring in participants."""

    class Kind(models.TextChoices):
        PEMPROV = "pemprov", _("Program Pemprov NTT")
        PARTNERSHIP = "partnership", _("Kemitraan (mis. REI)")
        SOSIALISASI = "sosialisasi", _("Sosialisasi")

    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("mulai"))
    end_date = models.DateField(_("selesai"), null=True, blank=True)
    branches = models.ManyToManyField(Branch, verbose_name=_("kantor cabang"), blank=True)
    regions = models.ManyToManyField(Region, verbose_name=_("kabupaten/kota"), blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sektor"), blank=True)
    segments = models.ManyToManyField(Segment, verbose_name=_("segmen"), blank=True)
    expected_enrolments = models.PositiveIntegerField(_("perkiraan peserta baru"), default=0)
    note = models.TextField(_("catatan"), blank=True)
    created_by = user_stamp(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("inisiatif")
        verbose_name_plural = pgettext_lazy("plural", "inisiatif")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="initiative_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Scenario(models.Model):
    """A saved "what would it take?" plan: extra monthly enrolments by lever.

    ``levers`` is a list of ``{"label", "kind", "monthly", "start": "YYYY-MM",
    "segment", "sectors", "branch"}`` objects, validated by the planner form; the
    projection itself is recomputed from current data every time it is shown.
    """

    name = models.CharField(_("nama"), max_length=200)
    year = year_field(_("tahun target"))
    scope_code = models.CharField(_("cakupan"), max_length=20, default=PROVINCE_CODE)
    target_count = models.BigIntegerField(_("target peserta"), null=True, blank=True)
    levers = models.JSONField(_("pengungkit"), default=list, blank=True)
    created_by = user_stamp(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("skenario")
        verbose_name_plural = pgettext_lazy("plural", "skenario")
        constraints = [
            unique("scenario_unique_name_year", "name", "year"),
            models.CheckConstraint(
                condition=Q(target_count__isnull=True) | Q(target_count__gte=0),
                name="scenario_target_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return self.name
