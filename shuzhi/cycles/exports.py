"""The progress table of a cycle as an .xlsx (进度表). Pure: rows in, bytes out, no database access.

The sheet is a Chinese office document, so its title, headers and sheet name are Chinese literals
(the file format), as in the import templates. Cell values arrive already translated in the rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shuzhi.cycles.progress import ProgressRow

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "宋体"

# (header, largest width in Excel units; a CJK character takes about two)
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("组织名称", 34),
    ("组织类型", 12),
    ("书记", 12),
    ("评议组织", 26),
    ("述职方式", 26),
    ("评议阶段", 12),
    ("述前准备", 10),
    ("调研", 6),
    ("意见建议", 10),
    ("查摆问题", 10),
    ("述职报告状态", 14),
    ("最近提交时间", 18),
]
HEADERS = [h for h, _w in COLUMNS]
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
LINE_HEIGHT = 16  # points per line of 11 pt 宋体


def display_width(text: str) -> int:
    """Width in Excel units: CJK and other wide characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _column_widths(values: Sequence[Sequence]) -> list[int]:
    """Each column as wide as its longest value (dates 16), within the column's largest width."""
    widths = []
    for index, (header, most) in enumerate(COLUMNS):
        longest = display_width(header)
        for line in values:
            value = line[index]
            length = 16 if hasattr(value, "year") else display_width(str(value)) if value is not None else 0
            longest = max(longest, length)
        widths.append(min(longest + 2, most))
    return widths


def _lines(value, width: int) -> int:
    if value is None or hasattr(value, "year"):
        return 1
    return max(1, -(-display_width(str(value)) // max(width - 1, 1)))


def progress_file_name(cycle) -> str:
    return f"{cycle.year}年度述职评议考核进度表.xlsx"


def _row_values(number: int, row: ProgressRow) -> list:
    submitted = row.submitted_at.replace(tzinfo=None) if row.submitted_at else None
    return [number, row.organization, row.kind, row.secretary, row.reviewer, row.report_mode, row.stage,
            "是" if row.prepared else "否", row.research_count, row.opinion_count, row.problem_count,
            row.status_label, submitted]


def _set(cell: Cell, value) -> None:
    """A value as data, never as a formula: openpyxl would store text starting with "=" as one."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _print_setup(ws: Worksheet, last_column: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_area = f"A{TITLE_ROW}:{last_column}{max(ws.max_row, HEADER_ROW)}"


def progress_workbook(cycle, rows: Sequence[ProgressRow]) -> bytes:
    """The 进度表 of `cycle` (uses its title only) with one line per row, in the order given.

    Title merged across the columns, bold header, panes frozen below the header, column widths set,
    宋体 throughout, A4 landscape fitted to one page wide with the header repeated on every page."""
    wb = Workbook()
    ws = wb.active
    ws.title = "进度表"
    last_column = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    ws.merge_cells(f"A{TITLE_ROW}:{last_column}{TITLE_ROW}")
    title = ws.cell(row=TITLE_ROW, column=1)
    _set(title, f"{cycle.title} 进度表")
    title.font = Font(name=FONT_NAME, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[TITLE_ROW].height = 36

    values = [_row_values(number, row) for number, row in enumerate(rows, start=1)]
    widths = _column_widths(values)
    header_fill = PatternFill("solid", fgColor="F2F2F2")
    for index, header in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index, value=header)
        cell.font = Font(name=FONT_NAME, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = header_fill
        cell.border = border
        ws.column_dimensions[get_column_letter(index)].width = widths[index - 1]
    ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * max(_lines(h, w) for h, w in zip(HEADERS, widths)) + 6

    body_font = Font(name=FONT_NAME, size=11)
    centred = {1, 3, 7, 8, 9, 10, 11, 12, 13}
    for offset, line in enumerate(values):
        r = FIRST_DATA_ROW + offset
        for index, value in enumerate(line, start=1):
            cell = ws.cell(row=r, column=index)
            _set(cell, value)
            cell.font = body_font
            cell.border = border
            cell.alignment = Alignment(horizontal="center" if index in centred else "left", vertical="center",
                                       wrap_text=True)
            if index == len(COLUMNS) and value is not None:
                cell.number_format = "yyyy-mm-dd hh:mm"
        # Spreadsheet programs do not grow rows for wrapped text on their own when opening a file.
        ws.row_dimensions[r].height = LINE_HEIGHT * max(_lines(v, w) for v, w in zip(line, widths)) + 4

    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    if rows:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{FIRST_DATA_ROW + len(rows) - 1}"
    _print_setup(ws, last_column)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
