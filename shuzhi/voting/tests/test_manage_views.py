"""The vote page /meetings/<id>/vote/: create the vote, issue codes (per voter category), open, close; the
rehearsals' list, whose starting and wiping belong to the ballot design page (test_design_rehearsal)."""

import pytest
from django.utils.translation import gettext as _

from shuzhi.voting import services
from shuzhi.voting.models import BallotCode, CodeStatus, Survey, SurveyStatus
from shuzhi.voting.services import BallotInput


def vote_url(meeting) -> str:
    return f"/meetings/{meeting.pk}/vote/"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def gb_meeting(college, cycle):
    """甲学院党总支's own meeting: its leaders run it, a committee member only sees it."""
    from django.utils import timezone

    from conftest import review_of
    from shuzhi.meetings import services as meeting_services

    return meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )


def test_organiser_creates_the_vote(college, meeting, client_for):
    client = client_for(college.org_dept)
    assert _("This meeting has no satisfaction vote yet.") in text(client.get(vote_url(meeting)))
    response = client.post(vote_url(meeting))
    survey = Survey.objects.get(meeting=meeting)
    assert response.status_code == 302 and response["Location"].endswith(f"#survey-{survey.pk}")
    assert not survey.is_rehearsal and survey.status == SurveyStatus.DRAFT
    page = text(client.get(vote_url(meeting)))
    assert 'name="count"' in page and f"/vote/{survey.pk}/open/" in page


def test_creating_twice_keeps_one_real_vote(college, meeting, client_for):
    client = client_for(college.org_dept)
    client.post(vote_url(meeting))
    client.post(vote_url(meeting))
    assert Survey.objects.filter(meeting=meeting, is_rehearsal=False).count() == 1


def test_rehearsals_are_listed_apart_clearly_marked_and_set_up_on_the_design_page(college, meeting, survey, client_for):
    client = client_for(college.org_dept)
    rehearsal = services.start_rehearsal(college.org_dept, meeting)
    page = text(client.get(vote_url(meeting) + "?rehearsal=1"))
    assert f'id="survey-{rehearsal.pk}"' in page and "rehearsal-badge" in page and _("rehearsal") in page
    assert f'id="survey-{survey.pk}"' not in page
    # Starting one posts to the design page's action; wiping one is done there too (linked, not repeated here).
    start = page.split('id="create-rehearsal"')[0].rsplit("<form", 1)[1]
    assert f'action="/meetings/{meeting.pk}/vote-design/rehearsal/"' in start
    assert f'href="/meetings/{meeting.pk}/vote-design/{rehearsal.pk}/#rehearsal"' in page and "/wipe/" not in page
    real = text(client.get(vote_url(meeting)))
    assert f'id="survey-{rehearsal.pk}"' not in real and f'id="survey-{survey.pk}"' in real


def test_the_vote_page_no_longer_creates_or_wipes_rehearsals(college, meeting, client_for):
    client = client_for(college.org_dept)
    response = client.post(vote_url(meeting) + "?rehearsal=1")  # a page loaded before rehearsals moved
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/vote-design/"
    assert not Survey.objects.filter(meeting=meeting).exists()  # neither a rehearsal nor, by mistake, the real vote
    rehearsal = services.create_survey(college.org_dept, meeting, rehearsal=True)
    assert client.post(f"{vote_url(meeting)}{rehearsal.pk}/wipe/").status_code == 404
    assert Survey.objects.filter(pk=rehearsal.pk).exists()


def test_turnout_shows_ballots_and_codes_issued(college, meeting, survey, client_for):
    services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    page = text(client_for(college.org_dept).get(vote_url(meeting)))
    assert f'id="received-{survey.pk}">1<' in page
    assert '<span class="count-n">10</span>' in page


