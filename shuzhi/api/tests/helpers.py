"""Small helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuzhi.audit.models import AuditEvent
from shuzhi.cycles.models import PreparationItem, Review, ReviewCycle
from shuzhi.meetings.models import Meeting
from shuzhi.orgs.models import Organization, Person, Position
from shuzhi.voting.models import Survey, VoterCategory


def post(client, url: str, data: dict[str, Any] | None = None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def patch(client, url: str, data: dict[str, Any], **extra):
    return client.patch(url, data, content_type="application/json", **extra)


def row_counts() -> dict[str, int]:
    """How many rows each table the API can change holds, to show that a refused request wrote nothing."""
    return {
        "organizations": Organization.objects.count(),
        "people": Person.objects.count(),
        "positions": Position.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def fields_of(response) -> list[str | None]:
    """The `field` of each entry of a 422 answer."""
    assert response.status_code == 422, response.content
    return [entry["field"] for entry in response.json()["detail"]]


def query_count(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(queries)


# Which objects an id parameter or field of the API names (the generated-input tests use real ones).
ID_MODELS = {
    "org_id": Organization,
    "parent_id": Organization,
    "organization_id": Organization,
    "reviewer_id": Organization,
    "person_id": Person,
    "position_id": Position,
    "review_id": Review,
    "cycle_id": ReviewCycle,
    "meeting_id": Meeting,
    "survey_id": Survey,
    "item_id": PreparationItem,
    "category_id": VoterCategory,
}


def known_ids() -> dict[str, list[int]]:
    """{id name: the ids that exist}, and under "" all of them (with 1 and 2)."""
    known = {name: sorted(model.objects.values_list("pk", flat=True)) for name, model in ID_MODELS.items()}
    known[""] = sorted({1, 2, *(pk for pks in known.values() for pk in pks)})
    return known
