"""Changing the tree, people and positions. Views, the importer, the API and commands all call these.

Each function runs in one transaction, checks the tree rules (shuzhi.orgs.rules), is a no-op when
asked for the state that already holds (double submits change nothing), and writes an audit record
for every change. Access is the caller's job: look the objects up with shuzhi.orgs.access first.

A change of an organisation's secretary (a 书记 term appointed, ended or cancelled) reaches the yearly
cycle here, explicitly: the function calls shuzhi.cycles.services.sync_secretary() in the same
transaction, with the actor, so the open Review follows and its audit record names who caused it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.accounts.services import forget_login_failures
from shuzhi.audit.services import record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.cycles import services as cycle_services
from shuzhi.orgs import phones, rules
from shuzhi.orgs.models import Gender, Organization, OrgKind, Person, Position, PositionRole

ORG_FIELDS = ["name", "kind", "parent", "is_active", "sort_order"]
PERSON_FIELDS = ["name", "staff_no", "phone", "gender", "is_party_member", "is_active"]
POSITION_FIELDS = ["person", "organization", "role", "start_date", "end_date"]


# --- Organisations ------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter the organisation's name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name can be at most 100 characters.")})
    return name


def _check_parent(kind: str, parent: Organization | None) -> None:
    problem = rules.parent_problem(kind, parent.kind if parent else None)
    if problem:
        raise ValidationError({"parent": problem})
    if parent is not None and not parent.is_active:
        raise ValidationError({"parent": _("The parent organisation %(name)s is deactivated.") % {"name": parent.name}})


def _check_name_free(name: str, exclude_pk: int | None = None) -> None:
    clash = Organization.objects.filter(name=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("An organisation named %(name)s already exists.") % {"name": name}})


@transaction.atomic
def create_organization(
    actor, *, name: str, kind: str, parent: Organization | None, sort_order: int = 0, ip: str | None = None
) -> Organization:
    """Create an organisation. Creating one that already exists exactly as asked returns it unchanged."""
    name = _clean_name(name)
    if kind not in OrgKind.values:
        raise ValidationError({"kind": _("Choose a kind of organisation.")})
    if parent is not None:
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    existing = Organization.objects.filter(name=name).first()
    if (
        existing
        and existing.kind == kind
        and existing.parent_id == (parent.pk if parent else None)
        and existing.is_active
    ):
        return existing
    _check_name_free(name)
    _check_parent(kind, parent)
    if kind == OrgKind.COMMITTEE and Organization.objects.filter(kind=OrgKind.COMMITTEE).exists():
        raise ValidationError({"kind": _("There is already a Party committee; there can be only one.")})
    org = Organization.objects.create(name=name, kind=kind, parent=parent, sort_order=sort_order)
    record(actor, Verb.ORG_CREATED, org, after=snapshot(org, ORG_FIELDS), organization_id=org.pk, ip=ip)
    return org


@transaction.atomic
def update_organization(
    actor, org: Organization, *, name: str, sort_order: int | None = None, ip: str | None = None
) -> Organization:
    """Rename an organisation (and change its position among its siblings)."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    name = _clean_name(name)
    before = snapshot(org, ORG_FIELDS)
    if name != org.name:
        _check_name_free(name, exclude_pk=org.pk)
    org.name = name
    if sort_order is not None:
        org.sort_order = sort_order
    after = snapshot(org, ORG_FIELDS)
    if after != before:
        org.save()
        record(actor, Verb.ORG_CHANGED, org, before=before, after=after, organization_id=org.pk, ip=ip)
    return org


