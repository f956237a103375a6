"""Riwayat perubahan: filters, pagination, one count's history, scope and date format."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from coverage import services
from coverage.models import ChangeLog
from coverage.records import ParticipantRecord
from tests.factories import TestResponse, login, make_user, seed_counts


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


def operations(response: TestResponse) -> list[dict[str, Any]]:
    return list(response.context["operations"])


def test_one_upload_is_one_line_expandable_to_its_cells(manager: User) -> None:
    records = [
        ParticipantRecord(2025, 3, region, sector, segment, 3000, 7)
        for region in ("5371", "5311")
        for sector in ("A", "G", "C", "F")
        for segment in ("PU", "BPU", "JAKON", "PMI")
    ][:29]
    services.participant_counts_save(
        records=records, context=services.WriteContext(manager.pk, "upload", "maret.csv")
    )
    client = login(manager)
    response = client.get("/riwayat/")
    newest = operations(response)[0]
    assert response.context["page"].paginator.count == 3  # two seeds and the upload
    assert (newest["cells"], newest["source_text"], newest["user"]) == (
        29,
        "Unggah berkas: maret.csv",
        "manajer",
    )
    assert newest["scope"] == "Maret 2025 · 2 kabupaten/kota"
    assert len(newest["cell_rows"]) == 10 and newest["more"] == 19
    content = response.content.decode()
    assert "Lihat 29 sel" in content and "Tampilkan semua 29 sel" in content
    cells = client.get("/riwayat/", {"operation": newest["group"]})
    assert cells.context["cell_view"] and cells.context["page"].paginator.count == 29


def test_filters_by_month_regency_and_entity(manager: User) -> None:
    client = login(manager)
    by_region = client.get("/riwayat/", {"region": "5311", "period": "2025-02", "entity": "count"})
    [operation] = operations(by_region)
    assert (operation["cells"], operation["scope"]) == (4, "Februari 2025 · Ende")


def test_filter_by_branch_and_kind(manager: User) -> None:
    services.month_approve(year=2025, month=1, branch_code="ENDE", user_id=manager.pk)
    client = login(manager)
    by_branch = operations(client.get("/riwayat/", {"branch": "ENDE"}))
    assert [(o["op_source"], o["cells"]) for o in by_branch] == [("approval", 1), ("demo", 12)]
    by_kind = operations(client.get("/riwayat/", {"kind": "approval"}))
    assert [o["scope"] for o in by_kind] == ["Januari 2025 · Cabang Ende"]


def test_filter_by_user(manager: User) -> None:
    services.month_approve(year=2025, month=1, branch_code="ENDE", user_id=manager.pk)
    response = login(manager).get("/riwayat/", {"user": str(manager.pk)})
    assert [o["op_entity"] for o in operations(response)] == ["approval"]


def test_pages_of_fifty_operations(manager: User) -> None:
    client = login(manager)
    assert len(operations(client.get("/riwayat/"))) == 2
    for month in range(1, 13):
        for region in ("5303", "5304", "5306", "5307"):
            seed_counts(region=region, months=range(month, month + 1))
    seed_counts(region="5308", months=range(1, 2))
    first = client.get("/riwayat/")
    assert first.context["page"].paginator.count == 51
    assert len(operations(first)) == 50
    page = client.get("/riwayat/", {"page": "2"})
    assert page.context["page"].paginator.num_pages == 2
    assert len(operations(page)) == 1


def test_time_is_shown_in_makassar_time_with_indonesian_month(manager: User) -> None:
    import datetime

    row = ChangeLog.objects.latest("id")
    ChangeLog.objects.filter(operation=row.operation).update(
        created_at=datetime.datetime(2025, 4, 30, 16, 5, tzinfo=datetime.UTC)
    )
    content = login(manager).get("/riwayat/").content.decode()
    assert "1 Mei 2025, 00.05" in content


def test_branch_manager_sees_only_their_branches(reference: None) -> None:
    seed_counts(region="5371")
    seed_counts(region="5311")
    other = ChangeLog.objects.filter(region_id="5371").first()
    assert other is not None and other.operation is not None
    local = make_user("manajer_ende", "manager", ("ENDE",))
    client = login(local)
    [operation] = operations(client.get("/riwayat/"))
    assert operation["scope"] == "Januari 2025 – Maret 2025 · Ende"
    hidden = client.get("/riwayat/", {"operation": other.operation})
    assert hidden.context["page"].paginator.count == 0


def test_every_write_path_sets_one_operation_per_action(manager: User) -> None:
    services.month_approve(year=2025, month=1, branch_code="ENDE", user_id=manager.pk)
    services.month_unlock(year=2025, month=1, branch_code="ENDE", user_id=manager.pk, reason="x")
    assert not ChangeLog.objects.filter(operation=None).exists()
    assert ChangeLog.objects.values("operation").distinct().count() == 4


def test_migration_groups_old_rows_by_user_second_and_source(manager: User) -> None:
    import datetime
    import importlib

    from django.apps import apps

    migration = importlib.import_module("coverage.migrations.0009_change_operation")
    moment = datetime.datetime(2025, 4, 1, 8, 0, 0, 100, tzinfo=datetime.UTC)
    ChangeLog.objects.update(operation=None, created_at=moment)
    ChangeLog.objects.filter(region_id="5311").update(
        created_at=moment + datetime.timedelta(microseconds=900_000)
    )
    ChangeLog.objects.filter(region_id="5311", month=3).update(source="upload")
    migration.group_existing_rows(apps, None)
    assert not ChangeLog.objects.filter(operation=None).exists()
    assert ChangeLog.objects.values("operation").distinct().count() == 2
    assert (
        ChangeLog.objects.filter(region_id="5311", month=3).values("operation").distinct().count()
        == 1
    )


def test_filter_input_is_escaped_in_the_page(manager: User) -> None:
    response = login(manager).get("/riwayat/", {"key": "<script>alert(1)</script>"})
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_malformed_operation_filter_is_refused_with_a_message(manager: User) -> None:
    response = login(manager).get("/riwayat/", {"operation": "<b>x</b>"})
    content = response.content.decode()
    assert "Kode operasi tidak dikenal." in content
    assert "<b>x</b>" not in content
    assert response.context["page"].paginator.count == 0
