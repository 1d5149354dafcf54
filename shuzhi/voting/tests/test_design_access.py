"""Who may open each ballot design page: outside the scope 404 (by changing the meeting or survey id), and
nothing is written; seeing but not running the meeting 403 on design pages; not logged in → login page."""

import pytest

from shuzhi.audit.models import AuditEvent
from shuzhi.voting import services
from shuzhi.voting.models import BallotCode, Survey, VoterCategory

# (method, path below /meetings/<m>/vote-design/, readable by someone who sees but does not run the meeting)
PAGES = [
    ("get", "", False),
    ("post", "rehearsal/", False),
    ("get", "{s}/", False),
    ("post", "{s}/categories/", False),
    ("post", "{s}/form/", False),
    ("get", "{s}/preview/", False),
    ("post", "{s}/wipe/", False),
    ("get", "{s}/breakdown/", True),
    ("get", "{s}/verify/", True),
    ("get", "{s}/archive.xlsx", True),
    ("get", "{s}/archive.csv", True),
]
WITH_SURVEY = [p for p in PAGES if "{s}" in p[1]]
POSTED = {
    "cat-total": "1",
    "cat-0-name": "校领导",
    "cat-0-weight": "100",
    "opt-total": "2",
    "opt-0-label": "好",
    "opt-0-value": "100",
    "opt-1-label": "差",
    "opt-1-value": "0",
    "item-total": "0",
    "rule-void": "1",
}


@pytest.fixture
def gb_vote(college, cycle):
    """甲学院党总支's meeting with a closed rehearsal (so every page has something to show)."""
    from django.utils import timezone

    from conftest import review_of
    from shuzhi.meetings import services as meeting_services

    meeting = meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    survey = services.create_survey(college.org_dept, meeting, rehearsal=True)
    services.issue_codes(college.org_dept, survey, 3)
    services.open_survey(college.org_dept, survey)
    services.close_survey(college.org_dept, survey)
    survey.refresh_from_db()
    return meeting, survey


def path(meeting_id, survey_id, page):
    return f"/meetings/{meeting_id}/vote-design/" + page.format(s=survey_id)


def state():
    return (
        AuditEvent.objects.count(),
        Survey.objects.count(),
        BallotCode.objects.count(),
        sorted(VoterCategory.objects.values_list("pk", "name", "weight")),
        sorted(Survey.objects.values_list("pk", "form")),
    )


@pytest.mark.parametrize(("method", "page", "_readable"), PAGES)
def test_user_outside_the_scope_gets_404_and_nothing_is_written(college, gb_vote, client_for, method, page, _readable):
    meeting, survey = gb_vote
    before = state()
    client = client_for(college.gb_b_secretary)  # 乙学院党总支: cannot see 甲学院's meeting at all
    response = getattr(client, method)(path(meeting.pk, survey.pk, page), POSTED if method == "post" else None)
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize(("method", "page", "_readable"), WITH_SURVEY)
def test_own_meeting_with_another_meetings_survey_id_is_404(
    college, gb_vote, meeting, client_for, method, page, _readable
):
    """The committee's organiser, on the committee's meeting, with 甲学院's survey id: 404, nothing written."""
    _gb_meeting, gb_survey = gb_vote
    before = state()
    client = client_for(college.committee_member)  # runs the committee's meeting
    response = getattr(client, method)(path(meeting.pk, gb_survey.pk, page), POSTED if method == "post" else None)
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize(("method", "page", "readable"), PAGES)
def test_user_who_sees_but_does_not_run_the_meeting_gets_403_on_design_pages(
    college, gb_vote, client_for, method, page, readable
):
    meeting, survey = gb_vote
    before = state()
    client = client_for(college.committee_member)  # sees every meeting, runs only the committee's
    response = getattr(client, method)(path(meeting.pk, survey.pk, page), POSTED if method == "post" else None)
    assert response.status_code == (200 if readable else 403)
    assert state() == before


@pytest.mark.parametrize("page", [p[1] for p in PAGES if p[0] == "get"])
def test_the_reviewing_general_branch_runs_its_own_meeting(college, gb_vote, client_for, page):
    meeting, survey = gb_vote
    response = client_for(college.gb_a_secretary).get(path(meeting.pk, survey.pk, page))
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "page", "_readable"), PAGES)
def test_anonymous_user_is_sent_to_the_login_page(gb_vote, client, method, page, _readable):
    meeting, survey = gb_vote
    response = getattr(client, method)(path(meeting.pk, survey.pk, page))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", ["", "preview/"])
def test_cycle_form_of_a_missing_cycle_is_404_and_of_a_visible_one_403_for_others(college, cycle, client_for, page):
    """As every set-up page of the cycle (shuzhi.orgs.access.access_cycle(set_up=True))."""
    assert client_for(college.org_dept).get(f"/cycles/{cycle.pk + 99}/ballot-form/{page}").status_code == 404
    assert client_for(college.gb_a_secretary).get(f"/cycles/{cycle.pk + 99}/ballot-form/{page}").status_code == 404
    assert client_for(college.gb_a_secretary).get(f"/cycles/{cycle.pk}/ballot-form/{page}").status_code == 403
