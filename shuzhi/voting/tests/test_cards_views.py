"""Printing: cut-out cards with a QR code (2 × 5 to an A4 page) and paper ballots (one A4 per code)."""

import re

import pytest
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


LAN = "192.168.1.20:8000"  # the organiser's computer on the venue's network: phones can open it


@pytest.fixture(autouse=True)
def lan_host(settings):
    """The test client's own host, testserver, is a bare name phones cannot open: print from a LAN address."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "192.168.1.20", "shuzhi-pc"]


def get(client, url, host=LAN):
    return client.get(url, HTTP_HOST=host)


def text(response) -> str:
    return response.content.decode()


def test_cards_show_every_unused_code_formatted_with_the_qr_of_its_ballot(college, survey, client_for):
    page = text(get(client_for(college.org_dept), cards_url(survey, 1)))
    assert len(re.findall(r'<svg[^>]*class="qr"', page)) == 10
    for code in survey.test_codes:
        assert codelib.format_code(code) in page
        assert qr_svg(f"http://{LAN}/v/{code}/") in page  # the QR encodes {scheme}://{host}/v/{code}/
    assert 'id="address-warning"' not in page
    assert page.count("cut-card") == 10 and page.count("cards-sheet") == 1
    assert survey.meeting.title in page
    assert (
        _(
            "Scan the QR code with a phone, or open the address and type the code. Each code votes once, on a phone only: it cannot be used on a paper ballot."
        )
        in page
    )


def test_cards_print_the_public_address_when_one_is_configured(college, survey, client_for, settings):
    """The organiser may print from an internal address; the phones need the one they can reach."""
    settings.PUBLIC_BASE_URL = "https://vote.example.edu.cn"
    page = text(client_for(college.org_dept).get(cards_url(survey, 1)))  # printed from testserver
    for code in survey.test_codes:
        assert qr_svg(f"https://vote.example.edu.cn/v/{code}/") in page
    assert "https://vote.example.edu.cn/v/" in page and "testserver" not in page
    assert 'id="address-warning"' not in page


def test_cards_are_ten_to_a_page(college, survey, client_for):
    services.issue_codes(college.org_dept, survey, 15)
    page = text(get(client_for(college.org_dept), cards_url(survey, 2)))
    assert page.count('class="sheet cards-sheet"') == 2 and page.count('class="cut-card"') == 15
    assert len(re.findall(r'<svg[^>]*class="qr"', page)) == 15


def test_used_codes_are_not_printable_and_the_page_says_so(college, survey, client_for):
    services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    page = text(get(client_for(college.org_dept), cards_url(survey)))
    assert codelib.format_code(survey.test_codes[0]) not in page
    assert page.count('class="cut-card"') == 9
    assert 'id="used-note"' in page


def test_cards_page_keeps_the_strict_csp(college, survey, client_for):
    response = get(client_for(college.org_dept), cards_url(survey), host="127.0.0.1:8000")  # with the warning
    page = text(response)
    assert 'id="address-warning"' in page
    assert "<style" not in page and " style=" not in page and "<script" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "shuzhi-pc:8000"])
def test_cards_on_an_address_phones_cannot_open_warn_and_hold_every_card_back(college, survey, client_for, host):
    response = get(client_for(college.org_dept), cards_url(survey, 1), host=host)
    page = text(response)
    assert response.status_code == 200
    assert 'id="address-warning"' in page and f"http://{host}/v/" in page
    assert _("Phones cannot open this ballot address:") in page
    assert "PUBLIC_BASE_URL" in page and "192.168.1.20" in page  # how to fix it
    assert 'class="cut-card"' not in page and "<svg" not in page  # nothing printable
    for code in survey.test_codes:
        assert codelib.format_code(code) not in page
    assert 'name="print_anyway" value="1" required' in page and 'name="batch" value="1"' in page
    assert "10 张" in page  # how many are held back


def test_a_loopback_address_is_explained_as_the_phone_itself(college, survey, client_for):
    page = text(get(client_for(college.org_dept), cards_url(survey), host="127.0.0.1:8000"))
    assert "127.0.0.1 是本机地址" in page and "ALLOWED_HOSTS" in page


def test_cards_are_printed_anyway_once_the_organiser_confirms(college, survey, client_for):
    page = text(get(client_for(college.org_dept), cards_url(survey, 1) + "&print_anyway=1", host="127.0.0.1:8000"))
    assert page.count('class="cut-card"') == 10
    assert qr_svg(f"http://127.0.0.1:8000/v/{survey.test_codes[0]}/") in page
    assert 'id="address-warning"' in page  # still said, on the screen only (the toolbar is not printed)
    assert 'id="print-anyway"' not in page


def test_a_public_address_phones_cannot_open_is_warned_about_as_the_setting(college, survey, client_for, settings):
    settings.PUBLIC_BASE_URL = "http://localhost:8000"
    page = text(get(client_for(college.org_dept), cards_url(survey)))  # printed from a good LAN address
    assert 'id="address-warning"' in page and 'class="cut-card"' not in page
    assert "PUBLIC_BASE_URL（http://localhost:8000）" in page


def test_without_unused_codes_the_warning_shows_and_nothing_is_held(college, meeting, client_for):
    draft = services.create_survey(college.org_dept, meeting)
    page = text(get(client_for(college.org_dept), cards_url(draft), host="127.0.0.1:8000"))
    assert 'id="address-warning"' in page and 'id="print-anyway"' not in page
    assert _("No unused phone codes in this selection: issue a new batch on the vote page.") in page


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
