"""GET /api/me: who the session belongs to and what they may see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from shuzhi.api.schemas import READ_ERRORS, MeOut
from shuzhi.orgs import access

router = Router(tags=["me"])


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="The signed-in user, their roles and scope")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    scope = access.scope_for(user)
    return MeOut(
        username=user.get_username(),
        name=user.display_name,
        roles=sorted(str(role) for role in scope.roles),
        can_manage=access.can_manage(user),
        visible_organization_count=access.visible_organizations(user).count(),
    )
