"""A 党总支 secretary grades her group on a desktop: from the home page to the grading page, the proposal,
a grade raised with a reason while the quota status follows, submitting refused over the cap, then
submitted once the cap is kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP
from shuzhi.evaluation.models import GradingStatus, ReviewGrade
from shuzhi.evaluation.tests.conftest import group_of_size

pytestmark = pytest.mark.browser
SHOTS = "/tmp/evaluation-shots"


def test_grading_a_group_change_with_a_reason_quota_status_and_the_cap(college, page_for):
    group = group_of_size(college, 10)
    page = page_for(college.gb_b_secretary, DESKTOP)
    page.get_by_role("link", name="2025年度：请评定乙学院党总支评议组的等次（10 人）；尚未生成等次建议。").click()
    page.wait_for_url(f"**/evaluation/groups/{group.pk}/")
    expect(page.locator("#grading-table tbody tr")).to_have_count(10)
    expect(page.locator("#grading-table")).to_contain_text("无日常考核")

    page.get_by_role("button", name="根据综合得分生成等次建议").click()
    expect(page.locator("#quota-good")).to_have_text("“好” 3 人，上限 3 人")
    expect(page.locator("#quota-low")).to_have_text("“一般”及以下 1 人，至少 1 人")
    page.screenshot(path=f"{SHOTS}/grading-proposed.png", full_page=True)

    raised = ReviewGrade.objects.filter(review__group=group, grade="fair").order_by("pk").first()
    row = page.locator(f"#row-{raised.review_id}")
    row.locator("select").select_option("good")
    # As edited, before saving: the quota status says 4 of at most 3.
    expect(page.locator("#quota-status")).to_contain_text("尚未保存")
    expect(page.locator("#quota-good")).to_have_text("“好” 4 人，上限 3 人")
    # Saving without a reason is refused; the choice stays.
    row.get_by_role("button", name="保存等次").click()
    expect(page.locator(f"#row-{raised.review_id} .field-error")).to_contain_text("请填写调整等次的原因")
    expect(page.locator(f"#row-{raised.review_id} select")).to_have_value("good")
    page.locator(f"#row-{raised.review_id} input[name=reason_{raised.review_id}]").fill("年度党建品牌创建成效显著")
    page.locator(f"#row-{raised.review_id}").get_by_role("button", name="保存等次").click()
    expect(page.locator(f"#row-{raised.review_id}")).to_contain_text("原因： 年度党建品牌创建成效显著")
    expect(page.locator("#quota-status")).to_contain_text("超出 1 人：这样不能提交。")
    page.screenshot(path=f"{SHOTS}/grading-over-cap.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交等次").click()
    expect(page.locator("#submit-card .form-error")).to_contain_text("超过上限 3 人：不能提交")
    assert ReviewGrade.objects.get(pk=raised.pk).grade == "good"

    # Lower another 好 with a reason, then submit.
    lowered = ReviewGrade.objects.filter(review__group=group, grade="good").exclude(pk=raised.pk).order_by("pk").first()
    row = page.locator(f"#row-{lowered.review_id}")
    row.locator("select").select_option("fair")
    row.locator(f"input[name=reason_{lowered.review_id}]").fill("名额所限，经研究调整")
    row.get_by_role("button", name="保存等次").click()
    # (the quota preview already counted the choice: wait for the save itself)
    expect(page.locator(f"#row-{lowered.review_id}")).to_contain_text("原因： 名额所限，经研究调整")
    expect(page.locator("#quota-status")).to_contain_text("未超过上限。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交等次").click()
    expect(page.locator("#grading-status")).to_have_text("已提交")
    expect(page.locator("#grade-changes")).to_contain_text("名额所限，经研究调整")
    page.screenshot(path=f"{SHOTS}/grading-submitted.png", full_page=True)
    group.grading.refresh_from_db()
    assert group.grading.status == GradingStatus.SUBMITTED
