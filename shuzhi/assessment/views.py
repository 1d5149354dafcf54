"""The daily assessment's check pages: the cycle's check list, the check form (new and draft), a check's
page with its evidence, withdrawing.

Everything is looked up through shuzhi.orgs.access: another organisation's check or another inspector's
draft is a 404; an organisation outside the inspector's remit is refused (403). The form posts its
evidence files with it, read through the attachments' EvidenceUploadHandler (a file past the size limit
is skipped as it arrives), so its views are csrf_exempt outside and csrf_protect inside, as the
attachments' upload view is. A refused file or a refused field re-shows the form with everything typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from shuzhi.assessment import forms, listing, services
from shuzhi.assessment.models import Check
from shuzhi.attachments import services as attachment_services
from shuzhi.attachments.views import ACCEPT, EvidenceUploadHandler
from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.orgs import access

DOCUMENT_ACCEPT = ".pdf,application/pdf,.docx,.xlsx,image/*"


@login_required
@require_GET
def check_list(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.access_cycle(request.user, cycle_id)
    context = listing.check_list_context(request, cycle)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "check-list":
        return render(request, "assessment/_check_rows.html", context)
    return render(request, "assessment/check_list.html", context)


def _with_upload_handler(view):
    @csrf_exempt
    @login_required
    @require_http_methods(["GET", "POST"])
    def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
        handler = EvidenceUploadHandler(request)
        if request.method == "POST":
            request.upload_handlers.insert(0, handler)
        return csrf_protect(view)(request, handler=handler, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _remit(user, cycle) -> list:
    reviews = access.inspectable_reviews(user, cycle).select_related("organization")
    return sorted({r.organization for r in reviews}, key=lambda o: (o.kind != "general_branch", o.sort_order, o.name))


def local_key(cycle_id: int, check: Check | None) -> str:
    """The key of the form's copy on the device (local-draft.js): one new check per cycle, or the draft."""
    return f"shuzhi:check:{check.pk}" if check else f"shuzhi:check:new:{cycle_id}"


def _check_new(request: HttpRequest, cycle_id: int, handler: EvidenceUploadHandler) -> HttpResponse:
    """The check form for a new check, for an inspector (403 for anyone else)."""
    cycle = access.access_cycle(request.user, cycle_id)
    organizations = _remit(request.user, cycle)
    if not organizations:
        raise PermissionDenied
    indicators = services.indicators_of(cycle)
    initial = {"date": timezone.localdate(), "form_token": forms.new_token()}
    if (wanted := request.GET.get("organization", "")).isdigit():
        initial["organization"] = int(wanted)
    form = forms.CheckForm(request.POST or None, indicators=indicators, organizations=organizations, initial=initial)
    if request.method == "POST":
        if not request.POST.get("organization", "").strip():
            form.is_valid()  # the required organisation's message, with everything typed kept
            return _render_form(request, cycle, form, None, status=400)
        organization = access.access_organization(request.user, request.POST["organization"])
        access.check_inspect(request.user, cycle, organization)
        return _submit(request, cycle, organization, form, None, handler)
    return _render_form(request, cycle, form, None)


check_new = _with_upload_handler(_check_new)


def _check_edit(request: HttpRequest, check_id: int, handler: EvidenceUploadHandler) -> HttpResponse:
    """The check form for the recorder's draft."""
    check = access.access_check(request.user, check_id)
    if not check.is_draft and check.recorded_by_id == request.user.pk:
        return redirect("assessment:check", check.pk)  # the recorder's link to a draft since recorded
    access.check_edit_check(request.user, check)
    indicators = services.indicators_of(check.cycle)
    form = forms.CheckForm(request.POST or None, indicators=indicators, initial=forms.check_initial(check))
    if request.method == "POST":
        return _submit(request, check.cycle, check.organization, form, check, handler)
    return _render_form(request, check.cycle, form, check)


check_edit = _with_upload_handler(_check_edit)


def _submit(request, cycle, organization, form, check, handler) -> HttpResponse:
    to_record = request.POST.get("action") == "record"
    problems: list[tuple[str, str]] = []
    if form.is_valid():
        try:
            check = services.save_check(
                request.user,
                cycle=cycle,
                organization=organization,
                data=form.to_input(),
                form_token=form.cleaned_data["form_token"],
                check=check,
                to_record=to_record,
                files=request.FILES.getlist("files"),
                refused_files=handler.refused,
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except attachment_services.FilesRefused as refused:
            problems = refused.problems
        except services.CheckNotEditable as stale:
            messages.error(request, str(stale))
            return redirect("assessment:check", stale.check.pk)
        else:
            messages.success(request, _("Check recorded.") if to_record else _("Draft saved."))
            return redirect("assessment:check" if to_record else "assessment:edit", check.pk)
    return _render_form(request, cycle, form, check, problems=problems, status=400)


def _render_form(request, cycle, form, check, *, problems=(), status=200) -> HttpResponse:
    if check is not None:
        attachment_services.set_attachment_lists([check])
    return render(
        request,
        "assessment/check_form.html",
        {
            "cycle": cycle,
            "form": form,
            "check": check,
            "problems": problems,
            "local_key": local_key(cycle.pk, check),
            "photo_accept": "image/*",
            "document_accept": DOCUMENT_ACCEPT,
            "accept": ACCEPT,
            "max_mb": attachment_services.max_bytes() // (1024 * 1024),
            "max_files": attachment_services.max_files(),
        },
        status=status,
    )


@login_required
@require_GET
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    check = access.access_check(request.user, check_id)
    attachment_services.set_attachment_lists([check])
    scores = list(check.scores.select_related("indicator").order_by("indicator__order", "indicator_id"))
    return render(
        request,
        "assessment/check_detail.html",
        {
            "check": check,
            "cycle": check.cycle,
            "scores": scores,
            "total": sum((s.score for s in scores if s.score is not None), start=0),
            "max_points": sum((s.indicator.points for s in scores), start=0),
            "can_edit": access.can_edit_check(request.user, check),
            "can_withdraw": access.can_withdraw_check(request.user, check),
            "clear_keys": f"{local_key(check.cycle_id, None)} {local_key(check.cycle_id, check)}"
            if check.recorded_by_id == request.user.pk and not check.is_draft
            else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_withdraw(request: HttpRequest, check_id: int) -> HttpResponse:
    check = access.access_check(request.user, check_id)
    if check.status == "withdrawn":
        messages.info(request, _("This check was already withdrawn."))
        return redirect("assessment:check", check.pk)
    access.check_withdraw_check(request.user, check)
    form = forms.WithdrawCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_check(request.user, check, reason=form.cleaned_data["reason"], ip=client_ip(request))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Check withdrawn. It stays on record and no longer counts."))
            return redirect("assessment:check", check.pk)
    return render(
        request,
        "assessment/check_withdraw.html",
        {"check": check, "form": form, "back_url": reverse("assessment:check", args=[check.pk])},
        status=400 if form.errors else 200,
    )
