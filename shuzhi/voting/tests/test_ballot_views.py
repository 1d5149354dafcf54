"""The public ballot at /v/ (no login): entering a code, the ballot page, casting, every refusal."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import gettext as _

from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.models import Ballot, BallotCode, CodeStatus, GuessThrottle

STATIC = Path(settings.BASE_DIR) / "shuzhi" / "static"
USED = "This code has already been used: each code votes once."
UNKNOWN = "This code is not valid. Check the code on your card and type it again."


def url(code: str) -> str:
    return f"/v/{code}/"


def full(survey, option="satisfied", **extra) -> dict:
    data = {"survey": str(survey.pk), **{f"r_{p['review']}": option for p in survey.presenters}}
    data.update(extra)
    return data


def text(response) -> str:
    return response.content.decode()


def other_meeting_survey(college, cycle):
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
    other = services.create_survey(college.org_dept, meeting)
    other.test_codes = services.issue_codes(college.org_dept, other, 2)
    services.open_survey(college.org_dept, other)
    other.refresh_from_db()
    return other


# --- Entering a code ------------------------------------------------------------------------------


def test_entry_page_is_one_big_code_field_for_phones(client):
    page = text(client.get("/v/"))
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    for attribute in ('autocapitalize="characters"', 'autocomplete="off"', 'inputmode="text"'):
        assert attribute in field
    assert "htmx" not in page and "app.css" not in page


def test_typed_code_goes_to_its_ballot_whatever_the_case_and_hyphens(client, survey):
    code = survey.test_codes[0]
    response = client.get("/v/", {"code": codelib.format_code(code).lower()})
    assert response.status_code == 302 and response["Location"] == url(code)


def test_mistyped_code_is_explained_and_kept_without_counting_a_guess(client, survey):
    response = client.get("/v/", {"code": "ab-cd"})
    assert response.status_code == 400
    assert 'value="ab-cd"' in text(response)
    assert _("A ballot code has 13 letters and digits, as printed on your card. Check it and type it again.") in text(
        response
    )
    assert not GuessThrottle.objects.exists()


# --- The ballot page ------------------------------------------------------------------------------


def test_ballot_lists_every_presenter_in_order_with_the_rating_options(client, survey):
    page = text(client.get(url(survey.test_codes[0])))
    assert survey.meeting.title in page
    positions = [page.index(p["name"]) for p in survey.presenters]
    assert positions == sorted(positions)
    for presenter in survey.presenters:
        review = presenter["review"]
        assert presenter["org"] in page
        for option in survey.form["options"]:
            assert f'name="r_{review}" value="{option["key"]}"' in page
        assert f'name="s_{review}"' in page
    assert 'name="overall"' in page and f'name="survey" value="{survey.pk}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'data-unrated="' in page and "{n}" in page  # ballot.js asks before a partial ballot


def test_ballot_page_is_light_loads_no_htmx_and_guards_double_submit(client, survey):
    response = client.get(url(survey.test_codes[0]))
    page = text(response)
    assert "htmx" not in page and "app.css" not in page and "topbar" not in page
    assert "js/ballot.js" in page and "css/ballot.css" in page
    assert "data-submitting" in (STATIC / "js" / "ballot.js").read_text()
    assets = [STATIC / "css" / "ballot.css", STATIC / "js" / "ballot.js", STATIC / "favicon.svg"]
    total = len(response.content) + sum(p.stat().st_size for p in assets)
    assert total < 30_000, total


def test_ballot_page_costs_one_query(client, survey, django_assert_num_queries):
    client.get(url(survey.test_codes[1]))
    with django_assert_num_queries(1):  # the code, its survey, the meeting's title and the guess throttle
        assert client.get(url(survey.test_codes[0])).status_code == 200


def test_every_voter_gets_their_own_csrf_token_and_each_ballot_counts(survey):
    """The ballot page is rendered once per survey and reused: only the CSRF token differs."""
    phones = [Client(enforce_csrf_checks=True) for _ in range(3)]
    pages = [text(phone.get(url(code))) for phone, code in zip(phones, survey.test_codes, strict=False)]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1) for page in pages]
    assert len(set(tokens)) == 3
    assert len({re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page) for page in pages}) == 1
    shown = []
    for phone, code, token in zip(phones, survey.test_codes, tokens, strict=False):
        response = phone.post(url(code), {**full(survey), "csrfmiddlewaretoken": token})
        assert response.status_code == 200
        shown.append(re.search(r'id="receipt">([^<]+)<', text(response)).group(1))
    # The confirmation is reused too: each voter still sees their own receipt, and only that one.
    assert sorted(shown) == sorted(Ballot.objects.filter(survey=survey).values_list("receipt", flat=True))
    assert len(set(shown)) == 3


def test_ballot_page_shows_a_form_changed_after_the_vote_opened(client, college, survey):
    """Until the first ballot arrives the organiser may still change the form of an open vote;
    the next voter sees the new form, not the page rendered before."""
    assert "基本满意" in text(client.get(url(survey.test_codes[0])))
    services.set_survey_form(
        college.org_dept,
        survey,
        {
            "options": [
                {"key": "good", "label": "好", "value": 100, "satisfied": True},
                {"key": "fair", "label": "较好", "value": 80, "satisfied": True},
                {"key": "poor", "label": "差", "value": 0},
            ]
        },
    )
    page = text(client.get(url(survey.test_codes[0])))
    assert "基本满意" not in page and 'value="fair"' in page and "较好" in page


def test_ballot_page_for_a_rehearsal_says_so(client, college, meeting, survey):
    rehearsal = services.create_survey(college.org_dept, meeting, rehearsal=True)
    codes = services.issue_codes(college.org_dept, rehearsal, 1)
    services.open_survey(college.org_dept, rehearsal)
    page = text(client.get(url(codes[0])))
    assert _("Rehearsal: for practice only, it does not count") in page


# --- Casting --------------------------------------------------------------------------------------


def test_vote_is_counted_and_the_receipt_is_only_in_the_response_body(client, survey):
    code = survey.test_codes[0]
    first = survey.presenters[0]["review"]
    response = client.post(url(code), full(survey, **{f"s_{first}": "多听取基层意见", "overall": "会议组织有序"}))
    assert response.status_code == 200
    assert "Location" not in response and response["Cache-Control"] == "no-store"
    ballot = Ballot.objects.get(survey=survey)
    assert f'id="receipt">{ballot.receipt}<' in text(response)
    assert _("Vote submitted") in text(response)
    assert ballot.ratings == {str(p["review"]): "satisfied" for p in survey.presenters}
    assert ballot.suggestions == {str(first): "多听取基层意见"} and ballot.overall_suggestion == "会议组织有序"
    assert all(ballot.receipt not in value for _name, value in response.items())
    assert BallotCode.objects.get(code_hash=codelib.code_hash(code)).status == CodeStatus.USED


def test_partial_ballot_is_accepted(client, survey):
    first = survey.presenters[0]["review"]
    response = client.post(url(survey.test_codes[0]), {"survey": survey.pk, f"r_{first}": "basic"})
    assert response.status_code == 200
    assert Ballot.objects.get(survey=survey).ratings == {str(first): "basic"}


def test_second_submit_of_a_code_is_refused_with_its_message_and_counts_once(client, survey):
    code = survey.test_codes[0]
    assert client.post(url(code), full(survey)).status_code == 200
    again = client.post(url(code), full(survey, "unsatisfied"))
    assert again.status_code == 409 and _(USED) in text(again)
    assert Ballot.objects.filter(survey=survey).count() == 1
    assert Ballot.objects.get(survey=survey).ratings[str(survey.presenters[0]["review"])] == "satisfied"


def test_back_button_after_voting_shows_the_code_is_used_and_resubmitting_is_refused(client, survey):
    code = survey.test_codes[0]
    client.post(url(code), full(survey))
    back = client.get(url(code))
    assert back.status_code == 409 and _(USED) in text(back) and 'name="r_' not in text(back)
    resubmitted = client.post(url(code), full(survey))
    assert _(USED) in text(resubmitted)
    assert Ballot.objects.filter(survey=survey).count() == 1


@pytest.mark.django_db(transaction=True)
def test_double_post_at_the_same_moment_counts_once(college, survey):
    import threading

    from django.db import connections

    code, barrier, statuses = survey.test_codes[0], threading.Barrier(4), []

    def post():
        barrier.wait()
        try:
            statuses.append(Client().post(url(code), full(survey)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200, 409, 409, 409]
    assert Ballot.objects.filter(survey=survey).count() == 1


@pytest.mark.parametrize("typed", ["ZZZZZZZZZZZZZ", "ABC"])
def test_unknown_code_is_refused_and_counted_as_a_guess(client, survey, typed):
    response = client.get(url(typed))
    assert response.status_code == 404 and _(UNKNOWN) in text(response)
    assert GuessThrottle.objects.get().failures == 1
    posted = client.post(url(typed), full(survey))
    assert _(UNKNOWN) in text(posted) and GuessThrottle.objects.get().failures == 2
    assert not Ballot.objects.exists()


def test_code_of_another_meeting_is_refused_on_this_ballot(client, college, cycle, survey):
    other = other_meeting_survey(college, cycle)
    response = client.post(url(other.test_codes[0]), full(survey))
    assert response.status_code == 409
    assert _("This code belongs to another meeting's vote.") in text(response)
    assert BallotCode.objects.get(code_hash=codelib.code_hash(other.test_codes[0])).status == CodeStatus.UNUSED
    assert not Ballot.objects.exists()


def test_rehearsal_code_is_refused_on_the_real_vote(client, college, meeting, survey):
    rehearsal = services.create_survey(college.org_dept, meeting, rehearsal=True)
    codes = services.issue_codes(college.org_dept, rehearsal, 1)
    services.open_survey(college.org_dept, rehearsal)
    response = client.post(url(codes[0]), full(survey))
    assert _("This code belongs to a rehearsal, not to this vote (or the other way round).") in text(response)
    assert not Ballot.objects.exists()


def test_vote_after_closing_is_refused_and_the_result_does_not_change(client, college, survey):
    client.post(url(survey.test_codes[0]), full(survey))
    services.close_survey(college.org_dept, survey)
    before = services.results(survey).presenters[0].counts
    page = client.get(url(survey.test_codes[1]))
    assert page.status_code == 409 and _("Voting is closed.") in text(page) and 'name="r_' not in text(page)
    posted = client.post(url(survey.test_codes[1]), full(survey, "unsatisfied"))
    assert _("Voting is closed.") in text(posted)
    assert Ballot.objects.filter(survey=survey).count() == 1
    assert services.results(survey).presenters[0].counts == before


def test_vote_before_opening_is_refused(client, college, meeting):
    draft = services.create_survey(college.org_dept, meeting, rehearsal=True)
    code = services.issue_codes(college.org_dept, draft, 1)[0]
    response = client.get(url(code))
    assert _("Voting has not started yet.") in text(response) and 'name="r_' not in text(response)


def test_malformed_ballot_keeps_every_choice_and_explains(client, survey):
    first, second = (str(p["review"]) for p in survey.presenters[:2])
    long = "很" * (services.MAX_SUGGESTION_CHARS + 1)
    response = client.post(
        url(survey.test_codes[0]),
        full(survey, "basic", **{f"s_{first}": long, f"s_{second}": "保留<这段>意见", "overall": "总体意见"}),
    )
    page = text(response)
    assert response.status_code == 400
    assert _("A suggestion can be at most %(n)d characters.") % {"n": services.MAX_SUGGESTION_CHARS} in page
    assert page.count('value="basic" checked') == len(survey.presenters)
    assert "保留&lt;这段&gt;意见" in page and long in page and "总体意见" in page
    assert not Ballot.objects.exists()
    assert BallotCode.objects.get(code_hash=codelib.code_hash(survey.test_codes[0])).status == CodeStatus.UNUSED


def test_forged_option_is_refused_with_a_message(client, survey):
    response = client.post(url(survey.test_codes[0]), full(survey, "excellent"))
    assert response.status_code == 400
    assert _("The ballot contains a rating that is not on this ballot form.") in text(response)
    assert not Ballot.objects.exists()


def test_expired_csrf_token_shows_the_ballot_again_with_the_choices(survey):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(survey.test_codes[0]), full(survey, "basic", overall="保留总体意见"))
    assert response.status_code == 403
    assert text(response).count('value="basic" checked') == len(survey.presenters)
    assert "保留总体意见" in text(response) and 'name="csrfmiddlewaretoken"' in text(response)
    assert not Ballot.objects.exists()


def test_post_with_a_survey_that_does_not_exist_is_refused(client, survey):
    response = client.post(url(survey.test_codes[0]), {**full(survey), "survey": "999999"})
    assert response.status_code == 404 and not Ballot.objects.exists()


# --- Guessing -------------------------------------------------------------------------------------


def test_guessing_is_throttled_with_a_429_page(client, survey, monkeypatch):
    now = time.time()
    monkeypatch.setattr(services.time, "time", lambda: now)  # one throttle window for the whole test
    for i in range(services.guess_limit()):
        assert client.get(url(f"ZZZZZZZZZZZ{codelib.ALPHABET[i % 31]}{codelib.ALPHABET[i // 31]}")).status_code == 404
    blocked = client.get(url(survey.test_codes[0]))
    assert blocked.status_code == 429 and blocked["Retry-After"] == "60"
    assert _("Too many wrong codes were tried from this network. Please wait one minute and try again.") in text(
        blocked
    )
    posted = client.post(url(survey.test_codes[0]), full(survey, "basic"))
    assert posted.status_code == 429 and text(posted).count('value="basic" checked') == len(survey.presenters)
    assert not Ballot.objects.exists()


def test_the_guess_limit_is_a_setting(client, survey, settings, monkeypatch):
    now = time.time()
    monkeypatch.setattr(services.time, "time", lambda: now)  # one throttle window for the whole test
    settings.BALLOT_GUESS_LIMIT = 3
    for wrong in ("ZZZZZZZZZZZZZ", "ZZZZZZZZZZZZY", "ZZZZZZZZZZZZX"):
        assert client.get(url(wrong)).status_code == 404
    assert client.get(url(survey.test_codes[0])).status_code == 429


def test_nothing_about_the_voter_is_stored_with_the_throttle(client, survey):
    client.get(url("ZZZZZZZZZZZZZ"), REMOTE_ADDR="203.0.113.7")
    row = GuessThrottle.objects.get()
    assert "203.0.113.7" not in row.key and row.key == services.throttle_key("203.0.113.7")


def test_ballot_with_rated_items_records_them(client, college, meeting):
    draft = services.create_survey(college.org_dept, meeting, rehearsal=True)
    services.set_survey_form(
        college.org_dept,
        draft,
        {
            "options": [
                {"key": "good", "label": "好", "value": 100, "satisfied": True},
                {"key": "bad", "label": "差", "value": 0},
            ],
            "items": [{"key": "duty", "label": "履行第一责任人职责"}],
        },
    )
    code = services.issue_codes(college.org_dept, draft, 1)[0]
    services.open_survey(college.org_dept, draft)
    draft.refresh_from_db()
    review = draft.presenters[0]["review"]
    page = text(client.get(url(code)))
    assert "履行第一责任人职责" in page and f'name="i_{review}_duty" value="bad"' in page
    response = client.post(url(code), {"survey": draft.pk, f"r_{review}": "good", f"i_{review}_duty": "bad"})
    assert response.status_code == 200
    ballot = Ballot.objects.get(survey=draft)
    assert ballot.ratings == {str(review): "good"} and ballot.item_ratings == {str(review): {"duty": "bad"}}


def test_a_database_busy_past_its_timeout_asks_the_voter_to_submit_again(client, survey, monkeypatch):
    """SQLite: a write lock not obtained within the busy timeout must not show a server error; the
    code stays unused and submitting again counts the ballot. (PostgreSQL has no such timeout, and
    a real database error there stays an error.)"""
    from django.db import OperationalError, connection

    code = survey.test_codes[0]

    def locked() -> str:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services.codelib, "new_receipt", locked)
    if connection.vendor != "sqlite":
        with pytest.raises(OperationalError):
            services.cast_ballot(survey, code, services.BallotInput({}, {}, {}))
        return
    first = survey.presenters[0]["review"]
    response = client.post(url(code), full(survey, "basic", **{f"s_{first}": "多下基层"}))
    assert response.status_code == 503
    assert _("The ballot could not be saved. Please submit it again.") in text(response)
    assert "多下基层" in text(response) and text(response).count('value="basic" checked') == len(survey.presenters)
    assert BallotCode.objects.get(code_hash=codelib.code_hash(code)).status == CodeStatus.UNUSED
    monkeypatch.undo()
    response = client.post(url(code), full(survey))
    assert response.status_code == 200 and Ballot.objects.filter(survey=survey).count() == 1


def test_paper_sheet_code_is_refused_on_the_phone_and_stays_for_its_sheet(client, college, survey):
    """A code printed on a paper sheet votes only on that sheet: were it accepted on a phone too, one
    voter could hand in the sheet as well and a clerk would find the code used."""
    paper = services.issue_codes(college.org_dept, survey, 1, paper=True)[0]
    message = _(
        "This code is printed on a paper ballot sheet: fill in that sheet and hand it in; it cannot be used on a phone."
    )
    opened = client.get(url(paper))
    assert opened.status_code == 409 and message in text(opened) and 'name="survey"' not in text(opened)
    posted = client.post(url(paper), full(survey))
    assert posted.status_code == 409 and message in text(posted)
    assert not Ballot.objects.exists()
    assert not GuessThrottle.objects.exists()  # a real code, not a guess
    assert BallotCode.objects.get(code_hash=codelib.code_hash(paper)).status == CodeStatus.UNUSED
    assert services.enter_paper_ballot(
        college.org_dept,
        survey,
        paper,
        services.BallotInput({str(survey.presenters[0]["review"]): "satisfied"}, {}, {}),
    ).counted
