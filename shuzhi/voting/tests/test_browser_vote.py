"""The vote in chromium: a voter on a phone (no login) and the organiser's live screen, results and prints."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE
from shuzhi.voting import services
from shuzhi.voting.models import Ballot

pytestmark = pytest.mark.browser
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PAGE_IN_PDF = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.fixture
def phone(browser, live_server):
    """A voter's phone: a fresh browser, phone-sized, touch, never logged in."""
    contexts = []

    def open_phone():
        context = browser.new_context(
            viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, base_url=live_server.url
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_phone
    for context in contexts:
        context.close()


def vote_url(survey_or_meeting) -> str:
    meeting_id = getattr(survey_or_meeting, "meeting_id", survey_or_meeting.pk)
    return f"/meetings/{meeting_id}/vote/"


def test_voter_votes_with_one_thumb_and_the_room_sees_it_counted(college, survey, page_for, phone):
    ARTIFACTS.mkdir(exist_ok=True)
    organiser = page_for(college.org_dept, DESKTOP)
    organiser.goto(f"{vote_url(survey)}{survey.pk}/live/")
    expect(organiser.locator("#received")).to_have_text("0")
    expect(organiser.locator("#issued")).to_have_text("10")

    voter = phone()
    voter.goto(f"/v/{survey.test_codes[0]}/")  # what scanning the card's QR code opens
    expect(voter.locator("h1")).to_have_text(survey.meeting.title)
    voter.screenshot(path=ARTIFACTS / "vote-phone-ballot.png", full_page=True)
    labels = [o["label"] for o in survey.form["options"]]
    for index, fieldset in enumerate(voter.locator("fieldset.presenter").all()):
        target = fieldset.locator(".opts label", has_text=re.compile(f"^{labels[index % len(labels)]}$"))
        box = target.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48  # a thumb's tap target
        target.tap()
        expect(target.locator("input")).to_be_checked()
    first = voter.locator("fieldset.presenter").first
    first.locator("summary").tap()
    first.locator("textarea").fill("希望多到一线听取党员意见")
    voter.screenshot(path=ARTIFACTS / "vote-phone-ballot-filled.png", full_page=True)
    voter.get_by_role("button", name=_("Submit the vote")).tap()

    expect(voter.locator("#receipt")).to_be_visible()
    receipt = voter.locator("#receipt").inner_text().strip()
    assert "/v/" in voter.url and receipt not in voter.url
    ballot = Ballot.objects.get(survey=survey)
    assert ballot.receipt == receipt and ballot.suggestions == {
        str(survey.presenters[0]["review"]): "希望多到一线听取党员意见"
    }
    voter.screenshot(path=ARTIFACTS / "vote-phone-receipt.png", full_page=True)

    expect(organiser.locator("#received")).to_have_text("1", timeout=10_000)  # the screen polls every 3 s
    organiser.screenshot(path=ARTIFACTS / "vote-live-screen.png")

    voter.go_back()  # back to the ballot, and submit it again
    if voter.locator("form#ballot").count():
        voter.get_by_role("button", name=_("Submit the vote")).tap()
    expect(voter.locator("#refusal")).to_have_text(_("This code has already been used: each code votes once."))
    voter.screenshot(path=ARTIFACTS / "vote-phone-used.png", full_page=True)
    assert Ballot.objects.filter(survey=survey).count() == 1

    organiser.goto(vote_url(survey))
    organiser.once("dialog", lambda dialog: dialog.accept())
    organiser.locator(f"#close-{survey.pk}").click()
    expect(organiser.locator("#results-table")).to_contain_text(survey.presenters[0]["name"])
    expect(organiser.locator("#suggestions")).to_contain_text("希望多到一线听取党员意见")
    organiser.screenshot(path=ARTIFACTS / "vote-results.png", full_page=True)

    organiser.goto(f"{vote_url(survey)}{survey.pk}/live/")
    expect(organiser.locator(".ended")).to_have_text(_("The vote has ended"))
    organiser.screenshot(path=ARTIFACTS / "vote-live-screen-closed.png")

    organiser.goto(f"{vote_url(survey)}{survey.pk}/receipts/")
    expect(organiser.locator("#receipt-list")).to_contain_text(receipt)
    organiser.fill("input[name=q]", receipt.lower())
    organiser.locator("#receipt-search button").click()
    expect(organiser.locator("#receipt-found")).to_contain_text(receipt)
    organiser.screenshot(path=ARTIFACTS / "vote-receipts.png", full_page=True)


def test_partial_ballot_asks_how_many_are_unrated_before_it_is_sent(college, survey, phone):
    voter = phone()
    voter.goto(f"/v/{survey.test_codes[1]}/")
    voter.locator("fieldset.presenter").first.locator(".opts label").first.tap()
    questions = []
    voter.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    voter.get_by_role("button", name=_("Submit the vote")).tap()
    for _wait in range(100):  # the handler runs on Playwright's side; give it its turn
        if questions:
            break
        voter.wait_for_timeout(50)
    expect(voter.locator("form#ballot")).to_be_visible()
    unrated = len(survey.presenters) - 1
    assert questions == [_("You have not rated {n} presenter(s). Submit anyway?").replace("{n}", str(unrated))]
    assert not Ballot.objects.exists()
    voter.once("dialog", lambda dialog: dialog.accept())
    voter.get_by_role("button", name=_("Submit the vote")).tap()
    expect(voter.locator("#receipt")).to_be_visible()
    assert Ballot.objects.get(survey=survey).ratings == {str(survey.presenters[0]["review"]): "satisfied"}


def test_typed_code_on_a_phone_opens_a_light_ballot(college, survey, phone):
    voter = phone()
    voter.goto("/v/")
    voter.screenshot(path=ARTIFACTS / "vote-phone-enter.png")
    # A first visit: nothing from the browser's cache (the entry page loaded the same assets).
    cdp = voter.context.new_cdp_session(voter)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    responses = []
    voter.on("response", lambda response: responses.append(response))
    voter.fill("input[name=code]", " " + survey.test_codes[2].lower()[:6] + " " + survey.test_codes[2].lower()[6:])
    voter.get_by_role("button", name=_("Open my ballot")).tap()
    expect(voter.locator("fieldset.presenter")).to_have_count(len(survey.presenters))
    voter.wait_for_load_state("networkidle")
    ballot_load = [r for r in responses if "/v/" not in r.url or r.url.endswith(f"/v/{survey.test_codes[2]}/")]
    # Bodies and headers as they came over the network (from the network events: response.body()
    # may already be dropped for a document the browser has moved on from).
    sizes = [r.request.sizes() for r in ballot_load]
    assert all(size["responseBodySize"] > 0 for size in sizes), sizes
    transferred = sum(size["responseBodySize"] + size["responseHeadersSize"] for size in sizes)
    assert transferred < 30_000, transferred
    assert not any("htmx" in r.url for r in responses)
    print(f"\nballot page with its assets: {transferred} bytes in {len(ballot_load)} responses")


def test_cards_print_ten_to_an_a4_page_and_paper_ballots_one_each(college, survey, page_for, settings):
    settings.PUBLIC_BASE_URL = "http://192.168.1.20:8000"  # an address phones can open: no warning
    services.issue_codes(college.org_dept, survey, 5)  # batch 2
    services.issue_codes(college.org_dept, survey, 2, paper=True)  # batch 3
    organiser = page_for(college.org_dept, DESKTOP)
    organiser.goto(f"{vote_url(survey)}{survey.pk}/cards/?batch=1")
    expect(organiser.locator(".cut-card svg.qr")).to_have_count(10)
    organiser.screenshot(path=ARTIFACTS / "vote-cards.png", full_page=True)
    assert len(PAGE_IN_PDF.findall(organiser.pdf(prefer_css_page_size=True))) == 1
    organiser.goto(f"{vote_url(survey)}{survey.pk}/cards/")
    expect(organiser.locator(".cut-card")).to_have_count(15)
    assert len(PAGE_IN_PDF.findall(organiser.pdf(prefer_css_page_size=True))) == 2
    organiser.goto(f"{vote_url(survey)}{survey.pk}/paper-sheets/?batch=3")
    expect(organiser.locator(".paper-sheet")).to_have_count(2)
    organiser.screenshot(path=ARTIFACTS / "vote-paper-sheets.png", full_page=True)
    assert len(PAGE_IN_PDF.findall(organiser.pdf(prefer_css_page_size=True))) == 2


def test_organiser_sets_up_the_vote_on_a_phone(college, meeting, page_for):
    organiser = page_for(college.org_dept, PHONE)
    organiser.goto(vote_url(meeting))
    organiser.locator("#create-survey").click()
    survey = meeting.surveys.get()
    organiser.fill("input[name=count]", "12")
    organiser.locator(".issue-form button[type=submit]").click()
    # The live server is on localhost: phones could not open the cards' address, so the page says so
    # and holds the cards back until the organiser confirms.
    warning = organiser.locator("#address-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("手机打不开这个测评地址")
    expect(warning).to_contain_text("PUBLIC_BASE_URL")
    expect(organiser.locator(".cut-card")).to_have_count(0)
    box = warning.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # readable on the phone, no sideways scroll
    assert organiser.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    organiser.screenshot(path=ARTIFACTS / "vote-cards-unreachable-phone.png", full_page=True)
    organiser.locator("#print-anyway-button").click()  # not ticked: the browser asks for the tick first
    expect(organiser.locator(".cut-card")).to_have_count(0)
    organiser.locator("#print-anyway-check").check()
    organiser.locator("#print-anyway-button").click()
    expect(organiser.locator(".cut-card")).to_have_count(12)
    assert "print_anyway=1" in organiser.url and "batch=1" in organiser.url
    expect(organiser.locator("#address-warning")).to_be_visible()  # still said on screen, never printed
    assert len(PAGE_IN_PDF.findall(organiser.pdf(prefer_css_page_size=True))) == 2  # 12 cards: two sheets
    organiser.goto(vote_url(meeting))
    organiser.once("dialog", lambda dialog: dialog.accept())
    organiser.locator(f"#open-{survey.pk}").click()
    expect(organiser.locator(f"#close-{survey.pk}")).to_be_visible()
    organiser.screenshot(path=ARTIFACTS / "vote-manage-phone.png", full_page=True)
    survey.refresh_from_db()
    assert survey.status == "open" and survey.codes.count() == 12


def test_live_screen_warns_that_phones_cannot_open_a_localhost_address(college, survey, page_for, settings):
    organiser = page_for(college.org_dept, DESKTOP)
    organiser.goto(f"{vote_url(survey)}{survey.pk}/live/")
    expect(organiser.locator("#address-warning")).to_contain_text("是本机地址")
    expect(organiser.locator("#received")).to_have_text("0")
    organiser.screenshot(path=ARTIFACTS / "vote-live-screen-unreachable.png")
    settings.PUBLIC_BASE_URL = "http://192.168.1.20:8000"
    organiser.reload()
    expect(organiser.locator(".live-url")).to_have_text("http://192.168.1.20:8000/v/")
    expect(organiser.locator("#address-warning")).to_have_count(0)


def test_results_show_the_suggestions_of_ballots_that_were_not_counted_apart(college, survey, page_for):
    first = str(survey.presenters[0]["review"])
    services.cast_ballot(
        survey.pk, survey.test_codes[0], services.BallotInput({first: "satisfied"}, {}, {}, "会议安排紧凑")
    )
    services.cast_ballot(survey.pk, survey.test_codes[1], services.BallotInput({}, {}, {first: "只写了意见没有打分"}))
    services.close_survey(college.org_dept, survey)
    organiser = page_for(college.org_dept, DESKTOP)
    organiser.goto(f"{vote_url(survey)}{survey.pk}/results/")
    expect(organiser.locator("#suggestions")).to_contain_text("会议安排紧凑")
    expect(organiser.locator("#suggestions")).not_to_contain_text("只写了意见没有打分")
    organiser.locator("#summary a[href='#uncounted-suggestions']").click()
    expect(organiser.locator("#void-suggestions")).to_contain_text("只写了意见没有打分")
    expect(organiser.locator("#void-suggestions")).to_contain_text(survey.presenters[0]["name"])
    organiser.screenshot(path=ARTIFACTS / "vote-results-uncounted-suggestions.png", full_page=True)
