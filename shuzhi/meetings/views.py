"""Review-meeting pages (述职评议会, seed 四（一）, 四（二）3): the list, scheduling a meeting, the meeting with its
agenda, the presenter screen for the projector, and the comments (点评).

Thin: meetings, reviews and organisations are looked up through shuzhi.orgs.access (outside the user's
scope → 404); the right to act is access.can_run_meeting / access.can_comment (→ 403); every change goes
through shuzhi.meetings.services, whose ValidationErrors are shown on the same forms with what was typed.
The agenda, the presenter screen and the comment sections also swap in place with htmx; without
JavaScript every form is a plain POST followed by a redirect.
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.cycles.models import Review, ReviewCycle
from shuzhi.cycles.stages import Stage
from shuzhi.meetings import services
from shuzhi.meetings.forms import AgendaForm, CommentForm, MeetingCreateForm, MeetingForm, MoveForm, ScreenForm
from shuzhi.meetings.models import Comment, CommentMode, Meeting, MeetingKind
from shuzhi.orgs import access
from shuzhi.orgs.models import Organization, OrgKind
from shuzhi.orgs.tree import in_tree_order

REVIEWER_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def vote_url(meeting: Meeting) -> str:
    """The satisfaction-survey page of the meeting (shuzhi.voting's pages)."""
    return f"/meetings/{meeting.pk}/vote/"


# --- Who may schedule what ------------------------------------------------------------------------


def schedulable_reviewers(user) -> list[Organization]:
    return in_tree_order(access.meeting_reviewers(user))


def schedulable_cycles(user) -> list[ReviewCycle]:
    """Cycles the user takes part in that are not archived, newest first."""
    return list(access.visible_cycles(user).exclude(stage=Stage.ARCHIVED).order_by("-year"))


def _candidates(user, cycle: ReviewCycle, reviewer: Organization, meeting: Meeting | None = None):
    """(free, elsewhere): the Reviews this reviewer runs in the cycle that may go on this meeting's agenda,
    and those already on another meeting's agenda."""
    reviews = (
        access.visible_reviews(user).filter(cycle=cycle, reviewer=reviewer).select_related("organization", "secretary")
    )
    free = Q(agenda_item__isnull=True)
    if meeting is not None:
        free |= Q(agenda_item__meeting=meeting)
    return (
        in_tree_order(reviews.filter(free), lambda review: review.organization_id),
        in_tree_order(
            reviews.exclude(free).select_related("agenda_item__meeting"), lambda review: review.organization_id
        ),
    )


def _taken_meanwhile(request: HttpRequest, form, elsewhere: list[Review]) -> bool:
    """A presenter ticked on the form who went onto another meeting's agenda since the form was shown."""
    for review in elsewhere:
        if request.POST.get(f"on_{review.pk}"):
            form.add_error(
                None, _("%(name)s is already on another meeting's agenda.") % {"name": review.organization.name}
            )
    return bool(form.non_field_errors())


def _save_failed(form, error: Exception) -> None:
    if isinstance(error, ValidationError):
        apply_validation_error(form, error)
    else:  # two people put the same presenter on two agendas in the same moment
        form.add_error(
            None, _("Someone else changed these agendas at the same moment. Check the presenters and save again.")
        )


# --- List and scheduling ----------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = (
        access.visible_meetings(request.user)
        .select_related("cycle", "reviewer")
        .annotate(presenter_count=Count("agenda", distinct=True))
        .order_by("-cycle__year", "starts_at", "pk")
    )
    groups = [(cycle, list(items)) for cycle, items in groupby(meetings, key=lambda m: m.cycle)]
    cycle_ids = {c.pk for c in schedulable_cycles(request.user)} if schedulable_reviewers(request.user) else set()
    # The meetings the user presents at: a secretary cannot open the reviewer's meeting page, but she
    # sees when and where she presents, and reaches her own result from here.
    presenting = (
        access.my_reviews(request.user)
        .filter(agenda_item__isnull=False)
        .select_related("agenda_item__meeting", "cycle")
        .order_by("-cycle__year")
    )
    return render(
        request,
        "meetings/list.html",
        {
            "groups": groups,
            "can_schedule": bool(cycle_ids),
            "schedulable_cycle_ids": cycle_ids,
            "presenting": presenting,
        },
    )


