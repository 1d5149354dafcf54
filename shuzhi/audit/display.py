"""How an audit event reads on the audit page.

Events store what the services recorded: field names, raw values (choice codes, booleans, ISO times)
and, for objects without a name, Django's "<Model> object (<pk>)". This turns them into the words the
rest of the interface uses — the field's label, the choice's label, 是/否, local time — without
changing what is stored. Values that are structures of their own (the quality check's word lists) are
shown as JSON, marked as such for the template.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from shuzhi.audit import legacy
from shuzhi.audit.models import AuditEvent

# Recorded keys whose model field has no Chinese label, or that are no model field at all.
LABELS = {
    "person": pgettext_lazy("audit", "Person"),
    "organization": gettext_lazy("Organisation"),
    "secretary": gettext_lazy("Secretary"),
    "status": gettext_lazy("Status"),
    "version": gettext_lazy("Version"),
    "is_withdrawn": pgettext_lazy("audit", "Withdrawn"),
    "withdrawn_by": gettext_lazy("Withdrawn by"),
    "agenda": gettext_lazy("Agenda"),
    "ballots": pgettext_lazy("audit", "Ballots"),
    "codes": pgettext_lazy("audit", "Codes"),
    "seal": gettext_lazy("Seal"),
    "categories": pgettext_lazy("audit", "Voter categories"),
    "form": pgettext_lazy("audit", "Ballot form"),
    "ballot_form": pgettext_lazy("audit", "Ballot form"),
    "orgs_created": pgettext_lazy("audit", "Organisations added"),
    "orgs_updated": pgettext_lazy("audit", "Organisations changed"),
    "orgs_unchanged": pgettext_lazy("audit", "Organisations unchanged"),
    "people_created": pgettext_lazy("audit", "People added"),
    "people_updated": pgettext_lazy("audit", "People changed"),
    "people_unchanged": pgettext_lazy("audit", "People unchanged"),
    "positions_created": pgettext_lazy("audit", "Positions added"),
    "positions_ended": pgettext_lazy("audit", "Positions ended"),
    "positions_unchanged": pgettext_lazy("audit", "Positions unchanged"),
    "accounts_created": pgettext_lazy("audit", "Logins created"),
    "stage": gettext_lazy("Stage"),
    "unmet": pgettext_lazy("audit", "Conditions not met"),
    "override_reason": pgettext_lazy("audit", "Reason for moving on anyway"),
    # Daily assessment
    "indicators": pgettext_lazy("audit", "Indicators"),
    "scores": pgettext_lazy("audit", "Scores"),
    "files": pgettext_lazy("audit", "Files"),
    # The comprehensive evaluation
    "grades": pgettext_lazy("audit", "Grades"),
    "ties": pgettext_lazy("audit", "Ties at a boundary"),
    "quotas": pgettext_lazy("audit", "Where the quotas stand"),
    "justification": pgettext_lazy("audit", "Justification for the minimum share"),
}
# Keys whose model field's label says the wrong thing for that model (the shared "kind" reads 组织类型).
TYPE_LABELS = {
    ("cycles.priorproblem", "kind"): pgettext_lazy("audit", "Kind of problem"),
    ("cycles.preparationitem", "kind"): pgettext_lazy("audit", "Kind of preparation"),
    ("meetings.meeting", "kind"): pgettext_lazy("audit", "Kind of meeting"),
    ("cycles.review", "preparation_done_at"): pgettext_lazy("audit", "Preparation done at"),
    ("evaluation.reviewgrade", "reason"): gettext_lazy("reason for the change"),
    ("evaluation.groupgrading", "reason"): gettext_lazy("reason for reopening"),
}
# Recorded values that are data, not words: shown as they are, marked as code.
DATA_KEYS = {"seal", "form", "ballot_form", "sha256", "storage_name", "content_type"}  # the last: evidence files
# Object types whose model has no Chinese name (their models' Meta is another app's, and a new
# verbose_name there would need a migration of that app), by app label and model name.
OBJECT_TYPES = {
    "accounts.user": gettext_lazy("Account"),
    "accounts.loginthrottle": pgettext_lazy("audit", "Login lock"),
    "cycles.priorproblem": pgettext_lazy("audit", "Last year's problem"),
    "cycles.preparationitem": pgettext_lazy("audit", "Preparation item"),
    "cycles.secretarychange": pgettext_lazy("audit", "Change of secretary"),
    "reports.reportversion": pgettext_lazy("audit", "Report version"),
    "reports.reportdecision": pgettext_lazy("audit", "Vetting decision"),  # events before the rename
    "reports.reportvetting": pgettext_lazy("audit", "Vetting decision"),
    "reports.qualityrules": gettext_lazy("Quality check rules"),
    "meetings.meeting": pgettext_lazy("audit", "Review meeting"),
    "meetings.agendaitem": pgettext_lazy("audit", "Agenda item"),
    "meetings.comment": pgettext_lazy("audit", "Comment"),
    "voting.survey": gettext_lazy("Satisfaction vote"),
    "voting.votercategory": pgettext_lazy("audit", "Voter category"),
    "voting.ballotcode": pgettext_lazy("audit", "Ballot code"),
    "voting.ballot": pgettext_lazy("audit", "Ballot"),
    "voting.paperentry": pgettext_lazy("audit", "Paper ballot entry"),
    "voting.guessthrottle": pgettext_lazy("audit", "Ballot code guesses"),
    "voting.voteresult": pgettext_lazy("audit", "Vote result"),
    "voting.votesummary": pgettext_lazy("audit", "Vote summary"),
    "cycles.reviewgroup": pgettext_lazy("audit", "Review group"),
    "cycles.groupstagechange": pgettext_lazy("audit", "Review group's stage change"),
}
# The apps whose models events are about (the object-type filter offers every model of these).
APPS = ("orgs", "accounts", "cycles", "reports", "meetings", "voting", "attachments", "assessment")
# Actors that are not a person's account.
ACTORS = {"system": gettext_lazy("System (automatic)"), "seed_demo": gettext_lazy("Demo data")}
_DEFAULT_REPR = re.compile(r"\w+ object \((?P<pk>[^)]*)\)")


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None
    after: str | None
    is_data: bool  # a structure shown as JSON, not words
    label_is_key: bool = False  # a key of the quality check's rules (the names the rules editor uses)


@cache
def _model(object_type: str) -> type[models.Model] | None:
    """The model of "app.model" or of an older event's bare "model"."""
    for model in apps.get_models():
        if object_type in (model._meta.label_lower, model._meta.model_name):
            return model
    return None


