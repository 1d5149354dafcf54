"""Who may see and act on which organisations — decided here and nowhere else.

Pages, exports, API endpoints and commands use these functions and never filter by organisation
themselves. Four shapes:

- access_<thing>(user, id, ...) -> the object, or Http404 when it is outside the user's scope (so an
  id reveals nothing; a child id is looked up inside its parent, e.g. access_survey(user, meeting_id,
  survey_id));
- check_<right>(user, obj) -> None, or PermissionDenied (403) for an object the user sees but may not
  act on;
- can_<right>(user, obj) -> bool, for pages deciding what to show;
- visible_<things>(user) -> the queryset of what the user may read (lists, counts, the work list).

Services state in their docstrings which of these their caller must have called.

Roles follow from current positions (scope_for); the rights, as the product gives them (PRODUCT.md):

| right                                                   | 组织统战部 | 党委委员            | 党总支 leaders      | 党支部 secretary |
|---------------------------------------------------------|------------|---------------------|---------------------|------------------|
| see organisations, people, positions                    | all        | all                 | own + its 党支部     | own              |
| see cycles, reviews, reports, meetings, closed results  | all        | all                 | those they review   | their own        |
| manage the tree, people, positions, import, accounts    | yes        | —                   | —                   | —                |
| read the audit log                                      | yes        | —                   | —                   | —                |
| set up the cycle: open it, its stages, last year's      | yes        | —                   | —                   | —                |
|   problems, the quality check's rules, its ballot form  |            |                     |                     |                  |
| run a review meeting: schedule it, its agenda, the      | any        | the committee's     | their 党总支's       | —                |
|   presenter screen, comments, the vote (codes, open/    |            |                     |                     |                  |
|   close, paper entry, rehearsals, ballot design)        |            |                     |                     |                  |
| vet a duty report (审核: pass or return)                | any        | those the committee | their 党支部'        | —                |
|                                                         |            | reviews             |                     |                  |
| decide the grades (研究决定, the coming grading stage)     | —          | those the committee | their 党支部'        | —                |
|                                                         |            | reviews             |                     |                  |
| prepare and write the duty report                       | —          | —                   | —                   | their own        |

("the committee's": the meetings and reports whose reviewer is the 党委, i.e. of the 党总支 and 直属党支部
secretaries. A 党总支 secretary who is also a committee member has both columns.) Superusers count as
the org dept. Nobody vets their own report.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from shuzhi.orgs.models import Organization, OrgKind, Person, Position, PositionRole


class Role(enum.StrEnum):
    ORG_DEPT = "org_dept"
    COMMITTEE = "committee"
    GENERAL_BRANCH = "general_branch"
    BRANCH = "branch"


@dataclass(frozen=True)
class Scope:
    roles: frozenset[Role]
    sees_all: bool
    org_ids: frozenset[int]
    can_manage: bool
    # Organisations where the user holds a current position themselves (not their branches).
    position_org_ids: frozenset[int] = frozenset()
    person_id: int | None = None
    # Of those, where the position is a leadership one (any but org-dept staff).
    leader_org_ids: frozenset[int] = frozenset()

    @property
    def is_anonymous(self) -> bool:
        return not self.roles


_EMPTY = Scope(roles=frozenset(), sees_all=False, org_ids=frozenset(), can_manage=False)
_CACHE_ATTR = "_shuzhi_scope"


def scope_for(user) -> Scope:
    """The user's roles and visible organisations, from their current positions.

    Cached on the user object for the length of one request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles: set[Role] = set()
    org_ids: set[int] = set()
    position_org_ids: set[int] = set()
    leader_org_ids: set[int] = set()
    if user.is_superuser:
        roles.add(Role.ORG_DEPT)
    positions = (
        Position.objects.current()
        .filter(person__user=user, person__is_active=True, organization__is_active=True)
        .select_related("organization")
    )
    general_branch_ids: list[int] = []
    for position in positions:
        org = position.organization
        if position.role == PositionRole.ORG_DEPT_STAFF:
            roles.add(Role.ORG_DEPT)
        elif org.kind == OrgKind.COMMITTEE:
            roles.add(Role.COMMITTEE)
        elif org.kind == OrgKind.GENERAL_BRANCH:
            roles.add(Role.GENERAL_BRANCH)
            general_branch_ids.append(org.pk)
        else:
            roles.add(Role.BRANCH)
        org_ids.add(org.pk)
        position_org_ids.add(org.pk)
        if position.role != PositionRole.ORG_DEPT_STAFF:
            leader_org_ids.add(org.pk)
    if general_branch_ids:
        org_ids.update(Organization.objects.filter(parent_id__in=general_branch_ids).values_list("pk", flat=True))
    sees_all = bool(roles & {Role.ORG_DEPT, Role.COMMITTEE})
    person = getattr(user, "person", None)
    scope = Scope(
        roles=frozenset(roles),
        sees_all=sees_all,
        org_ids=frozenset(org_ids),
        can_manage=Role.ORG_DEPT in roles,
        position_org_ids=frozenset(position_org_ids),
        person_id=person.pk if person and person.is_active else None,
        leader_org_ids=frozenset(leader_org_ids),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's own positions changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def visible_organizations(user) -> QuerySet[Organization]:
    scope = scope_for(user)
    qs = Organization.objects.all()
    return qs if scope.sees_all else qs.filter(pk__in=scope.org_ids)


def visible_people(user) -> QuerySet[Person]:
    """People who hold or held a position in a visible organisation (everyone, for the org dept)."""
    scope = scope_for(user)
    if scope.sees_all:
        return Person.objects.all()
    return Person.objects.filter(positions__organization_id__in=scope.org_ids).distinct()


def visible_positions(user) -> QuerySet[Position]:
    scope = scope_for(user)
    qs = Position.objects.all()
    return qs if scope.sees_all else qs.filter(organization_id__in=scope.org_ids)


def can_manage(user) -> bool:
    """Whether the user may change the tree, people, positions and accounts, and import them: the org dept."""
    return scope_for(user).can_manage


def can_read_audit(user) -> bool:
    """The audit log: the org dept."""
    return scope_for(user).can_manage


def can_set_up_cycles(user) -> bool:
    """Open a year's cycle, change its dates and key content, move it stage by stage, enter or import last
    year's problems, edit the quality check's rules and the cycle's ballot form: the org dept. (The
    committee runs its meeting and decides; it does not set the year up.)"""
    return scope_for(user).can_manage


def check_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied


def check_set_up_cycles(user) -> None:
    if not can_set_up_cycles(user):
        raise PermissionDenied


def _get(qs: QuerySet, pk: object, *, manage: bool, for_update: bool, user):
    try:
        pk = int(pk)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise Http404 from None
    try:
        obj = qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None
    if manage:
        check_manage(user)
    if for_update:
        obj = qs.model.objects.select_for_update().get(pk=pk)
    return obj


def access_organization(user, org_id: object, *, manage: bool = False, for_update: bool = False) -> Organization:
    """The organisation if the user may see it (and manage it, when manage=True); else 404/403.

    for_update=True must be called inside a transaction."""
    return _get(visible_organizations(user), org_id, manage=manage, for_update=for_update, user=user)


def access_person(user, person_id: object, *, manage: bool = False, for_update: bool = False) -> Person:
    return _get(visible_people(user), person_id, manage=manage, for_update=for_update, user=user)


def access_position(user, position_id: object, *, manage: bool = False, for_update: bool = False) -> Position:
    return _get(
        visible_positions(user).select_related("person", "organization"),
        position_id,
        manage=manage,
        for_update=for_update,
        user=user,
    )


# --- Reviews and duty reports ---------------------------------------------------------------------


def visible_reviews(user) -> QuerySet:
    """Reviews the user may read: their own, those their organisation runs as reviewer, or all
    (org dept and committee)."""
    from django.db.models import Q

    from shuzhi.cycles.models import Review

    scope = scope_for(user)
    qs = Review.objects.all()
    if scope.sees_all:
        return qs
    mine = Q(secretary_id=scope.person_id) if scope.person_id else Q(pk__in=[])
    return qs.filter(mine | Q(reviewer_id__in=scope.position_org_ids))


def access_review(user, review_id: object, *, for_update: bool = False):
    """The Review if the user may read it, else 404. for_update=True must be inside a transaction."""
    return _get(
        visible_reviews(user).select_related("cycle", "group", "organization", "secretary", "reviewer"),
        review_id,
        manage=False,
        for_update=for_update,
        user=user,
    )


def access_review_result(user, review_id: object):
    """(the Review, its current stored vote result or None before its vote has closed) for those who
    may read the Review: its own secretary, the reviewing organisation's leaders, the org dept and the
    committee. Anyone else — another secretary — gets 404, whatever the id."""
    from shuzhi.voting.results import current_result

    review = access_review(user, review_id)
    return review, current_result(review.pk)


def is_review_secretary(user, review) -> bool:
    scope = scope_for(user)
    return scope.person_id is not None and review.secretary_id == scope.person_id


def can_vet_review(user, review) -> bool:
    """Vet the report (审核: pass or return it): the org dept, or a leader of the reviewing organisation
    (for the 党委 as reviewer: committee members)."""
    scope = scope_for(user)
    if scope.can_manage:
        return True
    return review.reviewer_id in scope.position_org_ids and not is_review_secretary(user, review)


def vettable_reviews(user) -> QuerySet:
    """The Reviews whose report the user may vet (can_vet_review as a queryset): all for the org dept;
    else those their organisation reviews, never their own."""
    from shuzhi.cycles.models import Review

    scope = scope_for(user)
    if scope.can_manage:
        return Review.objects.all()
    qs = Review.objects.filter(reviewer_id__in=scope.position_org_ids)
    return qs.exclude(secretary_id=scope.person_id) if scope.person_id else qs


def my_reviews(user) -> QuerySet:
    """The Reviews in which the user is the secretary (is_review_secretary as a queryset)."""
    from shuzhi.cycles.models import Review

    person_id = scope_for(user).person_id
    return Review.objects.filter(secretary_id=person_id) if person_id else Review.objects.none()


def check_review_secretary(user, review) -> None:
    if not is_review_secretary(user, review):
        raise PermissionDenied


def check_vetter(user, review) -> None:
    if not can_vet_review(user, review):
        raise PermissionDenied


# --- Review meetings and their votes --------------------------------------------------------------


def visible_meetings(user) -> QuerySet:
    """Meetings the user may see: all for the org dept and committee; a 党总支's leaders, their own."""
    from shuzhi.meetings.models import Meeting

    scope = scope_for(user)
    if scope.sees_all:
        return Meeting.objects.all()
    return Meeting.objects.filter(reviewer_id__in=scope.position_org_ids)


def access_meeting(user, meeting_id: object, *, for_update: bool = False):
    return _get(
        visible_meetings(user).select_related("cycle", "reviewer"),
        meeting_id,
        manage=False,
        for_update=for_update,
        user=user,
    )


def can_run_meeting(user, meeting) -> bool:
    """Schedule, change the agenda, issue codes, open and close the vote: the org dept, or the
    reviewing organisation's leaders (for the 党委: committee members)."""
    scope = scope_for(user)
    return scope.can_manage or meeting.reviewer_id in scope.position_org_ids


def runnable_meetings(user) -> QuerySet:
    """The meetings the user may run (can_run_meeting as a queryset)."""
    from shuzhi.meetings.models import Meeting

    scope = scope_for(user)
    return Meeting.objects.all() if scope.can_manage else Meeting.objects.filter(reviewer_id__in=scope.position_org_ids)


def can_comment(user, meeting) -> bool:
    """Comments come from the reviewing organisation's leadership (and the org dept records them)."""
    return can_run_meeting(user, meeting)


def check_run_meeting(user, meeting) -> None:
    if not can_run_meeting(user, meeting):
        raise PermissionDenied


def check_comment(user, meeting) -> None:
    if not can_comment(user, meeting):
        raise PermissionDenied


def can_decide_grades(user, reviewer: Organization) -> bool:
    """Decide the grades of the secretaries `reviewer` reviews (党委研究决定; the grading stage calls
    this): a leader of the reviewing organisation — for the 党委, its members. Not the org dept as such:
    it aggregates the results and drafts the opinions, the committee decides (PRODUCT.md §7). Holding
    only an org-dept staff position at the 党委 does not make one of its leaders."""
    scope = scope_for(user)
    return reviewer.pk in scope.leader_org_ids


def meeting_reviewers(user) -> list[Organization]:
    """The organisations whose review meetings the user may schedule: the committee and every general
    branch for the org dept; the committee for its members; a general branch for its leaders."""
    from shuzhi.meetings.models import Meeting

    orgs = visible_organizations(user).filter(kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH], is_active=True)
    return [org for org in orgs.order_by("kind", "sort_order", "name") if can_run_meeting(user, Meeting(reviewer=org))]


