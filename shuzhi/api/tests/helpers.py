"""Small helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuzhi.audit.models import AuditEvent
from shuzhi.orgs.models import Organization, Person, Position


def post(client, url: str, data: dict[str, Any] | None = None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def patch(client, url: str, data: dict[str, Any], **extra):
    return client.patch(url, data, content_type="application/json", **extra)


def row_counts() -> dict[str, int]:
    """How many rows each table the API can change holds, to show that a refused request wrote nothing."""
    return {
        "organizations": Organization.objects.count(), "people": Person.objects.count(),
        "positions": Position.objects.count(), "audit_events": AuditEvent.objects.count(),
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
