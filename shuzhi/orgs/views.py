"""Organisation tree, people and positions pages. Thin: lookups through access, changes through services."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.accounts import services as account_services
from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.orgs import access, services
from shuzhi.orgs.forms import (
    AppointForm,
    EndPositionForm,
    OrganizationCreateForm,
    OrganizationEditForm,
    OrganizationMoveForm,
    PasswordResetForm,
    PersonCreateForm,
    PersonForm,
)
from shuzhi.orgs.models import Organization, OrgKind, Position, PositionRole
from shuzhi.orgs.rules import REQUIRED_PARENT_KIND
from shuzhi.orgs.tree import in_tree_order, order_by_tree


@dataclass
class TreeNode:
    org: Organization
    secretary: str = ""
    children: list[TreeNode] = field(default_factory=list)


def build_tree(orgs: list[Organization], secretaries: dict[int, str]) -> list[TreeNode]:
    nodes = {org.pk: TreeNode(org, secretaries.get(org.pk, "")) for org in orgs}
    roots: list[TreeNode] = []
    for org in orgs:
        parent = nodes.get(org.parent_id) if org.parent_id else None
        (parent.children if parent else roots).append(nodes[org.pk])
    return roots


@login_required
@require_GET
def tree(request):
    show_inactive = request.GET.get("inactive") == "1"
    orgs = access.visible_organizations(request.user)
    if not show_inactive:
        orgs = orgs.filter(is_active=True)
    orgs = in_tree_order(orgs)
    secretaries = dict(
        Position.objects.current()
        .filter(role=PositionRole.SECRETARY, organization__in=[o.pk for o in orgs])
        .values_list("organization_id", "person__name")
    )
    return render(
        request,
        "orgs/tree.html",
        {
            "roots": build_tree(orgs, secretaries),
            "show_inactive": show_inactive,
            "can_manage": access.can_manage(request.user),
            "count": len(orgs),
        },
    )


@login_required
@require_GET
def detail(request, org_id: int):
    org = access.access_organization(request.user, org_id)
    today = timezone.localdate()
    positions = list(org.positions.select_related("person").order_by("-start_date"))
    current = [p for p in positions if p.is_current(today)]
    past = [p for p in positions if not p.is_current(today)]
    children = order_by_tree(access.visible_organizations(request.user).filter(parent=org))
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "current_positions": current,
            "past_positions": past,
            "children": children,
            "can_manage": access.can_manage(request.user),
            "can_have_children": org.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH),
            "parent_visible": org.parent_id
            and access.visible_organizations(request.user).filter(pk=org.parent_id).exists(),
        },
    )


def _parents_for(kind: str | None):
    kinds = [k for k in (REQUIRED_PARENT_KIND.get(kind),) if k] if kind else [OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH]
    return order_by_tree(Organization.objects.filter(is_active=True, kind__in=kinds))


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    access.check_manage(request.user)
    initial = {}
    parent_id = request.GET.get("parent")
    if parent_id:
        parent = access.access_organization(request.user, parent_id)
        initial["parent"] = parent
        initial["kind"] = OrgKind.BRANCH if parent.kind == OrgKind.GENERAL_BRANCH else OrgKind.GENERAL_BRANCH
    form = OrganizationCreateForm(request.POST or None, initial=initial, parents=_parents_for(None))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = services.create_organization(
                request.user,
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                sort_order=data.get("sort_order") or 0,
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": org.name})
            return redirect("orgs:detail", org.pk)
    return render(request, "orgs/form.html", {"form": form, "title": _("New organisation")})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, org_id: int):
    org = access.access_organization(request.user, org_id, manage=True)
    form = OrganizationEditForm(request.POST or None, initial={"name": org.name, "sort_order": org.sort_order})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization(
                request.user,
                org,
                name=form.cleaned_data["name"],
                sort_order=form.cleaned_data.get("sort_order"),
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("orgs:detail", org.pk)
    return render(
        request, "orgs/form.html", {"form": form, "org": org, "title": _("Rename %(name)s") % {"name": org.name}}
    )


@login_required
@require_http_methods(["GET", "POST"])
def move(request, org_id: int):
    org = access.access_organization(request.user, org_id, manage=True)
    if org.kind == OrgKind.COMMITTEE:
        messages.error(request, _("The Party committee is the root of the tree and cannot be moved."))
        return redirect("orgs:detail", org.pk)
    parents = _parents_for(org.kind).exclude(pk=org.pk)
    form = OrganizationMoveForm(request.POST or None, initial={"parent": org.parent_id}, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_organization(request.user, org, form.cleaned_data["parent"], ip=client_ip(request))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now sits under %(parent)s.")
                % {"name": org.name, "parent": form.cleaned_data["parent"].name},
            )
            return redirect("orgs:detail", org.pk)
    return render(
        request, "orgs/form.html", {"form": form, "org": org, "title": _("Move %(name)s") % {"name": org.name}}
    )


@login_required
@require_POST
def set_active(request, org_id: int, active: bool):
    org = access.access_organization(request.user, org_id, manage=True)
    try:
        if active:
            services.reactivate_organization(request.user, org, ip=client_ip(request))
            messages.success(request, _("%(name)s is active again.") % {"name": org.name})
        else:
            services.deactivate_organization(request.user, org, ip=client_ip(request))
            messages.success(request, _("%(name)s has been deactivated; its history is kept.") % {"name": org.name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("orgs:detail", org.pk)


@login_required
@require_http_methods(["GET", "POST"])
def appoint(request, org_id: int):
    org = access.access_organization(request.user, org_id, manage=True)
    form = AppointForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appoint(
                request.user,
                person=form.person,
                organization=org,
                role=data["role"],
                start_date=data["start_date"],
                end_date=data.get("end_date"),
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Position saved."))
            return redirect("orgs:detail", org.pk)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": org, "title": _("Add a position in %(name)s") % {"name": org.name}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_position(request, position_id: int):
    position = access.access_position(request.user, position_id, manage=True)
    form = EndPositionForm(request.POST or None, initial={"end_date": position.end_date or timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_position(request.user, position, form.cleaned_data["end_date"], ip=client_ip(request))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Term end saved."))
            return redirect("orgs:detail", position.organization_id)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": position.organization, "title": _("End the term: %(p)s") % {"p": position}},
    )


# --- People -------------------------------------------------------------------------------------

PEOPLE_PER_PAGE = 50


@login_required
@require_GET
def people(request):
    qs = access.visible_people(request.user)
    q = request.GET.get("q", "").strip()[:50]
    org_filter = request.GET.get("org", "")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(staff_no__contains=q) | Q(phone__contains=q))
    if org_filter:
        org = access.access_organization(request.user, org_filter)
        qs = qs.filter(positions__organization=org).distinct()
    if request.GET.get("inactive") != "1":
        qs = qs.filter(is_active=True)
    current = order_by_tree(Position.objects.current().select_related("organization"), "organization_id", "start_date")
    qs = qs.order_by("staff_no").prefetch_related(Prefetch("positions", queryset=current, to_attr="current_positions"))
    page = Paginator(qs, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    can_manage = access.can_manage(request.user)
    locked = account_services.locked_user_ids([p.user_id for p in page if p.user_id]) if can_manage else set()
    context = {
        "page": page,
        "q": q,
        "can_manage": can_manage,
        "locked_user_ids": locked,
        "inactive": request.GET.get("inactive") == "1",
        "org_filter": org_filter,
    }
    template = "orgs/people_rows.html" if request.headers.get("HX-Request") else "orgs/people.html"
    return render(request, template, context)


@login_required
@require_GET
def person_detail(request, person_id: int):
    person = access.access_person(request.user, person_id)
    positions = (
        access.visible_positions(request.user)
        .filter(person=person)
        .select_related("organization")
        .order_by("-start_date")
    )
    can_manage = access.can_manage(request.user)
    return render(
        request,
        "orgs/person_detail.html",
        {
            "person": person,
            "positions": positions,
            "can_manage": can_manage,
            "today": timezone.localdate(),
            "reset_form": PasswordResetForm(),
            "login_locks": account_services.login_locks(person.user) if can_manage and person.user else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    access.check_manage(request.user)
    form = PersonCreateForm(request.POST or None, initial={"is_party_member": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.create_person(
                request.user,
                name=data["name"],
                staff_no=data["staff_no"],
                phone=data["phone"],
                gender=data["gender"],
                is_party_member=data["is_party_member"],
                initial_password=data.get("initial_password") or None,
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error, default_field="initial_password")
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": person.name})
            return redirect("orgs:person", person.pk)
    return render(request, "orgs/form.html", {"form": form, "title": _("New person")})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, person_id: int):
    person = access.access_person(request.user, person_id, manage=True)
    initial = {k: getattr(person, k) for k in ("name", "staff_no", "phone", "gender", "is_party_member")}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.user, person, ip=client_ip(request), **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("orgs:person", person.pk)
    return render(request, "orgs/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": person.name}})


@login_required
@require_POST
def person_set_active(request, person_id: int, active: bool):
    person = access.access_person(request.user, person_id, manage=True)
    try:
        if active:
            services.reactivate_person(request.user, person, ip=client_ip(request))
            messages.success(request, _("%(name)s is active again.") % {"name": person.name})
        else:
            services.deactivate_person(request.user, person, ip=client_ip(request))
            messages.success(
                request, _("%(name)s has been deactivated; open positions were ended.") % {"name": person.name}
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("orgs:person", person.pk)


@login_required
@require_POST
def person_unlock(request, person_id: int):
    """Lift the login locks on the person's account (the org dept, e.g. after a stranger's guesses)."""
    person = access.access_person(request.user, person_id, manage=True)
    if person.user is None or not account_services.unlock_login(request.user, person.user, ip=client_ip(request)):
        messages.info(request, _("%(name)s's account has no login lock.") % {"name": person.name})
    else:
        messages.success(
            request, _("Login locks lifted: %(name)s can sign in again from every computer.") % {"name": person.name}
        )
    return redirect("orgs:person", person.pk)


@login_required
@require_POST
def person_reset_password(request, person_id: int):
    person = access.access_person(request.user, person_id, manage=True)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.reset_password(request.user, person, form.cleaned_data["new_password"], ip=client_ip(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Temporary password set. %(name)s must change it at the next login.") % {"name": person.name}
            )
    else:
        messages.error(request, _("Enter a temporary password."))
    return redirect("orgs:person", person.pk)
