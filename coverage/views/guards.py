"""Who may open a page: logged in (else the login page), then the role or permission.

A logged-in user without the role gets 403 with the Indonesian error page, never
a redirect to the login page (which would loop); the same checks guard GET and
every POST. ``problem`` is the error page every view uses; ``delete_view`` answers
with it a delete the services refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import AuthenticatedHttpRequest, has_role
from ..models import Role
from ..services import NotAllowedError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


def _guard(
    refusal: Callable[[AuthenticatedHttpRequest], HttpResponse | None],
) -> Callable[[LoggedInView[P]], View[P]]:
    """Logged in (else the login page), then ``refusal``'s answer if it gives one."""

    def decorator(view: LoggedInView[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            refused = refusal(_logged_in(request))
            if refused is not None:
                return refused
            return view(_logged_in(request), *args, **kwargs)

        return wrapped

    return decorator


def role_required(role: Role) -> Callable[[LoggedInView[P]], View[P]]:
    """Logged in (else the login page), then at least ``role`` (else 403 in Indonesian)."""

    def refusal(request: AuthenticatedHttpRequest) -> HttpResponse | None:
        if has_role(request.user, role):
            return None
        return problem(request, forbidden_message(role), status=403)

    return _guard(refusal)


def permission_required(codename: str) -> Callable[[LoggedInView[P]], View[P]]:
    """Logged in (else the login page), then the Django permission (else ``PermissionDenied``)."""

    def refusal(request: AuthenticatedHttpRequest) -> HttpResponse | None:
        if request.user.has_perm(codename):
            return None
        raise PermissionDenied

    return _guard(refusal)


def delete_view(
    role: Role, *, then: str, done: StrOrPromise = ""
) -> Callable[[Callable[Concatenate[AuthenticatedHttpRequest, P], None]], View[P]]:
    """A confirmed delete: POST only, at least ``role``; the decorated function deletes
    through its service. The service's refusal is a 403 page with its reason; otherwise
    ``done`` is flashed, if given, and the user goes to ``then``."""

    def decorator(delete: Callable[Concatenate[AuthenticatedHttpRequest, P], None]) -> View[P]:
        @wraps(delete)
        def view(
            request: AuthenticatedHttpRequest, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            try:
                delete(request, *args, **kwargs)
            except NotAllowedError as error:
                return problem(request, error.message, status=403)
            if done:
                messages.success(request, str(done))
            return redirect(then)

        return require_POST(role_required(role)(view))

    return decorator
