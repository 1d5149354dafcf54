"""GB/T 9704-style documents: page set-up, fonts, page numbers, plain-text safety, LibreOffice rendering."""

from __future__ import annotations

import datetime
import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from shuzhi.core import officedoc
from shuzhi.core.officedoc import OfficialDocument, chinese_date, chinese_numeral, clean_text, split_paragraphs
from shuzhi.core.tests.office import (
    _pdf_text_fallback,
    convert_with_libreoffice,
    pdf_font_names,
    pdf_page_count,
    pdf_text,
    squeeze,
)

TITLE = "关于2026年度基层党组织书记抓党建工作述职评议考核结果的通报"
CREATED = datetime.datetime(2026, 11, 25, 9, 30, tzinfo=datetime.UTC)


def build(**kwargs) -> OfficialDocument:
    document = OfficialDocument(
        TITLE, subtitle=kwargs.pop("subtitle", None), author="中共周口职业技术学院委员会", created=CREATED, **kwargs
    )
    document.heading1("一、基本情况")
    document.paragraph("按照学校党委统一部署，各党总支、直属党支部书记进行了述职。")
    document.heading2("（一）总体评价")
    document.paragraph("大多数书记能够履行第一责任人职责。")
    document.table(["序号", "党组织", "等次"], [[1, "信息工程学院党总支", "好"], [2, "机关直属党支部", "较好"]])
    document.signature("中共周口职业技术学院委员会", datetime.date(2026, 11, 25))
    return document


def reopen(data: bytes):
    return docx.Document(io.BytesIO(data))


