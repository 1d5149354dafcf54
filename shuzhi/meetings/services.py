"""Scheduling review meetings, their agenda and the comments (点评) made at them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shuzhi.audit.services import record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.cycles.models import Review, ReviewCycle
from shuzhi.meetings.models import AgendaItem, Comment, CommentMode, Meeting, MeetingKind, PresentMode
from shuzhi.orgs.models import Organization, OrgKind, Position, PositionRole
from shuzhi.orgs.tree import tree_ranks

MEETING_FIELDS = ["title", "starts_at", "place", "expected_attendees", "comment_mode"]
MAX_ATTENDEES = 2000


def kind_for(reviewer: Organization) -> str:
    return MeetingKind.COMMITTEE_ENLARGED if reviewer.kind == OrgKind.COMMITTEE else MeetingKind.GENERAL_BRANCH_ENLARGED


def default_title(cycle: ReviewCycle, reviewer: Organization) -> str:
    """e.g. 2026年度基层党组织书记抓党建工作述职评议会（党委扩大会议）, or（信息工程学院党总支委员会扩大会议）."""
    meeting = "党委扩大会议" if reviewer.kind == OrgKind.COMMITTEE else f"{reviewer.name}委员会扩大会议"
    return f"{cycle.year}年度基层党组织书记抓党建工作述职评议会（{meeting}）"


def _clean(title: str, place: str, expected_attendees: int, comment_mode: str, starts_at) -> dict:
    errors = {}
    title = " ".join((title or "").split())
    place = " ".join((place or "").split())
    if not title:
        errors["title"] = _("Enter a title.")
    elif len(title) > 200:
        errors["title"] = _("The title can be at most 200 characters.")
    if not place:
        errors["place"] = _("Enter the place.")
    elif len(place) > 200:
        errors["place"] = _("At most %(n)d characters.") % {"n": 200}
    if starts_at is None:
        errors["starts_at"] = _("Enter the date and time.")
    if not 0 <= int(expected_attendees or 0) <= MAX_ATTENDEES:
        errors["expected_attendees"] = _("Between 0 and %(n)d attendees.") % {"n": MAX_ATTENDEES}
    if comment_mode not in CommentMode.values:
        errors["comment_mode"] = _("Choose a comment mode.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "place": place,
        "expected_attendees": int(expected_attendees or 0),
        "comment_mode": comment_mode,
        "starts_at": starts_at,
    }


@transaction.atomic
def schedule_meeting(
    actor,
    *,
    cycle: ReviewCycle,
    reviewer: Organization,
    title: str,
    starts_at: datetime.datetime,
    place: str,
    expected_attendees: int = 0,
    comment_mode: str = CommentMode.ONE_BY_ONE,
    agenda: list[tuple[Review, str]] | None = None,
    ip: str | None = None,
) -> Meeting:
    """Schedule a reviewer's review meeting; agenda: the Reviews to present, in order, with their mode.

    The caller has checked that the actor takes part in the cycle (access.access_cycle), may run the
    reviewer's meetings (access.check_run_meeting) and may read each agenda Review
    (access.access_review). Refused here: a reviewer that holds no review meetings, an archived cycle."""
    if reviewer.kind not in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
        raise ValidationError({"reviewer": _("Review meetings are held by the Party committee or a general branch.")})
    from shuzhi.cycles.stages import Stage

    if cycle.stage == Stage.ARCHIVED:
        raise ValidationError({"cycle": _("The cycle is archived: no review meeting can be scheduled in it.")})
    fields = _clean(title, place, expected_attendees, comment_mode, starts_at)
    meeting = Meeting.objects.create(
        cycle=cycle,
        reviewer=reviewer,
        kind=kind_for(reviewer),
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    record(
        actor,
        Verb.MEETING_SCHEDULED,
        meeting,
        after=snapshot(meeting, MEETING_FIELDS),
        organization_id=reviewer.pk,
        ip=ip,
    )
    if agenda:
        set_agenda(actor, meeting, agenda, ip=ip)
    return meeting


@transaction.atomic
def update_meeting(
    actor,
    meeting: Meeting,
    *,
    title: str,
    starts_at,
    place: str,
    expected_attendees: int,
    comment_mode: str,
    ip: str | None = None,
) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    fields = _clean(title, place, expected_attendees, comment_mode, starts_at)
    before = snapshot(meeting, MEETING_FIELDS)
    for key, value in fields.items():
        setattr(meeting, key, value)
    after = snapshot(meeting, MEETING_FIELDS)
    if after != before:
        meeting.save()
        record(
            actor, Verb.MEETING_CHANGED, meeting, before=before, after=after, organization_id=meeting.reviewer_id, ip=ip
        )
    return meeting


def agenda_locked(meeting: Meeting) -> bool:
    """Whether the agenda is fixed: the real vote has been opened (its ballot lists the presenters)."""
    return _vote_started(meeting)


def _vote_started(meeting: Meeting) -> bool:
    from shuzhi.voting.models import SurveyStatus

    return meeting.surveys.filter(is_rehearsal=False).exclude(status=SurveyStatus.DRAFT).exists()


@transaction.atomic
def set_agenda(actor, meeting: Meeting, agenda: list[tuple[Review, str]], *, ip: str | None = None) -> list[AgendaItem]:
    """Replace the agenda with these presenters in this order. Presenters must be Reviews of this
    meeting's cycle that this reviewer runs, each on one meeting only; fixed once the vote opened.
    The caller has checked that the actor may run the meeting (access.check_run_meeting) and read
    each Review (access.access_review)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if _vote_started(meeting):
        raise ValidationError(_("The vote has been opened; the agenda can no longer change."))
    seen: set[int] = set()
    for review, mode in agenda:
        if review.cycle_id != meeting.cycle_id or review.reviewer_id != meeting.reviewer_id:
            raise ValidationError(
                _("%(name)s is not reviewed by %(reviewer)s in this cycle.")
                % {"name": review.organization.name, "reviewer": meeting.reviewer.name}
            )
        if mode not in PresentMode.values:
            raise ValidationError(_("Choose on-site or written for every presenter."))
        if review.pk in seen:
            raise ValidationError(_("%(name)s is on the agenda twice.") % {"name": review.organization.name})
        seen.add(review.pk)
    elsewhere = (
        AgendaItem.objects.filter(review_id__in=seen).exclude(meeting=meeting).select_related("review__organization")
    )
    if elsewhere:
        raise ValidationError(
            _("%(name)s is already on another meeting's agenda.") % {"name": elsewhere[0].review.organization.name}
        )
    before = list(meeting.agenda.values_list("review_id", "mode"))
    after = [(review.pk, mode) for review, mode in agenda]
    if before == after:
        return list(meeting.agenda.all())
    meeting.agenda.all().delete()
    try:
        with transaction.atomic():
            items = AgendaItem.objects.bulk_create(
                [
                    AgendaItem(meeting=meeting, review=review, position=i, mode=mode)
                    for i, (review, mode) in enumerate(agenda, 1)
                ]
            )
    except IntegrityError:
        # A presenter was put on another meeting's agenda at the same moment.
        raise ValidationError(_("Someone else changed the agendas at the same time; reload and try again.")) from None
    record(
        actor,
        Verb.MEETING_AGENDA_CHANGED,
        meeting,
        before={"agenda": before},
        after={"agenda": after},
        organization_id=meeting.reviewer_id,
        ip=ip,
        note=_("agenda changed"),
    )
    return items


