"""Every change of the comprehensive evaluation: the cycle's scheme, a group's grading (propose, change a
grade with a reason, the reviewer's scores, submit, reopen). Saving an opinion: opinion.save_opinion.

Each function runs in one transaction with the grading row locked (select_for_update), writes an audit
event, and is a no-op when what it asks for already holds (a double click changes nothing twice).
Changes to a group carry `base_version`, the GroupGrading.version the user's page showed: a change
based on an older version (someone else changed the group meanwhile) is refused with Conflict, so the
page can show what changed while keeping what the user typed. Submitting re-counts the grades under the
lock, so a group over the 好 cap is refused whatever happened in between.

Access: actors given as accounts are checked here (access.can_grade_group, can_reopen_grading,
check_set_up_cycles); the caller looked the group or Review up through shuzhi.orgs.access. Actors given
as a string (commands, the demo) are the system and are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit.services import record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.cycles import groups as cycle_groups
from shuzhi.cycles.models import Review, ReviewCycle, ReviewGroup
from shuzhi.cycles.stages import Stage
from shuzhi.evaluation import components, proposal, scoring
from shuzhi.evaluation.models import (
    ChangeField,
    GradeChange,
    GradingStatus,
    GroupGrading,
    ReviewGrade,
    Scheme,
)
from shuzhi.orgs import access

REASON_MAX = 500
REOPEN_REASON_MAX = 200
JUSTIFICATION_MAX = 1000
GRADING_STAGES = (Stage.EVALUATION, Stage.DECISION)


class Conflict(ValidationError):
    """The group (or opinion) changed since the user's page was loaded."""


def is_account(actor) -> bool:
    """An account (checked for its rights), not the system named by a string."""
    return getattr(actor, "is_authenticated", False) is True


def stripped(text: str) -> str:
    return (text or "").strip()


# --- The scheme -----------------------------------------------------------------------------------


def scheme_for(cycle: ReviewCycle) -> Scheme:
    """The cycle's scheme, or the defaults (unsaved) when the org dept has not set one."""
    scheme = Scheme.objects.filter(cycle=cycle).first() or Scheme.defaults(cycle)
    scheme.cycle = cycle
    return scheme


def grading_started(cycle: ReviewCycle) -> bool:
    """Whether any group of the cycle has grades proposed or set (after which the scheme is fixed)."""
    return ReviewGrade.objects.filter(review__cycle=cycle).exclude(proposed="", grade="").exists() or (
        GroupGrading.objects.filter(group__cycle=cycle, proposed_at__isnull=False).exists()
    )


@dataclass(frozen=True)
class SchemeInput:
    weight_vote: Decimal
    weight_daily: Decimal
    weight_reviewer: Decimal
    missing_rule: str
    good_share: Decimal
    rounding: str
    low_share: Decimal
    low_min_people: int
    poor_below: Decimal | None


SCHEME_FIELDS = [
    "weight_vote",
    "weight_daily",
    "weight_reviewer",
    "missing_rule",
    "good_share",
    "rounding",
    "low_share",
    "low_min_people",
    "poor_below",
]


def scheme_problems(data: SchemeInput) -> dict[str, str]:
    problems = {}
    weights = scoring.Weights(data.weight_vote, data.weight_daily, data.weight_reviewer)
    if problem := scoring.weights_problem(weights):
        problems["weight_vote"] = problem
    if data.missing_rule not in {r.value for r in scoring.MissingRule}:
        problems["missing_rule"] = _("Choose what a missing component does.")
    if data.rounding not in {r.value for r in proposal.Rounding}:
        problems["rounding"] = _("Choose how counts are rounded.")
        return problems
    quotas = proposal.Quotas(
        data.good_share, proposal.Rounding(data.rounding), data.low_share, data.low_min_people, data.poor_below
    )
    if problem := proposal.quotas_problem(quotas):
        problems["good_share"] = problem
    return problems