@transaction.atomic
def move_organization(actor, org: Organization, new_parent: Organization, *, ip: str | None = None) -> Organization:
    """Put an organisation under another parent, keeping the tree rules (right kinds, no cycles)."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    if org.parent_id == new_parent.pk:
        return org
    parent_of = dict(Organization.objects.values_list("pk", "parent_id"))
    if rules.creates_cycle(org.pk, new_parent.pk, parent_of):
        raise ValidationError({"parent": _("An organisation cannot be moved under itself or one of its own branches.")})
    _check_parent(org.kind, new_parent)
    before = snapshot(org, ORG_FIELDS)
    org.parent = new_parent
    org.save(update_fields=["parent", "updated_at"])
    record(
        actor,
        Verb.ORG_MOVED,
        org,
        before=before,
        after=snapshot(org, ORG_FIELDS),
        organization_id=org.pk,
        ip=ip,
        note=_("moved"),
    )
    return org


@transaction.atomic
def deactivate_organization(
    actor, org: Organization, *, on: datetime.date | None = None, ip: str | None = None
) -> Organization:
    """Deactivate instead of delete: history keeps referring to it. Its open positions end on `on`
    (today by default). Refused while it still has active organisations under it."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if not org.is_active:
        return org
    if org.kind == OrgKind.COMMITTEE:
        raise ValidationError(_("The Party committee cannot be deactivated."))
    active_children = list(org.children.filter(is_active=True).values_list("name", flat=True)[:5])
    if active_children:
        raise ValidationError(
            _("Deactivate or move the organisations under it first: %(names)s.") % {"names": "、".join(active_children)}
        )
    _close_positions(actor, org.positions.all(), on or timezone.localdate(), ip=ip)
    before = snapshot(org, ORG_FIELDS)
    org.is_active = False
    org.save(update_fields=["is_active", "updated_at"])
    record(
        actor, Verb.ORG_DEACTIVATED, org, before=before, after=snapshot(org, ORG_FIELDS), organization_id=org.pk, ip=ip
    )
    return org


@transaction.atomic
def reactivate_organization(actor, org: Organization, *, ip: str | None = None) -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if org.is_active:
        return org
    if org.parent is not None and not org.parent.is_active:
        raise ValidationError(_("Reactivate the parent organisation %(name)s first.") % {"name": org.parent.name})
    before = snapshot(org, ORG_FIELDS)
    org.is_active = True
    org.save(update_fields=["is_active", "updated_at"])
    record(
        actor, Verb.ORG_REACTIVATED, org, before=before, after=snapshot(org, ORG_FIELDS), organization_id=org.pk, ip=ip
    )
    return org


# --- The org dept is never left without an account -----------------------------------------------


def _org_dept_until(today: datetime.date, user_id: int | None = None) -> datetime.date:
    """The last day up to which, from today on without a gap, some account (user_id's, if given) has
    the org dept's rights: an active superuser, or an active account of an active person in a
    organisation department staff term of the active committee. See rules.covered_until."""
    superusers = get_user_model().objects.filter(is_active=True, is_superuser=True)
    terms = Position.objects.filter(
        role=PositionRole.ORG_DEPT_STAFF,
        organization__kind=OrgKind.COMMITTEE,
        organization__is_active=True,
        person__is_active=True,
        person__user__is_active=True,
    )
    if user_id is not None:
        superusers = superusers.filter(pk=user_id)
        terms = terms.filter(person__user_id=user_id)
    if superusers.exists():
        return datetime.date.max
    return rules.covered_until(today, terms.values_list("start_date", "end_date"))


# The codes of keeping_the_org_dept's refusals.
ORG_DEPT_REFUSALS = frozenset({"org_dept_last", "org_dept_self"})


@contextmanager
def keeping_the_org_dept(actor, *, applies: bool = True) -> Iterator[None]:
    """Refuse, with a ValidationError raised after the body ran (so the caller's transaction rolls it
    back), a change that leaves the org dept without an account sooner than before, or takes the
    org dept's rights from the actor themselves (deactivating themselves, ending their own term):
    that would end the session they are working in, and on the last account nobody could manage the
    tree, the people or the cycle any more. Pages, API, import and commands all pass here (the
    importer's bulk writer wraps its whole write in it).

    Must be entered inside a transaction, before any row of the change is locked: it locks the
    committee's row first, so two such changes (say, two org-dept staff ending each other's terms)
    run one after the other and the second sees the first. applies=False (the change cannot touch
    the org dept) skips it all."""
    if not applies:
        yield
        return
    list(Organization.objects.select_for_update().filter(kind=OrgKind.COMMITTEE).values_list("pk", flat=True))
    today = timezone.localdate()
    actor_id = actor.pk if getattr(actor, "pk", None) is not None else None
    everyone = _org_dept_until(today)
    own = _org_dept_until(today, actor_id) if actor_id is not None else None
    yield
    everyone_after = _org_dept_until(today)
    if everyone_after < everyone:
        raise ValidationError(
            _(
                "This would leave the Party committee's organisation department without an account from %(day)s, "
                "and nobody could then manage the organisations, the people or the yearly review. Appoint someone "
                "else as organisation department staff first."
            )
            % {"day": max(today, everyone_after + datetime.timedelta(days=1))},
            code="org_dept_last",
        )
    if own is not None and _org_dept_until(today, actor_id) < own:
        raise ValidationError(
            _(
                "You cannot end your own organisation department term or deactivate yourself: you would lose the "
                "rights you are using. Ask another member of the organisation department staff to do it."
            ),
            code="org_dept_self",
        )


