"""Clerks typing in paper ballots: counted, waiting for a second clerk, mismatches and withdrawing."""

import pytest
from django.utils.translation import gettext as _

from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.models import Ballot, PaperEntry, Survey


def paper_url(survey) -> str:
    return f"/meetings/{survey.meeting_id}/vote/{survey.pk}/paper/"


def text(response) -> str:
    return response.content.decode()


def marks(survey, option="satisfied", **extra) -> dict:
    data = {f"r_{p['review']}": option for p in survey.presenters}
    data.update(extra)
    return data


@pytest.fixture
def paper_codes(college, survey):
    return services.issue_codes(college.org_dept, survey, 3, paper=True)


def test_clerk_enters_a_paper_ballot_and_it_counts(college, survey, paper_codes, client_for):
    client = client_for(college.org_dept)
    first = survey.presenters[0]["review"]
    response = client.post(
        paper_url(survey),
        {"code": codelib.format_code(paper_codes[0]).lower(), **marks(survey, "basic", **{f"s_{first}": "纸质票意见"})},
        follow=True,
    )
    ballot = Ballot.objects.get(survey=survey)
    assert ballot.is_paper and ballot.suggestions == {str(first): "纸质票意见"}
    assert _("Paper ballot %(code)s is counted.") % {"code": codelib.format_code(paper_codes[0])} in text(response)


def test_phone_code_is_refused_and_the_entry_is_kept(college, survey, paper_codes, client_for):
    response = client_for(college.org_dept).post(
        paper_url(survey), {"code": survey.test_codes[0], **marks(survey, "unsatisfied", overall="保留的总体意见")}
    )
    page = text(response)
    assert response.status_code == 400
    assert _("This code was issued for phone voting, not for a paper ballot.") in page
    assert page.count('value="unsatisfied" checked') == len(survey.presenters) and "保留的总体意见" in page
    assert f'value="{survey.test_codes[0]}"' in page
    assert not Ballot.objects.exists()


def test_unknown_code_is_refused_with_the_voters_message(college, survey, paper_codes, client_for):
    response = client_for(college.org_dept).post(paper_url(survey), {"code": "ZZZZ-ZZZZ-ZZZZZ", **marks(survey)})
    assert _("This code is not valid. Check the code on your card and type it again.") in text(response)


def test_two_clerks_who_agree_count_the_ballot_once(college, survey, paper_codes, client_for):
    Survey.objects.filter(pk=survey.pk).update(paper_double_entry=True)
    first = client_for(college.org_dept).post(paper_url(survey), {"code": paper_codes[0], **marks(survey)}, follow=True)
    assert 'id="paper-form"' in text(first) and not Ballot.objects.exists()
    assert PaperEntry.objects.filter(survey=survey).count() == 1
    second = client_for(college.committee_member).post(
        paper_url(survey), {"code": paper_codes[0], **marks(survey)}, follow=True
    )
    assert _("Paper ballot %(code)s is counted.") % {"code": codelib.format_code(paper_codes[0])} in text(second)
    assert Ballot.objects.filter(survey=survey, is_paper=True).count() == 1
    assert not PaperEntry.objects.filter(survey=survey).exists()


def test_mismatch_is_listed_not_counted_and_a_wrong_entry_can_be_withdrawn(college, survey, paper_codes, client_for):
    Survey.objects.filter(pk=survey.pk).update(paper_double_entry=True)
    client_for(college.org_dept).post(paper_url(survey), {"code": paper_codes[0], **marks(survey, "basic")})
    clerk = client_for(college.committee_member)
    page = text(clerk.post(paper_url(survey), {"code": paper_codes[0], **marks(survey, "unsatisfied")}, follow=True))
    assert not Ballot.objects.exists()
    assert 'id="mismatches"' in page and codelib.format_code(paper_codes[0]) in page
    wrong = PaperEntry.objects.get(survey=survey, clerk=college.committee_member)
    assert f"/paper/{wrong.pk}/withdraw/" in page
    clerk.post(f"{paper_url(survey)}{wrong.pk}/withdraw/")
    assert not PaperEntry.objects.filter(pk=wrong.pk).exists()
    clerk.post(paper_url(survey), {"code": paper_codes[0], **marks(survey, "basic")})
    assert Ballot.objects.filter(survey=survey).count() == 1


def test_no_paper_entry_after_closing(college, survey, paper_codes, client_for):
    services.close_survey(college.org_dept, survey)
    client = client_for(college.org_dept)
    assert 'id="paper-form"' not in text(client.get(paper_url(survey)))
    response = client.post(paper_url(survey), {"code": paper_codes[0], **marks(survey)})
    assert _("Paper ballots can be entered only while the vote is open.") in text(response)
    assert not Ballot.objects.exists()


def test_organiser_switches_to_two_clerk_entry_until_paper_ballots_arrive(college, survey, client_for):
    client = client_for(college.org_dept)
    url = f"/meetings/{survey.meeting_id}/vote/{survey.pk}/paper/mode/"
    client.post(url, {"double": "1"})
    survey.refresh_from_db()
    assert survey.paper_double_entry
    from shuzhi.voting.models import PaperEntry

    PaperEntry.objects.create(survey=survey, code_hash="x" * 64, clerk=college.org_dept, content={})
    client.post(url, {"double": "0"})
    survey.refresh_from_db()
    assert survey.paper_double_entry  # refused once an entry exists


def test_other_organisation_cannot_switch_the_paper_mode(college, survey, client_for):
    response = client_for(college.gb_a_secretary).post(
        f"/meetings/{survey.meeting_id}/vote/{survey.pk}/paper/mode/", {"double": "1"}
    )
    assert response.status_code == 404
    survey.refresh_from_db()
    assert not survey.paper_double_entry
