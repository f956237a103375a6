"""Login with throttling of failed attempts (see ``coverage.throttle``)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from ..throttle import ThrottledAuthenticationForm


class ThrottledLoginView(auth_views.LoginView):
    """``/masuk/``: Django's login view with ``ThrottledAuthenticationForm``."""

    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"


login = ThrottledLoginView.as_view()
