"""The duty report as .docx: structure, fonts, hostile text, size, and that LibreOffice renders it."""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import time
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from shuzhi.core.tests.office import (
    convert_with_libreoffice,
    pdf_font_names,
    pdf_page_count,
    pdf_text,
    render_first_page_png,
    squeeze,
)
from shuzhi.reports.docx_export import SECTIONS, ReportDocument, problem_heading, render_report_docx

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
SAMPLES = Path(__file__).resolve().parent / "samples"

REPORT = ReportDocument(
    year=2026,
    organization="信息工程学院教工第一党支部",
    secretary="张明",
    title="2026年度抓基层党建工作述职报告",
    prior_answers=(
        (
            "支部组织生活形式单一，主题党日多以集中学习文件为主。",
            "我对照问题制定了主题党日“一月一主题”清单。\n全年12次主题党日中，有5次安排到企业、社区开展实践活动。",
        ),
        ("本人查摆问题：对青年教师思想动态掌握不够。", "建立与青年教师每学期谈心1次的制度，全年谈心22人次。"),
    ),
    practices="一是带头讲党课。全年讲专题党课3次。\n\n二是抓支部标准化建设。对照标准逐项查摆问题12个，已整改10个。",
    problems="一是党建与业务融合不够紧密。\n二是党员教育方式比较单一。",
    next_steps="一是强化理论武装。\r\n二是推进“双带头人”培育工程。",
    date=datetime.date(2026, 11, 25),
)


def texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def east_asia(run) -> str:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


@pytest.fixture(scope="module")
def report_bytes() -> bytes:
    return render_report_docx(REPORT)


@pytest.fixture(scope="module")
def report_pdf(report_bytes, tmp_path_factory) -> tuple[Path, float]:
    source = tmp_path_factory.mktemp("report") / "述职报告.docx"
    source.write_bytes(report_bytes)
    started = time.monotonic()
    pdf = convert_with_libreoffice(source)
    return pdf, time.monotonic() - started


def test_paragraphs_in_order(report_bytes):
    assert texts(report_bytes) == [
        "2026年度抓基层党建工作述职报告",
        "信息工程学院教工第一党支部书记\u3000张明",
        "一、上年度述职通报问题和查摆问题整改情况",
        "（一）问题：支部组织生活形式单一，主题党日多以集中学习文件为主。",
        "我对照问题制定了主题党日“一月一主题”清单。",
        "全年12次主题党日中，有5次安排到企业、社区开展实践活动。",
        "（二）本人查摆问题：对青年教师思想动态掌握不够。",
        "建立与青年教师每学期谈心1次的制度，全年谈心22人次。",
        "二、本年度亲力亲为抓基层党建的主要做法",
        "一是带头讲党课。全年讲专题党课3次。",
        "二是抓支部标准化建设。对照标准逐项查摆问题12个，已整改10个。",
        "三、存在的突出问题",
        "一是党建与业务融合不够紧密。",
        "二是党员教育方式比较单一。",
        "四、下一步工作思路和改进措施",
        "一是强化理论武装。",
        "二是推进“双带头人”培育工程。",
        "张明",
        "2026年11月25日",
    ]


def test_fonts_and_sizes(report_bytes):
    paragraphs = docx.Document(io.BytesIO(report_bytes)).paragraphs
    by_text = {p.text: p for p in paragraphs}
    title = paragraphs[0]
    assert east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    byline = paragraphs[1]
    assert east_asia(byline.runs[0]) == "楷体_GB2312" and byline.runs[0].font.size == Pt(16)
    assert byline.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for heading in SECTIONS:
        assert east_asia(by_text[heading].runs[0]) == "黑体"
        assert by_text[heading].runs[0].font.size == Pt(16)
    problem = by_text["（一）问题：支部组织生活形式单一，主题党日多以集中学习文件为主。"]
    assert east_asia(problem.runs[0]) == "楷体_GB2312"
    body = by_text["一是带头讲党课。全年讲专题党课3次。"]
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_page_set_up_and_page_number(report_bytes):
    document = docx.Document(io.BytesIO(report_bytes))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [37, 35, 28, 26]
    for footer in (section.footer, section.even_page_footer):
        assert " PAGE " in [e.text for e in footer._element.iter(qn("w:instrText"))]


def test_core_properties(report_bytes):
    properties = docx.Document(io.BytesIO(report_bytes)).core_properties
    assert properties.title == "2026年度抓基层党建工作述职报告"
    assert properties.author == "张明"
    assert properties.subject == "信息工程学院教工第一党支部"


def test_no_prior_problems_says_none():
    paragraphs = texts(render_report_docx(dataclasses.replace(REPORT, prior_answers=(("", "  "),))))
    first, second = paragraphs.index(SECTIONS[0]), paragraphs.index(SECTIONS[1])
    assert paragraphs[first + 1 : second] == ["无。"]


def test_many_problems_are_numbered_in_chinese():
    answers = tuple((f"问题{n}", f"答复{n}") for n in range(1, 13))
    paragraphs = texts(render_report_docx(dataclasses.replace(REPORT, prior_answers=answers)))
    headings = [p for p in paragraphs if p.startswith("（")]
    assert headings[0] == "（一）问题：问题1"
    assert headings[9] == "（十）问题：问题10"
    assert headings[11] == "（十二）问题：问题12"


def test_problem_labels():
    assert problem_heading("理论学习不够深入") == "问题：理论学习不够深入"
    assert problem_heading("问题:理论学习不够深入") == "问题：理论学习不够深入"
    assert problem_heading("上年度述职通报问题：主题党日形式单一") == "上年度述职通报问题：主题党日形式单一"
    assert problem_heading("针对问题，整改如下：……") == "问题：针对问题，整改如下：……"
    assert problem_heading("第一行\n第二行") == "问题：第一行 第二行"
    assert problem_heading(" \n ") == ""


def test_each_kind_of_last_years_item_has_its_own_label():
    from shuzhi.cycles.models import PriorProblemKind
    from shuzhi.reports.docx_export import KIND_LABELS, item_heading

    assert set(KIND_LABELS) == set(PriorProblemKind.values)
    assert problem_heading("年内完成支部标准化建设", "commitment") == "整改承诺：年内完成支部标准化建设"
    assert problem_heading("主题党日形式单一", "notified") == "上年度述职通报问题：主题党日形式单一"
    assert problem_heading("联系青年教师不够", "self_found") == "本人查摆问题：联系青年教师不够"
    assert problem_heading("整改承诺：年内完成", "commitment") == "整改承诺：年内完成"  # not said twice
    assert item_heading(3, "年内完成支部标准化建设", "commitment") == "（三）整改承诺：年内完成支部标准化建设"
    assert item_heading(1, "", "commitment") == "（一）整改承诺："


def test_commitments_in_the_docx_are_headed_as_commitments():
    report = dataclasses.replace(
        REPORT,
        prior_answers=(("主题党日形式单一", "已整改"), ("年内完成支部标准化建设", "已完成")),
        prior_kinds=("notified", "commitment"),
    )
    headings = [p for p in texts(render_report_docx(report)) if p.startswith("（")]
    assert headings == ["（一）上年度述职通报问题：主题党日形式单一", "（二）整改承诺：年内完成支部标准化建设"]


def test_empty_sections_leave_their_headings_and_a_missing_title_gets_the_default():
    report = dataclasses.replace(REPORT, title="  ", practices="", problems="\n\n", next_steps=" ")
    paragraphs = texts(render_report_docx(report))
    assert paragraphs[0] == "2026年度抓基层党建工作述职报告"
    tail = paragraphs[paragraphs.index(SECTIONS[1]) :]
    assert tail == [SECTIONS[1], SECTIONS[2], SECTIONS[3], "张明", "2026年11月25日"]


