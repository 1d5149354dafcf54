"""Working the tree in chromium, phone-sized: create, rename, appoint, deactivate."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE
from shuzhi.orgs.models import Organization, Position

pytestmark = pytest.mark.browser


def test_org_dept_works_the_tree_on_a_phone(college, page_for):
    page = page_for(college.org_dept, PHONE)
    page.click("label.nav-toggle-label")
    page.get_by_role("link", name="组织", exact=True).click()
    expect(page.locator("#org-tree")).to_contain_text("甲学院党总支")

    page.get_by_role("link", name="甲学院党总支").click()
    page.get_by_role("link", name="在其下新增组织").click()
    page.fill("input[name=name]", "甲学院教工第三党支部")
    page.select_option("select[name=kind]", "branch")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("甲学院教工第三党支部")
    created = Organization.objects.get(name="甲学院教工第三党支部")
    assert created.parent_id == college.gb_a.pk

    page.get_by_role("link", name="新增职务").click()
    page.fill("input[name=staff_no]", "90002")
    page.select_option("select[name=role]", "secretary")
    page.click("main button[type=submit]")
    expect(page.locator("#current-positions")).to_contain_text("委员乙")
    assert Position.objects.filter(organization=created, role="secretary").exists()

    page.get_by_role("link", name="重命名").click()
    page.fill("input[name=name]", "甲学院教工第三党支部（新）")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("（新）")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="停用").click()
    expect(page.locator(".messages")).to_contain_text("已停用")
    created.refresh_from_db()
    assert not created.is_active
    page.screenshot(path="test-artifacts/tree-phone.png", full_page=True)


def test_bad_input_in_the_browser_keeps_the_text(college, page_for):
    page = page_for(college.org_dept, PHONE)
    page.goto("/orgs/new/")
    page.fill("input[name=name]", "<b>放错位置</b>")
    page.select_option("select[name=kind]", "branch")
    page.select_option("select[name=parent]", label="学校党委")
    page.click("main button[type=submit]")
    expect(page.locator(".form-error").first).to_be_visible()
    expect(page.locator("input[name=name]")).to_have_value("<b>放错位置</b>")
    assert not Organization.objects.filter(name__contains="放错位置").exists()


def test_people_search_filters_as_you_type(college, page_for):
    page = page_for(college.org_dept, DESKTOP)
    page.goto("/orgs/people/")
    page.fill("input[name=q]", "支书乙")
    expect(page.locator("#people-rows")).not_to_contain_text("支书甲一")
    expect(page.locator("#people-rows")).to_contain_text("支书乙一")
    expect(page).to_have_url(re.compile(r"q=%E6%94%AF%E4%B9%A6%E4%B9%99"))


def test_branch_secretary_sees_only_own_branch_in_the_browser(college, page_for):
    page = page_for(college.branch_a1_secretary, PHONE)
    page.goto("/orgs/")
    expect(page.locator("#org-tree")).to_contain_text("甲学院教工党支部")
    expect(page.locator("#org-tree")).not_to_contain_text("乙学院")
    response = page.goto(f"/orgs/{college.branch_b1.pk}/")
    assert response.status == 404
