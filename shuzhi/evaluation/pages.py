"""What the grading page shows, read in a fixed number of queries whatever the group's size."""

from __future__ import annotations

from dataclasses import dataclass

from shuzhi.cycles.models import ReviewGroup
from shuzhi.evaluation import components, proposal, services
from shuzhi.evaluation.models import GradeChange, GroupGrading, ReviewGrade, Scheme
from shuzhi.orgs import access


@dataclass
class GradingView:
    group: ReviewGroup
    grading: GroupGrading
    scheme: Scheme
    rows: list[components.Row]
    status: proposal.QuotaStatus
    problem: str | None
    can_grade: bool
    can_reopen: bool
    changes: list[GradeChange]
    last_reason: dict[int, GradeChange]
    person_id: int | None = None  # the user's own person: their own Review's row is not theirs to grade
    ties: tuple[proposal.Tie, ...] = ()  # where the quotas' boundaries split equal composites, as they stand now

    def tie_statements(self) -> list[str]:
        return [t.statement() for t in self.ties]

    @property
    def editable(self) -> bool:
        return self.can_grade and not self.grading.is_submitted and self.problem is None


def grading_view(user, group: ReviewGroup) -> GradingView:
    grading = services.grading_of(group)
    scheme = services.scheme_for(group.cycle)
    reviews = components.group_reviews(group)
    rows = components.rows(reviews, scheme)
    status = proposal.quota_status([r.grade.grade if r.grade else "" for r in rows], scheme.quotas)
    changes = (
        list(
            GradeChange.objects.filter(review_grade__grading=grading)
            .select_related("review_grade__review__organization", "changed_by__person")
            .order_by("-changed_at", "-id")
        )
        if grading.pk
        else []
    )
    last_reason: dict[int, GradeChange] = {}
    for change in changes:
        if change.field == "grade" and not change.is_proposal:
            last_reason.setdefault(change.review_grade.review_id, change)
    return GradingView(
        group=group,
        grading=grading,
        scheme=scheme,
        rows=rows,
        status=status,
        problem=services.grading_problem(group),
        can_grade=access.can_grade_group(user, group),
        can_reopen=access.can_reopen_grading(user),
        changes=changes,
        last_reason=last_reason,
        person_id=access.scope_for(user).person_id,
        ties=proposal.propose(
            [proposal.Candidate(r.review.pk, r.breakdown.composite) for r in rows], scheme.quotas
        ).ties,
    )


def preview_status(group: ReviewGroup, scheme: Scheme, typed: dict[int, str]) -> proposal.QuotaStatus:
    """The quota status if the group's grades were as typed on the page (unknown values ignored)."""
    reviews = components.group_reviews(group)
    grades = {r.pk: "" for r in reviews}
    grades.update(dict(ReviewGrade.objects.filter(review__group=group).values_list("review_id", "grade")))
    valid = {g.value for g in proposal.GRADES}
    for review_id, value in typed.items():
        if review_id in grades and value in valid:
            grades[review_id] = value
    return proposal.quota_status(grades.values(), scheme.quotas)
