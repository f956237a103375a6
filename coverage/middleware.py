"""Security headers Django does not set by itself, bad input refused with a 400, and
JSON errors for the API."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote_to_bytes

from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("django.security.coverage")

# Only our own scripts, styles and images; Plotly draws inline SVG and needs inline
# styles, and map tiles are never fetched (white background choropleth).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user picked another language with the switch.

    Django's ``LocaleMiddleware`` follows the browser's Accept-Language header, which
    would give most office browsers (set to en-US) English number formats. Here
    only the language cookie (set by the switch) or the URL can change the language.
    """

    def process_request(self, request: HttpRequest) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


# --- bad input: 400, never a 500 ------------------------------------------------------------

BAD_INPUT = _(
    "Permintaan ini berisi karakter yang tidak diizinkan (misalnya byte NUL atau karakter "
    "kendali) atau teks yang bukan UTF-8 yang sah, sehingga tidak diproses. Periksa kembali "
    "alamat atau isian formulirnya."
)
# C0 control characters and DEL; tab, line feed and carriage return are ordinary text.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_illegal_characters(text: str) -> bool:
    """NUL and other control characters, which no field of this site accepts.

    PostgreSQL refuses a NUL in any text parameter (the driver raises, the request
    would end in a 500), and no legitimate form or filter sends control characters.
    """
    return _ILLEGAL.search(text) is not None


def is_undecodable(raw: str | bytes) -> bool:
    """Whether a percent-encoded query (or form body) is not valid UTF-8 once decoded."""
    data = raw.encode("latin-1") if isinstance(raw, str) else raw
    try:
        unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def request_input_is_illegal(request: HttpRequest) -> bool:
    """The path, query string, form fields (not file contents) and cookies of a request."""
    if has_illegal_characters(request.path):
        return True
    if is_undecodable(request.META.get("QUERY_STRING", "")):
        return True
    if any(_illegal_item(key, values) for key, values in request.GET.lists()):
        return True
    if any(has_illegal_characters(f"{key}{value}") for key, value in request.COOKIES.items()):
        return True
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in _FORM_TYPES:
        if content_type == _FORM_TYPES[0] and is_undecodable(request.body):
            return True
        return any(_illegal_item(key, values) for key, values in request.POST.lists())
    return False


def _illegal_item(key: str, values: list[str]) -> bool:
    return has_illegal_characters(key) or any(has_illegal_characters(v) for v in values)


class RejectIllegalInputMiddleware:
    """Answers 400 with a clear message before any view (or query) sees bad input."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_input_is_illegal(request):
            logger.warning("Refused illegal input: %s", request.path.encode("unicode_escape"))
            body = render_to_string("400.html", {"message": BAD_INPUT})
            return HttpResponseBadRequest(body)
        return self.get_response(request)


# --- the API answers in JSON, whatever fails ------------------------------------------------

API_PREFIX = "/api/"
API_MESSAGES: dict[int, Any] = {
    400: _("Permintaan tidak valid."),
    403: _("Akses ditolak."),
    404: _("Alamat API ini tidak ada."),
    405: _("Metode %(method)s tidak diizinkan untuk alamat ini."),
    500: _("Terjadi kesalahan di server; kesalahan sudah dicatat."),
    503: _("Basis data sedang tidak dapat dihubungi. Coba lagi beberapa saat lagi."),
}
EXCEPTION_ATTRIBUTE = "_coverage_exception"
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _remember_exception(sender: object, request: HttpRequest | None = None, **_: Any) -> None:
    """Keep the exception Django is turning into a 500, so the API can tell a 503."""
    if request is not None:
        setattr(request, EXCEPTION_ATTRIBUTE, sys.exc_info()[1])


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error_status(status: int, exception: BaseException | None) -> int:
    """A database that cannot be reached is a 503 (try again), not a 500 (a bug)."""
    if status == 500 and isinstance(exception, DATABASE_UNAVAILABLE):
        return 503
    return status


def api_error_message(status: int, method: str) -> str:
    message = API_MESSAGES.get(status)
    if message is None:
        return HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    return str(message) % {"method": method} if status == 405 else str(message)


class ApiJsonErrorsMiddleware:
    """Every error under ``/api/`` is JSON with its status, never an HTML page.

    It wraps whatever answers below it — a view's own error, the URL resolver's
    404, ``require_safe``'s 405, a crash (500) or a database outage (503) — so
    API views added later need nothing of their own. A view's JSON error is kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(_remember_exception, dispatch_uid="coverage-api-errors")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_request(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = api_error_status(response.status_code, getattr(request, EXCEPTION_ATTRIBUTE, None))
        json_response = JsonResponse(
            {"error": api_error_message(status, request.method or ""), "status": status},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
        if "Allow" in response:
            json_response["Allow"] = response["Allow"]
        if status == 503:
            json_response["Retry-After"] = "30"
        return json_response
