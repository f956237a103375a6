"""E-mail subscriptions: "Langganan notifikasi" (list, add, edit, delete) and the
unsubscribe link of every mail.

Only admins and managers subscribe, and only to scopes within their branch scope;
the form names the scopes they may choose and the service checks again, so a
crafted POST meets the same rule. The unsubscribe page needs no login: its link
carries the subscription's id and token; GET asks for confirmation, POST turns
the subscription off. It shows only what that one subscription is about.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import services
from ..access import AuthenticatedHttpRequest, User, user_branch_codes
from ..models import PROVINCE_CODE, PROVINCE_NAME, Branch, Region, Role, Subscription
from .guards import delete_view, problem, role_required


def scope_choices(user: User) -> list[tuple[str, str]]:
    """The scopes ``user`` may subscribe to: the province (province-wide users only),
    their branches and the regencies of those branches."""
    mine = user_branch_codes(user)
    branches = Branch.objects.order_by("name")
    regions = Region.objects.order_by("name")
    if mine is not None:
        branches = branches.filter(code__in=mine)
        regions = regions.filter(branch_id__in=mine)
    choices: list[tuple[str, str]] = []
    if mine is None:
        choices.append((PROVINCE_CODE, _("Provinsi %(name)s") % {"name": PROVINCE_NAME}))
    choices += [
        (branch.code, _("Kantor cabang %(name)s") % {"name": branch.name}) for branch in branches
    ]
    choices += [(region.bps_code, region.name) for region in regions]
    return choices


def scope_label(code: str) -> str:
    """A subscription's scope as a reader names it."""
    if code == PROVINCE_CODE:
        return _("Provinsi %(name)s") % {"name": PROVINCE_NAME}
    branch = Branch.objects.filter(code=code).values_list("name", flat=True).first()
    if branch is not None:
        return _("Kantor cabang %(name)s") % {"name": branch}
    region = Region.objects.filter(bps_code=code).values_list("name", flat=True).first()
    return region or code


