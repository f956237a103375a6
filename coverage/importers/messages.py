"""The import's messages, Indonesian msgids (English in the catalogue).

Constants rather than inline strings, so that the readers, the row rules, the
programme imports and the tests name the same text.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Whole-file problems.
FILE_TOO_LARGE = _("File berukuran %(size)s MB, melebihi batas %(limit)s MB.")
FILE_BAD_EXTENSION = _(
    "Jenis file %(extension)s tidak didukung; gunakan .csv (UTF-8) atau .xlsx (Excel)."
)
FILE_EMPTY = _("File kosong.")
FILE_CSV_NOT_TEXT = _(
    "File berakhiran .csv tetapi isinya bukan teks CSV (mungkin file Excel); simpan sebagai "
    "'CSV UTF-8' atau unggah dengan akhiran .xlsx."
)
FILE_NOT_XLSX = _(
    "File berakhiran .xlsx tetapi isinya bukan lembar kerja Excel .xlsx yang sah "
    "(file .xls lama atau CSV yang diganti namanya tidak diterima)."
)
FILE_XLSX_TOO_MANY_PARTS = _(
    "Berkas .xlsx berisi %(count)s bagian, melebihi batas %(limit)s; simpan ulang sebagai "
    "lembar kerja biasa."
)
FILE_XLSX_TOO_BIG_UNPACKED = _(
    "Berkas .xlsx mengembang menjadi lebih dari %(limit)s MB saat dibuka; berkas seperti ini "
    "ditolak. Pecah datanya menjadi beberapa berkas atau unggah sebagai CSV."
)
FILE_XLSX_RATIO = _(
    "Bagian %(part)s dalam berkas .xlsx termampatkan secara tidak wajar (%(ratio)s kali lipat); "
    "berkas ini ditolak demi keamanan. Simpan ulang dari Excel atau unggah sebagai CSV."
)
FILE_XLSX_SHARED_STRINGS = _(
    "Daftar teks dalam berkas .xlsx lebih dari %(limit)s MB; berkas ini ditolak. Unggah "
    "sebagai CSV."
)
FILE_XLSX_NESTED = _(
    "Berkas .xlsx berisi arsip atau objek tersemat (%(part)s) dan tidak diterima; unggah "
    "lembar kerja tanpa lampiran."
)
FILE_XLSX_MACRO = _(
    "Berkas berisi makro (VBA, lembar makro, atau kontrol ActiveX) dan tidak diterima; simpan "
    "ulang sebagai 'Excel Workbook (.xlsx)' tanpa makro."
)
FILE_XLSX_EXTERNAL = _(
    "Berkas berisi tautan ke berkas atau sumber data lain (external links) dan tidak diterima; "
    "salin nilainya dengan Paste Special → Values, lalu simpan ulang."
)
FILE_XLSX_BINARY = _(
    "Berkas ini buku kerja biner Excel (.xlsb) yang diganti namanya menjadi .xlsx; simpan ulang "
    "sebagai 'Excel Workbook (.xlsx)'."
)
FILE_NOT_UTF8 = _(
    "file bukan teks UTF-8; di Excel simpan ulang dengan 'Save As' → 'CSV UTF-8 (Comma delimited)'."
)
FILE_BROKEN_CSV = _("CSV tidak dapat dibaca: %(reason)s.")
FILE_HEADER_ONLY = _("File hanya berisi baris judul kolom, tanpa baris data.")
# The count picks the English plural ("1 data row"); %(limit)s is the number as printed.
FILE_TOO_MANY_ROWS = ngettext_lazy(
    "File berisi lebih dari %(limit)s baris data; pecah menjadi beberapa file.",
    "File berisi lebih dari %(limit)s baris data; pecah menjadi beberapa file.",
    "count",
)
FILE_UNKNOWN_KIND = _("Jenis data %(kind)s tidak dikenal; pilih salah satu dari: %(kinds)s.")
# Header problems (row 1).
HEADER_MISSING = _("baris pertama harus berisi judul kolom: %(columns)s")
COLUMN_MISSING = _("kolom wajib tidak ada")
COLUMN_UNKNOWN = _("kolom tidak dikenal; kolom yang diterima: %(columns)s")
COLUMN_DUPLICATED = _("judul kolom muncul lebih dari sekali")
COLUMN_UNNAMED = _("kolom tanpa judul berisi data")
# Cell problems.
CELL_OUTSIDE_HEADER = _("sel berisi data di luar kolom yang berjudul")
CELL_REQUIRED = _("wajib diisi")
CELL_FORMULA = _(
    "berisi rumus atau teks yang dapat dijalankan spreadsheet (%(value)s); isi dengan nilai biasa"
)
CELL_NOT_INTEGER = _(
    "harus berupa bilangan bulat yang ditulis dengan angka saja (tertulis %(value)s)"
)
CELL_THOUSANDS = _(
    "pemisah ribuan tidak diterima karena ambigu (tertulis %(value)s); tulis angka tanpa titik "
    "atau koma, misalnya 1234"
)
CELL_FRACTION = _("harus bilangan bulat, bukan pecahan (tertulis %(value)s)")
CELL_NEGATIVE = _("tidak boleh negatif (tertulis %(value)s)")
CELL_TOO_BIG = _("terlalu besar (tertulis %(value)s, paling besar %(limit)s)")
CELL_TOO_LONG = _("terlalu panjang (paling banyak %(limit)s karakter)")
PERIOD_FORMAT = _("periode harus berformat YYYY-MM, misalnya 2025-04 (tertulis %(value)s)")
PERIOD_MONTH = _("bulan harus 01 sampai 12 (tertulis %(value)s)")
PERIOD_YEAR = _("tahun harus antara %(min)s dan %(max)s (tertulis %(value)s)")
PERIOD_FUTURE = _("periode %(value)s belum tiba; bulan terakhir yang boleh diisi adalah %(latest)s")
YEAR_FORMAT = _("tahun harus empat angka antara %(min)s dan %(max)s (tertulis %(value)s)")
REGION_UNKNOWN = _("kode kabupaten/kota %(value)s tidak dikenal; gunakan kode BPS, misalnya 5371")
REGION_OR_PROVINCE_UNKNOWN = _(
    "kode wilayah %(value)s tidak dikenal; gunakan 53 untuk provinsi atau kode BPS "
    "kabupaten/kota, misalnya 5371"
)
SECTOR_UNKNOWN = _("kode sektor %(value)s tidak dikenal; gunakan huruf KBLI 2020 A sampai U")
SEGMENT_UNKNOWN = _("kode segmen %(value)s tidak dikenal; pilihan: %(choices)s")
BASIS_UNKNOWN = _("basis %(value)s tidak dikenal; pilihan: %(choices)s")
SCOPE_UNKNOWN = _(
    "cakupan %(value)s tidak dikenal; gunakan 53 untuk provinsi, kode kantor cabang (%(branches)s) "
    "atau kode BPS kabupaten/kota"
)
PCT_FORMAT = _("harus berupa angka persen, misalnya 60 atau 60,5 (tertulis %(value)s)")
PCT_RANGE = _("harus lebih dari 0 dan paling besar 100 (tertulis %(value)s)")
PCT_PRECISION = _("paling banyak %(places)s angka di belakang koma (tertulis %(value)s)")
TARGET_EMPTY = _("isi target_count, target_pct, atau keduanya")
ROW_DUPLICATED = _("baris ganda: %(columns)s yang sama sudah ada di baris %(first)s")
# Warnings.
WARNING_BLANK_ROWS = ngettext_lazy(
    "%(count)s baris kosong dilewati: %(rows)s.",
    "%(count)s baris kosong dilewati: %(rows)s.",
    "count",
)
WARNING_NO_NONACTIVE = _("Kolom nonactive tidak ada; peserta nonaktif dianggap 0.")
# How an error is shown.
LINE_ROW_COLUMN = _("baris %(row)s, kolom %(column)s: %(message)s")
LINE_ROW = _("baris %(row)s: %(message)s")
# The Pemda programme imports (``importers.programmes``).
PROGRAMME_CODE_FORMAT = _(
    "kode program hanya boleh berisi huruf, angka, tanda hubung (-) dan garis bawah (_), "
    "paling banyak %(limit)s karakter (tertulis %(value)s)"
)
PROGRAMME_UNKNOWN = _("program %(value)s belum ada; impor programnya dulu (jenis data programmes)")
CONTRIBUTION_ZERO = _("iuran per pekerja per bulan harus lebih dari 0 (tertulis %(value)s)")
END_BEFORE_START = _("bulan selesai %(end)s lebih awal dari bulan mulai %(start)s")
ENROLMENT_OUTSIDE = _(
    "periode %(value)s di luar masa program %(programme)s (%(start)s sampai %(end)s)"
)
NO_QUOTA = _(
    "program %(programme)s tidak punya kuota untuk kabupaten/kota %(region)s; impor kuotanya "
    "dulu (jenis data programme_quotas)"
)
COVERED_OVER_TOTAL = _(
    "perangkat desa terlindungi (%(covered)s) melebihi jumlah perangkat desa (%(total)s)"
)
