"""Who may open each organiser page of a vote: outside the scope 404, seeing but not running 403 (except
the read-only pages), another meeting's survey id 404, not logged in → the login page."""

import pytest

from shuzhi.voting import services
from shuzhi.voting.models import PaperEntry, SurveyStatus

# (method, path below /meetings/<m>/vote/, readable by someone who sees but does not run the meeting)
PAGES = [
    ("get", "", True),
    ("post", "", False),
    ("post", "{s}/issue/", False),
    ("post", "{s}/open/", False),
    ("post", "{s}/close/", False),
    ("get", "{s}/cards/", False),
    ("get", "{s}/paper-sheets/", False),
    ("get", "{s}/paper/", False),
    ("post", "{s}/paper/", False),
    ("post", "{s}/paper/{e}/withdraw/", False),
    ("get", "{s}/live/", False),
    ("get", "{s}/live/turnout/", False),
    ("get", "{s}/results/", True),
    ("get", "{s}/results.xlsx", True),
    ("get", "{s}/receipts/", True),
]
WITH_SURVEY = [p for p in PAGES if "{s}" in p[1]]


def path(meeting_id, survey_id, entry_id, page):
    return f"/meetings/{meeting_id}/vote/" + page.format(s=survey_id, e=entry_id)


@pytest.fixture
def gb_vote(college, cycle):
    """甲学院党总支's meeting, its vote open with a paper entry waiting for a second clerk."""
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
    survey = services.create_survey(college.org_dept, meeting)
    services.issue_codes(college.org_dept, survey, 3)
    services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    entry = PaperEntry.objects.create(
        survey=survey,
        code_hash="x" * 64,
        clerk=college.gb_a_secretary,
        content={"ratings": {}, "item_ratings": {}, "suggestions": {}, "overall_suggestion": ""},
    )
    return meeting, survey, entry


def statuses(client, meeting_id, survey_id, entry_id, pages) -> dict[tuple[str, str], int]:
    return {
        (method, page): getattr(client, method)(path(meeting_id, survey_id, entry_id, page)).status_code
        for method, page, _readable in pages
    }


def unchanged(survey, entry) -> bool:
    survey.refresh_from_db()
    return survey.status == SurveyStatus.OPEN and PaperEntry.objects.filter(pk=entry.pk).exists()


def test_user_outside_the_scope_gets_404_everywhere_and_changes_nothing(college, gb_vote, client_for):
    meeting, survey, entry = gb_vote
    client = client_for(college.gb_b_secretary)  # 乙学院党总支: cannot see 甲学院's meeting at all
    got = statuses(client, meeting.pk, survey.pk, entry.pk, PAGES)
    assert {k: v for k, v in got.items() if v != 404} == {}
    assert unchanged(survey, entry)


def test_user_who_sees_but_does_not_run_the_meeting_gets_403_except_on_read_only_pages(college, gb_vote, client_for):
    meeting, survey, entry = gb_vote
    client = client_for(college.committee_member)  # sees every meeting, runs only the committee's
    got = statuses(client, meeting.pk, survey.pk, entry.pk, PAGES)
    # Read-only pages answer (the .xlsx with 409 while the vote is open); everything else is forbidden.
    expected = {
        (m, p): (got[(m, p)] if got[(m, p)] in (200, 409) else "200/409") if readable else 403
        for m, p, readable in PAGES
    }
    assert got == expected
    assert unchanged(survey, entry)


def test_survey_of_another_meeting_is_404_under_this_meeting(college, meeting, survey, gb_vote, client_for):
    _other_meeting, other_survey, entry = gb_vote
    client = client_for(college.org_dept)  # may run both meetings, but the ids must belong together
    got = statuses(client, meeting.pk, other_survey.pk, entry.pk, WITH_SURVEY)
    assert {k: v for k, v in got.items() if v != 404} == {}
    assert unchanged(other_survey, entry)


def test_meeting_that_does_not_exist_is_404(college, gb_vote, client_for):
    _meeting, survey, entry = gb_vote
    got = statuses(client_for(college.org_dept), 999999, survey.pk, entry.pk, PAGES)
    assert {k: v for k, v in got.items() if v != 404} == {}


def test_not_logged_in_goes_to_the_login_page(client, gb_vote):
    meeting, survey, entry = gb_vote
    for method, page, _readable in PAGES:
        response = getattr(client, method)(path(meeting.pk, survey.pk, entry.pk, page))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), page
    assert unchanged(survey, entry)


def test_paper_entry_of_another_survey_cannot_be_withdrawn(college, meeting, survey, gb_vote, client_for):
    _other_meeting, _other_survey, entry = gb_vote
    response = client_for(college.org_dept).post(path(meeting.pk, survey.pk, entry.pk, "{s}/paper/{e}/withdraw/"))
    assert response.status_code == 404 and PaperEntry.objects.filter(pk=entry.pk).exists()


def test_running_leader_of_the_meeting_opens_every_page(college, gb_vote, client_for):
    meeting, survey, entry = gb_vote
    client = client_for(college.gb_a_secretary)
    for method, page, _readable in PAGES:
        if method == "get":
            assert client.get(path(meeting.pk, survey.pk, entry.pk, page)).status_code in (200, 409), page
