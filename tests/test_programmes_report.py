"""The PDF's paragraph on Pemda programmes (checked on the report's HTML)."""

import html
import re

import pytest

from coverage.calculations import Period
from coverage.reports import report_html
from tests.test_programmes_views import programme_data
from tests.test_views import small_ntt


@pytest.fixture
def data(reference: None) -> None:
    small_ntt()
    programme_data()


def narrative(scope: str) -> str:
    page = report_html(period=Period(2025, 4), scope_code=scope)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_province_report_has_the_programme_paragraph(data: None) -> None:
    text = narrative("53")
    # 5.500 + 100 enrolled of 8.000 + 200 quota = 68,29%
    assert (
        "posisi April 2025: 5.600 pekerja terdaftar dari kuota 8.200 (68,29%) dalam 2 program"
        in text
    )
    assert (
        "Pekerja rentan uji (dibiayai Pemprov NTT): terpakai Rp142.800.000 dari Rp1.000.000.000"
        in text
    )
    assert "cukup sampai Januari 2026" in text
    assert "Perangkat desa Kota Kupang (dibiayai Kota Kupang)" in text
    assert "cukup sampai April 2027" in text  # 48.000.000 / 2.000.000 = 24 months


def test_regency_report_counts_only_its_own_quota(data: None) -> None:
    text = narrative("5311")
    assert "4.000 pekerja terdaftar dari kuota 5.000 (80,00%) dalam 1 program" in text


def test_report_without_programmes_has_no_paragraph(reference: None) -> None:
    small_ntt()
    assert "Program Pemda" not in narrative("53")
