"""The narrative of the PDF: exact Indonesian sentences for each situation."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pandas as pd
import pytest
from django.utils import translation

from coverage.calculations import (
    BreakdownRow,
    CoverageSummary,
    Denominator,
    Period,
    Scope,
    TargetSpec,
    resolve_target,
    scope_metrics,
)
from coverage.formatting import long_date, month_year, number, percent
from coverage.narrative import implied_denominator_sentence, join_words, narrative_paragraphs

APRIL = Period(2025, 4)
PROVINCE = Scope(kind="province", code="53", name="Nusa Tenggara Timur", region_codes=frozenset())


@pytest.fixture(autouse=True)
def indonesian() -> object:
    with translation.override("id"):
        yield


def summary(
    values: dict[Period, int],
    *,
    period: Period = APRIL,
    count: int | None = 6_000,
    pct: Fraction | None = None,
    denominator: int | None = 10_000,
    basis: str = "UCJ",
    by_branch: list[BreakdownRow] | None = None,
    by_region: list[BreakdownRow] | None = None,
) -> CoverageSummary:
    frame = pd.DataFrame(
        [(p.year, p.month, a, 2) for p, a in sorted(values.items())],
        columns=["year", "month", "active", "nonactive"],
    )
    spec = TargetSpec(count=count, pct=pct) if count is not None or pct is not None else None
    metrics = scope_metrics(
        period=period,
        series=frame,
        denominator=Denominator(workers=denominator, year=2025 if denominator else None),
        target=resolve_target([(denominator, spec)]),
    )
    return CoverageSummary(
        scope=PROVINCE,
        basis=basis,
        metrics=metrics,
        by_branch=by_branch or [],
        by_region=by_region or [],
    )


def jan_apr(january: int, april: int) -> dict[Period, int]:
    return {Period(2025, 1): january, APRIL: april}


# --- formatting ---------------------------------------------------------------------------


def test_numbers_use_indonesian_marks() -> None:
    assert number(1_000_000) == "1.000.000"
    assert number(Fraction(11, 2)) == "6"  # half away from zero
    assert percent(Fraction(3598, 100), 1) == "36,0%"
    assert percent(Fraction(3598, 100), 2) == "35,98%"
    assert number(-1_250) == "−1.250"


def test_months_and_dates_are_indonesian() -> None:
    assert month_year(Period(2025, 1)) == "Januari 2025"
    assert month_year(Period(2025, 8)) == "Agustus 2025"
    assert long_date(datetime.date(2026, 11, 25)) == "25 November 2026"


def test_english_uses_english_marks_and_months() -> None:
    with translation.override("en"):
        assert number(1_000_000) == "1,000,000"
        assert percent(Fraction(359, 10), 1) == "35.9%"
        assert month_year(Period(2025, 8)) == "August 2025"


def test_join_words_uses_dan() -> None:
    assert join_words(["A", "B", "C"]) == "A, B dan C"
    assert join_words(["A"]) == "A"


# --- situations ------------------------------------------------------------------------------


def test_headline_sentence_quotes_both_bases() -> None:
    ucj = summary(jan_apr(1_500, 1_860), count=6_000, pct=Fraction(60))
    bps = summary(jan_apr(1_500, 1_860), denominator=20_000, basis="BPS_AK")
    first = narrative_paragraphs(ucj, bps=bps)[0]
    assert first == (
        "Per April 2025, Nusa Tenggara Timur mencatat 1.860 peserta aktif (18,6% dari basis "
        "UCJ; 9,3% dari angkatan kerja BPS). Peserta nonaktif berjumlah 2 dan tidak dihitung "
        "dalam cakupan."
    )


def test_behind_states_pace_run_rate_projection_and_late_month() -> None:
    paragraphs = narrative_paragraphs(summary(jan_apr(1_500, 1_860), pct=Fraction(60)))
    assert paragraphs[1] == (
        "Untuk mencapai target 6.000 peserta (60,0%) pada Desember 2025 masih kurang 4.140 "
        "peserta, sehingga diperlukan tambahan bersih rata-rata 518 peserta per bulan selama "
        "8 bulan tersisa. Dalam tiga bulan terakhir jumlah peserta aktif bertambah rata-rata "
        "120 per bulan. Bila laju ini berlanjut, proyeksi Desember 2025 hanya 2.820 peserta, "
        "kurang 3.180 dari target. Dengan laju ini target baru tercapai pada Maret 2028. "
        "Peluang mencapai 6.000 pada Desember 2025 belum dihitung: baru 0 perubahan bulanan "
        "dari bulan lengkap, perlu setidaknya 6. "
        "Status: tertinggal (laju saat ini di bawah 75% dari laju yang diperlukan)."
    )


def test_ahead_says_target_is_reached_before_december() -> None:
    paragraph = narrative_paragraphs(summary(jan_apr(1_000, 4_000)))[1]
    assert "diperlukan tambahan bersih rata-rata 250 peserta per bulan" in paragraph
    assert "bertambah rata-rata 1.000 per bulan" in paragraph
    assert (
        "Bila laju ini berlanjut, proyeksi Desember 2025 adalah 12.000 peserta, sudah mencapai "
        "target. Target tercapai pada Juni 2025."
    ) in paragraph
    assert paragraph.endswith(
        "Status: sesuai jalur (laju saat ini setidaknya sama dengan laju yang diperlukan)."
    )


def test_at_risk_gives_share_of_required_pace() -> None:
    paragraph = narrative_paragraphs(summary(jan_apr(3_400, 4_000)))[1]
    assert "proyeksi Desember 2025 hanya 5.600 peserta, kurang 400 dari target" in paragraph
    assert "Dengan laju ini target baru tercapai pada Februari 2026." in paragraph
    assert paragraph.endswith(
        "Status: berisiko (laju saat ini baru 80% dari laju yang diperlukan)."
    )


def test_achieved_states_surplus() -> None:
    paragraph = narrative_paragraphs(summary(jan_apr(6_400, 7_000)))[1]
    assert paragraph == (
        "Target 6.000 peserta (60,0%) sudah tercapai: peserta aktif melampaui target sebanyak "
        "1.000. Dalam tiga bulan terakhir jumlah peserta aktif bertambah rata-rata 200 per "
        "bulan. Status: tercapai."
    )


def test_achieved_but_declining_warns_with_projection() -> None:
    paragraph = narrative_paragraphs(summary(jan_apr(7_000, 6_100)))[1]
    assert "turun rata-rata 300 per bulan" in paragraph
    assert (
        "Bila penurunan ini berlanjut, pada Desember 2025 peserta aktif tinggal 3.700, "
        "2.300 di bawah target."
    ) in paragraph


def test_no_run_rate_says_why_and_makes_no_projection() -> None:
    paragraph = narrative_paragraphs(summary({APRIL: 1_860}))[1]
    assert (
        "Laju bulanan belum dapat dihitung karena belum ada data untuk tiga bulan sebelumnya, "
        "sehingga belum ada proyeksi."
    ) in paragraph
    assert "proyeksi Desember" not in paragraph
    assert paragraph.endswith("Status: data belum cukup.")


def test_declining_says_target_will_not_be_reached() -> None:
    paragraph = narrative_paragraphs(summary(jan_apr(2_000, 1_700)))[1]
    assert "Dalam tiga bulan terakhir jumlah peserta aktif turun rata-rata 100 per bulan." in (
        paragraph
    )
    assert (
        "Bila laju ini berlanjut, proyeksi Desember 2025 hanya 900 peserta, kurang 5.100 dari "
        "target. Dengan laju ini target tidak akan tercapai."
    ) in paragraph
    assert paragraph.endswith("Status: tertinggal (jumlah peserta justru menurun).")


def test_missed_in_december_gives_gap_and_later_month() -> None:
    december = Period(2025, 12)
    values = {Period(2025, 9): 4_700, december: 5_000}
    paragraph = narrative_paragraphs(summary(values, period=december))[1]
    assert paragraph == (
        "Per Desember 2025 target 6.000 peserta (60,0%) tidak tercapai: masih kurang 1.000 "
        "peserta (10,0 poin persen). Dalam tiga bulan terakhir jumlah peserta aktif bertambah "
        "rata-rata 100 per bulan. Dengan laju ini target baru akan tercapai pada Oktober 2026. "
        "Status: tidak tercapai."
    )


def test_english_remaining_months_are_singular_or_plural(english_catalogue: None) -> None:
    november = Period(2025, 11)
    one_left = summary({Period(2025, 8): 1_500, november: 1_860}, period=november)
    eight_left = summary(jan_apr(1_500, 1_860))
    with translation.override("en"):
        assert "per month over the 1 remaining month." in narrative_paragraphs(one_left)[1]
        assert "per month over the 8 remaining months." in narrative_paragraphs(eight_left)[1]
    assert "per bulan selama 1 bulan tersisa." in narrative_paragraphs(one_left)[1]


def test_no_target_names_what_cannot_be_computed() -> None:
    paragraph = narrative_paragraphs(summary(jan_apr(1_500, 1_860), count=None))[1]
    assert paragraph == (
        "Belum ada target untuk tahun 2025, sehingga kekurangan, laju yang diperlukan dan "
        "status belum dapat dihitung. Dalam tiga bulan terakhir jumlah peserta aktif bertambah "
        "rata-rata 120 per bulan. Bila laju ini berlanjut, jumlah peserta aktif pada Desember "
        "2025 sekitar 2.820."
    )


def test_shorter_run_rate_span_is_named() -> None:
    values = {Period(2025, 3): 1_800, APRIL: 1_860}
    paragraph = narrative_paragraphs(summary(values), run_rate_months=1)[1]
    assert "Dalam sebulan terakhir jumlah peserta aktif bertambah rata-rata 60 per bulan." in (
        paragraph
    )


def test_small_run_rate_keeps_a_decimal() -> None:
    values = {Period(2025, 1): 1_000, APRIL: 1_004}
    paragraph = narrative_paragraphs(summary(values, count=1_010))[1]
    assert "bertambah rata-rata 1,3 per bulan" in paragraph


def test_missing_denominator_is_said_not_guessed() -> None:
    first = narrative_paragraphs(summary(jan_apr(1_500, 1_860), denominator=None))[0]
    assert "penyebut basis UCJ belum tersedia sehingga cakupan belum dapat dihitung" in first


def row(code: str, name: str, active: int, target: int | None) -> BreakdownRow:
    gap = None if target is None else max(target - active, 0)
    return BreakdownRow(code, name, active, None, None, target, gap)


def test_furthest_behind_lists_largest_gaps_with_monthly_pace() -> None:
    branches = [
        row("KUPANG", "Kupang", 1_000, 5_000),
        row("ENDE", "Ende", 900, 1_000),
        row("ATAMBUA", "Atambua", 500, 2_500),
        row("MAUMERE", "Maumere", 800, 700),
    ]
    regions = [
        row("5306", "Belu", 100, 601),
        row("5371", "Kota Kupang", 1_000, 3_000),
        row("5321", "Malaka", 10, None),
    ]
    text = narrative_paragraphs(
        summary(jan_apr(1_500, 1_860), by_branch=branches, by_region=regions)
    )[2]
    assert text == (
        "Kekurangan terbesar per kantor cabang: Kupang (kurang 4.000; perlu 500 per bulan), "
        "Atambua (kurang 2.000; perlu 250 per bulan) dan Ende (kurang 100; perlu 13 per "
        "bulan). Per kabupaten/kota: Kota Kupang (kurang 2.000; perlu 250 per bulan) dan Belu "
        "(kurang 501; perlu 63 per bulan)."
    )


def test_implied_denominator_within_tolerance() -> None:
    metrics = summary(jan_apr(1_500, 1_860), count=6_000, pct=Fraction(59)).metrics
    assert implied_denominator_sentence(metrics, basis="UCJ") == (
        "Target menyebut 6.000 peserta sekaligus 59,00%; keduanya hanya cocok dengan penyebut "
        "10.169 pekerja. Angka itu 1,7% di atas penyebut basis UCJ yang tersimpan (10.000). "
        "Selisihnya masih dalam batas 5%."
    )


def test_implied_denominator_mismatch_is_flagged() -> None:
    paragraphs = narrative_paragraphs(summary(jan_apr(1_500, 1_860), count=6_000, pct=Fraction(50)))
    assert paragraphs[-1] == (
        "Target menyebut 6.000 peserta sekaligus 50,00%; keduanya hanya cocok dengan penyebut "
        "12.000 pekerja. Angka itu 20,0% di atas penyebut basis UCJ yang tersimpan (10.000). "
        "Selisih lebih dari 5%: target dan penyebut kemungkinan memakai basis yang berbeda."
    )


def test_no_implied_note_for_a_count_only_target() -> None:
    paragraphs = narrative_paragraphs(summary(jan_apr(1_500, 1_860), count=6_000))
    assert not any("penyebut tersirat" in p or "sekaligus" in p for p in paragraphs)
