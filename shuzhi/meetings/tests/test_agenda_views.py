"""Changing the agenda: adding and removing presenters (/meetings/<id>/agenda/) and moving one up or down
(/meetings/<id>/agenda/move/)."""

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.meetings import services
from shuzhi.meetings.models import Meeting


def order(meeting: Meeting) -> list[int]:
    return list(Meeting.objects.get(pk=meeting.pk).agenda.values_list("review_id", flat=True))


@pytest.fixture
def gb_a_meeting(college, cycle):
    return services.schedule_meeting(
        college.gb_a_secretary,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )


# --- Adding and removing presenters ---------------------------------------------------------------


def test_agenda_page_shows_the_presenters_ticked_in_agenda_order(college, cycle, meeting, client_for):
    html = client_for(college.org_dept).get(f"/meetings/{meeting.pk}/agenda/").content.decode()
    ids = order(meeting)
    for pk in ids:
        assert f'name="on_{pk}" id="id_on_{pk}" checked' in html
    assert [html.index(f'name="on_{pk}"') for pk in ids] == sorted(html.index(f'name="on_{pk}"') for pk in ids)


def test_removing_a_presenter_and_changing_a_mode_keeps_the_order(college, cycle, meeting, client_for):
    gb_a, gb_b, direct = (review_of(cycle, o) for o in (college.gb_a, college.gb_b, college.direct))
    before = AuditEvent.objects.count()
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/agenda/",
        {
            f"on_{gb_a.pk}": "on",
            f"mode_{gb_a.pk}": "on_site",
            f"mode_{gb_b.pk}": "on_site",
            f"on_{direct.pk}": "on",
            f"mode_{direct.pk}": "written",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/#agenda"
    assert list(meeting.agenda.values_list("review_id", "mode")) == [(gb_a.pk, "on_site"), (direct.pk, "written")]
    assert AuditEvent.objects.count() == before + 1


def test_added_presenters_go_to_the_end(college, cycle, client_for):
    gb_a, gb_b, direct = (review_of(cycle, o) for o in (college.gb_a, college.gb_b, college.direct))
    meeting = services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.committee,
        title="述职评议会",
        starts_at=timezone.now(),
        place="礼堂",
        agenda=[(gb_b, "on_site")],
    )
    client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/agenda/",
        {
            f"on_{gb_a.pk}": "on",
            f"mode_{gb_a.pk}": "on_site",
            f"on_{gb_b.pk}": "on",
            f"mode_{gb_b.pk}": "on_site",
            f"on_{direct.pk}": "on",
            f"mode_{direct.pk}": "on_site",
        },
    )
    assert order(meeting)[0] == gb_b.pk and set(order(meeting)) == {gb_a.pk, gb_b.pk, direct.pk}


def test_agenda_cannot_change_once_the_vote_opened(college, cycle, meeting, survey, client_for):
    gb_a = review_of(cycle, college.gb_a)
    before, events = order(meeting), AuditEvent.objects.count()
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/agenda/", {f"on_{gb_a.pk}": "on", f"mode_{gb_a.pk}": "on_site"}
    )
    assert response.status_code == 200
    assert _("The vote has been opened; the agenda can no longer change.") in response.content.decode()
    assert order(meeting) == before and AuditEvent.objects.count() == events


def test_a_bad_mode_is_refused_and_the_ticks_are_kept(college, cycle, meeting, client_for):
    gb_a, direct = review_of(cycle, college.gb_a), review_of(cycle, college.direct)
    before = order(meeting)
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/agenda/",
        {f"on_{gb_a.pk}": "on", f"mode_{gb_a.pk}": "sung", f"on_{direct.pk}": "on", f"mode_{direct.pk}": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.count(_("Choose on-site or written for every presenter.")) == 2
    assert f'name="on_{gb_a.pk}" id="id_on_{gb_a.pk}" checked' in html
    assert order(meeting) == before


def test_committee_member_may_not_change_a_general_branch_agenda(college, cycle, gb_a_meeting, client_for):
    client = client_for(college.committee_member)
    before = AuditEvent.objects.count()
    assert client.get(f"/meetings/{gb_a_meeting.pk}/agenda/").status_code == 403
    assert client.post(f"/meetings/{gb_a_meeting.pk}/agenda/", {}).status_code == 403
    assert order(gb_a_meeting) == [review_of(cycle, college.branch_a1).pk] and AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["gb_b_secretary", "branch_a1_secretary"])
