"""What waits for each user, on their home page: a registry of providers, one per kind of work.

Each app contributes providers in its own `work.py` and registers them in its AppConfig.ready, so a
later stage adds its items without touching the home view:

    def reports_to_vet(user, scope: Scope) -> list[WorkItem]: ...
    worklist.register("reports.to_vet", reports_to_vet)

A provider's contract: it reads only through shuzhi.orgs.access (what the user may see or act on), it
returns nothing for a user it does not concern, and it makes a fixed number of queries whatever the
amount of data (the home page's query count is tested on small and larger colleges). Each item has one
link, to the page where the work is done, and a short sentence in the user's language.
"""

from __future__ import annotations

import datetime
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from shuzhi.orgs.access import Scope, scope_for

log = logging.getLogger(__name__)


class Kind(enum.StrEnum):
    TODO = "todo"  # something this user does
    WATCH = "watch"  # others' work this user follows (the org dept's stragglers)


class Urgency(enum.IntEnum):
    """Lower sorts first."""

    OVERDUE = 0
    SOON = 1
    NORMAL = 2


@dataclass(frozen=True)
class WorkItem:
    text: str  # one short sentence: what waits and what to do
    url: str  # the one page where it is done
    kind: Kind = Kind.TODO
    urgency: Urgency = Urgency.NORMAL
    count: int | None = None  # for a summary item: how many
    due: datetime.date | None = None
    detail: str = ""  # shown under the sentence, e.g. the reviewer's reason for returning a report

    @property
    def urgency_name(self) -> str:
        return self.urgency.name.lower()


Provider = Callable[[object, Scope], list[WorkItem]]

_providers: dict[str, Provider] = {}

# Days before a due date from which an item counts as due soon.
SOON_DAYS = 3


def register(name: str, provider: Provider) -> None:
    """Add a provider under a stable name (registering the same name again replaces it)."""
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def urgency_for(due: datetime.date | None, today: datetime.date | None = None) -> Urgency:
    """OVERDUE after the due date, SOON within SOON_DAYS of it, else NORMAL (no date: NORMAL)."""
    if due is None:
        return Urgency.NORMAL
    today = today or timezone.localdate()
    if due < today:
        return Urgency.OVERDUE
    return Urgency.SOON if (due - today).days <= SOON_DAYS else Urgency.NORMAL


def _sort_key(item: WorkItem) -> tuple:
    return (item.kind != Kind.TODO, item.urgency, item.due or datetime.date.max)


def work_for(user) -> list[WorkItem]:
    """Every registered provider's items for the user: their own work first, the most urgent and the
    earliest due first; the providers' order otherwise (the sort is stable)."""
    scope = scope_for(user)
    if scope.is_anonymous:
        return []
    items: list[WorkItem] = []
    for provider in _providers.values():
        items.extend(provider(user, scope))
    return sorted(items, key=_sort_key)
