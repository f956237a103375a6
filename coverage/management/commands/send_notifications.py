"""``manage.py send_notifications [--dry-run] [--today YYYY-MM-DD]``: the e-mail alerts.

Run from a timer (the README shows a cron line and a systemd timer). Which notices
are due is decided by ``coverage.notifications`` (pure); this command loads what
it needs, writes each mail in Bahasa Indonesia (plain text and simple HTML, numbers
in Indonesian format, an unsubscribe link) and sends it through
``services.notice_send``, which records the notice in the same transaction: a
second run sends nothing that the first one sent.
"""

from __future__ import annotations

import datetime
import smtplib
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coverage import formatting, notifications, selectors, services
from coverage.access import has_role
from coverage.calculations import CoverageSummary, Period, ReferenceFrames, Scope
from coverage.completeness import ReportingLedger
from coverage.labels import status_words
from coverage.models import Basis, MonthApproval, Notice, Role, Subscription
from coverage.summaries import SummaryError, load_coverage_summary
from coverage.views.reports import approval_branch_codes

LANGUAGE = "id"


@dataclass
class Loaded:
    """What one run reads once and shares between the subscriptions."""

    reference: ReferenceFrames
    ledger: ReportingLedger
    region_names: dict[str, str]
    summaries: dict[tuple[str, Period], CoverageSummary | None] = field(default_factory=dict)

    def summary(self, scope_code: str, period: Period) -> CoverageSummary | None:
        """The UCJ summary of a scope and month (the headline basis), loaded once."""
        key = (scope_code, period)
        if key not in self.summaries:
            try:
                self.summaries[key] = load_coverage_summary(
                    period=period, scope_code=scope_code, basis=Basis.UCJ
                )
            except SummaryError:
                self.summaries[key] = None
        return self.summaries[key]


def parse_today(text: str | None) -> datetime.date:
    if not text:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Tanggal “%(value)s” tidak valid: gunakan format TTTT-BB-HH, misalnya 2025-05-11.")
            % {"value": text}
        ) from None


def skip_reason(subscription: Subscription) -> str | None:
    """Why a subscription gets no mail now: the user lost the role, the scope, the
    account or the address since subscribing."""
    user = subscription.user
    if not user.is_active:
        return _("akun tidak aktif")
    if not has_role(user, Role.ADMIN):
        return _("bukan lagi admin data atau manajer")
    if not user.email:
        return _("akun tanpa alamat e-mail")
    if not services.subscription_scope_allowed(user, subscription.scope_code):
        return _("cakupan di luar wilayah kerja")
    return None


def rule_of(subscription: Subscription, scope: Scope) -> notifications.Rule:
    branches = approval_branch_codes(scope)
    return notifications.Rule(
        subscription_id=subscription.pk,
        kind=subscription.kind,
        scope_code=scope.code,
        region_codes=scope.region_codes,
        approval_branches=None if branches is None else frozenset(branches),
        probability_threshold=subscription.probability_threshold,
        days_after_month_end=subscription.days_after_month_end,
    )


def outlook_of(loaded: Loaded, scope: Scope) -> notifications.Outlook | None:
    """The scope's standing in its latest complete month."""
    period = loaded.ledger.default_period(scope.region_codes)
    if period is None:
        return None
    summary = loaded.summary(scope.code, period)
    if summary is None:
        return None
    metrics = summary.metrics
    return notifications.Outlook(
        period=period,
        status=str(metrics.status),
        probability=metrics.probability_reaching_target,
    )


def scope_title(scope: Scope) -> str:
    if scope.kind == "province":
        return _("Provinsi %(name)s") % {"name": scope.name}
    if scope.kind == "branch":
        return _("Kantor cabang %(name)s") % {"name": scope.name}
    return scope.name


def unsubscribe_url(subscription: Subscription) -> str:
    path = reverse(
        "coverage:unsubscribe",
        kwargs={"pk": subscription.pk, "token": subscription.unsubscribe_token},
    )
    return f"{settings.SITE_URL}{path}"


def mail_chance(value: Fraction | None) -> str:
    """A probability (0–1) as the pages and the PDF write it: 3%, "< 1%" / "> 99%" for one
    that is neither 0 nor 1 but would round to 0% or 100%; "–" when there is none."""
    return formatting.chance(value, empty=formatting.EN_DASH)