# --- Cycles ---------------------------------------------------------------------------------------


def visible_cycles(user) -> QuerySet:
    """Cycles the user takes part in: all for the org dept and committee; otherwise those in which the
    user can see at least one Review (their own, or ones their organisation reviews)."""
    from shuzhi.cycles.models import ReviewCycle

    scope = scope_for(user)
    if scope.sees_all:
        return ReviewCycle.objects.all()
    if scope.is_anonymous:
        return ReviewCycle.objects.none()
    return ReviewCycle.objects.filter(pk__in=visible_reviews(user).values("cycle_id"))


def access_cycle(user, cycle_id: object, *, set_up: bool = False, for_update: bool = False):
    """The cycle if the user takes part in it (404 otherwise), and may set it up, when set_up=True (403)."""
    cycle = _get(visible_cycles(user), cycle_id, manage=False, for_update=for_update, user=user)
    if set_up:
        check_set_up_cycles(user)
    return cycle


# --- Review groups (评议组) --------------------------------------------------------------------------


def visible_groups(user) -> QuerySet:
    """The review groups of the Reviews the user may read (all for the org dept and committee)."""
    from shuzhi.cycles.models import ReviewGroup

    if scope_for(user).sees_all:
        return ReviewGroup.objects.all()
    return ReviewGroup.objects.filter(pk__in=visible_reviews(user).values("group_id"))


