"""The scenario planner ("Simulasi"): levers in, baseline vs scenario out; saved scenarios.

Anyone logged in may open and try the planner; only managers save, and only a
scenario of their scope may be overwritten or deleted (their own within their
branches, or any by a province-wide manager; ``coverage.services``). Every
projection starts from the chosen month (by default the latest month complete for
the scope) and is recomputed from current figures each
time (``coverage.scenarios`` does the arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import pandas as pd
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import charts, presentation, selectors, services
from ..access import AuthenticatedHttpRequest, has_role
from ..calculations import PROVINCE_CODE, Period, Scope, active_series
from ..forecast import MIN_CHANGES
from ..formatting import month_short, separators
from ..forms_manager import (
    BaseLeverFormSet,
    BudgetLeverForm,
    CompareForm,
    LeverFormSet,
    PlannerForm,
    ScenarioSaveForm,
    budget_initial,
    lever_initial,
)
from ..initiative_selectors import initiatives_for_scope, start_period
from ..models import Role, Scenario
from ..narrative import reached_beyond_horizon
from ..scenarios import (
    HORIZON_MONTHS,
    BudgetLever,
    Lever,
    NamedScenario,
    ScenarioResult,
    cost_per_point_idr,
    levers_from_json,
    monthly_addition,
    project_named,
    scenario_probability,
)
from ..summaries import (
    SummaryError,
    load_coverage_summary,
    period_choices,
    resolve_period,
    scope_or_error,
)
from .completeness import period_options
from .guards import delete_view, problem, role_required

DISPLAY_MONTHS_AFTER = 36  # the chart stops three years after the reported month


@dataclass(frozen=True)
class PlannerBase:
    """What every projection of a scope starts from: the latest month's figures."""

    scope: Scope
    period: Period
    active: int
    run_rate: Fraction | None
    stored_target: int | None
    series: pd.DataFrame  # year, month, active, nonactive of the scope
    denominator: int | None = None  # the scope's UCJ denominator (cost per point of coverage)
    # DOMAIN.md "Horizon of the reached month": the current rate reaches the target
    # only more than ten years on (said in words, never as a far-off year).
    reached_beyond_horizon: bool = False
    # DOMAIN.md "Forecast": the last year's complete monthly changes, which the
    # scenarios' probabilities bootstrap, and whether the month is complete.
    monthly_changes: tuple[int, ...] = ()
    complete: bool = True


def planner_base(scope_code: str, period_text: str | None = None) -> PlannerBase:
    """The scope's active participants, run rate and stored target in ``period_text``
    (none: the latest month complete for the scope)."""
    scope = scope_or_error(selectors.reference_frames(), scope_code)
    period = resolve_period(period_text, scope)
    summary = load_coverage_summary(period=period, scope_code=scope.code, basis="UCJ")
    region_codes = None if scope.kind == "province" else scope.region_codes
    monthly = selectors.monthly_region_totals(until=period, region_codes=region_codes)
    m = summary.metrics
    return PlannerBase(
        scope=scope,
        period=period,
        active=m.active,
        run_rate=m.run_rate,
        stored_target=m.target.count,
        series=active_series(monthly, scope.region_codes),
        denominator=m.denominator.workers,
        reached_beyond_horizon=reached_beyond_horizon(m),
        monthly_changes=m.monthly_changes,
        complete=m.complete,
    )


def project(base: PlannerBase, scenario: NamedScenario) -> ScenarioResult:
    return project_named(
        scenario,
        scope=base.scope,
        period=base.period,
        active=base.active,
        run_rate=base.run_rate,
        stored_target=base.stored_target,
    )


def probabilities(base: PlannerBase, result: ScenarioResult) -> tuple[Fraction | None, ...]:
    """The probability of reaching the result's target by December: with the levers,
    and at the current pace alone (``coverage.scenarios.scenario_probability``)."""
    return tuple(
        scenario_probability(
            result, changes=base.monthly_changes, complete=base.complete, with_levers=levers
        )
        for levers in (True, False)
    )


