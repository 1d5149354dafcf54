from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shuzhi.core import worklist
from shuzhi.orgs.access import scope_for, visible_organizations
from shuzhi.orgs.models import Organization, Person
from shuzhi.orgs.tree import order_by_tree


@login_required
@require_GET
def home(request):
    scope = scope_for(request.user)
    orgs = visible_organizations(request.user).filter(is_active=True)
    from shuzhi.orgs.access import Role

    context = {
        "scope": scope,
        "work": worklist.work_for(request.user),
        "is_secretary": bool(scope.roles & {Role.BRANCH, Role.GENERAL_BRANCH}),
        "is_general_branch": Role.GENERAL_BRANCH in scope.roles,
        "my_positions": order_by_tree(
            request.user.person.positions.current().select_related("organization"), "organization_id", "start_date"
        )
        if hasattr(request.user, "person")
        else [],
        "org_count": orgs.count(),
        "people_count": Person.objects.filter(is_active=True).count() if scope.sees_all else None,
        "top_orgs": order_by_tree(orgs.exclude(kind="committee"))[:8]
        if not scope.sees_all
        else Organization.objects.none(),
    }
    return render(request, "core/home.html", context)


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
