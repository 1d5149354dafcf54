"""Review groups (评议组): finding a Review's group, reading a group's gate, moving a group or the
whole cycle a stage forward, and keeping the cycle's stage the earliest of its groups'.

Who may move what (decided in shuzhi.orgs.access): the org dept moves any group and alone overrides
an unmet gate, with a reason (at most OVERRIDE_REASON_MAX characters) kept on the GroupStageChange, in
the audit record and on the group's page; a reviewing organisation's leaders (for the 党委, its
members) move their own group when its gate is open. Actors given as a string (commands, the demo)
are the system and are not checked.

Every move runs in one transaction with the cycle and the group locked (select_for_update, cycle
first), is a no-op when the group is already at the target, and writes an audit record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from shuzhi.audit.services import record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.cycles import gates, review_stage, stages
from shuzhi.cycles.models import GroupStageChange, Review, ReviewCycle, ReviewGroup
from shuzhi.orgs.models import Organization

OVERRIDE_REASON_MAX = 200


def group_for(review: Review) -> ReviewGroup:
    """The Review's group (the group of its cycle and reviewer)."""
    return review.group


def ensure_group(cycle: ReviewCycle, reviewer: Organization) -> ReviewGroup:
    """The group of (cycle, reviewer), created at the cycle's stage if it does not exist yet."""
    group, _created = ReviewGroup.objects.get_or_create(cycle=cycle, reviewer=reviewer, defaults={"stage": cycle.stage})
    return group


def group_stage(review: Review) -> str:
    """The stage of the Review's group (what decides whether its report may still be written...)."""
    return review.group.stage


# --- Facts and gates ------------------------------------------------------------------------------


def group_facts(group: ReviewGroup) -> gates.GroupFacts:
    """The counts the gates read, in two queries (the Reviews, the open votes)."""
    return facts_for_groups([group])[group.pk]