def projection_figure(
    base: PlannerBase, lines: list[tuple[str, ScenarioResult]], *, title: str
) -> dict[str, Any]:
    """Actual figures from January, the baseline and each scenario's line, the target,
    and the scope's initiatives at their start months."""
    first = Period(base.period.year, 1)
    # To December, or a little past the month the last scenario reaches the target;
    # the baseline's own (often distant) month is in the cards, not on the axis.
    reached = [r.scenario_month_reached.shift(3) for _n, r in lines if r.scenario_month_reached]
    last = min(
        max([Period(base.period.year, 12), *reached]), base.period.shift(DISPLAY_MONTHS_AFTER)
    )
    months = [first.shift(i) for i in range(last.index - first.index + 1)]
    by_period = {
        Period(int(y), int(m)): int(a)
        for y, m, a in zip(
            base.series["year"], base.series["month"], base.series["active"], strict=True
        )
    }
    baseline = lines[0][1]
    series = [
        (
            _("Laju saat ini (tanpa pengungkit)"),
            presentation.scenario_series(baseline, months, scenario=False),
        )
    ]
    series += [
        (name, presentation.scenario_series(result, months, scenario=True))
        for name, result in lines
    ]
    figure = charts.scenario_figure(
        months=[month_short(month) for month in months],
        actual=presentation.actual_series(months, active_by_period=by_period, period=base.period),
        lines=series,
        target=baseline.target_count,
        title=title,
        actual_label=_("Peserta aktif"),
        target_label=_("Target"),
        axis_label=_("Peserta aktif"),
        separators=separators(),
    )
    initiatives = initiatives_for_scope(
        kind=base.scope.kind, code=base.scope.code, branch_code=base.scope.branch_code
    )
    return charts.add_initiative_annotations(
        figure, [(month_short(start_period(item)), item.name) for item in initiatives]
    )


def saved_scenarios() -> list[Scenario]:
    return list(Scenario.objects.order_by("-year", "name"))


def _scenario_of(scenario: Scenario) -> NamedScenario:
    return NamedScenario(
        name=scenario.name,
        levers=tuple(levers_from_json(scenario.levers)),
        target_count=scenario.target_count,
    )


