"""The schema: reference data (branches, regions, sectors, segments), workforce
figures with their basis, monthly participant counts and targets.

Percentages are never stored as the source of truth for coverage: they are
computed from counts and denominators by ``coverage.calculations``. A target may
state a percentage because that is how targets are announced.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

PROVINCE_CODE = "53"
PROVINCE_NAME = "Nusa Tenggara Timur"


def _in_range(name: str, field: str, low: int, high: int) -> models.CheckConstraint:
    """``low ≤ field ≤ high`` in the schema (a month 1–12, a year 2000–2100)."""
    condition = Q(**{f"{field}__gte": low}) & Q(**{f"{field}__lte": high})
    return models.CheckConstraint(condition=condition, name=name)


def _month_1_12(name: str, field: str = "month") -> models.CheckConstraint:
    return _in_range(name, field, 1, 12)


def _year_range(name: str) -> models.CheckConstraint:
    return _in_range(name, "year", 2000, 2100)


def _unique_per_scope(
    prefix: str, fields: list[str], scopes: dict[str, list[str]]
) -> list[models.UniqueConstraint]:
    """One row per key and scope type: ``fields`` plus the scope's own key column(s)."""
    return [
        models.UniqueConstraint(
            fields=[*fields, *own], condition=Q(scope_type=scope), name=f"{prefix}_unique_{scope}"
        )
        for scope, own in scopes.items()
    ]


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
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z_]+$"), name="branch_code_upper_snake"
            )
        ]

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
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("kantor cabang"),
        on_delete=models.PROTECT,
        related_name="regions",
    )

    class Meta:
        ordering = ["bps_code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = pgettext_lazy("plural", "kabupaten/kota")
        constraints = [
            models.CheckConstraint(
                condition=Q(bps_code__regex=r"^[0-9]{4}$"), name="region_bps_code_4_digits"
            )
        ]

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


class WorkforceFigure(models.Model):
    """A denominator: the workers of a region (or the province) on one basis and year.

    ``region`` empty means the whole province; ``sector`` empty means all sectors.
    """

    year = models.PositiveSmallIntegerField(_("tahun"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Kosong berarti seluruh provinsi."),
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sektor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Kosong berarti semua sektor."),
    )
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    workers = models.BigIntegerField(_("jumlah pekerja"))
    source = models.CharField(_("sumber"), max_length=300)

    class Meta:
        ordering = ["year", "basis", "region__bps_code", "sector__code"]
        verbose_name = _("data angkatan kerja")
        verbose_name_plural = pgettext_lazy("plural", "data angkatan kerja")
        indexes = [models.Index(fields=["basis", "year"], name="workforce_basis_year")]
        constraints = [
            models.CheckConstraint(condition=Q(workers__gte=0), name="workforce_workers_gte_0"),
            _year_range("workforce_year_range"),
            models.UniqueConstraint(
                fields=["year", "basis", "region", "sector"],
                name="workforce_unique_region_sector",
            ),
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
    year = models.PositiveSmallIntegerField(_("tahun"))
    month = models.PositiveSmallIntegerField(_("bulan"))
    region = models.ForeignKey(
        Region, verbose_name=_("kabupaten/kota"), on_delete=models.PROTECT, db_index=False
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sektor"), on_delete=models.PROTECT, db_index=False
    )
    segment = models.ForeignKey(
        Segment, verbose_name=_("segmen"), on_delete=models.PROTECT, db_index=False
    )
    active = models.BigIntegerField(_("peserta aktif"))
    nonactive = models.BigIntegerField(_("peserta nonaktif"), default=0)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["year", "month", "region__bps_code", "sector__code", "segment__code"]
        verbose_name = _("jumlah peserta bulanan")
        verbose_name_plural = pgettext_lazy("plural", "jumlah peserta bulanan")
        # No separate (year, month, region) index: the unique constraint's index
        # starts with those columns and serves the same lookups, and every index
        # costs time on each of a 100,000-row import's inserts.
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "region", "sector", "segment"],
                name="count_unique_cell",
            ),
            models.CheckConstraint(condition=Q(active__gte=0), name="count_active_gte_0"),
            models.CheckConstraint(condition=Q(nonactive__gte=0), name="count_nonactive_gte_0"),
            _month_1_12("count_month_1_12"),
            _year_range("count_year_range"),
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

    year = models.PositiveSmallIntegerField(_("tahun"))
    month = models.PositiveSmallIntegerField(_("bulan"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, db_index=False)
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, db_index=False)
    active = models.BigIntegerField(_("peserta aktif"))
    nonactive = models.BigIntegerField(_("peserta nonaktif"))

    class Meta:
        verbose_name = _("total bulanan")
        verbose_name_plural = pgettext_lazy("plural", "total bulanan")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "region", "segment"], name="monthly_total_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.region_id}/{self.segment_id}"


