"""API endpoints for positions (a person's term in an organisation)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from shuzhi.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    PageIn,
    PositionCreateIn,
    PositionEndIn,
    PositionFilters,
    PositionOut,
    PositionPageOut,
    position_out,
)
from shuzhi.audit.services import client_ip
from shuzhi.core.inputs import IdParam
from shuzhi.orgs import access, services
from shuzhi.orgs.models import Position

router = Router(tags=["positions"])


def _out(request: HttpRequest, position: Position) -> PositionOut:
    """The position as it is now, looked up again through access (with its person and organisation)."""
    return position_out(access.access_position(request.user, position.pk))


@router.get(
    "/positions",
    response={200: PositionPageOut, **READ_ERRORS},
    summary="List positions in organisations the user may see",
)
def list_positions(request: HttpRequest, filters: Query[PositionFilters], page: Query[PageIn]) -> PositionPageOut:
    user = request.user
    positions = access.visible_positions(user)
    if filters.organization_id is not None:
        positions = positions.filter(organization=access.access_organization(user, filters.organization_id))
    if filters.person_id is not None:
        positions = positions.filter(person=access.access_person(user, filters.person_id))
    if filters.current is True:
        positions = positions.current()
    elif filters.current is False:
        today = timezone.localdate()
        positions = positions.filter(Q(start_date__gt=today) | Q(end_date__lt=today))
    positions = positions.select_related("person", "organization").order_by(
        "organization__sort_order", "organization__name", "role", "-start_date", "pk"
    )
    today = timezone.localdate()
    items = [position_out(p, today) for p in positions[page.offset : page.offset + page.limit]]
    return PositionPageOut(count=positions.count(), limit=page.limit, offset=page.offset, items=items)


@router.post(
    "/positions",
    response={201: PositionOut, **WRITE_ERRORS},
    summary="Appoint a person to a position (organisation department only); repeating it changes nothing",
)
def create_position(request: HttpRequest, payload: PositionCreateIn) -> Status:
    user = request.user
    organization = access.access_organization(user, payload.organization_id, manage=True)
    person = access.access_person(user, payload.person_id)
    position = services.appoint(
        user,
        person=person,
        organization=organization,
        role=payload.role.value,
        start_date=payload.start_date,
        end_date=payload.end_date,
        ip=client_ip(request),
    )
    return Status(201, _out(request, position))


@router.post(
    "/positions/{position_id}/end",
    response={200: PositionOut, **WRITE_ERRORS},
    summary="End a term on end_date (inclusive); ending it on the same day again changes nothing",
)
def end_position(request: HttpRequest, position_id: IdParam, payload: PositionEndIn) -> PositionOut:
    position = access.access_position(request.user, position_id, manage=True)
    return _out(request, services.end_position(request.user, position, payload.end_date, ip=client_ip(request)))
