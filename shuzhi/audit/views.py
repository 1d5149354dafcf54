from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.utils.translation import gettext_lazy as _

from shuzhi.audit import display
from shuzhi.audit.models import AuditAction, AuditEvent
from shuzhi.orgs.access import can_read_audit, visible_organizations

PER_PAGE = 50
OBJECT_TYPES = [("", "—"), ("organization", _("organisation")), ("person", _("person")),
                ("position", _("position")), ("user", _("account"))]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), max_length=50, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", "—"), *AuditAction.choices], required=False)
    object_type = forms.ChoiceField(label=_("Object type"), choices=OBJECT_TYPES, required=False)
    organization = forms.IntegerField(label=_("Organisation"), required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


@login_required
@require_GET
def audit_list(request):
    """The audit log, newest first; the org dept only."""
    if not can_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_name__contains=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["organization"]:
            events = events.filter(organization_id=data["organization"])
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    org_names = dict(visible_organizations(request.user).filter(
        pk__in={e.organization_id for e in page if e.organization_id}).values_list("pk", "name"))
    for event in page:
        event.org_name = org_names.get(event.organization_id)
    display.describe(list(page))
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})
