"""The dashboard pages, the read-only JSON API, data entry and manager tools."""

from collections.abc import Callable
from types import ModuleType

from django.http import HttpResponseBase
from django.urls import URLPattern, path, re_path

from .views import approval, dashboard, entry, history, initiatives, planner, upload
from .views import exports as export_views
from .views import methods as method_views
from .views import programmes as programme_views
from .views import reporting as reporting_views
from .views import reports as report_views
from .views import subscriptions as subscription_views

_View = Callable[..., HttpResponseBase]
_SCOPE = r"(?P<scope>[A-Za-z0-9_]+)"
_PERIOD = r"/(?P<period>[^/]+?)"
# The downloads: (path before the scope, ending, view, name).
_DOWNLOADS = (
    (r"laporan/", r"\.pdf", report_views.report_pdf, "report_pdf"),
    (r"ekspor/ringkasan/", r"\.json", export_views.summary_json, "export_summary"),
    (
        r"ekspor/(?P<table>by_branch|by_region|by_sector|by_segment|gap)/",
        r"\.(?P<fmt>csv|xlsx)",
        export_views.table_export,
        "export_table",
    ),
)


def _downloads() -> list[URLPattern]:
    """Each download at a month, then without one (``<name>_default``): the latest complete month.

    One spec for both, so that a download cannot gain a form the other lacks.
    """
    return [
        re_path(rf"^{before}{_SCOPE}{period}{ending}$", view, name=name + suffix)
        for period, suffix in ((_PERIOD, ""), ("", "_default"))
        for before, ending, view, name in _DOWNLOADS
    ]


def _import_steps(
    prefix: str, name: str, form: _View, preview: _View, apply: _View
) -> list[URLPattern]:
    """An import's three steps: the form, the preview of the stored file, applying it."""
    return [
        path(f"{prefix}unggah/", form, name=name),
        path(f"{prefix}unggah/pratinjau/<str:sha256>/", preview, name=f"{name}_preview"),
        path(f"{prefix}unggah/terapkan/", apply, name=f"{name}_apply"),
    ]


def _records(prefix: str, name: str, views: ModuleType, *, new: bool = False) -> list[URLPattern]:
    """A kind of record its owner keeps: the list, a new one (``new``), edit, delete.

    The views are ``<name>_list``, ``<name>_edit`` (new ones too) and ``<name>_delete`` of
    ``views``; the routes are named ``<name>s``, ``<name>_new``, ``<name>_edit``, ``<name>_delete``.
    """
    edit = getattr(views, f"{name}_edit")
    routes = [path(prefix, getattr(views, f"{name}_list"), name=f"{name}s")]
    if new:
        routes.append(path(f"{prefix}baru/", edit, name=f"{name}_new"))
    return [
        *routes,
        path(f"{prefix}<int:pk>/ubah/", edit, name=f"{name}_edit"),
        path(f"{prefix}<int:pk>/hapus/", getattr(views, f"{name}_delete"), name=f"{name}_delete"),
    ]


app_name = "coverage"
urlpatterns = [
    path("", dashboard.overview, name="overview"),
    path("cabang/<str:code>/", dashboard.branch, name="branch"),
    path("wilayah/<str:bps_code>/", dashboard.region, name="region"),
    path("api/coverage", dashboard.api_coverage, name="api_coverage"),
    path("isian/", entry.grid, name="entry_grid"),
    *_import_steps("", "upload", upload.upload, upload.upload_preview, upload.upload_apply),
    path(
        "unggah/templat/<slug:kind>.<slug:extension>",
        upload.upload_template,
        name="upload_template",
    ),
    path("riwayat/", history.history, name="history"),
    path("persetujuan/", approval.approval, name="approval"),
    path("persetujuan/setujui/", approval.approve, name="approval_approve"),
    path("persetujuan/buka/", approval.unlock, name="approval_unlock"),
    # Manager tools: PDF, exports (each with and without a month), scenario planner, initiatives.
    *_downloads(),
    path("simulasi/", planner.planner, name="planner"),
    path("simulasi/banding/", planner.compare, name="planner_compare"),
    path("simulasi/<int:pk>/", planner.planner, name="planner_scenario"),
    path("simulasi/<int:pk>/hapus/", planner.delete_scenario, name="planner_delete"),
    *_records("inisiatif/", "initiative", initiatives, new=True),
    re_path(
        rf"^inisiatif/tanda/{_SCOPE}{_PERIOD}\.json$",
        initiatives.initiative_marks,
        name="initiative_marks",
    ),
    # Pemda programmes and the regency league table.
    path("api/programmes", programme_views.api_programmes, name="api_programmes"),
    path("program-pemda/", programme_views.programmes_page, name="programmes"),
    path("peringkat/", programme_views.league_table, name="league"),
    *_import_steps(
        "program-pemda/",
        "programme_upload",
        programme_views.programme_upload,
        programme_views.programme_upload_preview,
        programme_views.programme_upload_apply,
    ),
    path("laporan-kelengkapan/", reporting_views.reporting, name="reporting"),
    path("metode/", method_views.methods, name="methods"),
    # E-mail subscriptions; the unsubscribe link of every mail works without login.
    *_records("langganan/", "subscription", subscription_views),
    path(
        "langganan/berhenti/<int:pk>/<str:token>/",
        subscription_views.unsubscribe,
        name="unsubscribe",
    ),
]
