"""Helpers the tests share: users with a role and a scope, logged-in clients, counts,
and a snapshot of what is stored (to show that a refused write changed nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import Group, User
from django.test import Client

from coverage import services
from coverage.access import ensure_role_groups
from coverage.models import Branch, ChangeLog, MonthApproval, ParticipantCount, UserScope
from coverage.records import ParticipantRecord

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

# What the test client returns: an ``HttpResponse`` with the test attributes (``context``,
# ``redirect_chain``, ``wsgi_request``); the class exists only in django-stubs.
TestResponse: TypeAlias = "_MonkeyPatchedWSGIResponse"

PASSWORD = "Rahasia-NTT-2025"


def make_user(name: str, role: str, branches: tuple[str, ...] = ()) -> User:
    """A user with ``role`` whose scope is ``branches`` (none: the whole province)."""
    ensure_role_groups()
    user = User.objects.create_user(name, password=PASSWORD, is_staff=role != "viewer")
    user.groups.set([Group.objects.get(name=role)])
    scope = UserScope.objects.create(user=user, whole_province=not branches)
    scope.branches.set([Branch.objects.get(code=code) for code in branches])
    return user


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pu_counts(
    year: int, month: int, values: dict[str, int], *, nonactive: int = 1
) -> list[ParticipantRecord]:
    """Counts of sector A, segment PU in one month: ``{region code: active}``."""
    return [
        ParticipantRecord(year=year, month=month, region_code=code, sector_code="A",
                          segment_code="PU", active=active, nonactive=nonactive)
        for code, active in values.items()
    ]  # fmt: skip


def seed_counts(
    *, region: str = "5371", year: int = 2025, months: range = range(1, 4), base: int = 1000
) -> None:
    """Counts for sectors A and G × segments PU and BPU, growing 1% a month (non-active 5)."""
    records = [
        ParticipantRecord(year, month, region, sector, segment, round(base * 1.01**month), 5)
        for month in months
        for sector in ("A", "G")
        for segment in ("PU", "BPU")
    ]
    services.participant_counts_save(
        records=records, context=services.WriteContext(source="demo", source_detail="seed")
    )


def snapshot() -> tuple[list[tuple[int, int, int]], int, list[tuple[int, bool]]]:
    """Every count, the number of change-log rows and every approval, in id order."""
    counts = list(ParticipantCount.objects.order_by("pk").values_list("pk", "active", "nonactive"))
    approvals = list(MonthApproval.objects.order_by("pk").values_list("pk", "locked"))
    return counts, ChangeLog.objects.count(), approvals