@transaction.atomic
def save_scheme(actor, cycle: ReviewCycle, data: SchemeInput, *, ip: str | None = None) -> Scheme:
    """Set the cycle's scheme. Refused (ValidationError, Chinese) when the weights do not add up to 100 or
    a quota is out of range, and once grading has started in any of the cycle's groups."""
    if is_account(actor):
        access.check_set_up_cycles(actor)
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if problems := scheme_problems(data):
        raise ValidationError(problems)
    scheme = Scheme.objects.select_for_update().filter(cycle=cycle).first()
    values = {f: getattr(data, f) for f in SCHEME_FIELDS}
    if scheme is not None and all(getattr(scheme, f) == v for f, v in values.items()):
        return scheme
    if grading_started(cycle):
        raise ValidationError(
            _(
                "Grading has started in this cycle, so its scoring scheme can no longer change (every group would be "
                "graded under different rules)."
            )
        )
    before = snapshot(scheme, SCHEME_FIELDS) if scheme else {}
    if scheme is None:
        scheme = Scheme(cycle=cycle)
    for field, value in values.items():
        setattr(scheme, field, value)
    scheme.updated_by = actor if is_account(actor) else None
    scheme.save()
    record(actor, Verb.SCHEME_SAVED, scheme, before=before, after=snapshot(scheme, SCHEME_FIELDS), ip=ip)
    return scheme


# --- A group's grading ---------------------------------------------------------------------------


def grading_of(group: ReviewGroup) -> GroupGrading:
    """The group's grading (an unsaved draft when nothing was done yet)."""
    return GroupGrading.objects.filter(group=group).first() or GroupGrading(group=group)


def _locked_grading(group: ReviewGroup) -> GroupGrading:
    grading, _created = GroupGrading.objects.get_or_create(group=group)
    return GroupGrading.objects.select_for_update().select_related("group__reviewer", "group__cycle").get(pk=grading.pk)


def grading_problem(group: ReviewGroup) -> str | None:
    """Why the group cannot be graded now (Chinese), or None: its stage, or a vote still open."""
    facts = cycle_groups.group_facts(group)
    if facts.open_votes:
        return _(
            "%(n)d votes of this group's review meetings are still open: grades are given only once every vote "
            "has closed."
        ) % {"n": facts.open_votes}
    if group.stage not in GRADING_STAGES:
        return _("Grades are given in the “%(stage)s” stage; this group is in the “%(current)s” stage.") % {
            "stage": Stage.EVALUATION.label,
            "current": Stage(group.stage).label,
        }
    return None


def check_grader(actor, group: ReviewGroup) -> None:
    """PermissionDenied unless the account may grade the group (access.can_grade_group)."""
    if is_account(actor) and not access.can_grade_group(actor, group):
        raise PermissionDenied


def _check_open(grading: GroupGrading) -> None:
    if grading.is_submitted:
        raise ValidationError(
            _("This group's grading has been submitted and is locked; the organisation department can reopen it.")
        )
    if problem := grading_problem(grading.group):
        raise ValidationError(problem)


def _check_version(grading: GroupGrading, base_version: int | None) -> None:
    if base_version is not None and base_version != grading.version:
        raise Conflict(
            _(
                "Someone else changed this group's grading while you were editing (version %(theirs)d, your page "
                "showed %(yours)d). Your change was not saved; what you typed is kept below — check the current "
                "grades and save again."
            )
            % {"theirs": grading.version, "yours": base_version}
        )


def _bump(grading: GroupGrading) -> None:
    grading.version += 1
    grading.save()


