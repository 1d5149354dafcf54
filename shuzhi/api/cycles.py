"""API endpoints for the yearly cycle, its Reviews, preparation records and duty reports."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from shuzhi.api.schemas import READ_ERRORS, WRITE_ERRORS, InputSchema
from shuzhi.audit.services import client_ip
from shuzhi.core.inputs import MAX_INT32, Count, IdParam, Text
from shuzhi.cycles import services as cycle_services
from shuzhi.cycles.forms import MAX_PREP_CONTENT, MAX_PREP_SHORT
from shuzhi.cycles.models import PreparationItem, Review, ReviewCycle
from shuzhi.cycles.review_stage import with_stage
from shuzhi.orgs import access
from shuzhi.reports import services as report_services
from shuzhi.reports.models import MAX_ANSWER_CHARS, MAX_SECTION_CHARS, DutyReport
from shuzhi.reports.services import ReportContent

router = Router(tags=["cycles"])


class CycleOut(Schema):
    id: int
    year: int
    title: str
    stage: str = Field(
        description="preparation, report, meeting, evaluation, decision, feedback, rectification, archived"
    )
    key_items: list[str]
    report_mode: str
    preparation_due: datetime.date | None
    report_due: datetime.date | None
    meeting_from: datetime.date | None
    meeting_to: datetime.date | None


class CycleOpenIn(InputSchema):
    year: Count(2100, minimum=2000)
    title: Text(200)
    key_items: list[Text(cycle_services.MAX_KEY_ITEM_CHARS)] = Field(
        default_factory=list,
        max_length=cycle_services.MAX_KEY_ITEMS,
        description="The year's key content items (年度重点内容).",
    )
    report_mode: Text(20) = "both"
    preparation_due: datetime.date | None = None
    report_due: datetime.date | None = None
    meeting_from: datetime.date | None = None
    meeting_to: datetime.date | None = None


class CycleOpenOut(Schema):
    cycle: CycleOut
    reviews_created: int
    without_secretary: list[str] = Field(description="Organisations skipped because they have no current secretary.")


class StageIn(InputSchema):
    stage: Text(20) = Field(description="The next stage; any other jump is refused (422).")
    override_reason: Text(200) = Field(
        "",
        description=(
            "Organisation department only: why the groups move on although their gate is unmet (422 without it)."
        ),
    )


class ReviewOut(Schema):
    id: int
    cycle_id: int
    organization_id: int
    organization: str
    secretary_id: int
    secretary: str
    reviewer_id: int
    reviewer: str
    report_mode: str
    stage: str
    preparation_done: bool
    report_status: str = Field(description="none, draft, submitted, returned or accepted")


class PreparationIn(InputSchema):
    kind: Text(20) = Field(description="research (调研), opinion (意见建议) or problem (查摆问题)")
    content: Text(MAX_PREP_CONTENT)
    date: datetime.date | None = None
    place: Text(MAX_PREP_SHORT) = ""
    people: Text(MAX_PREP_SHORT) = Field("", description="Whom visited, or from whom the opinion came.")


class PreparationOut(Schema):
    id: int
    kind: str
    content: str
    date: datetime.date | None
    place: str
    people: str
    withdrawn: bool


class ReportOut(Schema):
    review_id: int
    status: str
    revision: int = Field(description="Send it back as base_revision when saving; a stale one answers 409.")
    practices: str
    problems: str
    next_steps: str
    prior_answers: dict[str, str] = Field(description="Prior problem id → answer.")
    prior_problems: list[dict] = Field(description="[{id, kind, text}] last year's problems to answer.")
    editable: bool
    not_editable_reason: str | None
    versions: list[int]


class ReportSaveIn(InputSchema):
    base_revision: Count(MAX_INT32)
    practices: Text(MAX_SECTION_CHARS) = ""
    problems: Text(MAX_SECTION_CHARS) = ""
    next_steps: Text(MAX_SECTION_CHARS) = ""
    prior_answers: dict[Text(20), Text(MAX_ANSWER_CHARS)] = Field(default_factory=dict, max_length=200)


class SubmitIn(InputSchema):
    base_revision: Count(MAX_INT32)


class VetIn(InputSchema):
    version: Count(MAX_INT32, minimum=1)
    outcome: Text(20) = Field(description="passed or returned")
    comment: Text(5000) = ""


class ConflictOut(Schema):
    detail: str
    revision: int


def _cycle_out(cycle: ReviewCycle) -> CycleOut:
    return CycleOut(
        id=cycle.pk,
        year=cycle.year,
        title=cycle.title,
        stage=cycle.stage,
        key_items=cycle.key_items,
        report_mode=cycle.report_mode,
        preparation_due=cycle.preparation_due,
        report_due=cycle.report_due,
        meeting_from=cycle.meeting_from,
        meeting_to=cycle.meeting_to,
    )


def _review_out(review: Review, statuses: dict[int, str]) -> ReviewOut:
    return ReviewOut(
        id=review.pk,
        cycle_id=review.cycle_id,
        organization_id=review.organization_id,
        organization=review.organization.name,
        secretary_id=review.secretary_id,
        secretary=review.secretary.name,
        reviewer_id=review.reviewer_id,
        reviewer=review.reviewer.name,
        report_mode=review.report_mode,
        stage=review.stage,
        preparation_done=review.preparation_done_at is not None,
        report_status=statuses.get(review.pk, "none"),
    )


def _visible_cycle(request: HttpRequest, cycle_id: int) -> ReviewCycle:
    """The cycle if the user takes part in it, as on the pages (access.access_cycle); else 404."""
    return access.access_cycle(request.user, cycle_id)


@router.get("/cycles", response={200: list[CycleOut], **READ_ERRORS}, summary="List the yearly cycles")
def list_cycles(request: HttpRequest) -> list[CycleOut]:
    return [_cycle_out(c) for c in access.visible_cycles(request.user).order_by("-year")]


@router.post(
    "/cycles",
    response={201: CycleOpenOut, **WRITE_ERRORS},
    summary="Open a year's cycle (organisation department only); creates one Review per secretary",
)
def open_cycle(request: HttpRequest, payload: CycleOpenIn) -> Status:
    access.check_set_up_cycles(request.user)
    result = cycle_services.open_cycle(request.user, ip=client_ip(request), **payload.dict())
    return Status(
        201,
        CycleOpenOut(
            cycle=_cycle_out(result.cycle),
            reviews_created=result.reviews_created,
            without_secretary=result.without_secretary,
        ),
    )


@router.get("/cycles/{cycle_id}", response={200: CycleOut, **READ_ERRORS})
def get_cycle(request: HttpRequest, cycle_id: IdParam) -> CycleOut:
    return _cycle_out(_visible_cycle(request, cycle_id))


@router.post(
    "/cycles/{cycle_id}/stage",
    response={200: CycleOut, **WRITE_ERRORS},
    summary="Move the cycle to its next stage (organisation department only)",
)
def advance_cycle(request: HttpRequest, cycle_id: IdParam, payload: StageIn) -> CycleOut:
    cycle = access.access_cycle(request.user, cycle_id, set_up=True)
    return _cycle_out(
        cycle_services.advance_cycle(
            request.user, cycle, payload.stage, override_reason=payload.override_reason, ip=client_ip(request)
        )
    )


@router.get(
    "/cycles/{cycle_id}/reviews",
    response={200: list[ReviewOut], **READ_ERRORS},
    summary="The Reviews of a cycle that the user may see (the progress board)",
)
def list_reviews(request: HttpRequest, cycle_id: IdParam) -> list[ReviewOut]:
    cycle = _visible_cycle(request, cycle_id)
    reviews = list(
        with_stage(access.visible_reviews(request.user).filter(cycle=cycle)).select_related(
            "organization", "secretary", "reviewer"
        )
    )
    statuses = dict(DutyReport.objects.filter(review__in=reviews).values_list("review_id", "status"))
    return [_review_out(r, statuses) for r in reviews]


@router.get("/reviews/{review_id}", response={200: ReviewOut, **READ_ERRORS})
def get_review(request: HttpRequest, review_id: IdParam) -> ReviewOut:
    review = access.access_review(request.user, review_id)
    statuses = dict(DutyReport.objects.filter(review=review).values_list("review_id", "status"))
    return _review_out(review, statuses)


def _preparation_out(item: PreparationItem) -> PreparationOut:
    return PreparationOut(
        id=item.pk,
        kind=item.kind,
        content=item.content,
        date=item.date,
        place=item.place,
        people=item.people,
        withdrawn=item.is_withdrawn,
    )


@router.get("/reviews/{review_id}/preparation", response={200: list[PreparationOut], **READ_ERRORS})
def list_preparation(request: HttpRequest, review_id: IdParam) -> list[PreparationOut]:
    review = access.access_review(request.user, review_id)
    return [_preparation_out(item) for item in review.preparation_items.all()]


@router.post(
    "/reviews/{review_id}/preparation",
    response={201: PreparationOut, **WRITE_ERRORS},
    summary="Record a research visit, an opinion gathered or a problem found (the review's secretary only)",
)
def add_preparation(request: HttpRequest, review_id: IdParam, payload: PreparationIn) -> Status:
    review = access.access_review(request.user, review_id)
    access.check_review_secretary(request.user, review)
    item = cycle_services.add_preparation_item(request.user, review, ip=client_ip(request), **payload.dict())
    return Status(201, _preparation_out(item))


@router.post("/reviews/{review_id}/preparation/{item_id}/withdraw", response={200: PreparationOut, **WRITE_ERRORS})
def withdraw_preparation(request: HttpRequest, review_id: IdParam, item_id: IdParam) -> PreparationOut:
    review = access.access_review(request.user, review_id)
    access.check_review_secretary(request.user, review)
    item = access.access_preparation_item(request.user, item_id, review=review)
    item = cycle_services.withdraw_preparation_item(request.user, item, ip=client_ip(request))
    return _preparation_out(item)


def _report_out(request: HttpRequest, review: Review) -> ReportOut:
    report = report_services.get_report(review)
    reason = report_services.why_not_editable(review, report)
    is_secretary = access.is_review_secretary(request.user, review)
    prior = cycle_services.prior_problems_for(review)  # withdrawn ones are not asked for, nor their answers shown
    asked = {str(p.pk) for p in prior}
    return ReportOut(
        review_id=review.pk,
        status=report.status,
        revision=report.revision,
        practices=report.practices,
        problems=report.problems,
        next_steps=report.next_steps,
        prior_answers={k: v for k, v in report.prior_answers.items() if k in asked},
        prior_problems=[{"id": p.pk, "kind": p.kind, "text": p.text} for p in prior],
        editable=is_secretary and reason is None,
        not_editable_reason=reason if is_secretary else None,
        versions=list(report.versions.values_list("number", flat=True)),
    )


@router.get(
    "/reviews/{review_id}/report",
    response={200: ReportOut, **READ_ERRORS},
    summary="The duty report (its secretary, the reviewer's leaders, the org dept and the committee only)",
)
def get_report(request: HttpRequest, review_id: IdParam) -> ReportOut:
    return _report_out(request, access.access_review(request.user, review_id))


@router.put(
    "/reviews/{review_id}/report",
    response={200: ReportOut, 409: ConflictOut, **WRITE_ERRORS},
    summary="Save the draft; a stale base_revision answers 409 and nothing is overwritten",
)
def save_report(request: HttpRequest, review_id: IdParam, payload: ReportSaveIn):
    review = access.access_review(request.user, review_id)
    access.check_review_secretary(request.user, review)
    content = ReportContent(payload.practices, payload.problems, payload.next_steps, payload.prior_answers)
    try:
        report_services.save_draft(request.user, review, content, base_revision=payload.base_revision)
    except report_services.EditConflict as conflict:
        return Status(409, ConflictOut(detail=str(conflict), revision=conflict.revision))
    return _report_out(request, review)


@router.post("/reviews/{review_id}/report/submit", response={200: ReportOut, 409: ConflictOut, **WRITE_ERRORS})
def submit_report(request: HttpRequest, review_id: IdParam, payload: SubmitIn):
    review = access.access_review(request.user, review_id)
    access.check_review_secretary(request.user, review)
    try:
        report_services.submit(request.user, review, base_revision=payload.base_revision, ip=client_ip(request))
    except report_services.EditConflict as conflict:
        return Status(409, ConflictOut(detail=str(conflict), revision=conflict.revision))
    return _report_out(request, review)


@router.post(
    "/reviews/{review_id}/report/vetting",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Vet (审核) the latest submitted version: pass or return it (the reviewer's leaders or the org dept)",
)
def vet_report(request: HttpRequest, review_id: IdParam, payload: VetIn) -> ReportOut:
    review = access.access_review(request.user, review_id)
    access.check_vetter(request.user, review)
    report_services.vet(
        request.user,
        review,
        version_number=payload.version,
        outcome=payload.outcome,
        comment=payload.comment,
        ip=client_ip(request),
    )
    return _report_out(request, review)


@router.get(
    "/reviews/{review_id}/report/versions/{number}",
    response={200: dict, **READ_ERRORS},
    summary="One submitted version, frozen, with its vetting",
)
def get_version(request: HttpRequest, review_id: IdParam, number: IdParam) -> dict:
    review = access.access_review(request.user, review_id)
    version = get_object_or_404(report_services.get_report(review).versions.select_related("vetting"), number=number)
    vetting = getattr(version, "vetting", None)
    return {
        "number": version.number,
        "submitted_at": version.submitted_at.isoformat(),
        "content": version.content,
        "vetting": {"outcome": vetting.outcome, "comment": vetting.comment, "vetted_at": vetting.vetted_at.isoformat()}
        if vetting
        else None,
    }
