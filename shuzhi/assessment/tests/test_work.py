"""The daily assessment on the home page's work list: an inspector's drafts, the link to record checks,
the org dept's count of checks done the not-preferred way; nothing for a secretary."""

from __future__ import annotations

import pytest

from shuzhi.assessment.tests.helpers import record_check
from shuzhi.core.worklist import Kind, work_for

pytestmark = pytest.mark.django_db


def items(user):
    return {item.url: item for item in work_for(user)}


def test_an_inspector_finds_her_draft_and_the_checks(college, cycle):
    draft = record_check(college.gb_a_secretary, cycle, college.branch_a1, [20], to_record=False)
    mine = items(college.gb_a_secretary)
    assert mine[f"/assessment/checks/{draft.pk}/edit/"].text == "请完成并记录您对甲学院教工党支部的检查草稿。"
    assert mine[f"/assessment/cycles/{cycle.pk}/"].kind == Kind.WATCH
    assert f"/assessment/checks/{draft.pk}/edit/" not in items(college.org_dept)


def test_the_org_dept_sees_how_many_checks_used_a_not_preferred_method(college, cycle):
    record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10], methods=("documents",))
    record_check(college.org_dept, cycle, college.gb_b, [20, 20, 20, 10], methods=("on_site",))
    item = items(college.org_dept)[f"/assessment/cycles/{cycle.pk}/methods/"]
    assert item.text == "2 次检查中有 1 次用了非首选方式（听汇报、查资料、看台账）。" and item.count == 1


def test_a_secretary_is_asked_for_nothing(college, cycle):
    record_check(college.org_dept, cycle, college.branch_a1, [20, 20, 20, 10])
    assert not [url for url in items(college.branch_a1_secretary) if url.startswith("/assessment/")]
    assert not [url for url in items(college.committee_member) if url.startswith("/assessment/")]  # not named
