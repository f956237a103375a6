"""Riwayat perubahan: filters, pagination, one count's history, scope and date format."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from coverage import services
from coverage.models import ChangeLog
from coverage.records import ParticipantRecord
from tests.factories import login, make_user, seed_counts


@pytest.fixture
def manager(reference: None) -> User:
    seed_counts(region="5371")
    seed_counts(region="5311")
    return make_user("manajer", "manager")


def test_one_counts_history_by_key(manager: User) -> None:
    services.participant_counts_save(
        records=[ParticipantRecord(2025, 3, "5371", "A", "PU", 2000, 5)],
        context=services.WriteContext(manager.pk, "upload", "maret.csv"),
    )
    response = login(manager).get("/riwayat/", {"key": "2025-03/5371/A/PU"})
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    assert "Unggah berkas: maret.csv" in content
    assert "1.030 / 5" in content and "2.000 / 5" in content
    assert "manajer" in content


def test_filters_by_month_regency_and_entity(manager: User) -> None:
    client = login(manager)
    by_region = client.get("/riwayat/", {"region": "5311", "period": "2025-02", "entity": "count"})
    rows = by_region.context["page"].object_list
    assert len(rows) == 4
    assert all((r.region_id, r.month) == ("5311", 2) for r in rows)


def test_filter_by_user(manager: User) -> None:
    services.month_approve(year=2025, month=1, branch_code="ENDE", user_id=manager.pk)
    response = login(manager).get("/riwayat/", {"user": str(manager.pk)})
    assert [r.entity for r in response.context["page"].object_list] == ["approval"]


def test_pages_of_fifty(manager: User) -> None:
    client = login(manager)
    first = client.get("/riwayat/")
    assert len(first.context["page"].object_list) == 24
    seed_counts(region="5303", months=range(1, 13))
    seed_counts(region="5304", months=range(1, 13))
    page = client.get("/riwayat/", {"page": "2"})
    assert page.context["page"].paginator.num_pages == 3
    assert len(page.context["page"].object_list) == 50


def test_time_is_shown_in_makassar_time_with_indonesian_month(manager: User) -> None:
    import datetime

    row = ChangeLog.objects.latest("id")
    ChangeLog.objects.filter(pk=row.pk).update(
        created_at=datetime.datetime(2025, 4, 30, 16, 5, tzinfo=datetime.UTC)
    )
    content = login(manager).get("/riwayat/").content.decode()
    assert "1 Mei 2025, 00.05" in content


def test_branch_manager_sees_only_their_branches(reference: None) -> None:
    seed_counts(region="5371")
    seed_counts(region="5311")
    local = make_user("manajer_ende", "manager", ("ENDE",))
    response = login(local).get("/riwayat/")
    assert {r.region_id for r in response.context["page"].object_list} == {"5311"}