def test_issuing_phone_codes_goes_to_printing_that_batch(college, meeting, survey, client_for):
    category = survey.categories.get()
    response = client_for(college.org_dept).post(
        f"{vote_url(meeting)}{survey.pk}/issue/", {"count": "25", "paper": "0", "category": category.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{vote_url(meeting)}{survey.pk}/cards/?batch=2"
    assert BallotCode.objects.filter(survey=survey, batch=2, is_paper=False).count() == 25


def test_issuing_paper_codes_goes_to_the_paper_ballots(college, meeting, survey, client_for):
    category = survey.categories.get()
    response = client_for(college.org_dept).post(
        f"{vote_url(meeting)}{survey.pk}/issue/", {"count": "3", "paper": "1", "category": category.pk}
    )
    assert response["Location"] == f"{vote_url(meeting)}{survey.pk}/paper-sheets/?batch=2"
    assert BallotCode.objects.filter(survey=survey, is_paper=True).count() == 3


@pytest.mark.parametrize(("count", "message"), [("5000", "2000"), ("0", "1"), ("abc", "")])
def test_bad_count_is_explained_kept_and_issues_nothing(college, meeting, survey, client_for, count, message):
    category = survey.categories.get()
    response = client_for(college.org_dept).post(
        f"{vote_url(meeting)}{survey.pk}/issue/", {"count": count, "paper": "0", "category": category.pk}
    )
    assert response.status_code == 400
    page = text(response)
    assert f'value="{count}"' in page and message in page.split('class="issue-form"')[1].split("</form>")[0]
    assert 'class="errorlist' in page or 'class="field-error' in page
    assert BallotCode.objects.filter(survey=survey).count() == 10


def test_codes_are_issued_per_voter_category_and_listed_by_batch(college, meeting, client_for):
    draft = services.create_survey(college.org_dept, meeting)
    leaders, staff = services.set_categories(college.org_dept, draft, [("校领导", 30), ("教职工", 70)])
    client = client_for(college.org_dept)
    page = text(client.get(vote_url(meeting)))
    assert "校领导（30%）" in page and "教职工（70%）" in page  # the category is chosen in the issue form
    assert f'href="/meetings/{meeting.pk}/vote-design/{draft.pk}/#categories"' in page  # where categories are set
    client.post(f"{vote_url(meeting)}{draft.pk}/issue/", {"count": "3", "paper": "0", "category": leaders.pk})
    client.post(f"{vote_url(meeting)}{draft.pk}/issue/", {"count": "5", "paper": "1", "category": staff.pk})
    assert BallotCode.objects.filter(survey=draft, category=leaders, is_paper=False).count() == 3
    assert BallotCode.objects.filter(survey=draft, category=staff, is_paper=True).count() == 5
    services.open_survey(college.org_dept, draft)
    draft.refresh_from_db()
    code = services.printable_codes(draft, paper=False)[0][0][0]
    services.cast_ballot(draft.pk, code, BallotInput({str(draft.presenters[0]["review"]): "satisfied"}, {}, {}))
    assert BallotCode.objects.filter(category=leaders, status=CodeStatus.USED).count() == 1
    batches = text(client.get(vote_url(meeting))).split('class="batches board"')[1].split("</table>")[0]
    rows = batches.split("<tr>")[2:]
    assert ">校领导</td>" in rows[0] and ">3</td>" in rows[0] and ">2</td>" in rows[0]  # issued, not yet used
    assert "/cards/?batch=1" in rows[0]
    assert ">教职工</td>" in rows[1] and ">5</td>" in rows[1] and "/paper-sheets/?batch=2" in rows[1]


def test_a_voter_category_of_another_survey_is_refused(college, meeting, survey, client_for):
    rehearsal = services.create_survey(college.org_dept, meeting, rehearsal=True)
    other = rehearsal.categories.get()
    response = client_for(college.org_dept).post(
        f"{vote_url(meeting)}{survey.pk}/issue/", {"count": "2", "paper": "0", "category": other.pk}
    )
    assert response.status_code == 400
    assert BallotCode.objects.filter(survey=survey).count() == 10
    assert not BallotCode.objects.filter(survey=rehearsal).exists()


def test_opening_fixes_the_presenters_from_the_agenda(college, meeting, client_for):
    client = client_for(college.org_dept)
    client.post(vote_url(meeting))
    survey = Survey.objects.get(meeting=meeting)
    page = text(client.get(vote_url(meeting)))
    assert "总支书记甲" in page and "data-confirm=" in page
    client.post(f"{vote_url(meeting)}{survey.pk}/open/")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    assert [p["name"] for p in survey.presenters] == ["总支书记甲", "总支书记乙", "直属支书"]


def test_opening_without_presenters_is_explained(college, cycle, client_for):
    from django.utils import timezone

    from shuzhi.meetings import services as meeting_services

    empty = meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.committee,
        title="空议程会议",
        starts_at=timezone.now(),
        place="会议室",
    )
    survey = services.create_survey(college.org_dept, empty)
    client = client_for(college.org_dept)
    response = client.post(f"{vote_url(empty)}{survey.pk}/open/", follow=True)
    assert _("Put at least one presenter on the agenda before opening the vote.") in text(response)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT


def test_closing_asks_first_then_seals_and_shows_the_results(college, meeting, survey, client_for):
    client = client_for(college.org_dept)
    page = text(client.get(vote_url(meeting)))
    close_form = page.split(f'action="{vote_url(meeting)}{survey.pk}/close/"')[1].split(">")[0]
    assert "data-confirm=" in close_form
    services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    response = client.post(f"{vote_url(meeting)}{survey.pk}/close/")
    assert response["Location"] == f"{vote_url(meeting)}{survey.pk}/results/"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED and len(survey.seal_digest) == 64
    assert survey.seal_digest in text(client.get(vote_url(meeting)))


def test_closed_vote_takes_no_more_codes_and_cannot_reopen(college, meeting, survey, client_for):
    client = client_for(college.org_dept)
    services.close_survey(college.org_dept, survey)
    assert 'name="count"' not in text(client.get(vote_url(meeting)))
    response = client.post(
        f"{vote_url(meeting)}{survey.pk}/issue/",
        {"count": "5", "paper": "0", "category": survey.categories.get().pk},
        follow=True,
    )
    assert _("The vote is closed; no more codes can be issued.") in text(response)
    reopened = client.post(f"{vote_url(meeting)}{survey.pk}/open/", follow=True)
    assert _("A closed vote cannot be opened again.") in text(reopened)
    assert BallotCode.objects.filter(survey=survey).count() == 10
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED


def test_general_branch_leader_runs_their_own_meetings_vote(college, gb_meeting, client_for):
    client = client_for(college.gb_a_secretary)
    client.post(vote_url(gb_meeting))
    assert Survey.objects.filter(meeting=gb_meeting).exists()


def test_committee_member_only_reads_a_general_branchs_vote(college, gb_meeting, client_for):
    survey = services.create_survey(college.org_dept, gb_meeting)
    client = client_for(college.committee_member)
    page = text(client.get(vote_url(gb_meeting)))
    assert f'id="survey-{survey.pk}"' in page and 'name="count"' not in page and "/open/" not in page
    assert client.post(vote_url(gb_meeting)).status_code == 403
    assert client.post(f"{vote_url(gb_meeting)}{survey.pk}/open/").status_code == 403
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT
