"""The presenter screen (/meetings/<id>/screen/): projected full screen, stepped by whoever runs the meeting."""

import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from conftest import review_of
from shuzhi.meetings import services
from shuzhi.meetings.models import Meeting


def position(meeting: Meeting) -> int:
    return Meeting.objects.get(pk=meeting.pk).current_item


def test_the_screen_opens_on_the_meeting_title(college, meeting, client_for):
    response = client_for(college.org_dept).get(f"/meetings/{meeting.pk}/screen/")
    html = response.content.decode()
    assert response.status_code == 200 and 'class="screen"' in html
    assert meeting.title in html and meeting.place in html
    assert re.search(r'id="screen-prev"[^>]*disabled', html)
    assert 'name="position" value="1"' in html


def test_the_screen_uses_no_inline_script(college, meeting, client_for):
    html = client_for(college.org_dept).get(f"/meetings/{meeting.pk}/screen/").content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts) and "/static/js/meetings.js" in html
    assert " onclick=" not in html and " onkeydown=" not in html


def test_next_shows_the_first_presenter_with_position_name_and_mode(college, cycle, meeting, client_for):
    client = client_for(college.org_dept)
    response = client.post(f"/meetings/{meeting.pk}/screen/", {"position": "1"})
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/screen/"
    assert position(meeting) == 1
    html = client.get(f"/meetings/{meeting.pk}/screen/").content.decode()
    stage = html.split('id="screen-stage"')[1]
    assert "<strong>1</strong> / 3" in stage and college.gb_a.name in stage and "总支书记甲" in stage
    assert _("On-site report") in stage and _("After the report: comment on it") in stage
    assert _("Next up") + "：" + college.gb_b.name in stage


def test_stepping_with_htmx_returns_only_the_stage(college, meeting, client_for):
    response = client_for(college.committee_member).post(
        f"/meetings/{meeting.pk}/screen/", {"position": "3"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="screen-stage"') and "<html" not in html
    assert "<strong>3</strong> / 3" in html and college.direct.name in html and position(meeting) == 3


def test_the_end_asks_for_comments_one_by_one(college, meeting, client_for):
    html = (
        client_for(college.org_dept)
        .post(f"/meetings/{meeting.pk}/screen/", {"position": "4"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert pgettext("presenter screen", "Comments") in html and re.search(r'id="screen-next"[^>]*disabled', html)
    assert _("Collective comment") not in html.split('id="screen-end"')[1].split("</h1>")[0]


def test_the_end_asks_for_the_collective_comment(college, cycle, client_for):
    meeting = services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.committee,
        title="集中点评的述职评议会",
        starts_at=timezone.now(),
        place="礼堂",
        comment_mode="collective",
        agenda=[(review_of(cycle, college.gb_a), "written")],
    )
    client = client_for(college.org_dept)
    presenter = client.post(f"/meetings/{meeting.pk}/screen/", {"position": "1"}, HTTP_HX_REQUEST="true")
    assert _("Written report") in presenter.content.decode()
    assert _("Comments follow together after the last report.") in presenter.content.decode()
    html = client.post(f"/meetings/{meeting.pk}/screen/", {"position": "2"}, HTTP_HX_REQUEST="true").content.decode()
    assert _("Collective comment") in html.split('id="screen-end"')[1].split("</h1>")[0]


def test_a_position_beyond_the_end_stops_at_the_end(college, meeting, client_for):
    client_for(college.org_dept).post(f"/meetings/{meeting.pk}/screen/", {"position": "99"})
    assert position(meeting) == 4


@pytest.mark.parametrize("value", ["abc", "-1", ""])
def test_bad_positions_change_nothing(college, meeting, client_for, value):
    services.set_current_item(meeting, 2)
    response = client_for(college.org_dept).post(f"/meetings/{meeting.pk}/screen/", {"position": value})
    assert response.status_code == 302 and position(meeting) == 2


def test_a_user_who_does_not_run_the_meeting_gets_403(college, cycle, client_for):
    meeting = services.schedule_meeting(
        college.gb_a_secretary,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    client = client_for(college.committee_member)  # may read the meeting, does not run it
    assert client.get(f"/meetings/{meeting.pk}/screen/").status_code == 403
    assert client.post(f"/meetings/{meeting.pk}/screen/", {"position": "1"}).status_code == 403
    assert position(meeting) == 0


@pytest.mark.parametrize("who", ["gb_a_secretary", "gb_b_secretary", "branch_a1_secretary"])
def test_another_organisation_gets_404(college, meeting, client_for, who):
    client = client_for(getattr(college, who))
    assert client.get(f"/meetings/{meeting.pk}/screen/").status_code == 404
    assert client.post(f"/meetings/{meeting.pk}/screen/", {"position": "2"}).status_code == 404
    assert position(meeting) == 0
