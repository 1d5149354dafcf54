"""The list of review meetings (/meetings/)."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.meetings import services


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def gb_a_meeting(college, cycle):
    return services.schedule_meeting(
        college.gb_a_secretary,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )


def test_org_dept_sees_every_meeting_grouped_under_its_cycle_and_may_schedule(
    college, cycle, meeting, gb_a_meeting, client_for
):
    html = page(client_for(college.org_dept).get("/meetings/"))
    assert cycle.title in html and meeting.title in html and gb_a_meeting.title in html
    assert html.index(cycle.title) < html.index(meeting.title)
    assert html.index(meeting.title) < html.index(gb_a_meeting.title)  # in time order within the cycle
    assert 'id="schedule-meeting"' in html and f"/meetings/{meeting.pk}/" in html


def test_cycles_are_listed_newest_first(college, cycle, meeting, client_for):
    from shuzhi.cycles import services as cycle_services

    older = cycle_services.open_cycle(college.org_dept, year=2025, title="2025年度述职评议考核", key_items=[]).cycle
    old_meeting = services.schedule_meeting(
        college.org_dept,
        cycle=older,
        reviewer=college.committee,
        title="去年的述职评议会",
        starts_at=timezone.now(),
        place="礼堂",
    )
    html = page(client_for(college.org_dept).get("/meetings/"))
    assert html.index(meeting.title) < html.index(old_meeting.title)


def test_general_branch_leader_sees_only_own_meetings_and_may_schedule(
    college, cycle, meeting, gb_a_meeting, client_for
):
    html = page(client_for(college.gb_a_secretary).get("/meetings/"))
    assert gb_a_meeting.title in html and f"/meetings/{meeting.pk}/" not in html
    assert 'id="schedule-meeting"' in html


def test_other_general_branch_sees_neither_meeting(college, cycle, meeting, gb_a_meeting, client_for):
    html = page(client_for(college.gb_b_secretary).get("/meetings/"))
    assert gb_a_meeting.title not in html
    assert f"/meetings/{meeting.pk}/" not in html and f"/meetings/{gb_a_meeting.pk}/" not in html
    assert 'id="schedule-meeting"' in html  # for its own 党总支


def test_a_presenter_sees_where_and_when_she_presents_and_reaches_her_result(college, cycle, meeting, client_for):
    """乙学院党总支's secretary presents at the committee's meeting: she cannot open the meeting's page, but
    the list says when and where, and links to her report and her own result."""
    html = page(client_for(college.gb_b_secretary).get("/meetings/"))
    presenting = html.split('id="presenting"')[1].split("</section>")[0]
    review = review_of(cycle, college.gb_b)
    assert meeting.title in presenting and meeting.place in presenting
    assert f"/reviews/{review.pk}/result/" in presenting and f"/reports/review/{review.pk}/" in presenting
    assert f"/meetings/{meeting.pk}/" not in html
    assert client_for(college.gb_b_secretary).get(f"/reviews/{review.pk}/result/").status_code == 200


def test_branch_secretary_sees_nothing_and_cannot_schedule(college, cycle, meeting, client_for):
    html = page(client_for(college.branch_a1_secretary).get("/meetings/"))
    assert meeting.title not in html and 'id="schedule-meeting"' not in html and 'id="presenting"' not in html
    assert _("No review meetings have been scheduled yet.") in html


def test_committee_member_sees_all_and_may_schedule_the_committee_meeting(
    college, cycle, meeting, gb_a_meeting, client_for
):
    html = page(client_for(college.committee_member).get("/meetings/"))
    assert meeting.title in html and gb_a_meeting.title in html and 'id="schedule-meeting"' in html


def test_no_schedule_button_before_a_cycle_is_open(college, client_for):
    html = page(client_for(college.org_dept).get("/meetings/"))
    assert 'id="schedule-meeting"' not in html


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get("/meetings/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
