"""API endpoints for people (keyed by 工号) and their login accounts' active state."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from shuzhi.api.errors import errors_about
from shuzhi.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    PageIn,
    PersonCreateIn,
    PersonDetailOut,
    PersonFilters,
    PersonPageOut,
    PersonPatchIn,
    person_detail_out,
    person_out,
)
from shuzhi.audit.services import client_ip
from shuzhi.core.inputs import IdParam
from shuzhi.orgs import access, services
from shuzhi.orgs.models import Person

router = Router(tags=["people"])


def _detail(request: HttpRequest, person: Person) -> PersonDetailOut:
    positions = (
        access.visible_positions(request.user)
        .filter(person=person)
        .select_related("person", "organization")
        .order_by("-start_date", "pk")
    )
    return person_detail_out(person, positions)


@router.get(
    "/people", response={200: PersonPageOut, **READ_ERRORS}, summary="List the people the user may see, by 工号"
)
def list_people(request: HttpRequest, filters: Query[PersonFilters], page: Query[PageIn]) -> PersonPageOut:
    people = access.visible_people(request.user)
    q = (filters.q or "").strip()
    if q:
        people = people.filter(Q(name__contains=q) | Q(staff_no__contains=q))
    if filters.active is not None:
        people = people.filter(is_active=filters.active)
    people = people.order_by("staff_no", "pk")
    items = [person_out(p) for p in people[page.offset : page.offset + page.limit]]
    return PersonPageOut(count=people.count(), limit=page.limit, offset=page.offset, items=items)


@router.get(
    "/people/{person_id}",
    response={200: PersonDetailOut, **READ_ERRORS},
    summary="One person, with their positions in organisations the user may see",
)
def get_person(request: HttpRequest, person_id: IdParam) -> PersonDetailOut:
    return _detail(request, access.access_person(request.user, person_id))


@router.post(
    "/people",
    response={201: PersonDetailOut, **WRITE_ERRORS},
    summary="Create a person and their login account (organisation department only)",
)
def create_person(request: HttpRequest, payload: PersonCreateIn) -> Status:
    access.check_manage(request.user)
    with errors_about("initial_password"):
        person = services.create_person(
            request.user,
            name=payload.name,
            staff_no=payload.staff_no,
            phone=payload.phone,
            gender=payload.gender,
            is_party_member=payload.is_party_member,
            initial_password=payload.initial_password or None,
            ip=client_ip(request),
        )
    return Status(201, _detail(request, person))


@router.patch(
    "/people/{person_id}",
    response={200: PersonDetailOut, **WRITE_ERRORS},
    summary="Change a person's details (organisation department only)",
)
def update_person(request: HttpRequest, person_id: IdParam, payload: PersonPatchIn) -> PersonDetailOut:
    person = access.access_person(request.user, person_id, manage=True)
    changes = payload.model_dump(exclude_unset=True)
    fields = {key: getattr(person, key) for key in ("name", "staff_no", "phone", "gender", "is_party_member")}
    for key, value in changes.items():
        # An explicit null clears a text field (and the services then say what is missing).
        fields[key] = value if value is not None else ("" if key != "is_party_member" else fields[key])
    person = services.update_person(request.user, person, ip=client_ip(request), **fields)
    return _detail(request, person)


@router.post(
    "/people/{person_id}/deactivate",
    response={200: PersonDetailOut, **WRITE_ERRORS},
    summary="Deactivate a person who left: open positions end today, the account is disabled",
)
def deactivate_person(request: HttpRequest, person_id: IdParam) -> PersonDetailOut:
    person = access.access_person(request.user, person_id, manage=True)
    return _detail(request, services.deactivate_person(request.user, person, ip=client_ip(request)))


@router.post(
    "/people/{person_id}/reactivate",
    response={200: PersonDetailOut, **WRITE_ERRORS},
    summary="Reactivate a person and their account",
)
def reactivate_person(request: HttpRequest, person_id: IdParam) -> PersonDetailOut:
    person = access.access_person(request.user, person_id, manage=True)
    return _detail(request, services.reactivate_person(request.user, person, ip=client_ip(request)))
