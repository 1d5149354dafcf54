"""A branch secretary prepares on a phone: research visit, opinion, preparation done."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PHONE, review_of
from shuzhi.cycles.models import PreparationItem, PreparationKind

pytestmark = pytest.mark.browser


def test_branch_secretary_prepares_on_a_phone(college, cycle, page_for):
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    page.goto("/cycles/mine/")
    expect(page).to_have_url(re.compile(rf"/cycles/review/{review.pk}/preparation/$"))
    expect(page.locator("#prior-problems")).to_contain_text("组织生活会质量不高")
    expect(page.locator("#key-items")).to_contain_text("党支部标准化规范化建设")

    research = page.locator("#prep-research")
    page.fill("input[name=research-date]", "2026-03-12")
    page.fill("input[name=research-place]", "实验楼 302 教工党员示范岗")
    page.fill("input[name=research-people]", "青年教师、实验员")
    page.fill("textarea[name=research-content]", "实验室安全工作与党员示范岗结合不够紧密，青年教师希望有更多业务交流。")
    page.click("main #prep-research-form button[type=submit]")
    expect(research.locator(".prep-item")).to_have_count(1)
    expect(research.locator(".prep-item")).to_contain_text("实验楼 302 教工党员示范岗")
    expect(page.locator("textarea[name=research-content]")).to_have_value("")

    opinion = page.locator("#prep-opinion")
    page.fill("input[name=opinion-people]", "学生党员座谈会")
    page.fill("textarea[name=opinion-content]", "组织生活形式可以更活泼，多到企业和社区开展主题党日。")
    page.click("main #prep-opinion-form button[type=submit]")
    expect(opinion.locator(".prep-item")).to_have_count(1)

    # A bad entry keeps what was typed and says why.
    page.fill("textarea[name=problem-content]", "")
    page.click("main #prep-problem-form button[type=submit]")
    expect(page.locator("#prep-problem .errorlist")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("main #done-form button[type=submit]")
    expect(page.locator("#prep-state .badge.ok")).to_be_visible()
    expect(page.locator(".messages")).to_be_visible()

    assert set(PreparationItem.objects.filter(review=review).values_list("kind", flat=True)) == {
        PreparationKind.RESEARCH,
        PreparationKind.OPINION,
    }
    review.refresh_from_db()
    assert review.preparation_done_at is not None
    page.screenshot(path="test-artifacts/cycles-preparation-phone.png", full_page=True)
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
