"""Submitting a report with findings on a phone: the secretary is told how many findings the quality check has
(for the text as typed, not as last saved) and may submit all the same; the check never blocks."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import PHONE, review_of
from shuzhi.cycles import services as cycle_services
from shuzhi.reports import quality, services
from shuzhi.reports.models import ReportStatus

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/quality-shots")
UNIT_RESULTS = (
    "学院今年招生1100人，新生报到率96%，毕业生就业率97.5%，专升本录取156人。"
    "教师获省级教学成果奖二等奖1项，立项省级课题2项，发表论文26篇。"
    "学生在全国技能大赛中获一等奖1项，新建实训中心1个，到账经费75万元。"
)


@pytest.fixture(autouse=True, scope="module")
def warm_quality_check():
    quality.check_report(quality.ReportText((), "我带头讲党课。", "", "", ()))


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_the_secretary_sees_the_number_of_findings_and_still_submits_on_a_phone(college, cycle, page_for):
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    page.goto(f"/reports/review/{review.pk}/")
    expect(page.locator("#report-form")).to_be_visible()
    for problem in cycle_services.prior_problems_for(review):
        page.fill(f"textarea[name=answer_{problem.pk}]", "已基本整改到位。")
    page.fill("textarea[name=problems]", "一是理论学习还不够深入。二是工作创新还有待加强。")
    page.fill("textarea[name=next_steps]", "一是进一步加强学习。二是继续做好各项工作，推动支部建设再上新台阶。")
    page.fill("textarea[name=practices]", UNIT_RESULTS)
    # Submit at once, before the autosave: the question waits for the check of this very text.
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("main #submit-button")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=15_000)
    page.wait_for_function("() => !document.getElementById('submit-button').disabled")
    count = int(page.locator("#findings-count").inner_text())
    assert count >= 4
    assert messages and f"体检对这份报告有 {count} 条提示" in messages[0] and "仍可提交" in messages[0]
    assert services.get_report(review).status != ReportStatus.SUBMITTED  # dismissed: nothing submitted

    line = page.locator("#submit-findings")
    expect(line).to_be_visible()
    expect(line).to_contain_text(f"体检提示 {count} 条")
    expect(line).to_contain_text("不影响提交")
    box = line.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    shot(page, "submit-findings-phone")

    findings = page.locator("#findings .finding")
    expect(findings.first).to_be_visible()
    rules = {findings.nth(i).get_attribute("data-rule") for i in range(findings.count())}
    assert {"unit_work", "unanswered_problem", "vague"} <= rules
    page.locator('#findings .finding[data-rule="unit_work"]').scroll_into_view_if_needed()
    shot(page, "findings-panel-phone")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("main #submit-button")
    expect(page.locator("#report-status")).to_have_class(re.compile("status-submitted"))
    assert services.get_report(review).status == ReportStatus.SUBMITTED
    shot(page, "submitted-with-findings-phone")


def test_the_question_names_the_findings_only_when_there_are_some(college, cycle, page_for):
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    page.goto(f"/reports/review/{review.pk}/")
    page.fill("textarea[name=practices]", "我带头讲专题党课3次。")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=15_000)
    count = int(page.locator("#findings-count").inner_text())
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("main #submit-button")
    page.wait_for_function("() => !document.getElementById('submit-button').disabled")
    page.wait_for_timeout(200)
    assert messages
    assert ("体检对这份报告有" in messages[0]) == (count > 0)
    assert "提交" in messages[0]