@transaction.atomic
def propose(actor, group: ReviewGroup, *, base_version: int | None = None, ip: str | None = None) -> GroupGrading:
    """Store the grade proposal for the group from the current composites under the cycle's quotas.
    A grade nobody changed by hand follows the proposal; a grade changed by hand stays. Re-proposing
    while the group is a draft (e.g. after the reviewer's scores are in) is allowed."""
    check_grader(actor, group)
    grading = _locked_grading(group)
    _check_open(grading)
    scheme = scheme_for(grading.group.cycle)
    reviews = components.group_reviews(grading.group)
    rows = components.rows(reviews, scheme)
    result = proposal.propose([proposal.Candidate(r.review.pk, r.breakdown.composite) for r in rows], scheme.quotas)
    hand_changed = set(
        GradeChange.objects.filter(
            review_grade__grading=grading, field=ChangeField.GRADE, is_proposal=False
        ).values_list("review_grade__review_id", flat=True)
    )
    planned = []
    for row in rows:
        proposed = result.grades[row.review.pk]
        grade = row.grade or ReviewGrade(review=row.review, grading=grading)
        new = {
            "proposed": proposed.value if proposed else "",
            "proposed_composite": row.breakdown.composite,
            "proposed_tie": result.tie_of(row.review.pk) is not None,
        }
        follow = row.review.pk not in hand_changed
        new_grade = new["proposed"] if follow else grade.grade
        if grade.pk and all(getattr(grade, k) == v for k, v in new.items()) and grade.grade == new_grade:
            continue
        planned.append((grade, new, new_grade))
    if not planned and grading.proposed_at is not None:
        return grading
    _check_version(grading, base_version)
    for grade, new, new_grade in planned:
        old_grade = grade.grade
        for k, v in new.items():
            setattr(grade, k, v)
        grade.grade = new_grade
        grade.grading = grading
        grade.save()
        if old_grade != new_grade:
            GradeChange.objects.create(
                review_grade=grade,
                field=ChangeField.GRADE,
                old=old_grade,
                new=new_grade,
                is_proposal=True,
                changed_by=actor if is_account(actor) else None,
            )
    grading.proposed_at = timezone.now()
    grading.proposed_by = actor if is_account(actor) else None
    _bump(grading)
    status = proposal.quota_status([result.grades[r.review.pk] for r in rows], scheme.quotas)
    record(
        actor,
        Verb.GRADES_PROPOSED,
        grading,
        after={
            "grades": {r.review.organization.name: result.grades[r.review.pk] or "" for r in rows},
            "ties": [t.statement() for t in result.ties],
            "quotas": status.statements(),
        },
        organization_id=group.reviewer_id,
        ip=ip,
    )
    return grading


def _grade_row(grading: GroupGrading, review: Review) -> ReviewGrade:
    if review.group_id != grading.group_id:
        raise ValidationError(_("This Review is not in this group."))
    grade, _created = ReviewGrade.objects.get_or_create(review=review, defaults={"grading": grading})
    return ReviewGrade.objects.select_for_update().get(pk=grade.pk)


@transaction.atomic
def change_grade(
    actor, review: Review, new_grade: str, reason: str, *, base_version: int | None = None, ip: str | None = None
) -> ReviewGrade:
    """Set the Review's grade, with a written reason (required, at most REASON_MAX characters). Over
    the 好 cap is allowed while editing (the page says so); submitting is not."""
    group = review.group
    check_grader(actor, group)
    if is_account(actor) and access.is_review_secretary(actor, review):
        raise PermissionDenied
    if new_grade not in {g.value for g in proposal.GRADES}:
        raise ValidationError({"grade": _("Choose one of “Good”, “Fairly good”, “Average” and “Poor”.")})
    reason = stripped(reason)
    grading = _locked_grading(group)
    _check_open(grading)
    grade = _grade_row(grading, review)
    if grade.grade == new_grade:
        return grade
    if not reason:
        raise ValidationError({"reason": _("Write why the grade changes; every change is kept with its reason.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": REASON_MAX}})
    _check_version(grading, base_version)
    old = grade.grade
    grade.grade = new_grade
    grade.save()
    GradeChange.objects.create(
        review_grade=grade,
        field=ChangeField.GRADE,
        old=old,
        new=new_grade,
        reason=reason,
        changed_by=actor if is_account(actor) else None,
    )
    _bump(grading)
    record(
        actor,
        Verb.GRADE_CHANGED,
        grade,
        before={"grade": old},
        after={"grade": new_grade, "reason": reason},
        organization_id=review.organization_id,
        person_id=review.secretary_id,
        ip=ip,
    )
    return grade


def parse_score(text: str | Decimal | None) -> Decimal | None:
    """A reviewer's score from what was typed: empty → None; else a number 0–100 with ≤ 2 places."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"reviewer_score": _("Enter a number between 0 and 100.")}) from None
    if problem := scoring.score_problem(value):
        raise ValidationError({"reviewer_score": problem})
    return value.quantize(scoring.CENT)


@transaction.atomic
def set_reviewer_score(
    actor, review: Review, score: Decimal | None, *, base_version: int | None = None, ip: str | None = None
) -> ReviewGrade:
    """Set (or clear, None) the reviewing body's own score of the report and presentation, 0–100."""
    group = review.group
    check_grader(actor, group)
    if is_account(actor) and access.is_review_secretary(actor, review):
        raise PermissionDenied
    if score is not None and (problem := scoring.score_problem(score)):
        raise ValidationError({"reviewer_score": problem})
    grading = _locked_grading(group)
    _check_open(grading)
    grade = _grade_row(grading, review)
    if grade.reviewer_score == score:
        return grade
    _check_version(grading, base_version)
    old = grade.reviewer_score
    grade.reviewer_score = score
    grade.save()
    GradeChange.objects.create(
        review_grade=grade,
        field=ChangeField.REVIEWER_SCORE,
        old="" if old is None else str(old),
        new="" if score is None else str(score),
        changed_by=actor if is_account(actor) else None,
    )
    _bump(grading)
    record(
        actor,
        Verb.REVIEWER_SCORE_SET,
        grade,
        before={"reviewer_score": None if old is None else str(old)},
        after={"reviewer_score": None if score is None else str(score)},
        organization_id=review.organization_id,
        person_id=review.secretary_id,
        ip=ip,
    )
    return grade


