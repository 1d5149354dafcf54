"""A Review's composite breakdown and its evaluation opinion, the scheme page, and who reaches them:
a secretary never opens another's evaluation by changing the id."""

from __future__ import annotations

from shuzhi.assessment.tests.helpers import record_check
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.verbs import Verb
from shuzhi.evaluation import services
from shuzhi.evaluation.models import Opinion, Scheme


def test_the_breakdown_shows_each_component_its_weight_and_contribution(college, committee_group, reviews, client_for):
    page = client_for(college.org_dept).get(f"/evaluation/reviews/{reviews['gb_b'].pk}/").content.decode()
    assert "满意度测评" in page and "86.67" in page  # the stored vote score
    assert "缺项，已重新分配权重" in page and "没有按 0 分计" in page
    assert "权重：满意度测评 40%" in page
    assert 'id="composite">86.67<' in page  # only the vote counts (the others missing): re-weighted to 100 %


def test_a_secretary_never_sees_another_evaluation_and_not_yet_her_own(college, committee_group, reviews, client_for):
    other = reviews["gb_b"]
    client = client_for(college.direct_secretary)
    assert client.get(f"/evaluation/reviews/{other.pk}/").status_code == 404
    assert client.get(f"/evaluation/reviews/{other.pk}/opinion/").status_code == 404
    assert client.get(f"/evaluation/reviews/{reviews['direct'].pk}/").status_code == 403
    assert client.get(f"/evaluation/groups/{committee_group.pk}/").status_code == 403
    branch = client_for(college.branch_a1_secretary)
    assert branch.get(f"/evaluation/reviews/{other.pk}/").status_code == 404
    assert branch.get(f"/evaluation/groups/{committee_group.pk}/").status_code == 404
    assert branch.get("/evaluation/reviews/999999/").status_code == 404


def test_a_general_branch_grades_its_own_group_only(college, committee_group, cycle, client_for):
    from shuzhi.cycles.models import ReviewGroup

    own = ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_a)
    other = ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_b)
    client = client_for(college.gb_a_secretary)
    assert client.get(f"/evaluation/groups/{own.pk}/").status_code == 200
    assert client.get(f"/evaluation/groups/{other.pk}/").status_code == 404
    assert client.post(f"/evaluation/groups/{committee_group.pk}/propose/").status_code == 403
    # A committee member reads a 党总支's grading but does not grade it.
    member = client_for(college.committee_member)
    assert member.get(f"/evaluation/groups/{own.pk}/").status_code == 200
    assert member.post(f"/evaluation/groups/{own.pk}/propose/").status_code == 403


def test_the_opinion_is_drafted_with_sources_and_saving_keeps_what_was_typed(
    college, cycle, committee_group, reviews, client_for
):
    from shuzhi.meetings import services as meeting_services
    from shuzhi.meetings.models import Meeting

    review = reviews["direct"]
    meeting = Meeting.objects.get(cycle=cycle, reviewer=college.committee)
    meeting_services.add_comment(
        college.org_dept, meeting, review=review, problems="调研不够深入。", direction="多下基层。"
    )
    record_check(college.org_dept, cycle, college.direct, [10, 20, 20, 12], seen="党员活动室制度上墙，三会一课记录完整")
    client = client_for(college.committee_member)
    page = client.get(f"/evaluation/reviews/{review.pk}/opinion/").content.decode()
    assert "调研不够深入。" in page and "在" in page and "上的点评" in page
    assert "建议多深入基层一线" in page and "满意度测评意见建议" in page  # the voters' suggestion
    assert "党员活动室制度上墙" in page and "日常考核" in page
    assert "尚未保存" in page
    typed = {"strengths": "基层党建工作扎实。", "problems": "调研不够深入，须多下基层。", "revision": "0"}
    assert client.post(f"/evaluation/reviews/{review.pk}/opinion/", typed).status_code == 302
    opinion = Opinion.objects.get(review=review)
    assert (opinion.strengths, opinion.problems, opinion.revision) == (
        "基层党建工作扎实。",
        "调研不够深入，须多下基层。",
        1,
    )
    page = client.get(f"/evaluation/reviews/{review.pk}/opinion/").content.decode()
    assert "基层党建工作扎实。" in page and "尚未保存" not in page
    # A second editor working from the first page: refused, their text kept, the saved one shown.
    stale = {"strengths": "另一位的草稿", "problems": "", "revision": "0"}
    page = client_for(college.org_dept).post(f"/evaluation/reviews/{review.pk}/opinion/", stale).content.decode()
    assert "其他人保存了这份意见" in page and "另一位的草稿" in page and "基层党建工作扎实。" in page
    assert AuditEvent.objects.filter(verb=Verb.OPINION_SAVED).count() == 1
    assert (
        client_for(college.gb_a_secretary).post(f"/evaluation/reviews/{review.pk}/opinion/", typed).status_code == 404
    )


def test_the_scheme_page_refuses_weights_not_adding_up_and_keeps_the_input(college, cycle, client_for):
    client = client_for(college.org_dept)
    data = {
        "weight_vote": "50",
        "weight_daily": "30",
        "weight_reviewer": "30",
        "missing_rule": "reweight",
        "good_share": "30",
        "rounding": "floor",
        "low_share": "10",
        "low_min_people": "10",
        "poor_below": "60",
    }
    page = client.post(f"/evaluation/cycles/{cycle.pk}/scheme/", data).content.decode()
    assert "三项权重之和必须正好为 100；目前合计为 110" in page and 'value="50"' in page
    assert not Scheme.objects.exists()
    data["weight_vote"] = "40"
    data["rounding"] = "ceil"
    assert client.post(f"/evaluation/cycles/{cycle.pk}/scheme/", data).status_code == 302
    assert services.scheme_for(cycle).rounding == "ceil"
    assert client_for(college.committee_member).get(f"/evaluation/cycles/{cycle.pk}/scheme/").status_code == 403


def test_the_scheme_is_fixed_once_grading_starts(college, cycle, committee_group, client_for):
    services.propose(college.committee_member, committee_group)
    page = client_for(college.org_dept).get(f"/evaluation/cycles/{cycle.pk}/scheme/").content.decode()
    assert "本年度已开始评定等次：评分方案不能再修改" in page
    assert "保存评分方案" not in page
