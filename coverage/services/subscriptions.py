"""E-mail subscriptions (saved, deleted, unsubscribed by link) and the notices sent."""

from __future__ import annotations

import hmac
import secrets
from decimal import Decimal
from typing import cast

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ..access import User, has_role, user_branch_codes
from ..models import (
    PROVINCE_CODE,
    Branch,
    ChangeLog,
    ChangeSource,
    Notice,
    Region,
    Role,
    Subscription,
)
from .context import (
    Change,
    NotAllowedError,
    WriteContext,
    log_changes,
    save_fields_logged,
    scope_names,
    web_context,
)

# Managers and admins subscribe themselves to e-mail about a scope within their branch
# scope (the province only with province-wide scope). The unsubscribe link of every
# mail works without logging in: it carries the subscription's id and a random token,
# compared in constant time. ``send_notifications`` records each notice it sends here,
# in the same transaction as the sending, so a notice that could not be sent is tried
# again on the next run and one that was sent is never sent twice.

SUBSCRIPTION_ENTITY = ChangeLog.Entity.SUBSCRIPTION
SUBSCRIPTION_ROLE = gettext_lazy(
    "Hanya admin data dan manajer yang dapat berlangganan notifikasi e-mail."
)
SUBSCRIPTION_NOT_YOURS = gettext_lazy("Langganan ini bukan milik Anda.")
SUBSCRIPTION_OUTSIDE_SCOPE = gettext_lazy(
    "Cakupan %(scope)s berada di luar wilayah kerja Anda (%(branches)s); pilih kantor cabang "
    "atau kabupaten/kota di wilayah kerja Anda. Seluruh provinsi (53) hanya untuk pengguna "
    "dengan wilayah kerja seluruh provinsi."
)
SUBSCRIPTION_UNKNOWN_SCOPE = gettext_lazy(
    "Cakupan “%(scope)s” tidak ditemukan: gunakan 53 (provinsi), kode kantor cabang (mis. "
    "KUPANG) atau kode BPS kabupaten/kota (mis. 5371)."
)
SUBSCRIPTION_NO_EMAIL = gettext_lazy(
    "Akun Anda belum memiliki alamat e-mail, sehingga notifikasi tidak dapat dikirim. Minta "
    "admin mengisi alamat e-mail akun Anda terlebih dahulu."
)
SUBSCRIPTION_NEEDS_THRESHOLD = gettext_lazy(
    "Peringatan dini memerlukan batas peluang antara 0 dan 1, misalnya 0,5."
)
SUBSCRIPTION_DUPLICATE = gettext_lazy(
    "Anda sudah berlangganan “%(kind)s” untuk cakupan %(scope)s; ubah langganan itu bila perlu."
)
SUBSCRIPTION_BAD_TOKEN = gettext_lazy(
    "Tautan berhenti berlangganan ini tidak berlaku. Periksa kembali tautan pada e-mail Anda."
)


