"""A 文件's parts around its text (GB/T 9704 §7.2, §7.3.2, §7.4): the red 版头, 主送机关, the 版记 at the foot
of the last page — in the .docx, and where LibreOffice draws them."""

from __future__ import annotations

import datetime
import io
import re
import subprocess

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from shuzhi.core.officedoc import Masthead, OfficialDocument
from shuzhi.core.tests.office import convert_with_libreoffice, pdf_page_count, pdf_text, squeeze

ORGAN = "中共周口职业技术学院委员会"
MARK = f"{ORGAN}文件"
NUMBER = "周职党〔2027〕3号"
TITLE = "关于2026年度基层党组织书记抓党建工作述职评议考核结果的通报"
BODY = "按照学校党委统一部署，学校党委于2027年1月组织开展了2026年度基层党组织书记抓党建工作述职评议考核工作。"


def notice(paragraphs: int = 3, *, copies_to: str = "学校领导\n各党政职能部门") -> OfficialDocument:
    document = OfficialDocument(TITLE, author=ORGAN, masthead=Masthead(MARK, NUMBER))
    document.recipients("各党总支、直属党支部")
    for _ in range(paragraphs):
        document.paragraph(BODY)
    document.signature(ORGAN, datetime.date(2027, 1, 20))
    document.imprint(printed_by=f"{ORGAN}组织统战部", printed_on=datetime.date(2027, 1, 20), copies_to=copies_to)
    return document


def reopen(document: OfficialDocument):
    return docx.Document(io.BytesIO(document.to_bytes()))


def run_color(run) -> str | None:
    return str(run.font.color.rgb) if run.font.color and run.font.color.type is not None else None


def test_masthead_red_mark_number_and_red_line_come_before_the_title():
    paragraphs = reopen(notice()).paragraphs
    mark, number, title = paragraphs[0], paragraphs[1], paragraphs[2]
    assert mark.text == MARK and mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert run_color(mark.runs[0]) == "FF0000"
    assert mark.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    assert mark.paragraph_format.space_before.mm == pytest.approx(35, abs=0.1)  # 35 mm below the text area's top
    # A 15-character mark at 36 pt is wider than the 156 mm text area: squeezed sideways to stay on one line.
    scale = int(mark.runs[0]._r.rPr.find(qn("w:w")).get(qn("w:val")))
    assert 15 * 36 * scale / 100 <= Mm(156).pt
    assert number.text == NUMBER and number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    line = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert line.get(qn("w:color")) == "FF0000" and int(line.get(qn("w:space"))) == 11  # 4 mm ≈ 11 pt below
    assert title.text == TITLE


def test_a_short_mark_keeps_its_full_width():
    document = OfficialDocument(TITLE, masthead=Masthead("信息工程学院党总支文件", "信院党〔2027〕1号"))
    mark = reopen(document).paragraphs[0]
    assert mark.runs[0]._r.rPr.find(qn("w:w")) is None


def test_recipients_are_flush_left_and_end_with_a_full_width_colon():
    recipients = reopen(notice()).paragraphs[3]
    assert recipients.text == "各党总支、直属党支部："
    assert recipients.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert recipients.paragraph_format.first_line_indent in (None, 0)
    document = OfficialDocument(TITLE)
    document.recipients("各党总支：")
    assert reopen(document).paragraphs[1].text == "各党总支："  # never two colons


def test_imprint_is_a_ruled_box_anchored_to_the_bottom_of_the_text_area():
    body = reopen(notice()).element.body
    anchor = body.find(".//" + qn("wp:anchor"))
    assert anchor.find(qn("wp:positionV")).get("relativeFrom") == "margin"
    assert anchor.find(qn("wp:positionV")).find(qn("wp:align")).text == "bottom"
    table = anchor.find(".//" + qn("w:txbxContent")).find(qn("w:tbl"))
    borders = {b.tag.split("}")[1]: b for b in table.find(qn("w:tblPr")).find(qn("w:tblBorders"))}
    thick, thin = int(borders["top"].get(qn("w:sz"))), int(borders["insideH"].get(qn("w:sz")))
    assert thick == int(borders["bottom"].get(qn("w:sz"))) and thick > thin  # first/last 0.35 mm, between 0.25 mm
    assert borders["left"].get(qn("w:val")) == borders["insideV"].get(qn("w:val")) == "nil"
    rows = ["".join(t.text for t in row.iter(qn("w:t"))) for row in table.iter(qn("w:tr"))]
    assert rows == [
        "抄送：学校领导、各党政职能部门。",
        f"{ORGAN}组织统战部2027年1月20日印发",
    ]


def test_imprint_without_copies_has_only_the_printing_line():
    document = notice(copies_to="")
    rows = list(reopen(document).element.body.find(".//" + qn("w:txbxContent")).iter(qn("w:tr")))
    assert len(rows) == 1


def _last_page_words(pdf) -> tuple[float, list[tuple[str, float, float]]]:
    """(page height, [(word, yMin, yMax)]) of the PDF's last page, in points, as poppler reads them."""
    pages = pdf_page_count(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out).group(1))
    words = [
        (w, float(y0), float(y1))
        for y0, y1, w in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', out)
    ]
    return height, words


@pytest.mark.parametrize("paragraphs", [3, 12])
def test_libreoffice_draws_the_imprint_at_the_foot_of_the_last_page_below_the_text(tmp_path, paragraphs):
    source = tmp_path / "通报.docx"
    source.write_bytes(notice(paragraphs).to_bytes())
    pdf = convert_with_libreoffice(source)
    text = squeeze(pdf_text(pdf))
    for expected in (
        MARK,
        NUMBER,
        TITLE,
        "各党总支、直属党支部：",
        "抄送：学校领导、各党政职能部门。",
        "2027年1月20日印发",
    ):
        assert squeeze(expected) in text
    height, words = _last_page_words(pdf)
    text_bottom = height - Mm(35).pt
    printed = [y1 for w, _y0, y1 in words if w.endswith("印发")]
    assert printed and text_bottom - 6 <= printed[0] <= text_bottom  # on the text area's bottom edge
    copies = next(y0 for w, y0, _y1 in words if w.startswith("抄送"))
    signature_date = max(y1 for w, _y0, y1 in words if w == "日")  # the last character of “2027年1月20日”
    assert signature_date < copies  # the text flows above the imprint, never under it