@transaction.atomic
def move_presenter(actor, meeting: Meeting, review_id: int, offset: int, *, ip: str | None = None) -> None:
    """Move one presenter up (offset -1) or down (+1) in the agenda. The caller has checked that the actor
    may run the meeting (access.check_run_meeting); review_id is looked up in this agenda only."""
    order = list(meeting.agenda.select_related("review__organization", "review__cycle"))
    index = next((i for i, item in enumerate(order) if item.review_id == review_id), None)
    if index is None:
        raise ValidationError(_("That presenter is not on this agenda."))
    target = index + offset
    if not 0 <= target < len(order):
        return
    order[index], order[target] = order[target], order[index]
    set_agenda(actor, meeting, [(item.review, item.mode) for item in order], ip=ip)


@transaction.atomic
def set_current_item(meeting: Meeting, position: int) -> Meeting:
    """The presenter screen's place in the agenda (0 = before the first presenter)."""
    count = meeting.agenda.count()
    meeting.current_item = max(0, min(position, count + 1))
    meeting.save(update_fields=["current_item", "updated_at"])
    return meeting


def position_label(position: Position) -> str:
    """The 职务 a position gives a comment: the organisation's name and the role, e.g. 信息工程学院党总支书记."""
    return f"{position.organization.name}{position.get_role_display()}"