def access_group(user, group_id: object):
    return _get(
        visible_groups(user).select_related("cycle", "reviewer"), group_id, manage=False, for_update=False, user=user
    )


def can_move_group(user, group) -> bool:
    """Move a review group to its next stage: the org dept (any group), or a leader of the reviewing
    organisation (its own group; for the 党委's group, committee members). A 党总支's leaders do not move
    the committee's group nor another 党总支's."""
    scope = scope_for(user)
    return scope.can_manage or group.reviewer_id in scope.leader_org_ids


def can_override_gate(user) -> bool:
    """Move a group on before its gate is met, with a recorded reason: the org dept."""
    return can_set_up_cycles(user)


def access_survey(user, meeting_id: object, survey_id: object, *, run: bool = False):
    """The meeting's survey (vote or rehearsal) if the user may see the meeting (and run it, when
    run=True); a survey of another meeting is missing (404)."""
    from shuzhi.voting.models import Survey

    meeting = access_meeting(user, meeting_id)
    if run:
        check_run_meeting(user, meeting)
    survey = _get(Survey.objects.filter(meeting=meeting), survey_id, manage=False, for_update=False, user=user)
    survey.meeting = meeting
    return survey


# --- What sits inside a Review or a cycle ---------------------------------------------------------


def access_preparation_item(user, item_id: object, *, review=None):
    """A preparation record (调研, 意见建议, 查摆问题) of a Review the user may read, else 404. With
    `review` (got through access_review): an item of another Review is missing too."""
    from shuzhi.cycles.models import PreparationItem

    items = (
        review.preparation_items.all()
        if review is not None
        else PreparationItem.objects.filter(review__in=visible_reviews(user))
    )
    return _get(
        items.select_related("review__cycle", "review__organization", "review__secretary"),
        item_id,
        manage=False,
        for_update=False,
        user=user,
    )


