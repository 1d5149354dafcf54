"""原始测评票存档: every ballot of a closed vote, anonymous, as .xlsx and .csv. Pure: rows in, bytes out.

The table is closing.archive_rows (one row per ballot, in receipt order, with the ballot's canonical
JSON text and its SHA-256). Above it (the csv) or on its own sheet (the xlsx) stands a header block:
the meeting, the seal digest and how to re-verify without the system:
  1. sha256(UTF-8 bytes of each row's JSON text) = that row's digest column;
  2. the seal = sha256 of the lines "receipt:digest", sorted by receipt, joined by "\n".
A Chinese office document, so its texts are Chinese literals (the file format), as in voting.exports.

The CSV is UTF-8 with a byte-order mark (Excel and WPS then read it as UTF-8) and CRLF line ends.
In the CSV a human-readable cell that starts with = + - or @ gets a leading ' so spreadsheet programs do
not run it as a formula; the JSON and digest columns, the ones that are hashed, are never altered. The
xlsx is written through shuzhi.core.spreadsheets, which stores every such cell as literal text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils import timezone
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from shuzhi.core import spreadsheets

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FONT_NAME = spreadsheets.FONT_NAME
TABLE_MARKER = "回执码"  # the first header of the ballot table (closing.archive_rows)
JSON_HEADER = "票面数据(JSON)"
DIGEST_HEADER = "单票摘要(SHA-256)"
FORMULA_START = ("=", "+", "-", "@")

VERIFY_STEPS = [
    "第一步：对每一行“票面数据(JSON)”列中的文本（按 UTF-8 编码）计算 SHA-256，结果应与该行“单票摘要(SHA-256)”列相同。",
    "第二步：把每一行写成“回执码:单票摘要”（中间为英文冒号，无空格），按回执码排序后用换行符（\\n）连接成一段文本，"
    "对其计算 SHA-256，结果应与上方“封存摘要”相同。",
    "两步都一致，说明本存档中的测评票与测评结束时封存的完全相同；任何一张票被改动、删除或增加，摘要都会不同。",
    "示例（Python）：hashlib.sha256(json文本.encode('utf-8')).hexdigest()",
    "本存档不含测评码、投票人姓名、IP 地址或投票时间，无法将任何一张票与投票人对应。",
]


def file_name(meeting, survey, kind: str) -> str:
    suffix = "（模拟测评）" if survey.is_rehearsal else ""
    return f"{meeting.title}原始测评票存档{suffix}.{kind}"


def _local(moment) -> str:
    if moment is None:
        return ""
    return (
        timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
        if timezone.is_aware(moment)
        else moment.strftime("%Y-%m-%d %H:%M")
    )


def info_rows(meeting, survey, count: int) -> list[tuple[str, str]]:
    """The header block: what this file is, the meeting, the seal, and how to re-verify."""
    options = "，".join(f"{o['label']}={o['value']:g}" for o in survey.form["options"])
    rows = [
        ("存档", "原始测评票存档（满意度测评，不记名）" + ("——模拟测评，不计入结果" if survey.is_rehearsal else "")),
        ("会议", meeting.title),
        ("会议时间", _local(meeting.starts_at)),
        ("地点", meeting.place),
        ("测评结束时间", _local(survey.closed_at)),
        ("测评票张数", str(count)),
        ("评价选项及分值", options),
        ("封存摘要(SHA-256)", survey.seal_digest),
        ("导出时间", _local(timezone.now())),
    ]
    rows += [("核验方法" if n == 0 else "", step) for n, step in enumerate(VERIFY_STEPS)]
    return rows


def _safe(value: str, hashed: bool) -> str:
    if not hashed and isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def archive_csv(meeting, survey, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """The header block, an empty line, then the ballot table (its header row starts with 回执码)."""
    hashed = {headers.index(JSON_HEADER), headers.index(DIGEST_HEADER)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for label, value in info_rows(meeting, survey, len(rows)):
        writer.writerow([_safe(label, False), _safe(value, False)])
    writer.writerow(
        [
            "说明",
            "可读列中以 = + - @ 开头的文字前加了一个英文单引号（'），以免被表格软件当作公式执行；"
            "“票面数据(JSON)”列与“单票摘要(SHA-256)”列未作任何改动。",
        ]
    )
    writer.writerow([])
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(value, n in hashed) for n, value in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(ws, row: int, column: int, value, *, bold: bool = False, header: bool = False, wrap: bool = True):
    cell = spreadsheets.put(ws.cell(row=row, column=column), value)  # data, never a formula
    cell.font = spreadsheets.font(bold=bold or header)
    cell.alignment = Alignment(horizontal="center" if header else "left", vertical="top", wrap_text=wrap)
    if header:
        cell.fill = spreadsheets.HEADER_FILL
    cell.border = spreadsheets.BORDER
    return cell


INFO_WIDTH = 100


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs (spreadsheets do not grow rows for wrapped text written by openpyxl):
    a Chinese character is about two units of column width wide."""
    return spreadsheets.lines_needed(text or "", width - 1)


def _width(header: str) -> float:
    if header == JSON_HEADER:
        return 80
    if header == DIGEST_HEADER:
        return 68
    if header == TABLE_MARKER:
        return 14
    if header.endswith("意见建议"):
        return 30
    return max(12, min(28, len(header) * 2 + 2))


def archive_xlsx(meeting, survey, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """Sheet 存档说明: the header block. Sheet 原始测评票: the ballot table, frozen header row and receipt
    column, Chinese headers, set column widths."""
    wb = spreadsheets.new_workbook()
    info = spreadsheets.add_sheet(wb, "存档说明")
    spreadsheets.title_line(info, 1, f"{meeting.title}原始测评票存档", 2, height=32)
    for number, (label, value) in enumerate(info_rows(meeting, survey, len(rows)), start=2):
        _cell(info, number, 1, label, bold=True)
        _cell(info, number, 2, value)
        info.row_dimensions[number].height = 16 * _lines(value, INFO_WIDTH) + 4
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = INFO_WIDTH
    spreadsheets.print_setup(info, header_row=None)

    ws = spreadsheets.add_sheet(wb, "原始测评票")
    for column, header in enumerate(headers, start=1):
        _cell(ws, 1, column, header, header=True)
        ws.column_dimensions[get_column_letter(column)].width = _width(header)
    ws.row_dimensions[1].height = 32
    for number, row in enumerate(rows, start=2):  # one line per ballot: long texts stay whole in their cell
        for column, value in enumerate(row, start=1):
            _cell(ws, number, column, value, wrap=False)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    # One ballot per line with its whole JSON text: far too wide to shrink onto one page.
    spreadsheets.print_setup(ws, header_row=1, fit_width=False)
    return spreadsheets.to_bytes(wb)


def read_csv_table(content: bytes) -> tuple[dict[str, str], list[str], list[list[str]]]:
    """(header block, table headers, table rows) of an archive CSV — what a recount starts from."""
    text = content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    start = next(n for n, line in enumerate(lines) if line and line[0] == TABLE_MARKER)
    block = {line[0]: line[1] for line in lines[:start] if len(line) >= 2 and line[0]}
    return block, lines[start], [line for line in lines[start + 1 :] if line]
