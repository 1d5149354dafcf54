"""The preparation page of one Review (述前准备, seed §四（二）1): last year's problems, the year's key
content, and the secretary's research visits, opinions gathered and problems found.

Anyone who may read the Review (access.access_review) sees the page; only its secretary
(access.is_review_secretary) adds, withdraws and marks done — a POST by anyone else is 403.
Adding works as a plain form post (redirect back) and, with htmx, by swapping just the list.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shuzhi.attachments.services import set_attachment_lists
from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.cycles import services
from shuzhi.cycles.forms import PREPARATION_FORMS
from shuzhi.cycles.models import PreparationKind, PriorProblemKind, Review
from shuzhi.orgs import access

SECTION_IDS = {kind: f"prep-{kind}" for kind in PREPARATION_FORMS}


def preparation_open(review: Review) -> bool:
    return services.preparation_is_open(review)


def _sections(review: Review, can_edit: bool, bound: dict | None = None) -> list[dict]:
    items_by_kind: dict[str, list] = defaultdict(list)
    items = list(review.preparation_items.filter(is_withdrawn=False).order_by("date", "id"))
    set_attachment_lists(items)  # each item's evidence files, one query for all
    for item in items:
        items_by_kind[item.kind].append(item)
    titles = {
        PreparationKind.RESEARCH: _("Research visits"),
        PreparationKind.OPINION: _("Opinions and suggestions gathered"),
        PreparationKind.PROBLEM: _("Problems found"),
    }
    bound = bound or {}
    return [
        {
            "kind": kind,
            "id": SECTION_IDS[kind],
            "title": titles[kind],
            "items": items_by_kind[kind],
            "form": bound.get(kind) or (form_class(review=review) if can_edit else None),
        }
        for kind, form_class in PREPARATION_FORMS.items()
    ]


def _context(request: HttpRequest, review: Review, bound: dict | None = None) -> dict:
    is_secretary = access.is_review_secretary(request.user, review)
    can_edit = is_secretary and preparation_open(review)
    problems = services.prior_problems_for(review)
    grouped = [(label, [p for p in problems if p.kind == kind]) for kind, label in PriorProblemKind.choices]
    return {
        "review": review,
        "cycle": review.cycle,
        "is_secretary": is_secretary,
        "can_edit": can_edit,
        "is_open": preparation_open(review),
        "prior_groups": [(label, ps) for label, ps in grouped if ps],
        "prior_count": len(problems),
        "sections": _sections(review, can_edit, bound),
        "report_url": f"/reports/review/{review.pk}/",
    }


def _page_url(review: Review, kind: str | None = None) -> str:
    url = reverse("cycles:preparation", args=[review.pk])
    return f"{url}#{SECTION_IDS[kind]}" if kind else url


@login_required
@require_GET
def preparation(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.access_review(request.user, review_id)
    return render(request, "cycles/preparation.html", _context(request, review))


@login_required
@require_POST
def add_item(request: HttpRequest, review_id: int, kind: str) -> HttpResponse:
    review = access.access_review(request.user, review_id)
    form_class = PREPARATION_FORMS.get(kind)
    if form_class is None:
        raise Http404
    access.check_review_secretary(request.user, review)
    form = form_class(request.POST, review=review)
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_preparation_item(
                request.user,
                review,
                kind=kind,
                content=data["content"],
                date=data.get("date"),
                place=data.get("place", ""),
                people=data.get("people", ""),
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            saved = True
    htmx = bool(request.headers.get("HX-Request"))
    if saved and not htmx:
        messages.success(request, _("Saved."))
        return redirect(_page_url(review, kind))
    context = _context(request, review, bound=None if saved else {kind: form})
    if htmx:
        section = next(s for s in context["sections"] if s["kind"] == kind)
        return render(request, "cycles/preparation_section.html", {**context, "section": section, "just_saved": saved})
    return render(request, "cycles/preparation.html", context)


@login_required
@require_POST
def withdraw_item(request: HttpRequest, review_id: int, item_id: int) -> HttpResponse:
    review = access.access_review(request.user, review_id)
    access.check_review_secretary(request.user, review)
    item = access.access_preparation_item(request.user, item_id, review=review)
    try:
        services.withdraw_preparation_item(request.user, item, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Withdrawn. The record stays in the audit log."))
    return redirect(_page_url(review, item.kind))


@login_required
@require_POST
def mark_done(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.access_review(request.user, review_id)
    access.check_review_secretary(request.user, review)
    try:
        services.mark_preparation_done(request.user, review, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Preparation marked as done. Next: write the duty report."))
    return redirect(_page_url(review))
