"""API endpoints of the daily assessment (日常考核): a cycle's checks, one check, recording one (as a
draft, then recorded), withdrawing it, and a Review's daily score with how it was reached.

Scoped by the same access functions as the pages (access.visible_checks / access_check /
check_inspect / check_edit_check / check_withdraw_check): another organisation's check is 404, an
organisation outside the inspector's remit 403. Scores travel as decimal strings ("22.5"), never as
floats. Evidence files are added on the check's page (multipart uploads are not part of this API)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from shuzhi.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, InputSchema
from shuzhi.assessment import scores, services
from shuzhi.assessment.models import Check, CheckStatus
from shuzhi.audit.services import client_ip
from shuzhi.core.inputs import Flag, Id, IdParam, Text
from shuzhi.orgs import access

router = Router(tags=["daily assessment"])


class ScoreIn(InputSchema):
    indicator_id: Id
    score: Text(20) = Field("", description='A decimal number as text, e.g. "22.5"; empty in a draft.')
    reason: Text(services.REASON_MAX) = ""


class CheckIn(InputSchema):
    date: datetime.date | None = None
    place: Text(200) = ""
    co_inspectors: Text(200) = Field("", description="Who checked with the recording user (names).")
    methods: list[Text(20)] = Field(
        default_factory=list,
        max_length=6,
        description="on_site (到现场看), concrete (见具体事), people (听群众说); not preferred: briefing (听汇报), "
        "documents (查资料), ledgers (看台账).",
    )
    seen: Text(services.TEXT_MAX) = ""
    heard: Text(services.TEXT_MAX) = ""
    scores: list[ScoreIn] = Field(default_factory=list, max_length=services.MAX_INDICATORS)
    record: Flag = Field(False, description="Record the check (then every field is required); else a draft.")


class CheckCreateIn(CheckIn):
    organization_id: Id
    form_token: Text(64) = Field(
        description="A random token of the client's, the same when a request is resent: the same token is the same check."
    )


class ScoreOut(Schema):
    indicator_id: int
    indicator: str
    points: str
    score: str | None
    reason: str


class CheckOut(Schema):
    id: int
    cycle_id: int
    organization_id: int
    organization: str
    status: str = Field(description="draft, recorded or withdrawn")
    date: datetime.date | None
    place: str
    inspector: str
    co_inspectors: str
    methods: list[str]
    uses_not_preferred: bool
    seen: str
    heard: str
    scores: list[ScoreOut]
    withdrawal_reason: str


class WithdrawIn(InputSchema):
    reason: Text(services.MAX_REASON)


class IndicatorScoreOut(Schema):
    indicator_id: int
    name: str
    points: str
    score: str | None
    checks: int


class DailyScoreOut(Schema):
    review_id: int
    present: bool = Field(description="False when no check of the organisation was recorded in the cycle.")
    total: str | None
    max_points: str | None
    percent: str | None = Field(description="Rounded to two places; total and per-indicator figures are exact.")
    rule: str
    per_indicator: list[IndicatorScoreOut]
    check_ids: list[int]


def _text(value) -> str | None:
    return None if value is None else f"{value:f}"


def _check_out(check: Check) -> CheckOut:
    return CheckOut(
        id=check.pk,
        cycle_id=check.cycle_id,
        organization_id=check.organization_id,
        organization=check.organization.name,
        status=check.status,
        date=check.date,
        place=check.place,
        inspector=check.recorded_by.display_name,
        co_inspectors=check.co_inspectors,
        methods=list(check.methods),
        uses_not_preferred=check.uses_not_preferred,
        seen=check.seen,
        heard=check.heard,
        scores=[
            ScoreOut(
                indicator_id=s.indicator_id,
                indicator=s.indicator.name,
                points=_text(s.indicator.points),
                score=_text(s.score),
                reason=s.reason,
            )
            for s in sorted(check.scores.all(), key=lambda s: (s.indicator.order, s.indicator_id))
        ],
        withdrawal_reason=check.withdrawal_reason,
    )


def _input(payload: CheckIn) -> services.CheckInput:
    entries = {}
    for row in payload.scores:
        value, ok = services.parse_score(row.score)
        entries[row.indicator_id] = services.ScoreInput(
            score=value if ok else None, reason=row.reason, raw=row.score.strip()
        )
    return services.CheckInput(
        date=payload.date,
        place=payload.place,
        co_inspectors=payload.co_inspectors,
        methods=list(payload.methods),
        seen=payload.seen,
        heard=payload.heard,
        scores=entries,
    )


@router.get("/cycles/{cycle_id}/checks", response={200: list[CheckOut], **READ_ERRORS}, summary="List a cycle's checks")
def list_checks(request: HttpRequest, cycle_id: IdParam, organization_id: IdParam | None = None) -> list[CheckOut]:
    cycle = access.access_cycle(request.user, cycle_id)
    checks = access.visible_checks(request.user).filter(cycle=cycle)
    if organization_id is not None:
        checks = checks.filter(organization_id=organization_id)
    checks = checks.select_related("organization", "recorded_by__person").prefetch_related("scores__indicator")
    return [_check_out(check) for check in checks.order_by("-date", "-id")[:500]]


@router.get("/checks/{check_id}", response={200: CheckOut, **READ_ERRORS})
def get_check(request: HttpRequest, check_id: IdParam) -> CheckOut:
    return _check_out(access.access_check(request.user, check_id))


@router.post(
    "/cycles/{cycle_id}/checks",
    response={201: CheckOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Record a check (a draft, or recorded with record=true)",
)
def create_check(request: HttpRequest, cycle_id: IdParam, payload: CheckCreateIn):
    cycle = access.access_cycle(request.user, cycle_id)
    organization = access.access_organization(request.user, payload.organization_id)
    access.check_inspect(request.user, cycle, organization)
    try:
        check = services.save_check(
            request.user,
            cycle=cycle,
            organization=organization,
            data=_input(payload),
            form_token=payload.form_token,
            to_record=payload.record,
            ip=client_ip(request),
        )
    except services.CheckNotEditable as stale:
        return Status(409, ErrorOut(detail=str(stale)))
    return Status(201, _check_out(access.access_check(request.user, check.pk)))


@router.put("/checks/{check_id}", response={200: CheckOut, 409: ErrorOut, **WRITE_ERRORS}, summary="Change a draft")
def update_check(request: HttpRequest, check_id: IdParam, payload: CheckIn):
    check = access.access_check(request.user, check_id)
    if not check.is_draft and check.recorded_by_id == request.user.pk:
        return Status(409, ErrorOut(detail=str(services.CheckNotEditable(check))))
    access.check_edit_check(request.user, check)
    try:
        services.save_check(
            request.user,
            cycle=check.cycle,
            organization=check.organization,
            data=_input(payload),
            form_token=check.form_token,
            check=check,
            to_record=payload.record,
            ip=client_ip(request),
        )
    except services.CheckNotEditable as stale:
        return Status(409, ErrorOut(detail=str(stale)))
    return _check_out(access.access_check(request.user, check.pk))


@router.post("/checks/{check_id}/withdraw", response={200: CheckOut, **WRITE_ERRORS})
def withdraw_check(request: HttpRequest, check_id: IdParam, payload: WithdrawIn) -> CheckOut:
    check = access.access_check(request.user, check_id)
    if check.status != CheckStatus.WITHDRAWN:
        access.check_withdraw_check(request.user, check)
        services.withdraw_check(request.user, check, reason=payload.reason, ip=client_ip(request))
    return _check_out(access.access_check(request.user, check.pk))


@router.get("/reviews/{review_id}/daily-score", response={200: DailyScoreOut, **READ_ERRORS})
def daily_score(request: HttpRequest, review_id: IdParam) -> DailyScoreOut:
    review = access.access_review(request.user, review_id)
    result = scores.daily_score(review)
    if result is None:
        return DailyScoreOut(
            review_id=review.pk,
            present=False,
            total=None,
            max_points=None,
            percent=None,
            rule=scores.rule_statement(scores.cycle_rule(review.cycle)),
            per_indicator=[],
            check_ids=[],
        )
    return DailyScoreOut(
        review_id=review.pk,
        present=True,
        total=_text(result.total),
        max_points=_text(result.max_points),
        percent=_text(result.percent.quantize(Decimal("0.01"))),
        rule=result.rule,
        per_indicator=[
            IndicatorScoreOut(
                indicator_id=i.indicator_id, name=i.name, points=_text(i.points), score=_text(i.score), checks=i.checks
            )
            for i in result.per_indicator
        ],
        check_ids=list(result.check_ids),
    )
