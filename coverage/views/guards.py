"""Who may open a page: logged in (else the login page), then the role or permission.

A logged-in user without the role gets 403 with the Indonesian error page, never
a redirect to the login page (which would loop); the same checks guard GET and
every POST. ``problem`` is the error page every view uses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..access import AuthenticatedHttpRequest, has_role
from ..models import Role

P = ParamSpec("P")
# A view behind a guard reads ``request.user`` as a logged-in ``User``; the guarded
# function Django calls takes any request.
LoggedInView = Callable[Concatenate[AuthenticatedHttpRequest, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def problem(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """The Indonesian error page (``404.html`` for a 404)."""
    template = "404.html" if status == 404 else "coverage/problem.html"
    return render(request, template, {"message": message, "status": status}, status=status)


def forbidden_message(role: Role) -> str:
    if role == Role.MANAGER:
        return _("Halaman ini hanya untuk manajer.")
    if role == Role.ADMIN:
        return _("Halaman ini hanya untuk admin data dan manajer.")
    return _("Akun Anda belum memiliki peran untuk membuka halaman ini.")


def _logged_in(request: HttpRequest) -> AuthenticatedHttpRequest:
    """``request`` once ``request.user.is_authenticated`` holds (the type cannot know it)."""
    return cast(AuthenticatedHttpRequest, request)


def role_required(role: Role) -> Callable[[LoggedInView[P]], View[P]]:
    """Logged in (else the login page), then at least ``role`` (else 403 in Indonesian)."""

    def decorator(view: LoggedInView[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, role):
                return problem(request, forbidden_message(role), status=403)
            return view(_logged_in(request), *args, **kwargs)

        return wrapped

    return decorator


def permission_required(codename: str) -> Callable[[LoggedInView[P]], View[P]]:
    def decorator(view: LoggedInView[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(codename):
                raise PermissionDenied
            return view(_logged_in(request), *args, **kwargs)

        return wrapped

    return decorator
