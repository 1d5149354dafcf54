"""The home page's work list in chromium: a secretary on a phone reaches her returned report in one tap;
a 党总支 secretary on a desktop reaches a report waiting for 审核 in one click and passes it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE, review_of
from shuzhi.core.tests.test_home_worklist import submit
from shuzhi.reports import services
from shuzhi.reports.models import ReportStatus

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{name}.png"), full_page=True)


def test_a_secretary_on_a_phone_sees_her_returned_report_and_its_reason_and_opens_it_in_one_tap(
    college, cycle, page_for
):
    review = review_of(cycle, college.branch_a1)
    submit(review, college.branch_a1_secretary)
    services.vet(college.gb_a_secretary, review, version_number=1, outcome="returned", comment="请补充具体数据和案例。")
    page = page_for(college.branch_a1_secretary, PHONE)
    item = page.locator("#worklist .work-item", has_text="退回")
    expect(item).to_contain_text("请补充具体数据和案例。")
    expect(item).to_be_in_viewport()
    box = item.locator(".work-link").bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] >= 44  # a full-width target a thumb can hit
    shot(page, "secretary-phone")
    item.locator(".work-link").click()
    page.wait_for_url(f"**/reports/review/{review.pk}/")
    expect(page.locator("#returned-note")).to_contain_text("请补充具体数据和案例。")
    expect(page.locator("#report-form")).to_be_visible()


def test_a_general_branch_secretary_reaches_a_report_waiting_for_vetting_in_one_click_and_passes_it(
    college, cycle, page_for
):
    review = review_of(cycle, college.branch_a1)
    submit(review, college.branch_a1_secretary)
    page = page_for(college.gb_a_secretary, DESKTOP)
    item = page.locator("#worklist .work-item", has_text="甲学院教工党支部")
    expect(item).to_contain_text("审核")
    shot(page, "reviewer-desktop")
    item.locator(".work-link").click()
    page.wait_for_url(f"**/reports/review/{review.pk}/")
    page.check("#vet-form input[value=passed]")
    page.click("main #vet-form button[type=submit]")
    expect(page.locator("#report-status")).to_have_text("已通过")
    assert services.get_report(review).status == ReportStatus.ACCEPTED
    page.goto("/")
    expect(page.locator("#worklist")).not_to_contain_text("甲学院教工党支部")
