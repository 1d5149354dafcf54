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
        services.cast_ballot(
            survey.pk, survey.test_codes[1], BallotInput({first: "satisfied"}, {}, {}, "总体<b>好</b>")
        ),
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
        return page[page.index('id="summary"') : page.index('id="suggestions"')]

    before = shown()
    refused = client.post(
        f"/v/{voted.test_codes[5]}/", {"survey": voted.pk, f"r_{voted.presenters[0]['review']}": "unsatisfied"}
    )
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


# --- Every suggestion: on valid ballots, and apart, on void and set-aside ones (fixture `mixed`) -------


def test_results_carry_every_suggestion_by_the_kind_of_ballot_it_is_on(mixed):
    result = services.results(mixed)
    first, second, third = (p["review"] for p in mixed.presenters)
    texts = {p.review_id: p.texts for p in result.suggestions.presenters}
    assert texts == {first: ["乙：多下基层", "甲：注重实效"], second: ["丙：加强学习"]}  # sorted by text
    assert result.suggestions.overall == sorted(["安排紧凑", "会风很好"])
    assert result.presenters[0].suggestions == ["乙：多下基层", "甲：注重实效"]
    assert [(p.review_id, p.texts) for p in result.void_suggestions.presenters] == [(first, ["无效票上的意见"])]
    assert result.void_suggestions.overall == ["无效票上的总体意见"]
    assert [(p.review_id, p.texts) for p in result.flagged_suggestions.presenters] == [(third, ["存疑票上的意见"])]
    assert result.flagged_suggestions.overall == ["存疑票上的总体意见"]
    assert (result.valid, result.void, result.flagged) == (2, {"no_rating": 2}, {"all_bottom": 1})
    assert (result.suggestions.count, result.void_suggestions.count, result.flagged_suggestions.count) == (5, 2, 2)


def test_suggestions_are_in_text_order_whatever_the_order_of_the_ballots(college, meeting):
    survey = services.create_survey(college.org_dept, meeting)
    codes = services.issue_codes(college.org_dept, survey, 8)
    services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    first = str(survey.presenters[0]["review"])
    written = ["戊", "乙", "丁", "甲", "丙", "己", "庚", "辛"]
    for code, text in zip(codes, written, strict=True):
        services.cast_ballot(survey.pk, code, BallotInput({first: "satisfied"}, {}, {first: text}, text + "总体"))
    services.close_survey(college.org_dept, survey)
    result = services.results(survey)
    assert result.presenters[0].suggestions == sorted(written)
    assert result.suggestions.overall == sorted(t + "总体" for t in written)


def test_results_page_lists_overall_and_uncounted_suggestions_apart_and_labelled(college, mixed, client_for):
    page = text(client_for(college.org_dept).get(results_url(mixed)))
    counted = page.split('id="suggestions"')[1].split("</div>")[0]
    assert "会风很好" in counted and "安排紧凑" in counted and _("Overall suggestions") in counted
    assert "无效票上" not in counted and "存疑票上" not in counted
    assert counted.index("乙：多下基层") < counted.index("甲：注重实效")  # sorted by text
    apart = page.split('id="uncounted-suggestions"')[1].split("</section>")[0]
    assert _("Suggestions on ballots that were not counted") in apart
    void = apart.split('id="void-suggestions"')[1].split("</div>")[0]
    assert _("On void ballots (not counted)") in void and "无效票上的意见" in void and "无效票上的总体意见" in void
    assert mixed.presenters[0]["name"] in void
    flagged = apart.split('id="flagged-suggestions"')[1].split("</div>")[0]
    assert "存疑票上的意见" in flagged and "存疑票上的总体意见" in flagged and mixed.presenters[2]["name"] in flagged
    assert 'href="#uncounted-suggestions"' in page.split('id="summary"')[1].split("</p>")[0]


def test_no_uncounted_section_when_every_suggestion_is_on_a_valid_ballot(college, voted, client_for):
    services.close_survey(college.org_dept, voted)
    page = text(client_for(college.org_dept).get(results_url(voted)))
    assert 'id="uncounted-suggestions"' not in page and 'href="#uncounted-suggestions"' not in page


def test_results_and_the_design_pages_after_closing_link_each_other(college, voted, client_for):
    services.close_survey(college.org_dept, voted)
    client = client_for(college.org_dept)
    design = f"/meetings/{voted.meeting_id}/vote-design/{voted.pk}/"
    page = text(client.get(results_url(voted)))
    assert f'href="{design}breakdown/"' in page and f'href="{design}verify/"' in page
    assert f'href="{design}"' in page and 'id="results-page"' not in page  # not a link to itself
    breakdown = text(client.get(f"{design}breakdown/"))
    assert f'href="{results_url(voted)}"' in breakdown
