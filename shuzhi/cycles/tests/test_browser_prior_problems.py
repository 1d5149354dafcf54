"""The org dept withdraws a prior-year problem entered by mistake, on a phone: the reason is required,
the withdrawal is confirmed, and the secretary no longer sees the problem."""

import pytest
from playwright.sync_api import expect

from conftest import PHONE, review_of
from shuzhi.cycles.models import PriorProblem

pytestmark = pytest.mark.browser

WRONG = "组织生活会质量不高，批评与自我批评辣味不足"


def test_org_dept_withdraws_a_wrongly_entered_problem_on_a_phone(college, cycle, page_for):
    problem = PriorProblem.objects.get(text=WRONG)
    page = page_for(college.org_dept, PHONE)
    page.goto(f"/cycles/{cycle.pk}/prior-problems/")
    item = page.locator(f"#problem-{problem.pk}")
    expect(item).to_contain_text(WRONG)

    # No reason: explained, nothing withdrawn, the box stays open.
    item.locator("summary").click()
    page.once("dialog", lambda dialog: dialog.accept())
    item.locator("button[type=submit]").click()
    item = page.locator(f"#problem-{problem.pk}")
    expect(item.locator(".errorlist")).to_contain_text("请简要说明撤回这个问题的原因")
    problem.refresh_from_db()
    assert problem.withdrawn_at is None
    item.screenshot(path="test-artifacts/cycles-prior-problem-withdraw-error-phone.png")

    # Cancelling the confirmation withdraws nothing.
    item.locator("input[name=reason]").fill("录错了党组织，应为乙学院教工党支部")
    page.once("dialog", lambda dialog: dialog.dismiss())
    item.locator("button[type=submit]").click()
    expect(item.locator("input[name=reason]")).to_have_value("录错了党组织，应为乙学院教工党支部")
    problem.refresh_from_db()
    assert problem.withdrawn_at is None

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    item.locator("button[type=submit]").dblclick()
    expect(page.locator(".messages")).to_contain_text("已撤回")
    expect(page.locator(f"#problem-{problem.pk}")).to_have_count(0)
    assert "撤回" in messages[0]
    problem.refresh_from_db()
    assert (
        problem.withdrawal_reason == "录错了党组织，应为乙学院教工党支部" and problem.withdrawn_by == college.org_dept
    )
    page.screenshot(path="test-artifacts/cycles-prior-problem-withdrawn-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The secretary no longer has to answer it.
    secretary = page_for(college.branch_a1_secretary, PHONE)
    secretary.goto(f"/cycles/review/{review_of(cycle, college.branch_a1).pk}/preparation/")
    expect(secretary.locator("#prior-problems")).not_to_contain_text(WRONG)
    expect(secretary.locator("#prior-problems")).to_contain_text("发展党员工作中对青年教师关注不够")