def test_another_organisation_gets_404_for_the_agenda(college, cycle, gb_a_meeting, client_for, who):
    client = client_for(getattr(college, who))
    before = AuditEvent.objects.count()
    assert client.get(f"/meetings/{gb_a_meeting.pk}/agenda/").status_code == 404
    assert client.post(f"/meetings/{gb_a_meeting.pk}/agenda/", {}).status_code == 404
    assert order(gb_a_meeting) and AuditEvent.objects.count() == before


# --- Moving a presenter -----------------------------------------------------------------------------


def test_moving_a_presenter_up_redirects_back_to_the_agenda(college, cycle, meeting, client_for):
    gb_a, gb_b, direct = (review_of(cycle, o).pk for o in (college.gb_a, college.gb_b, college.direct))
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/agenda/move/", {"review": direct, "offset": "-1"}
    )
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/#agenda"
    assert order(meeting) == [gb_a, direct, gb_b]


def test_moving_with_htmx_returns_just_the_agenda(college, cycle, meeting, client_for):
    gb_a, gb_b, direct = (review_of(cycle, o).pk for o in (college.gb_a, college.gb_b, college.direct))
    response = client_for(college.committee_member).post(
        f"/meetings/{meeting.pk}/agenda/move/", {"review": gb_a, "offset": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and html.startswith('<div id="agenda"')
    assert html.index(college.gb_b.name) < html.index(college.gb_a.name)
    assert order(meeting) == [gb_b, gb_a, direct]


def test_moving_the_first_presenter_up_changes_nothing(college, cycle, meeting, client_for):
    before = order(meeting)
    client_for(college.org_dept).post(f"/meetings/{meeting.pk}/agenda/move/", {"review": before[0], "offset": "-1"})
    assert order(meeting) == before


@pytest.mark.parametrize("data", [{"review": "abc", "offset": "1"}, {"review": "1", "offset": "5"}, {}])
def test_bad_move_input_is_explained_and_changes_nothing(college, meeting, client_for, data):
    before, events = order(meeting), AuditEvent.objects.count()
    response = client_for(college.org_dept).post(f"/meetings/{meeting.pk}/agenda/move/", data, follow=True)
    assert _("Choose a presenter and a direction.") in response.content.decode()
    assert order(meeting) == before and AuditEvent.objects.count() == events


def test_moving_someone_not_on_the_agenda_shows_the_service_message(college, cycle, meeting, client_for):
    outsider = review_of(cycle, college.branch_a1).pk
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/agenda/move/", {"review": outsider, "offset": "1"}, HTTP_HX_REQUEST="true"
    )
    assert _("That presenter is not on this agenda.") in response.content.decode()


def test_moving_after_the_vote_opened_shows_why_and_changes_nothing(college, cycle, meeting, survey, client_for):
    before, events = order(meeting), AuditEvent.objects.count()
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/agenda/move/", {"review": before[2], "offset": "-1"}, follow=True
    )
    assert _("The vote has been opened; the agenda can no longer change.") in response.content.decode()
    assert order(meeting) == before and AuditEvent.objects.count() == events


def test_committee_member_may_not_move_in_a_general_branch_meeting(college, cycle, gb_a_meeting, client_for):
    before = AuditEvent.objects.count()
    response = client_for(college.committee_member).post(
        f"/meetings/{gb_a_meeting.pk}/agenda/move/", {"review": order(gb_a_meeting)[0], "offset": "1"}
    )
    assert response.status_code == 403 and AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["gb_a_secretary", "gb_b_secretary", "direct_secretary"])
def test_another_organisation_moving_in_the_committee_meeting_gets_404(college, meeting, client_for, who):
    before, events = order(meeting), AuditEvent.objects.count()
    response = client_for(getattr(college, who)).post(
        f"/meetings/{meeting.pk}/agenda/move/", {"review": before[2], "offset": "-1"}
    )
    assert response.status_code == 404 and order(meeting) == before and AuditEvent.objects.count() == events


def test_move_only_accepts_post(college, meeting, client_for):
    assert client_for(college.org_dept).get(f"/meetings/{meeting.pk}/agenda/move/").status_code == 405
