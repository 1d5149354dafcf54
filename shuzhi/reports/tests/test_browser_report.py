"""The duty report in chromium: writing on a phone with autosave, returning and resubmitting, two tabs
in conflict, and a dropped connection."""

import re
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE, review_of
from shuzhi.cycles import services as cycle_services
from shuzhi.reports import quality, services
from shuzhi.reports.models import ReportStatus

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
SAVE_TIMEOUT = 15_000


@pytest.fixture(autouse=True, scope="module")
def warm_quality_check():
    """The first quality check of a process loads the word segmenter (seconds): not inside a page load."""
    quality.check_report(quality.ReportText((), "我带头讲党课。", "", "", ()))


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"), full_page=True)


def wait_saved(page):
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "saved", timeout=SAVE_TIMEOUT)
    expect(status).to_contain_text(re.compile(re.escape(_("Saved")) + r" \d\d:\d\d:\d\d"))


def editor(page, review):
    page.goto(f"/reports/review/{review.pk}/")
    expect(page.locator("#report-form")).to_be_visible()


def test_secretary_writes_on_a_phone_and_the_reviewer_returns_it(college, cycle, page_for):
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    editor(page, review)
    for problem in cycle_services.prior_problems_for(review):
        page.fill(f"textarea[name=answer_{problem.pk}]", "已整改：" + problem.text + "，本人牵头制定了整改方案。")
    page.fill("textarea[name=practices]", "我带头讲专题党课3次。\n<b>不是粗体</b>")
    page.fill("textarea[name=problems]", "理论学习深度不够。")
    page.fill("textarea[name=next_steps]", "每月开展一次专题研讨。")
    wait_saved(page)
    expect(page.locator("#findings-count")).not_to_have_text("")
    shot(page, "editor-phone-saved")
    assert services.get_report(review).practices == "我带头讲专题党课3次。\n<b>不是粗体</b>"

    page.reload()
    expect(page.locator("textarea[name=practices]")).to_have_value("我带头讲专题党课3次。\n<b>不是粗体</b>")
    expect(page.locator("#restore-offer")).to_be_hidden()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("main #submit-button")
    expect(page.locator("#report-status")).to_have_class(re.compile("status-submitted"))
    expect(page.locator("#report-body")).to_contain_text("<b>不是粗体</b>")
    shot(page, "submitted-phone")

    reviewer = page_for(college.gb_a_secretary, DESKTOP)
    reviewer.goto(f"/reports/review/{review.pk}/")
    reviewer.check("#vet-form input[value=returned]")
    reviewer.fill("#vet-form textarea[name=comment]", "请补充具体数据。")
    shot(reviewer, "reviewer-desktop")
    reviewer.click("main #vet-form button[type=submit]")
    expect(reviewer.locator("#vetting-history")).to_contain_text("请补充具体数据。")
    assert services.get_report(review).status == ReportStatus.RETURNED

    editor(page, review)
    expect(page.locator("#returned-note")).to_contain_text("请补充具体数据。")
    page.fill("textarea[name=practices]", "我带头讲专题党课5次，谈心谈话20人次。")
    wait_saved(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("main #submit-button")
    expect(page.locator("#report-status")).to_have_class(re.compile("status-submitted"))
    assert services.get_report(review).versions.count() == 2

    reviewer.goto(f"/reports/review/{review.pk}/versions/")
    expect(reviewer.locator("#diff-practices ins").first).to_be_visible()
    shot(reviewer, "versions-desktop")
    page.goto(f"/reports/review/{review.pk}/print/")
    expect(page.locator("#official-report")).to_contain_text("谈心谈话20人次")
    shot(page, "print-phone")


def test_two_tabs_typing_at_once_show_a_conflict_instead_of_overwriting(college, cycle, page_for):
    review = review_of(cycle, college.branch_a1)
    first = page_for(college.branch_a1_secretary, PHONE)
    second = first.context.new_page()
    editor(first, review)
    editor(second, review)
    first.fill("textarea[name=practices]", "第一个标签页写的")
    wait_saved(first)
    second.fill("textarea[name=practices]", "第二个标签页写的")
    banner = second.locator("#conflict-banner")
    expect(banner).to_be_visible(timeout=SAVE_TIMEOUT)
    expect(second.locator("#save-status")).to_have_attribute("data-state", "conflict")
    expect(second.locator("textarea[name=practices]")).to_have_value("第二个标签页写的")
    expect(banner.locator("#open-latest")).to_have_attribute("target", "_blank")
    shot(second, "conflict-phone")
    second.fill("textarea[name=practices]", "第二个标签页写的，又加了一句")  # no more automatic saves
    second.wait_for_timeout(3000)
    assert services.get_report(review).practices == "第一个标签页写的"

    second.reload()  # the text typed in the second tab is offered back, with the warning that it is older
    expect(second.locator("#restore-offer")).to_be_visible()
    expect(second.locator("#restore-older")).to_be_visible()
    expect(second.locator("textarea[name=practices]")).to_have_value("第一个标签页写的")
    second.click("#restore-yes")
    expect(second.locator("textarea[name=practices]")).to_have_value("第二个标签页写的，又加了一句")
    second.wait_for_timeout(2500)
    assert services.get_report(review).practices == "第一个标签页写的"  # saved only when asked
    second.click("main #save-button")
    wait_saved(second)
    assert services.get_report(review).practices == "第二个标签页写的，又加了一句"


def test_a_dropped_connection_keeps_the_text_on_the_device(college, cycle, page_for, monkeypatch):
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    context = page.context
    # On a real dropped connection the beacon sent as the tab closes is lost too. Chromium's offline
    # emulation belongs to the page, so the beacon of a closing page sometimes still gets through:
    # take it out, so that this test always exercises the copy kept on the device.
    context.add_init_script("navigator.sendBeacon = function () { return false; };")
    # Likewise a request of the closing tab can still leave it once the emulation ends with the tab
    # (seen under load): while the connection is "down", the server never receives a save.
    dropped = {"on": False}
    real_save = services.save_draft

    def save_unless_dropped(*args, **kwargs):
        if dropped["on"]:
            raise ConnectionAbortedError("the connection is down in this test")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(services, "save_draft", save_unless_dropped)
    typed = "断网时写下的内容"
    editor(page, review)
    dropped["on"] = True
    context.set_offline(True)
    page.fill("textarea[name=practices]", typed)
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "offline", timeout=SAVE_TIMEOUT)
    expect(status).to_have_text(_("Network down: your text is kept on this device"))
    shot(page, "offline-phone")
    # The tab is gone while offline: leave the page first (goto returns once the editor's document is
    # unloaded, so none of its timers or "online" handlers can run later), then close the tab.
    page.goto("about:blank")
    page.close()
    assert services.get_report(review).practices == ""

    context.set_offline(False)
    page = context.new_page()
    editor(page, review)
    offer = page.locator("#restore-offer")
    expect(offer).to_be_visible()
    dropped["on"] = False
    expect(page.locator("#restore-older")).to_be_hidden()
    shot(page, "restore-offer-phone")
    page.click("#restore-yes")
    expect(page.locator("textarea[name=practices]")).to_have_value(typed)
    wait_saved(page)
    assert services.get_report(review).practices == typed
    page.reload()
    expect(page.locator("#restore-offer")).to_be_hidden()


