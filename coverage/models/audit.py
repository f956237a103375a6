"""Approvals and the change log: who locked a month, and every changed value."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .constraints import month_1_12, unique_per_scope
from .fields import history_link, month_field, optional_link, user_stamp, year_field
from .reference import PROVINCE_NAME, Branch, Region, ScopeType


class MonthApproval(models.Model):
    """A manager's approval of a month for a branch or the whole province.

    While ``locked`` is true no write path may change that month's counts in the
    approved scope; unlocking needs a reason, which the audit log keeps.
    """

    year = year_field()
    month = month_field()
    scope_type = models.CharField(_("cakupan"), max_length=10, choices=ScopeType.choices)
    branch = optional_link(Branch, _("kantor cabang"))
    locked = models.BooleanField(_("dikunci"), default=True)
    approved_by = user_stamp(_("disetujui oleh"), blank=False)
    approved_at = models.DateTimeField(_("disetujui pada"))
    unlocked_by = user_stamp(_("dibuka oleh"))
    unlocked_at = models.DateTimeField(_("dibuka pada"), null=True, blank=True)
    unlock_reason = models.CharField(_("alasan membuka kunci"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "-month", "scope_type", "branch__code"]
        verbose_name = _("persetujuan bulan")
        verbose_name_plural = pgettext_lazy("plural", "persetujuan bulan")
        constraints = [
            month_1_12("approval_month_1_12"),
            models.CheckConstraint(
                condition=(
                    Q(scope_type="province", branch__isnull=True)
                    | Q(scope_type="branch", branch__isnull=False)
                ),
                name="approval_scope_province_or_branch",
            ),
            *unique_per_scope(
                "approval", ["year", "month"], {"province": [], "branch": ["branch"]}
            ),
        ]

    def __str__(self) -> str:
        where = self.branch.name if self.branch else PROVINCE_NAME
        return f"{self.year}-{self.month:02d} {where}"


class ChangeSource(models.TextChoices):
    GRID = "grid", _("Formulir isian")
    UPLOAD = "upload", _("Unggah berkas")
    CLI = "cli", _("Baris perintah")
    ADMIN = "admin", _("Admin Django")
    DEMO = "demo", _("Data contoh")
    APPROVAL = "approval", _("Persetujuan")


class ChangeLog(models.Model):
    """One changed value: who, when, from where, old → new (the *Riwayat perubahan*)."""

    class Entity(models.TextChoices):
        COUNT = "count", _("Jumlah peserta")
        TARGET = "target", _("Target")
        WORKFORCE = "workforce", _("Angkatan kerja")
        APPROVAL = "approval", _("Persetujuan bulan")
        REGION = "region", _("Kabupaten/kota")
        BRANCH = "branch", _("Kantor cabang")
        SECTOR = "sector", _("Sektor")
        SEGMENT = "segment", _("Segmen kepesertaan")
        INITIATIVE = "initiative", _("Inisiatif")
        SCENARIO = "scenario", _("Skenario")
        PROGRAMME = "programme", _("Program pemda")
        PROGRAMME_QUOTA = "prog_quota", _("Kuota program")
        PROGRAMME_ENROLMENT = "prog_enrol", _("Kepesertaan program")
        COMMITMENT = "commitment", _("Komitmen pemda")
        SUBSCRIPTION = "langganan", _("Langganan notifikasi")
        USER = "user", _("Pengguna")

    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    user = user_stamp(_("pengguna"))
    source = models.CharField(_("sumber"), max_length=10, choices=ChangeSource.choices)
    source_detail = models.CharField(_("keterangan sumber"), max_length=300, blank=True)
    # One id per user action (a grid save, an upload, an import, an approval): the
    # history shows one line per operation. Null only for rows written outside the
    # services before the field existed and not grouped by the migration.
    operation = models.CharField(_("operasi"), max_length=36, null=True, blank=True, db_index=True)
    entity = models.CharField(_("jenis data"), max_length=10, choices=Entity.choices)
    year = year_field()
    month = models.PositiveSmallIntegerField(_("bulan"), null=True, blank=True)
    # No database constraint: the log is append-only history (it must outlive a
    # renamed or removed regency), and skipping the deferred checks keeps a
    # 100,000-row import's commit fast.
    region = history_link(Region, _("kabupaten/kota"))
    branch = history_link(Branch, _("kantor cabang"))
    key = models.CharField(_("kunci"), max_length=100)
    field = models.CharField(_("kolom"), max_length=30)
    old_value = models.CharField(_("nilai lama"), max_length=300, blank=True)
    new_value = models.CharField(_("nilai baru"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("riwayat perubahan")
        verbose_name_plural = pgettext_lazy("plural", "riwayat perubahan")
        indexes = [
            models.Index(fields=["year", "month", "region"], name="changelog_period_region"),
            models.Index(fields=["entity", "key"], name="changelog_entity_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.field}: {self.old_value} → {self.new_value}"
