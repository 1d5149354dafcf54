"""Writing a plan: one by one through shuzhi.orgs.services as the pages do (_ServiceWriter), or, for a large
import, in bulk with the audit events the services would record (_BulkWriter).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit import chain as audit_chain
from shuzhi.audit import verbs
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.services import object_type_of, person_concerned, record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.cycles import services as cycle_services
from shuzhi.orgs import rules, services
from shuzhi.orgs.importing.existing import Existing
from shuzhi.orgs.importing.planning import ImportPlan, OrgChange, PersonChange, PositionChange
from shuzhi.orgs.importing.results import ImportSummary
from shuzhi.orgs.models import Organization, OrgKind, Person, Position, PositionRole


class _ServiceWriter:
    """Makes the planned changes one by one through shuzhi.orgs.services, as the pages do."""

    def __init__(
        self, actor: Any, ip: str | None, existing: Existing, initial_password: str, summary: ImportSummary
    ) -> None:
        self.actor = actor
        self.ip = ip
        self.existing = existing
        self.initial_password = initial_password
        self.summary = summary
        self.orgs: dict[str, Organization] = {}
        self.people: dict[str, Person] = {}  # by 工号, as far as already loaded or created

    def run(self, plan: ImportPlan) -> None:
        self.orgs = {org.name: org for org in Organization.objects.all()}
        self.write_orgs(plan.orgs)
        self.write_people(plan.people)
        self.end_positions(plan.positions_to_end)
        self.create_positions(plan.positions_to_create)

    def write_orgs(self, changes: list[OrgChange]) -> None:
        """Parents first (the plan's order), so every parent exists and has its final kind."""
        for change in changes:
            if change.existing is None:
                parent = self.orgs[change.parent] if change.parent else None
                self.orgs[change.name] = services.create_organization(
                    self.actor,
                    name=change.name,
                    kind=change.kind,
                    parent=parent,
                    sort_order=change.sort_order,
                    ip=self.ip,
                )
                self.summary.orgs_created += 1
            else:
                self.update_org(change)

    def update_org(self, change: OrgChange) -> None:
        """Kind, parent and sort order of an existing organisation, through the services."""
        assert change.existing is not None
        parent = self.orgs[change.parent] if change.parent else None
        org = self.orgs[change.name]
        if change.kind != change.existing.kind:
            org = _change_kind(self.actor, org, kind=change.kind, parent=parent, ip=self.ip)
        elif change.parent != change.existing.parent and parent is not None:
            org = services.move_organization(self.actor, org, parent, ip=self.ip)
        if change.sort_order != change.existing.sort_order:
            org = services.update_organization(self.actor, org, name=org.name, sort_order=change.sort_order, ip=self.ip)
        self.orgs[change.name] = org
        self.summary.orgs_updated += 1

    def write_people(self, changes: list[PersonChange]) -> None:
        new_accounts: list[int] = []
        for change in changes:
            fields = {
                "name": change.name,
                "staff_no": change.staff_no,
                "phone": change.phone,
                "gender": change.gender,
                "is_party_member": change.is_party_member,
            }
            if change.existing is None:
                # No password here: hashing it once per person would take minutes with Argon2. The
                # accounts made now get the one hash below.
                person = services.create_person(self.actor, initial_password=None, ip=self.ip, **fields)
                new_accounts.append(person.user_id)
                self.summary.people_created += 1
            else:
                services.update_person(self.actor, Person(pk=change.existing.pk), ip=self.ip, **fields)
                self.summary.people_updated += 1
        _set_initial_password(new_accounts, self.initial_password)
        self.summary.accounts_created += len(new_accounts)

    def end_positions(self, changes: list[PositionChange]) -> None:
        for change in changes:
            assert change.existing is not None and change.end is not None
            services.end_position(self.actor, Position(pk=change.existing.pk), change.end, ip=self.ip)
            self.summary.positions_ended += 1

    def create_positions(self, changes: list[PositionChange]) -> None:
        people = self.people_for(changes)
        for change in changes:
            services.appoint(
                self.actor,
                person=people[change.staff_no],
                organization=self.orgs[change.org_name],
                role=change.role,
                start_date=change.start,
                end_date=change.end,
                ip=self.ip,
            )
            self.summary.positions_created += 1

    def people_for(self, changes: list[PositionChange]) -> dict[str, Person]:
        """The people these positions are for: those known already, the others in a few queries."""
        missing = {c.staff_no for c in changes} - self.people.keys()
        self.people.update(_people_by_staff_no(missing))
        return self.people


class _BulkWriter(_ServiceWriter):
    """For large imports: creations and field updates in bulk, with the audit events the services write.

    Changes to existing organisations (kind, parent, order: tree changes, and few) still go through
    the services. Every rule was checked by plan_import() against the locked state; the database
    constraints remain the last line."""

    BATCH = 1000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events: list[_EventRow] = []
        self.actor_name = _actor_name(self.actor)
        self.actor_id = getattr(self.actor, "pk", None) if not isinstance(self.actor, str) else None

    def run(self, plan: ImportPlan) -> None:
        super().run(plan)
        # The positions were written without the services: the open Reviews follow the secretaries here,
        # once per organisation whose 书记 terms changed, as appoint() and end_position() do.
        changed = plan.positions_to_end + plan.positions_to_create
        for org_name in sorted({c.org_name for c in changed if c.role == PositionRole.SECRETARY}):
            cycle_services.sync_secretary(self.orgs[org_name].pk, self.actor)
        # The events join the audit log's hash chain as record() would add them, one after the other.
        now = timezone.now()
        for row in self.events:
            row.at = now
        audit_chain.link(self.events, audit_chain.lock_chain())
        _insert_many(AuditEvent, self.events)

    def write_orgs(self, changes: list[OrgChange]) -> None:
        """Level by level from the root: changes to existing ones, then the new ones in one insert."""
        for _depth, level in groupby(changes, key=lambda c: c.depth):
            new: list[Organization] = []
            for change in level:
                if change.existing is not None:
                    self.update_org(change)
                else:
                    new.append(
                        Organization(
                            name=change.name,
                            kind=change.kind,
                            sort_order=change.sort_order,
                            parent=self.orgs[change.parent] if change.parent else None,
                        )
                    )
            Organization.objects.bulk_create(new, batch_size=self.BATCH)
            for org in new:
                self.orgs[org.name] = org
                self.event(Verb.ORG_CREATED, org, after=snapshot(org, services.ORG_FIELDS), organization_id=org.pk)
            self.summary.orgs_created += len(new)

    def event(
        self,
        verb: Verb,
        obj: Any,
        *,
        before: dict | None = None,
        after: dict | None = None,
        organization_id: int | None = None,
        note: str = "",
        object_repr: str | None = None,
    ) -> None:
        """Queue the AuditEvent row that shuzhi.audit.services.record() would write for the same call."""
        self.events.append(
            _EventRow(
                actor_id=self.actor_id,
                actor_name=self.actor_name,
                action=str(verbs.kind_of(verb)),
                verb=str(verb),
                object_type=object_type_of(obj),
                object_id=str(obj.pk),
                object_repr=(str(obj) if object_repr is None else object_repr)[:200],
                organization_id=organization_id,
                before=before,
                after=after,
                ip=self.ip,
                note=note[:500],
                person_id=person_concerned(obj),
            )
        )

    def write_people(self, changes: list[PersonChange]) -> None:
        created = [c for c in changes if c.existing is None]
        updated = [c for c in changes if c.existing is not None]
        now = timezone.now()
        User = get_user_model()
        password = make_password(self.initial_password)
        new_users = [User(username=c.staff_no, must_change_password=True, password=password) for c in created]
        _insert_many(User, new_users, read_back=("username",))
        user_ids = {u.username: u.pk for u in new_users}
        people = [
            Person(
                name=c.name,
                staff_no=c.staff_no,
                phone=c.phone,
                gender=c.gender,
                is_party_member=c.is_party_member,
                user_id=user_ids[c.staff_no],
            )
            for c in created
        ]
        _insert_many(Person, people, read_back=("staff_no",))
        self.people.update((person.staff_no, person) for person in people)
        for person in people:
            self.event(Verb.PERSON_CREATED, person, after=snapshot(person, services.PERSON_FIELDS))
        self.summary.people_created += len(people)
        self.summary.accounts_created += len(new_users)

        by_pk = _in_bulk(Person, [c.existing.pk for c in updated if c.existing])
        to_save: list[Person] = []
        for change in updated:
            assert change.existing is not None
            person = by_pk[change.existing.pk]
            before = snapshot(person, services.PERSON_FIELDS)
            person.name, person.phone, person.gender = change.name, change.phone, change.gender
            person.is_party_member = change.is_party_member
            person.updated_at = now
            after = snapshot(person, services.PERSON_FIELDS)
            if after != before:
                to_save.append(person)
                self.event(Verb.PERSON_CHANGED, person, before=before, after=after)
        fields = ["name", "phone", "gender", "is_party_member", "updated_at"]
        Person.objects.bulk_update(to_save, fields, batch_size=self.BATCH)
        self.summary.people_updated += len(to_save)

    def end_positions(self, changes: list[PositionChange]) -> None:
        by_pk = _in_bulk(
            Position, [c.existing.pk for c in changes if c.existing], select_related=("person", "organization")
        )
        now = timezone.now()
        to_save: list[Position] = []
        for change in changes:
            assert change.existing is not None
            position = by_pk[change.existing.pk]
            before = snapshot(position, services.POSITION_FIELDS)
            position.end_date = change.end
            position.updated_at = now
            to_save.append(position)
            self.event(
                Verb.POSITION_ENDED,
                position,
                before=before,
                after=snapshot(position, services.POSITION_FIELDS),
                organization_id=position.organization_id,
                note=_("term ended"),
            )
        Position.objects.bulk_update(to_save, ["end_date", "updated_at"], batch_size=self.BATCH)
        self.summary.positions_ended += len(to_save)

    def create_positions(self, changes: list[PositionChange]) -> None:
        people = self.people_for(changes)
        positions = [
            Position(
                person=people[c.staff_no],
                organization=self.orgs[c.org_name],
                role=c.role,
                start_date=c.start,
                end_date=c.end,
            )
            for c in changes
        ]
        describe = _position_describer(positions)
        # The plan proved each new (person, organisation, position, start) absent from the database.
        _insert_many(Position, positions, read_back=("person_id", "organization_id", "role", "start_date"))
        for position in positions:
            self.event(
                Verb.POSITION_CREATED,
                position,
                after=snapshot(position, services.POSITION_FIELDS),
                organization_id=position.organization_id,
                object_repr=describe(position),
            )
        self.summary.positions_created += len(positions)


# Field types whose attribute value is already what the database driver takes.
_PLAIN_FIELD_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "BooleanField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "ForeignKey",
        "OneToOneField",
    }
)


