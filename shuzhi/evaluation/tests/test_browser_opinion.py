"""On a desktop: the org dept sets the scoring scheme (refused when the weights do not add up, the input
kept); a committee member reads a Review's composite breakdown and edits the drafted evaluation opinion."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP
from shuzhi.evaluation.models import Opinion, Scheme

pytestmark = pytest.mark.browser
SHOTS = "/tmp/evaluation-shots"


def test_the_org_dept_sets_the_scheme(college, cycle, page_for):
    page = page_for(college.org_dept, DESKTOP)
    page.goto(f"/cycles/{cycle.pk}/")
    page.locator("#scheme-link").click()
    page.fill("input[name=weight_vote]", "50")
    page.get_by_role("button", name="保存评分方案").click()
    expect(page.locator("#scheme-form")).to_contain_text("三项权重之和必须正好为 100；目前合计为 110")
    expect(page.locator("input[name=weight_vote]")).to_have_value("50")
    page.fill("input[name=weight_daily]", "50")
    page.fill("input[name=weight_reviewer]", "0")
    page.get_by_role("button", name="保存评分方案").click()
    expect(page.locator(".messages")).to_contain_text("评分方案已保存")
    page.screenshot(path=f"{SHOTS}/scheme.png", full_page=True)
    assert Scheme.objects.get(cycle=cycle).weights.reviewer == 0


def test_a_committee_member_reads_the_breakdown_and_edits_the_opinion(college, committee_group, reviews, page_for):
    review = reviews["direct"]
    page = page_for(college.committee_member, DESKTOP)
    page.goto(f"/evaluation/groups/{committee_group.pk}/")
    page.get_by_role("link", name=college.direct.name).click()
    expect(page.locator("#composite")).to_have_text("60.00")
    expect(page.locator("#breakdown-explanation")).to_contain_text("没有按 0 分计")
    page.screenshot(path=f"{SHOTS}/breakdown.png", full_page=True)
    page.get_by_role("link", name="综合评价意见").click()
    expect(page.locator("#opinion-sources")).to_contain_text("建议多深入基层一线")
    expect(page.locator("#opinion-sources")).to_contain_text("满意度测评意见建议")
    expect(page.locator("textarea[name=problems]")).to_have_value("建议多深入基层一线")
    page.fill("textarea[name=strengths]", "抓基层党建责任意识强，满意度测评得分 60.00。")
    page.get_by_role("button", name="保存意见").click()
    expect(page.locator(".messages")).to_contain_text("综合评价意见已保存")
    expect(page.locator("textarea[name=strengths]")).to_have_value("抓基层党建责任意识强，满意度测评得分 60.00。")
    page.screenshot(path=f"{SHOTS}/opinion.png", full_page=True)
    assert Opinion.objects.get(review=review).problems == "建议多深入基层一线"
