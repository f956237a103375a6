"""The dashboard pages, the read-only JSON API, data entry and manager tools."""

from django.urls import path

from .views import dashboard

app_name = "coverage"
urlpatterns = [
    path("", dashboard.overview, name="overview"),
    path("cabang/<str:code>/", dashboard.branch, name="branch"),
    path("wilayah/<str:bps_code>/", dashboard.region, name="region"),
    path("api/coverage", dashboard.api_coverage, name="api_coverage"),
]
