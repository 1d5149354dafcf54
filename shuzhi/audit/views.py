from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from shuzhi.audit import display, legacy
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.verbs import Verb
from shuzhi.orgs.access import can_read_audit, visible_organizations, visible_people

PER_PAGE = 50
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(label=_("What happened"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    organization = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None)
    actor = forms.CharField(
        label=_("Actor"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or staff number")}),
    )
    person = forms.CharField(
        label=_("Person concerned"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or staff number")}),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DATE, error_messages={"invalid": _("Enter a date such as 2026-03-01.")}
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DATE, error_messages={"invalid": _("Enter a date such as 2026-03-01.")}
    )

    def __init__(self, *args, organizations: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [("", "—"), *((code, str(label)) for code, label in Verb.choices)]
        self.fields["object_type"].choices = [("", "—"), *display.object_types()]
        self.fields["organization"].choices = [("", "—"), *organizations]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _person_ids(user, text: str) -> list[int]:
    return list(visible_people(user).filter(Q(name__contains=text) | Q(staff_no=text)).values_list("pk", flat=True))


def filtered_events(user, data: dict):
    events = AuditEvent.objects.all()
    if data["verb"]:
        events = events.filter(legacy.verb_q(data["verb"]))
    if data["object_type"]:
        model = display.qualified(data["object_type"])
        bare = model.rsplit(".", 1)[-1]
        events = events.filter(object_type__in=[model, bare])  # older events stored the bare name
    if data["organization"]:
        events = events.filter(organization_id=data["organization"])
    if data["actor"]:
        events = events.filter(actor_name__contains=data["actor"])
    if data["person"]:
        ids = _person_ids(user, data["person"])
        events = events.filter(
            Q(person_id__in=ids) | Q(person_id__isnull=True, object_type="person", object_id__in=[str(i) for i in ids])
        )
    if data["date_from"]:
        events = events.filter(at__date__gte=data["date_from"])
    if data["date_to"]:
        events = events.filter(at__date__lte=data["date_to"])
    return events


@login_required
@require_GET
def audit_list(request):
    """The audit log, newest first, filtered; the org dept only."""
    if not can_read_audit(request.user):
        raise PermissionDenied
    organizations = list(visible_organizations(request.user).order_by("sort_order", "name").values_list("pk", "name"))
    form = AuditFilterForm(request.GET or None, organizations=organizations)
    if form.is_bound and not form.is_valid():
        events = AuditEvent.objects.none()
    else:
        events = filtered_events(request.user, form.cleaned_data) if form.is_bound else AuditEvent.objects.all()
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    org_names = dict(organizations)
    for event in page:
        event.org_name = org_names.get(event.organization_id)
    display.describe(list(page))
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})
