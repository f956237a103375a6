"""``/laporan/<scope>/<YYYY-MM>.pdf``: managers only, approval state, scenarios page."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from coverage import services
from coverage.models import MonthApproval, Scenario
from coverage.records import TargetRecord, WorkforceRecord
from tests.factories import make_user, pu_counts

URL = "/laporan/53/2025-04.pdf"


@pytest.fixture
def small_data(reference: None) -> None:
    services.participant_counts_save(
        records=pu_counts(2025, 1, {"5306": 1_000, "5305": 500})
        + pu_counts(2025, 4, {"5306": 1_300, "5305": 560})
    )
    services.workforce_figures_save(
        records=[WorkforceRecord(2025, None, None, "UCJ", 10_000, "UCJ 2025")]
    )
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 6_000, Decimal("60"), "Target uji")]
    )


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_anonymous_is_sent_to_login(small_data: None, client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/?next=/laporan/53/2025-04.pdf")


def test_viewer_and_admin_are_forbidden(small_data: None, client: Client) -> None:
    for role in ("viewer", "admin"):
        client.force_login(make_user(f"user_{role}", role))
        response = client.get(URL)
        assert response.status_code == 403
        assert "hanya untuk manajer" in response.content.decode()


def test_manager_downloads_a_provisional_pdf(small_data: None, client: Client) -> None:
    client.force_login(make_user("kepala", "manager"))
    response = client.get(URL + "?basis=UCJ")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="ringkasan-cakupan-53-2025-04.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert "Sementara (belum disetujui)" in pdf_text(response.content)


def test_approved_month_prints_approved(small_data: None, client: Client) -> None:
    manager = make_user("kepala", "manager")
    MonthApproval.objects.create(
        year=2025, month=4, scope_type="province", approved_by=manager, approved_at=timezone.now()
    )
    client.force_login(manager)
    text = pdf_text(client.get("/laporan/5306/2025-04.pdf").content)
    assert "Disetujui" in text and "Sementara" not in text


def test_branch_report_needs_its_branch_approval(small_data: None, client: Client) -> None:
    manager = make_user("kepala", "manager")
    MonthApproval.objects.create(
        year=2025,
        month=4,
        scope_type="branch",
        branch_id="KUPANG",
        approved_by=manager,
        approved_at=timezone.now(),
    )
    client.force_login(manager)
    assert "Sementara" in pdf_text(client.get("/laporan/ATAMBUA/2025-04.pdf").content)
    assert "Disetujui" in pdf_text(client.get("/laporan/KUPANG/2025-04.pdf").content)


def test_errors_use_the_indonesian_problem_page(small_data: None, client: Client) -> None:
    client.force_login(make_user("kepala", "manager"))
    bad_period = client.get("/laporan/53/2025-4.pdf")
    assert bad_period.status_code == 400
    assert "tidak valid" in bad_period.content.decode()
    assert client.get("/laporan/53/2024-04.pdf").status_code == 404
    assert client.get("/laporan/9999/2025-04.pdf").status_code == 404


def test_scenarios_add_a_simulation_page(small_data: None, client: Client) -> None:
    client.force_login(make_user("kepala", "manager"))
    lever = {"label": "Kemitraan REI", "kind": "rei", "monthly": 500, "start": "2025-06",
             "segment": "PU", "sectors": ["F", "L"], "branch": ""}  # fmt: skip
    first = Scenario.objects.create(name="REI saja", year=2025, levers=[lever])
    second = Scenario.objects.create(name="REI ganda", year=2025, levers=[lever, lever])
    response = client.get(f"{URL}?skenario={first.pk}&skenario={second.pk}")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Simulasi" in text and "REI saja" in text and "REI ganda" in text
    # 1,860 active, run rate (1,860 − 1,500) / 3 = 120, +500 × 7 from June: 2,820 + 3,500.
    assert "6.320" in text and "9.820" in text


def test_scenario_of_another_scope_is_refused(small_data: None, client: Client) -> None:
    client.force_login(make_user("kepala", "manager"))
    other = Scenario.objects.create(name="Ende", year=2025, scope_code="ENDE", levers=[])
    response = client.get(f"{URL}?skenario={other.pk}")
    assert response.status_code == 400
    assert client.get(f"{URL}?skenario=9999").status_code == 404


def test_pdf_language_follows_the_request(
    small_data: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def fake_pdf(**kwargs: object) -> bytes:
        seen.update(kwargs)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("coverage.views.reports.report_pdf_bytes", fake_pdf)
    client.force_login(make_user("kepala", "manager"))
    client.cookies["django_language"] = "en"
    assert client.get(URL + "?basis=BPS_AK").status_code == 200
    assert seen["lang"] == "en" and seen["basis"] == "BPS_AK" and seen["approved"] is False
