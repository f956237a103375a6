"""Django admin for reference data (e.g. which branch serves which regency) and figures.

Every save and delete goes through ``coverage.services`` (``participant_count_*``,
``workforce_figure_*``, ``target_*``, ``branch/region/sector/segment_*``, the programme
services), which checks the user's scope again and writes the change log (source
``admin``); an approved month refuses changes. Branch scope holds everywhere:

- counts, workforce figures and targets: a branch-scoped user sees, picks and changes
  only those of their branches' regencies (and their branches' own targets);
  province-wide rows need a province-wide scope;
- reference data (branches, regencies — including which branch serves one —, sectors
  and segments): everyone with the admin role may look, only province-wide managers
  may add, change or delete.

The login page is throttled like ``/masuk/`` (``coverage.throttle``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors, services
from .access import (
    branch_in_scope,
    can_edit_reference_data,
    can_edit_scope,
    has_role,
    user_branch_codes,
    writable_region_codes,
)
from .calculations import Period
from .models import (
    Branch,
    ParticipantCount,
    Programme,
    ProgrammeEnrolment,
    ProgrammeQuota,
    RegencyCommitment,
    Region,
    Role,
    ScopeType,
    Sector,
    Segment,
    Target,
    WorkforceFigure,
)
from .programme_records import (
    CommitmentRecord,
    EnrolmentRecord,
    ProgrammeRecord,
    QuotaRecord,
)
from .records import ParticipantRecord, TargetRecord, WorkforceRecord
from .throttle import ThrottledAdminAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm

OUTSIDE_SCOPE = gettext_lazy("di luar wilayah kerja Anda")
REFUSED = "_coverage_admin_refused"


def _context(request: HttpRequest) -> services.WriteContext:
    """Who writes from the admin, for services that take a context (the programme admin)."""
    return services.admin_context(request.user)


def _values(obj: Any, *same: str, **renamed: str) -> dict[str, Any]:
    """An object's attributes by keyword: ``same`` under their own names, ``renamed`` as
    ``keyword="attribute"`` (a record's ``region_code`` is the model's ``region_id``)."""
    values = {name: getattr(obj, name) for name in same}
    values.update({keyword: getattr(obj, attribute) for keyword, attribute in renamed.items()})
    return values


def _in_view_scope(request: HttpRequest, branch_code: str | None) -> bool:
    """Whether a row of ``branch_code`` (``None``: a province-wide row) is the user's to see."""
    return branch_in_scope(request.user, branch_code)


