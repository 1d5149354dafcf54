from django.urls import reverse
from django.utils.translation import gettext as _

from shuzhi.orgs.access import Role, scope_for


def navigation(request):
    """The navigation entries for the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": frozenset()}
    scope = scope_for(user)
    items = [(_("Home"), reverse("core:home"))]
    if Role.BRANCH in scope.roles or Role.GENERAL_BRANCH in scope.roles:
        items.append((_("My review"), reverse("cycles:mine")))
    items.append((_("Review cycles"), reverse("cycles:list")))
    if scope.sees_all or Role.GENERAL_BRANCH in scope.roles:
        items.append((_("Review meetings"), reverse("meetings:list")))
    items.append((_("Organisations"), reverse("orgs:tree")))
    items.append((_("People"), reverse("orgs:people")))
    if scope.can_manage:
        items.append((_("Import"), reverse("orgs:import")))
        items.append((_("Audit log"), reverse("audit:list")))
    role_names = {
        Role.ORG_DEPT: _("Organisation department"),
        Role.COMMITTEE: _("Party committee member"),
        Role.GENERAL_BRANCH: _("General branch leader"),
        Role.BRANCH: _("Branch secretary"),
    }
    return {
        "nav_items": items,
        "user_roles": scope.roles,
        "user_role_names": [role_names[r] for r in Role if r in scope.roles],
    }
