"""The report page /reports/review/<id>/: the secretary's editor, or the report read-only with the reason."""

import pytest
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.cycles import services as cycle_services
from shuzhi.cycles import stages
from shuzhi.cycles.tests.helpers import html
from shuzhi.reports import services
from shuzhi.reports.models import DutyReport
from shuzhi.reports.services import ReportContent

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def answers_for(review, prefix="已整改：") -> dict[str, str]:
    return {str(p.pk): prefix + p.text for p in cycle_services.prior_problems_for(review)}


def write(college, review, practices="我带头讲专题党课3次。", base=0):
    content = ReportContent(practices, "理论学习深度不够。", "每月开展一次专题研讨。", answers_for(review))
    return services.save_draft(college.branch_a1_secretary, review, content, base_revision=base)


def test_secretary_gets_the_editor_with_the_four_sections_in_order(college, review, client_for):
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    assert 'id="report-form"' in page
    positions = [page.index(label) for label in services.SECTION_LABELS.values()]
    assert positions == sorted(positions)
    assert 'name="revision" value="0"' in page
    assert "js/report-editor.js" in page


def test_editor_lists_each_prior_problem_above_its_own_answer_box(college, review, client_for):
    write(college, review)
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    for problem in cycle_services.prior_problems_for(review):
        box = f'name="answer_{problem.pk}"'
        assert box in page
        assert page.index(problem.text) < page.index(box)
        assert "已整改：" + problem.text in page  # pre-filled with the saved answer


def test_editor_guide_lists_the_six_content_areas_and_key_items(college, review, client_for):
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    guide = page.split('id="practices-guide"')[1].split("</details>")[0]
    assert guide.count("<li>") == 6 + len(review.cycle.key_items)
    for area in ("理论武装", "统战工作", "深化党的创新理论武装", "党支部标准化规范化建设"):
        assert area in guide


def test_editor_shows_preparation_records_but_not_withdrawn_ones(college, review, client_for):
    secretary = college.branch_a1_secretary
    cycle_services.add_preparation_item(secretary, review, kind="research", content="到学生宿舍调研党员发挥作用情况")
    gone = cycle_services.add_preparation_item(secretary, review, kind="opinion", content="撤回的意见")
    cycle_services.withdraw_preparation_item(secretary, gone)
    page = html(client_for(secretary).get(f"/reports/review/{review.pk}/"))
    panel = page.split('id="preparation-panel"')[1].split("</details>")[0]
    assert "到学生宿舍调研党员发挥作用情况" in panel and "撤回的意见" not in panel
    assert f"/cycles/review/{review.pk}/preparation/" in panel


def test_editor_shows_the_quality_findings_of_the_saved_draft(college, review, client_for):
    write(college, review, practices="党总支召开会议5次，完成了各项任务。")
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    assert 'id="findings"' in page and 'class="finding"' in page


def test_opening_the_editor_writes_nothing(college, review, client_for):
    client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/")
    client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/")
    assert not DutyReport.objects.filter(review=review).exists()


def test_typed_html_shows_as_text_in_the_editor(college, review, client_for):
    write(college, review, practices=XSS)
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    assert XSS not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_after_submitting_the_secretary_reads_it_with_the_reason(college, review, client_for):
    report = write(college, review)
    services.submit(college.branch_a1_secretary, review, base_revision=report.revision)
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    assert 'id="report-form"' not in page
    assert 'id="not-editable"' in page
    assert (
        _("The report has been submitted and is waiting for the reviewer; it can be changed again if it is returned.")
        in page
    )
    assert "我带头讲专题党课3次。" in page


def test_after_acceptance_editing_is_refused_with_the_reason(college, review, client_for):
    report = write(college, review)
    services.submit(college.branch_a1_secretary, review, base_revision=report.revision)
    services.vet(college.gb_a_secretary, review, version_number=1, outcome="passed")
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    assert 'id="report-form"' not in page
    assert _("The report has been accepted and can no longer be changed.") in page


def test_outside_the_stage_the_editor_is_read_only_with_the_reason(college, cycle, review, client_for):
    write(college, review)
    for stage in (stages.Stage.REPORT, stages.Stage.MEETING):
        cycle_services.advance_cycle(college.org_dept, cycle, stage, override_reason="测试：越过未满足的条件")
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    assert 'id="report-form"' not in page and 'id="not-editable"' in page
    assert str(stages.Stage.MEETING.label) in page


def test_saved_view_shows_the_latest_saved_text_read_only(college, review, client_for):
    write(college, review, practices="另一台设备保存的内容")
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/?view=saved"))
    assert 'id="report-form"' not in page and "另一台设备保存的内容" in page


def test_returned_report_shows_the_reviewers_comment_in_the_editor(college, review, client_for):
    report = write(college, review)
    services.submit(college.branch_a1_secretary, review, base_revision=report.revision)
    services.vet(college.gb_a_secretary, review, version_number=1, outcome="returned", comment="请补充<b>数据</b>")
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    assert 'id="report-form"' in page
    note = page.split('id="returned-note"')[1].split("</div>\n")[0]
    assert "请补充&lt;b&gt;数据&lt;/b&gt;" in note


def test_reviewer_sees_the_latest_submitted_version_not_the_draft(college, review, client_for):
    report = write(college, review, practices="第一版的做法")
    services.submit(college.branch_a1_secretary, review, base_revision=report.revision)
    services.vet(college.gb_a_secretary, review, version_number=1, outcome="returned", comment="再改")
    write(college, review, practices="尚未提交的修改", base=report.revision)
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/"))
    assert "第一版的做法" in page and "尚未提交的修改" not in page
    assert 'id="report-form"' not in page


def test_reviewer_sees_a_note_when_nothing_was_submitted(college, review, client_for):
    write(college, review, practices="草稿里的字")
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/"))
    assert "草稿里的字" not in page and 'id="vet-form"' not in page
    assert _("The secretary has not submitted the report yet.") in page


def test_typed_html_shows_as_text_in_the_reviewer_view(college, review, client_for):
    report = write(college, review, practices=XSS)
    services.submit(college.branch_a1_secretary, review, base_revision=report.revision)
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/"))
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_anonymous_visitor_is_sent_to_login(review, client):
    response = client.get(f"/reports/review/{review.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
