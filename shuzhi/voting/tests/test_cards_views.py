"""Printing: cut-out cards with a QR code (2 × 5 to an A4 page) and paper ballots (one A4 per code)."""

import re

from django.utils.translation import gettext as _

from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.qr import qr_svg
from shuzhi.voting.services import BallotInput


def cards_url(survey, batch=None) -> str:
    url = f"/meetings/{survey.meeting_id}/vote/{survey.pk}/cards/"
    return f"{url}?batch={batch}" if batch else url


def sheets_url(survey, batch=None) -> str:
    url = f"/meetings/{survey.meeting_id}/vote/{survey.pk}/paper-sheets/"
    return f"{url}?batch={batch}" if batch else url


def text(response) -> str:
    return response.content.decode()


def test_cards_show_every_unused_code_formatted_with_the_qr_of_its_ballot(college, survey, client_for):
    page = text(client_for(college.org_dept).get(cards_url(survey, 1)))
    assert len(re.findall(r'<svg[^>]*class="qr"', page)) == 10
    for code in survey.test_codes:
        assert codelib.format_code(code) in page
        assert qr_svg(f"http://testserver/v/{code}/") in page  # the QR encodes {scheme}://{host}/v/{code}/
    assert page.count("cut-card") == 10 and page.count("cards-sheet") == 1
    assert survey.meeting.title in page
    assert _("Scan the QR code, or open the address and type the code. Each code votes once.") in page


def test_cards_print_the_public_address_when_one_is_configured(college, survey, client_for, settings):
    """The organiser may print from an internal address; the phones need the one they can reach."""
    settings.PUBLIC_BASE_URL = "https://vote.example.edu.cn"
    page = text(client_for(college.org_dept).get(cards_url(survey, 1)))
    for code in survey.test_codes:
        assert qr_svg(f"https://vote.example.edu.cn/v/{code}/") in page
    assert "https://vote.example.edu.cn/v/" in page and "testserver" not in page


def test_cards_are_ten_to_a_page(college, survey, client_for):
    services.issue_codes(college.org_dept, survey, 15)
    page = text(client_for(college.org_dept).get(cards_url(survey, 2)))
    assert page.count('class="sheet cards-sheet"') == 2 and page.count('class="cut-card"') == 15
    assert len(re.findall(r'<svg[^>]*class="qr"', page)) == 15


def test_used_codes_are_not_printable_and_the_page_says_so(college, survey, client_for):
    services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    page = text(client_for(college.org_dept).get(cards_url(survey)))
    assert codelib.format_code(survey.test_codes[0]) not in page
    assert page.count('class="cut-card"') == 9
    assert 'id="used-note"' in page


def test_cards_page_keeps_the_strict_csp(college, survey, client_for):
    response = client_for(college.org_dept).get(cards_url(survey))
    page = text(response)
    assert "<style" not in page and " style=" not in page and "<script" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_paper_ballots_are_one_sheet_per_paper_code_with_a_box_per_option(college, survey, client_for):
    paper = services.issue_codes(college.org_dept, survey, 3, paper=True)
    page = text(client_for(college.org_dept).get(sheets_url(survey, 2)))
    assert page.count('class="sheet paper-sheet"') == 3
    for code in paper:
        assert codelib.format_code(code) in page
    for code in survey.test_codes:  # phone codes are on cards, not on paper ballots
        assert codelib.format_code(code) not in page
    presenters, options = len(survey.presenters), len(survey.form["options"])
    assert page.count('class="tick-box"') == 3 * presenters * options
    assert all(p["name"] in page for p in survey.presenters)


def test_paper_ballots_before_opening_list_the_agenda(college, meeting, client_for):
    draft = services.create_survey(college.org_dept, meeting)
    services.issue_codes(college.org_dept, draft, 1, paper=True)
    page = text(client_for(college.org_dept).get(sheets_url(draft)))
    assert "总支书记甲" in page and "直属支书" in page
