"""The home page's evaluation items: the reviewing organisation's leaders see their groups to grade;
the org dept sees every group whose grades are not submitted; secretaries see none."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuzhi.core.worklist import Kind, work_for
from shuzhi.evaluation import services
from shuzhi.evaluation.work import groups_to_grade, ungraded_groups
from shuzhi.orgs.access import scope_for


def _grading_items(user):
    return [i for i in work_for(user) if "/evaluation/groups/" in i.url]


def test_graders_and_the_org_dept_see_the_group_until_it_is_submitted(college, committee_group):
    (item,) = _grading_items(college.committee_member)
    assert item.url == f"/evaluation/groups/{committee_group.pk}/" and item.kind == Kind.TODO
    assert "尚未生成等次建议" in item.text and "学校党委" in item.text
    (watch,) = _grading_items(college.org_dept)
    assert watch.kind == Kind.WATCH
    for user in (college.gb_a_secretary, college.branch_a1_secretary, college.direct_secretary):
        assert _grading_items(user) == []
    services.propose(college.committee_member, committee_group)
    (item,) = _grading_items(college.committee_member)
    assert "3 人中已评定 3 人" in item.text
    services.submit(college.committee_member, committee_group, base_version=1)
    assert _grading_items(college.committee_member) == [] and _grading_items(college.org_dept) == []


def test_the_items_take_one_query_each(college, committee_group):
    for provider, user in ((groups_to_grade, college.committee_member), (ungraded_groups, college.org_dept)):
        scope = scope_for(user)
        with CaptureQueriesContext(connection) as captured:
            assert len(provider(user, scope)) == 1
        assert len(captured) == 1