def _pick(request: HttpRequest, cycles: list[ReviewCycle], reviewers: list[Organization]):
    raw_cycle = request.GET.get("cycle")
    if raw_cycle:
        cycle = next((c for c in cycles if str(c.pk) == raw_cycle.strip()), None)
        if cycle is None:
            raise Http404
    else:
        cycle = cycles[0] if cycles else None
    raw_reviewer = request.GET.get("reviewer")
    if raw_reviewer:
        org = access.access_organization(request.user, raw_reviewer)  # outside the user's scope: 404
        if org not in reviewers:
            raise PermissionDenied
        reviewer = org
    else:
        reviewer = reviewers[0]
    return cycle, reviewer


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Schedule a meeting for ?cycle=&reviewer= (defaults: the newest cycle, the first reviewer)."""
    reviewers = schedulable_reviewers(request.user)
    if not reviewers:
        raise PermissionDenied
    cycles = schedulable_cycles(request.user)
    cycle, reviewer = _pick(request, cycles, reviewers)
    context = {
        "cycles": cycles,
        "reviewers": reviewers,
        "cycle": cycle,
        "reviewer": reviewer,
        "title": _("Schedule a review meeting"),
    }
    if cycle is None:
        return render(request, "meetings/create.html", context)
    free, elsewhere = _candidates(request.user, cycle, reviewer)
    form = MeetingCreateForm(
        request.POST or None,
        candidates=free,
        initial={"title": services.default_title(cycle, reviewer), "comment_mode": CommentMode.ONE_BY_ONE},
    )
    if request.method == "POST" and form.is_valid() and not _taken_meanwhile(request, form, elsewhere):
        try:
            meeting = services.schedule_meeting(
                request.user,
                cycle=cycle,
                reviewer=reviewer,
                agenda=form.chosen(),
                ip=client_ip(request),
                **form.meeting_fields(),
            )
        except (ValidationError, IntegrityError) as error:
            _save_failed(form, error)
        else:
            messages.success(
                request, _("The meeting has been scheduled with %(n)d presenters.") % {"n": meeting.agenda.count()}
            )
            return redirect("meetings:detail", meeting.pk)
    context.update({"form": form, "elsewhere": elsewhere, "kind_label": _kind_label(reviewer)})
    return render(request, "meetings/create.html", context)


def _kind_label(reviewer: Organization) -> str:
    return MeetingKind(services.kind_for(reviewer)).label


# --- The meeting and its agenda ---------------------------------------------------------------------


def _agenda_context(request: HttpRequest, meeting: Meeting, error: str = "") -> dict:
    items = list(meeting.agenda.select_related("review__organization", "review__secretary"))
    counts = dict(
        Comment.objects.filter(meeting=meeting, review__isnull=False)
        .order_by()
        .values_list("review_id")
        .annotate(n=Count("pk"))
    )
    for item in items:
        item.comment_count = counts.get(item.review_id, 0)
    return {
        "meeting": meeting,
        "items": items,
        "can_run": access.can_run_meeting(request.user, meeting),
        "agenda_error": error,
    }


@login_required
@require_GET
def detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.access_meeting(request.user, meeting_id)
    context = _agenda_context(request, meeting)
    context.update(
        {
            "vote_url": vote_url(meeting),
            "collective_count": meeting.comments.filter(review__isnull=True).count(),
            "created_by": meeting.created_by.display_name if meeting.created_by_id else "",
        }
    )
    return render(request, "meetings/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.access_meeting(request.user, meeting_id)
    access.check_run_meeting(request.user, meeting)
    form = MeetingForm(
        request.POST or None,
        initial={
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "expected_attendees": meeting.expected_attendees,
            "comment_mode": meeting.comment_mode,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(request.user, meeting, ip=client_ip(request), **form.meeting_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/edit.html", {"meeting": meeting, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Add and remove presenters. Presenters kept stay in their order; new ones go to the end."""
    meeting = access.access_meeting(request.user, meeting_id)
    access.check_run_meeting(request.user, meeting)
    current = list(meeting.agenda.values_list("review_id", "mode"))
    free, elsewhere = _candidates(request.user, meeting.cycle, meeting.reviewer, meeting)
    order = [review_id for review_id, _mode in current]
    free.sort(key=lambda r: (order.index(r.pk) if r.pk in order else len(order),))
    form = AgendaForm(request.POST or None, candidates=free, current=dict(current))
    if request.method == "POST" and form.is_valid() and not _taken_meanwhile(request, form, elsewhere):
        try:
            services.set_agenda(request.user, meeting, form.chosen(order), ip=client_ip(request))
        except (ValidationError, IntegrityError) as error:
            _save_failed(form, error)
        else:
            messages.success(request, _("The agenda has been saved."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")
    return render(request, "meetings/agenda.html", {"meeting": meeting, "form": form, "elsewhere": elsewhere})


@login_required
@require_POST
def move(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Move one presenter up or down (services.move_presenter); refused once the vote opened."""
    meeting = access.access_meeting(request.user, meeting_id)
    access.check_run_meeting(request.user, meeting)
    form = MoveForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose a presenter and a direction.")
    else:
        try:
            services.move_presenter(
                request.user, meeting, form.cleaned_data["review"], form.cleaned_data["offset"], ip=client_ip(request)
            )
        except (ValidationError, IntegrityError) as failure:
            error = (
                " ".join(failure.messages)
                if isinstance(failure, ValidationError)
                else _("Someone else changed the agenda at the same moment. Try again.")
            )
    if _htmx(request):
        return render(request, "meetings/agenda_list.html", _agenda_context(request, meeting, error))
    if error:
        messages.error(request, error)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")


# --- The presenter screen ---------------------------------------------------------------------------


def _screen_context(meeting: Meeting) -> dict:
    items = list(meeting.agenda.select_related("review__organization", "review__secretary"))
    count = len(items)
    position = min(meeting.current_item, count + 1)
    state = "start" if position == 0 else "end" if position > count else "presenter"
    return {
        "meeting": meeting,
        "count": count,
        "position": position,
        "state": state,
        "item": items[position - 1] if state == "presenter" else None,
        "upcoming": items[position] if position < count else None,
        "previous_position": max(position - 1, 0),
        "next_position": min(position + 1, count + 1),
        "collective": meeting.comment_mode == CommentMode.COLLECTIVE,
    }


@login_required
@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Full-screen projection of the agenda, stepped by whoever runs the meeting."""
    meeting = access.access_meeting(request.user, meeting_id)
    access.check_run_meeting(request.user, meeting)
    if request.method == "POST":
        form = ScreenForm(request.POST)
        if form.is_valid():
            meeting = services.set_current_item(meeting, form.cleaned_data["position"])
        if not _htmx(request):
            return redirect("meetings:screen", meeting.pk)
        return render(request, "meetings/screen_stage.html", _screen_context(meeting))
    return render(request, "meetings/screen.html", _screen_context(meeting))


# --- Comments ---------------------------------------------------------------------------------------


def _comment_form(review_id: int | None, roles: list[tuple[int, str]], data=None) -> CommentForm:
    """roles: services.author_roles; the first (a position in the reviewing organisation) is preselected."""
    key = f"r{review_id}" if review_id else "collective"
    return CommentForm(
        data, prefix_id=key, roles=roles, initial={"review": review_id, "author_role": roles[0][0] if roles else None}
    )


def _sections(
    request: HttpRequest, meeting: Meeting, *, can_comment: bool, bound: tuple | None = None, saved: object = None
) -> list[dict]:
    """One section per presenter in agenda order, preceded by the collective comment when the meeting uses
    集中点评 (or one was recorded). bound = (review_id or None, form) puts a form with errors back in place."""
    comments = list(meeting.comments.all())
    collective = meeting.comment_mode == CommentMode.COLLECTIVE
    sections = []

    roles = services.author_roles(request.user, meeting) if can_comment else []

    def form_for(review_id):
        if not can_comment:
            return None
        if bound and bound[0] == review_id:
            return bound[1]
        return _comment_form(review_id, roles)

    collective_comments = [c for c in comments if c.review_id is None]
    refused = bound is not None and bound[0] is None
    if collective or collective_comments or refused:
        sections.append(
            {
                "key": "collective",
                "id": "comments-collective",
                "review": None,
                "item": None,
                "comments": collective_comments,
                "form": form_for(None) if collective or refused else None,
                "just_saved": saved == "collective",
            }
        )
    for item in meeting.agenda.select_related("review__organization", "review__secretary"):
        sections.append(
            {
                "key": item.review_id,
                "id": f"comments-{item.review_id}",
                "review": item.review,
                "item": item,
                "comments": [c for c in comments if c.review_id == item.review_id],
                "form": form_for(item.review_id),
                "just_saved": saved == item.review_id,
            }
        )
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def comments(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.access_meeting(request.user, meeting_id)
    can_comment = access.can_comment(request.user, meeting)
    bound = None
    saved = None
    if request.method == "POST":
        if not can_comment:
            raise PermissionDenied
        review_id, review = _posted_review(request, meeting)
        form = _comment_form(review_id, services.author_roles(request.user, meeting), request.POST)
        if form.is_valid():
            if review is None and meeting.comment_mode != CommentMode.COLLECTIVE:
                form.add_error(
                    None,
                    _("This meeting comments after each presenter: add the comment under the presenter it is about."),
                )
            else:
                try:
                    services.add_comment(
                        request.user,
                        meeting,
                        review=review,
                        problems=form.cleaned_data["problems"],
                        direction=form.cleaned_data["direction"],
                        author_role=form.cleaned_data["author_role"],
                        ip=client_ip(request),
                    )
                except ValidationError as error:
                    apply_validation_error(form, error)
                else:
                    saved = review_id or "collective"
        anchor = f"#comments-{review_id or 'collective'}"
        if saved and not _htmx(request):
            messages.success(request, _("The comment has been recorded."))
            return redirect(reverse("meetings:comments", args=[meeting.pk]) + anchor)
        if not saved:
            bound = (review_id, form)
    sections = _sections(request, meeting, can_comment=can_comment, bound=bound, saved=saved)
    context = {
        "meeting": meeting,
        "sections": sections,
        "can_comment": can_comment,
        "collective": meeting.comment_mode == CommentMode.COLLECTIVE,
    }
    if request.method == "POST" and _htmx(request):
        key = review_id or "collective"
        section = next(s for s in sections if s["key"] == key)
        return render(request, "meetings/comment_section.html", {**context, "section": section, "oob": True})
    return render(request, "meetings/comments.html", context)


def _posted_review(request: HttpRequest, meeting: Meeting) -> tuple[int | None, Review | None]:
    """The presenter a posted comment is about: a Review the user may read that is on this meeting's agenda
    (else 404), or None for the collective comment."""
    raw = (request.POST.get("review") or "").strip()
    if not raw:
        return None, None
    review = access.access_review(request.user, raw)
    get_object_or_404(meeting.agenda, review=review)
    return review.pk, review
