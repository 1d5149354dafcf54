"""The database state the import is matched against, as plain data: organisations, people, positions
and the login names in use, loaded once by load_existing().
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from shuzhi.orgs.models import Organization, Person, Position

PositionKey = tuple[str, str, str, datetime.date]  # (工号, 组织名称, role, start date)


@dataclass(frozen=True)
class OrgState:
    name: str
    kind: str | None  # None: the file's kind was not valid
    parent: str | None  # the parent's name
    is_active: bool = True
    sort_order: int = 0
    pk: int | None = None


@dataclass(frozen=True)
class PersonState:
    staff_no: str
    name: str
    phone: str = ""
    gender: str = ""
    is_party_member: bool = True
    is_active: bool = True
    pk: int | None = None


@dataclass(frozen=True)
class PositionState:
    staff_no: str
    org_name: str
    role: str
    start: datetime.date
    end: datetime.date | None
    holder: str = ""
    pk: int | None = None

    @property
    def key(self) -> PositionKey:
        return (self.staff_no, self.org_name, self.role, self.start)


@dataclass
class Existing:
    """What the database holds, loaded once; usernames: every login name in use."""

    orgs: dict[str, OrgState] = field(default_factory=dict)
    people: dict[str, PersonState] = field(default_factory=dict)
    positions: dict[PositionKey, PositionState] = field(default_factory=dict)
    usernames: set[str] = field(default_factory=set)


def load_existing(*, lock: bool = False) -> Existing:
    """The current organisations, people, positions and account names: four queries.

    lock=True (inside a transaction) locks every organisation row, so nothing in the tree or its
    positions changes between this read and the import's writes."""
    orgs = Organization.objects.all()
    if lock:
        orgs = orgs.select_for_update()
    rows = list(orgs.values_list("pk", "name", "kind", "parent_id", "is_active", "sort_order"))
    name_of = {pk: name for pk, name, *_rest in rows}
    existing = Existing()
    for pk, name, kind, parent_id, is_active, sort_order in rows:
        existing.orgs[name] = OrgState(name, kind, name_of.get(parent_id), is_active, sort_order, pk)
    for pk, staff_no, name, phone, gender, party, active in Person.objects.values_list(
        "pk", "staff_no", "name", "phone", "gender", "is_party_member", "is_active"
    ):
        existing.people[staff_no] = PersonState(staff_no, name, phone, gender, party, active, pk)
    for values in Position.objects.values_list(
        "pk", "person__staff_no", "organization__name", "role", "start_date", "end_date", "person__name"
    ):
        pk, staff_no, org_name, role, start, end, holder = values
        state = PositionState(staff_no, org_name, role, start, end, holder, pk)
        existing.positions.setdefault(state.key, state)
    existing.usernames = set(get_user_model().objects.values_list("username", flat=True))
    return existing