def figures(summary: CoverageSummary | None) -> dict[str, str]:
    """The headline numbers of a summary, in Indonesian format."""
    if summary is None:
        return {}
    metrics = summary.metrics
    return {
        "active": formatting.number(metrics.active),
        "coverage_pct": formatting.percent(metrics.coverage_pct),
        "target": formatting.number(metrics.target.count),
        "gap": formatting.number(metrics.gap_count),
        "status": status_words(str(metrics.status)),
        "probability": mail_chance(metrics.probability_reaching_target),
        "run_rate": formatting.number(metrics.run_rate, minus=formatting.HYPHEN),
        "required_pace": formatting.number(metrics.required_monthly_pace),
        "deadline": formatting.month_year(Period(metrics.period.year, 12)),
    }


def subject_of(notice: notifications.DueNotice, *, scope: Scope, threshold: str) -> str:
    month = formatting.month_year(notice.period)
    where = scope_title(scope)
    if notice.kind == notifications.MONTHLY_PDF:
        return _("Ringkasan cakupan %(month)s — %(scope)s") % {"month": month, "scope": where}
    if notice.kind == notifications.EARLY_WARNING:
        if notice.condition == notifications.OFF_TRACK:
            return _("Peringatan dini: %(scope)s tertinggal dari target (%(month)s)") % {
                "scope": where,
                "month": month,
            }
        return _("Peringatan dini: peluang %(scope)s mencapai target di bawah %(threshold)s") % {
            "scope": where,
            "threshold": threshold,
        }
    return ngettext(
        "Pengingat: %(count)s kabupaten/kota belum melapor %(month)s — %(scope)s",
        "Pengingat: %(count)s kabupaten/kota belum melapor %(month)s — %(scope)s",
        len(notice.missing),
    ) % {"count": len(notice.missing), "month": month, "scope": where}


def compose(
    notice: notifications.DueNotice,
    *,
    subscription: Subscription,
    scope: Scope,
    loaded: Loaded,
    with_pdf: bool,
) -> EmailMultiAlternatives | None:
    """The mail of ``notice`` (None when its month's figures cannot be loaded)."""
    threshold = mail_chance(
        None
        if subscription.probability_threshold is None
        else Fraction(subscription.probability_threshold)
    )
    summary = None
    if notice.kind != notifications.MISSING_REPORT:
        summary = loaded.summary(scope.code, notice.period)
        if summary is None:
            return None
    completeness = loaded.ledger.completeness(notice.period, scope.region_codes)
    context: dict[str, Any] = {
        "kind": notice.kind,
        "condition": notice.condition,
        "scope": scope_title(scope),
        "month": formatting.month_year(notice.period),
        "figures": figures(summary),
        "threshold": threshold,
        "approved": notice.approved,
        "complete": completeness.complete,
        "reported": formatting.number(completeness.regions_reported),
        "expected": formatting.number(completeness.regions_expected),
        "missing": [loaded.region_names.get(code, code) for code in notice.missing],
        "days": subscription.days_after_month_end,
        "dashboard_url": settings.SITE_URL + dashboard_path(scope),
        "unsubscribe_url": unsubscribe_url(subscription),
        "subscriptions_url": settings.SITE_URL + reverse("coverage:subscriptions"),
    }
    message = EmailMultiAlternatives(
        subject=subject_of(notice, scope=scope, threshold=threshold),
        body=render_to_string(f"emails/{notice.kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.user.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"},
    )
    message.attach_alternative(render_to_string(f"emails/{notice.kind}.html", context), "text/html")
    if notice.kind == notifications.MONTHLY_PDF and with_pdf:
        from coverage.reports import report_pdf_bytes  # here: WeasyPrint only when a PDF is sent

        pdf = report_pdf_bytes(
            period=notice.period,
            scope_code=scope.code,
            basis=Basis.UCJ,
            lang=LANGUAGE,
            approved=notice.approved,
        )
        message.attach(
            f"ringkasan-cakupan-{scope.code.lower()}-{notice.period}.pdf", pdf, "application/pdf"
        )
    return message


def dashboard_path(scope: Scope) -> str:
    if scope.kind == "province":
        return reverse("coverage:overview")
    if scope.kind == "branch":
        return reverse("coverage:branch", kwargs={"code": scope.code})
    return reverse("coverage:region", kwargs={"bps_code": scope.code})


