"""Which month the league table and the "Program Pemda" page show without a period.

Participant figures: the latest month complete for the province (like the dashboard), so
a half-reported month never shows as a fall; the programme money figures: the latest
enrolment month (docs/definitions.md "Pemda programmes").
"""

from __future__ import annotations

import pytest
from django.test import Client

from coverage import services
from coverage.calculations import Period
from coverage.programme_records import EnrolmentRecord
from tests.factories import pu_counts
from tests.test_programmes_views import programme_data
from tests.test_views import small_ntt

APRIL = Period(2025, 4)
MAY = Period(2025, 5)


@pytest.fixture
def may_half_reported(reference: None) -> None:
    """April complete for both regencies; in May only Kota Kupang has reported (Ende,
    with 20.000 BPU participants in April, has not), and the programme enrolled in May."""
    small_ntt()
    programme_data()
    services.participant_counts_save(records=pu_counts(2025, 5, {"5371": 115_000}))
    services.programme_enrolment_save(
        records=[
            EnrolmentRecord(2025, 5, "PR-2025", "5311", 4_200),
            EnrolmentRecord(2025, 5, "PR-2025", "5371", 1_600),
        ]
    )


def test_league_table_defaults_to_the_latest_complete_month(
    may_half_reported: None, client: Client
) -> None:
    response = client.get("/peringkat/")
    assert response.context["period"] == APRIL
    ende = next(row for row in response.context["rows"] if row.code == "5311")
    assert ende.coverage_pct == 20  # 20.000 of 100.000 in April, not 0 in half-reported May


def test_league_table_still_shows_a_partial_month_when_asked(
    may_half_reported: None, client: Client
) -> None:
    assert client.get("/peringkat/?period=2025-05").context["period"] == MAY


def test_programme_page_money_at_latest_enrolment_participants_at_latest_complete_month(
    may_half_reported: None, client: Client
) -> None:
    response = client.get("/program-pemda/")
    assert response.context["period"] == MAY
    assert response.context["counts_period"] == APRIL
    card = next(c for c in response.context["cards"] if c.status.terms.code == "PR-2025")
    assert card.status.enrolled == 5_800  # May enrolment
    ende = next(share for share in card.shares if share.row.code == "5311")
    assert ende.bpu_active == 20_000  # April's BPU participants, not half-reported May's
    page = " ".join(response.content.decode().split())
    assert "Peserta BPU dan kesenjangan cakupan: posisi April 2025" in page


def test_programme_page_for_a_chosen_month_uses_it_for_both(
    may_half_reported: None, client: Client
) -> None:
    response = client.get("/program-pemda/?period=2025-04")
    assert response.context["period"] == response.context["counts_period"] == APRIL
    assert 'id="bulan-peserta"' not in response.content.decode()