class SubscriptionForm(forms.Form):
    """One subscription; the threshold accepts ``0,5`` and ``0.5``."""

    scope_code = forms.CharField(label=gettext_lazy("Cakupan"), max_length=20)
    kind = forms.ChoiceField(label=gettext_lazy("Jenis"), choices=Subscription.Kind.choices)
    probability_threshold = forms.CharField(
        label=gettext_lazy("Batas peluang (0–1)"),
        required=False,
        max_length=10,
        help_text=gettext_lazy(
            "Untuk peringatan dini: kirim bila peluang mencapai target di bawah batas ini, "
            "misalnya 0,5 (50%)."
        ),
    )
    days_after_month_end = forms.IntegerField(
        label=gettext_lazy("Hari setelah akhir bulan"),
        initial=10,
        min_value=1,
        max_value=60,
        help_text=gettext_lazy(
            "Untuk pengingat: kirim bila masih ada kabupaten/kota yang belum melapor "
            "sekian hari setelah bulan berakhir."
        ),
        error_messages={
            "min_value": gettext_lazy("Jumlah hari harus antara 1 dan 60."),
            "max_value": gettext_lazy("Jumlah hari harus antara 1 dan 60."),
            "invalid": gettext_lazy("Jumlah hari harus bilangan bulat, misalnya 10."),
            "required": gettext_lazy("Jumlah hari wajib diisi, misalnya 10."),
        },
    )
    active = forms.BooleanField(label=gettext_lazy("Aktif"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["scope_code"].widget = forms.Select(choices=scope_choices(user))

    def clean_scope_code(self) -> str:
        code = str(self.cleaned_data["scope_code"]).strip()
        if services.subscription_scope_branch(code) is None:
            raise forms.ValidationError(str(services.SUBSCRIPTION_UNKNOWN_SCOPE % {"scope": code}))
        if not services.subscription_scope_allowed(self.user, code):
            raise forms.ValidationError(
                str(
                    services.SUBSCRIPTION_OUTSIDE_SCOPE
                    % {
                        "scope": code,
                        "branches": ", ".join(sorted(user_branch_codes(self.user) or ())) or "-",
                    }
                )
            )
        return code

    def clean_probability_threshold(self) -> Decimal | None:
        text = str(self.cleaned_data.get("probability_threshold") or "").strip()
        if not text:
            return None
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise forms.ValidationError(
                _("Batas peluang “%(value)s” bukan angka: isi antara 0 dan 1, misalnya 0,5.")
                % {"value": text}
            ) from None
        if not value.is_finite() or not 0 <= value <= 1:
            raise forms.ValidationError(
                _("Batas peluang harus antara 0 dan 1, misalnya 0,5 (bukan %(value)s).")
                % {"value": text}
            )
        if value != value.quantize(Decimal("0.001")):
            raise forms.ValidationError(_("Batas peluang paling banyak tiga angka desimal."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == Subscription.Kind.EARLY_WARNING
            and data.get("probability_threshold") is None
            and "probability_threshold" not in self.errors
        ):
            self.add_error("probability_threshold", str(services.SUBSCRIPTION_NEEDS_THRESHOLD))
        return data


def _initial(subscription: Subscription) -> dict[str, Any]:
    threshold = subscription.probability_threshold
    return {
        "scope_code": subscription.scope_code,
        "kind": subscription.kind,
        "probability_threshold": "" if threshold is None else str(threshold).replace(".", ","),
        "days_after_month_end": subscription.days_after_month_end,
        "active": subscription.active,
    }


def _save(
    request: AuthenticatedHttpRequest, form: SubscriptionForm, subscription_id: int | None
) -> str | None:
    """Save through the service; the reason it refused, if it did."""
    data = form.cleaned_data
    try:
        services.subscription_save(
            user=request.user,
            subscription_id=subscription_id,
            scope_code=data["scope_code"],
            kind=data["kind"],
            probability_threshold=data.get("probability_threshold"),
            days_after_month_end=data["days_after_month_end"],
            active=bool(data.get("active")),
        )
    except (services.NotAllowedError, services.SubscriptionInputError) as error:
        return error.message
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMIN)
def subscription_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/langganan/``: one's own subscriptions and the form to add one."""
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        refused = _save(request, form, None)
        if refused is None:
            messages.success(request, _("Langganan disimpan."))
            return redirect("coverage:subscriptions")
        form.add_error(None, refused)
    subscriptions = Subscription.objects.filter(user_id=request.user.pk).order_by(
        "scope_code", "kind"
    )
    rows = [
        {
            "item": item,
            "scope": scope_label(item.scope_code),
            "kind": item.get_kind_display(),
            "threshold_pct": (
                None if item.probability_threshold is None else item.probability_threshold * 100
            ),
        }
        for item in subscriptions
    ]
    context = {
        "form": form,
        "rows": rows,
        "has_email": bool(getattr(request.user, "email", "")),
    }
    return render(request, "subscriptions/list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMIN)
def subscription_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """``/langganan/<id>/ubah/``: change one of one's own subscriptions."""
    instance = get_object_or_404(Subscription, pk=pk, user_id=request.user.pk)
    form = SubscriptionForm(request.POST or None, initial=_initial(instance), user=request.user)
    if request.method == "POST" and form.is_valid():
        refused = _save(request, form, instance.pk)
        if refused is None:
            messages.success(request, _("Langganan diubah."))
            return redirect("coverage:subscriptions")
        form.add_error(None, refused)
    context = {"form": form, "instance": instance, "scope": scope_label(instance.scope_code)}
    return render(request, "subscriptions/form.html", context)


@delete_view(Role.ADMIN, then="coverage:subscriptions", done=gettext_lazy("Langganan dihapus."))
def subscription_delete(request: AuthenticatedHttpRequest, pk: int) -> None:
    """``/langganan/<id>/hapus/`` (POST): delete one of one's own subscriptions."""
    instance = get_object_or_404(Subscription, pk=pk, user_id=request.user.pk)
    services.subscription_delete(user=request.user, subscription_id=instance.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """``/langganan/berhenti/<id>/<token>/``: no login needed. GET confirms what
    would stop, POST stops it; a wrong token or id is a 404 that reveals nothing."""
    try:
        subscription = services.subscription_by_token(subscription_id=pk, token=token)
    except services.SubscriptionInputError as error:
        return problem(request, error.message, status=404)
    done = False
    if request.method == "POST":
        subscription = services.subscription_unsubscribe(subscription_id=pk, token=token)
        done = True
    context = {
        "subscription": subscription,
        "scope": scope_label(subscription.scope_code),
        "kind": subscription.get_kind_display(),
        "done": done or not subscription.active,
    }
    return render(request, "subscriptions/unsubscribe.html", context)
