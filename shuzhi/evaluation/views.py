"""The evaluation pages: the cycle's scoring scheme, a group's grading page (with its htmx row saves and
quota preview), a Review's composite breakdown and its evaluation opinion. Thin: lookups through
shuzhi.orgs.access, changes through shuzhi.evaluation.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.cycles.models import Review
from shuzhi.evaluation import components, opinion, pages, services
from shuzhi.evaluation.forms import OpinionForm, ReopenForm, SchemeForm, SubmitForm
from shuzhi.evaluation.proposal import GRADE_LABELS, GRADES
from shuzhi.orgs import access

GRADE_OPTIONS = [(g.value, GRADE_LABELS[g]) for g in GRADES]


def _version(request: HttpRequest) -> int | None:
    """The grading version the page showed (the last one sent: htmx adds the page's current one)."""
    values = request.POST.getlist("version")
    try:
        return int(values[-1]) if values else None
    except ValueError:
        return None


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- The scheme ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.access_cycle(request.user, cycle_id, set_up=True)
    current = services.scheme_for(cycle)
    started = services.grading_started(cycle)
    if request.method == "POST":
        form = SchemeForm(request.POST)
        if form.is_valid():
            try:
                services.save_scheme(request.user, cycle, form.as_input(), ip=client_ip(request))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The scoring scheme is saved."))
                return redirect("evaluation:scheme", cycle.pk)
    else:
        form = SchemeForm(initial={f: getattr(current, f) for f in services.SCHEME_FIELDS})
    return render(request, "evaluation/scheme.html", {"cycle": cycle, "form": form, "started": started})


# --- The grading page ----------------------------------------------------------------------------


def _grading_group(request: HttpRequest, group_id: int, *, grade: bool = False):
    group = access.access_grading_group(request.user, group_id)
    if grade:
        access.check_grade_group(request.user, group)
    return group


def _page(request: HttpRequest, group, *, status: int = 200, **extra) -> HttpResponse:
    view = pages.grading_view(request.user, group)
    context = {
        "v": view,
        "group": group,
        "cycle": group.cycle,
        "grade_options": GRADE_OPTIONS,
        "submit_form": extra.pop("submit_form", None) or SubmitForm(),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(),
        "typed": extra.pop("typed", {}),
        **extra,
    }
    return render(request, "evaluation/grading.html", context, status=status)


@login_required
@require_GET
def grading(request: HttpRequest, group_id: int) -> HttpResponse:
    return _page(request, _grading_group(request, group_id))


@login_required
@require_GET
def quota_preview(request: HttpRequest, group_id: int) -> HttpResponse:
    """The quota status as the grades stand on the page (typed, not yet saved)."""
    group = _grading_group(request, group_id)
    typed = {}
    for key, value in request.GET.items():
        if key.startswith("grade_") and key[6:].isdigit():
            typed[int(key[6:])] = value
    status = pages.preview_status(group, services.scheme_for(group.cycle), typed)
    return render(request, "evaluation/quota_status.html", {"status": status, "preview": True})


@login_required
@require_POST
def propose(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _grading_group(request, group_id, grade=True)
    try:
        services.propose(request.user, group, base_version=_version(request), ip=client_ip(request))
    except ValidationError as error:
        return _page(request, group, errors=error.messages, conflict=isinstance(error, services.Conflict))
    messages.success(request, _("Grades are proposed from the composite scores; check the ties and flags."))
    return redirect("evaluation:grading", group.pk)


def _review_in(group, review_id: int) -> Review:
    """A Review of this group (got through access_grading_group); one of another group is missing."""
    try:
        return Review.objects.select_related("organization", "secretary", "group", "cycle").get(
            pk=int(review_id), group=group
        )
    except Review.DoesNotExist:
        raise Http404 from None


def _row_response(request: HttpRequest, group, review: Review, *, typed: dict, error: str = "", saved: str = ""):
    view = pages.grading_view(request.user, group)
    row = next(r for r in view.rows if r.review.pk == review.pk)
    context = {"v": view, "row": row, "group": group, "grade_options": GRADE_OPTIONS, "typed": {review.pk: typed}}
    context.update({"row_error": error, "row_saved": saved, "conflict": False})
    return render(request, "evaluation/grading_row_response.html", context)


def _row_action(request: HttpRequest, group_id: int, review_id: int, action, typed: dict) -> HttpResponse:
    group = _grading_group(request, group_id, grade=True)
    review = _review_in(group, review_id)
    if access.is_review_secretary(request.user, review):
        raise PermissionDenied
    try:
        action(group, review)
    except ValidationError as error:
        message = " ".join(error.messages)
        if _is_htmx(request):
            return _row_response(request, group, review, typed=typed, error=message)
        return _page(request, group, errors=error.messages, typed={review.pk: typed}, status=200)
    if _is_htmx(request):
        return _row_response(request, group, review, typed={}, saved=_("Saved."))
    messages.success(request, _("Saved."))
    return redirect("evaluation:grading", group.pk)


@login_required
@require_POST
def change_grade(request: HttpRequest, group_id: int, member_id: int) -> HttpResponse:
    """member_id: the Review, a member of the group."""
    grade = request.POST.get(f"grade_{member_id}", "")
    reason = request.POST.get(f"reason_{member_id}", "")

    def act(group, review):
        services.change_grade(
            request.user, review, grade, reason, base_version=_version(request), ip=client_ip(request)
        )

    return _row_action(request, group_id, member_id, act, {"grade": grade, "reason": reason})


@login_required
@require_POST
def reviewer_score(request: HttpRequest, group_id: int, member_id: int) -> HttpResponse:
    text = request.POST.get(f"score_{member_id}", "")

    def act(group, review):
        score = services.parse_score(text)
        services.set_reviewer_score(request.user, review, score, base_version=_version(request), ip=client_ip(request))

    return _row_action(request, group_id, member_id, act, {"score": text})


@login_required
@require_POST
def submit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _grading_group(request, group_id, grade=True)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.submit(
                request.user,
                group,
                base_version=_version(request),
                justification=form.cleaned_data["justification"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            conflict = isinstance(error, services.Conflict)
            apply_validation_error(form, error)
            return _page(request, group, submit_form=form, conflict=conflict)
        messages.success(request, _("The group's grades are submitted and locked."))
        return redirect("evaluation:grading", group.pk)
    return _page(request, group, submit_form=form)


@login_required
@require_POST
def reopen(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _grading_group(request, group_id)
    access.check_reopen_grading(request.user)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen(request.user, group, form.cleaned_data["reason"], ip=client_ip(request))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The grading is reopened for changes."))
            return redirect("evaluation:grading", group.pk)
    return _page(request, group, reopen_form=form)


# --- A Review's breakdown and opinion ------------------------------------------------------------


@login_required
@require_GET
def breakdown(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.access_evaluation(request.user, review_id)
    scheme = services.scheme_for(review.cycle)
    row = components.review_row(review, scheme)
    return render(
        request,
        "evaluation/breakdown.html",
        {"review": review, "row": row, "scheme": scheme, "grading": services.grading_of(review.group)},
    )


def _save_opinion(request: HttpRequest, review: Review) -> tuple[OpinionForm, bool] | None:
    """Save the posted opinion: None when saved, else (the form with what was typed and the errors,
    whether it was a conflict — then the form carries the saved revision, so saving again overwrites
    knowingly)."""
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return form, False
    try:
        opinion.save_opinion(
            request.user,
            review,
            strengths=form.cleaned_data["strengths"],
            problems=form.cleaned_data["problems"],
            base_revision=form.cleaned_data["revision"],
            ip=client_ip(request),
        )
    except ValidationError as error:
        conflict = isinstance(error, services.Conflict)
        saved = opinion.opinion_of(review)
        if conflict and saved is not None:
            form = OpinionForm({**request.POST.dict(), "revision": saved.revision})
            form.is_valid()
        apply_validation_error(form, error)
        return form, conflict
    return None


@login_required
@require_http_methods(["GET", "POST"])
def opinion_editor(request: HttpRequest, review_id: int) -> HttpResponse:
    """The opinion: drafted from what the system holds until first saved, then as saved."""
    review = access.access_evaluation(request.user, review_id)
    can_edit = access.can_grade_group(request.user, review.group)
    drafted = opinion.draft(review)
    conflict = False
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        refused = _save_opinion(request, review)
        if refused is None:
            messages.success(request, _("The evaluation opinion is saved."))
            return redirect("evaluation:opinion", review.pk)
        form, conflict = refused
    saved = opinion.opinion_of(review)
    if request.method == "GET":
        initial = (
            {"strengths": saved.strengths, "problems": saved.problems, "revision": saved.revision}
            if saved is not None
            else {"strengths": drafted.strengths_text(), "problems": drafted.problems_text(), "revision": 0}
        )
        form = OpinionForm(initial=initial)
    context = {"review": review, "form": form, "draft": drafted, "saved": saved, "can_edit": can_edit}
    return render(request, "evaluation/opinion.html", {**context, "conflict": conflict})
