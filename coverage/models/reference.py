"""Reference data: the province, its branches and regions, sectors and segments, and
the two bases a coverage percentage is measured against."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .constraints import matches
from .fields import link

PROVINCE_CODE = "53"
PROVINCE_NAME = "Nusa Tenggara Timur"


class Basis(models.TextChoices):
    """Which workforce a coverage percentage is measured against."""

    BPS_AK = "BPS_AK", _("Angkatan kerja BPS")
    UCJ = "UCJ", _("Basis UCJ (pekerja yang dapat dilindungi)")


class ScopeType(models.TextChoices):
    PROVINCE = "province", _("Provinsi")
    BRANCH = "branch", _("Kantor cabang")
    REGION = "region", _("Kabupaten/kota")


class BilingualNameMixin(models.Model):
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        if (get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def __str__(self) -> str:
        return self.display_name


class Branch(models.Model):
    """A kantor cabang. Which regencies it serves is data (``Region.branch``)."""

    code = models.CharField(_("kode"), max_length=20, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kantor cabang")
        verbose_name_plural = pgettext_lazy("plural", "kantor cabang")
        constraints = [matches("branch_code_upper_snake", "code", r"^[A-Z_]+$")]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """A kabupaten/kota keyed by its BPS code; the Kemendagri code is kept beside it.

    Any four-digit BPS code is accepted (not only NTT's 53xx) so that the
    national-scale benchmark can load 514 regencies into the same schema.
    """

    class Kind(models.TextChoices):
        REGENCY = "kabupaten", _("Kabupaten")
        CITY = "kota", _("Kota")

    bps_code = models.CharField(_("kode BPS"), max_length=4, primary_key=True)
    kemendagri_code = models.CharField(_("kode Kemendagri"), max_length=5, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    branch = link(Branch, _("kantor cabang"), related_name="regions")

    class Meta:
        ordering = ["bps_code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = pgettext_lazy("plural", "kabupaten/kota")
        constraints = [matches("region_bps_code_4_digits", "bps_code", r"^[0-9]{4}$")]

    def __str__(self) -> str:
        return self.name


class Sector(BilingualNameMixin):
    """A KBLI 2020 section (A–U)."""

    code = models.CharField(_("kode KBLI"), max_length=1, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sektor (KBLI 2020)")
        verbose_name_plural = pgettext_lazy("plural", "sektor (KBLI 2020)")


class Segment(BilingualNameMixin):
    """A membership segment. UCJ 'formal' is PU + JAKON + PMI, 'informal' is BPU."""

    code = models.CharField(_("kode"), max_length=10, primary_key=True)
    is_formal = models.BooleanField(_("formal"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("segmen kepesertaan")
        verbose_name_plural = pgettext_lazy("plural", "segmen kepesertaan")
