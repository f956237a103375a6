"""Reading an import file: CSV or XLSX bytes → numbered rows of cell text, and the header.

Whole-file problems (size, extension, encoding, a damaged or dangerous workbook: a
decompression bomb, macros, external links, embedded archives) stop the reading with a
``FileProblem`` before a row is judged. Cells are always read as text and never
evaluated.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from django.utils.functional import Promise
from openpyxl import Workbook, load_workbook

from ..formatting import number
from . import messages as msg

MAX_FILE_BYTES = 10 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
# What an .xlsx archive may hold before it is parsed: a "zip bomb" of a few hundred
# kilobytes inflates to gigabytes, and a normal data workbook has a few dozen parts
# that compress ten- to thirty-fold.
XLSX_MAX_MEMBERS = 500
XLSX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
XLSX_MAX_SHARED_STRINGS_BYTES = 10 * 1024 * 1024  # openpyxl keeps every string in memory
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 1024 * 1024  # the ratio is checked on parts bigger than this
XLSX_CONTENT_TYPES_MAX_BYTES = 1024 * 1024
XLSX_READ_CHUNK = 1024 * 1024
_NESTED_ARCHIVE_SUFFIXES = (
    ".zip", ".xlsx", ".xlsm", ".xlsb", ".xls", ".docx", ".docm", ".pptx", ".jar", ".gz",
    ".7z", ".rar", ".cab", ".ole",
)  # fmt: skip
# How a nested zip, OLE compound file (old .xls, VBA, embedded objects), gzip, 7-Zip or
# RAR archive begins, whatever its part is called.
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
# Parts that make a workbook run code or reach out to other files.
_MACRO_PARTS = ("vbaproject.bin", "vbaprojectsignature.bin", "xl/activex/", "xl/macrosheets/",
                "xl/dialogsheets/", "customui/")  # fmt: skip
_EXTERNAL_PARTS = ("xl/externallinks/", "xl/connections.xml", "xl/querytables/")
_EMBEDDED_PARTS = ("xl/embeddings/",)
_MACRO_CONTENT_TYPES = (
    "macroenabled",  # .xlsm / .xltm / .xlam main parts
    "vnd.ms-office.vbaproject",
    "vnd.ms-office.activex",
    "vnd.ms-excel.macrosheet",
    "vnd.ms-excel.intlmacrosheet",
    "vnd.ms-excel.dialogsheet",
)
_EXTERNAL_CONTENT_TYPES = ("externallink+xml", "connections+xml", "querytable+xml")
_BINARY_CONTENT_TYPES = ("vnd.ms-excel.sheet.binary", "vnd.ms-excel.sheet.binary.macroenabled")
_ECHO_LIMIT = 40


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file; ``key`` says which make a row unique."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass(frozen=True)
class RowError:
    """One problem, where a spreadsheet user will find it (the header is row 1).

    ``row`` is None for a problem with the whole file; ``column`` is None for a
    problem with a whole row. ``message`` is already translated.
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return str(msg.LINE_ROW % {"row": self.row, "message": self.message})
        return str(
            msg.LINE_ROW_COLUMN % {"row": self.row, "column": self.column, "message": self.message}
        )


