"""The monthly PDF summary as a download, for managers."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import selectors
from ..access import AuthenticatedHttpRequest
from ..calculations import Scope
from ..models import Role, Scenario
from ..reports import report_pdf_bytes
from ..scenarios import NamedScenario, levers_from_json
from ..summaries import SummaryError, parse_basis, resolve_period, scope_or_error
from .guards import problem, role_required


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def approval_branch_codes(scope: Scope) -> list[str] | None:
    """Whose approval makes a scope's month final: the province's (``None``), a branch's
    own, or a regency's branch."""
    if scope.kind == "province":
        return None
    if scope.kind == "branch":
        return [scope.code]
    return [scope.branch_code] if scope.branch_code else []


def named_scenarios(ids: list[str], *, scope_code: str) -> list[NamedScenario]:
    """Saved scenarios by id, in the order asked; raises ``SummaryError`` for an unknown id
    or a scenario made for another scope."""
    wanted: list[int] = []
    for text in ids:
        if not text.isdigit():
            raise SummaryError(_("Skenario “%(id)s” tidak ditemukan.") % {"id": text}, status=404)
        if int(text) not in wanted:
            wanted.append(int(text))
    found = {item.pk: item for item in Scenario.objects.filter(pk__in=wanted)}
    result = []
    for pk in wanted:
        scenario = found.get(pk)
        if scenario is None:
            raise SummaryError(_("Skenario “%(id)s” tidak ditemukan.") % {"id": pk}, status=404)
        if scenario.scope_code.upper() != scope_code.upper():
            raise SummaryError(
                _("Skenario “%(name)s” dibuat untuk cakupan %(scope)s, bukan %(asked)s.")
                % {"name": scenario.name, "scope": scenario.scope_code, "asked": scope_code},
                status=400,
            )
        result.append(
            NamedScenario(
                name=scenario.name,
                levers=tuple(levers_from_json(scenario.levers)),
                target_count=scenario.target_count,
            )
        )
    return result


@require_safe
@role_required(Role.MANAGER)
def report_pdf(
    request: AuthenticatedHttpRequest, scope: str, period: str | None = None
) -> HttpResponse:
    """``/laporan/<scope>/<YYYY-MM>.pdf?basis=UCJ&skenario=<id>…``: the monthly PDF, marked
    approved when the month is locked for the scope's branches (or the province);
    ``/laporan/<scope>.pdf`` is the scope's latest complete month."""
    try:
        found = scope_or_error(selectors.reference_frames(), scope)
        month = resolve_period(period, found)
        basis = parse_basis(request.GET.get("basis"))
        scenarios = named_scenarios(request.GET.getlist("skenario"), scope_code=found.code)
        state = selectors.approval_state(period=month, branch_codes=approval_branch_codes(found))
        pdf = report_pdf_bytes(
            period=month,
            scope_code=found.code,
            basis=basis,
            lang=translation.get_language() or "id",
            approved=state == "approved",
            scenarios=scenarios or None,
        )
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    response = HttpResponse(pdf, content_type="application/pdf")
    return attachment(response, f"ringkasan-cakupan-{found.code.lower()}-{month}.pdf")