def visible_prior_problems(user, cycle) -> QuerySet:
    """Last year's problems (上年度问题) the cycle's secretaries answer, of the organisations the user sees
    (all of them, for the org dept); withdrawn ones included."""
    from shuzhi.cycles.models import PriorProblem

    return PriorProblem.objects.filter(year=cycle.year - 1, organization__in=visible_organizations(user))


def access_prior_problem(user, cycle, problem_id: object, *, set_up: bool = False):
    """One of last year's problems of this cycle (got through access_cycle) if the user sees its
    organisation, else 404; set_up=True: and may set the cycle up (403)."""
    if set_up:
        check_set_up_cycles(user)
    return _get(
        visible_prior_problems(user, cycle).select_related("organization"),
        problem_id,
        manage=False,
        for_update=False,
        user=user,
    )


# --- Attachments (evidence files) -------------------------------------------------------------------
#
# An attachment is visible exactly when the record it is attached to is: a preparation item's files to
# whoever may read its Review (visible_reviews: the org dept and the committee all, a reviewing
# organisation's leaders those they review, a secretary their own), so the rule follows the Review and
# not merely the organisation (a 党支部's 委员 sees the organisation, not its secretary's Review). A file
# not yet attached to anything: its uploader, and those who see everything. Files of an owner kind no
# rule names here: only those who see everything (the later stages add their kind's rule). Anything
# else is missing (404). Withdrawing follows the owner's editor: a preparation item's secretary. A daily
# check's files: whoever may read the check (visible_checks); changed by its recorder while a draft.


