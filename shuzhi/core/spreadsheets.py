"""The one way this project writes an .xlsx (openpyxl). Pure: values in, bytes out, no Django.

Every export and template (the progress board, the vote's 测评结果统计表 and archive, the two import
templates) builds its sheets with these helpers, so they share the Chinese office look:

* 宋体 11 pt throughout; a title line (宋体 16 pt bold, merged across the table, centred) where the sheet
  has one; header cells bold, centred, light grey fill, thin grey borders, wrapped; body cells bordered.
* Column widths in Excel units (a CJK character takes about two: ``display_width``), panes frozen below
  the header row.
* Print set-up (``print_setup``): A4, landscape unless asked otherwise, fitted to one page wide and as many
  pages tall as needed, the header row repeated on every page, centred, narrow margins, and the footer
  “第 &P 页，共 &N 页”.

Cells are written only through ``put()`` (or the helpers that call it): text whose first character is
= + - @, a tab or a carriage return (OWASP's list for CSV/formula injection) is stored as a string cell
with the quotePrefix style, so Excel, WPS and LibreOffice show it literally and never evaluate it — not
even when someone edits the cell later. Nothing is ever written as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "宋体"
BODY_SIZE = 11
TITLE_SIZE = 16
LINE_HEIGHT = 16  # points per line of 11 pt 宋体
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
# OWASP, "CSV Injection": cells starting with these are run as formulas by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FOOTER = "第 &P 页，共 &N 页"


def looks_like_formula(value: Any) -> bool:
    """True for text a spreadsheet program would take for a formula (see FORMULA_START)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def put(cell: Cell, value: Any) -> Cell:
    """Write `value` into `cell` as data: text that looks like a formula becomes a literal string
    (data type "s" and the quotePrefix style), everything else is stored as openpyxl stores it."""
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def display_width(text: Any) -> int:
    """Width of `text` in Excel units: CJK and other wide characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text if text is not None else ""))


def lines_needed(value: Any, width: float) -> int:
    """Lines a wrapped cell of this column width needs (dates and empty cells: one). Spreadsheet
    programs do not grow rows for wrapped text when they open a file, so row heights are set from this."""
    if value is None or hasattr(value, "year"):
        return 1
    return max(1, -(-display_width(value) // max(int(width) - 1, 1)))


def font(*, size: float = BODY_SIZE, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


def new_workbook() -> Workbook:
    """An empty workbook: no sheets until add_sheet()."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def add_sheet(workbook: Workbook, title: str) -> Worksheet:
    return workbook.create_sheet(title)


def to_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def title_line(
    ws: Worksheet,
    row: int,
    text: str,
    columns: int,
    *,
    size: float = TITLE_SIZE,
    bold: bool = True,
    centred: bool = True,
    height: float | None = 36,
) -> Cell:
    """A line of text merged across `columns` columns: the sheet's title (the defaults) or a note."""
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = put(ws.cell(row=row, column=1), text)
    cell.font = font(size=size, bold=bold)
    cell.alignment = Alignment(horizontal="center" if centred else "left", vertical="center", wrap_text=True)
    if height:
        ws.row_dimensions[row].height = height
    return cell


def header_row(
    ws: Worksheet,
    row: int,
    headers: Sequence[tuple[str, float]],
    *,
    height: float | None = 30,
    bordered: bool = True,
    filled: bool = True,
) -> None:
    """Bold centred header cells, one per (text, column width); sets the column widths."""
    for column, (text, width) in enumerate(headers, start=1):
        cell = put(ws.cell(row=row, column=column), text)
        cell.font = font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if filled:
            cell.fill = HEADER_FILL
        if bordered:
            cell.border = BORDER
        ws.column_dimensions[get_column_letter(column)].width = width
    if height:
        ws.row_dimensions[row].height = height


def body_row(
    ws: Worksheet,
    row: int,
    values: Sequence[Any],
    *,
    left: Collection[int] = frozenset(),
    all_left: bool = False,
    formats: Mapping[int, str] | None = None,
    wrap: bool = True,
    vertical: str = "center",
    bold: Collection[int] = frozenset(),
    bordered: bool = True,
) -> None:
    """One data row from column 1: 宋体, bordered, centred except the columns in `left` (1-based) or every
    column with all_left; formats: number format per column, applied to non-empty cells."""
    for column, value in enumerate(values, start=1):
        cell = put(ws.cell(row=row, column=column), value)
        cell.font = font(bold=column in bold)
        if bordered:
            cell.border = BORDER
        horizontal = "left" if all_left or column in left else "center"
        cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)
        if formats and column in formats and value is not None:
            cell.number_format = formats[column]


def print_setup(
    ws: Worksheet,
    *,
    header_row: int | None,
    columns: int | None = None,
    landscape: bool = True,
    first_row: int = 1,
    fit_width: bool = True,
) -> None:
    """A4, fitted to one page wide (unless fit_width is False: a table too wide to shrink, whose columns
    then run over several pages), header row repeated on every page, centred, page numbers in the footer;
    the print area runs from `first_row` over `columns` columns when given."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as needed
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = FOOTER
    if columns:
        ws.print_area = f"A{first_row}:{get_column_letter(columns)}{max(ws.max_row, header_row or first_row)}"


__all__ = [
    "BORDER",
    "FONT_NAME",
    "FORMULA_START",
    "HEADER_FILL",
    "LINE_HEIGHT",
    "XLSX_CONTENT_TYPE",
    "add_sheet",
    "body_row",
    "display_width",
    "font",
    "header_row",
    "lines_needed",
    "looks_like_formula",
    "new_workbook",
    "print_setup",
    "put",
    "title_line",
    "to_bytes",
]
