"""A table → CSV or XLSX bytes, with numbers kept as numbers.

Pure: a ``Table`` of already-translated headers and plain values in, bytes out; no
Django and no database.

Why the CSV looks the way it does: the people who open these files use Excel set to
Indonesian, which reads ``;`` as the list separator and ``,`` as the decimal mark.
So the CSV uses ``;`` between fields, a decimal comma (``34,02``) and **no**
thousands marks (``552340``, never ``552.340``, which another program would read
as 552,34), and starts with a UTF-8 byte-order mark so that Excel reads the
regency names' characters correctly. Empty cells stand for "no figure" (no
denominator or no target). Tools that want machine-readable data should use the
XLSX (true numeric cells) or the JSON summary.

The XLSX holds counts as integers formatted ``#,##0`` and percentages as numbers
(percentage points, 34.02 for 34,02%) formatted ``0.00``; Excel shows them with the
reader's own separators.

No cell is ever a formula: text that a spreadsheet would run (OWASP's "CSV
injection": a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return, also after leading spaces) is written with a leading ``'`` so that it
stays text, and XLSX text cells are stored as strings, never as formulas.
Numbers stay numbers: a negative count is written as ``-5``, not neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

ColumnKind = Literal["text", "int", "pct"]
Cell = str | int | float | Fraction | Decimal | None

INT_FORMAT = "#,##0"
PCT_FORMAT = "0.00"
CSV_SEPARATOR = ";"
PCT_DECIMALS = 2
# What makes a spreadsheet evaluate a text cell (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Table:
    """A titled table: columns and rows of plain values (``None`` for an empty cell)."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]


def _decimal(value: int | float | Fraction | Decimal, places: int) -> Decimal:
    """``value`` rounded half away from zero to ``places`` decimals."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def neutralise_text(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it: a leading ``'`` when the
    text (as it is, or after leading whitespace) begins with a formula trigger."""
    if text.startswith(FORMULA_TRIGGERS) or text.lstrip().startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def neutralise_sheet(sheet: Worksheet) -> None:
    """Every text cell of ``sheet`` neutralised and typed as a string, so that no cell
    of a workbook the product writes is a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = neutralise_text(cell.value)
                cell.data_type = "s"


def cell_value(value: Cell, kind: ColumnKind) -> str | int | float | None:
    """The value a spreadsheet cell holds: an ``int`` count, a ``float`` percentage
    rounded to two decimals, or text (neutralised, see ``neutralise_text``)."""
    if value is None or value == "":
        return None
    if kind == "int":
        return int(_decimal(value, 0)) if not isinstance(value, str) else int(value)
    if kind == "pct":
        return float(_decimal(Decimal(value) if isinstance(value, str) else value, PCT_DECIMALS))
    if isinstance(value, int) and not isinstance(value, bool):
        return value  # a number in a text column stays a number (-5 is no formula)
    if isinstance(value, float | Decimal | Fraction):
        return float(value)
    return neutralise_text(str(value))


def csv_text(value: Cell, kind: ColumnKind) -> str:
    """A cell as Indonesian Excel reads it: no thousands marks, a decimal comma."""
    clean = cell_value(value, kind)
    if clean is None:
        return ""
    if kind == "int":
        return str(clean)
    if kind == "pct":
        return f"{_decimal(float(clean), PCT_DECIMALS):.{PCT_DECIMALS}f}".replace(".", ",")
    return str(clean)


def table_csv_bytes(table: Table) -> bytes:
    """The table as ``;``-separated UTF-8 (with BOM) text with decimal commas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow([neutralise_text(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [csv_text(value, column.kind) for value, column in zip(row, table.columns, strict=True)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of ``[]:*?/\\`` in a sheet name."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or "Tabel")[:31]


def table_xlsx_bytes(table: Table, *, notes: Sequence[str] = ()) -> bytes:
    """The table as one XLSX sheet: bold headers, numeric cells with number formats.

    ``notes`` (the basis, the period, "Data contoh") go below the table so that
    the header stays in row 1 for filters and imports.
    """
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = _sheet_title(table.title)
    header_fill = PatternFill("solid", fgColor="EEF2F6")
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(
            horizontal="left" if column.kind == "text" else "right", wrap_text=True
        )
        width = max(len(column.header), 10 if column.kind != "text" else 14) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 40)
    for row_number, row in enumerate(table.rows, start=2):
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = sheet.cell(row=row_number, column=index, value=cell_value(value, column.kind))
            if column.kind == "int":
                cell.number_format = INT_FORMAT
            elif column.kind == "pct":
                cell.number_format = PCT_FORMAT
    for offset, note in enumerate(notes, start=len(table.rows) + 3):
        sheet.cell(row=offset, column=1, value=note).font = Font(italic=True, color="52606D")
    neutralise_sheet(sheet)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
