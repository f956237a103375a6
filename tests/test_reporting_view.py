"""``/laporan-kelengkapan/`` ("Kelengkapan"): months × branches reporting rates and one
month's regencies (reported when and by whom, missing, approved), within the user's scope."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from coverage import services
from coverage.calculations import Period
from coverage.completeness import ReportingLedger
from coverage.views.reporting import BranchRef, month_rows
from tests.factories import login, make_user, pu_counts
from tests.test_monthly_cycle import CODES, april_complete, text_of  # noqa: F401

URL = "/laporan-kelengkapan/"


def rates(html: str, month: str) -> list[str]:
    """The rate cells of ``month``'s row ("2025-05"), in column order."""
    row = re.search(rf'<a href="\?bulan={month}">.*?</tr>', html, re.S)
    assert row is not None
    return re.findall(r'data-rate="([^"]+)"', row.group(0))


@pytest.fixture
def may_by_an_admin(april_complete: None) -> None:  # noqa: F811
    """Sumba Barat (5301, branch Waingapu) enters May 2025 through the grid as "petugas"."""
    user = make_user("petugas", "admin")
    services.participant_counts_save(
        records=pu_counts(2025, 5, {"5301": 1_100}),
        context=services.WriteContext(user_id=user.pk, source="grid"),
    )


def test_anonymous_is_sent_to_login(may_by_an_admin: None, client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_viewer_is_forbidden(may_by_an_admin: None) -> None:
    assert login(make_user("pembaca", "viewer")).get(URL).status_code == 403


def test_province_admin_sees_rates_per_branch_and_province(may_by_an_admin: None) -> None:
    html = login(make_user("kepala", "manager")).get(URL).content.decode()
    # columns: province, then ATAMBUA, ENDE, KUPANG, LABUANBAJO, MAUMERE, WAINGAPU (by code)
    may = rates(html, "2025-05")
    april = rates(html, "2025-04")
    assert may[0] == "1/22" and april[0] == "22/22"
    assert "1/4" in may  # Waingapu: Sumba Barat of its four regencies
    assert "0/6" in may  # Kupang


def test_month_detail_names_who_reported_and_who_is_missing(may_by_an_admin: None) -> None:
    response = login(make_user("kepala", "manager")).get(URL + "?bulan=2025-05")
    html = response.content.decode()
    reported = re.search(r'data-region="5301" data-state="reported">.*?</tr>', html, re.S)
    assert reported is not None and "petugas" in reported.group(0)
    assert 'data-region="5371" data-state="missing"' in html
    assert "Rincian Mei 2025" in text_of(response)


def test_approved_months_are_marked(may_by_an_admin: None) -> None:
    manager = make_user("kepala", "manager")
    services.month_approve(year=2025, month=4, branch_code="KUPANG", user_id=manager.pk)
    html = login(manager).get(URL).content.decode()
    april = re.search(r'<a href="\?bulan=2025-04">.*?</tr>', html, re.S)
    assert april is not None and april.group(0).count("disetujui") == 1


def test_branch_admin_sees_only_their_branch(may_by_an_admin: None) -> None:
    response = login(make_user("kupang", "admin", ("KUPANG",))).get(URL + "?bulan=2025-05")
    html = response.content.decode()
    assert rates(html, "2025-05") == ["0/6"]
    assert "Provinsi NTT" not in text_of(response).split("Tingkat pelaporan")[1]
    assert 'data-region="5371"' in html
    assert 'data-region="5301"' not in html


def test_a_bad_month_is_refused_clearly(may_by_an_admin: None) -> None:
    response = login(make_user("kepala", "manager")).get(URL + "?bulan=2025-13")
    assert response.status_code == 400
    assert "Periode “2025-13” tidak valid" in response.content.decode()


def test_rates_count_a_newcomer_without_exceeding_the_total() -> None:
    ledger = ReportingLedger([(2025, 1, "5301"), (2025, 2, "5301"), (2025, 2, "5302")])
    rows = month_rows(
        ledger=ledger,
        periods=[Period(2025, 2), Period(2025, 1)],
        branches=[BranchRef("WAINGAPU", "Waingapu", frozenset({"5301", "5302"}))],
        province=None,
        approved={(Period(2025, 2), None)},
    )
    assert [cell.rate for cell in rows[0].cells] == ["2/2"]
    assert rows[0].cells[0].approved and not rows[1].cells[0].approved
    assert [cell.rate for cell in rows[1].cells] == ["1/1"]