class Command(BaseCommand):
    help = (
        "Kirim notifikasi e-mail yang jatuh tempo: ringkasan bulanan (PDF), peringatan dini "
        "dan pengingat laporan. Aman dijalankan berulang: setiap notifikasi dikirim sekali."
    )
    failures = 0  # mails the server refused in this run (not recorded: tried again next run)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Tampilkan yang akan dikirim, tanpa mengirim."
        )
        parser.add_argument(
            "--today", help="Tanggal acuan TTTT-BB-HH (bawaan: hari ini), mis. 2025-05-11."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(LANGUAGE):
            today = parse_today(options.get("today"))
            self.failures = 0
            sent = self.run(today=today, dry_run=bool(options.get("dry_run")))
            if options.get("dry_run"):
                self.stdout.write(
                    ngettext(
                        "%(count)s notifikasi akan dikirim (uji coba, tidak ada yang dikirim).",
                        "%(count)s notifikasi akan dikirim (uji coba, tidak ada yang dikirim).",
                        sent,
                    )
                    % {"count": sent}
                )
            else:
                self.stdout.write(
                    ngettext(
                        "%(count)s notifikasi terkirim.", "%(count)s notifikasi terkirim.", sent
                    )
                    % {"count": sent}
                )
            if self.failures:
                raise CommandError(
                    ngettext(
                        "%(count)s notifikasi gagal dikirim; dicoba lagi pada putaran berikutnya.",
                        "%(count)s notifikasi gagal dikirim; dicoba lagi pada putaran berikutnya.",
                        self.failures,
                    )
                    % {"count": self.failures}
                )

    def run(self, *, today: datetime.date, dry_run: bool) -> int:
        reference = selectors.reference_frames()
        loaded = Loaded(
            reference=reference,
            ledger=selectors.reporting_ledger(),
            region_names={
                str(code): str(name)
                for code, name in zip(
                    reference.regions["region_code"], reference.regions["name"], strict=True
                )
            },
        )
        subscriptions: dict[int, tuple[Subscription, Scope]] = {}
        for subscription in Subscription.objects.filter(active=True).select_related("user"):
            scope = reference.scope(subscription.scope_code)
            reason = skip_reason(subscription) if scope is not None else _("cakupan tidak dikenal")
            if reason is not None or scope is None:
                self.stdout.write(
                    _("Dilewati: langganan %(id)s (%(reason)s).")
                    % {"id": subscription.pk, "reason": reason}
                )
                continue
            subscriptions[subscription.pk] = (subscription, scope)
        rules = [rule_of(subscription, scope) for subscription, scope in subscriptions.values()]
        warned_scopes = {
            scope.code: scope
            for subscription, scope in subscriptions.values()
            if subscription.kind == notifications.EARLY_WARNING
        }
        sent_keys: dict[int, set[str]] = {}
        for subscription_id, key in Notice.objects.filter(
            subscription_id__in=subscriptions
        ).values_list("subscription_id", "key"):
            sent_keys.setdefault(subscription_id, set()).add(key)
        due = notifications.due_notices(
            rules,
            today=today,
            ledger=loaded.ledger,
            approvals=[
                notifications.Approval(Period(year, month), branch)
                for year, month, branch in MonthApproval.objects.filter(locked=True).values_list(
                    "year", "month", "branch_id"
                )
            ],
            outlooks={code: outlook_of(loaded, scope) for code, scope in warned_scopes.items()},
            sent=sent_keys,
        )
        count = 0
        for notice in due:
            subscription, scope = subscriptions[notice.subscription_id]
            message = compose(
                notice, subscription=subscription, scope=scope, loaded=loaded, with_pdf=not dry_run
            )
            if message is None:
                self.stderr.write(
                    _(
                        "Tidak dapat memuat angka untuk %(key)s; dicoba lagi pada putaran "
                        "berikutnya."
                    )
                    % {"key": notice.key}
                )
                continue
            mail = {"to": subscription.user.email, "subject": message.subject}
            if dry_run:
                done = _("Akan dikirim ke %(to)s: %(subject)s")
            else:
                try:
                    sent = services.notice_send(
                        subscription=subscription, key=notice.key, message=message
                    )
                except (smtplib.SMTPException, OSError) as error:
                    # Not recorded: the next run tries again. The other notices still go.
                    self.failures += 1
                    self.stderr.write(
                        _("Gagal mengirim ke %(to)s (%(subject)s): %(error)s")
                        % {**mail, "error": error}
                    )
                    continue
                if not sent:
                    continue
                done = _("Terkirim ke %(to)s: %(subject)s")
            self.stdout.write(done % mail)
            count += 1
        return count
