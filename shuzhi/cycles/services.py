"""Opening a year's cycle, moving it through the stages (shuzhi.cycles.groups does it group by group,
behind the gates), and the preparation records. A Review's stage is not stored: it follows from its
real state (shuzhi.cycles.review_stage).

Every function runs in one transaction, is a no-op when the requested state already holds, and
writes an audit record. Access is the caller's job (shuzhi.orgs.access).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit.services import record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.cycles import groups, stages
from shuzhi.cycles.models import (
    PreparationItem,
    PreparationKind,
    PriorProblem,
    PriorProblemKind,
    ReportMode,
    Review,
    ReviewCycle,
    ReviewGroup,
    SecretaryChange,
)
from shuzhi.orgs.models import Organization, OrgKind, Person, Position, PositionRole

CYCLE_FIELDS = [
    "year",
    "title",
    "key_items",
    "report_mode",
    "stage",
    "preparation_due",
    "report_due",
    "meeting_from",
    "meeting_to",
]
MAX_KEY_ITEMS = 30
MAX_KEY_ITEM_CHARS = 200


def reviewer_for(org: Organization) -> Organization | None:
    """Seed §二: the committee reviews 党总支 and 直属党支部 secretaries; a 党总支 reviews its 党支部."""
    if org.kind in (OrgKind.GENERAL_BRANCH, OrgKind.DIRECT_BRANCH, OrgKind.BRANCH):
        return org.parent
    return None


def current_secretaries(on: datetime.date | None = None, organization_id: int | None = None) -> dict[int, Person]:
    positions = (
        Position.objects.current(on)
        .filter(role=PositionRole.SECRETARY, organization__is_active=True, person__is_active=True)
        .select_related("person")
    )
    if organization_id is not None:
        positions = positions.filter(organization_id=organization_id)
    return {p.organization_id: p.person for p in positions}


def clean_key_items(items: list[str]) -> list[str]:
    cleaned = [" ".join(str(i).split()) for i in items]
    cleaned = [i for i in cleaned if i]
    if len(cleaned) > MAX_KEY_ITEMS:
        raise ValidationError({"key_items": _("At most %(n)d key content items.") % {"n": MAX_KEY_ITEMS}})
    for item in cleaned:
        if len(item) > MAX_KEY_ITEM_CHARS:
            raise ValidationError(
                {"key_items": _("Each key content item can be at most %(n)d characters.") % {"n": MAX_KEY_ITEM_CHARS}}
            )
    return list(dict.fromkeys(cleaned))


@dataclass
class OpenResult:
    cycle: ReviewCycle
    reviews_created: int
    without_secretary: list[str]


@transaction.atomic
def open_cycle(
    actor,
    *,
    year: int,
    title: str,
    key_items: list[str],
    report_mode: str = ReportMode.BOTH,
    preparation_due: datetime.date | None = None,
    report_due: datetime.date | None = None,
    meeting_from: datetime.date | None = None,
    meeting_to: datetime.date | None = None,
    ip: str | None = None,
) -> OpenResult:
    """Open a year's cycle and create one Review per current secretary of every active 党总支, 党支部
    and 直属党支部, each in the review group (ReviewGroup) of its reviewer: the committee's and one per
    党总支 with branches to review. A year can be opened once; a second attempt is refused with a clear
    message."""
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not 2000 <= int(year) <= 2100:
        errors["year"] = _("Enter a year between 2000 and 2100.")
    if not title:
        errors["title"] = _("Enter a title.")
    elif len(title) > 200:
        errors["title"] = _("The title can be at most 200 characters.")
    if report_mode not in ReportMode.values:
        errors["report_mode"] = _("Choose a report mode.")
    if meeting_from and meeting_to and meeting_to < meeting_from:
        errors["meeting_to"] = _("The end date cannot be before the start date.")
    if errors:
        raise ValidationError(errors)
    key_items = clean_key_items(key_items)
    if ReviewCycle.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("The %(year)d cycle has already been opened; a year is opened once.") % {"year": year}}
        )
    try:
        with transaction.atomic():
            cycle = ReviewCycle.objects.create(
                year=year,
                title=title,
                key_items=key_items,
                report_mode=report_mode,
                preparation_due=preparation_due,
                report_due=report_due,
                meeting_from=meeting_from,
                meeting_to=meeting_to,
                opened_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # Another request opened the same year a moment ago.
        raise ValidationError(
            {"year": _("The %(year)d cycle has already been opened; a year is opened once.") % {"year": year}}
        ) from None
    secretaries = current_secretaries()
    reviewed = Organization.objects.filter(
        is_active=True, kind__in=[OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.DIRECT_BRANCH]
    ).select_related("parent")
    reviews, without = [], []
    review_groups: dict[int, ReviewGroup] = {}
    for org in reviewed:
        person = secretaries.get(org.pk)
        if person is None:
            without.append(org.name)
            continue
        reviewer = reviewer_for(org)
        if reviewer.pk not in review_groups:
            review_groups[reviewer.pk] = ReviewGroup.objects.create(cycle=cycle, reviewer=reviewer, stage=cycle.stage)
        reviews.append(
            Review(
                cycle=cycle,
                organization=org,
                secretary=person,
                reviewer=reviewer,
                group=review_groups[reviewer.pk],
                report_mode=report_mode,
            )
        )
    Review.objects.bulk_create(reviews)
    record(
        actor,
        Verb.CYCLE_OPENED,
        cycle,
        after=snapshot(cycle, CYCLE_FIELDS),
        ip=ip,
        note=_("%(n)d reviews created") % {"n": len(reviews)},
    )
    return OpenResult(cycle=cycle, reviews_created=len(reviews), without_secretary=without)


@transaction.atomic
def update_cycle(
    actor,
    cycle: ReviewCycle,
    *,
    title: str,
    key_items: list[str],
    preparation_due=None,
    report_due=None,
    meeting_from=None,
    meeting_to=None,
    ip: str | None = None,
) -> ReviewCycle:
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage == stages.Stage.ARCHIVED:
        raise ValidationError(_("An archived cycle cannot be changed."))
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Enter a title.")})
    before = snapshot(cycle, CYCLE_FIELDS)
    cycle.title = title[:200]
    cycle.key_items = clean_key_items(key_items)
    cycle.preparation_due, cycle.report_due = preparation_due, report_due
    cycle.meeting_from, cycle.meeting_to = meeting_from, meeting_to
    after = snapshot(cycle, CYCLE_FIELDS)
    if after != before:
        cycle.save()
        record(actor, Verb.CYCLE_CHANGED, cycle, before=before, after=after, ip=ip)
    return cycle


def advance_cycle(
    actor, cycle: ReviewCycle, target: str, *, override_reason: str = "", ip: str | None = None
) -> ReviewCycle:
    """Move the cycle (every group still at its stage) one stage forward, behind the groups' gates:
    groups.advance_cycle (the caller has checked access.access_cycle(set_up=True))."""
    return groups.advance_cycle(actor, cycle, target, override_reason=override_reason, ip=ip)


@transaction.atomic
def sync_secretary(organization_id: int, actor) -> list[Review]:
    """After positions change: every open Review of the organisation follows its current secretary.
    The old secretary's work stays with the Review; SecretaryChange and the audit log keep the record,
    naming `actor` (who changed the positions). Called by shuzhi.orgs.services whenever a 书记 term is
    appointed, ended or cancelled, and by the importer's bulk writer after its writes."""
    secretary = current_secretaries(organization_id=organization_id).get(organization_id)
    if secretary is None:
        return []
    _add_missing_reviews(organization_id, secretary, actor)
    moved = []
    open_reviews = (
        Review.objects.select_for_update()
        .filter(organization_id=organization_id)
        .exclude(group__stage=stages.Stage.ARCHIVED)
        .exclude(secretary=secretary)
    )
    for review in open_reviews:
        SecretaryChange.objects.create(review=review, old_secretary=review.secretary, new_secretary=secretary)
        before = snapshot(review, ["secretary"])
        review.secretary = secretary
        review.save(update_fields=["secretary", "updated_at"])
        record(
            actor or "system",
            Verb.REVIEW_SECRETARY_CHANGED,
            review,
            before=before,
            after=snapshot(review, ["secretary"]),
            organization_id=organization_id,
            note=_("secretary changed"),
        )
        moved.append(review)
    return moved


