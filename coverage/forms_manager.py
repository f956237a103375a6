"""Forms of the manager tools: scenario levers, saving and comparing scenarios, initiatives.

Every message is Indonesian first (``gettext`` with Indonesian msgids). The lever
rows are validated here, so ``Scenario.levers`` only ever holds what
``coverage.scenarios.Lever.from_dict`` can read back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .access import user_branch_codes
from .calculations import PROVINCE_CODE, InvalidPeriod, Period
from .labels import lever_kind_choices
from .models import Branch, Initiative, Region, Scenario, Sector, Segment
from .scenarios import (
    DEFAULT_CONTRIBUTION_IDR,
    REI_SECTORS,
    BudgetLever,
    Lever,
    budget_lever,
    budget_participants,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_LEVERS = 8
MAX_MONTHLY = 1_000_000
MONTH_INPUT = forms.TextInput(attrs={"type": "month", "placeholder": "2025-06"})


def _positive_integer(
    label: StrOrPromise,
    *,
    maximum: int,
    too_small: StrOrPromise,
    invalid: StrOrPromise,
    too_big: StrOrPromise | None = None,
    help_text: StrOrPromise = "",
) -> forms.IntegerField:
    """An optional whole number from 1 to ``maximum``, each refusal worded for its field
    (Django's own wording of a too-big number where ``too_big`` is not given)."""
    messages: dict[str, StrOrPromise] = {"min_value": too_small, "invalid": invalid}
    if too_big is not None:
        messages["max_value"] = too_big
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=maximum,
        help_text=help_text,
        error_messages=messages,
    )


def branch_choices() -> list[tuple[str, str]]:
    return [(branch.code, branch.name) for branch in Branch.objects.order_by("name")]


