"""E-mail alerts and subscriptions (#15): which notices are due (pure), that each goes
once and only once (the command run twice), the subscription page's scope rule, the
unsubscribe link, and one mail through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import datetime
import email
import email.policy
import smtplib
import socket
from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from coverage import notifications, services
from coverage.calculations import Period
from coverage.completeness import ReportingLedger
from coverage.management.commands.send_notifications import figures, mail_chance
from coverage.models import Branch, ChangeLog, Notice, Subscription
from coverage.records import TargetRecord, WorkforceRecord
from coverage.summaries import load_coverage_summary
from tests.factories import login, make_user, pu_counts

SITE = "https://dasbor.contoh.go.id"
# Kupang branch: Kota Kupang (5371) and Kupang (5303); Ende branch: Ende (5311).
KUPANG_REGIONS = ("5371", "5303")
STARTS = {"5371": 12_000, "5303": 9_000, "5311": 7_000}


def rule(kind: str, **changes: Any) -> notifications.Rule:
    values: dict[str, Any] = {
        "subscription_id": 1,
        "kind": kind,
        "scope_code": "KUPANG",
        "region_codes": frozenset(KUPANG_REGIONS),
        "approval_branches": frozenset({"KUPANG"}),
    }
    values.update(changes)
    return notifications.Rule(**values)


# --- the decision, pure ---------------------------------------------------------------------


def test_reminder_period_is_the_month_that_ended_the_chosen_days_ago() -> None:
    assert notifications.reminder_period(datetime.date(2025, 6, 9), 10) == Period(2025, 4)
    assert notifications.reminder_period(datetime.date(2025, 6, 10), 10) == Period(2025, 5)
    assert notifications.reminder_period(datetime.date(2025, 3, 3), 3) == Period(2025, 2)
    assert notifications.reminder_period(datetime.date(2025, 3, 2), 3) == Period(2025, 1)


def test_low_probability_warns_only_below_the_subscribers_threshold() -> None:
    def conditions(probability: Fraction | None, threshold: str | None) -> list[str]:
        outlook = notifications.Outlook(Period(2025, 4), "at_risk", probability)
        return notifications.warning_conditions(
            outlook, None if threshold is None else Decimal(threshold)
        )

    assert conditions(Fraction(49, 100), "0.5") == [notifications.LOW_PROBABILITY]
    assert conditions(Fraction(1, 2), "0.5") == []
    assert conditions(Fraction(3, 10), "0.25") == []
    assert conditions(None, "0.5") == []
    assert conditions(Fraction(0), None) == []


def test_off_track_warns_whatever_the_threshold() -> None:
    outlook = notifications.Outlook(Period(2025, 4), "off_track", Fraction(9, 10))
    assert notifications.warning_conditions(outlook, Decimal("0.5")) == ["off_track"]
    due = notifications.early_warnings_due(rule("early_warning"), outlook=outlook, sent=())
    assert [notice.key for notice in due] == ["early_warning:KUPANG:2025-04:off_track"]
    assert (
        notifications.early_warnings_due(rule("early_warning"), outlook=outlook, sent={due[0].key})
        == []
    )


def test_a_branch_month_is_approved_by_the_branch_or_the_province() -> None:
    approvals = [
        notifications.Approval(Period(2025, 4), "KUPANG"),
        notifications.Approval(Period(2025, 5), "ENDE"),
        notifications.Approval(Period(2025, 6), None),
    ]
    assert notifications.approved_periods(approvals, {"KUPANG"}) == {
        Period(2025, 4),
        Period(2025, 6),
    }
    assert notifications.approved_periods(approvals, None) == {Period(2025, 6)}


def test_monthly_pdf_is_the_later_of_complete_and_approved_month_and_goes_once() -> None:
    due = notifications.monthly_pdf_due(
        rule("monthly_pdf"),
        latest_complete=Period(2025, 4),
        approved=frozenset({Period(2025, 5)}),
        sent=(),
    )
    assert due is not None
    assert (due.key, due.approved) == ("monthly_pdf:KUPANG:2025-05", True)
    assert (
        notifications.monthly_pdf_due(
            rule("monthly_pdf"), latest_complete=Period(2025, 4), approved=frozenset(),
            sent={"monthly_pdf:KUPANG:2025-04"},
        )
        is None
    )  # fmt: skip
    assert (
        notifications.monthly_pdf_due(
            rule("monthly_pdf"), latest_complete=None, approved=frozenset(), sent=()
        )
        is None
    )


def test_reminder_names_the_expected_regencies_that_did_not_report() -> None:
    ledger = ReportingLedger([(2025, 4, "5371"), (2025, 4, "5303"), (2025, 5, "5371")])
    due = notifications.due_notices(
        [rule("missing_report", days_after_month_end=10)],
        today=datetime.date(2025, 6, 10),
        ledger=ledger,
        approvals=[],
        outlooks={},
        sent={},
    )
    assert [(notice.key, notice.missing) for notice in due] == [
        ("missing_report:KUPANG:2025-05", ("5303",))
    ]


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def data(reference: None, settings: Any) -> None:
    """Kupang branch and Ende: June 2024 to April 2025 complete, growing 100 a month per
    regency against a 2025 target far out of reach (off track, probability 0); May 2025
    reported by Kota Kupang and Ende only."""
    settings.SITE_URL = SITE
    settings.LANGUAGE_CODE = "id"
    workers = {None: 100_000, "5371": 40_000, "5303": 30_000, "5311": 30_000}
    services.workforce_figures_save(
        records=[
            WorkforceRecord(year, code, None, "UCJ", count, "UCJ uji")
            for year in (2024, 2025)
            for code, count in workers.items()
        ]
    )
    services.targets_save(
        records=[
            TargetRecord(2025, "province", "53", "UCJ", 80_000, None),
            TargetRecord(2024, "province", "53", "UCJ", 80_000, None),
        ]
    )
    month = Period(2024, 6)
    step = 0
    while month <= Period(2025, 4):
        services.participant_counts_save(
            records=pu_counts(
                month.year,
                month.month,
                {
                    "5371": 12_000 + 100 * step,
                    "5303": 9_000 + 100 * step,
                    "5311": 7_000 + 100 * step,
                },
            )
        )
        month = month.shift(1)
        step += 1
    report_may("5371", "5311")


def report_may(*codes: str) -> None:
    values = {"5371": 13_200, "5303": 10_200, "5311": 8_200}
    services.participant_counts_save(
        records=pu_counts(2025, 5, {code: values[code] for code in codes})
    )


def subscriber(name: str = "manajer", branches: tuple[str, ...] = ("KUPANG",)) -> User:
    user = make_user(name, "manager", branches)
    user.email = f"{name}@contoh.go.id"
    user.save()
    return user


def subscribe(user: User, kind: str, scope: str = "KUPANG", **fields: Any) -> Subscription:
    return services.subscription_save(
        user=user, subscription_id=None, scope_code=scope, kind=kind, **fields
    )


def send(today: str = "2025-06-01", *extra: str) -> str:
    out = StringIO()
    call_command("send_notifications", "--today", today, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_monthly_pdf_goes_once_for_the_latest_complete_month_with_the_pdf(data: None) -> None:
    subscription = subscribe(subscriber(), "monthly_pdf")
    send()
    send()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Ringkasan cakupan April 2025 — Kantor cabang Kupang"
    assert message.to == ["manajer@contoh.go.id"]
    (name, content, mimetype), = message.attachments  # fmt: skip
    assert (name, mimetype) == ("ringkasan-cakupan-kupang-2025-04.pdf", "application/pdf")
    assert content[:5] == b"%PDF-"
    notice = Notice.objects.get()
    assert (notice.subscription, notice.key) == (subscription, "monthly_pdf:KUPANG:2025-04")
    assert notice.recipient == "manajer@contoh.go.id"
    assert notice.subject == message.subject


@pytest.mark.django_db
def test_monthly_pdf_waits_for_an_incomplete_month_until_complete(data: None) -> None:
    subscribe(subscriber(), "monthly_pdf")
    send()
    assert [m.subject for m in mail.outbox] == [
        "Ringkasan cakupan April 2025 — Kantor cabang Kupang"
    ]
    send()
    assert len(mail.outbox) == 1  # May is still waiting for Kupang (5303)
    report_may("5303")
    send()
    send()
    assert [m.subject for m in mail.outbox][1:] == [
        "Ringkasan cakupan Mei 2025 — Kantor cabang Kupang"
    ]
    assert "sudah lengkap: 2 dari 2 kabupaten/kota" in mail.outbox[1].body


# Approving a month some regency has not reported needs a reason (``month_approve``).
APPROVAL_REASON = "Ende melapor terlambat; disetujui untuk rapat bulanan."


@pytest.mark.django_db
def test_monthly_pdf_of_an_incomplete_month_goes_once_it_is_approved(data: None) -> None:
    user = subscriber()
    subscribe(user, "monthly_pdf")
    send()
    services.month_approve(
        year=2025, month=5, branch_code="KUPANG", user_id=user.pk, reason=APPROVAL_REASON
    )
    send()
    send()
    assert [m.subject for m in mail.outbox] == [
        "Ringkasan cakupan April 2025 — Kantor cabang Kupang",
        "Ringkasan cakupan Mei 2025 — Kantor cabang Kupang",
    ]
    assert "Data Mei 2025 untuk Kantor cabang Kupang sudah disetujui." in mail.outbox[1].body


@pytest.mark.django_db
def test_approval_of_another_branch_does_not_send_the_pdf(data: None) -> None:
    user = subscriber()
    subscribe(user, "monthly_pdf")
    send()
    services.month_approve(
        year=2025, month=5, branch_code="ENDE", user_id=user.pk, reason=APPROVAL_REASON
    )
    send()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_early_warning_off_track_goes_once_in_indonesian_with_unsubscribe_link(
    data: None,
) -> None:
    subscription = subscribe(subscriber(), "early_warning", probability_threshold=Decimal("0"))
    send()
    send()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (
        message.subject
        == "Peringatan dini: Kantor cabang Kupang tertinggal dari target (April 2025)"
    )
    # 12.000 + 9.000 + 10 months × 2 × 100 = 23.000 active in April 2025
    assert "Peserta aktif: 23.000" in message.body
    assert "Status: tertinggal" in message.body
    link = SITE + reverse(
        "coverage:unsubscribe",
        kwargs={"pk": subscription.pk, "token": subscription.unsubscribe_token},
    )
    assert link in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link in str(html)
    assert Notice.objects.get().key == "early_warning:KUPANG:2025-04:off_track"


@pytest.mark.django_db
def test_early_warning_of_low_probability_goes_once_beside_off_track(data: None) -> None:
    subscribe(subscriber(), "early_warning", probability_threshold=Decimal("0.5"))
    send()
    send()
    assert sorted(Notice.objects.values_list("key", flat=True)) == [
        "early_warning:KUPANG:2025-04:off_track",
        "early_warning:KUPANG:2025-04:probability",
    ]
    assert sorted(m.subject for m in mail.outbox) == [
        "Peringatan dini: Kantor cabang Kupang tertinggal dari target (April 2025)",
        "Peringatan dini: peluang Kantor cabang Kupang mencapai target di bawah 50%",
    ]
    low = next(m for m in mail.outbox if "peluang" in m.subject)
    assert "turun menjadi 0%, di bawah batas 50%" in low.body


@pytest.mark.django_db
def test_reminder_waits_the_chosen_days_then_goes_once_naming_the_missing(data: None) -> None:
    subscribe(subscriber(), "missing_report", days_after_month_end=10)
    send("2025-06-09")
    assert mail.outbox == []
    send("2025-06-10")
    send("2025-06-11")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == (
        "Pengingat: 1 kabupaten/kota belum melapor Mei 2025 — Kantor cabang Kupang"
    )
    assert "- Kupang\n" in message.body
    assert "Kota Kupang" not in message.body.split("Yang belum melapor:")[1].split("Selama")[0]


@pytest.mark.django_db
def test_dry_run_sends_and_records_nothing(data: None) -> None:
    subscribe(subscriber(), "missing_report")
    output = send("2025-06-15", "--dry-run")
    assert "Akan dikirim ke manajer@contoh.go.id" in output
    assert mail.outbox == []
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_a_subscriber_who_lost_the_scope_gets_nothing(data: None) -> None:
    user = subscriber()
    subscribe(user, "missing_report")
    user.coverage_scope.branches.set([Branch.objects.get(code="ENDE")])
    output = send("2025-06-15")
    assert mail.outbox == []
    assert "cakupan di luar wilayah kerja" in output


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected("server mati")


@pytest.mark.django_db
def test_a_mail_the_server_refuses_is_not_recorded_and_goes_on_the_next_run(
    data: None, settings: Any
) -> None:
    subscribe(subscriber(), "missing_report")
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with pytest.raises(CommandError, match="1 notifikasi gagal dikirim"):
        send("2025-06-15")
    assert not Notice.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send("2025-06-15")
    send("2025-06-15")
    assert len(mail.outbox) == 1
    assert Notice.objects.get().key == "missing_report:KUPANG:2025-05"


# --- the subscription page ----------------------------------------------------------------------


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "scope_code": "KUPANG",
        "kind": "early_warning",
        "probability_threshold": "0,4",
        "days_after_month_end": "10",
        "active": "on",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_manager_subscribes_within_the_branch_scope_and_it_is_logged(reference: None) -> None:
    user = subscriber()
    response = login(user).post(reverse("coverage:subscriptions"), form_data())
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert (subscription.user, subscription.scope_code, subscription.kind) == (
        user,
        "KUPANG",
        "early_warning",
    )
    assert subscription.probability_threshold == Decimal("0.4")
    assert len(subscription.unsubscribe_token) >= 40
    log = ChangeLog.objects.get(entity=services.SUBSCRIPTION_ENTITY)
    assert (log.user, log.branch_id, log.old_value) == (user, "KUPANG", "")
    page = login(user).get(reverse("coverage:subscriptions"))
    assert "Kantor cabang Kupang" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("ENDE", "Cakupan ENDE berada di luar wilayah kerja Anda (KUPANG)"),
        ("5311", "Cakupan 5311 berada di luar wilayah kerja Anda (KUPANG)"),
        ("53", "Cakupan 53 berada di luar wilayah kerja Anda (KUPANG)"),
        ("9999", "Cakupan “9999” tidak ditemukan"),
    ],
)
def test_subscription_outside_the_branch_scope_is_refused(
    reference: None, scope: str, message: str
) -> None:
    response = login(subscriber()).post(
        reverse("coverage:subscriptions"), form_data(scope_code=scope)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_a_second_subscription_of_the_same_kind_and_scope_is_refused(reference: None) -> None:
    user = subscriber()
    subscribe(user, "early_warning", probability_threshold=Decimal("0.3"))
    response = login(user).post(reverse("coverage:subscriptions"), form_data())
    assert response.status_code == 200
    assert (
        "Anda sudah berlangganan “Peringatan dini” untuk cakupan KUPANG"
        in response.content.decode()
    )
    assert Subscription.objects.get().probability_threshold == Decimal("0.3")


@pytest.mark.django_db
def test_the_service_refuses_a_scope_outside_the_branch_scope(reference: None) -> None:
    with pytest.raises(services.NotAllowedError):
        subscribe(subscriber(), "monthly_pdf", scope="5311")
    assert not Subscription.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"probability_threshold": ""}, "Peringatan dini memerlukan batas peluang antara 0 dan 1"),
        ({"probability_threshold": "1,5"}, "Batas peluang harus antara 0 dan 1"),
        ({"probability_threshold": "separuh"}, "Batas peluang “separuh” bukan angka"),
        ({"kind": "missing_report", "days_after_month_end": "0"}, "antara 1 dan 60"),
    ],
)
def test_subscription_form_explains_bad_input(
    reference: None, changes: dict[str, str], message: str
) -> None:
    response = login(subscriber()).post(reverse("coverage:subscriptions"), form_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_viewers_may_not_subscribe(reference: None) -> None:
    viewer = make_user("pemantau", "viewer")
    viewer.email = "pemantau@contoh.go.id"
    viewer.save()
    client = login(viewer)
    assert client.get(reverse("coverage:subscriptions")).status_code == 403
    assert client.post(reverse("coverage:subscriptions"), form_data()).status_code == 403
    with pytest.raises(services.NotAllowedError):
        subscribe(viewer, "monthly_pdf")
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_edit_and_delete_own_subscription_only(reference: None) -> None:
    owner = subscriber()
    other = subscriber("lain")
    subscription = subscribe(owner, "monthly_pdf")
    edit = reverse("coverage:subscription_edit", kwargs={"pk": subscription.pk})
    delete = reverse("coverage:subscription_delete", kwargs={"pk": subscription.pk})
    assert login(other).post(edit, form_data(scope_code="5371")).status_code == 404
    assert login(other).post(delete).status_code == 404
    assert Subscription.objects.get().scope_code == "KUPANG"
    response = login(owner).post(
        edit, form_data(scope_code="5371", kind="missing_report", days_after_month_end="5")
    )
    assert response.status_code == 302
    changed = Subscription.objects.get()
    assert (changed.scope_code, changed.kind, changed.days_after_month_end) == (
        "5371",
        "missing_report",
        5,
    )
    assert changed.probability_threshold is None
    assert login(owner).post(delete).status_code == 302
    assert not Subscription.objects.exists()
    assert ChangeLog.objects.filter(entity=services.SUBSCRIPTION_ENTITY).count() == 3


# --- unsubscribe by token -----------------------------------------------------------------------


@pytest.mark.django_db
def test_unsubscribe_link_confirms_then_stops_without_login(data: None) -> None:
    subscription = subscribe(subscriber(), "missing_report")
    url = reverse(
        "coverage:unsubscribe",
        kwargs={"pk": subscription.pk, "token": subscription.unsubscribe_token},
    )
    client = Client()
    confirm = client.get(url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Pengingat laporan belum masuk" in text and "Kantor cabang Kupang" in text
    assert "manajer@contoh.go.id" not in text
    assert Subscription.objects.get().active
    assert client.post(url).status_code == 200
    assert not Subscription.objects.get().active
    send("2025-06-15")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_wrong_unsubscribe_token_changes_nothing(reference: None) -> None:
    subscription = subscribe(subscriber(), "missing_report")
    for pk, token in [
        (subscription.pk, "x" * 43),
        (subscription.pk + 1, subscription.unsubscribe_token),
    ]:
        url = reverse("coverage:unsubscribe", kwargs={"pk": pk, "token": token})
        assert Client().get(url).status_code == 404
        response = Client().post(url)
        assert response.status_code == 404
        assert "Tautan berhenti berlangganan ini tidak berlaku" in response.content.decode()
    assert Subscription.objects.get().active


# --- a real SMTP server -------------------------------------------------------------------------


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[bytes]]]:
    """An SMTP server on 127.0.0.1 (aiosmtpd) on a free port, keeping what it receives."""
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope.original_content or envelope.content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@pytest.mark.django_db
def test_the_monthly_pdf_arrives_through_a_real_smtp_server(
    data: None, settings: Any, smtp_server: tuple[int, list[bytes]]
) -> None:
    port, received = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    subscribe(subscriber(), "monthly_pdf")
    send()
    send()
    assert len(received) == 1
    message = email.message_from_bytes(received[0], policy=email.policy.default)
    assert message["To"] == "manajer@contoh.go.id"
    # (Django folds the encoded subject onto a continuation line: strip its indent)
    assert message["Subject"].strip() == "Ringkasan cakupan April 2025 — Kantor cabang Kupang"
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None and "Peserta aktif: 23.000" in plain.get_content()
    pdfs = [
        part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert len(pdfs) == 1
    assert pdfs[0].get_filename() == "ringkasan-cakupan-kupang-2025-04.pdf"
    assert pdfs[0].get_content()[:5] == b"%PDF-"


@pytest.mark.django_db
def test_the_subscription_page_speaks_english_through_the_catalogue(
    reference: None, english_catalogue: None
) -> None:
    client = login(subscriber())
    client.cookies["django_language"] = "en"
    text = client.get(reverse("coverage:subscriptions")).content.decode()
    assert "Notification subscriptions" in text
    assert "Add a subscription" in text
    assert "Tambah langganan" not in text


@pytest.mark.django_db
def test_mail_figures_read_as_the_pages_and_the_pdf_write_them(data: None) -> None:
    """One formatter: a probability that is neither 0 nor 1 but rounds to 0% reads "< 1%"
    (as on the cards and in the PDF), and a run rate of 2,5 rounds half away from zero to 3
    (Python's round() would give 2)."""
    summary = load_coverage_summary(period=Period(2025, 4), scope_code="KUPANG", basis="UCJ")
    metrics = replace(
        summary.metrics, probability_reaching_target=Fraction(1, 10_000), run_rate=Fraction(5, 2)
    )
    shown = figures(replace(summary, metrics=metrics))
    assert (shown["probability"], shown["run_rate"]) == ("< 1%", "3")
    assert [mail_chance(value) for value in (None, Fraction(0), Fraction(9_995, 10_000))] == [
        "–",
        "0%",
        "> 99%",
    ]
