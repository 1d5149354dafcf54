"""Recording a check on site, on a phone, in chromium: from the home page to the form, what was typed
kept across a reload and a dropped connection, a score out of range refused with everything kept, and
the check recorded with a photo from the camera input."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import PHONE, review_of
from shuzhi.assessment import services
from shuzhi.assessment.models import Check, CheckStatus
from shuzhi.attachments.models import Attachment
from shuzhi.attachments.tests.samples import FILES

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/assessment-shots")


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fill_scores(page, indicators, values):
    for indicator, value in zip(indicators, values, strict=True):
        page.fill(f"#id_score_{indicator.pk}", value)
        page.fill(f"#id_reason_{indicator.pk}", f"{indicator.name}：看到了实际工作")


def test_a_general_branch_leader_records_a_check_on_site_on_a_phone(college, cycle, page_for):
    indicators = services.indicators_of(cycle)
    page = page_for(college.gb_a_secretary, PHONE)
    page.click(f"#worklist a[href='/assessment/cycles/{cycle.pk}/']")
    page.click("#new-check")
    expect(page.locator("#check-form")).to_be_visible()
    page.select_option("#id_organization", str(college.branch_a1.pk))
    page.fill("#id_place", "教工党支部活动室")
    page.click("label.method-toggle:has-text('到现场看')")
    page.click("label.method-toggle:has-text('听群众说')")
    page.click("label.method-toggle:has-text('看台账')")
    page.fill("#id_seen", "党员活动室布置规范，墙上有本月主题党日安排")
    page.fill("#id_heard", "两名教师党员说支部每月都组织集中学习")
    fill_scores(page, indicators, ["26", "35", "20", "12"])
    shot(page, "form-phone")
    box = page.locator("#record-button").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 150  # a thumb's target

    # The page is reloaded (or the tab closed) before anything was sent: it is offered back.
    page.reload()
    expect(page.locator("#restore-offer")).to_be_visible()
    page.click("#restore-yes")
    expect(page.locator("#id_seen")).to_have_value("党员活动室布置规范，墙上有本月主题党日安排")
    expect(page.locator(f"#id_score_{indicators[1].pk}")).to_have_value("35")
    expect(page.locator("input[value=ledgers]")).to_be_checked()

    # Offline on site: the form is not sent, and says so; nothing typed is lost.
    page.context.set_offline(True)
    page.click("#record-button")
    expect(page.locator("#check-status")).to_contain_text("没有网络连接")
    assert "/new/" in page.url and not Check.objects.exists()
    page.context.set_offline(False)
    expect(page.locator("#check-status")).to_contain_text("网络已恢复")

    # Sent: a score out of range is refused by the server; everything typed comes back.
    page.set_input_files("#id_photos", str(FILES / "photo.jpg"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#record-button")
    shot(page, "form-refused-phone")
    expect(page.locator(f"#id_score_{indicators[1].pk}_error")).to_contain_text(
        "“党支部建设”的得分须在 0 至 30 分之间。"
    )
    expect(page.locator("#id_seen")).to_have_value("党员活动室布置规范，墙上有本月主题党日安排")
    expect(page.locator("#id_heard")).to_have_value("两名教师党员说支部每月都组织集中学习")
    expect(page.locator(f"#id_score_{indicators[1].pk}")).to_have_value("35")
    shot(page, "form-refused-phone")
    assert not Check.objects.exists()

    page.fill(f"#id_score_{indicators[1].pk}", "24.5")
    page.set_input_files("#id_photos", str(FILES / "photo.jpg"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#record-button")
    expect(page.locator("#check-status-badge")).to_have_text("已记录")
    shot(page, "check-recorded-phone")
    check = Check.objects.get()
    assert check.status == CheckStatus.RECORDED and check.methods == ["on_site", "people", "ledgers"]
    assert Attachment.objects.get().owner_id == check.pk
    expect(page.locator("#check-methods")).to_contain_text("看台账（非首选）")
    expect(page.locator("#files")).to_contain_text("photo.jpg")
    assert page.evaluate(f"localStorage.getItem('shuzhi:check:new:{cycle.pk}')") is None

    # The checked secretary sees it on her report page, with how the score was reached.
    secretary = page_for(college.branch_a1_secretary, PHONE)
    secretary.goto(f"/reports/review/{review_of(cycle, college.branch_a1).pk}/")
    expect(secretary.locator("#daily-total")).to_have_text("82.50")
    expect(secretary.locator("#daily-rule")).to_contain_text("平均分")
    shot(secretary, "daily-score-secretary-phone")
    secretary.click(f"#daily-checks a[href='/assessment/checks/{check.pk}/']")
    expect(secretary.locator("#check-seen")).to_contain_text("党员活动室布置规范")


def test_a_saved_draft_comes_back_after_the_connection_drops(college, cycle, page_for):
    indicators = services.indicators_of(cycle)
    page = page_for(college.org_dept, PHONE)
    page.goto(f"/assessment/cycles/{cycle.pk}/new/?organization={college.direct.pk}")
    expect(page.locator("#id_organization")).to_have_value(str(college.direct.pk))
    page.fill("#id_seen", "直属支部：看了组织生活记录")
    page.click("#draft-button")
    expect(page.locator(".messages")).to_contain_text("草稿已保存。")
    check = Check.objects.get()
    assert page.url.endswith(f"/assessment/checks/{check.pk}/edit/")
    assert page.evaluate(f"localStorage.getItem('shuzhi:check:new:{cycle.pk}')") is None

    page.fill(f"#id_score_{indicators[0].pk}", "28")
    page.context.set_offline(True)
    page.fill(f"#id_reason_{indicators[0].pk}", "组织生活按期开展")
    page.click("#draft-button")
    expect(page.locator("#check-status")).to_contain_text("没有网络连接")
    page.context.set_offline(False)
    page.goto(f"/assessment/checks/{check.pk}/edit/")
    expect(page.locator("#restore-offer")).to_be_visible()
    page.click("#restore-yes")
    expect(page.locator(f"#id_score_{indicators[0].pk}")).to_have_value("28")
    expect(page.locator(f"#id_reason_{indicators[0].pk}")).to_have_value("组织生活按期开展")
    page.click("#draft-button")
    expect(page.locator(".messages")).to_contain_text("草稿已保存。")
    check.refresh_from_db()
    assert check.scores.get(indicator=indicators[0]).reason == "组织生活按期开展"

    page.goto("/")
    expect(page.locator("#worklist")).to_contain_text("请完成并记录您对机关直属党支部的检查草稿。")