def _add_missing_reviews(organization_id: int, secretary: Person, actor) -> None:
    """An organisation that got its secretary after the cycle opened gets its Review, in its reviewer's
    group (created at the cycle's stage if the reviewer had none), as long as the cycle is still in
    preparation or report."""
    org = Organization.objects.select_related("parent").get(pk=organization_id)
    reviewer = reviewer_for(org)
    if reviewer is None or not org.is_active:
        return
    open_cycles = ReviewCycle.objects.filter(stage__in=[stages.Stage.PREPARATION, stages.Stage.REPORT]).exclude(
        reviews__organization_id=organization_id
    )
    for cycle in open_cycles:
        group = groups.ensure_group(cycle, reviewer)
        review = Review.objects.create(
            cycle=cycle,
            organization=org,
            secretary=secretary,
            reviewer=reviewer,
            group=group,
            report_mode=cycle.report_mode,
        )
        record(
            actor or "system",
            Verb.REVIEW_ADDED,
            review,
            organization_id=organization_id,
            note=_("review added for a newly appointed secretary"),
        )


# --- Prior problems -------------------------------------------------------------------------------


@transaction.atomic
def add_prior_problem(
    actor, *, organization: Organization, year: int, kind: str, text: str, ip: str | None = None
) -> PriorProblem:
    text = (text or "").strip()
    if kind not in PriorProblemKind.values:
        raise ValidationError({"kind": _("Choose a kind.")})
    if not text:
        raise ValidationError({"text": _("Enter the problem.")})
    if len(text) > 2000:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": 2000}})
    existing = PriorProblem.objects.active().filter(organization=organization, year=year, kind=kind, text=text).first()
    if existing:
        return existing
    problem = PriorProblem.objects.create(
        organization=organization,
        year=year,
        kind=kind,
        text=text,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor,
        Verb.PRIOR_PROBLEM_ADDED,
        problem,
        after=snapshot(problem, ["year", "kind", "text"]),
        organization_id=organization.pk,
        ip=ip,
    )
    return problem


