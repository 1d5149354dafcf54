"""The duty report pages (述职报告, seed §四（二）2): the secretary's editor with autosave, the reviewer's
view with its vetting (审核: pass / return), the submitted versions and their differences, the quality check (体检) and
its rules, and the Word and print exports.

Every view looks the Review up through access.access_review first (404 for anyone who may not read
it, so an ID reveals nothing); writes then check access.check_review_secretary or
access.check_vetter (403) before anything is written. A GET never writes: a report nobody has
saved yet is shown from an unsaved DutyReport.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.core.officedoc import chinese_date, split_paragraphs
from shuzhi.cycles.models import PreparationKind, PriorProblemKind, Review
from shuzhi.orgs import access
from shuzhi.reports import diff, docx_export, quality, services
from shuzhi.reports import sections as report_sections
from shuzhi.reports.forms import QualityRulesForm, ReportForm, VetForm
from shuzhi.reports.models import DutyReport, ReportStatus, ReportVersion

# Seed §三（一）–（六）: what the main-practices section should cover (shown as a writing guide).
CONTENT_AREAS = report_sections.CONTENT_AREAS
SECTION_NUMBERS = report_sections.NUMBERS
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


# --- What is shown ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportBody:
    """The text of a report as read: the working copy or a submitted version."""

    prior_answers: tuple[tuple[str, str], ...]  # (problem, answer)
    practices: str
    problems: str
    next_steps: str
    prior_kinds: tuple[str, ...] = ()  # PriorProblemKind of each prior answer; "" where it is not known

    @classmethod
    def of_draft(cls, review: Review, report: DutyReport) -> ReportBody:
        rows = services.prior_problem_rows(review, report)
        return cls(
            tuple((p.text, answer) for p, answer in rows),
            report.practices,
            report.problems,
            report.next_steps,
            tuple(p.kind for p, _answer in rows),
        )

    @classmethod
    def of_version(cls, version: ReportVersion, kinds_by_text: dict[str, str] | None = None) -> ReportBody:
        """kinds_by_text: services.prior_kinds_by_text(review), for the kind of each item (a version keeps
        only the texts)."""
        content = version.content
        pairs = tuple((str(p), str(a or "")) for p, a in (content.get("prior_answers") or []))
        kinds = tuple((kinds_by_text or {}).get(p, "") for p, _a in pairs)
        return cls(
            pairs, content.get("practices", ""), content.get("problems", ""), content.get("next_steps", ""), kinds
        )

    def prior_items(self) -> list[tuple[str, str, str, str]]:
        """(problem, answer, kind, kind label) of each of last year's items, for the pages."""
        labels = dict(PriorProblemKind.choices)
        kinds = self.prior_kinds + ("",) * (len(self.prior_answers) - len(self.prior_kinds))
        return [
            (problem, answer, kind, str(labels.get(kind, "")))
            for (problem, answer), kind in zip(self.prior_answers, kinds, strict=False)
        ]

    def sections(self) -> list[dict]:
        return [
            {
                "key": key,
                "number": SECTION_NUMBERS[key],
                "title": services.SECTION_LABELS[key],
                "text": getattr(self, key),
            }
            for key in services.TEXT_SECTIONS
        ]


def _report(review: Review) -> DutyReport:
    """The working copy, or an unsaved blank one (a visit must not create rows)."""
    return DutyReport.objects.filter(review=review).first() or DutyReport(review=review)


def _versions(report: DutyReport) -> list[ReportVersion]:
    if report.pk is None:
        return []
    return list(report.versions.select_related("author", "vetting", "vetting__vetted_by").order_by("number"))


def _vetting(version: ReportVersion):
    return getattr(version, "vetting", None)


def _findings(review: Review, body: ReportBody) -> list[dict]:
    text = quality.ReportText(
        prior_answers=body.prior_answers,
        practices=body.practices,
        problems=body.problems,
        next_steps=body.next_steps,
        key_items=tuple(review.cycle.key_items or ()),
    )
    section_names = set(report_sections.TITLES.values())
    return [
        {
            "rule": f.rule,
            "title": f.title,
            "explanation": f.explanation,
            "sentences": f.sentences,
            # the section a finding is about shows as its badge; other items (areas, key content) are listed
            "items": [i for i in getattr(f, "items", ()) if i not in section_names],
            "section": services.SECTION_LABELS.get(f.section or "", ""),
        }
        for f in quality.check_report(text, services.current_quality_rules())
    ]


