"""API endpoints for review meetings, their agenda and comments, the vote's codes and results.

The anonymous ballot itself is not here: it is its own public form at /v/."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema
from ninja.responses import Status

from shuzhi.api.schemas import READ_ERRORS, WRITE_ERRORS, InputSchema
from shuzhi.audit.services import client_ip
from shuzhi.core.inputs import Count, Flag, Id, IdParam, JsonObject, Text, Weight
from shuzhi.meetings import services as meeting_services
from shuzhi.meetings.forms import MAX_COMMENT, MAX_PLACE, MAX_ROLE, MAX_TITLE
from shuzhi.meetings.models import Comment, Meeting
from shuzhi.orgs import access
from shuzhi.voting import services as voting
from shuzhi.voting.models import Survey, SurveyStatus
from shuzhi.voting.results import stored_results

router = Router(tags=["meetings"])


class AgendaItemIn(InputSchema):
    review_id: Id
    mode: Text(20) = Field("on_site", description="on_site (现场述职) or written (书面述职)")


class MeetingIn(InputSchema):
    cycle_id: Id
    reviewer_id: Id = Field(description="The Party committee or a general branch.")
    title: Text(MAX_TITLE)
    starts_at: datetime.datetime
    place: Text(MAX_PLACE)
    expected_attendees: Count(meeting_services.MAX_ATTENDEES) = 0
    comment_mode: Text(20) = Field("one_by_one", description="one_by_one (一述一评) or collective (集中点评)")
    agenda: list[AgendaItemIn] = Field(default_factory=list, description="Presenters in order.")


class AgendaItemOut(Schema):
    position: int
    review_id: int
    organization: str
    secretary: str
    mode: str


class MeetingOut(Schema):
    id: int
    cycle_id: int
    reviewer_id: int
    kind: str
    title: str
    starts_at: datetime.datetime
    place: str
    expected_attendees: int
    comment_mode: str
    agenda: list[AgendaItemOut]


class CommentIn(InputSchema):
    review_id: Id | None = Field(None, description="The presenter; null for a collective comment (集中点评).")
    problems: Text(MAX_COMMENT)
    direction: Text(MAX_COMMENT) = ""
    author_role: Text(MAX_ROLE) = ""


class CommentOut(Schema):
    id: int
    review_id: int | None
    author: str
    author_role: str
    problems: str
    direction: str
    created_at: datetime.datetime


class SurveyOut(Schema):
    id: int
    meeting_id: int
    rehearsal: bool
    status: str
    ballots: int
    codes_issued: int
    seal_digest: str


class CodesIn(InputSchema):
    count: Count(voting.MAX_CODES_PER_ISSUE, minimum=1)
    category_id: Id | None = None
    paper: Flag = False


class CodesOut(Schema):
    codes: list[str] = Field(description="The new one-time codes, in plain text (shown once; print them).")


class PresenterResultOut(Schema):
    review_id: int
    name: str
    organization: str
    counts: dict[str, int]
    rated: int
    satisfaction_rate: float | None
    score: float | None
    suggestions: list[str]


class PresenterSuggestionsOut(Schema):
    review_id: int
    name: str
    texts: list[str]


class SuggestionsOut(Schema):
    presenters: list[PresenterSuggestionsOut] = Field(description="Per presenter, only those with any; sorted by text.")
    overall: list[str] = Field(description="Overall suggestions (总体意见建议), sorted by text.")


class ResultsOut(Schema):
    survey: SurveyOut
    valid: int
    void: dict[str, int]
    flagged: dict[str, int]
    presenters: list[PresenterResultOut]
    receipts: list[str]
    suggestions: SuggestionsOut = Field(description="Written on the valid ballots.")
    void_suggestions: SuggestionsOut = Field(description="Written on void ballots, which are not counted.")
    flagged_suggestions: SuggestionsOut = Field(description="Written on set-aside ballots, counted apart.")


def _suggestions_out(group: voting.Suggestions) -> SuggestionsOut:
    return SuggestionsOut(
        presenters=[
            PresenterSuggestionsOut(review_id=p.review_id, name=p.name, texts=p.texts) for p in group.presenters
        ],
        overall=group.overall,
    )


def _meeting_out(meeting: Meeting) -> MeetingOut:
    agenda = [
        AgendaItemOut(
            position=i.position,
            review_id=i.review_id,
            organization=i.review.organization.name,
            secretary=i.review.secretary.name,
            mode=i.mode,
        )
        for i in meeting.agenda.select_related("review__organization", "review__secretary")
    ]
    return MeetingOut(
        id=meeting.pk,
        cycle_id=meeting.cycle_id,
        reviewer_id=meeting.reviewer_id,
        kind=meeting.kind,
        title=meeting.title,
        starts_at=meeting.starts_at,
        place=meeting.place,
        expected_attendees=meeting.expected_attendees,
        comment_mode=meeting.comment_mode,
        agenda=agenda,
    )


def _survey_out(survey: Survey) -> SurveyOut:
    ballots, codes = voting.turnout(survey)
    return SurveyOut(
        id=survey.pk,
        meeting_id=survey.meeting_id,
        rehearsal=survey.is_rehearsal,
        status=survey.status,
        ballots=ballots,
        codes_issued=codes,
        seal_digest=survey.seal_digest,
    )


def _agenda(request: HttpRequest, items: list[AgendaItemIn]):
    return [(access.access_review(request.user, item.review_id), item.mode) for item in items]


@router.get("/meetings", response={200: list[MeetingOut], **READ_ERRORS})
def list_meetings(request: HttpRequest) -> list[MeetingOut]:
    return [_meeting_out(m) for m in access.visible_meetings(request.user).order_by("starts_at")]


@router.post(
    "/meetings",
    response={201: MeetingOut, **WRITE_ERRORS},
    summary="Schedule a review meeting (the org dept, or the reviewing organisation's leaders: for the "
    "committee, its members)",
)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    reviewer = access.access_organization(request.user, payload.reviewer_id)
    cycle = access.access_cycle(request.user, payload.cycle_id)
    probe = Meeting(reviewer=reviewer)
    access.check_run_meeting(request.user, probe)
    meeting = meeting_services.schedule_meeting(
        request.user,
        cycle=cycle,
        reviewer=reviewer,
        title=payload.title,
        starts_at=payload.starts_at,
        place=payload.place,
        expected_attendees=payload.expected_attendees,
        comment_mode=payload.comment_mode,
        agenda=_agenda(request, payload.agenda),
        ip=client_ip(request),
    )
    return Status(201, _meeting_out(meeting))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ_ERRORS})
def get_meeting(request: HttpRequest, meeting_id: IdParam) -> MeetingOut:
    return _meeting_out(access.access_meeting(request.user, meeting_id))


@router.put(
    "/meetings/{meeting_id}/agenda",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="Replace the agenda (presenters in order); refused once the vote opened",
)
def set_agenda(request: HttpRequest, meeting_id: IdParam, payload: list[AgendaItemIn]) -> MeetingOut:
    meeting = access.access_meeting(request.user, meeting_id)
    access.check_run_meeting(request.user, meeting)
    meeting_services.set_agenda(request.user, meeting, _agenda(request, payload), ip=client_ip(request))
    return _meeting_out(meeting)


def _comment_out(comment: Comment) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        review_id=comment.review_id,
        author=comment.author_name,
        author_role=comment.author_role,
        problems=comment.problems,
        direction=comment.direction,
        created_at=comment.created_at,
    )


@router.get("/meetings/{meeting_id}/comments", response={200: list[CommentOut], **READ_ERRORS})
def list_comments(request: HttpRequest, meeting_id: IdParam) -> list[CommentOut]:
    meeting = access.access_meeting(request.user, meeting_id)
    return [_comment_out(comment) for comment in meeting.comments.all()]


@router.post(
    "/meetings/{meeting_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    summary="Record a comment (点评) on a presenter, or a collective one",
)
def add_comment(request: HttpRequest, meeting_id: IdParam, payload: CommentIn) -> Status:
    meeting = access.access_meeting(request.user, meeting_id)
    access.check_comment(request.user, meeting)
    review = access.access_review(request.user, payload.review_id) if payload.review_id else None
    comment = meeting_services.add_comment(
        request.user,
        meeting,
        review=review,
        problems=payload.problems,
        direction=payload.direction,
        author_role=payload.author_role,
        ip=client_ip(request),
    )
    return Status(201, _comment_out(comment))


def _survey(request: HttpRequest, meeting_id: int, survey_id: int, *, run: bool = False) -> Survey:
    return access.access_survey(request.user, meeting_id, survey_id, run=run)


@router.get("/meetings/{meeting_id}/surveys", response={200: list[SurveyOut], **READ_ERRORS})
def list_surveys(request: HttpRequest, meeting_id: IdParam) -> list[SurveyOut]:
    meeting = access.access_meeting(request.user, meeting_id)
    return [_survey_out(s) for s in meeting.surveys.order_by("pk")]


@router.post(
    "/meetings/{meeting_id}/surveys",
    response={201: SurveyOut, **WRITE_ERRORS},
    summary="Create the meeting's satisfaction survey, or with ?rehearsal=true a rehearsal (模拟测评) "
    "with the real vote's form and voter categories (an untouched rehearsal is reused)",
)
def create_survey(request: HttpRequest, meeting_id: IdParam, rehearsal: bool = False) -> Status:
    meeting = access.access_meeting(request.user, meeting_id)
    access.check_run_meeting(request.user, meeting)
    if rehearsal:
        return Status(201, _survey_out(voting.start_rehearsal(request.user, meeting, ip=client_ip(request))))
    return Status(201, _survey_out(voting.create_survey(request.user, meeting, ip=client_ip(request))))


@router.post(
    "/meetings/{meeting_id}/surveys/{survey_id}/codes",
    response={201: CodesOut, **WRITE_ERRORS},
    summary="Issue one-time ballot codes",
)
def issue_codes(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam, payload: CodesIn) -> Status:
    survey = _survey(request, meeting_id, survey_id, run=True)
    category = survey.categories.filter(pk=payload.category_id).first() if payload.category_id else None
    if payload.category_id and category is None:
        raise ValidationError({"category_id": _("That voter category belongs to another survey.")})
    codes = voting.issue_codes(
        request.user, survey, payload.count, category=category, paper=payload.paper, ip=client_ip(request)
    )
    return Status(201, CodesOut(codes=codes))


@router.post("/meetings/{meeting_id}/surveys/{survey_id}/open", response={200: SurveyOut, **WRITE_ERRORS})
def open_survey(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam) -> SurveyOut:
    survey = _survey(request, meeting_id, survey_id, run=True)
    return _survey_out(voting.open_survey(request.user, survey, ip=client_ip(request)))


@router.post(
    "/meetings/{meeting_id}/surveys/{survey_id}/close",
    response={200: SurveyOut, **WRITE_ERRORS},
    summary="Close the vote and seal the ballots; nothing changes afterwards",
)
def close_survey(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam) -> SurveyOut:
    survey = _survey(request, meeting_id, survey_id, run=True)
    return _survey_out(voting.close_survey(request.user, survey, ip=client_ip(request)))


@router.get(
    "/meetings/{meeting_id}/surveys/{survey_id}/results",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="Results per presenter; refused (422) while the vote is open",
)
def get_results(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam) -> ResultsOut:
    survey = _survey(request, meeting_id, survey_id)
    if survey.status != SurveyStatus.CLOSED:
        raise ValidationError(_("Results are shown only after the vote is closed."))
    # The result stored when the vote closed; a rehearsal stores none and is counted from its ballots.
    result = stored_results(survey) or voting.results(survey)
    return ResultsOut(
        survey=_survey_out(survey),
        valid=result.valid,
        void=result.void,
        flagged=result.flagged,
        presenters=[
            PresenterResultOut(
                review_id=p.review_id,
                name=p.name,
                organization=p.organization,
                counts=p.counts,
                rated=p.rated,
                satisfaction_rate=p.satisfaction_rate,
                score=p.score,
                suggestions=p.suggestions,
            )
            for p in result.presenters
        ],
        receipts=voting.receipts(survey),
        suggestions=_suggestions_out(result.suggestions),
        void_suggestions=_suggestions_out(result.void_suggestions),
        flagged_suggestions=_suggestions_out(result.flagged_suggestions),
    )


# --- Ballot design: categories, form, rehearsals, seal --------------------------------------------


class CategoryIn(InputSchema):
    name: Text(50)
    weight: Weight = Field(description="Weight in % of the score; all weights must add up to 100.")


class CategoryOut(Schema):
    id: int
    name: str
    weight: float
    codes_issued: int


class SealCheckOut(Schema):
    ok: bool
    sealed: bool
    seal_digest: str
    digest_matches: bool
    changed: list[str] = Field(description="Receipts whose stored ballot differs from the sealed one.")
    missing: list[str]
    extra: list[str]
    count: int


class ArchiveOut(Schema):
    seal_digest: str
    headers: list[str]
    rows: list[list[str]]


def _categories_out(survey: Survey) -> list[CategoryOut]:
    from django.db.models import Count

    return [
        CategoryOut(id=c.pk, name=c.name, weight=float(c.weight), codes_issued=c.n)
        for c in survey.categories.annotate(n=Count("codes"))
    ]


@router.get("/meetings/{meeting_id}/surveys/{survey_id}/categories", response={200: list[CategoryOut], **READ_ERRORS})
def list_categories(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam) -> list[CategoryOut]:
    return _categories_out(_survey(request, meeting_id, survey_id))


@router.put(
    "/meetings/{meeting_id}/surveys/{survey_id}/categories",
    response={200: list[CategoryOut], **WRITE_ERRORS},
    summary="Set the voter categories (评议人员类别) and weights; refused once ballots arrived",
)
def set_categories(
    request: HttpRequest, meeting_id: IdParam, survey_id: IdParam, payload: list[CategoryIn]
) -> list[CategoryOut]:
    from decimal import Decimal

    survey = _survey(request, meeting_id, survey_id, run=True)
    voting.set_categories(
        request.user, survey, [(c.name, Decimal(str(c.weight))) for c in payload], ip=client_ip(request)
    )
    return _categories_out(survey)


@router.get(
    "/meetings/{meeting_id}/surveys/{survey_id}/form",
    response={200: dict, **READ_ERRORS},
    summary="The ballot form: options, per-item ratings and valid-ballot rules",
)
def get_form(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam) -> dict:
    return _survey(request, meeting_id, survey_id).form


@router.put(
    "/meetings/{meeting_id}/surveys/{survey_id}/form",
    response={200: dict, **WRITE_ERRORS},
    summary="Change the ballot form; refused once the first ballot arrived",
)
def set_form(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam, payload: Body[JsonObject]) -> dict:
    survey = _survey(request, meeting_id, survey_id, run=True)
    return voting.set_survey_form(request.user, survey, payload, ip=client_ip(request)).form


@router.delete(
    "/meetings/{meeting_id}/surveys/{survey_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Wipe a rehearsal (模拟测评) with its codes and ballots; a real vote is refused (422)",
)
def wipe_rehearsal(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam):
    survey = _survey(request, meeting_id, survey_id, run=True)
    voting.wipe_rehearsal(request.user, survey, ip=client_ip(request))
    return Status(204, None)


@router.get(
    "/meetings/{meeting_id}/surveys/{survey_id}/verify",
    response={200: SealCheckOut, **READ_ERRORS},
    summary="Check the stored ballots against the seal made when the vote closed",
)
def verify(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam) -> SealCheckOut:
    survey = _survey(request, meeting_id, survey_id)
    check = voting.verify_seal(survey)
    return SealCheckOut(
        ok=check.ok,
        sealed=check.sealed,
        seal_digest=survey.seal_digest,
        digest_matches=check.digest_matches,
        changed=check.changed,
        missing=check.missing,
        extra=check.extra,
        count=check.count,
    )


@router.get(
    "/meetings/{meeting_id}/surveys/{survey_id}/archive",
    response={200: ArchiveOut, **WRITE_ERRORS},
    summary="The sealed ballots as an anonymous table (原始测评票存档); after closing only",
)
def archive(request: HttpRequest, meeting_id: IdParam, survey_id: IdParam) -> ArchiveOut:
    survey = _survey(request, meeting_id, survey_id)
    if survey.status != SurveyStatus.CLOSED:
        raise ValidationError(_("Results are shown only after the vote is closed."))
    headers, rows = voting.archive_rows(survey)
    return ArchiveOut(seal_digest=survey.seal_digest, headers=headers, rows=[[str(v) for v in r] for r in rows])