def qualified(object_type: str) -> str:
    """ "cycles.review" for "review" (older events) or "cycles.review"."""
    model = _model(object_type) if object_type else None
    return model._meta.label_lower if model else object_type


def object_types() -> list[tuple[str, str]]:
    """(app.model, Chinese name) of every model events can be about, sorted by name."""
    found = [
        (model._meta.label_lower, object_type_label(model._meta.label_lower))
        for model in apps.get_models()
        if model._meta.app_label in APPS
    ]
    return sorted(found, key=lambda pair: pair[1])


def _field(object_type: str, name: str) -> models.Field | None:
    model = _model(object_type)
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None  # not the reverse side of a relation


def object_type_label(object_type: str) -> str:
    name = qualified(object_type)
    if name in OBJECT_TYPES:
        return str(OBJECT_TYPES[name])
    model = _model(object_type)
    return str(capfirst(model._meta.verbose_name)) if model else object_type


def actor_label(event: AuditEvent) -> str:
    return str(ACTORS.get(event.actor_name, event.actor_name))


def object_label(event: AuditEvent) -> str:
    """The stored name, or for an object that had none ("PreparationItem object (3)") its kind and number."""
    match = _DEFAULT_REPR.fullmatch(event.object_repr)
    if match and event.object_type:
        return f"{object_type_label(event.object_type)} #{match['pk']}"
    return event.object_repr


def field_label(object_type: str, name: str) -> str:
    if (qualified(object_type), name) in TYPE_LABELS:
        return str(TYPE_LABELS[qualified(object_type), name])
    if name in LABELS:
        return str(LABELS[name])
    field = _field(object_type, name)
    return str(capfirst(field.verbose_name)) if field is not None else name


