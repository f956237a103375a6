"""Specs for ``import_data programmes|programme_quotas|programme_enrolment|commitments``."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coverage.models import (
    ChangeLog,
    Programme,
    ProgrammeEnrolment,
    ProgrammeQuota,
    RegencyCommitment,
)

PROGRAMMES = (
    "code,name,funder,year,budget_idr,contribution_idr,start_period,end_period\n"
    "PR-2025,Pekerja rentan 2025,53,2025,20160000000,,2025-03,2025-12\n"
    "KK-2025,Perangkat desa Kota Kupang,5371,2025,500000000,20000,2025-01,2025-12\n"
)


def run(tmp_path: Path, kind: str, text: str, *extra: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8-sig"))
    out = io.StringIO()
    call_command("import_data", kind, str(path), *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def programmes(reference: None, tmp_path: Path) -> None:
    run(tmp_path, "programmes", PROGRAMMES)
    run(tmp_path, "programme_quotas", "programme,region_code,quota\nPR-2025,5371,4000\n"
        "PR-2025,5303,2000\nKK-2025,5371,300\n")  # fmt: skip


def test_programmes_import_with_default_contribution_and_regency_funder(programmes: None) -> None:
    province = Programme.objects.get(code="PR-2025")
    regency = Programme.objects.get(code="KK-2025")
    assert province.contribution_idr == 16_800
    assert province.funder_id is None
    assert (province.start_year, province.start_month) == (2025, 3)
    assert regency.funder_id == "5371"
    assert regency.contribution_idr == 20_000


def test_semicolon_file_with_bom_imports_quotas(programmes: None, tmp_path: Path) -> None:
    run(tmp_path, "programme_quotas", "programme;region_code;quota\nPR-2025;5304;1000\n")
    assert ProgrammeQuota.objects.get(programme__code="PR-2025", region_id="5304").quota == 1000


def test_enrolment_row_for_an_existing_key_replaces_it(programmes: None, tmp_path: Path) -> None:
    header = "period,programme,region_code,enrolled\n"
    run(tmp_path, "programme_enrolment", header + "2025-04,PR-2025,5371,2000\n")
    output = run(tmp_path, "programme_enrolment", header + "2025-04,PR-2025,5371,2500\n")
    assert "0 baru, 1 diperbarui" in output
    assert ProgrammeEnrolment.objects.get().enrolled == 2500
    log = ChangeLog.objects.filter(entity="prog_enrol").order_by("id").last()
    assert log is not None
    assert (log.old_value, log.new_value) == ("2000", "2500")


def test_dry_run_writes_nothing(programmes: None, tmp_path: Path) -> None:
    header = "period,programme,region_code,enrolled\n"
    output = run(
        tmp_path, "programme_enrolment", header + "2025-04,PR-2025,5371,2000\n", "--dry-run"
    )
    assert "Uji coba" in output
    assert not ProgrammeEnrolment.objects.exists()


def test_enrolment_errors_are_listed_in_indonesian_and_nothing_is_saved(
    programmes: None, tmp_path: Path
) -> None:
    text = (
        "period,programme,region_code,enrolled\n"
        "2025-04,PR-2025,5371,2000\n"
        "2025-02,PR-2025,5371,10\n"
        "2025-04,TIDAK-ADA,5371,10\n"
        "2025-04,PR-2025,5310,10\n"
        "2025-04,PR-2025,5303,1.000\n"
    )
    with pytest.raises(CommandError) as error:
        run(tmp_path, "programme_enrolment", text)
    message = str(error.value)
    assert "tidak ada yang disimpan" in message
    assert "baris 3, kolom period: periode 2025-02 di luar masa program PR-2025" in message
    assert "baris 4, kolom programme: program 'TIDAK-ADA' belum ada" in message
    assert "baris 5, kolom region_code: program PR-2025 tidak punya kuota" in message
    assert "baris 6, kolom enrolled: pemisah ribuan tidak diterima" in message
    assert not ProgrammeEnrolment.objects.exists()


def test_programme_errors_name_row_and_column(reference: None, tmp_path: Path) -> None:
    text = (
        "code,name,funder,year,budget_idr,contribution_idr,start_period,end_period\n"
        "X 1,Nama,99,2025,-5,0,2025-13,2025-01\n"
        "OK,Nama,53,2025,100,,2025-06,2025-03\n"
    )
    with pytest.raises(CommandError) as error:
        run(tmp_path, "programmes", text)
    message = str(error.value)
    assert "baris 2, kolom code: kode program hanya boleh berisi huruf" in message
    assert "baris 2, kolom funder: kode wilayah '99' tidak dikenal" in message
    assert "baris 2, kolom budget_idr: tidak boleh negatif" in message
    assert (
        "baris 2, kolom contribution_idr: iuran per pekerja per bulan harus lebih dari 0" in message
    )
    assert "baris 2, kolom start_period: bulan harus 01 sampai 12" in message
    assert (
        "baris 3, kolom end_period: bulan selesai 2025-03 lebih awal dari bulan mulai 2025-06"
        in message
    )
    assert not Programme.objects.exists()


def test_commitments_import_and_replace(reference: None, tmp_path: Path) -> None:
    header = (
        "year,region_code,regulation,budget_idr,village_apparatus_total,village_apparatus_covered\n"
    )
    run(tmp_path, "commitments", header + "2025,5310,Perbup Sikka 12/2024,750000000,1600,1200\n")
    run(tmp_path, "commitments", header + "2025,5310,,750000000,1600,1300\n")
    commitment = RegencyCommitment.objects.get()
    assert (commitment.regulation, commitment.village_apparatus_covered) == ("", 1300)
    assert ChangeLog.objects.filter(entity="commitment").count() == 2


def test_commitment_with_more_covered_than_total_is_refused(
    reference: None, tmp_path: Path
) -> None:
    header = (
        "year,region_code,regulation,budget_idr,village_apparatus_total,village_apparatus_covered\n"
    )
    with pytest.raises(CommandError) as error:
        run(tmp_path, "commitments", header + "2025,5310,,0,100,120\n")
    assert (
        "baris 2, kolom village_apparatus_covered: perangkat desa terlindungi (120) melebihi"
        in str(error.value)
    )
    assert not RegencyCommitment.objects.exists()


def test_duplicate_quota_rows_are_refused(programmes: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        run(tmp_path, "programme_quotas",
            "programme,region_code,quota\nPR-2025,5310,1\nPR-2025,5310,2\n")  # fmt: skip
    assert "baris 3, kolom programme/region_code: baris ganda" in str(error.value)


def test_xlsx_programme_file_is_accepted(reference: None, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in PROGRAMMES.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "programmes.xlsx"
    workbook.save(path)
    call_command("import_data", "programmes", str(path), stdout=io.StringIO())
    assert Programme.objects.count() == 2
