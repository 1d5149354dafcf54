"""Scheduling a review meeting (/meetings/new/?cycle=&reviewer=)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.meetings import services
from shuzhi.meetings.models import AgendaItem, Meeting, MeetingKind


def counts() -> tuple[int, int]:
    return Meeting.objects.count(), AuditEvent.objects.count()


def form_data(**overrides) -> dict:
    data = {
        "title": "2026年度述职评议会",
        "starts_at": "2026-12-20T09:00",
        "place": "行政楼第一会议室",
        "expected_attendees": "60",
        "comment_mode": "one_by_one",
    }
    data.update(overrides)
    return data


def test_org_dept_gets_the_committee_form_with_the_default_title_and_its_presenters(college, cycle, client_for):
    response = client_for(college.org_dept).get(f"/meetings/new/?cycle={cycle.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert services.default_title(cycle, college.committee) in html
    assert 'type="datetime-local"' in html
    for org in (college.gb_a, college.gb_b, college.direct):  # all ticked: usually everyone presents
        pk = review_of(cycle, org).pk
        assert f'name="on_{pk}" id="id_on_{pk}" checked' in html
    assert f'name="on_{review_of(cycle, college.branch_a1).pk}"' not in html
    assert 'id="scope-reviewer"' in html and college.gb_a.name in html  # may schedule for every 党总支 too


def test_org_dept_schedules_the_committee_meeting_with_its_agenda(college, cycle, client_for):
    gb_a, direct = review_of(cycle, college.gb_a), review_of(cycle, college.direct)
    meetings, events = counts()
    response = client_for(college.org_dept).post(
        f"/meetings/new/?cycle={cycle.pk}&reviewer={college.committee.pk}",
        form_data(
            **{
                f"on_{gb_a.pk}": "on",
                f"mode_{gb_a.pk}": "on_site",
                f"on_{direct.pk}": "on",
                f"mode_{direct.pk}": "written",
            }
        ),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.kind == MeetingKind.COMMITTEE_ENLARGED and meeting.reviewer == college.committee
    assert meeting.starts_at.isoformat().startswith("2026-12-20T01:00")  # 09:00 in Asia/Shanghai
    listed = [gb_a.pk, direct.pk]  # the presenters as listed: in tree order, 党总支 before 直属党支部
    modes = {gb_a.pk: "on_site", direct.pk: "written"}
    assert [(i.review_id, i.mode) for i in meeting.agenda.all()] == [(pk, modes[pk]) for pk in listed]
    assert meeting.expected_attendees == 60 and meeting.created_by == college.org_dept
    assert counts() == (meetings + 1, events + 2)  # the meeting, then its agenda


def test_general_branch_leader_schedules_own_meeting(college, cycle, client_for):
    a1 = review_of(cycle, college.branch_a1)
    response = client_for(college.gb_a_secretary).get("/meetings/new/")
    html = response.content.decode()
    assert response.status_code == 200 and services.default_title(cycle, college.gb_a) in html
    assert f'name="on_{a1.pk}"' in html and 'id="scope-reviewer"' in html and '<select name="reviewer"' not in html
    response = client_for(college.gb_a_secretary).post(
        "/meetings/new/", form_data(comment_mode="collective", **{f"on_{a1.pk}": "on", f"mode_{a1.pk}": "on_site"})
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.reviewer == college.gb_a and meeting.kind == MeetingKind.GENERAL_BRANCH_ENLARGED
    assert meeting.comment_mode == "collective" and list(meeting.agenda.values_list("review_id", flat=True)) == [a1.pk]


def test_written_reports_default_to_written_presentation(college, cycle, client_for):
    a1 = review_of(cycle, college.branch_a1)
    a1.report_mode = "written"
    a1.save()
    html = client_for(college.gb_a_secretary).get("/meetings/new/").content.decode()
    assert f'value="written" id="id_mode_{a1.pk}_1" checked' in html
    gb_b = review_of(cycle, college.gb_b)  # on-site and written ("both"): presented on site
    html = client_for(college.org_dept).get("/meetings/new/").content.decode()
    assert gb_b.report_mode == "both" and f'value="on_site" id="id_mode_{gb_b.pk}_0" checked' in html


def test_presenters_on_another_meetings_agenda_are_not_offered(college, cycle, meeting, client_for):
    html = client_for(college.org_dept).get(f"/meetings/new/?cycle={cycle.pk}").content.decode()
    gb_a = review_of(cycle, college.gb_a)
    assert f'name="on_{gb_a.pk}"' not in html
    assert _("Already on another meeting's agenda:") in html and f"/meetings/{meeting.pk}/" in html


def test_a_presenter_taken_meanwhile_is_refused_and_nothing_is_written(college, cycle, meeting, client_for):
    gb_a = review_of(cycle, college.gb_a)
    before = counts()
    response = client_for(college.org_dept).post(
        f"/meetings/new/?cycle={cycle.pk}", form_data(title="第二场", **{f"on_{gb_a.pk}": "on"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert _("%(name)s is already on another meeting's agenda.") % {"name": college.gb_a.name} in html
    assert "第二场" in html and counts() == before


def test_bad_input_is_explained_in_chinese_kept_and_nothing_is_written(college, cycle, client_for):
    a1 = review_of(cycle, college.branch_a1)
    before = counts()
    response = client_for(college.gb_a_secretary).post(
        "/meetings/new/",
        {
            "title": "   ",
            "starts_at": "明天上午",
            "place": "会" * 201,
            "expected_attendees": "99999",
            "comment_mode": "sometimes",
            f"on_{a1.pk}": "on",
            f"mode_{a1.pk}": "written",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and counts() == before
    for message in (
        _("Enter a title."),
        _("Enter a date and time such as 2026-12-20 09:00."),
        _("Between 0 and %(n)d attendees.") % {"n": 2000},
        _("Choose a comment mode."),
    ):
        assert message in html
    assert "不超过 200" in html  # Django's own Chinese message for the place
    assert 'value="明天上午"' in html and "会" * 201 in html and 'value="99999"' in html
    assert f'name="on_{a1.pk}" id="id_on_{a1.pk}" checked' in html
    assert f'value="written" id="id_mode_{a1.pk}_1" checked' in html


def test_a_title_longer_than_200_characters_is_refused(college, cycle, client_for):
    before = counts()
    response = client_for(college.org_dept).post(f"/meetings/new/?cycle={cycle.pk}", form_data(title="题" * 201))
    assert response.status_code == 200 and "不超过 200" in response.content.decode()
    assert counts() == before


def test_a_service_refusal_is_shown_at_its_field_with_the_input_kept(college, cycle, client_for, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError({"place": "这个会议室那天已有安排。"})

    monkeypatch.setattr(services, "schedule_meeting", refuse)
    response = client_for(college.org_dept).post(f"/meetings/new/?cycle={cycle.pk}", form_data(place="小礼堂"))
    html = response.content.decode()
    field = html.split('id="id_place"')[1].split("</div>")[0]
    assert "这个会议室那天已有安排。" in field and 'value="小礼堂"' in html


def test_presenters_outside_the_form_are_ignored(college, cycle, client_for):
    b1 = review_of(cycle, college.branch_b1)  # reviewed by 乙学院党总支, not 甲
    response = client_for(college.gb_a_secretary).post("/meetings/new/", form_data(**{f"on_{b1.pk}": "on"}))
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(review=b1).exists()


def test_branch_secretary_may_not_schedule(college, cycle, client_for):
    client = client_for(college.branch_a1_secretary)
    before = counts()
    assert client.get("/meetings/new/").status_code == 403
    assert client.post("/meetings/new/", form_data()).status_code == 403
    assert counts() == before


@pytest.mark.parametrize(
    "who, reviewer, status",
    [
        ("gb_b_secretary", "gb_a", 404),  # another 党总支: not even visible
        ("gb_a_secretary", "committee", 404),
        ("committee_member", "gb_a", 403),  # visible, but a 党总支 schedules its own meetings
        ("org_dept", "branch_a1", 403),  # a 党支部 holds no review meeting
    ],
)
def test_a_reviewer_the_user_may_not_run_is_refused(college, cycle, client_for, who, reviewer, status):
    client = client_for(getattr(college, who))
    url = f"/meetings/new/?cycle={cycle.pk}&reviewer={getattr(college, reviewer).pk}"
    before = counts()
    assert client.get(url).status_code == status
    assert client.post(url, form_data()).status_code == status
    assert counts() == before


@pytest.mark.parametrize("value", ["999999", "abc"])
def test_an_unknown_cycle_is_404(college, cycle, client_for, value):
    assert client_for(college.org_dept).get(f"/meetings/new/?cycle={value}").status_code == 404


def test_without_an_open_cycle_the_page_says_so(college, client_for):
    response = client_for(college.org_dept).get("/meetings/new/")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="meeting-form"' not in html
    assert _("No review cycle is open. The organisation department opens the year first.") in html


def test_post_without_csrf_token_is_refused(college, cycle):
    client = Client(enforce_csrf_checks=True)
    client.force_login(college.org_dept)
    assert client.post(f"/meetings/new/?cycle={cycle.pk}", form_data()).status_code == 403
    assert not Meeting.objects.exists()