class FileProblem(Exception):
    """Stops parsing: the file as a whole, or its header, cannot be used."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def file_error(message: Promise | str, row: int | None = None) -> FileProblem:
    return FileProblem([RowError(row=row, column=None, message=str(message))])


def size_error(size: int) -> RowError | None:
    """The error for a file of ``size`` bytes, checked before reading an upload or a path."""
    if size <= MAX_FILE_BYTES:
        return None
    message = msg.FILE_TOO_LARGE % {
        # Rounded up, so that a file just over the limit never reads as "10,0 MB".
        "size": number(math.ceil(size * 10 / (1024 * 1024)) / 10, 1),
        "limit": MAX_FILE_BYTES // (1024 * 1024),
    }
    return RowError(row=None, column=None, message=str(message))


def read_rows(*, name: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) for every row, header first."""
    too_large = size_error(len(data))
    if too_large:
        raise FileProblem([too_large])
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS:
        raise file_error(msg.FILE_BAD_EXTENSION % {"extension": extension or name})
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise file_error(msg.FILE_EMPTY)
    if extension == ".xlsx":
        return _xlsx_rows(data)
    return _csv_rows(data)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise file_error(msg.FILE_CSV_NOT_TEXT)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise file_error(msg.FILE_NOT_UTF8, row=1)  # UTF-16, Excel's "Unicode Text"
    if b"\x00" in data:
        raise file_error(msg.FILE_CSV_NOT_TEXT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_error(msg.FILE_NOT_UTF8, row=data[: exc.start].count(b"\n") + 1) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _numbered_csv(reader)


def _numbered_csv(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Number records, not physical lines: a quoted cell may span lines but is one row."""
    row = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise file_error(msg.FILE_BROKEN_CSV % {"reason": exc}, row=row) from exc
        yield row, cells
        row += 1


@dataclass(frozen=True)
class ArchiveMember:
    """What a zip's central directory declares about one part."""

    name: str
    compressed: int
    unpacked: int


def archive_problem(
    members: Sequence[ArchiveMember], content_types: str = ""
) -> Promise | str | None:
    """Why an .xlsx archive is refused before it is parsed (None: it may be parsed).

    Pure: judged from the declared sizes and names of the parts and the text of
    ``[Content_Types].xml``. Macros and external links first (the clearest message),
    then the size limits that keep a decompression bomb from being opened.
    """
    names = [member.name.replace("\\", "/").lower() for member in members]
    types = content_types.lower()
    if any(type_ in types for type_ in _BINARY_CONTENT_TYPES) or "xl/workbook.bin" in names:
        return msg.FILE_XLSX_BINARY
    if any(part in name for name in names for part in _MACRO_PARTS) or any(
        type_ in types for type_ in _MACRO_CONTENT_TYPES
    ):
        return msg.FILE_XLSX_MACRO
    if any(name.startswith(_EXTERNAL_PARTS) for name in names) or any(
        type_ in types for type_ in _EXTERNAL_CONTENT_TYPES
    ):
        return msg.FILE_XLSX_EXTERNAL
    for member, name in zip(members, names, strict=True):
        if name.startswith(_EMBEDDED_PARTS) or name.endswith(_NESTED_ARCHIVE_SUFFIXES):
            return msg.FILE_XLSX_NESTED % {"part": echo(member.name)}
    if len(members) > XLSX_MAX_MEMBERS:
        return msg.FILE_XLSX_TOO_MANY_PARTS % {"count": len(members), "limit": XLSX_MAX_MEMBERS}
    if sum(member.unpacked for member in members) > XLSX_MAX_UNPACKED_BYTES:
        return msg.FILE_XLSX_TOO_BIG_UNPACKED % {"limit": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)}
    for member, name in zip(members, names, strict=True):
        if name == "xl/sharedstrings.xml" and member.unpacked > XLSX_MAX_SHARED_STRINGS_BYTES:
            return msg.FILE_XLSX_SHARED_STRINGS % {
                "limit": XLSX_MAX_SHARED_STRINGS_BYTES // (1024 * 1024)
            }
        if member.unpacked > XLSX_RATIO_FROM_BYTES and (
            member.unpacked > XLSX_MAX_RATIO * max(member.compressed, 1)
        ):
            return msg.FILE_XLSX_RATIO % {
                "part": echo(member.name),
                "ratio": number(member.unpacked // max(member.compressed, 1)),
            }
    return None


def _check_archive(data: bytes) -> None:
    """Refuse an .xlsx that is not a plain data workbook, before openpyxl opens it.

    The declared sizes are checked first (``archive_problem``); then every part is
    inflated once in chunks, counting the bytes actually produced, so that a part
    whose real size differs from what it declares (or whose checksum fails) is
    refused too, with memory bounded by one chunk, and so is a part that is itself
    an archive under an innocent name.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            members = [ArchiveMember(i.filename, i.compress_size, i.file_size) for i in infos]
            content_types = ""
            declared = {member.name: member for member in members}
            types_part = declared.get("[Content_Types].xml")
            if types_part is not None and types_part.unpacked <= XLSX_CONTENT_TYPES_MAX_BYTES:
                with archive.open("[Content_Types].xml") as stream:
                    raw = stream.read(XLSX_CONTENT_TYPES_MAX_BYTES + 1)
                content_types = raw.decode("utf-8", errors="replace")
            problem = archive_problem(members, content_types)
            if problem is not None:
                raise file_error(problem)
            unpacked = 0
            for info in infos:
                with archive.open(info) as stream:
                    first = True
                    while chunk := stream.read(XLSX_READ_CHUNK):
                        if first and chunk.startswith(_ARCHIVE_MAGIC):
                            raise file_error(msg.FILE_XLSX_NESTED % {"part": echo(info.filename)})
                        first = False
                        unpacked += len(chunk)
                        if unpacked > XLSX_MAX_UNPACKED_BYTES:
                            raise file_error(
                                msg.FILE_XLSX_TOO_BIG_UNPACKED
                                % {"limit": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)}
                            )
    except FileProblem:
        raise
    except Exception as exc:  # a damaged archive: bad checksum, truncated part, bad header
        raise file_error(msg.FILE_NOT_XLSX) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise file_error(msg.FILE_NOT_XLSX)
    _check_archive(data)
    try:
        # data_only=False: a formula arrives as its text ("=SUM(…)") and is rejected.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise file_error(msg.FILE_NOT_XLSX) from exc
    return _sheet_rows(workbook)


def _sheet_rows(workbook: Workbook) -> Iterator[tuple[int, list[str]]]:
    """The first sheet is the data, whatever it is called."""
    try:
        if not workbook.worksheets:
            raise file_error(msg.FILE_EMPTY)
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the sheet's stored <dimension>, which a program may
        # write wrong: rows beyond it would be dropped without a word. Forget it and
        # read every row the sheet holds.
        reset = getattr(sheet, "reset_dimensions", None)
        if reset is not None:
            reset()
        for row, cells in enumerate(sheet.iter_rows(), start=1):
            yield row, [_cell_text(cell) for cell in cells]
    except FileProblem:
        raise
    except Exception as exc:  # a damaged sheet part surfaces only while streaming
        raise file_error(msg.FILE_NOT_XLSX) from exc
    finally:
        workbook.close()


def _cell_text(cell: object) -> str:
    """A cell as the text the user sees, so CSV and XLSX are validated alike."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", "") or ""):
            # A cell formatted as a percentage stores 0.605 for 60.5 %.
            value = round(value * 100, 9)
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    if isinstance(value, datetime | date):
        # Excel turns "2025-04" typed in a cell into 1 April 2025.
        midnight = not isinstance(value, datetime) or value.time() == datetime.min.time()
        if value.day == 1 and midnight:
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat()
    text = getattr(value, "text", None)  # array and data-table formulas
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    return str(value)


