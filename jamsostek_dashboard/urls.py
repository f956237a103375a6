"""Top-level routes: the dashboard app, the admin, auth and the language switch."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coverage.views import accounts

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("masuk/", accounts.login, name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("coverage.urls")),
]