# --- the planner page -------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.VIEWER)
def planner(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """``/simulasi/`` (a new scenario) and ``/simulasi/<id>/`` (a saved one).

    GET shows the levers (a saved scenario's, or empty rows of each kind); POST with
    ``aksi=hitung`` recomputes, ``aksi=simpan`` (managers) saves and redirects.
    """
    saved = get_object_or_404(Scenario, pk=pk) if pk is not None else None
    is_manager = has_role(request.user, Role.MANAGER)
    scope_code = (
        request.POST.get("scope")
        or request.GET.get("cakupan")
        or (saved.scope_code if saved else PROVINCE_CODE)
    )
    try:
        base = planner_base(scope_code, request.POST.get("periode") or request.GET.get("periode"))
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    year = base.period.year
    start = base.period.shift(1)

    if request.method == "POST":
        action = request.POST.get("aksi", "hitung")
        if action == "simpan" and not is_manager:
            return problem(request, _("Hanya manajer yang dapat menyimpan skenario."), status=403)
        planner_form = PlannerForm(request.POST)
        levers_formset = cast(BaseLeverFormSet, LeverFormSet(request.POST, prefix="lever"))
        budget_form = BudgetLeverForm(request.POST, prefix="anggaran")
        save_form = ScenarioSaveForm(
            request.POST if action == "simpan" else None, instance=saved, year=year
        )
        valid = all([planner_form.is_valid(), levers_formset.is_valid(), budget_form.is_valid()])
        levers: list[Lever] = levers_formset.levers() if valid else []
        budget = budget_form.lever() if valid else None
        if budget is not None:
            levers.append(budget)
        if action == "simpan" and valid and not levers:
            save_form.is_valid()
            save_form.add_error(None, _("Isi setidaknya satu pengungkit sebelum menyimpan."))
        elif action == "simpan" and valid and save_form.is_valid():
            try:
                scenario = services.scenario_save(
                    user=request.user,
                    scenario_id=saved.pk if saved else None,
                    name=save_form.cleaned_data["name"],
                    year=year,
                    scope_code=base.scope.code,
                    target_count=planner_form.cleaned_data.get("target_count"),
                    levers=[lever.as_dict() for lever in levers],
                )
            except services.NotAllowedError as error:
                return problem(request, error.message, status=403)
            return redirect("coverage:planner_scenario", pk=scenario.pk)
        target = planner_form.cleaned_data.get("target_count") if valid else None
    else:
        levers = levers_from_json(saved.levers) if saved else []
        target = saved.target_count if saved else None
        planner_form = PlannerForm(initial={"scope": base.scope.code, "target_count": target})
        monthly_levers = [lever for lever in levers if not isinstance(lever, BudgetLever)]
        levers_formset = cast(
            BaseLeverFormSet,
            LeverFormSet(initial=lever_initial(monthly_levers, start=start), prefix="lever"),
        )
        budget_form = BudgetLeverForm(
            initial=budget_initial(levers, start=start), prefix="anggaran"
        )
        save_form = ScenarioSaveForm(instance=saved, year=year)

    name = saved.name if saved else _("Skenario ini")
    branches = selectors.reference_frames().branches
    branch_names = {
        str(code): str(branch)
        for code, branch in zip(branches["branch_code"], branches["name"], strict=True)
    }
    result = project(base, NamedScenario(name=name, levers=tuple(levers), target_count=target))
    probability, baseline_probability = probabilities(base, result)
    context = {
        "probability": probability,
        "min_changes": MIN_CHANGES,
        "baseline_probability": baseline_probability,
        "base": base,
        "period_options": period_options(period_choices(base.scope)),
        "period_value": str(base.period),
        "saved": saved,
        "is_manager": is_manager,
        "planner_form": planner_form,
        "levers_formset": levers_formset,
        "budget_form": budget_form,
        "budget_rows": [
            (
                lever,
                cost_per_point_idr(
                    budget_idr=lever.budget_idr,
                    participants=lever.monthly,
                    denominator=base.denominator,
                ),
            )
            for lever in levers
            if isinstance(lever, BudgetLever)
        ],
        "save_form": save_form,
        "result": result,
        "levers": levers,
        "lever_rows": [
            (lever, extra, branch_names.get(lever.branch or "", lever.branch or ""))
            for lever, extra in zip(levers, result.lever_extra_at_deadline, strict=True)
        ],
        "december": Period(year, 12),
        "horizon": HORIZON_MONTHS,
        "figure": projection_figure(
            base,
            [(name, result)],
            title=_("Proyeksi peserta aktif — %(scope)s") % {"scope": base.scope.name},
        ),
        "scenarios": saved_scenarios(),
        "compare_form": CompareForm(scenarios=saved_scenarios()),
    }
    return render(request, "planner/planner.html", context)


@delete_view(Role.MANAGER, then="coverage:planner")
def delete_scenario(request: AuthenticatedHttpRequest, pk: int) -> None:
    """``/simulasi/<id>/hapus/`` (POST, confirmed in the page first): only a scenario the
    manager may change (``coverage.services.can_change_scenario``), else 403."""
    scenario = get_object_or_404(Scenario, pk=pk)
    services.scenario_delete(user=request.user, scenario_id=scenario.pk)


@require_safe
@role_required(Role.VIEWER)
def compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/simulasi/banding/?skenario=1&skenario=2``: two or three saved scenarios of one scope
    side by side, in a table and on one chart."""
    scenarios = saved_scenarios()
    form = CompareForm(request.GET, scenarios=scenarios)
    if not form.is_valid():
        message = "; ".join(str(error) for error in form.errors.get("skenario", []))
        return problem(request, message, status=400)
    chosen_ids: list[int] = form.cleaned_data["skenario"]
    by_id = {item.pk: item for item in scenarios}
    chosen = [by_id[pk] for pk in chosen_ids]
    scopes = {item.scope_code.upper() for item in chosen}
    if len(scopes) > 1:
        return problem(
            request,
            _("Skenario yang dibandingkan harus dibuat untuk cakupan yang sama."),
            status=400,
        )
    try:
        base = planner_base(chosen[0].scope_code)
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    named = [_scenario_of(item) for item in chosen]
    results = [
        (item, project(base, scenario), monthly_addition(scenario.levers))
        for item, scenario in zip(chosen, named, strict=True)
    ]
    chances = [probabilities(base, result) for _item, result, _monthly in results]
    figure = projection_figure(
        base,
        [(item.name, result) for item, result, _monthly in results],
        title=_("Perbandingan skenario — %(scope)s") % {"scope": base.scope.name},
    )
    pdf_query = "&".join(f"skenario={item.pk}" for item in chosen)
    context = {
        "base": base,
        "results": [
            (item, result, monthly, chance[0])
            for (item, result, monthly), chance in zip(results, chances, strict=True)
        ],
        "baseline": results[0][1],
        "baseline_probability": chances[0][1],
        "december": Period(base.period.year, 12),
        "horizon": HORIZON_MONTHS,
        "figure": figure,
        "is_manager": has_role(request.user, Role.MANAGER),
        "pdf_url": reverse(
            "coverage:report_pdf", kwargs={"scope": base.scope.code, "period": str(base.period)}
        )
        + "?"
        + pdf_query,
    }
    return render(request, "planner/compare.html", context)
