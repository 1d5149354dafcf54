"""The org dept watches a cycle's progress board on a desktop and filters it."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE, review_of
from shuzhi.reports.models import DutyReport, ReportStatus

pytestmark = pytest.mark.browser


def test_org_dept_opens_a_cycle_and_filters_the_board(college, cycle, page_for):
    DutyReport.objects.create(review=review_of(cycle, college.branch_a1), status=ReportStatus.SUBMITTED)
    page = page_for(college.org_dept, DESKTOP)
    page.goto("/cycles/")
    page.get_by_role("link", name=cycle.title).click()
    page.wait_for_url(f"**/cycles/{cycle.pk}/")  # waits for "load": htmx (deferred) drives the filters
    expect(page.locator("#cycle-stages li[aria-current=step]")).to_have_count(1)
    table = page.locator("#progress-table tbody")
    expect(table.locator("tr")).to_have_count(5)

    page.select_option("select[name=reviewer]", str(college.gb_a.pk))
    expect(table.locator("tr")).to_have_count(1)
    expect(table).to_contain_text("甲学院教工党支部")
    expect(page).to_have_url(re.compile(rf"reviewer={college.gb_a.pk}"))
    expect(page.locator("#progress a[href*='progress.xlsx']")).to_have_attribute(
        "href", re.compile(rf"reviewer={college.gb_a.pk}")
    )

    page.select_option("select[name=reviewer]", "")
    page.fill("input[name=q]", "乙学院")
    expect(table.locator("tr")).to_have_count(2)
    page.select_option("select[name=status]", ReportStatus.SUBMITTED)
    expect(table.locator("tr[data-review]")).to_have_count(0)
    expect(table.locator("td.muted")).to_be_visible()  # "nothing matches" rather than an empty table
    page.select_option("select[name=status]", "")
    page.fill("input[name=q]", "")
    expect(table.locator("tr")).to_have_count(5)
    page.screenshot(path="test-artifacts/cycles-progress-desktop.png", full_page=True)


def test_the_board_reads_well_on_a_phone(college, cycle, page_for):
    page = page_for(college.gb_a_secretary, PHONE)
    page.goto(f"/cycles/{cycle.pk}/")
    expect(page.locator("#progress-table tbody tr")).to_have_count(2)
    page.screenshot(path="test-artifacts/cycles-progress-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
