"""The yearly cycle's pages: the list, opening a year, the cycle with its stages and progress board,
the board as .xlsx, and "my review". Thin: lookups through shuzhi.orgs.access, changes through
shuzhi.cycles.services. Preparation and prior problems have their own modules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.cycles import exports, gates, groups, progress, services, stages
from shuzhi.cycles.forms import (
    TITLE_PATTERN,
    AdvanceForm,
    CycleDatesForm,
    CycleOpenForm,
    ProgressFilterForm,
    default_title,
)
from shuzhi.cycles.models import ReportMode, Review, ReviewCycle
from shuzhi.orgs import access
from shuzhi.orgs.tree import in_tree_order, tree_rank, tree_ranks


def access_cycle(user, cycle_id: object) -> ReviewCycle:
    """The cycle if the user may see it, else 404 (decided by access.access_cycle)."""
    return access.access_cycle(user, cycle_id)


def _my_reviews(user):
    """The Reviews in which the user is the secretary (access.is_review_secretary, as a queryset)."""
    person_id = access.scope_for(user).person_id
    if person_id is None:
        return Review.objects.none()
    return access.visible_reviews(user).filter(secretary_id=person_id)


def default_year() -> int:
    """This year, or the first later year that has not been opened."""
    year = timezone.localdate().year
    opened = set(ReviewCycle.objects.filter(year__gte=year).values_list("year", flat=True))
    while year in opened:
        year += 1
    return year


@login_required
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = access.visible_reviews(user)
    cycles = access.visible_cycles(user)
    counts = visible.filter(cycle=OuterRef("pk")).order_by().values("cycle").annotate(n=Count("pk")).values("n")
    cycles = cycles.order_by("-year").annotate(review_count=Subquery(counts, output_field=IntegerField()))
    mine = dict(_my_reviews(user).values_list("cycle_id", "pk"))
    return render(
        request,
        "cycles/list.html",
        {
            "cycles": [(c, mine.get(c.pk)) for c in cycles],
            "can_manage": access.can_set_up_cycles(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_cycle(request: HttpRequest) -> HttpResponse:
    """The org dept opens a year: one Review per current secretary (services.open_cycle)."""
    access.check_set_up_cycles(request.user)
    year = default_year()
    form = CycleOpenForm(
        request.POST or None, initial={"year": year, "title": default_title(year), "report_mode": ReportMode.BOTH}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.open_cycle(
                request.user,
                year=data["year"],
                title=data["title"],
                key_items=data["key_items"],
                report_mode=data["report_mode"],
                preparation_due=data["preparation_due"],
                report_due=data["report_due"],
                meeting_from=data["meeting_from"],
                meeting_to=data["meeting_to"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The %(year)d cycle is open: %(n)d reviews were created, one per secretary.")
                % {"year": result.cycle.year, "n": result.reviews_created},
            )
            if result.without_secretary:
                messages.warning(
                    request,
                    _("These organisations have no current secretary, so no review was created for them: %(names)s.")
                    % {"names": "、".join(result.without_secretary)},
                )
            return redirect("cycles:detail", result.cycle.pk)
    return render(request, "cycles/open.html", {"form": form, "title_suffix": TITLE_PATTERN.format(year="")})


def _group_rows(user, cycle: ReviewCycle, ranks: dict[int, int]) -> list[dict]:
    """The review groups the user may see, in tree order, each with its stage and how much of its next
    gate is unmet (two queries for all of them)."""
    visible = list(access.visible_groups(user).filter(cycle=cycle).select_related("reviewer"))
    visible.sort(key=lambda g: ranks.get(g.reviewer_id, 0))
    facts = groups.facts_for_groups(visible)
    rows = []
    for group in visible:
        nxt = stages.next_stage(group.stage)
        unmet = gates.unmet(nxt, facts[group.pk]) if nxt else []
        rows.append(
            {
                "group": group,
                "reviews": facts[group.pk].reviews,
                "next_label": stages.Stage(nxt).label if nxt else "",
                "unmet": unmet,
                "can_move": access.can_move_group(user, group),
                "can_read_grading": access.can_read_grading(user, group),
            }
        )
    return rows


def _stepper(cycle: ReviewCycle) -> list[dict]:
    current = stages.index(cycle.stage)
    return [
        {
            "value": value,
            "label": stages.Stage(value).label,
            "state": "done" if i < current else "current" if i == current else "todo",
        }
        for i, value in enumerate(stages.ORDER)
    ]


def _board_context(request: HttpRequest, cycle: ReviewCycle) -> dict:
    ranks = tree_ranks()  # one query for the reviewer select and the rows
    form = ProgressFilterForm(
        request.GET or None,
        reviewers=progress.reviewer_choices(request.user, cycle, ranks=ranks),
        statuses=progress.STATUS_CHOICES,
    )
    filters = form.values()
    board = progress.build_board(request.user, cycle, filters, ranks=ranks)
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    without_status = urlencode({k: v for k, v in kept.items() if k != "status"})
    status_links = {"all": f"?{without_status}"}
    for status in progress.STATUS_LABELS:
        status_links[status] = "?" + "&".join(p for p in (without_status, urlencode({"status": status})) if p)
    return {
        "board": board,
        "filter_form": form,
        "query": urlencode(kept),
        "status_links": status_links,
        "ranks": ranks,
        "current_status": filters.get("status", ""),
        "filtered": bool(filters),
        # Filters and counts help whoever sees several reviews; a secretary with one needs neither.
        "show_filters": bool(filters) or progress.cycle_reviews(request.user, cycle).count() > 1,
    }


@login_required
@require_GET
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    context = {"cycle": cycle, **_board_context(request, cycle)}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "progress":
        return render(request, "cycles/progress_board.html", context)
    next_stage = stages.next_stage(cycle.stage)
    context.update(
        {
            "steps": _stepper(cycle),
            "can_manage": access.can_set_up_cycles(request.user),
            "next_stage": next_stage,
            "next_stage_label": stages.Stage(next_stage).label if next_stage else "",
            "group_rows": _group_rows(request.user, cycle, context["ranks"]),
            "advance_form": AdvanceForm(initial={"target": next_stage or ""}),
            "my_reviews": in_tree_order(
                _my_reviews(request.user).filter(cycle=cycle).select_related("organization"),
                lambda review: review.organization_id,
            ),
        }
    )
    return render(request, "cycles/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    access.check_set_up_cycles(request.user)
    form = CycleDatesForm(
        request.POST or None,
        initial={
            "title": cycle.title,
            "key_items": "\n".join(cycle.key_items),
            "preparation_due": cycle.preparation_due,
            "report_due": cycle.report_due,
            "meeting_from": cycle.meeting_from,
            "meeting_to": cycle.meeting_to,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_cycle(
                request.user,
                cycle,
                title=data["title"],
                key_items=data["key_items"],
                preparation_due=data["preparation_due"],
                report_due=data["report_due"],
                meeting_from=data["meeting_from"],
                meeting_to=data["meeting_to"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cycles:detail", cycle.pk)
    return render(request, "cycles/edit.html", {"form": form, "cycle": cycle})


@login_required
@require_POST
def cycle_advance(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Move the cycle to the stage named in the form; the service refuses any jump but the next one."""
    cycle = access_cycle(request.user, cycle_id)
    access.check_set_up_cycles(request.user)
    form = AdvanceForm(request.POST)
    valid = form.is_valid()
    target = form.cleaned_data["target"] if valid else ""
    reason = form.cleaned_data.get("override_reason", "") if valid else ""
    try:
        cycle = services.advance_cycle(request.user, cycle, target, override_reason=reason, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The cycle is now in the “%(stage)s” stage.") % {"stage": stages.Stage(cycle.stage).label}
        )
    return redirect("cycles:detail", cycle.pk)


@login_required
@require_GET
def progress_xlsx(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The board as .xlsx: the same rows, with the same filters, as the page."""
    cycle = access_cycle(request.user, cycle_id)
    board = _board_context(request, cycle)["board"]
    response = HttpResponse(exports.progress_workbook(cycle, board.rows), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, exports.progress_file_name(cycle))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """A secretary's way in: their Review of the newest cycle they are reviewed in."""
    reviews = list(
        _my_reviews(request.user)
        .select_related("cycle", "organization")
        .order_by("-cycle__year", tree_rank("organization_id"))
    )
    newest = [r for r in reviews if r.cycle_id == reviews[0].cycle_id] if reviews else []
    if len(newest) == 1:
        return redirect(reverse("cycles:preparation", args=[newest[0].pk]))
    return render(request, "cycles/mine.html", {"reviews": newest})
