"""The audit log's hash chain: each event stores a SHA-256 over its own stored fields and the previous
event's hash (insertion order = primary key order), so an event changed, removed or slipped in later
with SQL breaks the chain at that point (manage.py verify_audit).

The hash is computed before the INSERT from the values exactly as they will be read back, so the
writer takes the chain lock first (lock_chain) and holds it until its transaction commits: two writers
can then never chain to the same predecessor. The lock makes audit-writing transactions commit one
after the other; on SQLite IMMEDIATE transactions already do.

This module is imported by migration 0004 (the backfill): change the serialisation of the fields
events already have only with a new migration that recomputes the chain.

Fields added later (EXTENSION_FIELDS: the verb and the person concerned, migration 0005) join the hash
without changing it for events that leave them empty: such an event is hashed exactly as before the
fields existed (a list of the twelve first fields), while one that sets any of them is hashed with a
thirteenth element holding them all, so old chains verify as they are (the log is append-only; no
event is rewritten) and clearing or changing a new field of a new event breaks its hash. A field
added in future goes at the end of EXTENSION_FIELDS with an empty default.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

# The stored fields the hash covers, in this order (everything but the key and the hash itself).
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "organization_id",
    "before",
    "after",
    "ip",
    "note",
)
# Added later; hashed only when one is set (see above). Their empty values:
EXTENSION_FIELDS = {"verb": "", "person_id": None}
GENESIS = ""
# pg_advisory_xact_lock key: 'shuzhi audit chain' (any constant the application uses for nothing else).
PG_LOCK_KEY = 0x5A4155444954


def _json(value: Any) -> Any:
    """A JSONField's value as it comes back from the database (tuples become lists, keys strings)."""
    return None if value is None else json.loads(json.dumps(value))


def _ip(value: str | None) -> str | None:
    """The address in one spelling whatever the database returns (PostgreSQL's inet rewrites IPv6)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value).split("/")[0]))
    except ValueError:
        return str(value)


def canonical(values: Mapping[str, Any]) -> str:
    at = values["at"]
    if isinstance(at, datetime.datetime):
        at = at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    row = [
        at,
        *(values[name] for name in HASHED_FIELDS[1:8]),
        _json(values["before"]),
        _json(values["after"]),
        _ip(values["ip"]),
        values["note"],
    ]
    extension = {name: values.get(name, empty) for name, empty in EXTENSION_FIELDS.items()}
    if any(extension[name] not in (empty, None, "") for name, empty in EXTENSION_FIELDS.items()):
        row.append(extension)
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(prev_hash: str, values: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(values)}".encode()).hexdigest()


def values_of(obj: Any) -> dict[str, Any]:
    """The hashed values of an event (or of an object with its fields as attributes; one from before
    the extension fields existed, such as migration 0004's historical model, has them empty)."""
    values = {name: getattr(obj, name) for name in HASHED_FIELDS}
    values.update((name, getattr(obj, name, empty)) for name, empty in EXTENSION_FIELDS.items())
    return values


def lock_chain(using: str | None = None) -> str:
    """Take the chain lock for the rest of the current transaction; return the newest event's hash."""
    from shuzhi.audit.models import AuditEvent

    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        raise RuntimeError("the audit chain is extended inside a transaction only")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])
    # SQLite: the IMMEDIATE transaction holds the database's write lock since BEGIN.
    newest = AuditEvent.objects.using(connection.alias).order_by("-pk").values_list("hash", flat=True).first()
    return newest or GENESIS


def link(rows: Iterable[Any], prev_hash: str) -> str:
    """Set prev_hash and hash on unsaved rows (objects with the HASHED_FIELDS as attributes), in the
    order they will be inserted; return the last hash."""
    for row in rows:
        row.prev_hash = prev_hash
        row.hash = prev_hash = event_hash(prev_hash, values_of(row))
    return prev_hash


@dataclass(frozen=True)
class Break:
    kind: str  # "changed", "removed" or "inserted"
    event_id: int
    previous_id: int | None


@dataclass(frozen=True)
class Verification:
    count: int
    head: str
    broken: Break | None


def verify(rows: Iterator[Any], window: int = 10_000) -> Verification:
    """Walk the events in key order (objects with id, prev_hash, hash and the HASHED_FIELDS); stop at
    the first break and name the event where it is:

    changed:  it chains to its predecessor but its fields no longer give its hash;
    inserted: the next event chains past it, or an event further on chains to one before it (one
              slipped in with a hash computed to fit);
    removed:  it is intact but chains to an event no longer there: the one before was removed (or
              changed with its hash recomputed).

    Removing the newest events leaves no trace here: compare the count and head hash with ones
    noted down earlier."""
    expected, previous_id, count = GENESIS, None, 0
    recent: deque[tuple[int, str]] = deque(maxlen=window)  # (id, hash) of the events accepted last
    current = next(rows, None)
    while current is not None:
        following = next(rows, None)
        count += 1
        self_consistent = current.hash == event_hash(current.prev_hash, values_of(current))
        if current.prev_hash != expected or not self_consistent:
            if following is not None and following.prev_hash == expected:
                return Verification(count, expected, Break("inserted", current.id, previous_id))
            if current.prev_hash == expected:
                return Verification(count, expected, Break("changed", current.id, previous_id))
            ids = [event_id for event_id, _hash in recent]
            hashes = [digest for _id, digest in recent]
            if current.prev_hash in hashes[:-1]:
                at = hashes.index(current.prev_hash)
                return Verification(count, expected, Break("inserted", ids[at + 1], ids[at]))
            kind = "removed" if self_consistent else "inserted"
            return Verification(count, expected, Break(kind, current.id, previous_id))
        recent.append((current.id, current.hash))
        expected, previous_id, current = current.hash, current.id, following
    return Verification(count, expected, None)