# --- People -------------------------------------------------------------------------------------


def _clean_person_fields(*, name: str, staff_no: str, phone: str, gender: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    staff_no = (staff_no or "").strip()
    if not name:
        errors["name"] = _("Enter the person's name.")
    elif len(name) > 50:
        errors["name"] = _("The name can be at most 50 characters.")
    if not staff_no:
        errors["staff_no"] = _("Enter the staff number.")
    elif len(staff_no) > 32 or not staff_no.replace("-", "").isalnum() or not staff_no.isascii():
        errors["staff_no"] = _("A staff number is up to 32 letters, digits or hyphens.")
    try:
        phone = phones.clean_phone(phone)  # the one phone rule: form, API and import all come through here
    except ValidationError as error:
        errors["phone"] = error.messages[0]
    if gender not in ("", *Gender.values):
        errors["gender"] = _("Choose male or female.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "staff_no": staff_no, "phone": phone, "gender": gender}


def _check_username_free(staff_no: str, person: Person | None = None) -> None:
    """A person's account is named by their 工号; never take over an account someone else has."""
    User = get_user_model()
    owner = User.objects.filter(username=staff_no).first()
    if owner is not None and (person is None or owner.pk != person.user_id):
        raise ValidationError(
            {"staff_no": _("Staff number %(no)s is already used as a login name.") % {"no": staff_no}}
        )


def _ensure_account(person: Person, initial_password: str | None) -> None:
    """Give the person a login account (username = 工号) if they have none."""
    if person.user_id is not None:
        return
    _check_username_free(person.staff_no)
    User = get_user_model()
    user = User(username=person.staff_no, must_change_password=True)
    if initial_password:
        user.set_password(initial_password)
    else:
        user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])


@transaction.atomic
def create_person(
    actor,
    *,
    name: str,
    staff_no: str,
    phone: str = "",
    gender: str = "",
    is_party_member: bool = True,
    initial_password: str | None = None,
    ip: str | None = None,
) -> Person:
    """Create a person and their login account. The account must change its password on first login.
    Creating the same person twice (same 工号 and details) returns the existing one."""
    fields = _clean_person_fields(name=name, staff_no=staff_no, phone=phone, gender=gender)
    existing = Person.objects.filter(staff_no=fields["staff_no"]).first()
    if existing is not None:
        same = all(getattr(existing, k) == v for k, v in fields.items()) and existing.is_party_member == is_party_member
        if same:
            return existing
        raise ValidationError(
            {
                "staff_no": _("Staff number %(no)s is already used by %(name)s.")
                % {"no": fields["staff_no"], "name": existing.name}
            }
        )
    if initial_password:
        validate_password(initial_password)
    _check_username_free(fields["staff_no"])
    person = Person.objects.create(is_party_member=is_party_member, **fields)
    _ensure_account(person, initial_password)
    record(actor, Verb.PERSON_CREATED, person, after=snapshot(person, PERSON_FIELDS), ip=ip)
    return person


