"""Reading each Review's three components and its composite, for a whole group at once: a fixed number
of queries whatever the group's size (the Reviews, their stored vote results, their grades, the daily
scores through shuzhi.assessment.scores.daily_scores, the scheme)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shuzhi.cycles.models import Review, ReviewGroup
from shuzhi.evaluation import scoring
from shuzhi.evaluation.models import ReviewGrade, Scheme


def daily_scores(cycle, organization_ids: list[int]) -> dict:
    """The daily assessment's scores (assessment app's interface), keyed by organisation id."""
    from shuzhi.assessment.scores import daily_scores as read

    return read(cycle, organization_ids)


@dataclass(frozen=True)
class Row:
    review: Review
    vote: Decimal | None  # the stored score of the current closed vote
    daily: object | None  # shuzhi.assessment.scores.DailyScore, or None: no check
    grade: ReviewGrade | None
    breakdown: scoring.Breakdown

    @property
    def reviewer_score(self) -> Decimal | None:
        return self.grade.reviewer_score if self.grade else None

    @property
    def daily_percent(self) -> Decimal | None:
        return self.daily.percent if self.daily is not None else None


def breakdown_of(scheme: Scheme, vote: Decimal | None, daily, reviewer: Decimal | None) -> scoring.Breakdown:
    return scoring.composite(
        {
            scoring.Component.VOTE: vote,
            scoring.Component.DAILY: daily.percent if daily is not None else None,
            scoring.Component.REVIEWER: reviewer,
        },
        scheme.weights,
        scheme.rule,
    )


def rows(reviews: list[Review], scheme: Scheme) -> list[Row]:
    """Each Review's components and composite (Reviews of one cycle)."""
    from shuzhi.voting.models import ResultKind, VoteResult

    if not reviews:
        return []
    ids = [r.pk for r in reviews]
    votes = dict(
        VoteResult.objects.filter(review_id__in=ids, kind=ResultKind.COUNTED, is_current=True).values_list(
            "review_id", "score"
        )
    )
    grades = {g.review_id: g for g in ReviewGrade.objects.filter(review_id__in=ids)}
    daily = daily_scores(scheme.cycle, [r.organization_id for r in reviews])
    found = []
    for review in reviews:
        grade = grades.get(review.pk)
        d = daily.get(review.organization_id)
        found.append(
            Row(
                review=review,
                vote=votes.get(review.pk),
                daily=d,
                grade=grade,
                breakdown=breakdown_of(scheme, votes.get(review.pk), d, grade.reviewer_score if grade else None),
            )
        )
    return found


def group_reviews(group: ReviewGroup) -> list[Review]:
    return list(
        Review.objects.filter(group=group)
        .select_related("organization", "secretary")
        .order_by("organization__sort_order", "organization__name", "pk")
    )


def review_row(review: Review, scheme: Scheme) -> Row:
    return rows([review], scheme)[0]
