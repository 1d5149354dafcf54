"""API endpoints for the organisation tree.

Lookups go through shuzhi.orgs.access (outside the scope: 404; visible but not the user's to change:
403), changes through shuzhi.orgs.services (tree rules, idempotence, audit records).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from shuzhi.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    OrganizationCreateIn,
    OrganizationDetailOut,
    OrganizationFilters,
    OrganizationOut,
    OrganizationPatchIn,
    organization_detail_out,
    organization_out,
)
from shuzhi.audit.services import client_ip
from shuzhi.core.inputs import IdParam
from shuzhi.orgs import access, rules, services
from shuzhi.orgs.models import Organization, PositionRole

router = Router(tags=["organizations"])


def _current_secretaries(request: HttpRequest) -> Prefetch:
    positions = (
        access.visible_positions(request.user).current().filter(role=PositionRole.SECRETARY).select_related("person")
    )
    return Prefetch("positions", queryset=positions, to_attr="api_current_secretaries")


def _detail(request: HttpRequest, org: Organization) -> OrganizationDetailOut:
    user = request.user
    children = (
        access.visible_organizations(user)
        .filter(parent=org)
        .order_by("sort_order", "name")
        .values_list("pk", flat=True)
    )
    positions = list(
        access.visible_positions(user)
        .current()
        .filter(organization=org)
        .select_related("person", "organization")
        .order_by("role", "start_date", "pk")
    )
    return organization_detail_out(org, children, positions)


@router.get(
    "/organizations",
    response={200: list[OrganizationOut], **READ_ERRORS},
    summary="List the organisations the user may see",
)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> list[OrganizationOut]:
    orgs = access.visible_organizations(request.user)
    if filters.kind is not None:
        orgs = orgs.filter(kind=filters.kind)
    if filters.parent_id is not None:
        orgs = orgs.filter(parent=access.access_organization(request.user, filters.parent_id))
    if filters.active is not None:
        orgs = orgs.filter(is_active=filters.active)
    orgs = orgs.order_by("sort_order", "name").prefetch_related(_current_secretaries(request))
    return [organization_out(org, org.api_current_secretaries) for org in orgs]


@router.get(
    "/organizations/{org_id}",
    response={200: OrganizationDetailOut, **READ_ERRORS},
    summary="One organisation, its children and its current positions",
)
def get_organization(request: HttpRequest, org_id: IdParam) -> OrganizationDetailOut:
    return _detail(request, access.access_organization(request.user, org_id))


@router.post(
    "/organizations",
    response={201: OrganizationDetailOut, **WRITE_ERRORS},
    summary="Create an organisation (organisation department only)",
)
def create_organization(request: HttpRequest, payload: OrganizationCreateIn) -> Status:
    access.check_manage(request.user)
    parent = None
    if payload.parent_id is not None:
        parent = access.access_organization(request.user, payload.parent_id)
    org = services.create_organization(
        request.user,
        name=payload.name,
        kind=payload.kind.value,
        parent=parent,
        sort_order=payload.sort_order,
        ip=client_ip(request),
    )
    return Status(201, _detail(request, org))


@router.patch(
    "/organizations/{org_id}",
    response={200: OrganizationDetailOut, **WRITE_ERRORS},
    summary="Rename, reorder or move an organisation (organisation department only)",
)
def update_organization(request: HttpRequest, org_id: IdParam, payload: OrganizationPatchIn) -> OrganizationDetailOut:
    user, ip = request.user, client_ip(request)
    changes = payload.model_dump(exclude_unset=True)
    # One transaction: a refused move also undoes a rename sent in the same request.
    with transaction.atomic():
        org = access.access_organization(user, org_id, manage=True)
        if "parent_id" in changes:
            if changes["parent_id"] is None:
                if org.parent_id is not None:
                    raise ValidationError({"parent": rules.parent_problem(org.kind, None)})
            else:
                org = services.move_organization(
                    user, org, access.access_organization(user, changes["parent_id"]), ip=ip
                )
        if "name" in changes or "sort_order" in changes:
            name = changes["name"] if "name" in changes else org.name
            org = services.update_organization(user, org, name=name or "", sort_order=changes.get("sort_order"), ip=ip)
    return _detail(request, org)


@router.post(
    "/organizations/{org_id}/deactivate",
    response={200: OrganizationDetailOut, **WRITE_ERRORS},
    summary="Deactivate an organisation; its open positions end today",
)
def deactivate_organization(request: HttpRequest, org_id: IdParam) -> OrganizationDetailOut:
    org = access.access_organization(request.user, org_id, manage=True)
    org = services.deactivate_organization(request.user, org, ip=client_ip(request))
    return _detail(request, org)


@router.post(
    "/organizations/{org_id}/reactivate",
    response={200: OrganizationDetailOut, **WRITE_ERRORS},
    summary="Reactivate a deactivated organisation",
)
def reactivate_organization(request: HttpRequest, org_id: IdParam) -> OrganizationDetailOut:
    org = access.access_organization(request.user, org_id, manage=True)
    org = services.reactivate_organization(request.user, org, ip=client_ip(request))
    return _detail(request, org)
