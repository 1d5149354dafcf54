"""API endpoints for the organisation tree, people and positions."""

from ninja import Router

router = Router(tags=["orgs"])
