"""Fixtures of the evaluation tests: the committee's group (甲学院党总支, 乙学院党总支, 机关直属党支部) after its
vote has closed, in the 综合评价 stage, and helpers to make larger groups."""

from __future__ import annotations

import pytest

from conftest import review_of
from shuzhi.cycles.models import Review, ReviewGroup
from shuzhi.cycles.stages import Stage

COMMITTEE_ORGS = ("gb_a", "gb_b", "direct")


def vote_and_close(college, cycle, survey) -> None:
    """Cast phone ballots on the committee's survey and close it (vote scores: 甲 100, 乙 86.67, 直属 60)."""
    from shuzhi.voting import services as voting
    from shuzhi.voting.services import BallotInput

    a, b, d = (str(review_of(cycle, getattr(college, k)).pk) for k in COMMITTEE_ORGS)
    ballots = [
        BallotInput({a: "satisfied", b: "satisfied", d: "basic"}, {}, {d: "建议多深入基层一线"}, ""),
        BallotInput({a: "satisfied", b: "basic", d: "basic"}, {}, {}, ""),
        BallotInput({a: "satisfied", b: "satisfied", d: "basic"}, {}, {}, ""),
    ]
    for code, ballot in zip(survey.test_codes, ballots, strict=False):
        voting.cast_ballot(survey.pk, code, ballot)
    voting.close_survey(college.org_dept, survey)


def at_evaluation(group: ReviewGroup) -> ReviewGroup:
    """Put the group in the 综合评价 stage (its gate path is the cycles tests' concern)."""
    ReviewGroup.objects.filter(pk=group.pk).update(stage=Stage.EVALUATION)
    group.refresh_from_db()
    return group


@pytest.fixture
def committee_group(college, cycle, survey) -> ReviewGroup:
    vote_and_close(college, cycle, survey)
    return at_evaluation(ReviewGroup.objects.get(cycle=cycle, reviewer=college.committee))


@pytest.fixture
def reviews(college, cycle) -> dict[str, Review]:
    return {k: review_of(cycle, getattr(college, k)) for k in COMMITTEE_ORGS}


def group_of_size(college, size: int, *, year: int = 2025, prefix: str = "丁", daily: bool = True) -> ReviewGroup:
    """乙学院党总支's group in a cycle of `year` with `size` 党支部 secretaries (乙学院教工党支部 and
    size − 1 more), in the 综合评价 stage, each with a reviewer's score; one in three has a daily check."""
    from decimal import Decimal

    from shuzhi.assessment.tests.helpers import record_check
    from shuzhi.cycles import services as cycle_services
    from shuzhi.cycles.tests.helpers import add_branches
    from shuzhi.evaluation import services

    add_branches(college, size - 1, prefix=prefix)
    cycle = cycle_services.open_cycle(college.org_dept, year=year, title=f"{year}年度", key_items=[]).cycle
    group = at_evaluation(ReviewGroup.objects.get(cycle=cycle, reviewer=college.gb_b))
    for i, review in enumerate(group.reviews.select_related("group", "organization").order_by("pk")):
        services.set_reviewer_score(college.org_dept, review, Decimal(60 + (i * 7) % 40))
        if daily and i % 3 == 0:
            record_check(college.org_dept, cycle, review.organization, [25, 20, 20, 12])
    return group