def _time(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M:%S") if value else ""


def _is_ajax(request: HttpRequest) -> bool:
    return request.POST.get("ajax") == "1" or "application/json" in request.headers.get("Accept", "")


def _error_dict(error: ValidationError) -> dict[str, str]:
    if hasattr(error, "error_dict"):
        return {field: " ".join(ValidationError(errors).messages) for field, errors in error.error_dict.items()}
    return {"__all__": " ".join(error.messages)}


def _form(review: Review, report: DutyReport, data=None) -> ReportForm:
    return ReportForm(
        data,
        initial={
            "revision": report.revision,
            "practices": report.practices,
            "problems": report.problems,
            "next_steps": report.next_steps,
        },
        prior_rows=services.prior_problem_rows(review, report),
    )


def _preparation(review: Review) -> list[tuple[str, list]]:
    items = list(review.preparation_items.filter(is_withdrawn=False).order_by("date", "id"))
    return [(label, [i for i in items if i.kind == kind]) for kind, label in PreparationKind.choices]


def _common(request: HttpRequest, review: Review, report: DutyReport, versions: list[ReportVersion]) -> dict:
    latest = versions[-1] if versions else None
    return {
        "review": review,
        "cycle": review.cycle,
        "report": report,
        "versions": versions,
        "latest": latest,
        "latest_vetting": _vetting(latest) if latest else None,
        "is_secretary": access.is_review_secretary(request.user, review),
        "labels": services.SECTION_LABELS,
        "numbers": SECTION_NUMBERS,
    }


# --- Editor and reader -----------------------------------------------------------------------------


def saved_state(report: DutyReport, form: ReportForm, conflict: services.EditConflict | None = None) -> str:
    """What the save bar says, and what any message about saving must agree with: "conflict" or "invalid"
    when the text on the page was not saved, else "saved" (a revision is stored) or "new" (nothing yet)."""
    if conflict is not None:
        return "conflict"
    if form.is_bound and form.errors and not form.saved:
        return "invalid"
    return "saved" if report.revision else "new"


def saved_note(report: DutyReport) -> str:
    """The sentence about the draft after a refused submit, from the same facts as the save bar."""
    if report.revision:
        return _("Your draft is saved (%(time)s).") % {"time": _time(report.updated_at)}
    return _("Nothing is saved yet: the report is still empty.")


def _render_editor(
    request: HttpRequest,
    review: Review,
    report: DutyReport,
    form: ReportForm,
    *,
    conflict: services.EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    versions = _versions(report)
    context = _common(request, review, report, versions)
    kinds = dict(PriorProblemKind.choices)
    preparation = _preparation(review)
    context.update(
        {
            "form": form,
            "conflict": conflict,
            "answers": [(problem, kinds.get(problem.kind, ""), field) for problem, field in form.answer_fields()],
            "findings": _findings(review, ReportBody.of_draft(review, report)),
            "content_areas": CONTENT_AREAS,
            "key_items": review.cycle.key_items or [],
            "preparation": preparation,
            "prep_count": sum(len(items) for _label, items in preparation),
            "saved_at": _time(report.updated_at) if report.revision else "",
            "save_state": saved_state(report, form, conflict),
            "text_fields": [
                (key, SECTION_NUMBERS[key], services.SECTION_LABELS[key], form[key]) for key in services.TEXT_SECTIONS
            ],
        }
    )
    return render(request, "reports/editor.html", context, status=status)


def _render_read(
    request: HttpRequest,
    review: Review,
    report: DutyReport,
    *,
    reason: str | None = None,
    vet_form: VetForm | None = None,
    status: int = 200,
) -> HttpResponse:
    versions = _versions(report)
    context = _common(request, review, report, versions)
    latest = context["latest"]
    # The secretary reads their own working copy (the same text as the latest version once submitted);
    # everybody else reads what was submitted.
    if context["is_secretary"]:
        body = ReportBody.of_draft(review, report) if report.pk else None
    else:
        body = ReportBody.of_version(latest, services.prior_kinds_by_text(review)) if latest else None
    can_vet = access.can_vet_review(request.user, review)
    vettable = bool(can_vet and latest and report.status == ReportStatus.SUBMITTED and not _vetting(latest))
    if vettable and vet_form is None:
        vet_form = VetForm(initial={"version_number": latest.number})
    context.update(
        {
            "reason": reason,
            "body": body,
            "sections": body.sections() if body else [],
            "findings": _findings(review, body) if body else [],
            "vet_form": vet_form if vettable else None,
            "can_vet": can_vet,
            "vettings": [v for v in reversed(versions) if _vetting(v)],
            "showing_draft": context["is_secretary"],
            "saved_at": _time(report.updated_at) if report.pk else "",
        }
    )
    return render(request, "reports/read.html", context, status=status)


@login_required
@require_GET
def editor(request: HttpRequest, review_id: int) -> HttpResponse:
    """The secretary's editor while the report can be edited; otherwise the report read-only."""
    review = access.access_review(request.user, review_id)
    report = _report(review)
    if access.is_review_secretary(request.user, review):
        reason = services.why_not_editable(review, report)
        if reason is None and request.GET.get("view") != "saved":
            return _render_editor(request, review, report, _form(review, report))
        return _render_read(request, review, report, reason=reason)
    return _render_read(request, review, report)


def _saved_json(request: HttpRequest, review: Review, report: DutyReport) -> JsonResponse:
    findings = _findings(review, ReportBody.of_draft(review, report))
    return JsonResponse(
        {
            "revision": report.revision,
            "saved_at": _time(report.updated_at),
            "findings_count": len(findings),
            "findings_html": render_to_string("reports/_findings.html", {"findings": findings}, request=request),
        }
    )


@login_required
@require_POST
def save(request: HttpRequest, review_id: int) -> HttpResponse:
    """Save the draft. Autosave (ajax=1 or Accept: application/json) gets JSON: 200 {revision,
    saved_at, findings_html}, 409 {conflict, message, revision}, 400 {errors}. A plain form post
    redirects back, or shows the editor again with the typed text and the problem."""
    review = access.access_review(request.user, review_id)
    access.check_review_secretary(request.user, review)
    report = _report(review)
    form = _form(review, report, request.POST)
    ajax = _is_ajax(request)
    if not form.is_valid():
        if ajax:
            return JsonResponse({"errors": {f: " ".join(e) for f, e in form.errors.items()}}, status=400)
        return _render_editor(request, review, report, form, status=400)
    try:
        report = services.save_draft(request.user, review, form.content(), base_revision=form.cleaned_data["revision"])
    except services.EditConflict as conflict:
        if ajax:
            return JsonResponse({"conflict": True, "message": str(conflict), "revision": conflict.revision}, status=409)
        return _render_editor(request, review, report, form, conflict=conflict, status=409)
    except ValidationError as error:
        if ajax:
            return JsonResponse({"errors": _error_dict(error)}, status=400)
        apply_validation_error(form, error)
        return _render_editor(request, review, report, form, status=400)
    if ajax:
        return _saved_json(request, review, report)
    messages.success(request, _("Draft saved at %(time)s.") % {"time": _time(report.updated_at)})
    return redirect("reports:editor", review.pk)


@login_required
@require_POST
def submit(request: HttpRequest, review_id: int) -> HttpResponse:
    """Save what the form holds, then submit it. Missing sections: the service's message, the text
    kept and saved. A second click after success just leads back to the submitted report."""
    review = access.access_review(request.user, review_id)
    access.check_review_secretary(request.user, review)
    report = _report(review)
    if report.status == ReportStatus.SUBMITTED:
        messages.info(request, _("The report has been submitted and is waiting for the reviewer."))
        return redirect("reports:editor", review.pk)
    form = _form(review, report, request.POST)
    if not form.is_valid():
        return _render_editor(request, review, report, form, status=400)
    try:
        report = services.save_draft(request.user, review, form.content(), base_revision=form.cleaned_data["revision"])
    except services.EditConflict as conflict:
        return _render_editor(request, review, report, form, conflict=conflict, status=409)
    except ValidationError as error:
        apply_validation_error(form, error)
        return _render_editor(request, review, report, form, status=400)
    try:
        version = services.submit(request.user, review, base_revision=report.revision, ip=client_ip(request))
    except services.EditConflict as conflict:
        return _render_editor(request, review, report, form, conflict=conflict, status=409)
    except ValidationError as error:
        # What the form held is the working copy by now: show it again on the current revision, and say
        # what the save bar says (saved at …, or nothing saved because nothing was written).
        data = request.POST.copy()
        data["revision"] = str(report.revision)
        form = _form(review, report, data)
        form.is_valid()
        form.saved = True
        apply_validation_error(form, error)
        form.add_error(None, saved_note(report))
        return _render_editor(request, review, report, form, status=400)
    messages.success(
        request, _("Version %(n)d submitted to %(reviewer)s.") % {"n": version.number, "reviewer": review.reviewer.name}
    )
    return redirect("reports:editor", review.pk)


@login_required
@require_POST
def vet(request: HttpRequest, review_id: int) -> HttpResponse:
    """Pass or return the latest submitted version (审核; reviewer's leaders or the org dept only)."""
    review = access.access_review(request.user, review_id)
    access.check_vetter(request.user, review)
    form = VetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services.vet(
                request.user,
                review,
                version_number=data["version_number"],
                outcome=data["outcome"],
                comment=data["comment"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(n)d: %(outcome)s.")
                % {"n": result.version.number, "outcome": result.get_outcome_display()},
            )
            return redirect("reports:editor", review.pk)
    return _render_read(request, review, _report(review), vet_form=form, status=400)


# --- Versions ----------------------------------------------------------------------------------------


@login_required
@require_GET
def versions(request: HttpRequest, review_id: int) -> HttpResponse:
    """The submitted versions with their vettings, and the difference between two (?a=1&b=2; by
    default the last two)."""
    review = access.access_review(request.user, review_id)
    report = _report(review)
    all_versions = _versions(report)
    by_number = {v.number: v for v in all_versions}
    a, b = request.GET.get("a"), request.GET.get("b")
    error = ""
    old = new = None
    if a or b:
        try:
            old, new = by_number[int(a or "")], by_number[int(b or "")]
        except (KeyError, ValueError):
            error = _("Choose two of the versions listed.")
    elif len(all_versions) >= 2:
        old, new = all_versions[-2], all_versions[-1]
    sections = diff.diff_versions(old.content, new.content) if old and new else ()
    context = _common(request, review, report, all_versions)
    context.update(
        {
            "old": old,
            "new": new,
            "diff_sections": sections,
            "compare_error": error,
            "unchanged": bool(sections) and not any(s.changed for s in sections),
        }
    )
    return render(request, "reports/versions.html", context, status=400 if error else 200)


# --- Exports -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    body: ReportBody
    title: str
    date: datetime.date
    is_draft: bool
    version: ReportVersion | None


def _export(request: HttpRequest, review: Review) -> Export | None:
    """What the exports show: ?v=<n> that version; the secretary's editable draft (titled 草稿);
    otherwise the latest submitted version. None when there is nothing to show."""
    report = _report(review)
    versions = _versions(report)
    title = docx_export.default_title(review.cycle.year)
    wanted = request.GET.get("v")
    if wanted:
        version = next((v for v in versions if str(v.number) == wanted), None)
        if version is None:
            raise Http404
    elif access.is_review_secretary(request.user, review) and report.is_editable_status:
        return Export(ReportBody.of_draft(review, report), f"{title}（草稿）", timezone.localdate(), True, None)
    elif versions:
        version = versions[-1]
    else:
        return None
    return Export(
        ReportBody.of_version(version, services.prior_kinds_by_text(review)),
        title,
        timezone.localdate(version.submitted_at),
        False,
        version,
    )


def _nothing_to_export(request: HttpRequest, review: Review) -> HttpResponse:
    messages.info(request, _("Nothing has been submitted yet."))
    return redirect("reports:editor", review.pk)


@login_required
@require_GET
def docx(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.access_review(request.user, review_id)
    export = _export(request, review)
    if export is None:
        return _nothing_to_export(request, review)
    document = docx_export.ReportDocument(
        year=review.cycle.year,
        organization=review.organization.name,
        secretary=review.secretary.name,
        title=export.title,
        prior_answers=export.body.prior_answers,
        practices=export.body.practices,
        problems=export.body.problems,
        next_steps=export.body.next_steps,
        date=export.date,
        prior_kinds=export.body.prior_kinds,
    )
    name = f"{review.cycle.year}年度述职报告-{review.organization.name}-{review.secretary.name}"
    if export.is_draft:
        name += "-草稿"
    elif export.version and export.version.number > 1:
        name += f"-第{export.version.number}版"
    filename = _UNSAFE_FILENAME.sub("_", name) + ".docx"
    response = HttpResponse(
        docx_export.render_report_docx(document),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    # RFC 6266/5987: an ASCII fallback for old clients, the UTF-8 name for everyone else.
    fallback = f"duty-report-{review.cycle.year}-{review.pk}.docx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def print_view(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.access_review(request.user, review_id)
    export = _export(request, review)
    if export is None:
        return _nothing_to_export(request, review)
    # The same items and headings as the .docx: “（一）上年度述职通报问题：…”, “（二）整改承诺：…”.
    items = [
        (problem, answer, kind)
        for problem, answer, kind, _label in export.body.prior_items()
        if split_paragraphs(problem) or split_paragraphs(answer)
    ]
    prior = [
        (docx_export.item_heading(number, problem, kind), split_paragraphs(answer))
        for number, (problem, answer, kind) in enumerate(items, start=1)
    ]
    sections = [{**s, "paragraphs": split_paragraphs(s["text"])} for s in export.body.sections()]
    return render(
        request,
        "reports/print.html",
        {
            "review": review,
            "export": export,
            "prior": prior,
            "sections": sections,
            "labels": services.SECTION_LABELS,
            "date": chinese_date(export.date),
        },
    )


# --- Quality check rules --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def quality_rules(request: HttpRequest) -> HttpResponse:
    """Every rule explained, for everyone; the org dept edits the word lists and thresholds
    (services.save_quality_rules / reset_quality_rules)."""
    can_edit = access.can_set_up_cycles(request.user)
    form, status = None, 200
    if request.method == "POST":
        access.check_set_up_cycles(request.user)
        if request.POST.get("action") == "reset":
            services.reset_quality_rules(request.user, ip=client_ip(request))
            messages.success(request, _("The quality check uses the default rules again."))
            return redirect("reports:quality_rules")
        form = QualityRulesForm(request.POST)
        if form.is_valid():
            try:
                services.save_quality_rules(
                    request.user, form.cleaned_data["data"], loaded=form.cleaned_data["loaded"], ip=client_ip(request)
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            except services.RulesConflict as conflict:
                form.add_error(None, str(conflict))
            else:
                messages.success(request, _("Rules saved. Every report is checked with them from now on."))
                return redirect("reports:quality_rules")
        status = 400
    state = services.quality_rules_state()
    if can_edit and form is None:
        form = QualityRulesForm(
            initial={"data": json.dumps(state.data, ensure_ascii=False, indent=2), "loaded": state.stamp}
        )
    rules = [
        {"code": code, "title": title, "text": text, "seed": code in quality.SUBSTITUTION_RULES}
        for code, (title, text) in quality.RULE_DESCRIPTIONS.items()
    ]
    return render(
        request,
        "reports/quality_rules.html",
        {
            "rules": rules,
            "form": form,
            "can_edit": can_edit,
            "row": state.row,
            "rules_error": state.error if can_edit else None,
            "edit_url": reverse("reports:quality_rules"),
        },
        status=status,
    )
