"""The org dept opens a year on a phone and enters last year's problems."""

import pytest
from playwright.sync_api import expect

from conftest import PHONE
from shuzhi.cycles.models import PriorProblem, ReviewCycle

pytestmark = pytest.mark.browser


def test_org_dept_opens_a_year_on_a_phone(college, page_for):
    page = page_for(college.org_dept, PHONE)
    page.goto("/cycles/")
    page.click("main a[href='/cycles/new/']")
    page.wait_for_url("**/cycles/new/")  # waits for "load": the deferred script is in
    title = page.locator("input[name=title]")
    year = page.locator("input[name=year]")
    expect(title).to_have_value(f"{year.input_value()}年度基层党组织书记抓党建工作述职评议考核")
    year.fill("2031")
    expect(title).to_have_value("2031年度基层党组织书记抓党建工作述职评议考核")  # the title follows the year
    page.fill("textarea[name=key_items]", "深化党的创新理论武装\n党支部标准化规范化建设")
    page.fill("input[name=meeting_from]", "2031-12-20")
    page.fill("input[name=meeting_to]", "2031-12-10")
    page.screenshot(path="test-artifacts/cycles-open-phone.png", full_page=True)
    page.click("main button[type=submit]")
    expect(page.locator("#id_meeting_to ~ .errorlist, .errorlist").first).to_be_visible()
    expect(page.locator("textarea[name=key_items]")).to_have_value("深化党的创新理论武装\n党支部标准化规范化建设")
    assert not ReviewCycle.objects.exists()

    page.fill("input[name=meeting_to]", "2031-12-30")
    page.click("main button[type=submit]")
    expect(page.locator(".messages .msg-warning")).to_contain_text("甲学院学生党支部")
    cycle = ReviewCycle.objects.get(year=2031)
    assert cycle.reviews.count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.click(f"main a[href='/cycles/{cycle.pk}/prior-problems/']")
    page.select_option("select[name=organization]", label="乙学院教工党支部")
    page.select_option("select[name=kind]", "notified")
    page.fill("textarea[name=text]", "党员教育管理不够严格")
    page.click("#add-problem button[type=submit]")
    expect(page.locator(f"#org-{college.branch_b1.pk}")).to_contain_text("党员教育管理不够严格")
    assert PriorProblem.objects.get(organization=college.branch_b1).year == 2030
    page.screenshot(path="test-artifacts/cycles-prior-problems-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
