"""A review group's page (评议组): its stage, its gate (what is still missing, with counts and links),
the move button for whoever may move it, the org dept's override form, and the moves so far. Thin:
lookups through shuzhi.orgs.access, changes through shuzhi.cycles.groups."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shuzhi.audit.services import client_ip
from shuzhi.cycles import gates, groups, stages
from shuzhi.cycles.forms import AdvanceForm
from shuzhi.cycles.models import ReviewGroup
from shuzhi.orgs import access


def _group(request: HttpRequest, cycle_id: int, group_id: int) -> ReviewGroup:
    group = access.access_group(request.user, group_id)
    if group.cycle_id != cycle_id:
        raise Http404
    return group


def stepper(current_stage: str) -> list[dict]:
    current = stages.index(current_stage)
    return [
        {
            "value": value,
            "label": stages.Stage(value).label,
            "state": "done" if i < current else "current" if i == current else "todo",
        }
        for i, value in enumerate(stages.ORDER)
    ]


def unmet_links(group: ReviewGroup, unmet: list[gates.Unmet]) -> list[dict]:
    """Each unmet condition with the page that shows the Reviews or meetings it concerns."""
    board = reverse("cycles:detail", args=[group.cycle_id])
    found = []
    for item in unmet:
        if item.link == gates.MEETINGS:
            url = reverse("meetings:list")
        elif item.link == gates.GRADING:
            url = reverse("evaluation:grading", args=[group.pk])
        else:
            url = f"{board}?{urlencode({'reviewer': group.reviewer_id, **item.filters})}#progress-heading"
        found.append({"text": item.text, "count": item.count, "url": url, "code": item.code})
    return found


def _context(request: HttpRequest, group: ReviewGroup, form: AdvanceForm | None = None) -> dict:
    next_stage = stages.next_stage(group.stage)
    unmet = groups.gate(group) if next_stage else []
    user = request.user
    return {
        "group": group,
        "cycle": group.cycle,
        "steps": stepper(group.stage),
        "next_stage": next_stage,
        "next_stage_label": stages.Stage(next_stage).label if next_stage else "",
        "unmet": unmet_links(group, unmet),
        "can_move": access.can_move_group(user, group),
        "can_read_grading": access.can_read_grading(user, group),
        "can_override": access.can_override_gate(user),
        "changes": groups.stage_changes(group),
        "review_count": group.reviews.count(),
        "form": form or AdvanceForm(initial={"target": next_stage or ""}),
        "reason_max": groups.OVERRIDE_REASON_MAX,
    }


@login_required
@require_GET
def group_detail(request: HttpRequest, cycle_id: int, group_id: int) -> HttpResponse:
    group = _group(request, cycle_id, group_id)
    return render(request, "cycles/group.html", _context(request, group))


@login_required
@require_POST
def group_move(request: HttpRequest, cycle_id: int, group_id: int) -> HttpResponse:
    """Move the group to the stage named in the form; the service checks the gate and who may move it
    (and override it). On refusal the page comes back with the message and the typed reason."""
    group = _group(request, cycle_id, group_id)
    if not access.can_move_group(request.user, group):
        raise PermissionDenied
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            group = groups.move_group(
                request.user,
                group,
                form.cleaned_data["target"],
                override_reason=form.cleaned_data["override_reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(group)s is now in the “%(stage)s” stage.")
                % {"group": group.reviewer.name, "stage": stages.Stage(group.stage).label},
            )
            return redirect("cycles:group", group.cycle_id, group.pk)
    group.refresh_from_db()
    return render(request, "cycles/group.html", _context(request, group, form))
