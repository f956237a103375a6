"""The schema: reference data (branches, regions, sectors, segments), workforce
figures with their basis, monthly participant counts and targets.

Percentages are never stored as the source of truth for coverage: they are
computed from counts and denominators by ``coverage.calculations``. A target may
state a percentage because that is how targets are announced.

One module per group of tables (reference, figures, audit, planning, programmes,
accounts); every model is imported here, so Django finds them in the ``coverage``
app and ``from coverage.models import X`` is the one way in.
"""

from __future__ import annotations

from .accounts import LoginFailure, Notice, Role, Subscription, UserScope
from .audit import ChangeLog, ChangeSource, MonthApproval
from .figures import MonthlyTotal, ParticipantCount, Target, WorkforceFigure
from .planning import Initiative, Scenario
from .programmes import Programme, ProgrammeEnrolment, ProgrammeQuota, RegencyCommitment
from .reference import (
    PROVINCE_CODE,
    PROVINCE_NAME,
    Basis,
    BilingualNameMixin,
    Branch,
    Region,
    ScopeType,
    Sector,
    Segment,
)

__all__ = [
    "PROVINCE_CODE",
    "PROVINCE_NAME",
    "Basis",
    "BilingualNameMixin",
    "Branch",
    "ChangeLog",
    "ChangeSource",
    "Initiative",
    "LoginFailure",
    "MonthApproval",
    "MonthlyTotal",
    "Notice",
    "ParticipantCount",
    "Programme",
    "ProgrammeEnrolment",
    "ProgrammeQuota",
    "RegencyCommitment",
    "Region",
    "Role",
    "Scenario",
    "ScopeType",
    "Sector",
    "Segment",
    "Subscription",
    "Target",
    "UserScope",
    "WorkforceFigure",
]
