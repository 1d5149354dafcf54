"""The review group's page and section on the cycle page; the board's rows show their real stage."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import review_of
from shuzhi.cycles import groups, services, stages
from shuzhi.cycles.models import GroupStageChange, ReviewGroup
from shuzhi.cycles.tests.helpers import add_branches, audit_count, html
from shuzhi.cycles.tests.test_groups import accept, write

S = stages.Stage


def group_url(group, suffix=""):
    return f"/cycles/{group.cycle_id}/groups/{group.pk}/{suffix}"


def test_the_cycle_page_lists_the_groups_with_their_stage_and_gate(college, cycle, client_for):
    page = html(client_for(college.org_dept).get(f"/cycles/{cycle.pk}/"))
    assert 'id="group-table"' in page
    for reviewer in (college.committee, college.gb_a, college.gb_b):
        group = ReviewGroup.objects.get(cycle=cycle, reviewer=reviewer)
        assert f'href="{group_url(group)}"' in page
    assert "3 名书记尚未完成述前准备。" in page


def test_the_group_page_shows_what_is_missing_with_counts_and_links(college, cycle, client_for):
    group = ReviewGroup.objects.get(cycle=cycle, reviewer=college.committee)
    page = html(client_for(college.org_dept).get(group_url(group)))
    assert 'id="gate-unmet"' in page and "3 名书记尚未完成述前准备。" in page
    assert f"?reviewer={college.committee.pk}&amp;prepared=no#progress-heading" in page
    assert 'name="override_reason"' in page and 'id="group-move-form"' in page


def test_a_general_branch_sees_its_own_group_with_the_move_button_but_no_override(college, cycle, client_for):
    own = ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_a)
    client = client_for(college.gb_a_secretary)
    page = html(client.get(group_url(own)))
    assert 'id="group-move-form"' in page and 'name="override_reason"' not in page
    committee = ReviewGroup.objects.get(cycle=cycle, reviewer=college.committee)
    page = html(client.get(group_url(committee)))  # their own review is in it: they may read it
    assert 'id="group-move-form"' not in page
    other = ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_b)
    assert client.get(group_url(other)).status_code == 404
    before = audit_count()
    assert client.post(group_url(committee, "move/"), {"target": "report"}).status_code == 403
    committee.refresh_from_db()
    assert committee.stage == S.PREPARATION and audit_count() == before


def test_a_refused_move_keeps_the_reason_typed_and_an_override_is_shown_afterwards(college, cycle, client_for):
    group = ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_a)
    client = client_for(college.org_dept)
    response = client.post(group_url(group, "move/"), {"target": "report", "override_reason": "长" * 201})
    page = html(response)
    assert response.status_code == 200 and "长" * 201 in page
    response = client.post(group_url(group, "move/"), {"target": "report"})
    assert "本评议组尚不能进入下一阶段" in html(response)
    group.refresh_from_db()
    assert group.stage == S.PREPARATION
    response = client.post(
        group_url(group, "move/"), {"target": "report", "override_reason": "总支已书面说明"}, follow=True
    )
    page = html(response)
    group.refresh_from_db()
    assert group.stage == S.REPORT and "msg-success" in page
    assert 'id="group-changes"' in page and "总支已书面说明" in page and "1 名书记尚未完成述前准备。" in page
    assert GroupStageChange.objects.get(group=group).override_reason == "总支已书面说明"


def _row_stage(page: str, review) -> tuple[str, str]:
    row = re.search(rf'<tr data-review="{review.pk}">(.*?)</tr>', page, re.S).group(1)
    own = re.search(r'class="review-stage">([^<]*)<', row).group(1)
    group = re.search(r'class="group-stage">([^<]*)<', row).group(1)
    return own, group


def test_board_rows_show_each_reviews_real_stage_and_its_groups(college, cycle, client_for):
    services.advance_cycle(college.org_dept, cycle, S.REPORT, override_reason="测试")
    a1, b1, gb_a, direct = (
        review_of(cycle, org) for org in (college.branch_a1, college.branch_b1, college.gb_a, college.direct)
    )
    services.mark_preparation_done(college.org_dept, a1)
    write(b1, submit=False)
    accept(college, gb_a)
    page = html(client_for(college.org_dept).get(f"/cycles/{cycle.pk}/"))
    assert _row_stage(page, direct) == ("述前准备", "撰写报告")
    assert _row_stage(page, a1) == ("撰写报告", "撰写报告")
    assert _row_stage(page, b1) == ("撰写报告", "撰写报告")
    assert _row_stage(page, gb_a) == ("述职评议", "撰写报告")


def test_the_group_page_takes_the_same_queries_whatever_its_size(college, cycle, client_for):
    client = client_for(college.org_dept)
    small = ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_a)
    add_branches(college, 12)  # join 乙学院党总支's group (the cycle is still in preparation)
    large = ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_b)
    assert large.reviews.count() == 13
    for review in large.reviews.all()[:6]:
        services.mark_preparation_done(college.org_dept, review)
    counts = []
    for group in (small, large):
        client.get(group_url(group))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(group_url(group)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert groups.gate(large)[0].count == 7
