"""The dashboard pages, the read-only JSON API, data entry and manager tools."""

from django.urls import path, re_path

from .views import approval, dashboard, entry, history, initiatives, planner, upload
from .views import exports as export_views
from .views import methods as method_views
from .views import programmes as programme_views
from .views import reporting as reporting_views
from .views import reports as report_views
from .views import subscriptions as subscription_views

app_name = "coverage"
urlpatterns = [
    path("", dashboard.overview, name="overview"),
    path("cabang/<str:code>/", dashboard.branch, name="branch"),
    path("wilayah/<str:bps_code>/", dashboard.region, name="region"),
    path("api/coverage", dashboard.api_coverage, name="api_coverage"),
    path("isian/", entry.grid, name="entry_grid"),
    path("unggah/", upload.upload, name="upload"),
    path("unggah/pratinjau/<str:sha256>/", upload.upload_preview, name="upload_preview"),
    path("unggah/terapkan/", upload.upload_apply, name="upload_apply"),
    path(
        "unggah/templat/<slug:kind>.<slug:extension>",
        upload.upload_template,
        name="upload_template",
    ),
    path("riwayat/", history.history, name="history"),
    path("persetujuan/", approval.approval, name="approval"),
    path("persetujuan/setujui/", approval.approve, name="approval_approve"),
    path("persetujuan/buka/", approval.unlock, name="approval_unlock"),
    # Manager tools: PDF, exports, scenario planner, initiatives.
    re_path(
        r"^laporan/(?P<scope>[A-Za-z0-9_]+)/(?P<period>[^/]+?)\.pdf$",
        report_views.report_pdf,
        name="report_pdf",
    ),
    re_path(
        r"^ekspor/ringkasan/(?P<scope>[A-Za-z0-9_]+)/(?P<period>[^/]+?)\.json$",
        export_views.summary_json,
        name="export_summary",
    ),
    re_path(
        r"^ekspor/(?P<table>by_branch|by_region|by_sector|by_segment|gap)/"
        r"(?P<scope>[A-Za-z0-9_]+)/(?P<period>[^/]+?)\.(?P<fmt>csv|xlsx)$",
        export_views.table_export,
        name="export_table",
    ),
    # The same downloads without a month: the scope's latest complete month.
    re_path(
        r"^laporan/(?P<scope>[A-Za-z0-9_]+)\.pdf$",
        report_views.report_pdf,
        name="report_pdf_default",
    ),
    re_path(
        r"^ekspor/ringkasan/(?P<scope>[A-Za-z0-9_]+)\.json$",
        export_views.summary_json,
        name="export_summary_default",
    ),
    re_path(
        r"^ekspor/(?P<table>by_branch|by_region|by_sector|by_segment|gap)/"
        r"(?P<scope>[A-Za-z0-9_]+)\.(?P<fmt>csv|xlsx)$",
        export_views.table_export,
        name="export_table_default",
    ),
    path("simulasi/", planner.planner, name="planner"),
    path("simulasi/banding/", planner.compare, name="planner_compare"),
    path("simulasi/<int:pk>/", planner.planner, name="planner_scenario"),
    path("simulasi/<int:pk>/hapus/", planner.delete_scenario, name="planner_delete"),
    path("inisiatif/", initiatives.initiative_list, name="initiatives"),
    path("inisiatif/baru/", initiatives.initiative_edit, name="initiative_new"),
    path("inisiatif/<int:pk>/ubah/", initiatives.initiative_edit, name="initiative_edit"),
    path("inisiatif/<int:pk>/hapus/", initiatives.initiative_delete, name="initiative_delete"),
    re_path(
        r"^inisiatif/tanda/(?P<scope>[A-Za-z0-9_]+)/(?P<period>[^/]+?)\.json$",
        initiatives.initiative_marks,
        name="initiative_marks",
    ),
    # Pemda programmes and the regency league table.
    path("api/programmes", programme_views.api_programmes, name="api_programmes"),
    path("program-pemda/", programme_views.programmes_page, name="programmes"),
    path("peringkat/", programme_views.league_table, name="league"),
    path("program-pemda/unggah/", programme_views.programme_upload, name="programme_upload"),
    path(
        "program-pemda/unggah/pratinjau/<str:sha256>/",
        programme_views.programme_upload_preview,
        name="programme_upload_preview",
    ),
    path(
        "program-pemda/unggah/terapkan/",
        programme_views.programme_upload_apply,
        name="programme_upload_apply",
    ),
    path("laporan-kelengkapan/", reporting_views.reporting, name="reporting"),
    path("metode/", method_views.methods, name="methods"),
    # E-mail subscriptions; the unsubscribe link of every mail works without login.
    path("langganan/", subscription_views.subscription_list, name="subscriptions"),
    path(
        "langganan/<int:pk>/ubah/", subscription_views.subscription_edit, name="subscription_edit"
    ),
    path(
        "langganan/<int:pk>/hapus/",
        subscription_views.subscription_delete,
        name="subscription_delete",
    ),
    path(
        "langganan/berhenti/<int:pk>/<str:token>/",
        subscription_views.unsubscribe,
        name="unsubscribe",
    ),
]