MAX_WITHDRAWAL_REASON = 200
PRIOR_WITHDRAWAL_FIELDS = ["year", "kind", "text", "withdrawn_at", "withdrawn_by", "withdrawal_reason"]


@transaction.atomic
def withdraw_prior_problem(actor, problem: PriorProblem, *, reason: str, ip: str | None = None) -> PriorProblem:
    """Withdraw a problem entered or imported by mistake (the caller has checked
    access.access_prior_problem(set_up=True)): the row stays, marked with who withdrew it,
    when and why (the audit record holds the same), and it no longer appears anywhere the problems are
    listed or used (PriorProblem.objects.active()): the secretary no longer has to answer it. Withdrawing
    a withdrawn problem again changes nothing. Like add_prior_problem this is allowed at any stage;
    report versions already submitted keep the problem and its answer as they were submitted.
    Access is the caller's job (the org dept: access.check_manage)."""
    reason = " ".join((reason or "").split())
    problem = PriorProblem.objects.select_for_update().get(pk=problem.pk)
    if problem.withdrawn_at is not None:
        return problem
    if not reason:
        raise ValidationError({"reason": _("Say briefly why this problem is withdrawn.")})
    if len(reason) > MAX_WITHDRAWAL_REASON:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": MAX_WITHDRAWAL_REASON}})
    before = snapshot(problem, PRIOR_WITHDRAWAL_FIELDS)
    problem.withdrawn_at = timezone.now()
    problem.withdrawn_by = actor if getattr(actor, "pk", None) else None
    problem.withdrawal_reason = reason
    problem.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    record(
        actor,
        Verb.PRIOR_PROBLEM_WITHDRAWN,
        problem,
        before=before,
        after=snapshot(problem, PRIOR_WITHDRAWAL_FIELDS),
        organization_id=problem.organization_id,
        ip=ip,
        note=_("last year's problem withdrawn"),
    )
    return problem


