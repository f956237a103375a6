"""Throttling of failed logins, for ``/masuk/`` and ``/admin/login/`` alike.

Three counters over a sliding window of 15 minutes:

- per (account, client address): 5 failures. The usual case — someone mistyping,
  or one machine guessing one account — locks only that account from that address.
- per account: 10 failures, from any addresses. Guessing one account from many
  addresses stops too; the ceiling is above the first so that one person's typos
  do not lock the account for everybody.
- per address alone: 100 failures, over any accounts. Password spraying from one
  machine stops, but an office behind one NAT (or a proxy that is not trusted)
  is not locked out by a few colleagues' typos.

The failures are rows in the database (``LoginFailure``), not entries in the
cache: with the default local-memory cache each gunicorn worker would count on
its own, and the database is the one store every worker of every deployment
shares (Redis is optional). A failed login is rare, so one insert per failure
costs nothing; rows older than the window are deleted as new ones come.

A throttled attempt is refused before the password is checked and is not counted,
so the lock lifts at most 15 minutes after the failure that set it, and the
refusal says nothing about whether the password was right.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LoginFailure

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT_AND_ADDRESS = 5
MAX_PER_ACCOUNT = 10
MAX_PER_ADDRESS = 100
UNKNOWN_ADDRESS = "unknown"

LOGIN_THROTTLED = _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit.")
LOGIN_INVALID = _(
    "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil, lalu coba lagi."
)
LOGIN_INACTIVE = _("Akun ini tidak aktif.")


@dataclass(frozen=True)
class FailureCounts:
    """Failures within the window: for the pair, the account and the address."""

    account_and_address: int
    account: int
    address: int


def is_throttled(counts: FailureCounts) -> bool:
    """Whether any of the three counters has reached its ceiling."""
    return (
        counts.account_and_address >= MAX_PER_ACCOUNT_AND_ADDRESS
        or counts.account >= MAX_PER_ACCOUNT
        or counts.address >= MAX_PER_ADDRESS
    )


def normalise_username(username: str) -> str:
    """``Petugas `` and ``petugas`` are one account for counting (max. 150 characters)."""
    return username.strip().casefold()[:150]


def client_address(meta: Mapping[str, Any], *, behind_proxy: bool) -> str:
    """The client's address: the peer, or behind a trusted proxy the address it saw.

    A proxy appends the address it received the request from to X-Forwarded-For,
    so the right-most entry is the only one the proxy vouches for; everything left
    of it came from the client and may be forged. Without ``BEHIND_PROXY`` the
    header is ignored entirely (anyone could send it).
    """
    if behind_proxy:
        forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries and _is_ip(entries[-1]):
            return entries[-1]
    peer = str(meta.get("REMOTE_ADDR") or "")
    return peer if _is_ip(peer) else UNKNOWN_ADDRESS


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def request_address(request: HttpRequest | None) -> str:
    if request is None:
        return UNKNOWN_ADDRESS
    return client_address(request.META, behind_proxy=settings.BEHIND_PROXY)


# --- storage (the database) ---------------------------------------------------------------


def failure_counts(*, username: str, address: str, now: datetime | None = None) -> FailureCounts:
    """The three counters in one query over the window."""
    since = (now or timezone.now()) - WINDOW
    account = Q(username=normalise_username(username))
    at_address = Q(address=address)
    counts = LoginFailure.objects.filter(account | at_address, created_at__gt=since).aggregate(
        pair=Count("id", filter=account & at_address),
        account=Count("id", filter=account),
        address=Count("id", filter=at_address),
    )
    return FailureCounts(
        account_and_address=counts["pair"], account=counts["account"], address=counts["address"]
    )


def failure_record(*, username: str, address: str, now: datetime | None = None) -> None:
    """Count one failure, and forget the ones that have left the window."""
    now = now or timezone.now()
    LoginFailure.objects.filter(created_at__lte=now - WINDOW).delete()
    LoginFailure.objects.create(
        created_at=now, username=normalise_username(username), address=address
    )


def failures_clear(*, username: str, address: str) -> None:
    """A successful login forgives the account's failures from that address only.

    Failures from other addresses stay: someone guessing elsewhere gains nothing
    from the owner logging in.
    """
    LoginFailure.objects.filter(username=normalise_username(username), address=address).delete()


# --- the login forms ----------------------------------------------------------------------


class ThrottleMixin(forms.Form):
    """Refuses a throttled login before checking the password; counts every failure."""

    request: HttpRequest | None

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        address = request_address(self.request)
        if is_throttled(failure_counts(username=username, address=address)):
            raise forms.ValidationError(LOGIN_THROTTLED, code="throttled")
        try:
            super().clean()
        except forms.ValidationError:
            failure_record(username=username, address=address)
            raise
        failures_clear(username=username, address=address)
        return self.cleaned_data


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """``/masuk/``: Django's login form with Indonesian labels, throttled."""

    error_messages = {"invalid_login": LOGIN_INVALID, "inactive": LOGIN_INACTIVE}

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """``/admin/login/``: the admin's login form (staff only), throttled the same way."""
