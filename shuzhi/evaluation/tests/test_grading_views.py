"""The grading page: every Review with its components and flags, the quota status as grades are
edited (htmx), changing a grade with a reason, conflicts that keep the typed input, submitting under
the quotas, reopening; its queries do not grow with the group."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuzhi.audit.models import AuditEvent
from shuzhi.audit.verbs import Verb
from shuzhi.evaluation import services
from shuzhi.evaluation.models import GradingStatus, ReviewGrade
from shuzhi.evaluation.tests.conftest import group_of_size

HX = {"HTTP_HX_REQUEST": "true"}


def url(group, tail: str = "") -> str:
    return f"/evaluation/groups/{group.pk}/{tail}"


def test_the_page_shows_every_review_its_components_and_flags(college, committee_group, client_for):
    response = client_for(college.committee_member).get(url(committee_group))
    page = response.content.decode()
    assert response.status_code == 200
    for org in (college.gb_a, college.gb_b, college.direct):
        assert org.name in page
    assert "无日常考核" in page and "已重新分配权重" in page  # no daily check: re-weighted and flagged
    assert "权重：满意度测评 40%，日常考核 30%，评议组评价 30%" in page
    assert "等次比例情况" in page and "即最多 0 人" in page


def test_changing_a_grade_updates_the_row_and_the_quota_status(college, committee_group, reviews, client_for):
    services.propose(college.committee_member, committee_group)
    review = reviews["gb_a"]
    response = client_for(college.committee_member).post(
        url(committee_group, f"reviews/{review.pk}/grade/"),
        {f"grade_{review.pk}": "good", f"reason_{review.pk}": "工作实绩突出", "version": "1"},
        **HX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="row-{review.pk}"' in page and 'id="quota-status"' in page and "hx-swap-oob" in page
    assert "超出 1 人" in page  # over the cap: 0 allowed in a group of 3
    assert 'id="grading-version" name="version" value="2"' in page
    assert ReviewGrade.objects.get(review=review).grade == "good"
    assert AuditEvent.objects.filter(verb=Verb.GRADE_CHANGED).count() == 1


def test_a_change_without_a_reason_is_refused_and_keeps_what_was_typed(college, committee_group, reviews, client_for):
    services.propose(college.committee_member, committee_group)
    review = reviews["gb_a"]
    response = client_for(college.committee_member).post(
        url(committee_group, f"reviews/{review.pk}/grade/"),
        {f"grade_{review.pk}": "good", f"reason_{review.pk}": "", "version": "1"},
        **HX,
    )
    page = response.content.decode()
    assert "请填写调整等次的原因" in page
    assert '<option value="good" selected>' in page
    assert ReviewGrade.objects.get(review=review).grade == "fair"


def test_a_conflicting_change_keeps_the_typed_input_and_brings_the_current_version(
    college, committee_group, reviews, client_for
):
    services.propose(college.committee_member, committee_group)
    services.change_grade(college.org_dept, reviews["gb_b"], "average", "整改不到位", base_version=1)
    review = reviews["gb_a"]
    response = client_for(college.committee_member).post(
        url(committee_group, f"reviews/{review.pk}/grade/"),
        {f"grade_{review.pk}": "good", f"reason_{review.pk}": "工作实绩突出", "version": "1"},
        **HX,
    )
    page = response.content.decode()
    assert "其他人修改了本评议组的等次" in page
    assert 'value="工作实绩突出"' in page and '<option value="good" selected>' in page
    assert 'id="grading-version" name="version" value="2"' in page
    assert ReviewGrade.objects.get(review=review).grade == "fair"


def test_the_quota_preview_counts_the_grades_as_edited(college, committee_group, reviews, client_for):
    services.propose(college.committee_member, committee_group)
    query = {f"grade_{reviews['gb_a'].pk}": "good", f"grade_{reviews['gb_b'].pk}": "good"}
    page = client_for(college.committee_member).get(url(committee_group, "quota/"), query).content.decode()
    assert "尚未保存" in page and "“好” 2 人，上限 0 人" in page
    assert ReviewGrade.objects.filter(grade="good").count() == 0


def test_submitting_over_the_cap_is_refused_on_the_page(college, committee_group, reviews, client_for):
    services.propose(college.committee_member, committee_group)
    services.change_grade(college.committee_member, reviews["gb_a"], "good", "工作实绩突出", base_version=1)
    response = client_for(college.committee_member).post(url(committee_group, "submit/"), {"version": "2"})
    assert "超过上限 0 人：不能提交" in response.content.decode()
    assert services.grading_of(committee_group).status == GradingStatus.DRAFT


def test_submitting_below_the_minimum_needs_a_justification_and_keeps_it(college, client_for):
    group = group_of_size(college, 10)
    client = client_for(college.gb_b_secretary)
    client.post(url(group, "propose/"), {"version": "10"})
    grading = services.grading_of(group)
    low = ReviewGrade.objects.filter(review__group=group, grade__in=["average", "poor"])
    version = grading.version
    for grade in low:
        services.change_grade(college.gb_b_secretary, grade.review, "fair", "研判上调", base_version=version)
        version += 1
    page = client.post(url(group, "submit/"), {"version": str(version), "justification": ""}).content.decode()
    assert "低于最低要求 1 人" in page
    response = client.post(url(group, "submit/"), {"version": str(version), "justification": "本组整体工作扎实"})
    assert response.status_code == 302
    assert services.grading_of(group).status == GradingStatus.SUBMITTED


def test_only_the_org_dept_reopens(college, committee_group, client_for):
    services.propose(college.committee_member, committee_group)
    services.submit(college.committee_member, committee_group, base_version=1)
    assert (
        client_for(college.committee_member).post(url(committee_group, "reopen/"), {"reason": "调整"}).status_code
        == 403
    )
    page = client_for(college.org_dept).post(url(committee_group, "reopen/"), {"reason": ""}).content.decode()
    assert "这个字段是必填项" in page
    client_for(college.org_dept).post(url(committee_group, "reopen/"), {"reason": "委员会研究后调整"})
    assert services.grading_of(committee_group).status == GradingStatus.DRAFT


def test_a_group_with_an_open_vote_says_why_it_cannot_be_graded(college, cycle, survey, client_for):
    from shuzhi.cycles.models import ReviewGroup
    from shuzhi.evaluation.tests.conftest import at_evaluation

    group = at_evaluation(ReviewGroup.objects.get(cycle=cycle, reviewer=college.committee))
    page = client_for(college.committee_member).get(url(group)).content.decode()
    assert "还有 1 场测评尚未结束" in page and 'id="propose-form"' not in page
    response = client_for(college.committee_member).post(url(group, "propose/"), {"version": "0"})
    assert "还有 1 场测评尚未结束" in response.content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_the_pages_queries_do_not_grow_with_the_group(college, client_for, size, django_assert_max_num_queries):
    group = group_of_size(college, size)
    services.propose(college.org_dept, group)
    client = client_for(college.gb_b_secretary)
    client.get(url(group))  # warm the session and the scope
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(group))
    assert response.status_code == 200
    assert response.content.decode().count('class="grading-row') == size
    # The same for 5 and 60 people (recorded once for both sizes, a fixed ceiling).
    assert len(captured) <= 30, [q["sql"][:120] for q in captured]
    QUERIES[size] = len(captured)
    if len(QUERIES) == 2:
        assert QUERIES[5] == QUERIES[60], QUERIES


QUERIES: dict[int, int] = {}


def test_ties_at_a_boundary_are_stated_on_the_page(college, client_for):
    from decimal import Decimal

    group = group_of_size(college, 10, daily=False)
    for review in group.reviews.select_related("group"):  # everyone the same score, no vote, no daily check
        services.set_reviewer_score(college.org_dept, review, Decimal(80))
    page = client_for(college.gb_b_secretary).get(url(group)).content.decode()
    assert "分界处同分" in page
    assert "有 10 人综合得分同为 80.00" in page