class SubscriptionInputError(ValueError):
    """A subscription's fields are wrong; nothing was saved (``message`` says why)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def subscription_scope_branch(scope_code: str) -> tuple[bool, str | None] | None:
    """Where a scope code lies: ``(True, None)`` for the province, ``(False, branch)``
    for a branch or a regency (its branch), ``None`` for an unknown code."""
    code = scope_code.strip()
    if code == PROVINCE_CODE:
        return True, None
    if Branch.objects.filter(code=code.upper()).exists():
        return False, code.upper()
    branch = Region.objects.filter(bps_code=code).values_list("branch_id", flat=True).first()
    return None if branch is None else (False, branch)


def subscription_scope_allowed(user: User, scope_code: str) -> bool:
    """Whether ``scope_code`` lies within ``user``'s branch scope (an unknown code
    never does)."""
    place = subscription_scope_branch(scope_code)
    if place is None:
        return False
    mine = user_branch_codes(user)
    if mine is None:
        return True
    is_province, branch = place
    return not is_province and branch in mine


def _normal_scope_code(scope_code: str) -> str:
    code = scope_code.strip()
    return code.upper() if Branch.objects.filter(code=code.upper()).exists() else code


def _subscription_text(subscription: Subscription) -> str:
    threshold = (
        "" if subscription.probability_threshold is None else subscription.probability_threshold
    )
    return (
        f"{subscription.kind} | {subscription.scope_code} | {threshold} | "
        f"{subscription.days_after_month_end} | {'aktif' if subscription.active else 'nonaktif'}"
    )


def _log_subscription(
    context: WriteContext, subscription: Subscription, *, old: str, new: str
) -> None:
    place = subscription_scope_branch(subscription.scope_code)
    branch = place[1] if place else None
    log_changes(
        context,
        entity=SUBSCRIPTION_ENTITY,
        field="subscription",
        changes=[
            Change(timezone.localdate().year, None, branch, f"subscription/{subscription.pk}",
                   old, new)
        ],
    )  # fmt: skip


def _check_subscription_fields(
    user: User, *, scope_code: str, kind: str, probability_threshold: Decimal | None
) -> None:
    if subscription_scope_branch(scope_code) is None:
        raise SubscriptionInputError(str(SUBSCRIPTION_UNKNOWN_SCOPE % {"scope": scope_code}))
    if not subscription_scope_allowed(user, scope_code):
        raise NotAllowedError(
            str(SUBSCRIPTION_OUTSIDE_SCOPE % {"scope": scope_code, "branches": scope_names(user)})
        )
    if kind == Subscription.Kind.EARLY_WARNING and (
        probability_threshold is None or not 0 <= probability_threshold <= 1
    ):
        raise SubscriptionInputError(str(SUBSCRIPTION_NEEDS_THRESHOLD))


@transaction.atomic
def subscription_save(
    *,
    user: User,
    subscription_id: int | None,
    scope_code: str,
    kind: str,
    probability_threshold: Decimal | None = None,
    days_after_month_end: int = 10,
    active: bool = True,
    context: WriteContext | None = None,
) -> Subscription:
    """Create (``subscription_id`` None) or change one of ``user``'s own subscriptions;
    the scope must lie within the user's branch scope; logged."""
    if not has_role(user, Role.ADMIN):
        raise NotAllowedError(str(SUBSCRIPTION_ROLE))
    if not getattr(user, "email", ""):
        raise SubscriptionInputError(str(SUBSCRIPTION_NO_EMAIL))
    _check_subscription_fields(
        user, scope_code=scope_code, kind=kind, probability_threshold=probability_threshold
    )
    if subscription_id is None:
        subscription = Subscription(
            user_id=cast(int, user.pk), unsubscribe_token=secrets.token_urlsafe(32)
        )
        old = ""
    else:
        subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
        if subscription.user_id != user.pk:
            raise NotAllowedError(str(SUBSCRIPTION_NOT_YOURS))
        old = _subscription_text(subscription)
    scope_code = _normal_scope_code(scope_code)
    duplicate = Subscription.objects.filter(
        user_id=subscription.user_id, scope_code=scope_code, kind=kind
    )
    if duplicate.exclude(pk=subscription.pk).exists():
        raise SubscriptionInputError(
            str(
                SUBSCRIPTION_DUPLICATE
                % {"kind": dict(Subscription.Kind.choices).get(kind, kind), "scope": scope_code}
            )
        )
    early = kind == Subscription.Kind.EARLY_WARNING
    values = {
        "scope_code": scope_code,
        "kind": kind,
        "probability_threshold": probability_threshold if early else None,
        "days_after_month_end": days_after_month_end,
        "active": active,
    }
    return save_fields_logged(
        subscription,
        values,
        exclude=["user"],
        old=old,
        text=_subscription_text,
        log=lambda old, new: _log_subscription(
            web_context(user, context), subscription, old=old, new=new
        ),
    )


@transaction.atomic
def subscription_delete(
    *, user: User, subscription_id: int, context: WriteContext | None = None
) -> None:
    """Delete one of ``user``'s own subscriptions (and its notices); the log keeps it."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
    if subscription.user_id != user.pk:
        raise NotAllowedError(str(SUBSCRIPTION_NOT_YOURS))
    _log_subscription(
        web_context(user, context), subscription, old=_subscription_text(subscription), new=""
    )
    subscription.delete()


def subscription_by_token(*, subscription_id: int, token: str) -> Subscription:
    """The subscription an unsubscribe link names; the token is compared in constant
    time, and an unknown id answers exactly like a wrong token."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    stored = subscription.unsubscribe_token if subscription else secrets.token_urlsafe(32)
    if not hmac.compare_digest(stored.encode(), token.encode()) or subscription is None:
        raise SubscriptionInputError(str(SUBSCRIPTION_BAD_TOKEN))
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, subscription_id: int, token: str) -> Subscription:
    """Turn off the subscription of an unsubscribe link (no login: the token is the
    proof); logged with the subscriber as the user. Unsubscribing twice is harmless."""
    subscription = subscription_by_token(subscription_id=subscription_id, token=token)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.active:
        old = _subscription_text(subscription)
        subscription.active = False
        subscription.save(update_fields=["active"])
        _log_subscription(
            WriteContext(
                user_id=subscription.user_id,
                source=ChangeSource.GRID,
                source_detail="tautan berhenti berlangganan",
            ),
            subscription,
            old=old,
            new=_subscription_text(subscription),
        )
    return subscription


def notice_send(*, subscription: Subscription, key: str, message: EmailMessage) -> bool:
    """Record notice ``key`` of ``subscription`` and send ``message``, both or neither.

    False (nothing sent) when the notice was recorded already, by an earlier run or
    by a run at the same time (the unique (subscription, key) constraint decides).
    A failure to send rolls the record back, so the next run tries again.
    """
    recipients = ", ".join(message.to)
    try:
        with transaction.atomic():
            Notice.objects.create(
                subscription=subscription,
                key=key[:100],
                sent_at=timezone.now(),
                recipient=recipients[:254],
                subject=str(message.subject)[:300],
            )
            message.send()
    except IntegrityError:
        return False
    return True
