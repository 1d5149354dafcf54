"""The live screen for the room: received / issued every 3 seconds, never a result while open."""

from django.utils.translation import gettext as _

from shuzhi.voting import services
from shuzhi.voting.services import BallotInput


def live_url(survey) -> str:
    return f"/meetings/{survey.meeting_id}/vote/{survey.pk}/live/"


def text(response) -> str:
    return response.content.decode()


def vote(survey, code, suggestion="独一无二的意见文本"):
    first = str(survey.presenters[0]["review"])
    services.cast_ballot(survey.pk, code, BallotInput({first: "unsatisfied"}, {}, {first: suggestion}))


def test_live_screen_polls_a_small_fragment_every_three_seconds(college, survey, client_for):
    page = text(client_for(college.org_dept).get(live_url(survey)))
    assert f'hx-get="{live_url(survey)}turnout/"' in page and 'hx-trigger="every 3s"' in page
    assert "htmx-2.0.11.min.js" in page
    assert 'id="received">0<' in page and 'id="issued">10<' in page


def test_fragment_follows_the_turnout(college, survey, client_for):
    client = client_for(college.org_dept)
    vote(survey, survey.test_codes[0])
    vote(survey, survey.test_codes[1])
    page = text(client.get(live_url(survey) + "turnout/"))
    assert 'id="received">2<' in page and 'id="issued">10<' in page
    assert _("Received") in page and _("Issued") in page


def test_fragment_does_two_queries_of_its_own_however_many_votes(college, survey, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(college.org_dept)

    def own_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(live_url(survey) + "turnout/").status_code == 200
        # Login, session and the user's scope are common to every staff page; these are the view's.
        return [q["sql"] for q in captured.captured_queries if "meetings_" in q["sql"] or "voting_" in q["sql"]]

    assert len(own_queries()) == 2  # the meeting (through access), the survey with both counts
    for code in survey.test_codes[:5]:
        vote(survey, code)
    assert len(own_queries()) == 2


def test_nothing_per_presenter_is_shown_while_the_vote_is_open(college, survey, client_for):
    vote(survey, survey.test_codes[0])
    client = client_for(college.org_dept)
    for page in (text(client.get(live_url(survey))), text(client.get(live_url(survey) + "turnout/"))):
        for presenter in survey.presenters:
            assert presenter["name"] not in page and presenter["org"] not in page
        for option in survey.form["options"]:
            assert option["label"] not in page.replace("满意度测评", "")  # the survey's own name is fine
        assert "独一无二的意见文本" not in page and "/results/" not in page


def test_after_closing_the_screen_says_so_stops_polling_and_links_to_the_results(college, survey, client_for):
    vote(survey, survey.test_codes[0])
    services.close_survey(college.org_dept, survey)
    page = text(client_for(college.org_dept).get(live_url(survey) + "turnout/"))
    assert _("The vote has ended") in page and "hx-trigger" not in page
    assert f'href="/meetings/{survey.meeting_id}/vote/{survey.pk}/results/"' in page


def test_live_screen_warns_when_phones_cannot_open_its_address(college, survey, client_for):
    page = text(client_for(college.org_dept).get(live_url(survey), HTTP_HOST="127.0.0.1:8000"))
    assert 'id="address-warning"' in page and "http://127.0.0.1:8000/v/" in page
    assert _("Phones cannot open this ballot address:") in page and "PUBLIC_BASE_URL" in page
    assert 'id="received">0<' in page  # the screen works all the same


def test_live_screen_shows_no_warning_for_an_address_phones_can_open(college, survey, client_for, settings):
    settings.PUBLIC_BASE_URL = "https://vote.example.edu.cn"
    page = text(client_for(college.org_dept).get(live_url(survey), HTTP_HOST="127.0.0.1:8000"))
    assert 'id="address-warning"' not in page and "https://vote.example.edu.cn/v/" in page
