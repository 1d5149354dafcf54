"""Word download (/reports/review/<id>/report.docx) and the print view (/reports/review/<id>/print/)."""

import io
from urllib.parse import unquote

import docx
import pytest

from conftest import review_of
from shuzhi.cycles.tests.helpers import html
from shuzhi.reports import services
from shuzhi.reports.tests.test_editor_save import form_data

XSS = '<script>alert("x")</script>'


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def document_text(response) -> str:
    document = docx.Document(io.BytesIO(response.content))
    return "\n".join(p.text for p in document.paragraphs)


def filename(response) -> str:
    header = response["Content-Disposition"]
    assert header.startswith("attachment;") and 'filename="' in header
    return unquote(header.split("filename*=UTF-8''")[1])


@pytest.fixture
def submitted(college, review, client_for):
    client_for(college.branch_a1_secretary).post(
        f"/reports/review/{review.pk}/submit/",
        form_data(review, ajax=False, practices="我带头讲专题党课3次。\n第二段做法。"),
    )
    return review


def test_docx_of_the_submitted_version_opens_and_holds_the_report(college, submitted, client_for):
    response = client_for(college.gb_a_secretary).get(f"/reports/review/{submitted.pk}/report.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert filename(response) == "2026年度述职报告-甲学院教工党支部-支书甲一.docx"
    text = document_text(response)
    for expected in (
        "2026年度抓基层党建工作述职报告",
        "我带头讲专题党课3次。",
        "第二段做法。",
        "理论学习深度不够。",
        "组织生活会质量不高",
        "已整改：发展党员工作中对青年教师关注不够",
        services.SECTION_LABELS["next_steps"],
    ):
        assert expected in text
    assert "草稿" not in text


def test_secretary_downloads_the_draft_marked_as_draft(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review, practices="还在写的草稿"))
    response = client.get(f"/reports/review/{review.pk}/report.docx")
    assert filename(response).endswith("-草稿.docx")
    text = document_text(response)
    assert "还在写的草稿" in text and "（草稿）" in text


def test_an_earlier_version_can_be_downloaded(college, submitted, client_for):
    services.vet(college.gb_a_secretary, submitted, version_number=1, outcome="returned", comment="改")
    client = client_for(college.branch_a1_secretary)
    client.post(
        f"/reports/review/{submitted.pk}/submit/", form_data(submitted, revision=1, ajax=False, practices="第二版")
    )
    reviewer = client_for(college.gb_a_secretary)
    assert "第二版" in document_text(reviewer.get(f"/reports/review/{submitted.pk}/report.docx"))
    first = reviewer.get(f"/reports/review/{submitted.pk}/report.docx?v=1")
    assert "我带头讲专题党课3次。" in document_text(first) and "第二版" not in document_text(first)
    assert reviewer.get(f"/reports/review/{submitted.pk}/report.docx?v=9").status_code == 404


def test_reader_gets_a_message_when_nothing_was_submitted(college, review, client_for):
    response = client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/report.docx")
    assert response.status_code == 302 and response["Location"] == f"/reports/review/{review.pk}/"


def test_typed_html_stays_text_in_the_docx(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review, practices=XSS))
    assert XSS in document_text(client.get(f"/reports/review/{review.pk}/report.docx"))


def test_print_view_is_laid_out_like_the_official_document(college, submitted, client_for):
    page = html(client_for(college.committee_member).get(f"/reports/review/{submitted.pk}/print/"))
    assert "css/print.css" in page and '<button type="button" data-print>' in page
    assert "js/report-editor.js" in page and "onclick" not in page
    paper = page.split('id="official-report"')[1].split("</article>")[0]
    assert "2026年度抓基层党建工作述职报告" in paper and "甲学院教工党支部书记　支书甲一" in paper
    assert "<h3>（一）上年度述职通报问题：组织生活会质量不高，批评与自我批评辣味不足</h3>" in paper
    assert "<h3>（二）本人查摆问题：发展党员工作中对青年教师关注不够</h3>" in paper
    assert "<p>我带头讲专题党课3次。</p>\n<p>第二段做法。</p>" in paper.replace("</p><p>", "</p>\n<p>")
    for number, key in (("二", "practices"), ("三", "problems"), ("四", "next_steps")):
        assert f"{number}、{services.SECTION_LABELS[key]}" in paper


def test_typed_html_shows_as_text_in_the_print_view(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review, practices=XSS))
    page = html(client.get(f"/reports/review/{review.pk}/print/"))
    assert XSS not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_print_css_sets_a4_margins_and_the_fangsong_stack():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert "size: A4; margin: 37mm 26mm 35mm 28mm;" in css
    assert '"FangSong", "STFangsong"' in css and '"Noto Serif CJK SC"' in css and "16pt" in css


@pytest.fixture
def with_commitment(college, cycle, review):
    from shuzhi.cycles import services as cycle_services
    from shuzhi.cycles.models import PriorProblemKind

    cycle_services.add_prior_problem(
        college.org_dept,
        organization=college.branch_a1,
        year=2025,
        kind=PriorProblemKind.COMMITMENT,
        text="年内完成支部标准化建设",
    )
    return review


def test_commitments_read_as_commitments_in_the_print_view_and_the_docx(college, with_commitment, client_for):
    """Last year's 整改承诺 is headed as a commitment, never as “问题：”; each item by its kind, in both exports."""
    review = with_commitment
    secretary = client_for(college.branch_a1_secretary)
    secretary.post(f"/reports/review/{review.pk}/submit/", form_data(review, ajax=False))
    reader = client_for(college.gb_a_secretary)
    paper = html(reader.get(f"/reports/review/{review.pk}/print/")).split('id="official-report"')[1]
    headings = [h.split("</h3>")[0] for h in paper.split("<h3>")[1:]]
    assert [h[:3] for h in headings] == ["（一）", "（二）", "（三）"]  # in the order of the editor (kind, entry)
    assert sorted(h[3:] for h in headings) == sorted(
        [
            "上年度述职通报问题：组织生活会质量不高，批评与自我批评辣味不足",
            "本人查摆问题：发展党员工作中对青年教师关注不够",
            "整改承诺：年内完成支部标准化建设",
        ]
    )
    text = document_text(reader.get(f"/reports/review/{review.pk}/report.docx"))
    for heading in headings:
        assert heading in text
    assert "问题：年内完成" not in text and "问题：年内完成" not in paper


def test_the_secretarys_draft_heads_its_items_by_kind_too(college, with_commitment, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{with_commitment.pk}/save/", form_data(with_commitment, practices="草稿"))
    assert "整改承诺：年内完成支部标准化建设" in document_text(
        client.get(f"/reports/review/{with_commitment.pk}/report.docx")
    )
    paper = html(client.get(f"/reports/review/{with_commitment.pk}/print/"))
    assert "）整改承诺：年内完成支部标准化建设</h3>" in paper and "问题：年内完成" not in paper


def test_the_reader_sees_the_kind_of_each_item(college, with_commitment, client_for):
    review = with_commitment
    client_for(college.branch_a1_secretary).post(f"/reports/review/{review.pk}/submit/", form_data(review, ajax=False))
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/"))
    block = page.split('id="read-prior_answers"')[1].split("</section>")[0]
    assert '<span class="badge kind-commitment">整改承诺</span>' in block