def visible_attachments(user) -> QuerySet:
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from shuzhi.attachments.models import Attachment
    from shuzhi.cycles.models import PreparationItem

    scope = scope_for(user)
    if scope.sees_all:
        return Attachment.objects.all()
    if scope.is_anonymous:
        return Attachment.objects.none()
    from shuzhi.assessment.models import Check

    items = PreparationItem.objects.filter(review__in=visible_reviews(user)).values("pk")
    return Attachment.objects.filter(
        Q(owner_type=ContentType.objects.get_for_model(PreparationItem), owner_id__in=items)
        | Q(owner_type=ContentType.objects.get_for_model(Check), owner_id__in=visible_checks(user).values("pk"))
        | Q(owner_type__isnull=True, uploaded_by_id=user.pk)
    )


def access_attachment(user, attachment_id: object, *, for_update: bool = False):
    """The attachment if the user may see the record it belongs to (see above), else 404."""
    return _get(
        visible_attachments(user).select_related("organization", "uploaded_by", "withdrawn_by"),
        attachment_id,
        manage=False,
        for_update=for_update,
        user=user,
    )


def can_change_attachments_of(user, owner) -> bool:
    """Attach files to `owner`, and withdraw them: a preparation item's Review secretary; an unattached
    file's uploader. (Whether the owner still takes changes is the services' rule.)"""
    from shuzhi.assessment.models import Check
    from shuzhi.cycles.models import PreparationItem

    if isinstance(owner, PreparationItem):
        return is_review_secretary(user, owner.review)
    if isinstance(owner, Check):
        return can_edit_check(user, owner)
    return False


def can_withdraw_attachment(user, attachment) -> bool:
    if attachment.owner_type_id is None:
        return attachment.uploaded_by_id == getattr(user, "pk", None)
    return can_change_attachments_of(user, attachment.owner)


def check_change_attachments_of(user, owner) -> None:
    if not can_change_attachments_of(user, owner):
        raise PermissionDenied


def check_withdraw_attachment(user, attachment) -> None:
    if not can_withdraw_attachment(user, attachment):
        raise PermissionDenied


# --- Daily assessment (日常考核) ------------------------------------------------------------------------
#
# Who may inspect (record a check against an organisation in a cycle): the org dept, any organisation
# under review in the cycle; a leader of a 党总支, its own 党支部 (the Reviews it reviews); a committee
# member the org dept named inspector for the cycle (assessment.Inspector), the organisations the
# committee reviews (党总支 and 直属党支部). Nobody checks their own organisation's Review, and nobody records
# checks in an archived cycle.
# Who sees checks: a recorded or withdrawn check follows its organisation's Review (visible_reviews: the
# org dept and the committee all, a reviewing organisation's leaders theirs, the checked secretary their
# own); a draft only its recorder. The checked organisation never uploads anything: a check's files
# belong to its recorder's draft.


def is_named_inspector(user, cycle) -> bool:
    from shuzhi.assessment.models import Inspector

    scope = scope_for(user)
    if scope.person_id is None or Role.COMMITTEE not in scope.roles:
        return False
    return Inspector.objects.filter(cycle=cycle, person_id=scope.person_id, removed_at__isnull=True).exists()


def inspectable_reviews(user, cycle) -> QuerySet:
    """The Reviews of the cycle whose organisation the user may check (see above)."""
    from django.db.models import Q

    from shuzhi.cycles.models import Review
    from shuzhi.cycles.stages import Stage

    scope = scope_for(user)
    if cycle.stage == Stage.ARCHIVED:  # the year is closed: no more checks
        return Review.objects.none()
    reviews = Review.objects.filter(cycle=cycle)
    if scope.can_manage:
        return reviews
    remit = Q(reviewer_id__in=scope.leader_org_ids, reviewer__kind=OrgKind.GENERAL_BRANCH)
    if is_named_inspector(user, cycle):
        remit |= Q(reviewer__kind=OrgKind.COMMITTEE)
    reviews = reviews.filter(remit)
    return reviews.exclude(secretary_id=scope.person_id) if scope.person_id else reviews


def can_inspect_in(user, cycle) -> bool:
    """Whether the user may record checks in the cycle at all (the check form's link)."""
    return inspectable_reviews(user, cycle).exists()


def can_inspect(user, cycle, organization) -> bool:
    return inspectable_reviews(user, cycle).filter(organization=organization).exists()


def check_inspect(user, cycle, organization) -> None:
    """403 unless the user may record a check of `organization` (one they see) in the cycle."""
    if not can_inspect(user, cycle, organization):
        raise PermissionDenied


