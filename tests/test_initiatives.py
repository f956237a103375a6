"""Initiatives: the observed-change selector, permissions, the form and the chart marks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coverage import services
from coverage.calculations import Period
from coverage.charts import add_initiative_annotations, initiative_marks
from coverage.initiative_selectors import initiatives_for_scope, observed_change
from coverage.models import Initiative
from coverage.records import ParticipantRecord
from tests.factories import make_user

LATEST = Period(2025, 4)


def count(month: int, region: str, sector: str, segment: str, active: int) -> ParticipantRecord:
    return ParticipantRecord(
        year=2025, month=month, region_code=region, sector_code=sector,
        segment_code=segment, active=active, nonactive=0,
    )  # fmt: skip


@pytest.fixture
def counts(reference: None) -> None:
    """Belu (5306, Atambua) and Kota Kupang (5371, Kupang), two sectors, two segments."""
    records = []
    for month, factor in ((2, 0), (4, 1)):
        records += [
            count(month, "5306", "F", "PU", 100 + 30 * factor),
            count(month, "5306", "A", "BPU", 200 + 5 * factor),
            count(month, "5371", "F", "PU", 1_000 + 400 * factor),
            count(month, "5371", "L", "BPU", 50 + 7 * factor),
        ]
    services.participant_counts_save(records=records)


def initiative(name: str, **relations: list[str]) -> Initiative:
    item = Initiative.objects.create(
        name=name, kind="partnership", start_date=datetime.date(2025, 3, 10),
        expected_enrolments=300,
    )  # fmt: skip
    for field, codes in relations.items():
        getattr(item, field).set(codes)
    return item


def test_observed_change_in_the_province(counts: None) -> None:
    change = observed_change(initiative("Semua"), latest=LATEST)
    assert change.before_period == Period(2025, 2)
    assert (change.before_active, change.latest_active) == (1_350, 1_792)
    assert change.change == 442


def test_observed_change_restricted_to_branch_sector_and_segment(counts: None) -> None:
    rei = initiative("REI Atambua", branches=["ATAMBUA"], sectors=["F", "L"], segments=["PU"])
    assert observed_change(rei, latest=LATEST).change == 30
    kupang = initiative("Kupang informal", regions=["5371"], segments=["BPU"])
    assert observed_change(kupang, latest=LATEST).change == 7


def test_observed_change_is_one_query_per_initiative(counts: None) -> None:
    item = Initiative.objects.prefetch_related("regions", "branches", "sectors", "segments").get(
        pk=initiative("Kota", regions=["5371"]).pk
    )
    with CaptureQueriesContext(connection) as queries:
        observed_change(item, latest=LATEST)
    assert len(queries) == 1


def test_no_change_before_start_or_without_data(counts: None) -> None:
    later = Initiative.objects.create(
        name="Nanti", kind="pemprov", start_date=datetime.date(2025, 6, 1)
    )
    assert observed_change(later, latest=LATEST).change is None
    early = Initiative.objects.create(
        name="Awal", kind="pemprov", start_date=datetime.date(2025, 1, 15)
    )
    change = observed_change(early, latest=LATEST)
    assert change.before_active is None and change.change is None


def test_initiatives_for_scope(counts: None) -> None:
    province_wide = initiative("Pemprov")
    atambua = initiative("Atambua", branches=["ATAMBUA"])
    kota = initiative("Kota Kupang", regions=["5371"])

    def names(**scope: str) -> set[str]:
        return {item.name for item in initiatives_for_scope(**scope)}

    assert names(kind="province", code="53") == {"Pemprov", "Atambua", "Kota Kupang"}
    assert names(kind="branch", code="KUPANG") == {"Pemprov", "Kota Kupang"}
    assert names(kind="region", code="5306", branch_code="ATAMBUA") == {"Pemprov", "Atambua"}
    assert province_wide.pk and atambua.pk and kota.pk


def test_marks_skip_months_off_the_axis() -> None:
    marks = initiative_marks(months=["Mar 2025", "Apr 2025"], initiatives=[
        ("Mar 2025", "REI"), ("Jan 2020", "Lama")
    ])  # fmt: skip
    assert [shape["x0"] for shape in marks["shapes"]] == ["Mar 2025"]
    assert marks["annotations"][0]["text"] == "REI"
    figure: dict[str, Any] = {
        "data": [{"x": ["Mar 2025", "Apr 2025"]}],
        "layout": {"shapes": [{"type": "rect"}]},
    }
    annotated = add_initiative_annotations(figure, [("Apr 2025", "Pemprov")])
    assert len(annotated["layout"]["shapes"]) == 2
    assert figure["layout"]["shapes"] == [{"type": "rect"}]  # the input is not changed


def test_list_needs_login_and_labels_association(counts: None, client: Client) -> None:
    assert client.get("/inisiatif/").status_code == 302
    initiative("REI Atambua", branches=["ATAMBUA"])
    client.force_login(make_user("staf", "viewer"))
    response = client.get("/inisiatif/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "bukan bukti dampaknya" in html
    assert "REI Atambua" in html and "+35" in html
    assert "Tambah inisiatif" not in html
    assert client.get("/inisiatif/baru/").status_code == 403


def test_admin_creates_edits_and_deletes(counts: None, client: Client) -> None:
    admin = make_user("admin_data", "admin")
    client.force_login(admin)
    data = {
        "name": "Kemitraan REI",
        "kind": "partnership",
        "start_date": "2025-03-01",
        "end_date": "",
        "branches": ["KUPANG"],
        "sectors": ["F", "L"],
        "segments": ["PU"],
        "expected_enrolments": "2000",
        "note": "MoU 29 April",
    }
    assert client.post("/inisiatif/baru/", data).status_code == 302
    item = Initiative.objects.get()
    assert item.created_by == admin
    assert sorted(item.sectors.values_list("code", flat=True)) == ["F", "L"]
    data["expected_enrolments"] = "2500"
    assert client.post(f"/inisiatif/{item.pk}/ubah/", data).status_code == 302
    item.refresh_from_db()
    assert item.expected_enrolments == 2_500
    assert client.post(f"/inisiatif/{item.pk}/hapus/").status_code == 302
    assert not Initiative.objects.exists()


def test_form_errors_are_in_indonesian(counts: None, client: Client) -> None:
    client.force_login(make_user("kepala", "manager"))
    response = client.post(
        "/inisiatif/baru/",
        {"name": "", "kind": "pemprov", "start_date": "2025-05-01", "end_date": "2025-04-01",
         "expected_enrolments": "-5"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beri nama inisiatif ini." in html
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in html
    assert "tidak boleh negatif" in html
    assert not Initiative.objects.exists()


def test_dashboard_marks_endpoint(counts: None, client: Client) -> None:
    initiative("Kota Kupang", regions=["5371"])
    url = "/inisiatif/tanda/KUPANG/2025-04.json"
    assert client.get(url).json() == {"shapes": [], "annotations": []}
    client.force_login(make_user("staf", "viewer"))
    marks = client.get(url).json()
    assert [shape["x0"] for shape in marks["shapes"]] == ["Mar 2025"]
    assert client.get("/inisiatif/tanda/ATAMBUA/2025-04.json").json()["shapes"] == []


def test_dashboard_shows_tools_by_role(counts: None, client: Client) -> None:
    html = client.get("/?period=2025-04").content.decode()
    assert "/ekspor/by_region/53/2025-04.xlsx?basis=UCJ" in html
    assert "/ekspor/ringkasan/53/2025-04.json" in html
    assert "Unduh PDF" not in html and "js/initiatives.js" not in html
    client.force_login(make_user("kepala", "manager"))
    html = client.get("/?period=2025-04").content.decode()
    assert "/laporan/53/2025-04.pdf?basis=UCJ" in html
    assert "js/initiatives.js" in html and "/simulasi/" in html