def facts_for_groups(groups: list[ReviewGroup]) -> dict[int, gates.GroupFacts]:
    """group_facts for several groups of one or more cycles, in two queries whatever their number."""
    from shuzhi.reports.models import ReportStatus
    from shuzhi.voting.models import Survey, SurveyStatus

    if not groups:
        return {}
    written = review_stage.written_q()
    on_site = ~written
    accepted = Q(report__status=ReportStatus.ACCEPTED)
    rows = (
        Review.objects.filter(group__in=[g.pk for g in groups])
        .alias(voted=review_stage.vote_closed_expression())
        .order_by()
        .values("group_id")
        .annotate(
            reviews=Count("pk"),
            preparation_not_done=Count("pk", filter=Q(preparation_done_at__isnull=True)),
            not_started=Count("pk", filter=Q(report__isnull=True)),
            draft=Count("pk", filter=Q(report__status=ReportStatus.DRAFT)),
            returned=Count("pk", filter=Q(report__status=ReportStatus.RETURNED)),
            submitted=Count("pk", filter=Q(report__status=ReportStatus.SUBMITTED)),
            on_site_not_accepted=Count("pk", filter=on_site & ~accepted),
            written_not_submitted=Count(
                "pk", filter=written & ~Q(report__status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
            ),
            on_site_not_on_agenda=Count("pk", filter=on_site & Q(agenda_item__isnull=True)),
            on_site_not_voted=Count("pk", filter=on_site & Q(agenda_item__isnull=False) & Q(voted=False)),
            # The grading (shuzhi.evaluation): a Review graded has a grade; the group's grading row,
            # joined through the group, says whether it was submitted.
            ungraded=Count("pk", filter=Q(grade__isnull=True) | Q(grade__grade="")),
            grading_submitted=Count("pk", filter=Q(group__grading__status="submitted")),
        )
    )
    counts = {}
    for row in rows:
        group_id = row.pop("group_id")
        row["grading_not_submitted"] = row.pop("grading_submitted") == 0
        counts[group_id] = row
    votes = (
        Survey.objects.filter(
            meeting__cycle_id__in={g.cycle_id for g in groups}, is_rehearsal=False, status=SurveyStatus.OPEN
        )
        .values_list("meeting__cycle_id", "meeting__reviewer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    open_votes = {(cycle_id, reviewer_id): n for cycle_id, reviewer_id, n in votes}
    return {
        g.pk: gates.GroupFacts(open_votes=open_votes.get((g.cycle_id, g.reviewer_id), 0), **counts.get(g.pk, {}))
        for g in groups
    }


def gate(group: ReviewGroup, target: str | None = None) -> list[gates.Unmet]:
    """What the group still lacks for `target` (default: its next stage); empty when nothing is next."""
    target = target or stages.next_stage(group.stage)
    if target is None:
        return []
    return gates.unmet(target, group_facts(group))


# --- Moving ---------------------------------------------------------------------------------------


def _user(actor) -> bool:
    return getattr(actor, "is_authenticated", False) is True


def _check_step(current: str, target: str, what: str) -> None:
    if not stages.can_move(current, target):
        nxt = stages.next_stage(current)
        raise ValidationError(
            what % {"current": stages.Stage(current).label, "next": stages.Stage(nxt).label if nxt else "—"}
        )


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) > OVERRIDE_REASON_MAX:
        raise ValidationError({"override_reason": _("At most %(n)d characters.") % {"n": OVERRIDE_REASON_MAX}})
    return reason


def _refusal(group: ReviewGroup, unmet: list[gates.Unmet], *, with_name: bool = False) -> str:
    lines = "；".join(u.text.rstrip("。.") for u in unmet)
    if with_name:
        return _("%(group)s cannot move on yet: %(unmet)s.") % {"group": group.reviewer.name, "unmet": lines}
    return _("The group cannot move on yet: %(unmet)s.") % {"unmet": lines}


def _move(actor, group: ReviewGroup, target: str, unmet: list[gates.Unmet], reason: str, ip: str | None) -> None:
    before = snapshot(group, ["stage"])
    change = GroupStageChange.objects.create(
        group=group,
        from_stage=group.stage,
        to_stage=target,
        unmet=[u.text for u in unmet],
        override_reason=reason if unmet else "",
        moved_by=actor if _user(actor) else None,
    )
    group.stage = target
    group.save(update_fields=["stage", "updated_at"])
    after = snapshot(group, ["stage"])
    if unmet:
        after.update({"unmet": change.unmet, "override_reason": change.override_reason})
        note = _("stage changed with the gate overridden: %(reason)s") % {"reason": change.override_reason}
    else:
        note = _("stage changed")
    record(
        actor,
        Verb.GROUP_GATE_OVERRIDDEN if unmet else Verb.GROUP_STAGE_MOVED,
        group,
        before=before,
        after=after,
        organization_id=group.reviewer_id,
        ip=ip,
        note=note,
    )


def _sync_cycle_stage(actor, cycle: ReviewCycle, ip: str | None) -> None:
    """The cycle's stage becomes the earliest of its groups' (cycle already locked)."""
    group_stages = list(ReviewGroup.objects.filter(cycle=cycle).values_list("stage", flat=True))
    if not group_stages:
        return
    earliest = min(group_stages, key=stages.index)
    if earliest != cycle.stage:
        _set_cycle_stage(actor, cycle, earliest, ip)


def _set_cycle_stage(actor, cycle: ReviewCycle, stage: str, ip: str | None) -> None:
    """Record the cycle's new stage (cycle already locked), with its audit event."""
    before = snapshot(cycle, ["stage"])
    cycle.stage = stage
    cycle.save(update_fields=["stage", "updated_at"])
    record(
        actor,
        Verb.CYCLE_STAGE_MOVED,
        cycle,
        before=before,
        after=snapshot(cycle, ["stage"]),
        ip=ip,
        note=_("stage changed"),
    )


def _check_override(actor, unmet: list[gates.Unmet], reason: str, group: ReviewGroup, *, with_name=False) -> None:
    if not unmet:
        return
    if not reason:
        raise ValidationError(_refusal(group, unmet, with_name=with_name))
    if _user(actor):
        from shuzhi.orgs import access

        if not access.can_override_gate(actor):
            raise ValidationError(_("Only the organisation department can move a group on before its gate is met."))


@transaction.atomic
def move_group(
    actor, group: ReviewGroup, target: str, *, override_reason: str = "", ip: str | None = None
) -> ReviewGroup:
    """Move the group one stage forward to `target`. Asking for the stage it is in changes nothing.
    Refused (ValidationError, the unmet conditions in Chinese) while the gate of `target` is unmet,
    unless the org dept gives `override_reason`; refused (PermissionDenied) for a user who may not move
    this group (access.can_move_group)."""
    if _user(actor):
        from shuzhi.orgs import access

        if not access.can_move_group(actor, group):
            raise PermissionDenied
    cycle = ReviewCycle.objects.select_for_update().get(pk=group.cycle_id)
    group = ReviewGroup.objects.select_for_update(of=("self",)).select_related("reviewer").get(pk=group.pk)
    if group.stage == target:
        return group
    _check_step(
        group.stage, target, _("A group moves one stage at a time: from “%(current)s” the next stage is “%(next)s”.")
    )
    reason = _clean_reason(override_reason)
    unmet = gates.unmet(target, group_facts(group))
    _check_override(actor, unmet, reason, group)
    _move(actor, group, target, unmet, reason, ip)
    _sync_cycle_stage(actor, cycle, ip)
    return group


@dataclass
class CycleGate:
    group: ReviewGroup
    unmet: list[gates.Unmet]


def cycle_gate(cycle: ReviewCycle, target: str | None = None) -> list[CycleGate]:
    """For moving the cycle: each group still at the cycle's stage with what it lacks for `target`."""
    target = target or stages.next_stage(cycle.stage)
    if target is None:
        return []
    behind = ReviewGroup.objects.filter(cycle=cycle, stage=cycle.stage).select_related("reviewer")
    return [CycleGate(group, gates.unmet(target, group_facts(group))) for group in behind]


@transaction.atomic
def advance_cycle(
    actor, cycle: ReviewCycle, target: str, *, override_reason: str = "", ip: str | None = None
) -> ReviewCycle:
    """Move the school-wide calendar one stage forward: every group still at the cycle's stage moves to
    `target` (groups already further on stay). Each group's gate applies: if any is unmet nothing moves,
    unless the org dept gives `override_reason` (recorded on every group moved past an unmet gate).
    Asking for the stage the cycle is in changes nothing. A cycle without groups moves on its own.
    Access is the caller's job (access.check_set_up_cycles)."""
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage == target:
        return cycle
    _check_step(
        cycle.stage, target, _("A cycle moves one stage at a time: from “%(current)s” the next stage is “%(next)s”.")
    )
    reason = _clean_reason(override_reason)
    behind = list(
        ReviewGroup.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, stage=cycle.stage)
        .select_related("reviewer")
    )
    checked = [(group, gates.unmet(target, group_facts(group))) for group in behind]
    blocked = [(group, unmet) for group, unmet in checked if unmet]
    if blocked and not reason:
        raise ValidationError([_refusal(group, unmet, with_name=True) for group, unmet in blocked])
    for group, unmet in blocked:
        _check_override(actor, unmet, reason, group, with_name=True)
    if not behind:
        _set_cycle_stage(actor, cycle, target, ip)
        return cycle
    for group, unmet in checked:
        _move(actor, group, target, unmet, reason, ip)
    _sync_cycle_stage(actor, cycle, ip)
    return cycle


def overrides(group: ReviewGroup) -> list[GroupStageChange]:
    """The group's moves past an unmet gate, with their reasons (for its page)."""
    return list(group.stage_changes.exclude(override_reason="").select_related("moved_by"))


def stage_changes(group: ReviewGroup) -> list[GroupStageChange]:
    return list(group.stage_changes.select_related("moved_by__person"))