def prior_problems_for(review: Review) -> list[PriorProblem]:
    """What the secretary must answer: the organisation's problems from the previous year's review
    (withdrawn ones left out)."""
    return list(
        PriorProblem.objects.active()
        .filter(organization_id=review.organization_id, year=review.cycle.year - 1)
        .order_by("kind", "id")
    )


# --- Preparation ----------------------------------------------------------------------------------

PREPARATION_FIELDS = ["kind", "date", "place", "people", "content", "is_withdrawn"]


def preparation_is_open(review: Review) -> bool:
    """Preparation records can be added or withdrawn until the report stage of the Review's group ends."""
    return stages.index(review.group.stage) <= stages.index(stages.Stage.REPORT)


def _check_preparation_open(review: Review) -> None:
    if not preparation_is_open(review):
        raise ValidationError(_("The preparation and report stages of this cycle are over."))


@transaction.atomic
def add_preparation_item(
    actor,
    review: Review,
    *,
    kind: str,
    content: str,
    date: datetime.date | None = None,
    place: str = "",
    people: str = "",
    ip: str | None = None,
) -> PreparationItem:
    """Record a preparation item. The caller has checked that the actor is the Review's secretary
    (access.access_review, access.check_review_secretary); refused here once preparation closed."""
    review = Review.objects.select_for_update().select_related("cycle", "group").get(pk=review.pk)
    _check_preparation_open(review)
    content = (content or "").strip()
    errors = {}
    if kind not in PreparationKind.values:
        errors["kind"] = _("Choose a kind.")
    if not content:
        errors["content"] = _("Enter the content.")
    elif len(content) > 5000:
        errors["content"] = _("At most %(n)d characters.") % {"n": 5000}
    if len(place) > 200:
        errors["place"] = _("At most %(n)d characters.") % {"n": 200}
    if len(people) > 200:
        errors["people"] = _("At most %(n)d characters.") % {"n": 200}
    if errors:
        raise ValidationError(errors)
    same = PreparationItem.objects.filter(
        review=review,
        kind=kind,
        date=date,
        place=place.strip(),
        people=people.strip(),
        content=content,
        is_withdrawn=False,
    ).first()
    if same:
        return same
    item = PreparationItem.objects.create(
        review=review,
        kind=kind,
        date=date,
        place=place.strip(),
        people=people.strip(),
        content=content,
        author=review.secretary,
    )
    record(
        actor,
        Verb.PREPARATION_ITEM_ADDED,
        item,
        after=snapshot(item, PREPARATION_FIELDS),
        organization_id=review.organization_id,
        ip=ip,
    )
    return item


@transaction.atomic
def withdraw_preparation_item(actor, item: PreparationItem, *, ip: str | None = None) -> PreparationItem:
    """Withdraw a preparation item. The caller has checked that the actor is its Review's secretary and
    got the item through access.access_preparation_item; withdrawing it twice changes nothing."""
    item = PreparationItem.objects.select_for_update().select_related("review__cycle", "review__group").get(pk=item.pk)
    if item.is_withdrawn:
        return item
    _check_preparation_open(item.review)
    before = snapshot(item, PREPARATION_FIELDS)
    item.is_withdrawn = True
    item.save(update_fields=["is_withdrawn", "updated_at"])
    record(
        actor,
        Verb.PREPARATION_ITEM_WITHDRAWN,
        item,
        before=before,
        after=snapshot(item, PREPARATION_FIELDS),
        organization_id=item.review.organization_id,
        ip=ip,
    )
    return item


@transaction.atomic
def mark_preparation_done(actor, review: Review, *, ip: str | None = None) -> Review:
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.preparation_done_at:
        return review
    review.preparation_done_at = timezone.now()
    review.save(update_fields=["preparation_done_at", "updated_at"])
    record(
        actor,
        Verb.PREPARATION_DONE,
        review,
        organization_id=review.organization_id,
        ip=ip,
        note=_("preparation marked done"),
    )
    return review