def _agenda(value: list, names: dict[int, str]) -> str:
    from shuzhi.meetings.models import AgendaItem

    modes = dict(AgendaItem._meta.get_field("mode").flatchoices)
    return "；".join(
        f"{n}. {names.get(review_id, f'#{review_id}')}（{modes.get(mode, mode)}）"
        for n, (review_id, mode) in enumerate(value, 1)
    )


def _is_account(field: models.Field | None) -> bool:
    return field is not None and field.is_relation and field.related_model is get_user_model()


def value_label(
    object_type: str, name: str, value: Any, names: dict[int, str], accounts: dict[str, str] | None = None
) -> tuple[str | None, bool]:
    """(the value as shown, whether it is JSON data); None stays None (nothing before / after).
    names: the organisation of each review an agenda names; accounts: "name（工号）" by account name
    (a foreign key to an account was recorded as the account's name, the 工号)."""
    if value is None:
        return None, False
    field = _field(object_type, name)
    if isinstance(field, models.JSONField) and isinstance(value, str) and value.startswith("["):
        try:  # a list recorded as its Python text (snapshot() of a JSON list)
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            pass
    if _is_account(field) and isinstance(value, str):
        return (accounts or {}).get(value, value), False
    if name in DATA_KEYS:
        return (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)), True
    if isinstance(value, bool):
        return (_("Yes") if value else _("No")), False
    if name == "agenda" and isinstance(value, list):
        return _agenda(value, names), False
    if name == "categories" and isinstance(value, list) and all(isinstance(c, list) and len(c) == 2 for c in value):
        return "；".join(f"{category}（{weight}）" for category, weight in value), False
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "；".join(value), False
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False), True
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value)), False
    if field is None and name == "stage":  # a stage of the cycle's, a group's, or (older events) a Review's
        from shuzhi.cycles.stages import Stage

        return str(dict(Stage.choices).get(value, value)), False
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"), False
    return str(value), False


def _agenda_names(events: list[AuditEvent]) -> dict[int, str]:
    """The organisation of every review named in the events' agendas, in one query."""
    from shuzhi.cycles.models import Review

    ids = {
        review_id
        for event in events
        for side in (event.before or {}, event.after or {})
        for review_id, _mode in (side.get("agenda") or [])
    }
    if not ids:
        return {}
    return dict(Review.objects.filter(pk__in=ids).values_list("pk", "organization__name"))


def _account_names(events: list[AuditEvent]) -> dict[str, str]:
    """ "name（工号）" of every account the events' values name, in one query (none if they name none)."""
    from shuzhi.orgs.models import Person

    usernames = {
        value
        for event in events
        for name, *values in event.changes()
        if _is_account(_field(event.object_type, name))
        for value in values
        if isinstance(value, str)
    }
    if not usernames:
        return {}
    return {
        username: f"{name}（{staff_no}）"
        for username, name, staff_no in Person.objects.filter(user__username__in=usernames).values_list(
            "user__username", "name", "staff_no"
        )
    }


def describe(events: list[AuditEvent]) -> None:
    """Set actor_label, object_label, type_label and changes (a list of Change) on each event."""
    from shuzhi.orgs.models import Person

    names = _agenda_names(events)
    accounts = _account_names(events)
    person_ids = {event.person_id for event in events if event.person_id}
    people = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "name")) if person_ids else {}
    for event in events:
        event.person_name = people.get(event.person_id, "")
        event.actor_label = actor_label(event)
        event.object_label = object_label(event)
        event.type_label = object_type_label(event.object_type) if event.object_type else ""
        event.verb_label = legacy.verb_label(event)
        event.note_shown = "" if event.note == event.verb_label else event.note
        event.change_rows = []
        for name, before, after in event.changes():
            old, old_data = value_label(event.object_type, name, before, names, accounts)
            new, new_data = value_label(event.object_type, name, after, names, accounts)
            event.change_rows.append(
                Change(
                    field_label(event.object_type, name),
                    old,
                    new,
                    old_data or new_data,
                    label_is_key=qualified(event.object_type) == "reports.qualityrules",
                )
            )
