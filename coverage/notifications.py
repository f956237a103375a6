"""Which e-mail notices are due (pure decision logic, no Django).

``manage.py send_notifications`` loads the subscriptions, the reporting ledger,
the approvals and each scope's latest standing, asks ``due_notices`` what to send,
and records every notice it sends under its ``key``. A key names what a notice is
about (kind, scope, month and, for an early warning, the condition), and a
subscription gets each key at most once: that is what makes the command safe to
run from a timer every hour.

The three kinds (issue #15, "Alerts and subscriptions"):

- ``monthly_pdf``: the PDF summary of the latest month that is complete for the
  scope or approved for it (whichever is later), once per month;
- ``early_warning``: the scope's latest complete month is ``off_track``, or its
  probability of reaching the target is below the subscriber's threshold, once
  per (scope, month, condition);
- ``missing_report``: ``days_after_month_end`` days after a month ended, an
  expected regency of the scope has still not reported it, once per (scope, month).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .calculations import Period
from .completeness import Completeness, ReportingLedger

MONTHLY_PDF = "monthly_pdf"
EARLY_WARNING = "early_warning"
MISSING_REPORT = "missing_report"
KINDS = (MONTHLY_PDF, EARLY_WARNING, MISSING_REPORT)

# The conditions of an early warning (the last part of its key).
OFF_TRACK = "off_track"
LOW_PROBABILITY = "probability"


@dataclass(frozen=True)
class Rule:
    """A subscription as the decision needs it.

    ``approval_branches`` says whose approval makes a month final for the scope:
    ``None`` for the province (only the province's own approval), else the branch
    codes that must all be approved (a branch: itself; a regency: its branch);
    an approval of the whole province covers every scope.
    """

    subscription_id: int
    kind: str
    scope_code: str
    region_codes: frozenset[str]
    approval_branches: frozenset[str] | None = None
    probability_threshold: Decimal | None = None
    days_after_month_end: int = 10


@dataclass(frozen=True)
class Outlook:
    """A scope's standing in its latest complete month (UCJ basis, the headline)."""

    period: Period
    status: str
    probability: Fraction | None


@dataclass(frozen=True)
class Approval:
    """A locked month: of the whole province (``branch_code`` None) or of one branch."""

    period: Period
    branch_code: str | None


@dataclass(frozen=True)
class DueNotice:
    """A notice to send now; ``missing`` holds the regency codes a reminder names."""

    subscription_id: int
    kind: str
    key: str
    period: Period
    condition: str = ""
    approved: bool = False
    missing: tuple[str, ...] = ()


def notice_key(kind: str, scope_code: str, period: Period, condition: str = "") -> str:
    """``monthly_pdf:KUPANG:2025-04``, ``early_warning:53:2025-04:off_track``."""
    parts = [kind, scope_code, str(period)]
    if condition:
        parts.append(condition)
    return ":".join(parts)


def month_end(period: Period) -> datetime.date:
    """The last day of ``period``."""
    return datetime.date(
        period.year, period.month, calendar.monthrange(period.year, period.month)[1]
    )


def reminder_period(today: datetime.date, days_after_month_end: int) -> Period:
    """The latest month that ended at least ``days_after_month_end`` days before
    ``today``: with 10 days, on 11 May it is April, on 10 May still March."""
    period = Period(today.year, today.month).shift(-1)
    while month_end(period) + datetime.timedelta(days=days_after_month_end) > today:
        period = period.shift(-1)
    return period


def approved_periods(
    approvals: Iterable[Approval], branch_codes: Collection[str] | None
) -> frozenset[Period]:
    """Months approved for a scope: by the province, or by every one of
    ``branch_codes`` (``None``: the province itself, so only the province's own
    approval counts; empty: a scope no branch approval can cover)."""
    province: set[Period] = set()
    by_branch: dict[Period, set[str]] = {}
    for approval in approvals:
        if approval.branch_code is None:
            province.add(approval.period)
        else:
            by_branch.setdefault(approval.period, set()).add(approval.branch_code)
    if branch_codes:
        wanted = set(branch_codes)
        province.update(period for period, codes in by_branch.items() if wanted <= codes)
    return frozenset(province)


def _unless_sent(
    rule: Rule,
    kind: str,
    period: Period,
    *,
    sent: Collection[str],
    condition: str = "",
    approved: bool = False,
    missing: tuple[str, ...] = (),
) -> DueNotice | None:
    """The notice to ``rule``'s subscriber about ``period`` (and ``condition``), or ``None``
    when its key is in ``sent``: the one place that makes each key go out once."""
    key = notice_key(kind, rule.scope_code, period, condition)
    if key in sent:
        return None
    return DueNotice(
        subscription_id=rule.subscription_id,
        kind=kind,
        key=key,
        period=period,
        condition=condition,
        approved=approved,
        missing=missing,
    )


def monthly_pdf_due(
    rule: Rule,
    *,
    latest_complete: Period | None,
    approved: frozenset[Period],
    sent: Collection[str],
) -> DueNotice | None:
    """The PDF of the later of the latest complete and the latest approved month,
    unless it was sent already."""
    candidates = [period for period in (latest_complete, max(approved, default=None)) if period]
    if not candidates:
        return None
    period = max(candidates)
    return _unless_sent(rule, MONTHLY_PDF, period, sent=sent, approved=period in approved)


def warning_conditions(outlook: Outlook, threshold: Decimal | None) -> list[str]:
    """What is wrong with ``outlook``: ``off_track`` and/or a probability below
    ``threshold`` (a probability that is not computed never warns)."""
    conditions = []
    if outlook.status == OFF_TRACK:
        conditions.append(OFF_TRACK)
    if (
        threshold is not None
        and outlook.probability is not None
        and outlook.probability < Fraction(threshold)
    ):
        conditions.append(LOW_PROBABILITY)
    return conditions


def early_warnings_due(
    rule: Rule, *, outlook: Outlook | None, sent: Collection[str]
) -> list[DueNotice]:
    """One warning per condition of the latest complete month not warned of yet."""
    if outlook is None:
        return []
    due = (
        _unless_sent(rule, EARLY_WARNING, outlook.period, sent=sent, condition=condition)
        for condition in warning_conditions(outlook, rule.probability_threshold)
    )
    return [notice for notice in due if notice is not None]


def reminder_due(
    rule: Rule, *, completeness: Completeness, sent: Collection[str]
) -> DueNotice | None:
    """A reminder naming the expected regencies that have not reported the month."""
    missing = completeness.missing
    if not missing:
        return None
    return _unless_sent(rule, MISSING_REPORT, completeness.period, sent=sent, missing=missing)


def due_notices(
    rules: Iterable[Rule],
    *,
    today: datetime.date,
    ledger: ReportingLedger,
    approvals: Collection[Approval],
    outlooks: Mapping[str, Outlook | None],
    sent: Mapping[int, Collection[str]],
) -> list[DueNotice]:
    """Every notice due on ``today``, in the order of ``rules``.

    ``outlooks`` maps a scope code to its latest complete month's standing (needed
    only for scopes with early-warning rules); ``sent`` maps a subscription id to
    the keys it has already received.
    """
    due: list[DueNotice] = []
    for rule in rules:
        already = sent.get(rule.subscription_id, ())
        if rule.kind == MONTHLY_PDF:
            notice = monthly_pdf_due(
                rule,
                latest_complete=ledger.default_period(rule.region_codes),
                approved=approved_periods(approvals, rule.approval_branches),
                sent=already,
            )
            due.extend([notice] if notice else [])
        elif rule.kind == EARLY_WARNING:
            due.extend(
                early_warnings_due(rule, outlook=outlooks.get(rule.scope_code), sent=already)
            )
        elif rule.kind == MISSING_REPORT:
            period = reminder_period(today, rule.days_after_month_end)
            notice = reminder_due(
                rule, completeness=ledger.completeness(period, rule.region_codes), sent=already
            )
            due.extend([notice] if notice else [])
    return due