@transaction.atomic
def update_person(
    actor,
    person: Person,
    *,
    name: str,
    staff_no: str,
    phone: str,
    gender: str,
    is_party_member: bool,
    ip: str | None = None,
) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    fields = _clean_person_fields(name=name, staff_no=staff_no, phone=phone, gender=gender)
    if fields["staff_no"] != person.staff_no and Person.objects.filter(staff_no=fields["staff_no"]).exists():
        raise ValidationError(
            {"staff_no": _("Staff number %(no)s is already used by someone else.") % {"no": fields["staff_no"]}}
        )
    if fields["staff_no"] != person.staff_no:
        _check_username_free(fields["staff_no"], person)
    before = snapshot(person, PERSON_FIELDS)
    for key, value in fields.items():
        setattr(person, key, value)
    person.is_party_member = is_party_member
    after = snapshot(person, PERSON_FIELDS)
    if after != before:
        person.save()
        if person.user_id and person.user.username != person.staff_no:
            person.user.username = person.staff_no
            person.user.save(update_fields=["username"])
        record(actor, Verb.PERSON_CHANGED, person, before=before, after=after, ip=ip)
    return person


@transaction.atomic
def deactivate_person(actor, person: Person, *, on: datetime.date | None = None, ip: str | None = None) -> Person:
    """A person who left: their open positions end and their account can no longer log in.

    Refused for the actor's own person, and for the last account with the org dept's rights
    (keeping_the_org_dept)."""
    with keeping_the_org_dept(actor):
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            return person
        _close_positions(actor, person.positions.all(), on or timezone.localdate(), ip=ip)
        before = snapshot(person, PERSON_FIELDS)
        person.is_active = False
        person.save(update_fields=["is_active", "updated_at"])
        if person.user_id:
            person.user.is_active = False
            person.user.save(update_fields=["is_active"])
        record(actor, Verb.PERSON_DEACTIVATED, person, before=before, after=snapshot(person, PERSON_FIELDS), ip=ip)
    return person


@transaction.atomic
def reactivate_person(actor, person: Person, *, ip: str | None = None) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        return person
    before = snapshot(person, PERSON_FIELDS)
    person.is_active = True
    person.save(update_fields=["is_active", "updated_at"])
    if person.user_id:
        person.user.is_active = True
        person.user.save(update_fields=["is_active"])
    record(actor, Verb.PERSON_REACTIVATED, person, before=before, after=snapshot(person, PERSON_FIELDS), ip=ip)
    return person


@transaction.atomic
def reset_password(actor, person: Person, new_password: str, *, ip: str | None = None) -> None:
    """Set a temporary password for the person's account; they must change it when they next log in."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    validate_password(new_password)
    _ensure_account(person, None)
    user = person.user
    user.set_password(new_password)
    user.must_change_password = True
    user.save()
    forget_login_failures(user)
    record(actor, Verb.PASSWORD_RESET, user, object_repr=str(person), ip=ip, note=_("password reset by administrator"))


# --- Positions ----------------------------------------------------------------------------------


def _check_secretary_free(
    organization: Organization, start: datetime.date, end: datetime.date | None, exclude_pk: int | None = None
) -> None:
    terms = Position.objects.filter(organization=organization, role=PositionRole.SECRETARY)
    if exclude_pk:
        terms = terms.exclude(pk=exclude_pk)
    clash = rules.overlapping_term(start, end, terms.values_list("start_date", "end_date"))
    if clash:
        holder = terms.filter(start_date=clash[0]).select_related("person").first()
        raise ValidationError(
            {
                "role": _(
                    "%(org)s already has a secretary in that period (%(name)s, from %(start)s). "
                    "End that term first; an organisation has at most one secretary at a time."
                )
                % {"org": organization.name, "name": holder.person.name if holder else "", "start": clash[0]}
            }
        )


@transaction.atomic
def appoint(
    actor,
    *,
    person: Person,
    organization: Organization,
    role: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    ip: str | None = None,
) -> Position:
    """Give a person a position. The same appointment made twice returns the existing one."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if role not in PositionRole.values:
        raise ValidationError({"role": _("Choose a position.")})
    if start_date is None:
        raise ValidationError({"start_date": _("Enter the start date.")})
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    existing = Position.objects.filter(
        person=person, organization=organization, role=role, start_date=start_date
    ).first()
    if existing is not None and existing.end_date == end_date:
        return existing
    if not organization.is_active:
        raise ValidationError({"organization": _("%(name)s is deactivated.") % {"name": organization.name}})
    if not person.is_active:
        raise ValidationError({"person": _("%(name)s is deactivated.") % {"name": person.name}})
    if role == PositionRole.ORG_DEPT_STAFF and organization.kind != OrgKind.COMMITTEE:
        raise ValidationError({"role": _("Organisation department staff belong to the Party committee.")})
    if role == PositionRole.SECRETARY:
        _check_secretary_free(organization, start_date, end_date)
    position = Position.objects.create(
        person=person, organization=organization, role=role, start_date=start_date, end_date=end_date
    )
    record(
        actor,
        Verb.POSITION_CREATED,
        position,
        after=snapshot(position, POSITION_FIELDS),
        organization_id=organization.pk,
        ip=ip,
    )
    _secretary_changed(actor, position)
    return position


