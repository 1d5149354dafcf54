"""A secretary on a phone finds their own result from their report page; another secretary cannot
reach it by changing the id."""

import pytest
from playwright.sync_api import expect

from conftest import PHONE, review_of
from shuzhi.meetings import services as meeting_services
from shuzhi.voting import closing
from shuzhi.voting.casting import BallotInput, cast_ballot

pytestmark = pytest.mark.browser


def test_a_secretary_sees_their_score_and_comments_on_a_phone_and_another_secretary_cannot(
    college, cycle, survey, page_for
):
    review = review_of(cycle, college.gb_a)
    meeting_services.add_comment(
        college.committee_member,
        survey.meeting,
        review=review,
        problems="党建与业务融合不够紧密",
        direction="把党建融入学科建设",
    )
    first = str(review.pk)
    for code, rating in zip(survey.test_codes[:4], ["satisfied", "satisfied", "basic", "unsatisfied"], strict=True):
        cast_ballot(survey.pk, code, BallotInput({first: rating}, {}, {first: "多听取青年教师意见"}, ""))

    secretary = page_for(college.gb_a_secretary, PHONE)
    secretary.goto(f"/reports/review/{review.pk}/")
    expect(secretary.locator("#review-vote")).to_contain_text(survey.meeting.title)
    expect(secretary.locator("#review-result-link")).to_have_count(0)

    closing.close_survey(college.org_dept, survey)
    secretary.reload()
    secretary.locator("#review-result-link").click()
    expect(secretary.locator("#score")).to_have_text("65.00")
    expect(secretary.locator("#rate")).to_have_text("75.0%")
    expect(secretary.locator("#comments")).to_contain_text("党建与业务融合不够紧密")
    expect(secretary.locator("#comments")).to_contain_text("把党建融入学科建设")
    expect(secretary.locator("#suggestions")).to_contain_text("多听取青年教师意见")
    assert secretary.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    secretary.screenshot(path="/tmp/review-result-phone.png", full_page=True)

    other = page_for(college.gb_b_secretary, PHONE)
    response = other.goto(f"/reviews/{review.pk}/result/")
    assert response.status == 404
    expect(other.locator("body")).not_to_contain_text("65.00")
    expect(other.locator("body")).not_to_contain_text("党建与业务融合不够紧密")
