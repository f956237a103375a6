"""Django admin for reference data (e.g. which branch serves which regency) and figures."""

from django.contrib import admin

from .models import Branch, ParticipantCount, Region, Sector, Segment, Target, WorkforceFigure


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


@admin.register(WorkforceFigure)
class WorkforceFigureAdmin(admin.ModelAdmin):
    list_display = ["year", "basis", "region", "sector", "workers", "source"]
    list_filter = ["basis", "year"]
    list_select_related = ["region", "sector"]


@admin.register(ParticipantCount)
class ParticipantCountAdmin(admin.ModelAdmin):
    list_display = ["year", "month", "region", "sector", "segment", "active", "nonactive"]
    list_filter = ["year", "month", "segment", "region__branch"]
    list_select_related = ["region", "sector", "segment"]
    raw_id_fields = ["updated_by"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["year", "scope_type", "branch", "region", "basis", "target_count", "target_pct"]
    list_filter = ["year", "scope_type", "basis"]