class KeyedAdmin(admin.ModelAdmin):
    """Key fields read-only on change and no bulk delete: every delete is one audited
    service call."""

    key_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.key_fields if obj is not None else ()

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ServiceWriteAdmin(KeyedAdmin):
    """Shared behaviour: writes through a service; a refusal is shown as a message, and
    neither Django's "changed successfully" flow nor its own admin log claims a write
    that did not happen. Object permissions narrow the model's to the rows
    ``object_visible`` and ``object_writable`` allow."""

    def object_visible(self, request: HttpRequest, obj: Any) -> bool:
        return True

    def object_writable(self, request: HttpRequest, obj: Any) -> bool:
        return True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.object_visible(request, obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.object_writable(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.object_writable(request, obj))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.admin_request = request  # type: ignore[attr-defined]
        return form

    def _write(self, request: HttpRequest, write: Callable[[], object]) -> None:
        try:
            write()
        except (services.AdminWriteRefused, services.LockedPeriodError) as error:
            messages.error(request, error.message)
            setattr(request, REFUSED, True)

    def _refused(self, request: HttpRequest) -> bool:
        return bool(getattr(request, REFUSED, False))

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if not self._refused(request):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if not self._refused(request):
            return super().log_change(request, obj, message)
        return None

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        """Django logs a deletion before it happens; ``delete_model`` logs it after."""
        return None

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._write(request, lambda: self.delete_through_service(request, obj))
        if not self._refused(request):
            # Django's own delete view passes a list too.
            super().log_deletions(request, [obj])  # type: ignore[arg-type]

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        """Each admin deletes through its own service; one that names none deletes nothing
        and says so (a refusal shown as a message, never a delete around the change log)."""
        raise services.AdminWriteRefused(
            _("Data jenis ini tidak dapat dihapus dari admin; tidak ada yang dihapus.")
        )

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        if self._refused(request):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if self._refused(request):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> Any:
        if self._refused(request):
            return HttpResponseRedirect(request.path)
        return super().response_delete(request, obj_display, obj_id)


# --- reference data: province-wide managers only --------------------------------------


def _same(*names: str) -> tuple[tuple[str, str], ...]:
    """``service_fields`` whose service keyword is the model attribute's own name."""
    return tuple((name, name) for name in names)


class ReferenceAdmin(ServiceWriteAdmin):
    """Visible to every admin; added, changed and deleted by province-wide managers.

    Saved by ``services.<service>_save`` with ``service_fields`` (keyword, attribute)
    and deleted by ``services.<service>_delete`` with the first key field.
    """

    service = ""
    service_fields: tuple[tuple[str, str], ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        values = {keyword: getattr(obj, attribute) for keyword, attribute in self.service_fields}
        save = getattr(services, f"{self.service}_save")
        self._write(request, lambda: save(user=request.user, **values))

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        key = self.key_fields[0]
        getattr(services, f"{self.service}_delete")(user=request.user, **{key: getattr(obj, key)})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and can_edit_reference_data(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_edit_reference_data(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and can_edit_reference_data(request.user)


@admin.register(Branch)
class BranchAdmin(ReferenceAdmin):
    list_display = ["code", "name"]
    key_fields = ("code",)
    service = "branch"
    service_fields = _same("code", "name")


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ["bps_code", "kemendagri_code", "name", "kind", "branch"]
    list_filter = ["branch", "kind"]
    list_editable = ["branch"]
    search_fields = ["name", "bps_code", "kemendagri_code"]
    key_fields = ("bps_code",)
    service = "region"
    service_fields = (
        *_same("bps_code", "kemendagri_code", "name", "kind"),
        ("branch_code", "branch_id"),
    )


@admin.register(Sector)
class SectorAdmin(ReferenceAdmin):
    list_display = ["code", "name", "name_en"]
    key_fields = ("code",)
    service = "sector"
    service_fields = _same("code", "name", "name_en")


@admin.register(Segment)
class SegmentAdmin(ReferenceAdmin):
    list_display = ["code", "name", "name_en", "is_formal"]
    key_fields = ("code",)
    service = "segment"
    service_fields = _same("code", "name", "name_en", "is_formal")


# --- participant counts -----------------------------------------------------------------


# a record's codes of a count's region, sector and segment
CELL_CODES = {"region_code": "region_id", "sector_code": "sector_id", "segment_code": "segment_id"}


class ParticipantCountForm(forms.ModelForm):
    class Meta:
        model = ParticipantCount
        fields = ["year", "month", "region", "sector", "segment", "active", "nonactive"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        request = getattr(self, "admin_request", None)
        instance = self.instance
        year = cleaned.get("year", instance.year)
        month = cleaned.get("month", instance.month)
        region = cleaned.get("region") or (instance.region if instance.region_id else None)
        if request is None or year is None or month is None or region is None:
            return cleaned
        if region.bps_code not in writable_region_codes(request.user):
            raise forms.ValidationError(
                _("Kabupaten/kota %(region)s %(outside)s.")
                % {"region": region.name, "outside": OUTSIDE_SCOPE}
            )
        if (year, month, region.bps_code) in selectors.locked_region_months({(year, month)}):
            raise forms.ValidationError(
                services.LockedPeriodError([(year, month, region.bps_code)]).message
            )
        return cleaned


@admin.register(ParticipantCount)
class ParticipantCountAdmin(ServiceWriteAdmin):
    form = ParticipantCountForm
    list_display = ["year", "month", "region", "sector", "segment", "active", "nonactive"]
    list_filter = ["year", "month", "segment", "region__branch"]
    list_select_related = ["region", "sector", "segment"]
    fields = ["year", "month", "region", "sector", "segment", "active", "nonactive"]
    key_fields = ("year", "month", "region", "sector", "segment")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ParticipantCount]:
        counts = super().get_queryset(request)
        branches = user_branch_codes(request.user)
        if branches is not None:
            counts = counts.filter(region__branch_id__in=branches)
        return counts

    def object_visible(self, request: HttpRequest, obj: ParticipantCount) -> bool:
        return _in_view_scope(request, obj.region.branch_id)

    def object_writable(self, request: HttpRequest, obj: ParticipantCount) -> bool:
        return obj.region_id in writable_region_codes(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(
                bps_code__in=writable_region_codes(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ParticipantCount, form: Any, change: bool
    ) -> None:
        record = ParticipantRecord(
            **_values(obj, "year", "month", "active", "nonactive", **CELL_CODES)
        )
        self._write(
            request, lambda: services.participant_count_save(user=request.user, record=record)
        )
        if self._refused(request):
            return
        stored = ParticipantCount.objects.get(
            **_values(obj, "year", "month", "region_id", "sector_id", "segment_id")
        )
        obj.pk = stored.pk
        obj.updated_at = stored.updated_at

    def delete_through_service(self, request: HttpRequest, obj: ParticipantCount) -> None:
        services.participant_count_delete(user=request.user, count_id=obj.pk)


# --- workforce figures and targets ------------------------------------------------------


class ScopedFigureForm(forms.ModelForm):
    """Province-wide rows need province-wide scope; other rows a region/branch in scope."""

    def _check_scope(self, *, branch_code: str | None) -> None:
        request = getattr(self, "admin_request", None)
        if request is None or can_edit_scope(request.user, branch_code=branch_code):
            return
        raise forms.ValidationError(
            _("Data ini %(outside)s; hanya admin tingkat provinsi yang dapat mengubahnya.")
            % {"outside": OUTSIDE_SCOPE}
        )


class WorkforceFigureForm(ScopedFigureForm):
    class Meta:
        model = WorkforceFigure
        fields = ["year", "basis", "region", "sector", "workers", "source"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        region = cleaned.get("region", self.instance.region if self.instance.pk else None)
        self._check_scope(branch_code=region.branch_id if region is not None else None)
        return cleaned


def _target_branch_code(
    scope_type: str | None, branch: Branch | None, region: Region | None
) -> str | None:
    if scope_type == ScopeType.BRANCH and branch is not None:
        return branch.code
    if scope_type == ScopeType.REGION and region is not None:
        return region.branch_id
    return None


class TargetForm(ScopedFigureForm):
    class Meta:
        model = Target
        fields = [
            "year",
            "scope_type",
            "branch",
            "region",
            "basis",
            "target_count",
            "target_pct",
            "note",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        instance = self.instance if self.instance.pk else None
        scope_type = cleaned.get("scope_type", instance.scope_type if instance else None)
        region = cleaned.get("region", instance.region if instance else None)
        branch = cleaned.get("branch", instance.branch if instance else None)
        self._check_scope(branch_code=_target_branch_code(scope_type, branch, region))
        return cleaned


def _scoped_figures(queryset: QuerySet[Any], request: HttpRequest, *, with_branch: bool) -> Any:
    branches = user_branch_codes(request.user)
    if branches is None:
        return queryset
    condition = Q(region__branch_id__in=branches)
    if with_branch:
        condition |= Q(branch_id__in=branches)
    return queryset.filter(condition)


class ScopedFigureAdmin(ServiceWriteAdmin):
    """Object permissions of a figure follow the branch it belongs to (``None``: province)."""

    def figure_branch(self, obj: Any) -> str | None:
        """The branch a figure belongs to; each admin names it. By default none: a
        province figure, which only province-wide users may see and change."""
        return None

    def object_visible(self, request: HttpRequest, obj: Any) -> bool:
        return _in_view_scope(request, self.figure_branch(obj))

    def object_writable(self, request: HttpRequest, obj: Any) -> bool:
        return can_edit_scope(request.user, branch_code=self.figure_branch(obj))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        branches = user_branch_codes(request.user)
        if branches is not None and db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(branch_id__in=branches)
        if branches is not None and db_field.name == "branch":
            kwargs["queryset"] = Branch.objects.filter(code__in=branches)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WorkforceFigure)
class WorkforceFigureAdmin(ScopedFigureAdmin):
    form = WorkforceFigureForm
    list_display = ["year", "basis", "region", "sector", "workers", "source"]
    list_filter = ["basis", "year"]
    list_select_related = ["region", "sector"]
    key_fields = ("year", "basis", "region", "sector")

    def figure_branch(self, obj: WorkforceFigure) -> str | None:
        return obj.region.branch_id if obj.region is not None else None

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkforceFigure]:
        return _scoped_figures(super().get_queryset(request), request, with_branch=False)

    def save_model(
        self, request: HttpRequest, obj: WorkforceFigure, form: Any, change: bool
    ) -> None:
        record = WorkforceRecord(
            **_values(
                obj,
                "year",
                "basis",
                "workers",
                "source",
                region_code="region_id",
                sector_code="sector_id",
            )
        )
        self._write(
            request, lambda: services.workforce_figure_save(user=request.user, record=record)
        )
        if self._refused(request):
            return
        keys = _values(obj, "year", "basis", "region_id", "sector_id")
        obj.pk = WorkforceFigure.objects.values_list("pk", flat=True).get(**keys)

    def delete_through_service(self, request: HttpRequest, obj: WorkforceFigure) -> None:
        services.workforce_figure_delete(user=request.user, figure_id=obj.pk)


@admin.register(Target)
class TargetAdmin(ScopedFigureAdmin):
    form = TargetForm
    list_display = ["year", "scope_type", "branch", "region", "basis", "target_count", "target_pct"]
    list_filter = ["year", "scope_type", "basis"]
    key_fields = ("year", "scope_type", "branch", "region", "basis")

    def figure_branch(self, obj: Target) -> str | None:
        return _target_branch_code(obj.scope_type, obj.branch, obj.region)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Target]:
        return _scoped_figures(super().get_queryset(request), request, with_branch=True)

    def save_model(self, request: HttpRequest, obj: Target, form: Any, change: bool) -> None:
        record = TargetRecord(
            **_values(
                obj,
                "year",
                "scope_type",
                "scope_code",
                "basis",
                "target_count",
                "target_pct",
                "note",
            )
        )
        self._write(request, lambda: services.target_save(user=request.user, record=record))
        if self._refused(request):
            return
        obj.pk = (
            Target.objects.filter(
                year=obj.year,
                basis=obj.basis,
                scope_type=obj.scope_type,
                branch_id=obj.branch_id if obj.scope_type == ScopeType.BRANCH else None,
                region_id=obj.region_id if obj.scope_type == ScopeType.REGION else None,
            )
            .values_list("pk", flat=True)
            .get()
        )

    def delete_through_service(self, request: HttpRequest, obj: Target) -> None:
        services.target_delete(user=request.user, target_id=obj.pk)


# --- Pemda programmes ---------------------------------------------------------------------
# Reference data for the whole province: editable by province-wide managers only; every
# save and delete goes through the programme services (and so the change log).

ENROLMENT_NO_QUOTA = gettext_lazy(
    "Program ini tidak punya kuota untuk kabupaten/kota tersebut; isi kuotanya dulu."
)
ENROLMENT_OUTSIDE = gettext_lazy("Bulan ini di luar masa program (%(start)s sampai %(end)s).")


def province_manager(request: HttpRequest) -> bool:
    """Programmes and commitments concern every regency: a manager with province-wide scope."""
    return has_role(request.user, Role.MANAGER) and user_branch_codes(request.user) is None


class ProgrammeReferenceAdmin(KeyedAdmin):
    """Seen by admins and managers, changed by province-wide managers only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return province_manager(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return province_manager(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return province_manager(request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.programme_object_delete(instance=obj, context=_context(request))


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeReferenceAdmin):
    list_display = ["code", "name", "funder", "year", "budget_idr", "contribution_idr"]
    list_filter = ["year"]
    search_fields = ["code", "name"]
    key_fields = ("code",)

    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        record = ProgrammeRecord(
            **_values(
                obj,
                *("code", "name", "funder_code", "year", "budget_idr", "contribution_idr"),
                *("start_year", "start_month", "end_year", "end_month"),
            )
        )
        services.programmes_save(records=[record], context=_context(request))
        obj.pk = Programme.objects.values_list("pk", flat=True).get(code=obj.code)


@admin.register(ProgrammeQuota)
class ProgrammeQuotaAdmin(ProgrammeReferenceAdmin):
    list_display = ["programme", "region", "quota"]
    list_filter = ["programme"]
    list_select_related = ["programme", "region"]
    key_fields = ("programme", "region")

    def save_model(
        self, request: HttpRequest, obj: ProgrammeQuota, form: Any, change: bool
    ) -> None:
        record = QuotaRecord(
            programme_code=obj.programme.code, region_code=obj.region_id, quota=obj.quota
        )
        services.programme_quotas_save(records=[record], context=_context(request))
        obj.pk = ProgrammeQuota.objects.values_list("pk", flat=True).get(
            programme=obj.programme, region_id=obj.region_id
        )


class ProgrammeEnrolmentForm(forms.ModelForm):
    """The import's rules: a quota for the regency, a month within the programme."""

    class Meta:
        model = ProgrammeEnrolment
        fields = ["year", "month", "programme", "region", "enrolled"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme, region = data.get("programme"), data.get("region")
        year, month = data.get("year"), data.get("month")
        if programme is None or region is None:
            return data
        if not ProgrammeQuota.objects.filter(programme=programme, region=region).exists():
            self.add_error("region", str(ENROLMENT_NO_QUOTA))
        if year and month and 1 <= month <= 12:
            start = Period(programme.start_year, programme.start_month)
            end = Period(programme.end_year, programme.end_month)
            if not start <= Period(year, month) <= end:
                self.add_error("month", str(ENROLMENT_OUTSIDE % {"start": start, "end": end}))
        return data


@admin.register(ProgrammeEnrolment)
class ProgrammeEnrolmentAdmin(ProgrammeReferenceAdmin):
    form = ProgrammeEnrolmentForm
    list_display = ["year", "month", "programme", "region", "enrolled"]
    list_filter = ["programme", "year"]
    list_select_related = ["programme", "region"]
    key_fields = ("year", "month", "programme", "region")

    def save_model(
        self, request: HttpRequest, obj: ProgrammeEnrolment, form: Any, change: bool
    ) -> None:
        record = EnrolmentRecord(
            programme_code=obj.programme.code,
            **_values(obj, "year", "month", "enrolled", region_code="region_id"),
        )
        services.programme_enrolment_save(records=[record], context=_context(request))
        obj.pk = ProgrammeEnrolment.objects.values_list("pk", flat=True).get(
            year=obj.year, month=obj.month, programme=obj.programme, region_id=obj.region_id
        )


@admin.register(RegencyCommitment)
class RegencyCommitmentAdmin(ProgrammeReferenceAdmin):
    list_display = [
        "year",
        "region",
        "regulation",
        "budget_idr",
        "village_apparatus_covered",
        "village_apparatus_total",
    ]
    list_filter = ["year"]
    list_select_related = ["region"]
    key_fields = ("year", "region")

    def save_model(
        self, request: HttpRequest, obj: RegencyCommitment, form: Any, change: bool
    ) -> None:
        record = CommitmentRecord(
            regulation=obj.regulation.strip(),
            **_values(
                obj,
                *("year", "budget_idr", "village_apparatus_total", "village_apparatus_covered"),
                region_code="region_id",
            ),
        )
        services.commitments_save(records=[record], context=_context(request))
        obj.pk = RegencyCommitment.objects.values_list("pk", flat=True).get(
            year=obj.year, region_id=obj.region_id
        )
