"""The report's "Simulasi" page: saved planner scenarios against the baseline projection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from ..calculations import Period
from ..formatting import month_digits, month_year, number
from ..presentation import actual_series, points, scenario_series
from ..scenarios import HORIZON_MONTHS, NamedScenario, ScenarioResult, project_named
from ..summaries import DashboardData
from .charts import (
    MUTED,
    PROJECTION,
    TARGET,
    TEXT,
    figure_svg,
    new_figure,
    participants_axis,
    plot_actual,
    svg_data_uri,
)
from .tables import short

SCENARIO_COLOURS = ["#1f5fa8", "#c2185b", "#00897b", "#6d4c41"]


def scenario_results(
    data: DashboardData, scenarios: Sequence[NamedScenario]
) -> list[tuple[NamedScenario, ScenarioResult]]:
    """Each scenario projected on the report's scope from the report's month."""
    m = data.summary.metrics
    return [
        (
            scenario,
            project_named(
                scenario,
                scope=data.scope,
                period=data.period,
                active=m.active,
                run_rate=m.run_rate,
                stored_target=m.target.count,
            ),
        )
        for scenario in scenarios
    ]


def _reached_text(month: Period | None) -> str:
    if month is None:
        return _("tidak dalam %(months)s bulan") % {"months": HORIZON_MONTHS}
    return month_year(month)


def scenario_context(data: DashboardData, scenarios: Sequence[NamedScenario]) -> dict[str, Any]:
    """The comparison table, its chart and each scenario's levers, formatted."""
    results = scenario_results(data, scenarios)
    if not results:
        return {}
    baseline = results[0][1]
    rows = [
        {
            "name": _("Laju saat ini (tanpa pengungkit)"),
            "target": number(baseline.target_count),
            "extra": "–",
            "december": number(baseline.baseline_at_deadline),
            "versus": "–",
            "gap": number(baseline.baseline_gap_at_deadline),
            "reached": _reached_text(baseline.baseline_month_reached),
            "baseline": True,
        }
    ]
    levers = []
    for scenario, result in results:
        rows.append(
            {
                "name": scenario.name,
                "target": number(result.target_count),
                "extra": number(sum(lever.monthly for lever in scenario.levers)),
                "december": number(result.scenario_at_deadline),
                "versus": "+" + number(result.extra_at_deadline),
                "gap": number(result.scenario_gap_at_deadline),
                "reached": _reached_text(result.scenario_month_reached),
                "baseline": False,
            }
        )
        levers.append(
            {
                "name": scenario.name,
                "items": [
                    _("%(label)s: +%(monthly)s per bulan mulai %(start)s")
                    % {
                        "label": lever.label,
                        "monthly": number(lever.monthly),
                        "start": month_year(lever.start),
                    }
                    for lever in scenario.levers
                ],
            }
        )
    return {
        "scenario_rows": rows,
        "scenario_levers": levers,
        "scenario_chart": svg_data_uri(scenario_chart(data, results)),
        "scenario_horizon": HORIZON_MONTHS,
    }


def scenario_chart(
    data: DashboardData, results: Sequence[tuple[NamedScenario, ScenarioResult]]
) -> str:
    """Active participants this year, the baseline and every scenario to the later of
    December and the month the slowest-but-reaching scenario meets the target."""
    year = data.period.year
    first = Period(year, 1)
    baseline = results[0][1]
    reached = [r.scenario_month_reached for _s, r in results if r.scenario_month_reached]
    last = max([Period(year, 12), *reached])
    last = min(last, data.period.shift(36))
    months = [first.shift(i) for i in range(last.index - first.index + 1)]
    with new_figure(17.5, 8.0) as figure:
        axes = figure.add_subplot()
        actual = actual_series(months, active_by_period=data.active_by_period, period=data.period)
        plot_actual(axes, actual, colour=TEXT)
        future, values = points(scenario_series(baseline, months, scenario=False))
        axes.plot(
            future,
            [float(value) for value in values],
            color=PROJECTION,
            linewidth=1.5,
            linestyle=":",
            label=_("Laju saat ini"),
        )
        for index, (scenario, result) in enumerate(results):
            future, values = points(scenario_series(result, months, scenario=True))
            axes.plot(
                future,
                [float(value) for value in values],
                color=SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)],
                linewidth=1.8,
                label=short(scenario.name, 28),
            )
        if baseline.target_count is not None:
            axes.axhline(baseline.target_count, color=TARGET, linewidth=1.2, linestyle="--")
            axes.annotate(
                _("Target %(count)s") % {"count": number(baseline.target_count)},
                xy=(0, baseline.target_count),
                xytext=(2, 4),
                textcoords="offset points",
                color=TARGET,
                fontsize=7,
            )
        december = Period(year, 12).index - first.index
        axes.axvline(december, color=MUTED, linewidth=0.8)
        step = 1 if len(months) <= 24 else 2
        axes.set_xticks(range(0, len(months), step))
        axes.set_xticklabels(
            [month_digits(month) for month in months[::step]], rotation=90, fontsize=6.5
        )
        axes.set_xlim(-0.5, len(months) - 0.5)
        participants_axis(axes)
        axes.legend(loc="lower right", frameon=False, ncols=2, fontsize=7)
        figure.subplots_adjust(left=0.1, right=0.99, top=0.97, bottom=0.17)
        return figure_svg(figure)
