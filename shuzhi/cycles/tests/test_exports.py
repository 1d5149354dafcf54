"""The progress table .xlsx builder (shuzhi.cycles.exports.progress_workbook): pure, no database."""

import datetime
import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from shuzhi.core.tests.office import convert_with_libreoffice, pdf_page_count, pdf_text, squeeze
from shuzhi.cycles.exports import HEADERS, progress_file_name, progress_workbook
from shuzhi.cycles.progress import ProgressRow

CYCLE = SimpleNamespace(title="2026年度基层党组织书记抓党建工作述职评议考核", year=2026)


def row(name="甲学院教工党支部", **overrides) -> ProgressRow:
    values = dict(
        review_id=1,
        organization=name,
        kind="党支部",
        secretary="支书甲一",
        reviewer="甲学院党总支",
        report_mode="现场述职与书面述职相结合",
        stage="述前准备",
        group_stage="撰写报告",
        prepared=True,
        research_count=2,
        opinion_count=1,
        problem_count=0,
        status="submitted",
        status_label="已提交",
        submitted_at=datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
    )
    values.update(overrides)
    return ProgressRow(**values)


def test_the_sheet_has_a_merged_title_bold_headers_and_the_rows():
    data = progress_workbook(CYCLE, [row(), row("乙学院教工党支部", prepared=False, submitted_at=None)])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == f"{CYCLE.title} 进度表"
    assert {str(r) for r in ws.merged_cells.ranges} == {f"A1:{get_column_letter(len(HEADERS))}1"}
    assert [c.value for c in ws[2]] == HEADERS
    assert all(c.font.b for c in ws[2]) and ws["A1"].font.b
    assert ws["B3"].font.name in ("宋体", "等线")
    assert [c.value for c in ws[3]][:9] == [
        1,
        "甲学院教工党支部",
        "党支部",
        "支书甲一",
        "甲学院党总支",
        "现场述职与书面述职相结合",
        "述前准备",
        "撰写报告",
        "是",
    ]
    assert ws["N3"].value == datetime.datetime(2026, 11, 20, 9, 30) and ws["N3"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["I4"].value == "否" and ws["N4"].value is None


def test_the_sheet_is_ready_to_print_and_to_scroll():
    ws = load_workbook(io.BytesIO(progress_workbook(CYCLE, [row()]))).active
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["B"].width >= 16 and ws.column_dimensions["F"].width >= 26  # CJK: two units each
    assert ws.print_title_rows == "$2:$2"


def test_text_that_looks_like_a_formula_stays_text():
    ws = load_workbook(io.BytesIO(progress_workbook(CYCLE, [row('=HYPERLINK("http://x")')]))).active
    assert ws["B3"].value == '=HYPERLINK("http://x")' and ws["B3"].data_type == "s"


def test_an_empty_board_still_makes_a_workbook():
    ws = load_workbook(io.BytesIO(progress_workbook(CYCLE, []))).active
    assert ws.max_row == 2


def test_the_file_name_names_the_year():
    assert progress_file_name(CYCLE) == "2026年度述职评议考核进度表.xlsx"


def test_libreoffice_converts_the_workbook_to_pdf(tmp_path):
    rows = [row(f"第{i}党支部") for i in range(60)]
    path = tmp_path / "progress.xlsx"
    path.write_bytes(progress_workbook(CYCLE, rows))
    pdf = convert_with_libreoffice(path, "pdf")
    text = squeeze(pdf_text(pdf))
    assert squeeze(CYCLE.title) in text and "第59党支部" in text and "最近提交时间" in text
    assert pdf_page_count(pdf) <= 3  # one page wide, the rows running down


@pytest.mark.parametrize("count", [0, 1])
def test_libreoffice_opens_small_workbooks_too(tmp_path, count):
    path = tmp_path / f"progress-{count}.xlsx"
    path.write_bytes(progress_workbook(CYCLE, [row()] * count))
    assert convert_with_libreoffice(path, "pdf").read_bytes().startswith(b"%PDF")


PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-1+1", "\t=1+1"]


def test_names_that_look_like_formulas_are_literal_strings_in_the_file_and_in_libreoffice(tmp_path):
    rows = [row(text, secretary=text, reviewer=text) for text in PAYLOADS]
    data = progress_workbook(CYCLE, rows)
    ws = load_workbook(io.BytesIO(data)).active
    for number, text in enumerate(PAYLOADS, start=3):
        for column in ("B", "D", "E"):
            cell = ws[f"{column}{number}"]
            assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    path = tmp_path / "progress.xlsx"
    path.write_bytes(data)
    out = convert_with_libreoffice(path, "csv")
    import csv

    lines = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8", errors="replace"))))
    assert [line[1] for line in lines[2:6]] == PAYLOADS[:4]  # shown as typed, never evaluated