def _secretary_changed(actor, position: Position) -> None:
    """After a term began, ended or was cancelled: if it is a 书记 term, the open Reviews of its
    organisation follow the current secretary (same transaction; the audit record names the actor)."""
    if position.role == PositionRole.SECRETARY:
        cycle_services.sync_secretary(position.organization_id, actor)


def _close_positions(actor, positions, day: datetime.date, *, ip: str | None) -> None:
    """End every term still running after `day` on `day`; cancel terms that would only start later."""
    for position in positions.filter(Q(end_date__isnull=True) | Q(end_date__gt=day)).select_related(
        "person", "organization"
    ):
        if position.start_date > day:
            cancel_position(actor, position, ip=ip)
        else:
            end_position(actor, position, day, ip=ip)


@transaction.atomic
def cancel_position(actor, position: Position, *, ip: str | None = None) -> None:
    """Remove an appointment that has not started yet (it never took effect; the audit log keeps it).
    An org-dept term is kept by keeping_the_org_dept."""
    with keeping_the_org_dept(actor, applies=_is_org_dept_term(position)):
        position = Position.objects.select_for_update().select_related("person", "organization").get(pk=position.pk)
        if position.start_date <= timezone.localdate():
            raise ValidationError(
                _("Only an appointment that has not started yet can be cancelled; end a running term instead.")
            )
        before = snapshot(position, POSITION_FIELDS)
        organization_id = position.organization_id
        record(
            actor,
            Verb.POSITION_CANCELLED,
            position,
            before=before,
            organization_id=organization_id,
            ip=ip,
            note=_("appointment cancelled before it started"),
        )
        position.delete()
        _secretary_changed(actor, position)


def _is_org_dept_term(position: Position) -> bool:
    """Read without a lock, so that keeping_the_org_dept can lock the committee before the position
    (a position's role never changes). The position may be a bare Position(pk=...)."""
    return Position.objects.filter(pk=position.pk, role=PositionRole.ORG_DEPT_STAFF).exists()


@transaction.atomic
def end_position(actor, position: Position, end_date: datetime.date, *, ip: str | None = None) -> Position:
    """End a term on end_date (inclusive). Ending it on the same day again changes nothing.
    An org-dept term is kept by keeping_the_org_dept (not the last one, not one's own)."""
    with keeping_the_org_dept(actor, applies=_is_org_dept_term(position)):
        position = Position.objects.select_for_update().select_related("person", "organization").get(pk=position.pk)
        if end_date is None:
            raise ValidationError({"end_date": _("Enter the end date.")})
        if position.end_date == end_date:
            return position
        if end_date < position.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if position.role == PositionRole.SECRETARY:
            _check_secretary_free(position.organization, position.start_date, end_date, exclude_pk=position.pk)
        before = snapshot(position, POSITION_FIELDS)
        position.end_date = end_date
        position.save(update_fields=["end_date", "updated_at"])
        record(
            actor,
            Verb.POSITION_ENDED,
            position,
            before=before,
            after=snapshot(position, POSITION_FIELDS),
            organization_id=position.organization_id,
            ip=ip,
            note=_("term ended"),
        )
        _secretary_changed(actor, position)
    return position
