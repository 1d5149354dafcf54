"""The org dept moves a review group on a desktop: the gate refuses, then an override with a reason."""

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP
from shuzhi.cycles.models import GroupStageChange, ReviewGroup

pytestmark = pytest.mark.browser


def test_org_dept_is_refused_by_the_gate_then_overrides_it_with_a_reason(college, cycle, page_for):
    group = ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_a)
    page = page_for(college.org_dept, DESKTOP)
    page.goto(f"/cycles/{cycle.pk}/")
    page.locator(f"#group-table tr[data-group='{group.pk}']").get_by_role("link", name=group.reviewer.name).click()
    page.wait_for_url(f"**/cycles/{cycle.pk}/groups/{group.pk}/")
    expect(page.locator("#group-stage")).to_have_text("述前准备")
    expect(page.locator("#gate-unmet")).to_contain_text("1 名书记尚未完成述前准备。")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="推进到“撰写报告”").click()
    expect(page.locator(".form-error")).to_contain_text("本评议组尚不能进入下一阶段")
    expect(page.locator("#group-stage")).to_have_text("述前准备")

    page.fill("textarea[name=override_reason]", "总支书记出差，述前准备材料已书面补交")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="推进到“撰写报告”").click()
    expect(page.locator("#group-stage")).to_have_text("撰写报告")
    expect(page.locator("#group-changes")).to_contain_text("总支书记出差，述前准备材料已书面补交")
    expect(page.locator("#group-stages li[aria-current=step]")).to_contain_text("撰写报告")
    page.screenshot(path="test-artifacts/cycles-group-desktop.png", full_page=True)
    assert GroupStageChange.objects.get(group=group).override_reason == "总支书记出差，述前准备材料已书面补交"
    group.refresh_from_db()
    assert group.stage == "report"

    page.goto(f"/cycles/{cycle.pk}/")
    expect(page.locator(f"#group-table tr[data-group='{group.pk}']")).to_contain_text("撰写报告")
    page.screenshot(path="/tmp/groups-cycle-desktop.png", full_page=True)
