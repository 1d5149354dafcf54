"""Review meetings in chromium: the org dept schedules and runs a meeting at a desk; a committee member
comments on a phone."""

import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE, review_of
from shuzhi.meetings.models import Comment, Meeting

pytestmark = pytest.mark.browser

ARTIFACTS = "test-artifacts"


def test_org_dept_schedules_reorders_and_steps_the_presenter_screen(college, cycle, page_for):
    page = page_for(college.org_dept, DESKTOP)
    page.goto("/meetings/")
    page.locator("#schedule-meeting").click()
    expect(page.locator("#id_title")).to_have_value(re.compile("党委扩大会议"))
    page.wait_for_load_state("load")  # meetings.js (deferred) listens for the change below

    # Choosing another organisation reloads the form for it (meetings.js), and back.
    page.select_option("#scope-reviewer", str(college.gb_a.pk))
    expect(page.locator("#id_title")).to_have_value(re.compile("甲学院党总支"))
    expect(page.locator("#presenters")).to_contain_text("甲学院教工党支部")
    page.select_option("#scope-reviewer", str(college.committee.pk))
    expect(page.locator("#presenters")).to_contain_text("机关直属党支部")

    page.fill("#id_starts_at", "2026-12-20T09:00")
    page.fill("#id_place", "行政楼第一会议室")
    page.fill("#id_expected_attendees", "60")
    for org in (college.gb_a, college.gb_b, college.direct):
        page.check(f"#id_on_{review_of(cycle, org).pk}")
    page.check(f"#id_mode_{review_of(cycle, college.direct).pk}_1")  # written
    page.screenshot(path=f"{ARTIFACTS}/meetings-create-desktop.png", full_page=True)
    page.locator("#meeting-form button[type=submit]").click()

    meeting = Meeting.objects.get()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    expect(page.locator(".agenda-item")).to_have_count(3)
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-20 09:00"
    first, second, third = (item.review_id for item in meeting.agenda.all())

    # Move the first presenter down: htmx swaps the agenda in place.
    page.locator(f"#down-{first}").click()
    expect(page.locator(".agenda-item").nth(1)).to_have_attribute("data-review", str(first))
    assert list(meeting.agenda.values_list("review_id", flat=True)) == [second, first, third]
    page.screenshot(path=f"{ARTIFACTS}/meetings-detail-desktop.png", full_page=True)

    # The presenter screen, stepped with the keyboard.
    page.locator("#open-screen").click()
    expect(page.locator(".screen-head")).to_contain_text(meeting.title)
    page.screenshot(path=f"{ARTIFACTS}/meetings-screen-start-desktop.png")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#screen-position")).to_contain_text("1 / 3")
    expect(page.locator("#screen-org")).to_have_text(cycle.reviews.get(pk=second).organization.name)
    page.screenshot(path=f"{ARTIFACTS}/meetings-screen-presenter-desktop.png")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#screen-position")).to_contain_text("2 / 3")
    page.keyboard.press("PageDown")
    expect(page.locator("#screen-position")).to_contain_text("3 / 3")
    page.screenshot(path=f"{ARTIFACTS}/meetings-screen-written-desktop.png")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#screen-end")).to_have_text(pgettext("presenter screen", "Comments"))
    assert Meeting.objects.get().current_item == 4
    page.screenshot(path=f"{ARTIFACTS}/meetings-screen-end-desktop.png")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#screen-position")).to_contain_text("3 / 3")

    # The buttons work too, and the page survives a reload where it was.
    page.locator("#screen-prev").click()
    expect(page.locator("#screen-position")).to_contain_text("2 / 3")
    page.reload()
    expect(page.locator("#screen-position")).to_contain_text("2 / 3")

    # A projector is often 1024×768: the longest names must still fit.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=f"{ARTIFACTS}/meetings-screen-projector-1024.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_committee_member_comments_on_a_phone(college, cycle, meeting, page_for):
    page = page_for(college.committee_member, PHONE)
    page.goto("/meetings/")
    page.get_by_role("link", name=meeting.title).click()
    expect(page.locator(".agenda-item")).to_have_count(3)
    page.screenshot(path=f"{ARTIFACTS}/meetings-detail-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#open-comments").click()
    review = review_of(cycle, college.gb_b)
    section = page.locator(f"#comments-{review.pk}")
    page.locator(f'.comment-index a[href="#comments-{review.pk}"]').click()
    section.locator("summary").click()

    # The 职务 is a choice among the member's current positions, not free text.
    role = section.locator("select[name=author_role]")
    expect(role.locator("option:checked")).to_have_text("学校党委委员")
    expect(role.locator("option")).to_have_count(1)
    assert section.locator("input[name=author_role]").count() == 0

    # Nothing typed in the required box: the message is shown and the rest is kept.
    section.locator("textarea[name=direction]").fill("多到一线听取党员意见")
    section.locator("button[type=submit]").click()
    expect(section.locator(".errorlist")).to_contain_text(_("State the problems pointed out."))
    expect(section.locator("textarea[name=direction]")).to_have_value("多到一线听取党员意见")
    expect(section.locator("textarea[name=problems]")).to_be_focused()
    assert not Comment.objects.exists()
    section.screenshot(path=f"{ARTIFACTS}/meetings-comment-error-phone.png")

    section.locator("textarea[name=problems]").fill("调研不够深入，问题查摆不具体")
    section.locator("button[type=submit]").click()
    expect(section.locator(".comment")).to_have_count(1)
    expect(section.locator(".comment")).to_contain_text("调研不够深入")
    expect(page.locator(f"#count-{review.pk}")).to_have_text("1")
    comment = Comment.objects.get()
    assert comment.review == review and comment.author == college.committee_member
    assert comment.direction == "多到一线听取党员意见" and comment.author_role == "学校党委委员"
    expect(section.locator(".comment-meta")).to_contain_text("学校党委委员")
    page.screenshot(path=f"{ARTIFACTS}/meetings-comments-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_secretary_with_two_positions_picks_one_on_a_phone(college, cycle, page_for):
    """The same person's 职务 reads the same on every comment: chosen among the positions on record."""
    from shuzhi.meetings import services
    from shuzhi.orgs import services as org_services
    from shuzhi.orgs.models import PositionRole

    org_services.appoint(
        "test",
        person=college.gb_a_secretary.person,
        organization=college.gb_a,
        role=PositionRole.ORGANIZER,
        start_date=timezone.localdate(),
    )
    meeting = services.schedule_meeting(
        college.gb_a_secretary,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    review = review_of(cycle, college.branch_a1)
    page = page_for(college.gb_a_secretary, PHONE)
    page.goto(f"/meetings/{meeting.pk}/comments/")
    section = page.locator(f"#comments-{review.pk}")
    section.locator("summary").click()
    role = section.locator("select[name=author_role]")
    expect(role.locator("option")).to_have_text(["甲学院党总支书记", "甲学院党总支组织员"])
    expect(role.locator("option:checked")).to_have_text("甲学院党总支书记")
    box = role.bounding_box()
    assert box["height"] >= 36 and box["x"] + box["width"] <= PHONE["width"]  # as tall as the other fields
    section.screenshot(path=f"{ARTIFACTS}/meetings-comment-role-phone.png")
    role.select_option(label="甲学院党总支组织员")
    section.locator("textarea[name=problems]").fill("组织生活会质量不高")
    section.locator("button[type=submit]").click()
    expect(section.locator(".comment-meta")).to_contain_text("甲学院党总支组织员")
    assert Comment.objects.get().author_role == "甲学院党总支组织员"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
