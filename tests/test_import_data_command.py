"""Specs for ``manage.py import_data``: all or nothing, every error listed, exit status 1."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from coverage.importers import readers
from coverage.importers import rows as row_rules
from coverage.management.commands.import_data import Command
from coverage.models import ParticipantCount, Target, WorkforceFigure

PARTICIPANTS_HEADER = "period,region_code,sector_code,segment,active,nonactive"

DbState = tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]


@pytest.fixture
def existing(reference: None) -> None:
    """One stored count, workforce figure and target, so that "unchanged" means something."""
    ParticipantCount.objects.create(
        year=2025, month=3, region_id="5371", sector_id="G", segment_id="PU", active=100
    )
    WorkforceFigure.objects.create(
        year=2024, basis="UCJ", workers=1_548_600, source="BPJS Ketenagakerjaan, basis UCJ 2024"
    )
    Target.objects.create(
        year=2025, scope_type="province", basis="UCJ", target_count=1_000_000, target_pct=60
    )


def db_state() -> DbState:
    return (
        list(
            ParticipantCount.objects.order_by("pk").values_list(
                "year", "month", "region_id", "sector_id", "segment_id", "active", "nonactive"
            )
        ),
        list(WorkforceFigure.objects.order_by("pk").values_list("year", "workers", "source")),
        list(Target.objects.order_by("pk").values_list("year", "target_count", "target_pct")),
    )


def write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def run(kind: str, path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_data", kind, str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(kind: str, path: Path, *args: str) -> list[str]:
    with pytest.raises(CommandError) as failure:
        run(kind, path, *args)
    return str(failure.value).splitlines()


# Success and dry run


def test_success_prints_new_updated_and_unchanged_counts(tmp_path: Path, existing: None) -> None:
    path = write(
        tmp_path,
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,G,PU,150,4\n2025-03,5371,A,PU,7,0\n",
        "peserta.csv",
    )

    output = run("participants", path)

    assert output == (
        "Impor participants dari peserta.csv berhasil: 2 baris, 1 baru, 1 diperbarui, 0 tetap.\n"
    )


def test_row_for_an_existing_cell_replaces_it(tmp_path: Path, existing: None) -> None:
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n2025-03,5371,G,PU,150,4\n")

    run("participants", path)

    count = ParticipantCount.objects.get(year=2025, month=3, region_id="5371", sector_id="G")
    assert (count.active, count.nonactive) == (150, 4)
    assert ParticipantCount.objects.count() == 1


def test_importing_the_same_file_twice_leaves_rows_unchanged(
    tmp_path: Path, existing: None
) -> None:
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n2025-03,5371,G,PU,150,4\n")
    run("participants", path)

    assert run("participants", path).endswith("0 baru, 0 diperbarui, 1 tetap.\n")


def test_dry_run_reports_what_would_change_and_writes_nothing(
    tmp_path: Path, existing: None
) -> None:
    before = db_state()
    path = write(
        tmp_path,
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,G,PU,150,4\n2025-03,5371,A,PU,7,0\n"
        "2025-02,5371,A,PU,7,0\n",
        "peserta.csv",
    )

    output = run("participants", path, "--dry-run")

    assert output == (
        "Uji coba, tidak ada yang disimpan: 3 baris participants dari peserta.csv "
        "akan menghasilkan 2 baru, 1 diperbarui, 0 tetap.\n"
    )
    assert db_state() == before


def test_semicolon_bom_and_decimal_comma_targets_are_imported(
    tmp_path: Path, existing: None
) -> None:
    path = write(
        tmp_path,
        b"\xef\xbb\xbfyear;scope;basis;target_count;target_pct;note\r\n"
        b"2025;53;UCJ;1054194;64,82;Timex Kupang\r\n"
        b"2025;KUPANG;UCJ;430000;;\r\n",
    )

    assert run("targets", path).endswith("1 baru, 1 diperbarui, 0 tetap.\n")
    province = Target.objects.get(scope_type="province", year=2025)
    assert (province.target_count, province.target_pct) == (1_054_194, Decimal("64.820"))
    assert province.note == "Timex Kupang"


def test_workforce_rows_are_imported(tmp_path: Path, existing: None) -> None:
    path = write(
        tmp_path,
        "year,region_code,sector_code,basis,workers,source\n"
        "2024,53,,UCJ,1548600,BPJS Ketenagakerjaan; basis UCJ 2024\n"
        "2024,5310,,BPS_AK,180100,BPS Sikka\n",
    )

    assert run("workforce", path).endswith("1 baru, 1 diperbarui, 0 tetap.\n")
    assert WorkforceFigure.objects.get(region_id="5310").workers == 180_100


def test_xlsx_file_is_imported(tmp_path: Path, existing: None) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["period", "region_code", "sector_code", "segment", "active", "nonactive"])
    sheet.append(["2025-03", 5371, "A", "BPU", 12, 1])
    path = tmp_path / "peserta.xlsx"
    workbook.save(path)

    assert run("participants", path).endswith("1 baru, 0 diperbarui, 0 tetap.\n")


def test_missing_nonactive_column_is_a_warning_on_stdout(tmp_path: Path, existing: None) -> None:
    path = write(tmp_path, "period,region_code,sector_code,segment,active\n2025-03,5371,A,PU,1\n")

    assert run("participants", path).startswith(
        "Peringatan: Kolom nonactive tidak ada; peserta nonaktif dianggap 0.\n"
    )


# Failure: all or nothing


def test_one_bad_row_writes_nothing_and_lists_every_error(tmp_path: Path, existing: None) -> None:
    before = db_state()
    path = write(
        tmp_path,
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,G,PU,150,4\n2025-03,5371,A,PU,-1,0\n"
        "2025-03,5371,C,PU,1.234,x\n",
        "peserta.csv",
    )

    lines = run_failing("participants", path)

    assert lines == [
        "File peserta.csv tidak diimpor, tidak ada yang disimpan. Kesalahan (3):",
        "baris 3, kolom active: tidak boleh negatif (tertulis '-1')",
        "baris 4, kolom active: pemisah ribuan tidak diterima karena ambigu (tertulis "
        "'1.234'); tulis angka tanpa titik atau koma, misalnya 1234",
        "baris 4, kolom nonactive: harus berupa bilangan bulat yang ditulis dengan angka saja "
        "(tertulis 'x')",
    ]
    assert db_state() == before


def test_bad_row_fails_a_dry_run_too(tmp_path: Path, existing: None) -> None:
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,-1,0\n")

    assert run_failing("participants", path, "--dry-run")[1:] == [
        "baris 2, kolom active: tidak boleh negatif (tertulis '-1')"
    ]


def next_month() -> str:
    today = timezone.localdate()
    following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return f"{following.year:04d}-{following.month:02d}"


BAD_FILES = [
    pytest.param(
        "data.txt",
        f"{PARTICIPANTS_HEADER}\n",
        ["Jenis file .txt tidak didukung; gunakan .csv (UTF-8) atau .xlsx (Excel)."],
        id="wrong-extension",
    ),
    pytest.param(
        "data.xlsx",
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,1,0\n",
        [
            "File berakhiran .xlsx tetapi isinya bukan lembar kerja Excel .xlsx yang sah "
            "(file .xls lama atau CSV yang diganti namanya tidak diterima)."
        ],
        id="csv-named-xlsx",
    ),
    pytest.param(
        "data.csv",
        b"PK\x03\x04\x14\x00\x00\x00",
        [
            "File berakhiran .csv tetapi isinya bukan teks CSV (mungkin file Excel); simpan "
            "sebagai 'CSV UTF-8' atau unggah dengan akhiran .xlsx."
        ],
        id="xlsx-named-csv",
    ),
    pytest.param(
        "data.csv",
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,1,0\n".encode("utf-16"),
        [
            "baris 1: file bukan teks UTF-8; di Excel simpan ulang dengan 'Save As' → "
            "'CSV UTF-8 (Comma delimited)'."
        ],
        id="utf-16",
    ),
    pytest.param(
        "data.csv",
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,1,0\n".encode()
        + "2025-03,5371,C,PU,1,0 ¹\n".encode("latin-1"),
        [
            "baris 3: file bukan teks UTF-8; di Excel simpan ulang dengan 'Save As' → "
            "'CSV UTF-8 (Comma delimited)'."
        ],
        id="latin-1",
    ),
    pytest.param("data.csv", "", ["File kosong."], id="empty"),
    pytest.param(
        "data.csv",
        f"{PARTICIPANTS_HEADER}\n",
        ["File hanya berisi baris judul kolom, tanpa baris data."],
        id="header-only",
    ),
    pytest.param(
        "data.csv",
        "period,region_code,segment,jumlah\n2025-03,5371,PU,1\n",
        [
            "baris 1, kolom jumlah: kolom tidak dikenal; kolom yang diterima: period, "
            "region_code, sector_code, segment, active, nonactive",
            "baris 1, kolom sector_code: kolom wajib tidak ada",
            "baris 1, kolom active: kolom wajib tidak ada",
        ],
        id="missing-and-unknown-columns",
    ),
    pytest.param(
        "data.csv",
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,1,0\n2025-03,5371,A,PU,2,0\n",
        [
            "baris 3, kolom period/region_code/sector_code/segment: baris ganda: period, "
            "region_code, sector_code, segment yang sama sudah ada di baris 2"
        ],
        id="duplicated-row",
    ),
    pytest.param(
        "data.csv",
        f"{PARTICIPANTS_HEADER}\n2025-03,5372,V,XX,1,0\n",
        [
            "baris 2, kolom region_code: kode kabupaten/kota '5372' tidak dikenal; gunakan kode "
            "BPS, misalnya 5371",
            "baris 2, kolom sector_code: kode sektor 'V' tidak dikenal; gunakan huruf KBLI 2020 "
            "A sampai U",
            "baris 2, kolom segment: kode segmen 'XX' tidak dikenal; pilihan: BPU, JAKON, PMI, PU",
        ],
        id="unknown-codes",
    ),
    pytest.param(
        "data.csv",
        f"{PARTICIPANTS_HEADER}\n03/2025,5371,A,PU,1,0\n2025-13,5371,A,PU,1,0\n",
        [
            "baris 2, kolom period: periode harus berformat YYYY-MM, misalnya 2025-04 "
            "(tertulis '03/2025')",
            "baris 3, kolom period: bulan harus 01 sampai 12 (tertulis '2025-13')",
        ],
        id="bad-period",
    ),
    pytest.param(
        "data.csv",
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,1,0\n2025-03,5371,C,PU,1.5,0\n"
        "2025-03,5371,F,PU,satu,0\n2025-03,5371,G,PU,99999999,0\n",
        [
            "baris 3, kolom active: harus bilangan bulat, bukan pecahan (tertulis '1.5')",
            "baris 4, kolom active: harus berupa bilangan bulat yang ditulis dengan angka saja "
            "(tertulis 'satu')",
            "baris 5, kolom active: terlalu besar (tertulis '99999999', paling besar 10.000.000)",
        ],
        id="bad-numbers",
    ),
    pytest.param(
        "data.csv",
        f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,\"=cmd|' /C calc'!A0\",0\n",
        [
            "baris 2, kolom active: berisi rumus atau teks yang dapat dijalankan spreadsheet "
            "('=cmd|' /C calc'!A0'); isi dengan nilai biasa"
        ],
        id="dde-injection",
    ),
]


@pytest.mark.parametrize(("name", "content", "errors"), BAD_FILES)
def test_bad_participants_file_fails_with_every_error_and_writes_nothing(
    tmp_path: Path, existing: None, name: str, content: str | bytes, errors: list[str]
) -> None:
    before = db_state()

    lines = run_failing("participants", write(tmp_path, content, name))

    assert lines == [
        f"File {name} tidak diimpor, tidak ada yang disimpan. Kesalahan ({len(errors)}):",
        *errors,
    ]
    assert db_state() == before


def test_future_month_is_refused_and_writes_nothing(tmp_path: Path, existing: None) -> None:
    before = db_state()
    today = timezone.localdate()
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n{next_month()},5371,A,PU,1,0\n")

    assert run_failing("participants", path)[1:] == [
        f"baris 2, kolom period: periode '{next_month()}' belum tiba; bulan terakhir yang boleh "
        f"diisi adalah {today.year:04d}-{today.month:02d}"
    ]
    assert db_state() == before


def test_unknown_target_scope_is_refused_and_writes_nothing(tmp_path: Path, existing: None) -> None:
    before = db_state()
    path = write(tmp_path, "year,scope,basis,target_count,target_pct\n2025,BAJAWA,UCJ,1,\n")

    assert run_failing("targets", path)[1:] == [
        "baris 2, kolom scope: cakupan 'BAJAWA' tidak dikenal; gunakan 53 untuk provinsi, kode "
        "kantor cabang (ATAMBUA, ENDE, KUPANG, LABUAN_BAJO, MAUMERE, WAINGAPU) atau kode BPS "
        "kabupaten/kota"
    ]
    assert db_state() == before


def test_missing_file_is_reported_and_writes_nothing(tmp_path: Path, existing: None) -> None:
    before = db_state()
    path = tmp_path / "tidak-ada.csv"

    assert run_failing("participants", path) == [f"File {path} tidak ditemukan."]
    assert db_state() == before


def test_directory_instead_of_file_is_unreadable(tmp_path: Path, existing: None) -> None:
    before = db_state()

    assert run_failing("participants", tmp_path) == [
        f"File {tmp_path} tidak dapat dibaca: Is a directory."
    ]
    assert db_state() == before


def test_file_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, existing: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1024 * 1024)
    before = db_state()
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n" + "2025-03,5371,A,PU,1,0\n" * 50_000)

    assert run_failing("participants", path) == [
        "File data.csv tidak diimpor, tidak ada yang disimpan. Kesalahan (1):",
        "File berukuran 1,1 MB, melebihi batas 1 MB.",
    ]
    assert db_state() == before


def test_too_many_rows_are_refused_and_write_nothing(
    tmp_path: Path, existing: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(row_rules, "MAX_DATA_ROWS", 1)
    before = db_state()
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,1,0\n2025-03,5371,C,PU,1,0\n")

    assert run_failing("participants", path)[1:] == [
        "File berisi lebih dari 1 baris data; pecah menjadi beberapa file."
    ]
    assert db_state() == before


def test_unknown_kind_is_refused_by_the_argument_parser(tmp_path: Path, existing: None) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'budgets'"):
        run("budgets", write(tmp_path, "a\n1\n"))


@pytest.mark.django_db(transaction=True)
def test_command_line_exits_1_with_errors_on_stderr_and_no_traceback(
    tmp_path: Path, reference: None
) -> None:
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,-1,0\n")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(SystemExit) as exit_:
        Command(stdout=out, stderr=err).run_from_argv(
            ["manage.py", "import_data", "participants", str(path)]
        )

    assert exit_.value.code == 1
    assert err.getvalue() == (
        "CommandError: File data.csv tidak diimpor, tidak ada yang disimpan. Kesalahan (1):\n"
        "baris 2, kolom active: tidak boleh negatif (tertulis '-1')\n"
    )
    assert out.getvalue() == ""
    assert ParticipantCount.objects.count() == 0


# Language


# ``english_catalogue`` (tests/conftest.py): the English catalogue compiled from the .po.


def test_lang_en_reports_errors_in_english(
    tmp_path: Path, existing: None, english_catalogue: None
) -> None:
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,1.234,0\n")

    assert run_failing("participants", path, "--lang", "en") == [
        "File data.csv was not imported, nothing was saved. Errors (1):",
        "row 2, column active: thousands separators are not accepted because they are ambiguous "
        "(found '1.234'); write the number without dots or commas, e.g. 1234",
    ]


def test_lang_en_reports_success_in_english(
    tmp_path: Path, existing: None, english_catalogue: None
) -> None:
    path = write(tmp_path, f"{PARTICIPANTS_HEADER}\n2025-03,5371,A,PU,1,0\n")

    assert run("participants", path, "--lang", "en") == (
        "Imported participants from data.csv: 1 row, 1 new, 0 updated, 0 unchanged.\n"
    )
