"""Results and receipts: hidden while the vote is open, complete and escaped once it is closed."""

import pytest
from django.utils.translation import gettext as _

from shuzhi.voting import services, tally, views
from shuzhi.voting.services import BallotInput

SCRIPT = "<script>alert('x')</script>"


def results_url(survey) -> str:
    return f"/meetings/{survey.meeting_id}/vote/{survey.pk}/results/"


def receipts_url(survey) -> str:
    return f"/meetings/{survey.meeting_id}/vote/{survey.pk}/receipts/"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def voted(survey):
    """Three ballots: two rate the first presenter 满意, one 不满意 with a suggestion holding a script."""
    first = str(survey.presenters[0]["review"])
    survey.receipts = [
        services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({first: "satisfied"}, {}, {}, "")),
        services.cast_ballot(survey.pk, survey.test_codes[1], BallotInput({first: "satisfied"}, {}, {}, "总体<b>好</b>")),
        services.cast_ballot(survey.pk, survey.test_codes[2], BallotInput({first: "unsatisfied"}, {}, {first: SCRIPT})),
    ]
    return survey


def test_results_are_hidden_while_the_vote_is_open(college, voted, client_for):
    client = client_for(college.org_dept)
    page = text(client.get(results_url(voted)))
    assert _("Results are shown only after the vote is closed.") in page
    assert "results-table" not in page and "alert(" not in page and "总体" not in page
    assert voted.presenters[0]["name"] not in page
    xlsx = client.get(results_url(voted).replace("results/", "results.xlsx"))
    assert xlsx.status_code == 409 and "spreadsheetml" not in xlsx["Content-Type"]
    assert _("Results are shown only after the vote is closed.") in text(xlsx)


def test_receipts_are_hidden_while_the_vote_is_open(college, voted, client_for):
    page = text(client_for(college.org_dept).get(receipts_url(voted)))
    assert _("The receipt codes are published when the vote is closed.") in page
    assert not any(receipt in page for receipt in voted.receipts)


def test_closed_results_show_counts_rate_score_and_the_formula(college, voted, client_for):
    services.close_survey(college.org_dept, voted)
    page = text(client_for(college.org_dept).get(results_url(voted)))
    row = page.split('id="results-table"')[1].split("</tr>")[1]
    first = voted.presenters[0]
    assert first["name"] in row and first["org"] in row
    assert '<td class="num">2</td><td class="num">0</td><td class="num">1</td>' in row  # 满意 基本满意 不满意
    assert "66.7%" in row and "66.67" in row  # 2 of 3 satisfied; (100 + 100 + 0) / 3
    assert _(views.FORMULA) in page
    assert "满意 = 100" in page


def test_suggestions_are_escaped_on_the_results_page(college, voted, client_for):
    services.close_survey(college.org_dept, voted)
    page = text(client_for(college.org_dept).get(results_url(voted)))
    assert SCRIPT not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "总体&lt;b&gt;好&lt;/b&gt;" in page


def test_closed_vote_never_changes(college, voted, client_for):
    services.close_survey(college.org_dept, voted)
    client = client_for(college.org_dept)
    def shown():
        page = text(client.get(results_url(voted)))
        return page[page.index('id="summary"'):page.index('id="suggestions"')]

    before = shown()
    refused = client.post(f"/v/{voted.test_codes[5]}/", {"survey": voted.pk,
                                                          f"r_{voted.presenters[0]['review']}": "unsatisfied"})
    assert _("Voting is closed.") in text(refused)
    assert shown() == before


def test_formula_marked_for_translation_is_the_tally_formula():
    assert views.FORMULA == tally.FORMULA


def test_every_receipt_is_listed_after_closing_with_the_seal(college, voted, client_for):
    services.close_survey(college.org_dept, voted)
    voted.refresh_from_db()
    page = text(client_for(college.org_dept).get(receipts_url(voted)))
    assert all(f"<li>{receipt}</li>" in page for receipt in voted.receipts)
    assert voted.seal_digest in page
    assert SCRIPT not in page and "alert" not in page  # no ballot content, only receipts


def test_receipt_search_finds_a_receipt_and_says_when_one_is_missing(college, voted, client_for):
    services.close_survey(college.org_dept, voted)
    client = client_for(college.org_dept)
    found = text(client.get(receipts_url(voted), {"q": voted.receipts[1].lower()}))
    assert 'id="receipt-found"' in found and f'class="hit">{voted.receipts[1]}<' in found
    missing = text(client.get(receipts_url(voted), {"q": "<b>ZZZZ</b>"}))
    assert 'id="receipt-missing"' in missing and "&lt;b&gt;ZZZZ&lt;/b&gt;" in missing and "<b>ZZZZ</b>" not in missing


def test_someone_who_sees_the_meeting_reads_the_closed_results(college, voted, client_for):
    services.close_survey(college.org_dept, voted)
    # 党委组织统战部 runs; a 党总支 leader cannot even see the committee's meeting.
    assert client_for(college.gb_a_secretary).get(results_url(voted)).status_code == 404
    client = client_for(college.committee_member)
    assert "results-table" in text(client.get(results_url(voted)))
