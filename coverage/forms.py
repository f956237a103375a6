"""Forms of the data-entry pages: upload, approval and history filters.

The grid itself is not a Django form: its fields are generated per regency × sector ×
segment and validated in ``coverage.views.grid_rules``, which shares its messages
with these forms' style (Indonesian msgids, errors next to the field).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .calculations import InvalidPeriod, Period
from .importers import FILE_EMPTY, KINDS, MAX_FILE_BYTES
from .models import ChangeLog, ChangeSource

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
