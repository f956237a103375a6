"""Cached results are dropped by any write, through the data version."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from coverage import services
from coverage.cache import data_version
from coverage.models import Region
from coverage.records import ParticipantRecord


@pytest.fixture
def demo(reference: None) -> None:
    call_command("load_demo", stdout=StringIO())


def active(client: Client) -> int:
    response = client.get("/api/coverage", {"period": "2025-04", "scope": "5311"})
    return int(json.loads(response.content)["active"])


def test_api_answers_from_cache_until_a_write(demo: None, client: Client) -> None:
    before = active(client)
    services.participant_counts_save(
        records=[ParticipantRecord(2025, 4, "5311", "A", "PU", 1_000_000, 0)]
    )
    assert active(client) > before + 900_000


def test_moving_a_regency_to_another_branch_changes_the_version(demo: None) -> None:
    version = data_version()
    region = Region.objects.get(bps_code="5312")
    region.branch_id = "MAUMERE"
    region.save()
    assert data_version() != version


def test_repeated_api_request_costs_one_query(
    demo: None, client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    active(client)
    with django_assert_max_num_queries(1):
        active(client)


def test_cached_page_body_keeps_reader_specific_parts_per_request(
    demo: None, client: Client
) -> None:
    """The cached HTML is shared by all readers; the manager's PDF link is not."""
    from django.contrib.auth.models import Group, User

    assert "Unduh PDF" not in client.get("/").content.decode()  # fills the cache
    manager = User.objects.create_user(username="kepala", password="Kupang-2025-rahasia")
    manager.groups.add(Group.objects.get(name="manager"))
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert "Unduh PDF" in page
    assert "chart-progress" in page
    client.logout()
    assert "Unduh PDF" not in client.get("/").content.decode()


def test_cached_page_is_kept_per_language(demo: None, client: Client) -> None:
    indonesian = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "Peserta aktif" in indonesian
    assert "Active participants" in english and "Peserta aktif" not in english


def test_repeated_page_request_costs_one_query(
    demo: None, client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.get("/")
    with django_assert_max_num_queries(1):  # the data version
        assert client.get("/").status_code == 200