def east_asia(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def first_line_chars(paragraph) -> str | None:
    ind = paragraph._p.pPr.find(qn("w:ind"))
    return ind.get(qn("w:firstLineChars")) if ind is not None else None


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return build().to_bytes()


# --- page set-up ------------------------------------------------------------------------------------


def test_page_is_a4_with_gb_margins(sample_bytes):
    section = reopen(sample_bytes).sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.top_margin.mm == pytest.approx(37, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(35, abs=0.1)
    assert section.left_margin.mm == pytest.approx(28, abs=0.1)
    assert section.right_margin.mm == pytest.approx(26, abs=0.1)
    # the page number sits inside the bottom margin, below the text area
    assert section.footer_distance < section.bottom_margin


def test_twenty_two_lines_of_fixed_spacing_fill_the_text_area(sample_bytes):
    section = reopen(sample_bytes).sections[0]
    text_height = section.page_height - section.top_margin - section.bottom_margin
    assert 28 <= officedoc.LINE_SPACING.pt <= 29
    assert 22 * officedoc.LINE_SPACING <= text_height < 23 * officedoc.LINE_SPACING


# --- fonts and paragraph formats --------------------------------------------------------------------


def test_title_is_xiaobiaosong_22pt_centred(sample_bytes):
    title = reopen(sample_bytes).paragraphs[0]
    assert title.text == TITLE
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert east_asia(run) == "方正小标宋简体"
    assert run.font.size == Pt(22)


def test_subtitle_is_kaiti_16pt_centred():
    paragraphs = reopen(build(subtitle="信息工程学院党总支书记\u3000李华").to_bytes()).paragraphs
    assert paragraphs[1].text == "信息工程学院党总支书记\u3000李华"
    assert paragraphs[1].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asia(paragraphs[1].runs[0]) == "楷体_GB2312"
    assert paragraphs[1].runs[0].font.size == Pt(16)


def test_body_is_fangsong_16pt_fixed_spacing_indented_justified(sample_bytes):
    body = reopen(sample_bytes).paragraphs[2]
    assert body.text.startswith("按照学校党委统一部署")
    run = body.runs[0]
    assert east_asia(run) == "仿宋_GB2312"
    assert run.font.name == "Times New Roman"  # w:ascii: digits and Latin letters
    assert run.font.size == Pt(16)
    assert run._r.rPr.find(qn("w:rFonts")).get(qn("w:hint")) == "eastAsia"
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28 <= fmt.line_spacing.pt <= 29
    assert fmt.first_line_indent == Pt(32)  # two characters of 16 pt
    assert first_line_chars(body) == "200"
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_headings_are_heiti_and_kaiti_with_outline_levels(sample_bytes):
    paragraphs = reopen(sample_bytes).paragraphs
    heading1, heading2 = paragraphs[1], paragraphs[3]
    assert heading1.text == "一、基本情况" and heading2.text == "（一）总体评价"
    assert east_asia(heading1.runs[0]) == "黑体"
    assert east_asia(heading2.runs[0]) == "楷体_GB2312"
    for heading, level in ((heading1, "0"), (heading2, "1")):
        assert heading.runs[0].font.size == Pt(16)
        assert heading.runs[0].font.bold is False
        assert heading.paragraph_format.keep_with_next is True
        assert heading.paragraph_format.first_line_indent == Pt(32)
        assert heading._p.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == level


def test_normal_style_and_defaults_carry_the_chinese_font(sample_bytes):
    document = reopen(sample_bytes)
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert default_fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override w:eastAsia
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def test_font_table_names_fallbacks_for_word_and_wps(sample_bytes):
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as package:
        root = etree.fromstring(package.read("word/fontTable.xml"))
        names = package.namelist()
    fonts = {font.get(qn("w:name")): font for font in root.findall(qn("w:font"))}
    expected = {
        "仿宋_GB2312": "仿宋",
        "楷体_GB2312": "楷体",
        "方正小标宋简体": "宋体",
        "黑体": "SimHei",
        "宋体": "SimSun",
    }
    for name, alternative in expected.items():
        assert fonts[name].find(qn("w:altName")).get(qn("w:val")) == alternative
        assert fonts[name].find(qn("w:charset")).get(qn("w:val")) == "86"  # GB2312
    assert "docProps/thumbnail.jpeg" not in names  # python-docx's template picture is dropped


def test_fontconfig_substitutes_map_every_gb_font_to_a_noto_cjk_font():
    config = officedoc.fontconfig_substitutes()
    root = etree.fromstring(config.split("\n", 2)[2].encode())  # after the XML declaration and doctype
    mapped = {}
    for match in root.findall("match"):
        name = match.find("test/string").text
        mapped[name] = [s.text for s in match.find("edit[@name='family']").findall("string")]
    assert set(mapped) == set(officedoc.FONT_FALLBACKS)
    for name in ("仿宋_GB2312", "方正小标宋简体", "楷体_GB2312", "宋体"):
        assert "Noto Serif CJK SC" in mapped[name]
    assert "Noto Sans CJK SC" in mapped["黑体"]
    assert "/etc/fonts/fonts.conf" in config
    assert "/etc/fonts/fonts.conf" not in officedoc.fontconfig_substitutes(include_system=False)


# --- page numbers -----------------------------------------------------------------------------------


def test_page_number_field_in_odd_and_even_footers(sample_bytes):
    document = reopen(sample_bytes)
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        instructions = [e.text for e in paragraph._p.iter(qn("w:instrText"))]
        assert [i.strip() for i in instructions] == ["PAGE"]
        assert paragraph.text == "— 1 —"  # cached result between the dashes
        assert paragraph.alignment == alignment
        for run in paragraph.runs:
            assert east_asia(run) == "宋体"
            assert run.font.size == Pt(14)
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.paragraph_format.right_indent == Pt(14)  # 右空一字
    assert even.paragraph_format.left_indent == Pt(14)  # 左空一字


# --- signature, table, properties ---------------------------------------------------------------------


def test_signature_block_places_date_two_characters_right_of_the_signature(sample_bytes):
    paragraphs = reopen(sample_bytes).paragraphs
    name, date = paragraphs[-2], paragraphs[-1]
    assert name.text == "中共周口职业技术学院委员会"
    assert date.text == "2026年11月25日"
    for paragraph in (name, date):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert paragraph.paragraph_format.first_line_indent in (None, 0)
    # the name (13 characters) is longer than the date (8 half-width digits + 3 = 7 characters): the
    # name ends two characters from the margin, the date starts two characters right of the name's start
    assert name.paragraph_format.right_indent == Pt(32)
    name_start = 2 + len(name.text)  # counted in characters from the right margin
    date_start = date.paragraph_format.right_indent.pt / 16 + 7
    assert name_start - date_start == pytest.approx(2)
    assert name.paragraph_format.space_before == officedoc.LINE_SPACING  # 正文下空一行


def test_short_signature_moves_left_so_the_date_ends_two_characters_from_the_margin():
    document = OfficialDocument("标题")
    document.paragraph("正文最后一段。")
    document.signature("张明", datetime.date(2026, 1, 5))
    last_text, name, date = reopen(document.to_bytes()).paragraphs[-3:]
    assert last_text.paragraph_format.keep_with_next is True  # no page holding only the signature
    assert name.paragraph_format.keep_with_next is True
    assert date.text == "2026年1月5日"
    assert date.paragraph_format.right_indent == Pt(32)
    date_start = 2 + (3 + 6 * 0.5)  # 右空二字 + width of 2026年1月5日, in characters from the right margin
    name_start = name.paragraph_format.right_indent.pt / 16 + 2
    assert name_start - date_start == pytest.approx(2)


def test_table_is_fangsong_12pt_with_bold_repeated_header_and_borders(sample_bytes):
    table = reopen(sample_bytes).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "党组织", "等次"]
    assert [c.text for c in table.rows[2].cells] == ["2", "机关直属党支部", "较好"]
    header_run = table.rows[0].cells[1].paragraphs[0].runs[0]
    body_run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert header_run.font.bold is True and body_run.font.bold is False
    for run in (header_run, body_run):
        assert east_asia(run) == "仿宋_GB2312"
        assert run.font.size == Pt(12)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.get(qn("w:val")) for child in borders} == {"single"}
    assert len(borders) == 6


