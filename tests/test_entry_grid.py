"""The monthly entry grid: prefill, validation, warnings, concurrency, locking, audit."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from coverage import services
from coverage.models import ChangeLog, ParticipantCount
from coverage.records import ParticipantRecord
from coverage.views.grid_rules import check_grid, parse_cell
from tests.factories import TestResponse, login, make_user, seed_counts

URL = "/isian/"


@pytest.fixture
def admin_user(reference: None) -> User:
    seed_counts()
    return make_user("admin_kupang", "admin", ("KUPANG",))


def grid_post(
    client: Client, *, version: int, cells: dict[str, str], period: str = "2025-03", **extra: str
) -> TestResponse:
    data = {"period": period, "scope": "5371", "region": "5371", "version": str(version)}
    data.update({f"c-5371-{cell}": value for cell, value in cells.items()})
    data.update(extra)
    return client.post(URL, data)


def version_of(client: Client, period: str = "2025-03") -> int:
    response = client.get(URL, {"period": period, "scope": "5371"})
    assert response.status_code == 200
    return int(response.context["version"])


def test_parse_cell_accepts_indonesian_thousands_and_refuses_fractions() -> None:
    assert parse_cell("12.345") == (12345, None)
    assert parse_cell(" 7 ") == (7, None)
    assert parse_cell("") == (None, None)
    assert parse_cell("1,5")[1] is not None
    assert parse_cell("-3")[1] == "tidak boleh negatif"


def test_change_over_thirty_percent_is_a_warning_not_an_error() -> None:
    check = check_grid(
        typed={("A", "PU"): "140"}, stored={}, previous={("A", "PU"): 100}, history={}
    )
    assert not check.errors
    assert "+40%" in check.warnings[("A", "PU")]


def test_z_score_beyond_three_warns_on_the_segment() -> None:
    check = check_grid(
        typed={("A", "PU"): "125"},
        stored={},
        previous={("A", "PU"): 100},
        history={"PU": [100, 101, 99, 100, 102, 98]},
    )
    assert "PU" in check.column_warnings


def test_grid_is_prefilled_with_stored_values_and_last_month(admin_user: User) -> None:
    client = login(admin_user)
    response = client.get(URL, {"period": "2025-03", "scope": "5371"})
    content = response.content.decode()
    march = ParticipantCount.objects.get(
        year=2025, month=3, region_id="5371", sector_id="A", segment_id="PU"
    )
    assert march.active == 1030
    assert 'name="c-5371-A-PU" value="1.030"' in content  # shown with thousands marks
    assert 'data-previous="1020"' in content  # February: round(1000 × 1.01²)
    assert "/riwayat/?key=2025-03/5371/A/PU" in content.replace("%2F", "/")


def test_empty_month_shows_last_month_as_placeholders(admin_user: User) -> None:
    response = login(admin_user).get(URL, {"period": "2025-04", "scope": "5371"})
    assert 'name="c-5371-A-PU" value="" placeholder="1.030"' in response.content.decode()


def test_save_writes_through_the_service_with_grid_source(admin_user: User) -> None:
    client = login(admin_user)
    version = version_of(client)
    response = grid_post(client, version=version, cells={"A-PU": "1.040"})
    assert response.status_code == 302
    cell = ParticipantCount.objects.get(
        year=2025, month=3, region_id="5371", sector_id="A", segment_id="PU"
    )
    assert (cell.active, cell.nonactive) == (1040, 5)
    log = ChangeLog.objects.filter(key="2025-03/5371/A/PU").latest("id")
    assert (log.source, log.source_detail, log.user_id) == ("grid", "isian", admin_user.pk)
    assert (log.old_value, log.new_value) == ("1030 / 5", "1040 / 5")


def test_invalid_numbers_are_errors_next_to_the_cell(admin_user: User) -> None:
    client = login(admin_user)
    response = grid_post(client, version=version_of(client), cells={"A-PU": "12,5", "G-PU": "-4"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "harus bilangan bulat tanpa pecahan" in content
    assert "tidak boleh negatif" in content
    assert ChangeLog.objects.filter(source="grid").count() == 0


def test_large_change_needs_tick_and_comment(admin_user: User) -> None:
    client = login(admin_user)
    version = version_of(client)
    response = grid_post(client, version=version, cells={"A-PU": "5000"})
    assert response.status_code == 200
    assert "Saya sudah memeriksa" in response.content.decode()
    assert "berubah +390% dari bulan lalu" in response.content.decode()
    assert (
        ParticipantCount.objects.get(
            year=2025, month=3, region_id="5371", sector_id="A", segment_id="PU"
        ).active
        == 1030
    )
    only_tick = grid_post(client, version=version, cells={"A-PU": "5000"}, checked="1")
    assert only_tick.status_code == 200
    saved = grid_post(
        client, version=version, cells={"A-PU": "5000"}, checked="1", comment="Kemitraan REI"
    )
    assert saved.status_code == 302
    log = ChangeLog.objects.filter(key="2025-03/5371/A/PU").latest("id")
    assert (log.source, log.source_detail) == ("grid", "Kemitraan REI")


def test_second_save_from_the_same_version_is_refused_with_changed_cells(admin_user: User) -> None:
    other = make_user("admin_dua", "admin")
    first, second = login(admin_user), login(other)
    version = version_of(first)
    assert version_of(second) == version
    assert grid_post(first, version=version, cells={"A-PU": "1031"}).status_code == 302
    response = grid_post(second, version=version, cells={"A-PU": "1032", "G-BPU": "1033"})
    content = response.content.decode()
    assert response.status_code == 409
    assert "sudah diubah orang lain" in content
    assert "2025-03/5371/A/PU" in content
    assert "1030 / 5 → 1031 / 5" in content
    cell = ParticipantCount.objects.get(
        year=2025, month=3, region_id="5371", sector_id="G", segment_id="BPU"
    )
    assert cell.active == 1030


def test_locked_month_is_read_only_and_refuses_a_crafted_post(admin_user: User) -> None:
    manager = make_user("manajer", "manager")
    services.month_approve(year=2025, month=3, branch_code="KUPANG", user_id=manager.pk)
    client = login(admin_user)
    page = client.get(URL, {"period": "2025-03", "scope": "5371"})
    assert "Bulan ini sudah disetujui dan dikunci." in page.content.decode()
    assert "2025-03 (Kupang), disetujui oleh manajer pada" in page.content.decode()
    assert "readonly" in page.content.decode()
    response = grid_post(client, version=version_of(client), cells={"A-PU": "1031"})
    assert response.status_code == 409
    assert (
        "sudah disetujui dan dikunci, sehingga tidak ada yang disimpan" in response.content.decode()
    )
    assert ChangeLog.objects.filter(source="grid").count() == 0


def test_branch_scope_shows_regency_summary_and_one_regency_grid(admin_user: User) -> None:
    response = login(admin_user).get(URL, {"period": "2025-03", "scope": "KUPANG"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "kabupaten/kota × segmen" in content
    assert 'name="c-5303-A-PU"' in content  # the first regency of the branch (Kupang)
    assert 'name="c-5371-A-PU"' not in content


def test_totals_use_indonesian_thousands(admin_user: User) -> None:
    content = login(admin_user).get(URL, {"period": "2025-03", "scope": "5371"}).content.decode()
    assert "4.120" in content  # 4 cells × 1030


@pytest.fixture
def kupang_april(admin_user: User) -> User:
    """April 2025 of Kota Kupang, sector A × PU: 20.000 active and 4.407 non-active."""
    services.participant_counts_save(
        records=[ParticipantRecord(2025, 4, "5371", "A", "PU", 20000, 4407)],
        context=services.WriteContext(source="demo", source_detail="april"),
    )
    return admin_user


def count_of(month: int, sector: str = "A", segment: str = "PU") -> tuple[int, int]:
    cell = ParticipantCount.objects.get(
        year=2025, month=month, region_id="5371", sector_id=sector, segment_id=segment
    )
    return cell.active, cell.nonactive


def test_saving_a_new_month_without_its_nonactive_count_is_refused_not_zeroed(
    kupang_april: User,
) -> None:
    client = login(kupang_april)
    response = grid_post(client, version=version_of(client, "2025-05"), period="2025-05",
                         cells={"A-PU": "20.100"})  # fmt: skip
    assert response.status_code == 400
    assert "isi jumlah peserta nonaktif (bulan lalu 4.407)" in response.content.decode()
    assert not ParticipantCount.objects.filter(year=2025, month=5).exists()
    assert count_of(4) == (20000, 4407)


def test_grid_saves_the_nonactive_count_typed_for_a_new_month(kupang_april: User) -> None:
    client = login(kupang_april)
    response = grid_post(
        client,
        version=version_of(client, "2025-05"),
        period="2025-05",
        cells={"A-PU": "20.100"},
        **{"n-5371-A-PU": "4.450"},
    )
    assert response.status_code == 302
    assert count_of(5) == (20100, 4450)
    assert count_of(4) == (20000, 4407)
    log = ChangeLog.objects.get(key="2025-05/5371/A/PU")
    assert log.new_value == "20100 / 4450"


def test_changing_only_the_nonactive_count_keeps_active(kupang_april: User) -> None:
    client = login(kupang_april)
    response = grid_post(client, version=version_of(client, "2025-04"), period="2025-04",
                         cells={}, **{"n-5371-A-PU": "4.500"})  # fmt: skip
    assert response.status_code == 302
    assert count_of(4) == (20000, 4500)


def test_emptying_a_stored_nonactive_count_is_an_error(kupang_april: User) -> None:
    client = login(kupang_april)
    response = grid_post(client, version=version_of(client, "2025-04"), period="2025-04",
                         cells={"A-PU": "20000"}, **{"n-5371-A-PU": ""})  # fmt: skip
    assert response.status_code == 400
    assert "isi 0 bila tidak ada peserta nonaktif" in response.content.decode()
    assert count_of(4) == (20000, 4407)


def test_grid_shows_stored_nonactive_counts_formatted(kupang_april: User) -> None:
    content = login(kupang_april).get(URL, {"period": "2025-04", "scope": "5371"}).content
    assert 'name="n-5371-A-PU" value="4.407"' in content.decode()


def test_copy_last_month_fills_active_and_nonactive_without_saving(kupang_april: User) -> None:
    client = login(kupang_april)
    response = client.get(URL, {"period": "2025-05", "scope": "5371", "prefill": "last"})
    content = response.content.decode()
    assert 'name="c-5371-A-PU" value="20.000"' in content
    assert 'name="n-5371-A-PU" value="4.407"' in content
    assert "belum tersimpan" in content
    assert not ParticipantCount.objects.filter(year=2025, month=5).exists()
    page = client.get(URL, {"period": "2025-05", "scope": "5371"}).content.decode()
    assert "Salin bulan lalu" in page and "prefill=last" in page


def test_branch_summary_offers_copy_last_month_per_regency(kupang_april: User) -> None:
    content = login(kupang_april).get(URL, {"period": "2025-05", "scope": "KUPANG"}).content
    assert "region=5371&amp;prefill=last" in content.decode()


def test_parse_cell_accepts_english_thousands_in_english() -> None:
    with translation.override("en"):
        assert parse_cell("12,345") == (12345, None)
        assert parse_cell("1,5")[1] is not None
        assert parse_cell("12.345")[1] is not None
    assert parse_cell("12345") == (12345, None)


def test_unknown_cell_name_is_escaped_in_the_error(admin_user: User) -> None:
    client = login(admin_user)
    response = client.post(
        URL,
        {"period": "2025-03", "scope": "5371", "region": "5371", "version": "0",
         "c-5371-<script>alert(1)</script>-PU": "1"},
    )  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_locked_month_error_names_the_approver_and_who_can_unlock(admin_user: User) -> None:
    manager = make_user("manajer_kupang", "manager")
    services.month_approve(year=2025, month=3, branch_code="KUPANG", user_id=manager.pk)
    client = login(admin_user)
    content = grid_post(client, version=version_of(client), cells={"A-PU": "1031"}).content
    text = content.decode()
    assert "2025-03 (Kupang), disetujui oleh manajer_kupang pada" in text
    assert "Hanya manajer" in text


def test_english_grid_shows_and_accepts_english_thousands(
    admin_user: User, english_catalogue: None
) -> None:
    client = login(admin_user)
    client.cookies["django_language"] = "en"
    page = client.get(URL, {"period": "2025-03", "scope": "5371"}).content.decode()
    assert 'name="c-5371-A-PU" value="1,030"' in page
    assert "Copy last month (February 2025) for Kota Kupang" in page
    response = grid_post(client, version=version_of(client), cells={"A-PU": "1,040"})
    assert response.status_code == 302
    assert count_of(3) == (1040, 5)
