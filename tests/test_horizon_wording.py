"""The reached month looks at most 120 months ahead: further out it is said in words,
"lebih dari 10 tahun lagi dengan laju saat ini", never as a year like 2133
(DOMAIN.md "Horizon of the reached month")."""

from __future__ import annotations

import dataclasses
import re

from django.test import Client
from django.utils import translation

from coverage.calculations import Period
from coverage.narrative import narrative_paragraphs, reached_beyond_horizon, reached_month_text
from tests.factories import make_user
from tests.test_monthly_cycle import april_complete, first_page_text, text_of  # noqa: F401
from tests.test_narrative import jan_apr, summary

BEYOND = "lebih dari 10 tahun lagi dengan laju saat ini"
# April 2025 + 120 months = April 2035: any year after it is a year that must not be shown
FAR_YEAR = re.compile(r"\b(20[4-9]\d|2[1-9]\d\d)\b")


def test_reached_month_within_ten_years_is_a_month() -> None:
    metrics = summary(jan_apr(1_500, 1_860)).metrics  # reached March 2028
    with translation.override("id"):
        assert reached_month_text(metrics) == "Maret 2028"
    assert not reached_beyond_horizon(metrics)


def test_flag_from_the_summary_is_said_in_words() -> None:
    metrics = dataclasses.replace(
        summary(jan_apr(1_500, 1_503)).metrics,
        projected_month_reached=None,
        reached_beyond_horizon=True,
    )
    with translation.override("id"):
        assert reached_month_text(metrics) == BEYOND


def test_month_further_than_120_months_is_said_in_words() -> None:
    metrics = dataclasses.replace(
        summary(jan_apr(1_500, 1_860)).metrics, projected_month_reached=Period(2133, 5)
    )
    assert reached_beyond_horizon(metrics)
    edge = dataclasses.replace(metrics, projected_month_reached=Period(2035, 4))
    assert not reached_beyond_horizon(edge)  # exactly 120 months: still a month


def test_narrative_never_names_a_far_year() -> None:
    with translation.override("id"):
        paragraph = narrative_paragraphs(summary(jan_apr(1_500, 1_503)))[1]
    assert "Target baru akan tercapai lebih dari 10 tahun lagi dengan laju saat ini." in paragraph
    assert not FAR_YEAR.search(paragraph)


def test_overview_card_says_more_than_ten_years(april_complete: None, client: Client) -> None:  # noqa: F811
    # +220 a month against a gap of 37,120: 169 months
    page = text_of(client.get("/"))
    assert "Target tercapai pada " + BEYOND in page
    assert not FAR_YEAR.search(page)


def test_pdf_says_more_than_ten_years(april_complete: None, client: Client) -> None:  # noqa: F811
    client.force_login(make_user("kepala", "manager"))
    text = first_page_text(client.get("/laporan/53/2025-04.pdf").content)
    assert "lebih dari 10 tahun lagi" in text
    assert not FAR_YEAR.search(text)


def test_planner_baseline_says_more_than_ten_years(april_complete: None, client: Client) -> None:  # noqa: F811
    client.force_login(make_user("pembaca", "viewer"))
    page = text_of(client.get("/simulasi/"))
    assert "laju saat ini saja : " + BEYOND in page or "laju saat ini saja: " + BEYOND in page


def test_incomplete_month_narrative_makes_no_projection() -> None:
    metrics = dataclasses.replace(
        summary(jan_apr(1_500, 300)).metrics,
        status="incomplete",
        complete=False,
        run_rate=None,
        projected_at_deadline=None,
        projected_month_reached=None,
    )
    base = summary(jan_apr(1_500, 300))
    with translation.override("id"):
        paragraph = narrative_paragraphs(dataclasses.replace(base, metrics=metrics))[1]
    assert paragraph == (
        "Data bulan ini belum lengkap, sehingga kekurangan di atas adalah angka sementara "
        "dan laju, proyeksi serta status belum dihitung."
    )
