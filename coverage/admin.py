"""Django admin for reference data (e.g. which branch serves which regency) and figures.

Counts, targets and workforce figures edited here go through the same services as
the grid and the upload: the change log records them (source ``admin``), an
approved month refuses changes, and a branch-scoped admin sees and changes only
the regencies of their branches. Province-wide rows (a province target or
workforce figure) need province-wide scope.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors, services
from .access import user_branch_codes, writable_region_codes
from .models import (
    PROVINCE_CODE,
    Branch,
    ChangeLog,
    ChangeSource,
    ParticipantCount,
    Region,
    ScopeType,
    Sector,
    Segment,
    Target,
    WorkforceFigure,
)
from .records import ParticipantRecord, TargetRecord, WorkforceRecord

OUTSIDE_SCOPE = gettext_lazy("di luar wilayah kerja Anda")
REFUSED = "_coverage_admin_refused"


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["bps_code", "kemendagri_code", "name", "kind", "branch"]
    list_filter = ["branch", "kind"]
    list_editable = ["branch"]
    search_fields = ["name", "bps_code", "kemendagri_code"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "is_formal"]


def _context(request: HttpRequest) -> services.WriteContext:
    return services.WriteContext(
        user_id=request.user.pk, source=ChangeSource.ADMIN, source_detail="admin"
    )


def _log_delete(
    request: HttpRequest,
    *,
    entity: str,
    year: int,
    month: int | None,
    region: str | None,
    branch: str | None,
    key: str,
    field: str,
    old: str,
) -> None:
    ChangeLog.objects.create(
        created_at=timezone.now(),
        user_id=request.user.pk,
        source=ChangeSource.ADMIN,
        source_detail="admin",
        entity=entity,
        year=year,
        month=month,
        region_id=region,
        branch_id=branch,
        key=key[:100],
        field=field,
        old_value=old[:300],
        new_value="",
    )


class ServiceWriteAdmin(admin.ModelAdmin):
    """Shared behaviour: key fields read-only on change, no bulk delete, refusals shown
    as messages without the admin's "changed successfully" flow."""

    key_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.key_fields if obj is not None else ()

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.admin_request = request  # type: ignore[attr-defined]
        return form

    def _refuse(self, request: HttpRequest, message: str) -> None:
        messages.error(request, message)
        setattr(request, REFUSED, True)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        if getattr(request, REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if getattr(request, REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> Any:
        if getattr(request, REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_delete(request, obj_display, obj_id)


# --- participant counts -----------------------------------------------------------------


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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.region_id in writable_region_codes(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
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
            year=obj.year,
            month=obj.month,
            region_code=obj.region_id,
            sector_code=obj.sector_id,
            segment_code=obj.segment_id,
            active=obj.active,
            nonactive=obj.nonactive,
        )
        try:
            services.participant_counts_save(records=[record], context=_context(request))
        except services.LockedPeriodError as error:
            self._refuse(request, error.message)
            return
        stored = ParticipantCount.objects.get(
            year=obj.year,
            month=obj.month,
            region_id=obj.region_id,
            sector_id=obj.sector_id,
            segment_id=obj.segment_id,
        )
        obj.pk = stored.pk
        obj.updated_at = stored.updated_at

    def delete_model(self, request: HttpRequest, obj: ParticipantCount) -> None:
        locked = selectors.locked_region_months({(obj.year, obj.month)})
        if (obj.year, obj.month, obj.region_id) in locked:
            self._refuse(
                request, services.LockedPeriodError([(obj.year, obj.month, obj.region_id)]).message
            )
            return
        _log_delete(
            request,
            entity=ChangeLog.Entity.COUNT,
            year=obj.year,
            month=obj.month,
            region=obj.region_id,
            branch=obj.region.branch_id,
            key=services.count_key(
                obj.year, obj.month, obj.region_id, obj.sector_id, obj.segment_id
            ),
            field="active/nonactive",
            old=f"{obj.active} / {obj.nonactive}",
        )
        obj.delete()
        services.refresh_monthly_totals([(obj.year, obj.month, obj.region_id)])


# --- workforce figures and targets ------------------------------------------------------


class ScopedFigureForm(forms.ModelForm):
    """Province-wide rows need province-wide scope; other rows a region/branch in scope."""

    def _check_scope(self, *, region: Region | None, branch: Branch | None) -> None:
        request = getattr(self, "admin_request", None)
        if request is None:
            return
        branches = user_branch_codes(request.user)
        if branches is None:
            return
        if region is not None and region.branch_id in branches:
            return
        if region is None and branch is not None and branch.code in branches:
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
        self._check_scope(region=region, branch=None)
        return cleaned


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
        region = cleaned.get("region", instance.region if instance else None)
        branch = cleaned.get("branch", instance.branch if instance else None)
        self._check_scope(region=region, branch=branch)
        return cleaned


def _scoped_figures(queryset: QuerySet[Any], request: HttpRequest, *, with_branch: bool) -> Any:
    branches = user_branch_codes(request.user)
    if branches is None:
        return queryset
    condition = Q(region__branch_id__in=branches)
    if with_branch:
        condition |= Q(branch_id__in=branches)
    return queryset.filter(condition)


@admin.register(WorkforceFigure)
class WorkforceFigureAdmin(ServiceWriteAdmin):
    form = WorkforceFigureForm
    list_display = ["year", "basis", "region", "sector", "workers", "source"]
    list_filter = ["basis", "year"]
    list_select_related = ["region", "sector"]
    key_fields = ("year", "basis", "region", "sector")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkforceFigure]:
        return _scoped_figures(super().get_queryset(request), request, with_branch=False)

    def save_model(
        self, request: HttpRequest, obj: WorkforceFigure, form: Any, change: bool
    ) -> None:
        record = WorkforceRecord(
            year=obj.year,
            region_code=obj.region_id,
            sector_code=obj.sector_id,
            basis=obj.basis,
            workers=obj.workers,
            source=obj.source,
        )
        services.workforce_figures_save(records=[record], context=_context(request))
        obj.pk = (
            WorkforceFigure.objects.filter(
                year=obj.year, basis=obj.basis, region_id=obj.region_id, sector_id=obj.sector_id
            )
            .values_list("pk", flat=True)
            .get()
        )

    def delete_model(self, request: HttpRequest, obj: WorkforceFigure) -> None:
        _log_delete(
            request,
            entity=ChangeLog.Entity.WORKFORCE,
            year=obj.year,
            month=None,
            region=obj.region_id,
            branch=None,
            key=f"{obj.year}/{obj.region_id or PROVINCE_CODE}/{obj.sector_id or '*'}/{obj.basis}",
            field="workers",
            old=f"{obj.workers} ({obj.source})",
        )
        obj.delete()


@admin.register(Target)
class TargetAdmin(ServiceWriteAdmin):
    form = TargetForm
    list_display = ["year", "scope_type", "branch", "region", "basis", "target_count", "target_pct"]
    list_filter = ["year", "scope_type", "basis"]
    key_fields = ("year", "scope_type", "branch", "region", "basis")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Target]:
        return _scoped_figures(super().get_queryset(request), request, with_branch=True)

    def save_model(self, request: HttpRequest, obj: Target, form: Any, change: bool) -> None:
        record = TargetRecord(
            year=obj.year,
            scope_type=obj.scope_type,
            scope_code=obj.scope_code,
            basis=obj.basis,
            target_count=obj.target_count,
            target_pct=obj.target_pct,
            note=obj.note,
        )
        services.targets_save(records=[record], context=_context(request))
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

    def delete_model(self, request: HttpRequest, obj: Target) -> None:
        _log_delete(
            request,
            entity=ChangeLog.Entity.TARGET,
            year=obj.year,
            month=None,
            region=obj.region_id,
            branch=obj.branch_id,
            key=f"{obj.year}/{obj.scope_code}/{obj.basis}",
            field="target_count/target_pct",
            old=f"{'' if obj.target_count is None else obj.target_count} / "
            f"{'' if obj.target_pct is None else obj.target_pct}",
        )
        obj.delete()


# --- Pemda programmes ---------------------------------------------------------------------
# Reference data for the whole province: editable by province-wide managers only; every
# save and delete goes through the programme services (and so the change log).

from .access import has_role  # noqa: E402
from .calculations import Period  # noqa: E402
from .models import (  # noqa: E402
    Programme,
    ProgrammeEnrolment,
    ProgrammeQuota,
    RegencyCommitment,
    Role,
)
from .programme_records import (  # noqa: E402
    CommitmentRecord,
    EnrolmentRecord,
    ProgrammeRecord,
    QuotaRecord,
)

ENROLMENT_NO_QUOTA = gettext_lazy(
    "Program ini tidak punya kuota untuk kabupaten/kota tersebut; isi kuotanya dulu."
)
ENROLMENT_OUTSIDE = gettext_lazy("Bulan ini di luar masa program (%(start)s sampai %(end)s).")


def province_manager(request: HttpRequest) -> bool:
    """Programmes and commitments concern every regency: a manager with province-wide scope."""
    return has_role(request.user, Role.MANAGER) and user_branch_codes(request.user) is None


class ProgrammeReferenceAdmin(admin.ModelAdmin):
    """Seen by admins and managers, changed by province-wide managers only."""

    key_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.key_fields if obj is not None else ()

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

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
            code=obj.code,
            name=obj.name,
            funder_code=obj.funder_code,
            year=obj.year,
            budget_idr=obj.budget_idr,
            contribution_idr=obj.contribution_idr,
            start_year=obj.start_year,
            start_month=obj.start_month,
            end_year=obj.end_year,
            end_month=obj.end_month,
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
            year=obj.year,
            month=obj.month,
            programme_code=obj.programme.code,
            region_code=obj.region_id,
            enrolled=obj.enrolled,
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
            year=obj.year,
            region_code=obj.region_id,
            regulation=obj.regulation.strip(),
            budget_idr=obj.budget_idr,
            village_apparatus_total=obj.village_apparatus_total,
            village_apparatus_covered=obj.village_apparatus_covered,
        )
        services.commitments_save(records=[record], context=_context(request))
        obj.pk = RegencyCommitment.objects.values_list("pk", flat=True).get(
            year=obj.year, region_id=obj.region_id
        )
