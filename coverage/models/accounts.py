"""Accounts: roles, each user's branch scope, failed logins, e-mail subscriptions and
the notices sent for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .constraints import unique
from .reference import Branch


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
            unique("subscription_unique_user_scope_kind", "user", "scope_code", "kind"),
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
        constraints = [unique("notice_unique_key", "subscription", "key")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.key}"