def read_header(rows: Iterator[tuple[int, list[str]]], layout: Layout) -> list[str]:
    """The normalised column names; problems with them are reported on row 1."""
    first = next(rows, None)
    if first is None:
        raise file_error(msg.FILE_EMPTY)
    header = [cell.strip().lower() for cell in first[1]]
    while header and not header[-1]:
        header.pop()
    expected = ", ".join(layout.columns)
    if not set(header) & set(layout.columns):
        raise file_error(msg.HEADER_MISSING % {"columns": expected}, row=1)
    errors: list[RowError] = []
    seen: set[str] = set()
    for column in header:
        if not column:
            continue  # reported only if the column holds data, see RowParser
        if column in seen:
            errors.append(RowError(1, column, str(msg.COLUMN_DUPLICATED)))
        elif column not in layout.columns:
            errors.append(RowError(1, column, str(msg.COLUMN_UNKNOWN % {"columns": expected})))
        seen.add(column)
    for column in layout.required:
        if column not in seen:
            errors.append(RowError(1, column, str(msg.COLUMN_MISSING)))
    if errors:
        raise FileProblem(errors)
    return header


def echo(value: str) -> str:
    """A cell value quoted in a message, shortened so a message stays one line."""
    value = value.replace("\n", " ").replace("\r", " ")
    if len(value) > _ECHO_LIMIT:
        value = value[: _ECHO_LIMIT - 1] + "…"
    return f"'{value}'"
