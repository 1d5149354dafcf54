"""The progress table of a cycle as an .xlsx (进度表). Pure: rows in, bytes out, no database access.

The sheet is a Chinese office document, so its title, headers and sheet name are Chinese literals
(the file format), as in the import templates. Cell values arrive already translated in the rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils import get_column_letter

from shuzhi.core import spreadsheets
from shuzhi.core.spreadsheets import LINE_HEIGHT, display_width
from shuzhi.cycles.progress import ProgressRow

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE
FONT_NAME = spreadsheets.FONT_NAME

# (header, largest width in Excel units; a CJK character takes about two)
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("组织名称", 34),
    ("组织类型", 12),
    ("书记", 12),
    ("评议组织", 26),
    ("述职方式", 26),
    ("评议阶段", 12),
    ("评议组阶段", 12),
    ("述前准备", 10),
    ("调研", 6),
    ("意见建议", 10),
    ("查摆问题", 10),
    ("述职报告状态", 14),
    ("最近提交时间", 18),
]
HEADERS = [h for h, _w in COLUMNS]
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3


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
    return spreadsheets.lines_needed(value, width)


def progress_file_name(cycle) -> str:
    return f"{cycle.year}年度述职评议考核进度表.xlsx"


def _row_values(number: int, row: ProgressRow) -> list:
    submitted = row.submitted_at.replace(tzinfo=None) if row.submitted_at else None
    return [
        number,
        row.organization,
        row.kind,
        row.secretary,
        row.reviewer,
        row.report_mode,
        row.stage,
        row.group_stage,
        "是" if row.prepared else "否",
        row.research_count,
        row.opinion_count,
        row.problem_count,
        row.status_label,
        submitted,
    ]


def progress_workbook(cycle, rows: Sequence[ProgressRow]) -> bytes:
    """The 进度表 of `cycle` (uses its title only) with one line per row, in the order given.

    Title merged across the columns, bold header, panes frozen below the header, column widths set,
    宋体 throughout, A4 landscape fitted to one page wide with the header repeated on every page."""
    wb = spreadsheets.new_workbook()
    ws = spreadsheets.add_sheet(wb, "进度表")
    last_column = get_column_letter(len(COLUMNS))
    spreadsheets.title_line(ws, TITLE_ROW, f"{cycle.title} 进度表", len(COLUMNS))

    values = [_row_values(number, row) for number, row in enumerate(rows, start=1)]
    widths = _column_widths(values)
    spreadsheets.header_row(ws, HEADER_ROW, list(zip(HEADERS, widths, strict=True)), height=None)
    ws.row_dimensions[HEADER_ROW].height = (
        LINE_HEIGHT * max(_lines(h, w) for h, w in zip(HEADERS, widths, strict=True)) + 6
    )

    centred = {1, 3, 7, 8, 9, 10, 11, 12, 13, 14}
    left = set(range(1, len(COLUMNS) + 1)) - centred
    for offset, line in enumerate(values):
        r = FIRST_DATA_ROW + offset
        spreadsheets.body_row(ws, r, line, left=left, formats={len(COLUMNS): "yyyy-mm-dd hh:mm"})
        # Spreadsheet programs do not grow rows for wrapped text on their own when opening a file.
        ws.row_dimensions[r].height = LINE_HEIGHT * max(_lines(v, w) for v, w in zip(line, widths, strict=True)) + 4

    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    if rows:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{FIRST_DATA_ROW + len(rows) - 1}"
    spreadsheets.print_setup(ws, header_row=HEADER_ROW, columns=len(COLUMNS), first_row=TITLE_ROW)
    return spreadsheets.to_bytes(wb)
