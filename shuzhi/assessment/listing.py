"""The cycle's check list (filtered by organisation, inspector and method) and the org dept's method
shares: what the pages show, read through shuzhi.orgs.access, a fixed number of queries each."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from shuzhi.assessment.models import NOT_PREFERRED_METHODS, CheckStatus, Method
from shuzhi.orgs import access
from shuzhi.orgs.models import Organization

NOT_PREFERRED = "not_preferred"
PAGE = 200


class CheckFilterForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None)
    inspector = forms.TypedChoiceField(label=_("Inspector"), required=False, coerce=int, empty_value=None)
    method = forms.ChoiceField(label=_("Method"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + CheckStatus.choices)

    def __init__(self, *args, organizations, inspectors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("All"))] + [(o.pk, o.name) for o in organizations]
        self.fields["inspector"].choices = [("", _("All"))] + [(u.pk, u.display_name) for u in inspectors]
        self.fields["method"].choices = [("", _("All")), (NOT_PREFERRED, _("Any not preferred method"))] + list(
            Method.choices
        )


def check_list_context(request, cycle) -> dict:
    checks = access.visible_checks(request.user).filter(cycle=cycle)
    org_ids = set(checks.values_list("organization_id", flat=True))
    user_ids = set(checks.values_list("recorded_by_id", flat=True))
    form = CheckFilterForm(
        request.GET or None,
        organizations=Organization.objects.filter(pk__in=org_ids).order_by("kind", "sort_order", "name"),
        inspectors=get_user_model().objects.filter(pk__in=user_ids).select_related("person").order_by("username"),
    )
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["organization"]:
            checks = checks.filter(organization_id=data["organization"])
        if data["inspector"]:
            checks = checks.filter(recorded_by_id=data["inspector"])
        if data["method"] == NOT_PREFERRED:
            checks = checks.filter(uses_not_preferred=True)
        elif data["method"]:
            # The list is stored as JSON text; a code in quotes is one element (no code contains another).
            checks = checks.filter(methods__icontains=f'"{data["method"]}"')
        if data["status"]:
            checks = checks.filter(status=data["status"])
        filtered = any(data.values())
    checks = list(checks.select_related("organization", "recorded_by__person").order_by("-date", "-id")[:PAGE])
    return {
        "cycle": cycle,
        "checks": checks,
        "filter_form": form,
        "filtered": filtered,
        "can_inspect": access.can_inspect_in(request.user, cycle),
        "can_set_up": access.can_set_up_assessment(request.user),
    }


class Share:
    """Of `total` recorded checks, how many used a not-preferred method (听汇报、查资料、看台账), and how
    many used each method."""

    def __init__(self, label: str, key: int | None = None) -> None:
        self.label = label
        self.key = key
        self.total = 0
        self.not_preferred = 0
        self.by_method = {m.value: 0 for m in Method}

    def add(self, methods: list[str]) -> None:
        self.total += 1
        if any(m in NOT_PREFERRED_METHODS for m in methods):
            self.not_preferred += 1
        for m in methods:
            if m in self.by_method:
                self.by_method[m] += 1

    @property
    def percent(self) -> Decimal | None:
        """The not-preferred share in per cent, exact (pages round it)."""
        return Decimal(self.not_preferred * 100) / self.total if self.total else None

    def method_counts(self) -> list[int]:
        return [self.by_method[m.value] for m in Method]


def method_shares(user, cycle) -> dict:
    """Per inspector, per organisation and overall: the shares of the cycle's recorded checks (those the
    user sees: all, for the org dept) that used a not-preferred method. Three queries."""
    recorded = access.visible_checks(user).filter(cycle=cycle, status=CheckStatus.RECORDED)
    rows = list(recorded.values_list("recorded_by_id", "organization_id", "methods").order_by("id"))
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in={r[0] for r in rows}).select_related("person")}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in={r[1] for r in rows})}
    overall = Share(str(_("All checks")))
    by_user: dict[int, Share] = {}
    by_org: dict[int, Share] = {}
    for user_id, org_id, methods in rows:
        overall.add(methods or [])
        by_user.setdefault(user_id, Share(users[user_id].display_name, user_id)).add(methods or [])
        by_org.setdefault(org_id, Share(orgs[org_id].name, org_id)).add(methods or [])

    def ordered(shares: dict[int, Share]) -> list[Share]:
        return sorted(shares.values(), key=lambda s: (-(s.percent or 0), -s.total, s.label))

    return {
        "overall": overall,
        "by_inspector": ordered(by_user),
        "by_organization": ordered(by_org),
        "methods": list(Method),
        "not_preferred_methods": NOT_PREFERRED_METHODS,
    }