def current_status(grading: GroupGrading, scheme: Scheme, reviews: list[Review]) -> proposal.QuotaStatus:
    grades = (
        dict(ReviewGrade.objects.filter(review__in=reviews).values_list("review_id", "grade")) if grading.pk else {}
    )
    return proposal.quota_status([grades.get(r.pk, "") for r in reviews], scheme.quotas)


@transaction.atomic
def submit(
    actor, group: ReviewGroup, *, base_version: int | None = None, justification: str = "", ip: str | None = None
) -> GroupGrading:
    """Submit the group's grades, which locks them. Refused while a Review has no grade, while 好 is over
    the cap (counted here, under the lock), and below the minimum share of 一般 and below without a
    written justification."""
    check_grader(actor, group)
    grading = _locked_grading(group)
    if grading.is_submitted:
        return grading
    _check_open(grading)
    _check_version(grading, base_version)
    justification = stripped(justification)
    if len(justification) > JUSTIFICATION_MAX:
        raise ValidationError({"justification": _("At most %(n)d characters.") % {"n": JUSTIFICATION_MAX}})
    scheme = scheme_for(grading.group.cycle)
    reviews = list(Review.objects.filter(group=grading.group))
    status = current_status(grading, scheme, reviews)
    if not reviews:
        raise ValidationError(_("This group has no Reviews to grade."))
    if status.ungraded:
        raise ValidationError(
            _("%(n)d people have no grade yet: give every Review a grade first.") % {"n": status.ungraded}
        )
    if status.over_cap:
        raise ValidationError(
            _(
                "“Good” is given to %(good)d people, over the cap of %(cap)d: the group cannot be submitted. Lower "
                "%(over)d of them first."
            )
            % {"good": status.good, "cap": status.cap, "over": status.good - status.cap}
        )
    if status.below_minimum and not justification:
        raise ValidationError(
            {
                "justification": _(
                    "“Average and below” is %(low)d, under the minimum of %(needed)d: write why, or change the grades."
                )
                % {"low": status.low, "needed": status.low_needed}
            }
        )
    grading.status = GradingStatus.SUBMITTED
    grading.low_justification = justification if status.below_minimum else ""
    grading.submitted_at = timezone.now()
    grading.submitted_by = actor if is_account(actor) else None
    _bump(grading)
    record(
        actor,
        Verb.GRADING_SUBMITTED,
        grading,
        before={"status": GradingStatus.DRAFT},
        after={"status": GradingStatus.SUBMITTED, "quotas": status.statements(), "justification": justification},
        organization_id=group.reviewer_id,
        ip=ip,
    )
    return grading


@transaction.atomic
def reopen(actor, group: ReviewGroup, reason: str, *, ip: str | None = None) -> GroupGrading:
    """Reopen a submitted grading for changes (the org dept, with a reason of at most REOPEN_REASON_MAX)."""
    if is_account(actor):
        access.check_reopen_grading(actor)
    grading = _locked_grading(group)
    if not grading.is_submitted:
        return grading
    reason = stripped(reason)
    if not reason:
        raise ValidationError({"reason": _("Write why the grading is reopened; the reason is kept on record.")})
    if len(reason) > REOPEN_REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": REOPEN_REASON_MAX}})
    grading.status = GradingStatus.DRAFT
    grading.reopened_at = timezone.now()
    grading.reopened_by = actor if is_account(actor) else None
    grading.reopen_reason = reason
    _bump(grading)
    record(
        actor,
        Verb.GRADING_REOPENED,
        grading,
        before={"status": GradingStatus.SUBMITTED},
        after={"status": GradingStatus.DRAFT, "reason": reason},
        organization_id=group.reviewer_id,
        ip=ip,
    )
    return grading