def _insert_many(model: Any, objects: list[Any], *, read_back: tuple[str, ...] = ()) -> None:
    """INSERT unsaved objects (COPY on PostgreSQL, executemany elsewhere): what bulk_create does,
    without its per-value SQL compilation, which dominated the time of a 20,000-row import.

    Values are the fields' database values as bulk_create computes them (get_db_prep_save), except that
    plain types are passed as they are and auto_now/auto_now_add fields all get the same "now".
    read_back: attribute names that together identify each new row; the new primary keys are then read
    back and set on the objects. objects may be any objects with the fields' attnames as attributes."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    db = transaction.get_connection()

    def converter(f: Any) -> Any:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = f.get_db_prep_save(now, db)
            return lambda obj: value
        if f.get_internal_type() in _PLAIN_FIELD_TYPES:
            return attrgetter(f.attname)
        return lambda obj: f.get_db_prep_save(getattr(obj, f.attname), db)

    converters = [converter(f) for f in fields]
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    # New rows get keys above every key in use now (only they can match read_back: the plan proved
    # each new key absent, and the locks taken keep others from adding the same rows meanwhile).
    newest_before = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) if read_back else 0
    with db.cursor() as cursor:
        raw = cursor.cursor
        if db.vendor == "postgresql" and hasattr(raw, "copy"):
            # psycopg 3's COPY: seconds faster than INSERT statements for 20,000 rows.
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row([convert(obj) for convert in converters])
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                [tuple(convert(obj) for convert in converters) for obj in objects],
            )
    if read_back:
        by_key = {tuple(getattr(obj, name) for name in read_back): obj for obj in objects}
        for pk, *key in model.objects.filter(pk__gt=newest_before).order_by("pk").values_list("pk", *read_back):
            obj = by_key.get(tuple(key))
            if obj is not None:
                obj.pk = pk
                obj._state.adding, obj._state.db = False, db.alias


@dataclass(slots=True)
class _EventRow:
    """The values of one AuditEvent row (its time is set on insert): lighter than a model instance."""

    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    organization_id: int | None
    before: dict | None
    after: dict | None
    ip: str | None
    note: str
    verb: str = ""
    person_id: int | None = None
    at: datetime.datetime | None = None  # these three: set by _BulkWriter.run() (shuzhi.audit.chain)
    prev_hash: str = ""
    hash: str = ""


def _position_describer(positions: list[Position]) -> Any:
    """A function giving str(position) for these positions without Django's per-call choice lookup
    (which translates every label each time); falls back to str() if Position.__str__ has changed."""
    labels = {value: str(label) for value, label in PositionRole.choices}

    def fast(position: Position) -> str:
        return f"{position.organization} {labels.get(position.role, position.role)} {position.person.name}"

    if positions and fast(positions[0]) != str(positions[0]):
        return str
    return fast


def _actor_name(actor: Any) -> str:
    """The actor_name shuzhi.audit.services.record() stores for this actor."""
    if actor is not None and getattr(actor, "pk", None) is not None:
        return f"{getattr(actor, 'display_name', '')}（{actor.get_username()}）"[:150]
    return actor[:150] if isinstance(actor, str) else ""


def _in_bulk(model: Any, pks: list[int], select_related: tuple[str, ...] = ()) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for start in range(0, len(pks), _BulkWriter.BATCH):
        qs = model.objects.filter(pk__in=pks[start : start + _BulkWriter.BATCH])
        if select_related:
            qs = qs.select_related(*select_related)
        found.update((obj.pk, obj) for obj in qs)
    return found


def _people_by_staff_no(staff_nos: set[str]) -> dict[str, Person]:
    numbers = sorted(staff_nos)
    found: dict[str, Person] = {}
    for start in range(0, len(numbers), _BulkWriter.BATCH):
        chunk = numbers[start : start + _BulkWriter.BATCH]
        found.update((p.staff_no, p) for p in Person.objects.filter(staff_no__in=chunk))
    return found


def _set_initial_password(user_ids: list[int], password: str) -> None:
    """Give the accounts this import created the initial password, hashed once for all of them."""
    if not user_ids:
        return
    hashed = make_password(password)
    User = get_user_model()
    for start in range(0, len(user_ids), _BulkWriter.BATCH):
        User.objects.filter(pk__in=user_ids[start : start + _BulkWriter.BATCH]).update(
            password=hashed, must_change_password=True
        )


@transaction.atomic
def _change_kind(
    actor: Any, org: Organization, *, kind: str, parent: Organization | None, ip: str | None = None
) -> Organization:
    """Make an existing organisation another kind, under `parent` (the services have no such change:
    a 党支部 that becomes a 直属党支部 moves under the 党委 at the same time).

    Contract: plan_import() has checked the whole tree after the import (the new kind under the new
    parent, the organisations under it, no second committee); this re-checks the parent and records
    one update audit event like services.move_organization()."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    parent = Organization.objects.select_for_update().get(pk=parent.pk) if parent is not None else None
    if OrgKind.COMMITTEE in (kind, org.kind):
        raise ValidationError(_("The Party committee's kind cannot be changed."))
    problem = rules.parent_problem(kind, parent.kind if parent else None)
    if problem:
        raise ValidationError({"parent": problem})
    before = snapshot(org, services.ORG_FIELDS)
    org.kind = kind
    org.parent = parent
    org.save(update_fields=["kind", "parent", "updated_at"])
    record(
        actor,
        Verb.ORG_CHANGED,
        org,
        before=before,
        after=snapshot(org, services.ORG_FIELDS),
        organization_id=org.pk,
        ip=ip,
        note=_("kind changed by import"),
    )
    return org