class LeverForm(forms.Form):
    """One lever: "+N participants per month from month M" of a kind.

    A row without a monthly number is an unused row and is skipped; the form
    fills in what a kind implies (REI: segment PU, sectors F and L; informal drive:
    segment BPU in one branch) and a default label.
    """

    kind = forms.ChoiceField(label=gettext_lazy("Jenis"), choices=())
    label = forms.CharField(label=gettext_lazy("Nama"), max_length=120, required=False)
    monthly = _positive_integer(
        gettext_lazy("Tambahan per bulan"),
        maximum=MAX_MONTHLY,
        too_small=gettext_lazy("Tambahan per bulan minimal 1 peserta."),
        too_big=gettext_lazy("Tambahan per bulan paling banyak 1.000.000 peserta."),
        invalid=gettext_lazy("Isi tambahan per bulan dengan bilangan bulat."),
    )
    start = forms.CharField(label=gettext_lazy("Mulai bulan"), required=False, widget=MONTH_INPUT)
    segment = forms.ChoiceField(label=gettext_lazy("Segmen"), required=False, choices=())
    sectors = forms.CharField(
        label=gettext_lazy("Sektor (KBLI)"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "F, L"}),
    )
    branch = forms.ChoiceField(label=gettext_lazy("Kantor cabang"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = lever_kind_choices()  # type: ignore[attr-defined]
        self.fields["segment"].choices = [  # type: ignore[attr-defined]
            ("", _("(semua)")),
            *[(s.code, f"{s.code} · {s.display_name}") for s in Segment.objects.order_by("code")],
        ]
        self.fields["branch"].choices = [("", _("(semua)")), *branch_choices()]  # type: ignore[attr-defined]

    def clean_start(self) -> str:
        text = self.cleaned_data.get("start") or ""
        if not text:
            return ""
        try:
            return str(Period.parse(text))
        except InvalidPeriod:
            raise forms.ValidationError(
                _("Bulan mulai harus berformat TTTT-BB, misalnya 2025-06.")
            ) from None

    def clean_sectors(self) -> list[str]:
        text = (self.cleaned_data.get("sectors") or "").upper()
        codes = sorted({code.strip() for code in text.replace(";", ",").split(",") if code.strip()})
        known = set(Sector.objects.values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise forms.ValidationError(
                _("Kode sektor tidak dikenal: %(codes)s. Gunakan kode KBLI A–U, mis. F, L.")
                % {"codes": ", ".join(unknown)}
            )
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if data.get("monthly") is None:
            data["unused"] = True
            return data
        data["unused"] = False
        kind = data.get("kind") or "custom"
        if not data.get("start"):
            self.add_error("start", _("Pilih bulan mulai pengungkit ini."))
        if kind == "rei":
            data["segment"] = data.get("segment") or "PU"
            data["sectors"] = data.get("sectors") or list(REI_SECTORS)
        elif kind == "informal":
            data["segment"] = "BPU"
            if not data.get("branch"):
                self.add_error("branch", _("Pilih kantor cabang untuk gerakan pekerja informal."))
        elif kind == "custom" and not (data.get("label") or "").strip():
            self.add_error("label", _("Beri nama pengungkit ini."))
        if not (data.get("label") or "").strip():
            data["label"] = self._default_label(kind, data.get("branch") or "")
        return data

    @staticmethod
    def _default_label(kind: str, branch: str) -> str:
        if kind == "rei":
            return _("Kemitraan REI")
        if kind == "informal":
            name = dict(branch_choices()).get(branch, branch)
            return _("Pekerja informal %(branch)s") % {"branch": name}
        if kind == "pemprov":
            return _("Program Pemprov NTT")
        return _("Pengungkit lain")

    def lever(self) -> Lever | None:
        """The validated lever, or ``None`` for an unused row."""
        data = self.cleaned_data
        if data.get("unused", True):
            return None
        return Lever(
            label=str(data["label"]).strip(),
            monthly=int(data["monthly"]),
            start=Period.parse(data["start"]),
            kind=data.get("kind") or "custom",
            segment=data.get("segment") or None,
            sectors=tuple(data.get("sectors") or ()),
            branch=data.get("branch") or None,
        )


class BaseLeverFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def levers(self) -> list[Lever]:
        return [lever for form in self.forms if (lever := form.lever()) is not None]


LeverFormSet = formset_factory(
    LeverForm,
    formset=BaseLeverFormSet,
    extra=0,
    max_num=MAX_LEVERS,
    validate_max=True,
)


def lever_initial(levers: list[Lever], *, start: Period, rows: int = 6) -> list[dict[str, Any]]:
    """Rows for the formset: the given levers, then one empty row of each named kind,
    then empty custom rows up to ``rows``."""
    initial: list[dict[str, Any]] = [
        {
            "kind": lever.kind,
            "label": lever.label,
            "monthly": lever.monthly,
            "start": str(lever.start),
            "segment": lever.segment or "",
            "sectors": ", ".join(lever.sectors),
            "branch": lever.branch or "",
        }
        for lever in levers
    ]
    used = {lever.kind for lever in levers}
    for kind in ("rei", "informal", "pemprov"):
        if kind not in used and len(initial) < rows:
            initial.append({"kind": kind, "start": str(start)})
    while len(initial) < max(rows, len(levers)):
        initial.append({"kind": "custom", "start": str(start)})
    return initial[:MAX_LEVERS]


def scope_choices() -> list[tuple[str, str]]:
    return [
        (PROVINCE_CODE, _("Provinsi NTT")),
        *[(code, _("Cabang %(name)s") % {"name": name}) for code, name in branch_choices()],
    ]


class PlannerForm(forms.Form):
    """What the planner projects: a scope and, optionally, a target other than the stored one."""

    scope = forms.ChoiceField(label=pgettext_lazy("scope", "Cakupan"), choices=())
    target_count = _positive_integer(
        gettext_lazy("Target peserta"),
        maximum=100_000_000,
        too_small=gettext_lazy("Target minimal 1 peserta."),
        invalid=gettext_lazy("Isi target dengan bilangan bulat."),
        help_text=gettext_lazy("Kosongkan untuk memakai target tahun ini yang tersimpan."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices()  # type: ignore[attr-defined]


class ScenarioSaveForm(forms.ModelForm):  # type: ignore[type-arg]
    """The name of a scenario; unique per target year (checked here with a clear message,
    since the year is not a field of the form)."""

    class Meta:
        model = Scenario
        fields = ["name"]
        labels = {"name": gettext_lazy("Nama skenario")}
        error_messages = {"name": {"required": gettext_lazy("Beri nama skenario ini.")}}

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["name"].required = True

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError(_("Beri nama skenario ini."))
        clash = Scenario.objects.filter(name__iexact=name, year=self.year)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Nama skenario “%(name)s” sudah dipakai untuk tahun %(year)s.")
                % {"name": name, "year": self.year}
            )
        return name


class CompareForm(forms.Form):
    """Two or three saved scenarios to compare side by side."""

    skenario = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Skenario"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Pilih dua atau tiga skenario untuk dibandingkan."),
            "invalid_choice": gettext_lazy("Skenario yang dipilih tidak ditemukan."),
        },
    )

    def __init__(self, *args: Any, scenarios: list[Scenario], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skenario"].choices = [  # type: ignore[attr-defined]
            (str(item.pk), item.name) for item in scenarios
        ]

    def clean_skenario(self) -> list[int]:
        chosen = list(dict.fromkeys(self.cleaned_data.get("skenario") or []))
        if not 2 <= len(chosen) <= 3:
            raise forms.ValidationError(_("Pilih dua atau tiga skenario untuk dibandingkan."))
        return chosen


class InitiativeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Initiative
        fields = [
            "name",
            "kind",
            "start_date",
            "end_date",
            "branches",
            "regions",
            "sectors",
            "segments",
            "expected_enrolments",
            "note",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "branches": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
            "sectors": forms.CheckboxSelectMultiple,
            "segments": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "branches": gettext_lazy(
                "Kosongkan kantor cabang dan kabupaten/kota untuk inisiatif tingkat provinsi."
            ),
            "sectors": gettext_lazy("Kosongkan untuk semua sektor."),
            "segments": gettext_lazy("Kosongkan untuk semua segmen."),
        }
        error_messages = {
            "name": {"required": gettext_lazy("Beri nama inisiatif ini.")},
            "kind": {"required": gettext_lazy("Pilih jenis inisiatif.")},
            "start_date": {
                "required": gettext_lazy("Isi tanggal mulai."),
                "invalid": gettext_lazy("Tanggal tidak valid: gunakan format TTTT-BB-HH."),
            },
            "end_date": {
                "invalid": gettext_lazy("Tanggal tidak valid: gunakan format TTTT-BB-HH.")
            },
            "expected_enrolments": {
                "min_value": gettext_lazy("Perkiraan peserta baru tidak boleh negatif."),
                "invalid": gettext_lazy("Isi perkiraan peserta baru dengan bilangan bulat."),
            },
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        """``user``: offer only the branches and regencies of a branch-scoped user's scope
        (the service refuses any other place whatever the form offers)."""
        super().__init__(*args, **kwargs)
        branches = user_branch_codes(user) if user is not None else None
        if branches is not None:
            self.fields["branches"].queryset = Branch.objects.filter(  # type: ignore[attr-defined]
                code__in=branches
            )
            self.fields["regions"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
                branch_id__in=branches
            )
            self.fields["branches"].help_text = _(
                "Pilih kantor cabang atau kabupaten/kota di wilayah kerja Anda."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        return data


# --- the Pemda budget lever -------------------------------------------------------------

MAX_BUDGET_IDR = 100_000_000_000_000
MAX_BUDGET_MONTHS = 120


class BudgetLeverForm(forms.Form):
    """ "Rp X selama M bulan mulai bulan S": the workers a Pemda budget pays for, added once.

    An empty budget means no budget lever.
    """

    budget_idr = _positive_integer(
        gettext_lazy("Anggaran (Rp)"),
        maximum=MAX_BUDGET_IDR,
        too_small=gettext_lazy("Anggaran minimal Rp1."),
        too_big=gettext_lazy("Anggaran paling besar Rp100 triliun."),
        invalid=gettext_lazy("Isi anggaran dengan bilangan bulat rupiah, tanpa titik."),
    )
    months = _positive_integer(
        gettext_lazy("Selama (bulan)"),
        maximum=MAX_BUDGET_MONTHS,
        too_small=gettext_lazy("Lama pembiayaan minimal 1 bulan."),
        too_big=gettext_lazy("Lama pembiayaan paling lama 120 bulan."),
        invalid=gettext_lazy("Isi lama pembiayaan dengan bilangan bulat bulan."),
    )
    start = forms.CharField(label=gettext_lazy("Mulai bulan"), required=False, widget=MONTH_INPUT)
    contribution_idr = _positive_integer(
        gettext_lazy("Iuran per pekerja per bulan (Rp)"),
        maximum=10_000_000,
        too_small=gettext_lazy("Iuran minimal Rp1."),
        invalid=gettext_lazy("Isi iuran dengan bilangan bulat rupiah, tanpa titik."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("budget_idr") is None:
            data["unused"] = not self.errors
            return data
        data["unused"] = False
        if data.get("months") is None and "months" not in self.errors:
            self.add_error("months", _("Isi lama pembiayaan dalam bulan."))
        start = (data.get("start") or "").strip()
        try:
            data["start_period"] = Period.parse(start)
        except InvalidPeriod:
            self.add_error("start", _("Isi bulan mulai dengan format TTTT-BB, misalnya 2025-06."))
        contribution = data.get("contribution_idr") or DEFAULT_CONTRIBUTION_IDR
        data["contribution_idr"] = contribution
        months = data.get("months")
        if (
            months
            and not self.errors
            and budget_participants(
                budget_idr=data["budget_idr"], months=months, contribution_idr=contribution
            )
            == 0
        ):
            self.add_error(
                "budget_idr",
                _("Anggaran ini tidak cukup untuk membiayai satu pekerja selama %(months)s bulan.")
                % {"months": months},
            )
        return data

    def lever(self) -> BudgetLever | None:
        data = self.cleaned_data
        if data.get("unused", True):
            return None
        return budget_lever(
            budget_idr=int(data["budget_idr"]),
            months=int(data["months"]),
            start=data["start_period"],
            contribution_idr=int(data["contribution_idr"]),
            label=_("Anggaran pemda"),
        )


def budget_initial(levers: list[Lever], *, start: Period) -> dict[str, Any]:
    """The budget form's values: a saved budget lever's, else an empty budget from ``start``."""
    for lever in levers:
        if isinstance(lever, BudgetLever):
            return {
                "budget_idr": lever.budget_idr,
                "months": lever.months,
                "start": str(lever.start),
                "contribution_idr": lever.contribution_idr,
            }
    return {"start": str(start), "contribution_idr": DEFAULT_CONTRIBUTION_IDR}
