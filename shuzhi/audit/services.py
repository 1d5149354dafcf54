"""Recording audit events. Every service that changes state calls record() inside its transaction.

Each event joins the hash chain (shuzhi.audit.chain): AuditEvent.save() takes the chain lock, which is
held until the caller's transaction commits, so record() late in a transaction keeps that lock short."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import HttpRequest

from shuzhi.audit import verbs
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.verbs import Verb


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. Behind the reverse proxy (BEHIND_PROXY) REMOTE_ADDR is the proxy's own, so
    the address is the last one in X-Forwarded-For: the proxy appends the address it saw, and anything
    before it was written by the client and proves nothing."""
    if request is None:
        return None
    forwarded = None
    if settings.BEHIND_PROXY:
        forwarded = _address(request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1])
    # No header, or not an address: the request did not come through the proxy.
    return forwarded or request.META.get("REMOTE_ADDR") or None


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-able view of the named fields; foreign keys are stored as their str()."""
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = str(value)
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        data[name] = value
    return data


def object_type_of(obj: models.Model) -> str:
    """How an event names its object's type: app label and model name ("cycles.review")."""
    return obj._meta.label_lower


def person_concerned(obj: models.Model | None) -> int | None:
    """The person an event about obj concerns, where the object says: the person itself, the holder of
    a position or an account, the secretary of a review (or of the review a report, preparation item
    or comment belongs to). Not the actor."""
    from shuzhi.orgs.models import Person

    if obj is None:
        return None
    if isinstance(obj, Person):
        return obj.pk
    for attribute in ("person_id", "secretary_id"):
        if getattr(obj, attribute, None) is not None:
            return getattr(obj, attribute)
    if obj._meta.label_lower == "accounts.user":
        try:
            return obj.person.pk
        except ObjectDoesNotExist:
            return None
    review = getattr(obj, "review", None) if getattr(obj, "review_id", None) is not None else None
    return getattr(review, "secretary_id", None)


def record(
    actor: Any,
    verb: Verb | str,
    obj: models.Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organization_id: int | None = None,
    object_repr: str = "",
    ip: str | None = None,
    note: str = "",
    person_id: int | None = None,
) -> AuditEvent:
    """Record that actor (an account, a name such as "system", or None) did verb (one of
    shuzhi.audit.verbs.Verb; anything else is refused) to obj. person_id: the person concerned, when
    the object does not say (see person_concerned)."""
    if not verbs.is_verb(verb):
        raise ValueError(f"record() takes a verb of shuzhi.audit.verbs.Verb, not {verb!r}")
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    actor_name = ""
    if is_user:
        actor_name = f"{getattr(actor, 'display_name', '')}（{actor.get_username()}）"
    elif isinstance(actor, str):
        actor_name = actor
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=actor_name[:150],
        action=verbs.kind_of(verb),
        verb=str(verb),
        object_type=object_type_of(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        organization_id=organization_id,
        before=before,
        after=after,
        ip=ip,
        note=note[:500],
        person_id=person_id if person_id is not None else person_concerned(obj),
    )
