"""Last year's problems (上年度通报问题、查摆问题、整改承诺) of a cycle: the org dept enters them one by
one or imports them from .xlsx, and withdraws one entered by mistake (with a short reason; it stays on
record, marked withdrawn). They are stored with year = cycle.year - 1 (the review they came out of).
Secretaries read their own organisation's list on their preparation page.

Only the org dept (access.check_set_up_cycles) gets past the cycle lookup (access.access_cycle, 404 for a
cycle the user may not see); a problem is looked up among this cycle's year and the organisations the
user may see, so an ID from elsewhere is 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.cycles import prior_import, services
from shuzhi.cycles.exports import XLSX_CONTENT_TYPE
from shuzhi.cycles.forms import PriorProblemForm, PriorProblemImportForm
from shuzhi.cycles.models import PriorProblem, ReviewCycle
from shuzhi.cycles.views import access_cycle
from shuzhi.orgs import access
from shuzhi.orgs.models import OrgKind
from shuzhi.orgs.tree import order_by_tree

MAX_PROBLEMS_SHOWN = 200


class WithdrawForm(forms.Form):
    """Why a problem is withdrawn; the length limit is the service's (no maxlength: nothing typed is cut)."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawal"),
        error_messages={"required": gettext_lazy("Say briefly why this problem is withdrawn.")},
    )


def _organizations(user):
    """The organisations whose secretaries are reviewed, among those the user may see."""
    return order_by_tree(access.visible_organizations(user).filter(is_active=True).exclude(kind=OrgKind.COMMITTEE))


def _render(
    request: HttpRequest,
    cycle: ReviewCycle,
    *,
    form=None,
    import_form=None,
    outcome=None,
    withdraw_form=None,
    withdraw_problem=None,
    status: int = 200,
) -> HttpResponse:
    organizations = list(_organizations(request.user))
    problems = order_by_tree(
        PriorProblem.objects.active()
        .filter(year=cycle.year - 1, organization__in=[o.pk for o in organizations])
        .select_related("organization"),
        "organization_id",
        "kind",
        "id",
    )
    withdrawn = (
        PriorProblem.objects.filter(
            year=cycle.year - 1, organization__in=[o.pk for o in organizations], withdrawn_at__isnull=False
        )
        .select_related("organization", "withdrawn_by__person")
        .order_by("-withdrawn_at", "-id")
    )
    problems_list = outcome.problems if outcome else []
    return render(
        request,
        "cycles/prior_problems.html",
        {
            "cycle": cycle,
            "problem_year": cycle.year - 1,
            "problems": problems,
            "withdrawn": withdrawn,
            "form": form or PriorProblemForm(organizations=organizations),
            "import_form": import_form or PriorProblemImportForm(),
            "import_problems": problems_list[:MAX_PROBLEMS_SHOWN],
            "import_problem_count": len(problems_list),
            "max_rows": prior_import.MAX_DATA_ROWS,
            "max_mb": prior_import.MAX_UPLOAD_BYTES // (1024 * 1024),
            "withdraw_form": withdraw_form,
            "withdraw_problem_id": withdraw_problem.pk if withdraw_problem else None,
            "max_reason": services.MAX_WITHDRAWAL_REASON,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def prior_problems(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """GET: the list grouped by organisation with the entry and import forms. POST: add one problem."""
    cycle = access_cycle(request.user, cycle_id)
    access.check_set_up_cycles(request.user)
    if request.method == "GET":
        return _render(request, cycle)
    form = PriorProblemForm(request.POST, organizations=_organizations(request.user))
    if form.is_valid():
        organization = access.access_organization(request.user, form.cleaned_data["organization"])
        try:
            services.add_prior_problem(
                request.user,
                organization=organization,
                year=cycle.year - 1,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved for %(name)s.") % {"name": organization.name})
            return redirect(reverse("cycles:prior_problems", args=[cycle.pk]) + f"#org-{organization.pk}")
    return _render(request, cycle, form=form)


@login_required
@require_POST
def prior_problems_import(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """All or nothing: every bad row is listed (row, column, reason) and nothing is written."""
    cycle = access_cycle(request.user, cycle_id)
    access.check_set_up_cycles(request.user)
    form = PriorProblemImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, cycle, import_form=form)
    upload = form.cleaned_data["file"]
    if upload.size > prior_import.MAX_UPLOAD_BYTES:
        form.add_error("file", prior_import.file_too_large_message())
        return _render(request, cycle, import_form=form)
    organizations = {o.name: o for o in _organizations(request.user)}
    outcome = prior_import.import_problems(
        request.user, upload, year=cycle.year - 1, organizations=organizations, ip=client_ip(request)
    )
    if outcome.file_error:
        form.add_error("file", outcome.file_error)
        return _render(request, cycle, import_form=form)
    if outcome.problems:
        form.add_error(
            "file",
            _("Nothing was imported: %(n)d problems in the file, listed below. Correct them and upload the file again.")
            % {"n": len(outcome.problems)},
        )
        return _render(request, cycle, import_form=form, outcome=outcome)
    messages.success(
        request,
        _("Imported: %(created)d new problems, %(unchanged)d already on record.")
        % {"created": outcome.created, "unchanged": outcome.unchanged},
    )
    return redirect("cycles:prior_problems", cycle.pk)


@login_required
@require_POST
def prior_problem_withdraw(request: HttpRequest, cycle_id: int, problem_id: int) -> HttpResponse:
    """Withdraw one problem entered by mistake; the reason is required. A second submission of the
    same form (double click) finds it withdrawn and changes nothing."""
    cycle = access_cycle(request.user, cycle_id)
    problem = access.access_prior_problem(request.user, cycle, problem_id, set_up=True)
    form = WithdrawForm(request.POST)
    if form.is_valid() or problem.withdrawn_at is not None:
        try:
            services.withdraw_prior_problem(
                request.user, problem, reason=form.cleaned_data.get("reason", ""), ip=client_ip(request)
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Withdrawn. The record stays in the audit log."))
            return redirect(reverse("cycles:prior_problems", args=[cycle.pk]) + f"#org-{problem.organization_id}")
    return _render(request, cycle, withdraw_form=form, withdraw_problem=problem)


@login_required
@require_GET
def prior_problems_template(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    access.check_set_up_cycles(request.user)
    names = _organizations(request.user).values_list("name", flat=True)
    response = HttpResponse(prior_import.build_template(names), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{cycle.year - 1}年度问题导入模板.xlsx")
    response["Cache-Control"] = "no-store"
    return response