def test_coming_back_online_saves_what_was_typed(college, cycle, page_for):
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    editor(page, review)
    page.context.set_offline(True)
    page.fill("textarea[name=problems]", "网络恢复后自动保存")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "offline", timeout=SAVE_TIMEOUT)
    page.context.set_offline(False)
    wait_saved(page)
    assert services.get_report(review).problems == "网络恢复后自动保存"


def test_an_expired_session_keeps_the_text_and_says_so(college, cycle, page_for):
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    editor(page, review)
    page.context.clear_cookies()
    page.fill("textarea[name=next_steps]", "登录过期时写的")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "expired", timeout=SAVE_TIMEOUT)
    expect(page.locator("textarea[name=next_steps]")).to_have_value("登录过期时写的")
    stored = page.evaluate(f"localStorage.getItem('shuzhi:report:{review.pk}')")
    assert "登录过期时写的" in stored


def test_a_too_long_paste_is_refused_and_kept(college, cycle, page_for):
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    editor(page, review)
    page.fill("textarea[name=practices]", "字" * 20_001)
    expect(page.locator("#error-practices")).to_contain_text("20000", timeout=SAVE_TIMEOUT)
    expect(page.locator("#save-status")).to_have_attribute("data-state", "invalid")
    expect(page.locator("[data-counter-for=id_practices]")).to_have_class(re.compile("over"))
    assert page.locator("textarea[name=practices]").input_value() == "字" * 20_001
    shot(page, "too-long-phone")


def test_org_dept_fixes_a_mistake_in_the_rules_on_a_phone(college, page_for):
    from shuzhi.reports.models import QualityRules

    page = page_for(college.org_dept, PHONE)
    page.goto("/reports/quality-rules/")
    expect(page.locator("#rule-work_report")).to_be_visible()
    box = page.locator("textarea[name=data]")
    text = box.input_value().replace('"max_personal_share": ', '"max_personal_share": 5', 1)
    box.fill(text)
    page.click("main #rules-form button[type=submit]")
    expect(page.locator("#rules-form .errorlist")).to_contain_text("max_personal_share")
    expect(page.locator("textarea[name=data]")).to_have_value(text)
    shot(page, "rules-error-phone")
    assert not QualityRules.objects.exists()


def test_a_refused_submit_and_the_save_bar_say_the_same(college, cycle, page_for):
    """Submit pressed on an empty report, then on a half-written one: the message and the bar agree."""
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.branch_a1_secretary, PHONE)
    editor(page, review)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#submit-button").click()
    expect(page.locator("#error-__all__")).to_contain_text(_("Nothing is saved yet: the report is still empty."))
    expect(page.locator("#save-status")).to_have_text(_("Not saved yet"))
    expect(page.locator("#error-__all__")).not_to_contain_text("草稿已保存")

    page.fill("textarea[name=practices]", "我带头讲专题党课3次。")
    wait_saved(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#submit-button").click()
    expect(page.locator("#error-__all__")).to_contain_text("草稿已保存")
    saved_at = page.locator("#save-status").inner_text().split()[-1]
    expect(page.locator("#error-__all__")).to_contain_text(f"草稿已保存（{saved_at}）")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    shot(page, "submit-refused-phone")
