"""The org dept's daily-assessment pages of a cycle: the indicators (points, guidance), the scoring rule,
the inspectors it names, and the method shares (how often the not-preferred methods were used).

access.access_cycle finds the cycle (404 outside it) and access.check_set_up_assessment refuses anyone
but the org dept (403). Each change is one service call, audited; a refused change re-shows the page
with what was typed and the message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.assessment import forms, listing, scores, services
from shuzhi.assessment.models import Inspector
from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.orgs import access

BLANK_ROWS = 2


def _typed_rows(cycle) -> list[dict]:
    rows = [
        {"pk": i.pk, "name": i.name, "points": services._number(i.points), "guidance": i.guidance}
        for i in services.indicators_of(cycle)
    ]
    return rows + [{"pk": "", "name": "", "points": "", "guidance": ""} for _n in range(BLANK_ROWS)]


def _page(request, cycle, *, typed=None, indicator_errors=(), rule_form=None, inspector_form=None, status=200):
    indicators = services.indicators_of(cycle)
    return render(
        request,
        "assessment/settings.html",
        {
            "cycle": cycle,
            "rows": typed if typed is not None else _typed_rows(cycle),
            "indicator_errors": indicator_errors,
            "total_points": sum((i.points for i in indicators), start=0),
            "locked": services.indicators_locked(cycle),
            "locked_message": services.locked_message(),
            "rule_form": rule_form or forms.RuleForm(initial={"rule": scores.cycle_rule(cycle)}),
            "rule_statement": scores.rule_statement(scores.cycle_rule(cycle)),
            "inspectors": list(services.active_inspectors(cycle).order_by("person__staff_no")),
            "inspector_form": inspector_form or forms.InspectorForm(cycle=cycle),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.access_cycle(request.user, cycle_id)
    access.check_set_up_assessment(request.user)
    if request.method == "GET":
        return _page(request, cycle)
    if request.POST.get("action") == "rule":
        form = forms.RuleForm(request.POST)
        if form.is_valid():
            try:
                services.set_rule(request.user, cycle, form.cleaned_data["rule"], ip=client_ip(request))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Scoring rule saved."))
                return redirect("assessment:settings", cycle.pk)
        return _page(request, cycle, rule_form=form, status=400)
    rows, typed = forms.indicator_rows_from(request.POST)
    try:
        services.set_indicators(request.user, cycle, rows, ip=client_ip(request))
    except ValidationError as error:
        return _page(request, cycle, typed=typed, indicator_errors=error.messages, status=400)
    messages.success(request, _("Indicators saved."))
    return redirect("assessment:settings", cycle.pk)


@login_required
@require_POST
def inspector_name(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.access_cycle(request.user, cycle_id)
    access.check_set_up_assessment(request.user)
    form = forms.InspectorForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services.name_inspector(request.user, cycle, form.cleaned_data["person"], ip=client_ip(request))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Inspector named."))
            return redirect("assessment:settings", cycle.pk)
    return _page(request, cycle, inspector_form=form, status=400)


@login_required
@require_POST
def inspector_remove(request: HttpRequest, cycle_id: int, inspector_id: int) -> HttpResponse:
    cycle = access.access_cycle(request.user, cycle_id)
    access.check_set_up_assessment(request.user)
    inspector = get_object_or_404(Inspector, cycle=cycle, pk=inspector_id)  # another cycle's: 404
    services.remove_inspector(request.user, inspector, ip=client_ip(request))
    messages.success(request, _("%(name)s is no longer an inspector of this cycle.") % {"name": inspector.person.name})
    return redirect("assessment:settings", cycle.pk)


@login_required
@require_GET
def method_share(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.access_cycle(request.user, cycle_id)
    access.check_set_up_assessment(request.user)
    return render(
        request, "assessment/method_share.html", {"cycle": cycle, **listing.method_shares(request.user, cycle)}
    )
