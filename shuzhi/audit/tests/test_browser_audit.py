"""The org dept reads the audit log in chromium (desktop) and narrows it with the filters."""

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP
from shuzhi.orgs import services

pytestmark = pytest.mark.browser


def test_org_dept_filters_the_audit_log(college, page_for):
    services.update_organization(college.org_dept, college.direct, name="机关第二直属党支部")
    services.update_person(
        college.org_dept,
        college.branch_a1_secretary.person,
        name="支书甲一",
        staff_no="90005",
        phone="13912345678",
        gender="M",
        is_party_member=True,
    )
    page = page_for(college.org_dept, DESKTOP)
    page.get_by_role("link", name="操作日志", exact=True).click()
    expect(page.locator("h1")).to_have_text("操作日志")
    verbs = page.locator("#audit-table td.verb")

    page.select_option("select[name=verb]", label="修改党组织")
    page.click("#audit-filters button[type=submit]")
    expect(page.locator("#audit-table")).to_contain_text("机关第二直属党支部")
    expect(verbs).to_have_count(1)

    page.select_option("select[name=verb]", label="—")
    page.fill("input[name=person]", "90005")
    page.select_option("select[name=object_type]", label="人员")
    page.click("#audit-filters button[type=submit]")
    expect(page.locator("#audit-table")).to_contain_text("13912345678")
    expect(verbs).to_have_text(["修改人员信息", "新增人员"])
    page.screenshot(path="/tmp/audit_filtered.png", full_page=True)

    page.get_by_role("link", name="清除", exact=True).click()
    page.select_option("select[name=organization]", label="乙学院教工党支部")
    page.click("#audit-filters button[type=submit]")
    expect(page.locator("#audit-table tbody tr")).not_to_have_count(0)
    for text in page.locator("#audit-table tbody tr td:nth-child(4)").all_inner_texts():
        assert "乙学院教工党支部" in text

    page.fill("input[name=date_from]", "2026-05-02")
    page.fill("input[name=date_to]", "2026-05-01")
    page.click("#audit-filters button[type=submit]")
    expect(page.locator("#audit-filters")).to_contain_text("结束日期早于开始日期。")
    expect(page.locator("input[name=date_from]")).to_have_value("2026-05-02")
    expect(page.locator("select[name=organization] option:checked")).to_have_text("乙学院教工党支部")
    page.screenshot(path="/tmp/audit_bad_dates.png", full_page=True)