def author_roles(user, meeting: Meeting) -> list[tuple[int, str]]:
    """The 职务 the user may give with a comment at `meeting`: (position id, label) for each of their
    current positions — those in the meeting's reviewing organisation first, then the others in tree
    order, each organisation's by rank (书记 before 副书记 before 委员 …). Empty for an account without a
    person or without a current position. Two requests: the positions and the tree order."""
    person = getattr(user, "person", None)
    if person is None:
        return []
    positions = list(Position.objects.current().filter(person=person).select_related("organization"))
    if not positions:
        return []
    ranks, role_rank = tree_ranks(), {role: n for n, role in enumerate(PositionRole.values)}
    positions.sort(
        key=lambda p: (
            p.organization_id != meeting.reviewer_id,
            ranks.get(p.organization_id, len(ranks)),
            role_rank.get(p.role, len(role_rank)),
            p.start_date,
            p.pk,
        )
    )
    return [(p.pk, position_label(p)) for p in positions]


def check_author_role(actor, meeting: Meeting, author_role: str) -> str | None:
    """Why `author_role` may not go with the actor's comment, or None: it must be empty or the label of
    one of the actor's current positions (author_roles), so one person's 职务 reads the same everywhere."""
    if not author_role:
        return None
    labels = [label for _pk, label in author_roles(actor, meeting)]
    if author_role in labels:
        return None
    if not labels:
        return _("You hold no current position, so the comment is recorded without one.")
    return _("Choose one of your current positions: %(positions)s.") % {"positions": "、".join(labels)}


@transaction.atomic
def add_comment(
    actor,
    meeting: Meeting,
    *,
    review: Review | None,
    problems: str,
    direction: str = "",
    author_role: str = "",
    ip: str | None = None,
) -> Comment:
    """A comment (点评): per presenter, or collective (review=None) when the meeting uses 集中点评.
    The caller has checked that the actor may comment (access.check_comment) and read the Review
    (access.access_review); a Review not on this agenda is refused here.
    author_role is empty or the label of one of the actor's current positions (author_roles); any other
    text is refused. The same comment submitted twice is stored once."""
    problems, direction = (problems or "").strip(), (direction or "").strip()
    author_role = (author_role or "").strip()
    errors = {}
    role_problem = check_author_role(actor, meeting, author_role)
    if role_problem:
        errors["author_role"] = role_problem
    if not problems:
        errors["problems"] = _("State the problems pointed out.")
    elif len(problems) > 5000:
        errors["problems"] = _("At most %(n)d characters.") % {"n": 5000}
    if len(direction) > 5000:
        errors["direction"] = _("At most %(n)d characters.") % {"n": 5000}
    if review is not None and not meeting.agenda.filter(review=review).exists():
        errors["review"] = _("That presenter is not on this agenda.")
    if review is None and meeting.comment_mode == CommentMode.ONE_BY_ONE:
        errors["review"] = _("This meeting comments on each presenter (一述一评); choose the presenter.")
    if errors:
        raise ValidationError(errors)
    same = Comment.objects.filter(
        meeting=meeting, review=review, author=actor, problems=problems, direction=direction
    ).first()
    if same:
        return same
    person = getattr(actor, "person", None)
    comment = Comment.objects.create(
        meeting=meeting,
        review=review,
        author=actor,
        author_name=person.name if person else actor.get_username(),
        author_role=author_role[:100],
        problems=problems,
        direction=direction,
    )
    record(
        actor,
        Verb.COMMENT_ADDED,
        comment,
        after={"problems": problems, "direction": direction},
        organization_id=review.organization_id if review else meeting.reviewer_id,
        ip=ip,
    )
    return comment
