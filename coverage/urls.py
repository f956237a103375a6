"""The dashboard pages and the read-only JSON API."""

from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("cabang/<str:code>/", views.branch, name="branch"),
    path("wilayah/<str:bps_code>/", views.region, name="region"),
    path("api/coverage", views.api_coverage, name="api_coverage"),
]
