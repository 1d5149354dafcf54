"""The tree rules as pure functions, shared by services, the importer and property tests."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from shuzhi.orgs.models import OrgKind

# Which kind of organisation each kind must sit under (None: the root).
REQUIRED_PARENT_KIND: dict[str, str | None] = {
    OrgKind.COMMITTEE: None,
    OrgKind.GENERAL_BRANCH: OrgKind.COMMITTEE,
    OrgKind.DIRECT_BRANCH: OrgKind.COMMITTEE,
    OrgKind.BRANCH: OrgKind.GENERAL_BRANCH,
}


def kind_label(kind: str) -> str:
    return str(OrgKind(kind).label)


def parent_problem(kind: str, parent_kind: str | None) -> str | None:
    """Why an organisation of `kind` may not sit under a parent of `parent_kind`, or None if it may."""
    required = REQUIRED_PARENT_KIND[kind]
    if required is None:
        if parent_kind is not None:
            return _("The Party committee is the root of the tree and has no parent.")
        return None
    if parent_kind is None:
        return _("A %(kind)s must have a parent %(parent)s.") % {
            "kind": kind_label(kind),
            "parent": kind_label(required),
        }
    if parent_kind != required:
        return _("A %(kind)s must sit under a %(parent)s, not under a %(actual)s.") % {
            "kind": kind_label(kind),
            "parent": kind_label(required),
            "actual": kind_label(parent_kind),
        }
    return None


def creates_cycle(node: object, new_parent: object | None, parent_of: Mapping[object, object | None]) -> bool:
    """Whether making new_parent the parent of node would put node among its own ancestors."""
    seen: set[object] = set()
    current = new_parent
    while current is not None:
        if current == node or current in seen:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def terms_overlap(
    a_start: datetime.date, a_end: datetime.date | None, b_start: datetime.date, b_end: datetime.date | None
) -> bool:
    """Whether two inclusive date ranges (None = open-ended) share at least one day."""
    a_stop = a_end or datetime.date.max
    b_stop = b_end or datetime.date.max
    return a_start <= b_stop and b_start <= a_stop


def overlapping_term(
    start: datetime.date,
    end: datetime.date | None,
    others: Iterable[tuple[datetime.date, datetime.date | None]],
) -> tuple[datetime.date, datetime.date | None] | None:
    for other_start, other_end in others:
        if terms_overlap(start, end, other_start, other_end):
            return other_start, other_end
    return None


def covered_until(day: datetime.date, terms: Iterable[tuple[datetime.date, datetime.date | None]]) -> datetime.date:
    """The last day of the unbroken run of days from `day` on that some term (inclusive, None =
    open-ended) covers: date.max when it never ends, the day before `day` when `day` itself is not
    covered. Used to keep the org dept from being left without an account now or later."""
    reached = day - datetime.timedelta(days=1)
    for start, end in sorted(terms, key=lambda term: term[0]):
        if reached == datetime.date.max:
            break
        if start > reached + datetime.timedelta(days=1):
            break
        reached = max(reached, end or datetime.date.max)
    return reached
