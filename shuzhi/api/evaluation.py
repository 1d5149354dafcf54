"""API endpoints of the comprehensive evaluation: a group's grading (read, propose, change a grade,
the reviewer's score, submit) and a Review's composite breakdown. Scoped through shuzhi.orgs.access as
the pages are; changes go through shuzhi.evaluation.services. A change based on an older
`base_version` than the group's (someone else changed it meanwhile) answers 409."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from shuzhi.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, InputSchema
from shuzhi.audit.services import client_ip
from shuzhi.core.inputs import MAX_INT32, Count, IdParam, Text
from shuzhi.cycles.models import Review
from shuzhi.evaluation import components, pages, services
from shuzhi.orgs import access

router = Router(tags=["evaluation"])
CONFLICT = {409: ErrorOut}


class PartOut(Schema):
    component: str = Field(description="vote, daily or reviewer")
    score: str | None = Field(description="The component's score 0–100 as an exact decimal; null when missing.")
    weight: str = Field(description="The weight set in the cycle's scheme (%).")
    effective_weight: str = Field(
        description="The weight after re-weighting over the present components (%, 2 places)."
    )
    contribution: str = Field(description="score × effective weight / 100 (2 places, for reading).")
    missing: bool
    counted_as_zero: bool


class BreakdownOut(Schema):
    review_id: int
    organization: str
    secretary: str
    composite: str | None = Field(description="Rounded once to 2 places, half up; null when no component counts.")
    rule: str = Field(description="reweight or zero: what a missing component does.")
    missing: list[str]
    explanation: str
    parts: list[PartOut]


class GradeRowOut(Schema):
    review_id: int
    organization: str
    secretary: str
    composite: str | None
    flagged: bool = Field(description="A component is missing (re-weighted or zero) or there is no composite.")
    reviewer_score: str | None
    proposed: str = Field(description="good, fair, average, poor; empty when not proposed.")
    tie: bool = Field(description="The proposal left a tie at a boundary to the reviewer.")
    grade: str


class QuotaOut(Schema):
    people: int
    good: int
    good_cap: int
    low: int
    low_needed: int
    over_cap: bool
    below_minimum: bool
    statements: list[str]


class GradingOut(Schema):
    group_id: int
    status: str = Field(description="draft or submitted")
    version: int = Field(description="Send it back as base_version with every change.")
    problem: str | None = Field(description="Why the group cannot be graded now (a vote still open, its stage).")
    quota: QuotaOut
    ties: list[str] = Field(
        description="Each tie at a quota's boundary, as the composites stand: the reviewer decides."
    )
    rows: list[GradeRowOut]


class VersionIn(InputSchema):
    base_version: Count(MAX_INT32)


class GradeIn(InputSchema):
    base_version: Count(MAX_INT32)
    grade: Text(10) = Field(description="good, fair, average or poor")
    reason: Text(services.REASON_MAX) = Field(description="Why the grade changes (required).")


class ScoreIn(InputSchema):
    base_version: Count(MAX_INT32)
    score: Text(10) | None = Field(None, description="0–100, at most two decimal places, as text; null clears it.")


class SubmitIn(InputSchema):
    base_version: Count(MAX_INT32)
    justification: Text(services.JUSTIFICATION_MAX) = ""


def _dec(value) -> str | None:
    return None if value is None else str(value)


def _breakdown_out(row: components.Row) -> BreakdownOut:
    b, review = row.breakdown, row.review
    return BreakdownOut(
        review_id=review.pk,
        organization=review.organization.name,
        secretary=review.secretary.name,
        composite=_dec(b.composite),
        rule=b.rule.value,
        missing=[c.value for c in b.missing],
        explanation=b.explanation(),
        parts=[
            PartOut(
                component=p.component.value,
                score=_dec(p.score),
                weight=str(p.weight),
                effective_weight=str(p.effective_weight_shown),
                contribution=str(p.contribution_shown),
                missing=p.missing,
                counted_as_zero=p.counted_as_zero,
            )
            for p in b.parts
        ],
    )


def _grading_out(request: HttpRequest, group) -> GradingOut:
    view = pages.grading_view(request.user, group)
    s = view.status
    return GradingOut(
        group_id=group.pk,
        status=view.grading.status,
        version=view.grading.version,
        problem=view.problem,
        quota=QuotaOut(
            people=s.people,
            good=s.good,
            good_cap=s.cap,
            low=s.low,
            low_needed=s.low_needed,
            over_cap=s.over_cap,
            below_minimum=s.below_minimum,
            statements=s.statements(),
        ),
        ties=view.tie_statements(),
        rows=[
            GradeRowOut(
                review_id=r.review.pk,
                organization=r.review.organization.name,
                secretary=r.review.secretary.name,
                composite=_dec(r.breakdown.composite),
                flagged=r.breakdown.flagged,
                reviewer_score=_dec(r.reviewer_score),
                proposed=r.grade.proposed if r.grade else "",
                tie=bool(r.grade and r.grade.proposed_tie),
                grade=r.grade.grade if r.grade else "",
            )
            for r in view.rows
        ],
    )


def _conflict(call):
    try:
        return call()
    except services.Conflict as error:
        return Status(409, ErrorOut(detail=" ".join(error.messages)))


def _group(request: HttpRequest, group_id: int, *, grade: bool = False):
    group = access.access_grading_group(request.user, group_id)
    if grade:
        access.check_grade_group(request.user, group)
    return group


@router.get("/groups/{group_id}/grading", response={200: GradingOut, **READ_ERRORS}, summary="A group's grading")
def get_grading(request: HttpRequest, group_id: IdParam) -> GradingOut:
    return _grading_out(request, _group(request, group_id))


@router.post(
    "/groups/{group_id}/grading/propose",
    response={200: GradingOut, **WRITE_ERRORS, **CONFLICT},
    summary="Propose grades from the composite scores under the quotas",
)
def propose_grades(request: HttpRequest, group_id: IdParam, payload: VersionIn):
    group = _group(request, group_id, grade=True)

    def call():
        services.propose(request.user, group, base_version=payload.base_version, ip=client_ip(request))
        return _grading_out(request, group)

    return _conflict(call)


def _review(group, review_id: int) -> Review:
    from django.http import Http404

    review = Review.objects.select_related("organization", "secretary", "group", "cycle").filter(
        pk=review_id, group=group
    )
    found = review.first()
    if found is None:
        raise Http404
    return found


@router.post(
    "/groups/{group_id}/grading/reviews/{member_id}/grade",
    response={200: GradingOut, **WRITE_ERRORS, **CONFLICT},
    summary="Change a Review's grade, with a written reason",
)
def change_grade(request: HttpRequest, group_id: IdParam, member_id: IdParam, payload: GradeIn):
    """member_id: the id of a Review of the group."""
    group = _group(request, group_id, grade=True)
    review = _review(group, member_id)

    def call():
        services.change_grade(
            request.user,
            review,
            payload.grade,
            payload.reason,
            base_version=payload.base_version,
            ip=client_ip(request),
        )
        return _grading_out(request, group)

    return _conflict(call)


@router.post(
    "/groups/{group_id}/grading/reviews/{member_id}/score",
    response={200: GradingOut, **WRITE_ERRORS, **CONFLICT},
    summary="Set the reviewer's own 0–100 score of the report and presentation",
)
def set_score(request: HttpRequest, group_id: IdParam, member_id: IdParam, payload: ScoreIn):
    """member_id: the id of a Review of the group."""
    group = _group(request, group_id, grade=True)
    review = _review(group, member_id)

    def call():
        score = services.parse_score(payload.score)
        services.set_reviewer_score(
            request.user, review, score, base_version=payload.base_version, ip=client_ip(request)
        )
        return _grading_out(request, group)

    return _conflict(call)


@router.post(
    "/groups/{group_id}/grading/submit",
    response={200: GradingOut, **WRITE_ERRORS, **CONFLICT},
    summary="Submit (and lock) the group's grades; refused over the 好 cap",
)
def submit_grading(request: HttpRequest, group_id: IdParam, payload: SubmitIn):
    group = _group(request, group_id, grade=True)

    def call():
        services.submit(
            request.user,
            group,
            base_version=payload.base_version,
            justification=payload.justification,
            ip=client_ip(request),
        )
        return _grading_out(request, group)

    return _conflict(call)


@router.get(
    "/reviews/{review_id}/breakdown",
    response={200: BreakdownOut, **READ_ERRORS},
    summary="A Review's composite score and how it was reached",
)
def get_breakdown(request: HttpRequest, review_id: IdParam) -> BreakdownOut:
    review = access.access_evaluation(request.user, review_id)
    return _breakdown_out(components.review_row(review, services.scheme_for(review.cycle)))
