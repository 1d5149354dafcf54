"""shuzhi.core.spreadsheets, the one .xlsx writer: formula-looking text stays text, the shared look and
print set-up, and LibreOffice shows such text literally."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from shuzhi.core import spreadsheets
from shuzhi.core.tests.office import convert_with_libreoffice

# OWASP's CSV/formula-injection starts: = + - @ tab and carriage return.
PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1+1"]


def one_sheet(values) -> bytes:
    wb = spreadsheets.new_workbook()
    ws = spreadsheets.add_sheet(wb, "表")
    spreadsheets.header_row(ws, 1, [("内容", 30)])
    for number, value in enumerate(values, start=2):
        spreadsheets.body_row(ws, number, [value])
    return spreadsheets.to_bytes(wb)


@pytest.mark.parametrize("text", PAYLOADS)
def test_text_that_looks_like_a_formula_is_written_as_a_literal_string(text):
    ws = load_workbook(io.BytesIO(one_sheet([text]))).active
    cell = ws["A2"]
    assert cell.value == text and cell.data_type == "s" and cell.quotePrefix


def test_no_cell_of_the_file_is_a_formula():
    data = one_sheet(PAYLOADS)
    ws = load_workbook(io.BytesIO(data)).active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_ordinary_values_keep_their_type_and_get_no_quote_prefix():
    moment = datetime.datetime(2026, 11, 20, 9, 30)
    ws = load_workbook(io.BytesIO(one_sheet(["甲学院教工党支部", 12, -3, 0.5, moment, None, "a=b"]))).active
    assert [ws.cell(row=r, column=1).value for r in range(2, 9)] == [
        "甲学院教工党支部",
        12,
        -3,
        0.5,
        moment,
        None,
        "a=b",
    ]
    assert not ws["A2"].quotePrefix and ws["A3"].data_type == "n" and ws["A4"].data_type == "n"


def test_headers_titles_and_body_have_the_shared_look():
    wb = spreadsheets.new_workbook()
    ws = spreadsheets.add_sheet(wb, "表")
    spreadsheets.title_line(ws, 1, "标题", 3)
    spreadsheets.header_row(ws, 2, [("序号", 6), ("组织名称", 30), ("书记", 12)])
    spreadsheets.body_row(ws, 3, [1, "甲", "乙"], left={2})
    ws = load_workbook(io.BytesIO(spreadsheets.to_bytes(wb)))["表"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:C1"}
    assert ws["A1"].font.b and ws["A1"].font.sz == 16 and ws["A1"].alignment.horizontal == "center"
    assert all(c.font.b and c.font.name == "宋体" and c.fill.fgColor.rgb.endswith("F2F2F2") for c in ws[2])
    assert ws.column_dimensions["B"].width == 30
    assert ws["B3"].alignment.horizontal == "left" and ws["C3"].alignment.horizontal == "center"
    assert ws["A3"].font.name == "宋体" and ws["A3"].border.left.style == "thin"


def test_print_setup_is_a4_one_page_wide_with_the_header_repeated():
    wb = spreadsheets.new_workbook()
    ws = spreadsheets.add_sheet(wb, "表")
    spreadsheets.header_row(ws, 2, [("a", 10), ("b", 10)])
    spreadsheets.print_setup(ws, header_row=2, columns=2)
    ws = load_workbook(io.BytesIO(spreadsheets.to_bytes(wb)))["表"]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$2:$2" and "&P" in ws.oddFooter.center.text


def test_display_width_counts_chinese_characters_twice():
    assert spreadsheets.display_width("党支部ab") == 8
    assert spreadsheets.lines_needed("党" * 20, 11) == 4 and spreadsheets.lines_needed(None, 5) == 1


def test_libreoffice_shows_formula_looking_text_literally(tmp_path):
    shown = [p for p in PAYLOADS if not p.startswith(("\t", "\r"))]  # csv output trims nothing else
    path = tmp_path / "payloads.xlsx"
    path.write_bytes(one_sheet(shown))
    out = convert_with_libreoffice(path, "csv")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8", errors="replace"))))
    assert [r[0] for r in rows[1:]] == shown
