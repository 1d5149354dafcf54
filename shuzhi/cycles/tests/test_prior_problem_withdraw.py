"""Withdrawing a prior-year problem entered by mistake: the service (soft withdrawal with who, when and
why, audited, idempotent), what no longer lists or uses it, and the page /cycles/<id>/prior-problems/."""

import pytest
from django.core.exceptions import ValidationError

from conftest import review_of
from shuzhi.audit.models import AuditAction, AuditEvent
from shuzhi.cycles import services
from shuzhi.cycles.models import PriorProblem, PriorProblemKind
from shuzhi.cycles.tests.helpers import audit_count, html, xlsx_bytes
from shuzhi.reports import services as report_services

WRONG = "组织生活会质量不高，批评与自我批评辣味不足"  # the cycle fixture's notified problem of 甲学院教工党支部
KEPT = "发展党员工作中对青年教师关注不够"


@pytest.fixture
def wrong(cycle):
    return PriorProblem.objects.get(text=WRONG)


def withdraw_url(cycle, problem_id):
    return f"/cycles/{cycle.pk}/prior-problems/{problem_id}/withdraw/"


def page_url(cycle):
    return f"/cycles/{cycle.pk}/prior-problems/"


# --- The service ----------------------------------------------------------------------------------------


def test_withdrawing_keeps_the_row_marked_with_who_when_and_why_and_audits_it(college, wrong):
    before = audit_count()
    problem = services.withdraw_prior_problem(
        college.org_dept, wrong, reason="  录错了组织，\n应为乙学院  ", ip="10.1.2.3"
    )
    problem.refresh_from_db()
    assert problem.withdrawn_at is not None and problem.withdrawn_by == college.org_dept
    assert problem.withdrawal_reason == "录错了组织， 应为乙学院" and problem.text == WRONG
    assert audit_count() == before + 1
    event = AuditEvent.objects.first()
    assert event.action == AuditAction.DEACTIVATE and event.object_id == str(problem.pk)
    assert event.organization_id == college.branch_a1.pk and event.ip == "10.1.2.3" and event.actor == college.org_dept
    assert event.before["withdrawn_at"] is None and event.after["withdrawal_reason"] == "录错了组织， 应为乙学院"


def test_withdrawing_twice_changes_nothing_the_second_time(college, wrong):
    first = services.withdraw_prior_problem(college.org_dept, wrong, reason="重复录入")
    before = audit_count()
    again = services.withdraw_prior_problem(college.org_dept, wrong, reason="另一个理由")
    assert again.withdrawn_at == first.withdrawn_at and again.withdrawal_reason == "重复录入"
    assert audit_count() == before


@pytest.mark.parametrize("reason", ["", "   \n  ", "长" * 201])
def test_a_missing_or_too_long_reason_is_refused_and_nothing_is_written(college, wrong, reason):
    before = audit_count()
    with pytest.raises(ValidationError) as caught:
        services.withdraw_prior_problem(college.org_dept, wrong, reason=reason)
    assert "reason" in caught.value.message_dict
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is None and audit_count() == before


def test_a_withdrawn_problem_is_no_longer_listed_or_used(college, cycle, wrong, client_for):
    review = review_of(cycle, college.branch_a1)
    services.withdraw_prior_problem(college.org_dept, wrong, reason="录入有误")
    assert [p.text for p in services.prior_problems_for(review)] == [KEPT]
    # the secretary's preparation page and report no longer ask for it
    secretary = client_for(college.branch_a1_secretary)
    assert WRONG not in html(secretary.get(f"/cycles/review/{review.pk}/preparation/"))
    editor = html(secretary.get(f"/reports/review/{review.pk}/"))
    assert WRONG not in editor and KEPT in editor
    report = report_services.get_report(review)
    assert [row[0].text for row in report_services.prior_problem_rows(review, report)] == [KEPT]
    # ... and the org dept's list of problems in force no longer shows it; the withdrawn ones, apart, do
    in_force, _sep, withdrawn = html(client_for(college.org_dept).get(page_url(cycle))).partition(
        'id="withdrawn-problems"'
    )
    assert WRONG not in in_force and KEPT in in_force
    assert WRONG in withdrawn and "录入有误" in withdrawn


def test_an_answer_to_a_problem_withdrawn_meanwhile_is_dropped_not_refused(college, cycle, wrong):
    """An editor or API client opened before the withdrawal may still send the answer."""
    review = review_of(cycle, college.branch_a1)
    kept = PriorProblem.objects.get(text=KEPT)
    services.withdraw_prior_problem(college.org_dept, wrong, reason="录入有误")
    content = report_services.ReportContent(
        "我带头讲党课。", "学习不深。", "每月研讨。", {str(wrong.pk): "已整改", str(kept.pk): "已整改到位"}
    )
    report = report_services.save_draft(college.branch_a1_secretary, review, content, base_revision=0)
    assert report.prior_answers == {str(kept.pk): "已整改到位"}
    version = report_services.submit(college.branch_a1_secretary, review, base_revision=report.revision)
    assert version.content["prior_answers"] == [[KEPT, "已整改到位"]]


