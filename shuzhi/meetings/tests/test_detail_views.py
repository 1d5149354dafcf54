"""The meeting page and editing its details (/meetings/<id>/, /meetings/<id>/edit/)."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.meetings import services
from shuzhi.meetings.models import Meeting


@pytest.fixture
def gb_a_meeting(college, cycle):
    return services.schedule_meeting(
        college.gb_a_secretary,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "written")],
    )


def edit_data(**overrides) -> dict:
    data = {
        "title": "改期后的述职评议会",
        "starts_at": "2026-12-28T14:30",
        "place": "图书馆报告厅",
        "expected_attendees": "80",
        "comment_mode": "collective",
    }
    data.update(overrides)
    return data


def test_runner_sees_details_agenda_in_order_and_every_link(college, cycle, meeting, client_for):
    services.add_comment(college.committee_member, meeting, review=review_of(cycle, college.gb_b), problems="问题")
    response = client_for(college.org_dept).get(f"/meetings/{meeting.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    agenda = html.split('id="agenda"')[1]
    names = [college.gb_a.name, college.gb_b.name, college.direct.name]
    assert [agenda.index(n) for n in names] == sorted(agenda.index(n) for n in names)
    assert "总支书记甲" in agenda and _("On-site report") in agenda
    assert agenda.count('name="offset" value="-1"') == 3 and agenda.count('name="offset" value="1"') == 3
    for path in ("screen/", "comments/", "vote/", "edit/", "agenda/"):
        assert f'href="/meetings/{meeting.pk}/{path}"' in html
    assert meeting.place in html and "60" in html and _("Comment after each presenter") in html


def test_committee_member_may_run_the_committee_meeting(college, meeting, client_for):
    html = client_for(college.committee_member).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/screen/" in html and 'name="offset"' in html


def test_committee_member_reads_a_general_branch_meeting_without_controls(college, gb_a_meeting, client_for):
    response = client_for(college.committee_member).get(f"/meetings/{gb_a_meeting.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and college.branch_a1.name in html
    assert f"/meetings/{gb_a_meeting.pk}/comments/" in html
    for hidden in ("screen/", "edit/", "agenda/"):
        assert f"/meetings/{gb_a_meeting.pk}/{hidden}" not in html
    assert 'name="offset"' not in html


@pytest.mark.parametrize(
    "who, which",
    [
        ("gb_b_secretary", "meeting"),
        ("gb_b_secretary", "gb_a_meeting"),
        ("gb_a_secretary", "meeting"),
        ("branch_a1_secretary", "gb_a_meeting"),
        ("direct_secretary", "meeting"),
        ("outsider", "meeting"),
    ],
)
def test_a_meeting_outside_the_users_scope_is_404(college, meeting, gb_a_meeting, client_for, who, which):
    target = {"meeting": meeting, "gb_a_meeting": gb_a_meeting}[which]
    client = client_for(getattr(college, who))
    assert client.get(f"/meetings/{target.pk}/").status_code == 404
    assert client.get(f"/meetings/{target.pk}/edit/").status_code == 404


def test_an_unknown_meeting_is_404(college, meeting, client_for):
    assert client_for(college.org_dept).get(f"/meetings/{meeting.pk + 999}/").status_code == 404


def test_edit_form_shows_the_time_in_local_time(college, meeting, client_for):
    meeting.starts_at = datetime.datetime(2026, 12, 20, 1, 0, tzinfo=datetime.UTC)
    meeting.save()
    html = client_for(college.org_dept).get(f"/meetings/{meeting.pk}/edit/").content.decode()
    assert 'type="datetime-local"' in html and 'value="2026-12-20T09:00"' in html


def test_org_dept_edits_the_details(college, meeting, client_for):
    before = AuditEvent.objects.count()
    response = client_for(college.org_dept).post(f"/meetings/{meeting.pk}/edit/", edit_data())
    meeting.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert (meeting.title, meeting.place, meeting.expected_attendees, meeting.comment_mode) == (
        "改期后的述职评议会",
        "图书馆报告厅",
        80,
        "collective",
    )
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-28 14:30"
    assert AuditEvent.objects.count() == before + 1


def test_general_branch_leader_edits_own_meeting(college, gb_a_meeting, client_for):
    response = client_for(college.gb_a_secretary).post(f"/meetings/{gb_a_meeting.pk}/edit/", edit_data(place="二楼"))
    assert response.status_code == 302 and Meeting.objects.get(pk=gb_a_meeting.pk).place == "二楼"


def test_bad_edit_is_explained_kept_and_nothing_is_written(college, meeting, client_for):
    before = AuditEvent.objects.count()
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/edit/",
        edit_data(title="保留我", starts_at="2026-13-45T99:00", place="", expected_attendees="-3"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert _("Enter the place.") in html and _("Enter a date and time such as 2026-12-20 09:00.") in html
    assert _("Between 0 and %(n)d attendees.") % {"n": 2000} in html
    assert 'value="保留我"' in html and 'value="2026-13-45T99:00"' in html
    assert Meeting.objects.get(pk=meeting.pk).title == meeting.title and AuditEvent.objects.count() == before


def test_committee_member_may_not_edit_a_general_branch_meeting(college, gb_a_meeting, client_for):
    client = client_for(college.committee_member)
    before = AuditEvent.objects.count()
    assert client.get(f"/meetings/{gb_a_meeting.pk}/edit/").status_code == 403
    assert client.post(f"/meetings/{gb_a_meeting.pk}/edit/", edit_data()).status_code == 403
    assert Meeting.objects.get(pk=gb_a_meeting.pk).title == gb_a_meeting.title
    assert AuditEvent.objects.count() == before


def test_other_general_branch_posting_an_edit_gets_404_and_nothing_changes(college, gb_a_meeting, client_for):
    before = AuditEvent.objects.count()
    response = client_for(college.gb_b_secretary).post(f"/meetings/{gb_a_meeting.pk}/edit/", edit_data())
    assert response.status_code == 404
    assert Meeting.objects.get(pk=gb_a_meeting.pk).title == gb_a_meeting.title
    assert AuditEvent.objects.count() == before