def test_table_pads_short_rows_and_refuses_long_ones():
    document = OfficialDocument("标题")
    table = document.table(["甲", "乙"], [["1"], [None, "2"]])
    assert [[c.text for c in row.cells] for row in table.rows] == [["甲", "乙"], ["1", ""], ["", "2"]]
    with pytest.raises(ValueError):
        document.table(["甲"], [["1", "2"]])


def test_core_properties(sample_bytes):
    properties = reopen(sample_bytes).core_properties
    assert properties.title == TITLE
    assert properties.author == "中共周口职业技术学院委员会"
    assert properties.created == CREATED
    assert properties.language == "zh-CN"
    assert "python-docx" not in (properties.comments + properties.author + properties.last_modified_by)


def test_created_time_in_another_zone_is_stored_as_utc():
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    document = OfficialDocument("标题", created=datetime.datetime(2026, 11, 25, 17, 30, tzinfo=beijing))
    assert reopen(document.to_bytes()).core_properties.created == CREATED.replace(hour=9)


def test_multi_line_title_breaks_lines_and_keeps_one_line_in_properties():
    document = reopen(OfficialDocument("关于2026年度\n述职评议结果的通报").to_bytes())
    assert document.paragraphs[0].text == "关于2026年度\n述职评议结果的通报"
    assert document.core_properties.title == "关于2026年度 述职评议结果的通报"


# --- text is plain text ---------------------------------------------------------------------------------


def test_markup_and_field_syntax_appear_literally():
    hostile = '<script>alert("x")</script> &amp; <w:p/> { PAGE } ]]>'
    document = OfficialDocument(hostile, subtitle=hostile, author=hostile)
    document.heading1(hostile)
    document.paragraph(hostile)
    document.table([hostile], [[hostile]])
    document.signature(hostile, datetime.date(2026, 1, 1))
    reopened = reopen(document.to_bytes())
    texts = [p.text for p in reopened.paragraphs]
    assert texts[:4] == [hostile] * 4
    assert texts[-2] == hostile
    assert reopened.tables[0].rows[1].cells[0].text == hostile
    assert reopened.core_properties.author == hostile
    assert not list(reopened.element.body.iter(qn("w:instrText")))  # no field was created from the text