class Target(models.Model):
    """A year's target for the province, a branch or a region, on one basis.

    It states a count, a percentage, or both; with both, the count is the target and
    the percentage reveals the denominator the announcer had in mind.
    """

    year = models.PositiveSmallIntegerField(_("tahun"))
    scope_type = models.CharField(_("cakupan"), max_length=10, choices=ScopeType.choices)
    branch = models.ForeignKey(
        Branch, verbose_name=_("kantor cabang"), on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("kabupaten/kota"), on_delete=models.PROTECT, null=True, blank=True
    )
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
            *_unique_per_scope(
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


class Role(models.TextChoices):
    """The three roles; each is a Django group of the same name with its permissions."""

    VIEWER = "viewer", _("Pemantau (staf cabang)")
    ADMIN = "admin", _("Admin data")
    MANAGER = "manager", _("Manajer")


class UserScope(models.Model):
    """Which part of NTT a user may see and edit: the whole province or some branches."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="coverage_scope",
    )
    whole_province = models.BooleanField(_("seluruh provinsi"), default=False)
    branches = models.ManyToManyField(Branch, verbose_name=_("kantor cabang"), blank=True)

    class Meta:
        verbose_name = _("wilayah kerja pengguna")
        verbose_name_plural = pgettext_lazy("plural", "wilayah kerja pengguna")

    def __str__(self) -> str:
        return str(self.user)


class MonthApproval(models.Model):
    """A manager's approval of a month for a branch or the whole province.

    While ``locked`` is true no write path may change that month's counts in the
    approved scope; unlocking needs a reason, which the audit log keeps.
    """

    year = models.PositiveSmallIntegerField(_("tahun"))
    month = models.PositiveSmallIntegerField(_("bulan"))
    scope_type = models.CharField(_("cakupan"), max_length=10, choices=ScopeType.choices)
    branch = models.ForeignKey(
        Branch, verbose_name=_("kantor cabang"), on_delete=models.PROTECT, null=True, blank=True
    )
    locked = models.BooleanField(_("dikunci"), default=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disetujui oleh"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("disetujui pada"))
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuka oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unlocked_at = models.DateTimeField(_("dibuka pada"), null=True, blank=True)
    unlock_reason = models.CharField(_("alasan membuka kunci"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "-month", "scope_type", "branch__code"]
        verbose_name = _("persetujuan bulan")
        verbose_name_plural = pgettext_lazy("plural", "persetujuan bulan")
        constraints = [
            _month_1_12("approval_month_1_12"),
            models.CheckConstraint(
                condition=(
                    Q(scope_type="province", branch__isnull=True)
                    | Q(scope_type="branch", branch__isnull=False)
                ),
                name="approval_scope_province_or_branch",
            ),
            *_unique_per_scope(
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

    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("sumber"), max_length=10, choices=ChangeSource.choices)
    source_detail = models.CharField(_("keterangan sumber"), max_length=300, blank=True)
    # One id per user action (a grid save, an upload, an import, an approval): the
    # history shows one line per operation. Null only for rows written outside the
    # services before the field existed and not grouped by the migration.
    operation = models.CharField(_("operasi"), max_length=36, null=True, blank=True, db_index=True)
    entity = models.CharField(_("jenis data"), max_length=10, choices=Entity.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    month = models.PositiveSmallIntegerField(_("bulan"), null=True, blank=True)
    # No database constraint: the log is append-only history (it must outlive a
    # renamed or removed regency), and skipping the deferred checks keeps a
    # 100,000-row import's commit fast.
    region = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("kantor cabang"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
    )
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
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
    year = models.PositiveSmallIntegerField(_("tahun target"))
    scope_code = models.CharField(_("cakupan"), max_length=20, default=PROVINCE_CODE)
    target_count = models.BigIntegerField(_("target peserta"), null=True, blank=True)
    levers = models.JSONField(_("pengungkit"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("skenario")
        verbose_name_plural = pgettext_lazy("plural", "skenario")
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="scenario_unique_name_year"),
            models.CheckConstraint(
                condition=Q(target_count__isnull=True) | Q(target_count__gte=0),
                name="scenario_target_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Pemda programmes (APBD-funded BPU workers) -----------------------------------------


class Programme(models.Model):
    """A Pemda programme paying BPU contributions for workers out of APBD/APBDes.

    ``funder`` empty means the province (Pemprov NTT, code 53), else the regency
    that pays. Months run from ``start`` to ``end`` inclusive; the contribution per
    worker-month is a default (Rp16.800, JKK + JKM), not a constant.
    """

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    funder = models.ForeignKey(
        Region,
        verbose_name=_("pemberi dana"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_programmes",
        help_text=_("Kosong berarti Pemprov NTT (kode 53)."),
    )
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    budget_idr = models.BigIntegerField(_("anggaran (Rp)"))
    contribution_idr = models.PositiveIntegerField(
        _("iuran per pekerja per bulan (Rp)"), default=16_800
    )
    start_year = models.PositiveSmallIntegerField(_("tahun mulai"))
    start_month = models.PositiveSmallIntegerField(_("bulan mulai"))
    end_year = models.PositiveSmallIntegerField(_("tahun selesai"))
    end_month = models.PositiveSmallIntegerField(_("bulan selesai"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("program pemda")
        verbose_name_plural = pgettext_lazy("plural", "program pemda")
        constraints = [
            models.CheckConstraint(condition=Q(budget_idr__gte=0), name="programme_budget_gte_0"),
            models.CheckConstraint(
                condition=Q(contribution_idr__gt=0), name="programme_contribution_gt_0"
            ),
            _month_1_12("programme_start_month_1_12", "start_month"),
            _month_1_12("programme_end_month_1_12", "end_month"),
            _year_range("programme_year_range"),
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
    region = models.ForeignKey(Region, verbose_name=_("kabupaten/kota"), on_delete=models.PROTECT)
    quota = models.PositiveIntegerField(_("kuota pekerja"))

    class Meta:
        ordering = ["programme__code", "region__bps_code"]
        verbose_name = _("kuota program")
        verbose_name_plural = pgettext_lazy("plural", "kuota program")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "region"], name="programme_quota_unique_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.region_id}: {self.quota}"


class ProgrammeEnrolment(models.Model):
    """End-of-month stock of a programme's enrolled workers in one regency."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    month = models.PositiveSmallIntegerField(_("bulan"))
    programme = models.ForeignKey(
        Programme, verbose_name=_("program"), on_delete=models.CASCADE, related_name="enrolment"
    )
    region = models.ForeignKey(Region, verbose_name=_("kabupaten/kota"), on_delete=models.PROTECT)
    enrolled = models.PositiveIntegerField(_("pekerja terdaftar"))

    class Meta:
        ordering = ["year", "month", "programme__code", "region__bps_code"]
        verbose_name = _("kepesertaan program bulanan")
        verbose_name_plural = pgettext_lazy("plural", "kepesertaan program bulanan")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "programme", "region"],
                name="programme_enrolment_unique_cell",
            ),
            _month_1_12("programme_enrolment_month_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.programme_id}/{self.region_id}"


class RegencyCommitment(models.Model):
    """What a regency's Pemda has committed in a year: a regulation, a budget, village staff.

    ``regulation`` is the number of the regulation in force (Perbup/Perwali/Perda);
    empty means none.
    """

    year = models.PositiveSmallIntegerField(_("tahun"))
    region = models.ForeignKey(Region, verbose_name=_("kabupaten/kota"), on_delete=models.PROTECT)
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
            models.UniqueConstraint(
                fields=["year", "region"], name="commitment_unique_year_region"
            ),
            models.CheckConstraint(condition=Q(budget_idr__gte=0), name="commitment_budget_gte_0"),
            models.CheckConstraint(
                condition=Q(village_apparatus_covered__lte=models.F("village_apparatus_total")),
                name="commitment_covered_lte_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id}"


class LoginFailure(models.Model):
    """One failed login, kept for the throttle's window (``coverage.throttle``).

    In the database rather than a per-process cache so that every gunicorn worker
    counts the same failures; rows older than the window are deleted as new ones come.
    """

    created_at = models.DateTimeField(_("waktu"))
    username = models.CharField(_("nama pengguna"), max_length=150)
    address = models.CharField(_("alamat klien"), max_length=45)

    class Meta:
        verbose_name = _("percobaan masuk gagal")
        verbose_name_plural = pgettext_lazy("plural", "percobaan masuk gagal")
        indexes = [
            models.Index(fields=["username", "created_at"], name="login_failure_user_time"),
            models.Index(fields=["address", "created_at"], name="login_failure_address_time"),
            models.Index(fields=["created_at"], name="login_failure_time"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.created_at:%Y-%m-%d %H:%M}"


class Subscription(models.Model):
    """A manager's or admin's standing order for e-mail about one scope.

    ``scope_code`` is ``53``, a branch code or a regency's BPS code, within the
    user's branch scope when it was saved (``services.subscription_save`` checks;
    ``send_notifications`` checks again before each mail). The unsubscribe link of
    every mail carries ``unsubscribe_token``, so it works without logging in.
    """

    class Kind(models.TextChoices):
        MONTHLY_PDF = "monthly_pdf", _("Ringkasan bulanan (PDF)")
        EARLY_WARNING = "early_warning", _("Peringatan dini")
        MISSING_REPORT = "missing_report", _("Pengingat laporan belum masuk")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="coverage_subscriptions",
    )
    scope_code = models.CharField(_("cakupan"), max_length=20)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    probability_threshold = models.DecimalField(
        _("batas peluang"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Peringatan dikirim bila peluang mencapai target di bawah batas ini (0–1)."),
    )
    days_after_month_end = models.PositiveSmallIntegerField(
        _("hari setelah akhir bulan"), default=10
    )
    active = models.BooleanField(_("aktif"), default=True)
    unsubscribe_token = models.CharField(_("token berhenti langganan"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["scope_code", "kind", "pk"]
        verbose_name = _("langganan notifikasi")
        verbose_name_plural = pgettext_lazy("plural", "langganan notifikasi")
        constraints = [
            models.CheckConstraint(
                condition=Q(probability_threshold__isnull=True)
                | (Q(probability_threshold__gte=0) & Q(probability_threshold__lte=1)),
                name="subscription_threshold_0_1",
            ),
            models.CheckConstraint(
                condition=Q(days_after_month_end__gte=1) & Q(days_after_month_end__lte=60),
                name="subscription_days_1_60",
            ),
            models.UniqueConstraint(
                fields=["user", "scope_code", "kind"], name="subscription_unique_user_scope_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.scope_code}"


class Notice(models.Model):
    """One e-mail sent for a subscription; ``key`` (kind, scope, period and, for early
    warnings, the condition) is unique per subscription, so each notice goes once."""

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("langganan"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    key = models.CharField(_("kunci"), max_length=100)
    sent_at = models.DateTimeField(_("dikirim pada"))
    recipient = models.EmailField(_("penerima"))
    subject = models.CharField(_("subjek"), max_length=300)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("notifikasi terkirim")
        verbose_name_plural = pgettext_lazy("plural", "notifikasi terkirim")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "key"], name="notice_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.key}"
