"""The probability of reaching the target in words: cards, answer sentence and PDF narrative.

"Peluang mencapai 1.000.000 pada Desember 2025: 3%" is derived once
(``coverage.presentation.chance``) and only formatted by the page and the PDF, so
the two always show the same figure; without a probability the card shows "—" and
says why.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from fractions import Fraction

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from coverage import services
from coverage.calculations import (
    BreakdownRow,
    CoverageSummary,
    Denominator,
    Period,
    ResolvedTarget,
    Scope,
    ScopeMetrics,
)
from coverage.narrative import narrative_paragraphs, probability_sentence
from coverage.presentation import answer, behind_row, chance
from coverage.records import TargetRecord, WorkforceRecord
from coverage.reports import report_pdf_bytes
from coverage.summaries import load_coverage_summary
from coverage.templatetags.idformat import idchance
from coverage.views.dashboard import _behind_rows_html
from tests.factories import pu_counts

APRIL = Period(2025, 4)
PROVINCE = Scope(kind="province", code="53", name="Nusa Tenggara Timur", region_codes=frozenset())
TWELVE_CHANGES = (
    9_000,
    10_000,
    8_000,
    9_500,
    9_000,
    10_500,
    9_000,
    9_000,
    8_500,
    9_000,
    10_000,
    9_000,
)


@pytest.fixture(autouse=True)
def indonesian() -> object:
    with translation.override("id"):
        yield


def metrics(**changes: object) -> ScopeMetrics:
    """NTT in April 2025: 550.000 active, target 1.000.000, the projection 624.853 falls
    short, and the bootstrap gives 3%."""
    base = ScopeMetrics(
        period=APRIL,
        active=550_000,
        nonactive=60_000,
        denominator=Denominator(workers=1_626_300, year=2025),
        target=ResolvedTarget(count=1_000_000, pct=None, source="set"),
        coverage_pct=Fraction(550_000 * 100, 1_626_300),
        gap_count=450_000,
        gap_pp=None,
        months_remaining=8,
        required_monthly_pace=56_250,
        run_rate=Fraction(28_070, 3),
        projected_at_deadline=624_853,
        projected_month_reached=None,
        status="off_track",
        monthly_changes=TWELVE_CHANGES,
        probability_reaching_target=Fraction(3, 100),
        projection_p10=610_000,
        projection_p90=640_000,
        pace_ratio=Fraction(17, 100),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- derived once ---------------------------------------------------------------------------


def test_chance_carries_target_deadline_probability_and_band_of_the_cards() -> None:
    said = chance(metrics())
    assert said.kind == "value"
    assert (said.target_count, said.deadline) == (1_000_000, Period(2025, 12))
    assert said.probability_pct == 3
    assert (said.p10, said.p90) == (610_000, 640_000)
    assert answer(metrics()).chance == said


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        (
            {"status": "incomplete", "complete": False, "probability_reaching_target": None},
            "incomplete",
        ),
        (
            {
                "target": ResolvedTarget(count=None, pct=None, source=None),
                "status": "no_target",
                "probability_reaching_target": None,
            },
            "no_target",
        ),
        ({"monthly_changes": (1, 2, 3, 4, 5), "probability_reaching_target": None}, "few_changes"),
        ({"probability_reaching_target": None}, "not_computed"),
    ],
)
def test_chance_without_probability_says_why(changes: dict[str, object], kind: str) -> None:
    said = chance(metrics(**changes))
    assert said.kind == kind
    assert said.probability is None
    assert idchance(said) == "—"


def test_chance_of_an_incomplete_month_is_not_a_value_even_with_a_stale_probability() -> None:
    assert chance(metrics(status="incomplete", complete=False)).kind == "incomplete"


@pytest.mark.parametrize(
    ("probability", "written"),
    [
        (Fraction(3, 100), "3%"),
        (Fraction(0), "0%"),
        (Fraction(1), "100%"),
        (Fraction(4, 10_000), "< 1%"),
        (Fraction(9_960, 10_000), "> 99%"),
        (Fraction(9_900, 10_000), "99%"),
        (Fraction(1_250, 10_000), "13%"),
    ],
)
def test_whole_percent_never_rounds_to_zero_or_one_hundred(
    probability: Fraction, written: str
) -> None:
    said = chance(metrics(probability_reaching_target=probability))
    assert idchance(said) == written


# --- the PDF narrative --------------------------------------------------------------------


def test_narrative_says_the_probability_with_the_cards_numbers_and_no_verdict() -> None:
    assert probability_sentence(chance(metrics())) == (
        "Dari perubahan bulanan setahun terakhir, peluang mencapai 1.000.000 pada Desember "
        "2025 adalah 3%; 8 dari 10 simulasi berakhir antara 610.000 dan 640.000 peserta."
    )


def test_narrative_paragraph_keeps_the_shortfall_and_adds_one_probability_sentence() -> None:
    summary = CoverageSummary(scope=PROVINCE, basis="UCJ", metrics=metrics())
    progress = narrative_paragraphs(summary)[1]
    assert "hanya 624.853 peserta, kurang 375.147 dari target" in progress
    assert progress.count("peluang mencapai") == 1
    assert "adalah 3%" in progress
    for verdict in ("kemungkinan besar", "hampir pasti", "diperkirakan tercapai"):
        assert verdict not in progress


def test_narrative_writes_a_tiny_probability_as_below_one_percent() -> None:
    said = probability_sentence(chance(metrics(probability_reaching_target=Fraction(4, 10_000))))
    assert "adalah < 1%;" in said


def test_narrative_says_why_with_too_few_monthly_changes() -> None:
    said = probability_sentence(
        chance(metrics(monthly_changes=(1, 2, 3), probability_reaching_target=None))
    )
    assert said == (
        "Peluang mencapai 1.000.000 pada Desember 2025 belum dihitung: baru 3 perubahan "
        "bulanan dari bulan lengkap, perlu setidaknya 6."
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "incomplete", "complete": False, "probability_reaching_target": None},
        {
            "target": ResolvedTarget(count=None, pct=None, source=None),
            "status": "no_target",
            "probability_reaching_target": None,
        },
        {
            "active": 1_000_100,
            "gap_count": 0,
            "status": "achieved",
            "probability_reaching_target": 1,
        },
    ],
)
def test_narrative_says_nothing_of_probability_when_the_paragraph_already_settles_it(
    changes: dict[str, object],
) -> None:
    summary = CoverageSummary(scope=PROVINCE, basis="UCJ", metrics=metrics(**changes))
    assert "eluang" not in " ".join(narrative_paragraphs(summary))


def test_narrative_in_english_through_the_catalogue(english_catalogue: None) -> None:
    with translation.override("en"):
        said = probability_sentence(chance(metrics()))
    assert said.startswith("From the monthly changes of the last year, the probability of reaching")
    assert "1,000,000" in said and "3%" in said


# --- page and PDF agree ------------------------------------------------------------------------


@pytest.fixture
def year_of_data(reference: None) -> None:
    """Belu (5306) and TTU (5305) from April 2024 to April 2025: 12 complete changes that
    alternate between +40 and +160 (2.700 active in April), target 3.500: 800 more in 8
    months, exactly the average change, so about half the paths make it."""
    records = []
    active = 1_000
    for k in range(13):
        month = Period(2024, 4).shift(k)
        records += pu_counts(month.year, month.month, {"5306": active, "5305": 500})
        active += 40 if k % 2 == 0 else 160
    services.participant_counts_save(records=records)
    services.workforce_figures_save(
        records=[
            WorkforceRecord(2025, None, None, "UCJ", 10_000, "UCJ 2025"),
            WorkforceRecord(2024, None, None, "BPS_AK", 20_000, "BPS 2024"),
        ]
    )
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 3_500, None, "Target uji")]
    )


def test_page_and_pdf_give_the_same_probability(year_of_data: None, client: Client) -> None:
    m = load_coverage_summary(period=APRIL, scope_code="53", basis="UCJ").metrics
    assert m.probability_reaching_target is not None
    assert 0 < m.probability_reaching_target < 1  # a real simulation, not 0 or 1 by rule
    written = idchance(chance(m))
    page = one_line(client.get("/?period=2025-04").content.decode())
    assert f"Peluang mencapai 3.500 pada Desember 2025: {written}." in page
    assert f'<p class="kpi-value">{written}</p>' in page
    reader = PdfReader(io.BytesIO(report_pdf_bytes(period=APRIL, scope_code="53")))
    pdf = one_line(" ".join(page.extract_text() for page in reader.pages))
    assert f"peluang mencapai 3.500 pada Desember 2025 adalah {written}" in pdf


def test_who_is_behind_rows_write_the_probability_like_the_cards() -> None:
    def row(probability: Fraction | None) -> str:
        area = BreakdownRow(
            code="5306",
            name="Belu",
            active=550_000,
            denominator=1_626_300,
            coverage_pct=None,
            target_count=1_000_000,
            gap_count=450_000,
            metrics=metrics(probability_reaching_target=probability),
        )
        return _behind_rows_html([behind_row(area)], link="coverage:region", query="")

    assert '<td class="num">&lt; 1%</td>' in row(Fraction(4, 10_000))
    assert '<td class="num">3%</td>' in row(Fraction(3, 100))
    assert '<td class="num">—</td>' in row(None)