def test_a_withdrawn_problem_can_be_entered_again_by_hand_or_by_import(college, cycle, wrong, client_for):
    services.withdraw_prior_problem(college.org_dept, wrong, reason="录入有误")
    again = services.add_prior_problem(
        college.org_dept, organization=college.branch_a1, year=2025, kind=PriorProblemKind.NOTIFIED, text=WRONG
    )
    assert again.pk != wrong.pk and again.withdrawn_at is None
    services.withdraw_prior_problem(college.org_dept, again, reason="还是有误")
    client_for(college.org_dept).post(
        f"/cycles/{cycle.pk}/prior-problems/import/", {"file": xlsx_bytes([["甲学院教工党支部", "通报问题", WRONG]])}
    )
    assert PriorProblem.objects.active().filter(text=WRONG).count() == 1
    assert PriorProblem.objects.filter(text=WRONG).count() == 3


# --- The page ---------------------------------------------------------------------------------------------


def test_org_dept_withdraws_a_problem_from_the_page(college, cycle, wrong, client_for):
    client = client_for(college.org_dept)
    page = html(client.get(page_url(cycle)))
    assert f'action="{withdraw_url(cycle, wrong.pk)}"' in page and "data-confirm" in page
    before = audit_count()
    response = client.post(withdraw_url(cycle, wrong.pk), {"reason": "应录入乙学院教工党支部"})
    assert response.status_code == 302 and response["Location"].endswith(f"#org-{college.branch_a1.pk}")
    wrong.refresh_from_db()
    assert wrong.withdrawal_reason == "应录入乙学院教工党支部" and audit_count() == before + 1
    after, _sep, withdrawn = html(client.get(response["Location"])).partition('id="withdrawn-problems"')
    assert "已撤回" in after and WRONG not in after and KEPT in after
    # listed apart with who withdrew it, when and why
    assert WRONG in withdrawn and "应录入乙学院教工党支部" in withdrawn
    assert college.org_dept.display_name in withdrawn and KEPT not in withdrawn


def test_a_double_submitted_withdrawal_withdraws_once(college, cycle, wrong, client_for):
    client = client_for(college.org_dept)
    before = audit_count()
    assert client.post(withdraw_url(cycle, wrong.pk), {"reason": "录入有误"}).status_code == 302
    assert client.post(withdraw_url(cycle, wrong.pk), {"reason": "录入有误"}).status_code == 302
    assert audit_count() == before + 1


def test_an_empty_reason_is_explained_and_nothing_is_written(college, cycle, wrong, client_for):
    response = client_for(college.org_dept).post(withdraw_url(cycle, wrong.pk), {"reason": "  "})
    page = html(response)
    assert response.status_code == 200 and "请简要说明撤回这个问题的原因。" in page
    block = page.split(f'id="problem-{wrong.pk}"')[1].split("</li>")[0]
    assert "<details" in block and " open>" in block.split("<summary>")[0] and 'class="errorlist"' in block
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is None


def test_a_too_long_reason_is_explained_and_kept(college, cycle, wrong, client_for):
    typed = "录入时把乙学院的问题错录到了甲学院" * 12
    response = client_for(college.org_dept).post(withdraw_url(cycle, wrong.pk), {"reason": typed})
    page = html(response)
    block = page.split(f'id="problem-{wrong.pk}"')[1].split("</li>")[0]
    assert "最多 200 个字。" in block and f'value="{typed}"' in block
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is None


@pytest.mark.parametrize(
    "who", ["gb_b_secretary", "branch_b1_secretary", "branch_a1_secretary", "gb_a_secretary", "committee_member"]
)
def test_nobody_but_the_org_dept_withdraws_even_with_the_id_in_the_url(college, cycle, wrong, client_for, who):
    before = audit_count()
    response = client_for(getattr(college, who)).post(withdraw_url(cycle, wrong.pk), {"reason": "越权"})
    assert response.status_code in (403, 404)
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is None and audit_count() == before


def test_someone_without_a_review_gets_404(college, cycle, wrong, client_for):
    assert client_for(college.outsider).post(withdraw_url(cycle, wrong.pk), {"reason": "x"}).status_code == 404
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is None


def test_a_problem_of_another_year_or_an_unknown_id_is_404(college, cycle, client_for):
    older = services.add_prior_problem(
        college.org_dept, organization=college.branch_b1, year=2023, kind=PriorProblemKind.NOTIFIED, text="两年前的问题"
    )
    client = client_for(college.org_dept)
    assert client.post(withdraw_url(cycle, older.pk), {"reason": "不是本周期的"}).status_code == 404
    assert client.post(withdraw_url(cycle, 999_999), {"reason": "不存在"}).status_code == 404
    older.refresh_from_db()
    assert older.withdrawn_at is None


def test_withdrawing_is_post_only(college, cycle, wrong, client_for):
    assert client_for(college.org_dept).get(withdraw_url(cycle, wrong.pk)).status_code == 405
