"""Fixtures shared by the vote's tests (the college, meeting and open survey are in the project's conftest)."""

import pytest

from shuzhi.voting import ballotform, services
from shuzhi.voting.services import BallotInput


@pytest.fixture
def mixed(college, meeting):
    """A closed vote whose suggestions are on valid, void (rates nobody) and set-aside (all 不满意) ballots."""
    survey = services.create_survey(college.org_dept, meeting)
    form = ballotform.default_form()
    form["rules"]["all_unsatisfied_action"] = "flag"
    services.set_survey_form(college.org_dept, survey, form)
    codes = services.issue_codes(college.org_dept, survey, 6)
    services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    first, second, third = (str(p["review"]) for p in survey.presenters)
    ballots = [
        BallotInput({first: "satisfied"}, {}, {first: "乙：多下基层", second: "丙：加强学习"}, "会风很好"),
        BallotInput({first: "basic", second: "satisfied"}, {}, {first: "甲：注重实效"}, "安排紧凑"),
        BallotInput({}, {}, {first: "无效票上的意见"}, "无效票上的总体意见"),  # void: rates nobody
        BallotInput({}, {}, {}, "   "),  # void, nothing written
        BallotInput(
            {first: "unsatisfied", second: "unsatisfied", third: "unsatisfied"},
            {},
            {third: "存疑票上的意见"},
            "存疑票上的总体意见",
        ),  # set aside
    ]
    for code, ballot in zip(codes, ballots, strict=False):
        services.cast_ballot(survey.pk, code, ballot)
    return services.close_survey(college.org_dept, survey)