def can_set_up_assessment(user) -> bool:
    """The cycle's indicators, scoring rule and inspectors, and the method-share page: the org dept."""
    return scope_for(user).can_manage


def check_set_up_assessment(user) -> None:
    if not can_set_up_assessment(user):
        raise PermissionDenied


def visible_checks(user) -> QuerySet:
    """Checks the user may read (see above): recorded and withdrawn ones of the Reviews they read, and
    their own drafts."""
    from django.db.models import Exists, OuterRef, Q

    from shuzhi.assessment.models import Check, CheckStatus

    scope = scope_for(user)
    if scope.is_anonymous:
        return Check.objects.none()
    own_drafts = Q(status=CheckStatus.DRAFT, recorded_by_id=user.pk)
    if scope.sees_all:
        return Check.objects.filter(~Q(status=CheckStatus.DRAFT) | own_drafts)
    reviews = visible_reviews(user).filter(cycle_id=OuterRef("cycle_id"), organization_id=OuterRef("organization_id"))
    return Check.objects.filter((~Q(status=CheckStatus.DRAFT) & Exists(reviews)) | own_drafts)


def access_check(user, check_id: object, *, for_update: bool = False):
    """The check if the user may read it, else 404 (another organisation's check, another's draft)."""
    return _get(
        visible_checks(user).select_related("cycle", "organization", "recorded_by", "withdrawn_by"),
        check_id,
        manage=False,
        for_update=for_update,
        user=user,
    )


def can_edit_check(user, check) -> bool:
    """Change a draft check (and its files), and record it: its recorder, while still in remit."""
    return check.is_draft and check.recorded_by_id == user.pk and can_inspect(user, check.cycle, check.organization)


def check_edit_check(user, check) -> None:
    if not can_edit_check(user, check):
        raise PermissionDenied


def can_withdraw_check(user, check) -> bool:
    """Withdraw a check (with a reason; it stays on record): its recorder, or the org dept."""
    from shuzhi.assessment.models import CheckStatus

    if check.status == CheckStatus.WITHDRAWN:
        return False
    return check.recorded_by_id == user.pk or scope_for(user).can_manage


def check_withdraw_check(user, check) -> None:
    if not can_withdraw_check(user, check):
        raise PermissionDenied


# --- The comprehensive evaluation (综合评价: scheme, grading, breakdown, opinion) ------------------------


def can_grade_group(user, group) -> bool:
    """Grade a review group (propose, change a grade with a reason, the reviewer's scores, submit) and
    write its secretaries' evaluation opinions: the org dept (any group), or a leader of the reviewing
    organisation (for the committee's group, its members; for a 党总支's group, that 党总支's leaders)."""
    scope = scope_for(user)
    return scope.can_manage or group.reviewer_id in scope.leader_org_ids


def check_grade_group(user, group) -> None:
    if not can_grade_group(user, group):
        raise PermissionDenied


def can_reopen_grading(user) -> bool:
    """Reopen a submitted grading, with a reason: the org dept only."""
    return scope_for(user).can_manage


def check_reopen_grading(user) -> None:
    if not can_reopen_grading(user):
        raise PermissionDenied


def can_read_grading(user, group) -> bool:
    """Read a group's grading page (every Review's components, composite and grade): its graders, the
    org dept and the committee. A secretary whose Review is in the group sees the group, not its grading."""
    scope = scope_for(user)
    return can_grade_group(user, group) or Role.COMMITTEE in scope.roles


def access_grading_group(user, group_id: object):
    """The review group for its grading page: 404 outside the user's scope (access_group), 403 for one
    they see but whose grading is not theirs to read (can_read_grading)."""
    group = access_group(user, group_id)
    if not can_read_grading(user, group):
        raise PermissionDenied
    return group


def access_evaluation(user, review_id: object):
    """A Review's evaluation (its composite breakdown and opinion): 404 for a Review the user may not
    read — another secretary's, whatever the id — and 403 for one they read but whose evaluation is
    not theirs (the secretary's own: her feedback comes with the decision)."""
    review = access_review(user, review_id)
    if is_review_secretary(user, review) or not can_read_grading(user, review.group):
        raise PermissionDenied
    return review


def gradable_groups(user) -> QuerySet:
    """The review groups the user may grade (can_grade_group as a queryset)."""
    from shuzhi.cycles.models import ReviewGroup

    scope = scope_for(user)
    if scope.can_manage:
        return ReviewGroup.objects.all()
    return ReviewGroup.objects.filter(reviewer_id__in=scope.leader_org_ids)