def test_html_and_script_appear_literally():
    hostile = "<script>alert('x')</script><b>加粗</b>&nbsp;{ PAGE }"
    report = dataclasses.replace(
        REPORT,
        organization=hostile,
        secretary=hostile,
        title=hostile,
        prior_answers=((hostile, hostile),),
        practices=hostile,
        problems=hostile,
        next_steps=hostile,
    )
    data = render_report_docx(report)
    paragraphs = texts(data)
    assert paragraphs[0] == hostile
    assert paragraphs[1] == f"{hostile}书记\u3000{hostile}"
    assert f"（一）问题：{hostile}" in paragraphs
    assert paragraphs.count(hostile) == 1 + 4 + 1  # title, answer + three sections, signature
    document = docx.Document(io.BytesIO(data))
    assert not list(document.element.body.iter(qn("w:instrText")))


def test_invalid_xml_characters_are_stripped():
    dirty = "党建\x00工作\x01述职\x0b报告\x1f\ud83d\ufffe"
    report = dataclasses.replace(
        REPORT,
        organization=dirty,
        secretary=dirty,
        title=dirty,
        prior_answers=((dirty, dirty),),
        practices=dirty,
        problems=dirty,
        next_steps=dirty,
    )
    paragraphs = texts(render_report_docx(report))
    assert paragraphs[0] == "党建工作述职报告"
    assert paragraphs[-2] == "党建工作述职报告"
    assert not any(ch in "".join(paragraphs) for ch in "\x00\x01\x0b\x1f\ud83d\ufffe")


def test_every_sample_report_renders():
    samples = sorted(SAMPLES.glob("*.json"))
    assert samples, "the quality-check sample reports are missing"
    for sample in samples:
        text = json.loads(sample.read_text(encoding="utf-8"))["text"]
        report = dataclasses.replace(
            REPORT,
            prior_answers=tuple(tuple(pair) for pair in text.get("prior_answers", [])),
            practices=text.get("practices", ""),
            problems=text.get("problems", ""),
            next_steps=text.get("next_steps", ""),
        )
        paragraphs = texts(render_report_docx(report))
        for section in SECTIONS:
            assert section in paragraphs, sample.name
        for line in text.get("practices", "").splitlines():
            if line.strip():
                assert line.strip() in paragraphs, sample.name


def test_libreoffice_renders_the_report(report_pdf):
    pdf, seconds = report_pdf
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 5_000
    assert seconds < 120
    text = squeeze(pdf_text(pdf))
    for expected in (
        "2026年度抓基层党建工作述职报告",
        "信息工程学院教工第一党支部书记",
        *SECTIONS,
        "（二）本人查摆问题：对青年教师思想动态掌握不够。",
        "2026年11月25日",
        "—1—",
    ):
        assert squeeze(expected) in text, expected
    assert text.index(squeeze(SECTIONS[0])) < text.index(squeeze(SECTIONS[3])) < text.index("2026年11月25日")
    assert any("CJK" in name for name in pdf_font_names(pdf))


def test_first_page_as_png_for_a_visual_check(report_pdf):
    pdf, _ = report_pdf
    png = render_first_page_png(pdf, ARTIFACTS / "duty-report-page1.png", resolution=60)
    assert png is not None, "pdftoppm (poppler-utils, installed by scripts/system-deps.sh) is missing"
    assert png.read_bytes().startswith(b"\x89PNG")


def test_a_100000_character_report_renders_and_converts(tmp_path):
    paragraph = "围绕学习贯彻党的二十大精神，我带头讲专题党课，组织支部党员开展研讨交流，推动党建与业务深度融合。"
    practices = "\n".join(f"{n}. {paragraph * 4}" for n in range(1, 10_000))[:100_000]
    assert len(practices) == 100_000
    report = dataclasses.replace(REPORT, practices=practices)
    started = time.monotonic()
    data = render_report_docx(report)
    assert time.monotonic() - started < 30
    paragraphs = texts(data)
    assert paragraphs[paragraphs.index(SECTIONS[1]) + 1 : paragraphs.index(SECTIONS[2])] == practices.split("\n")
    source = tmp_path / "long.docx"
    source.write_bytes(data)
    pdf = convert_with_libreoffice(source)
    assert pdf.read_bytes().startswith(b"%PDF-")
    pages = pdf_page_count(pdf)
    assert 120 <= pages <= 250  # 100,000 characters at ~600 per page
    text = squeeze(pdf_text(pdf))
    assert "2026年11月25日" in text and f"—{pages}—" in text