def test_invalid_xml_characters_are_stripped_not_fatal():
    dirty = "甲\x00乙\x08丙\x0b丁\x0c戊\x1b己\x7f庚\x85辛\ud800壬\ufffe癸\uffff"
    document = OfficialDocument(dirty, subtitle=dirty, author=dirty, subject=dirty)
    document.heading1(dirty)
    document.heading2(dirty)
    document.paragraph(dirty)
    document.paragraphs(dirty)
    document.table([dirty], [[dirty]])
    document.signature(dirty, datetime.date(2026, 1, 1))
    reopened = reopen(document.to_bytes())
    clean = "甲乙丙丁戊己庚辛壬癸"
    assert [p.text for p in reopened.paragraphs[:6]] == [clean] * 6
    assert reopened.tables[0].rows[0].cells[0].text == clean
    assert reopened.core_properties.title == clean


def test_text_helpers():
    assert clean_text(None) == ""
    assert clean_text("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert clean_text("tab\tkept") == "tab\tkept"
    assert split_paragraphs("\u3000\u3000第一段\n\n  \n第二段  \r\n") == ["第一段", "第二段"]
    assert chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    expected = {
        1: "一",
        9: "九",
        10: "十",
        11: "十一",
        20: "二十",
        21: "二十一",
        99: "九十九",
        100: "一百",
        101: "一百零一",
        110: "一百一十",
        1001: "一千零一",
        1010: "一千零一十",
    }
    assert {n: chinese_numeral(n) for n in expected} == expected
    with pytest.raises(ValueError):
        chinese_numeral(0)


# --- LibreOffice opens what we write ------------------------------------------------------------------


def test_libreoffice_converts_the_document_to_pdf_with_chinese_fonts(tmp_path, sample_bytes):
    source = tmp_path / "通报.docx"
    source.write_bytes(sample_bytes)
    pdf = convert_with_libreoffice(source)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 5_000
    assert pdf_page_count(pdf) == 1
    text = squeeze(pdf_text(pdf))
    for expected in (TITLE, "一、基本情况", "（一）总体评价", "信息工程学院党总支", "2026年11月25日", "—1—"):
        assert squeeze(expected) in text
    # the built-in reader used where poppler-utils is missing reads the same text
    assert squeeze(TITLE) in squeeze(_pdf_text_fallback(data))
    fonts = pdf_font_names(pdf)
    assert any("CJK" in name for name in fonts), fonts  # Chinese drawn with a CJK font, not boxes
    assert any("SerifCJK" in name for name in fonts), fonts  # 仿宋/小标宋 fall back to a serif face
    assert any("SansCJK" in name for name in fonts), fonts  # 黑体 falls back to a sans face


def test_odd_and_even_page_numbers_render_on_every_page(tmp_path):
    document = OfficialDocument("多页文件")
    for number in range(60):
        document.paragraph(f"第{number + 1}段：" + "按照学校党委统一部署，认真开展述职评议工作。" * 3)
    source = tmp_path / "pages.docx"
    source.write_bytes(document.to_bytes())
    pdf = convert_with_libreoffice(source)
    pages = pdf_page_count(pdf)
    assert pages >= 3
    text = squeeze(pdf_text(pdf))
    for number in range(1, pages + 1):
        assert f"—{number}—" in text


def test_the_helper_converts_spreadsheets_with_calc(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["党组织", "等次"])
    sheet.append(["信息工程学院党总支", "好"])
    sheet.column_dimensions["A"].width = 30  # a narrow column clips the name (the next cell is not empty)
    source = tmp_path / "结果.xlsx"
    workbook.save(source)
    pdf = convert_with_libreoffice(source)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "信息工程学院党总支" in squeeze(pdf_text(pdf))


def test_helper_reports_a_file_libreoffice_cannot_open(tmp_path):
    from shuzhi.core.tests.office import LibreOfficeError

    with pytest.raises(LibreOfficeError):
        convert_with_libreoffice(tmp_path / "missing.docx")
