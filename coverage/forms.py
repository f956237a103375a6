"""Forms of the data-entry pages: login (throttled), upload, approval and history filters.

The grid itself is not a Django form: its fields are generated per regency × sector ×
segment and validated in ``coverage.views.grid_rules``, which shares its messages
with these forms' style (Indonesian msgids, errors next to the field).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .calculations import InvalidPeriod, Period
from .importers import FILE_EMPTY, KINDS, MAX_FILE_BYTES
from .models import ChangeLog, ChangeSource

# --- login throttling ---------------------------------------------------------------------

LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_THROTTLED = _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit.")
LOGIN_INVALID = _(
    "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil, lalu coba lagi."
)
LOGIN_INACTIVE = _("Akun ini tidak aktif.")


def _throttle_keys(username: str, ip: str) -> list[str]:
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:ip:{ip}"]


def client_ip(request: HttpRequest | None) -> str:
    """The peer address; a proxy's X-Forwarded-For is not trusted (it is easy to forge)."""
    if request is None:
        return "unknown"
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def login_throttled(*, username: str, ip: str) -> bool:
    """Whether the username or the address has used up its failures in the window."""
    counts = cache.get_many(_throttle_keys(username, ip))
    return any(int(value) >= LOGIN_MAX_FAILURES for value in counts.values())


def login_failure_record(*, username: str, ip: str) -> None:
    """Count one failure for the username and for the address.

    The window starts at the first failure (``cache.add``) and is not extended by
    later ones, so a user is let in again at most 15 minutes after the first miss.
    """
    for key in _throttle_keys(username, ip):
        if not cache.add(key, 1, LOGIN_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, LOGIN_WINDOW_SECONDS)


def login_failures_clear(*, username: str) -> None:
    """A successful login forgives the username's failures (not the address's)."""
    cache.delete(_throttle_keys(username, "")[0])


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing after 5 failures in 15 minutes per username and per IP.

    A throttled attempt is refused before the password is checked, so the sixth try
    fails even with the right password and reveals nothing about it.
    """

    error_messages = {
        "invalid_login": LOGIN_INVALID,
        "inactive": LOGIN_INACTIVE,
        "throttled": LOGIN_THROTTLED,
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        ip = client_ip(self.request)
        if login_throttled(username=username, ip=ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, ip=ip)
            raise
        login_failures_clear(username=username)
        return cleaned


# --- upload -------------------------------------------------------------------------------

KIND_LABELS: dict[str, Any] = {
    "participants": _("Jumlah peserta bulanan"),
    "workforce": _("Angkatan kerja (penyebut)"),
    "targets": _("Target"),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis data"), choices=[(kind, KIND_LABELS[kind]) for kind in KINDS]
    )
    file = forms.FileField(
        label=_("Berkas (.csv atau .xlsx, paling besar 10 MB)"),
        error_messages={
            "required": _("Pilih berkas yang akan diunggah."),
            "empty": FILE_EMPTY,
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Berkas melebihi batas %(limit)s MB."),
                params={"limit": MAX_FILE_BYTES // (1024 * 1024)},
            )
        return upload


class UploadConfirmForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in KINDS])
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$")


# --- approval -----------------------------------------------------------------------------


def _clean_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except InvalidPeriod:
        raise forms.ValidationError(
            _("Periode harus berformat TTTT-BB, misalnya 2025-04.")
        ) from None


class ApprovalForm(forms.Form):
    """Approve (lock) a month for a branch, or for the province when ``branch`` is empty."""

    period = forms.CharField(max_length=7)
    branch = forms.CharField(max_length=20, required=False)

    def clean_period(self) -> Period:
        return _clean_period(self.cleaned_data["period"])

    def clean_branch(self) -> str | None:
        return self.cleaned_data["branch"].strip().upper() or None


class UnlockForm(ApprovalForm):
    reason = forms.CharField(
        label=_("Alasan membuka kunci"),
        max_length=500,
        error_messages={"required": _("Alasan membuka kunci wajib diisi.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Alasan membuka kunci wajib diisi."))
        return reason


# --- history ------------------------------------------------------------------------------


class HistoryFilterForm(forms.Form):
    period = forms.CharField(label=_("Bulan"), max_length=7, required=False)
    branch = forms.ChoiceField(label=_("Kantor cabang"), required=False)
    region = forms.ChoiceField(label=_("Kabupaten/kota"), required=False)
    user = forms.ChoiceField(label=_("Pengguna"), required=False)
    kind = forms.ChoiceField(
        label=_("Jenis operasi"),
        required=False,
        choices=[("", _("Semua")), *list(ChangeSource.choices)],
    )
    entity = forms.ChoiceField(
        label=_("Jenis data"),
        required=False,
        choices=[("", _("Semua")), *list(ChangeLog.Entity.choices)],
    )
    key = forms.CharField(label=_("Kunci"), max_length=100, required=False)
    operation = forms.RegexField(
        label=_("Operasi"),
        regex=r"^(?:[0-9a-f]{32}|row-\d{1,18})$",
        required=False,
        error_messages={"invalid": _("Kode operasi tidak dikenal.")},
    )

    def __init__(
        self,
        *args: Any,
        regions: list[tuple[str, str]],
        users: list[tuple[str, str]],
        branches: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("region", regions), ("user", users), ("branch", branches or [])):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("Semua")), *choices]

    def clean_period(self) -> Period | None:
        text = self.cleaned_data["period"].strip()
        return _clean_period(text) if text else None
