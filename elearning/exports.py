"""The one export writer of the application: a sheet (headers and rows of plain cells) as CSV or XLSX.

CSV: UTF-8 with a BOM and ``;`` as separator, CRLF line ends (what French spreadsheet software opens correctly).
XLSX (openpyxl): a bold header row, panes frozen below it, column widths from the longest text. In both, a text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so that
no spreadsheet reads it as a formula (CSV injection), and XLSX cells are always written as strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | float | dt.date | dt.datetime | None

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})
#: A fixed creation time, so that the same sheet always gives the same bytes.
_FIXED_TIME = dt.datetime(2000, 1, 1)


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def neutralize(text: str) -> str:
    """``text`` with a leading apostrophe when it starts like a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _check(value: object, column: int) -> None:
    if isinstance(value, bool) or not isinstance(value, str | int | float | dt.date | type(None)):
        raise TypeError(f"export cell of column {column + 1}: unsupported type {type(value).__name__}")


def _text(value: Cell, column: int) -> str:
    _check(value, column)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralize(value)
    return str(value)


def to_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralize(header) for header in sheet.headers])
    for row in sheet.rows:
        writer.writerow([_text(value, column) for column, value in enumerate(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheet: Sheet) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = (sheet.title.translate(_SHEET_TITLE_FORBIDDEN).strip() or "Sheet")[:31]
    widths = [len(header) for header in sheet.headers]
    bold = Font(bold=True)
    for column, header in enumerate(sheet.headers, start=1):
        cell = worksheet.cell(row=1, column=column, value=neutralize(header))
        cell.data_type = TYPE_STRING
        cell.font = bold
    for row_number, row in enumerate(sheet.rows, start=2):
        for column, value in enumerate(row):
            _check(value, column)
            cell = worksheet.cell(row=row_number, column=column + 1)
            if isinstance(value, str):
                cell.value = neutralize(value)
                cell.data_type = TYPE_STRING
            elif isinstance(value, dt.datetime):
                cell.value = value.replace(tzinfo=None)
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = value
            if column < len(widths):
                widths[column] = max(widths[column], len(_text(value, column)))
    for column, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    worksheet.freeze_panes = "A2"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
