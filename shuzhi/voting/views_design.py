"""Ballot design as the organisation department runs it.

- /cycles/<cycle_id>/ballot-form/            the year's ballot form (org dept only, else 403)
- /meetings/<meeting_id>/vote-design/         the meeting's surveys and rehearsals
- .../vote-design/rehearsal/                  start a rehearsal (a copy of the real vote's set-up)
- .../vote-design/<survey_id>/                voter categories and weights, the survey's own ballot
                                              form, rehearsals (and wiping one)
- .../<survey_id>/breakdown/                  results per presenter per category (after closing only)
- .../<survey_id>/verify/                     the stored ballots against the seal made at closing
- .../<survey_id>/archive.xlsx|.csv           原始测评票存档 (after closing only)
- .../preview/                                the real phone ballot, rendered with sample presenters

Running the vote — issuing and printing codes (per voter category), opening, closing, paper entry,
results — belongs to the vote pages (views, /vote/), which these pages link to.

Access is decided in shuzhi.orgs.access only: the meeting is looked up with access_meeting (outside
the user's scope: 404), design pages require can_run_meeting (403), a survey id of another meeting is
404. Breakdown, verification and the archive are read by anyone who can see the meeting, like the
results page. Every change goes through the voting service modules (setup, closing), which validates and audits it.
"""

from __future__ import annotations

from types import SimpleNamespace

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.audit.services import client_ip
from shuzhi.cycles.models import ReviewCycle
from shuzhi.meetings.models import Meeting
from shuzhi.orgs import access
from shuzhi.orgs.tree import order_by_tree
from shuzhi.voting import archive, ballotform, casting, closing, setup
from shuzhi.voting import views as vote_views
from shuzhi.voting.forms import ballot_rows
from shuzhi.voting.forms_design import BallotFormEditor, CategoriesEditor, row_action
from shuzhi.voting.models import BallotCode, Survey, SurveyStatus
from shuzhi.voting.tally import FORMULA

BALLOT_TEMPLATE = "voting/ballot_form.html"  # the public phone ballot (views_ballot), shown as the preview
SAMPLE_PRESENTERS = [
    {"review": 1, "name": "张三", "org": "示例学院党总支"},
    {"review": 2, "name": "李四", "org": "示例直属党支部"},
    {"review": 3, "name": "王五", "org": "示例学院教工党支部"},
]


# --- Lookups --------------------------------------------------------------------------------------

# The vote pages' own lookups (access.access_meeting / check_run_meeting, then the survey) and helpers.
_meeting, _meeting_survey, _presenters = vote_views._meeting, vote_views._meeting_survey, vote_views._presenters
_url = vote_views._url_or_blank


def _cycle(request: HttpRequest, cycle_id: int) -> ReviewCycle:
    """The cycle whose ballot form is being set, part of setting up the year: as every set-up page, a
    cycle the user does not take part in is missing (404), one they see but may not set up refused (403)."""
    return access.access_cycle(request.user, cycle_id, set_up=True)


def _design_url(survey: Survey, anchor: str = "") -> str:
    url = reverse("vote_design:design", args=[survey.meeting_id, survey.pk])
    return f"{url}#{anchor}" if anchor else url


# --- The preview: the real phone ballot with sample presenters ------------------------------------


def _preview(
    request: HttpRequest, stored: dict, *, title: str, presenters: list[dict], rehearsal: bool = False
) -> HttpResponse:
    """The public ballot template, filled with the form being edited (the query string carries what was
    typed, so the preview follows the editor) — or the problem with it, in place of the ballot."""
    form, problem = stored, ""
    if BallotFormEditor.posted(request.GET):
        try:
            form = ballotform.parse_form(BallotFormEditor.from_data(request.GET, stored).to_form())
        except ValidationError as error:
            problem = " ".join(error.messages)
    if problem:
        html = render_to_string("voting/design/preview_problem.html", {"problem": problem})
    else:
        survey = SimpleNamespace(pk=0, form=form, presenters=presenters, is_rehearsal=rehearsal)
        html = render_to_string(
            BALLOT_TEMPLATE,
            {
                "survey": survey,
                "meeting": SimpleNamespace(title=title),
                "code": "",
                "error": "",
                "overall": "",
                "rows": ballot_rows(survey, presenters),
                "max_suggestion": casting.MAX_SUGGESTION_CHARS,
                "max_overall": casting.MAX_SUGGESTION_CHARS * 2,
                "preview": True,
            },
        )
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    return response


def _preview_headers(view):
    """Shown in a frame of our own pages only, and its form can post nowhere."""
    return xframe_options_sameorigin(csp_replace({"frame-ancestors": [SELF], "form-action": [NONE]})(view))


def _preview_src(base: str, editor: BallotFormEditor | None) -> str:
    return f"{base}?{editor.query()}" if editor is not None else base


# --- The cycle's ballot form ----------------------------------------------------------------------


def _cycle_presenters(cycle: ReviewCycle) -> list[dict]:
    reviews = order_by_tree(cycle.reviews.select_related("secretary", "organization"), "organization_id", "pk")[:3]
    found = [{"review": r.pk, "name": r.secretary.name, "org": r.organization.name} for r in reviews]
    return found or SAMPLE_PRESENTERS


def _stored_cycle_form(cycle: ReviewCycle) -> dict:
    try:
        return ballotform.parse_form(cycle.ballot_form) if cycle.ballot_form else ballotform.default_form()
    except ValidationError:
        return ballotform.default_form()


@login_required
@require_http_methods(["GET", "POST"])
def cycle_form(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The year's ballot form: the overall options, per-item ratings and the valid-ballot rules."""
    cycle = _cycle(request, cycle_id)
    stored = _stored_cycle_form(cycle)
    editor, status = None, 200
    if request.method == "POST":
        editor = BallotFormEditor.from_data(request.POST, stored)
        action, index = row_action(request.POST)
        if not editor.apply(action, index):
            try:
                setup.set_cycle_ballot_form(request.user, cycle, editor.to_form(), ip=client_ip(request))
            except ValidationError as error:
                editor.error = " ".join(error.messages)
                status = 400
            else:
                messages.success(request, _("The ballot form of the year was saved. Votes created from now on use it."))
                return redirect("cycle_ballot_form:edit", cycle.pk)
    surveys = Survey.objects.filter(meeting__cycle=cycle, is_rehearsal=False).count()
    return render(
        request,
        "voting/design/cycle_form.html",
        {
            "cycle": cycle,
            "editor": editor or BallotFormEditor.from_form(stored),
            "preview_src": _preview_src(reverse("cycle_ballot_form:preview", args=[cycle.pk]), editor),
            "preview_base": reverse("cycle_ballot_form:preview", args=[cycle.pk]),
            "form_action": reverse("cycle_ballot_form:edit", args=[cycle.pk]),
            "surveys_with_own_form": surveys,
            "cycle_page": _url("cycles:detail", cycle.pk),
        },
        status=status,
    )


@login_required
@require_GET
@_preview_headers
def cycle_form_preview(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    return _preview(
        request,
        _stored_cycle_form(cycle),
        title=_("%(cycle)s — review meeting") % {"cycle": cycle.title},
        presenters=_cycle_presenters(cycle),
    )


# --- The meeting's surveys ------------------------------------------------------------------------


def _counted_surveys(meeting: Meeting) -> list[Survey]:
    surveys = list(meeting.surveys.annotate(**vote_views._counted(OuterRef("pk"))).order_by("is_rehearsal", "-pk"))
    for survey in surveys:
        survey.meeting = meeting
    return surveys


@login_required
@require_GET
def index(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    return render(
        request,
        "voting/design/index.html",
        {
            "meeting": meeting,
            "surveys": _counted_surveys(meeting),
            "vote_page": _url("voting:manage", meeting.pk),
            "meeting_page": _url("meetings:detail", meeting.pk),
        },
    )


@login_required
@require_POST
def start_rehearsal(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A rehearsal (模拟测评) of the meeting's vote, with the real vote's form and categories if it has one
    (the vote page's rehearsal list starts one here too)."""
    meeting = _meeting(request, meeting_id)
    rehearsal = setup.start_rehearsal(request.user, meeting, ip=client_ip(request))
    messages.success(
        request,
        _(
            "A rehearsal was created with the same ballot form and voter categories. Its codes "
            "never work in the real vote, and nothing in it counts."
        ),
    )
    return redirect(_design_url(rehearsal))


# --- The design page of one survey ----------------------------------------------------------------


def _design_context(
    request: HttpRequest,
    meeting: Meeting,
    survey: Survey,
    *,
    categories: CategoriesEditor | None = None,
    editor: BallotFormEditor | None = None,
) -> dict:
    locked = setup.survey_locked(survey)
    codes_issued = BallotCode.objects.filter(survey=survey).exists()
    preview_base = reverse("vote_design:preview", args=[meeting.pk, survey.pk])
    real = Survey.objects.filter(meeting=meeting, is_rehearsal=False).first()
    return {
        "meeting": meeting,
        "survey": survey,
        "locked": locked,
        "codes_issued": codes_issued,
        "categories": categories or CategoriesEditor.from_categories(survey.categories.all()),
        "editor": editor or BallotFormEditor.from_form(survey.form),
        "form_locked_reason": _("Ballots have arrived; the ballot form can no longer change.") if locked else "",
        "categories_locked_reason": _("Ballots have arrived; the voter categories can no longer change.")
        if locked
        else "",
        "form_action": reverse("vote_design:form", args=[meeting.pk, survey.pk]),
        "preview_base": preview_base,
        "preview_src": _preview_src(preview_base, editor),
        "rehearsals": list(meeting.surveys.filter(is_rehearsal=True).order_by("-pk"))
        if not survey.is_rehearsal
        else [],
        "real_survey": real,
        "vote_page": vote_views._manage_url(survey),
        "closed": survey.status == SurveyStatus.CLOSED,
    }


@login_required
@require_GET
def design(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    return render(request, "voting/design/design.html", _design_context(request, meeting, survey))


@login_required
@require_POST
def categories(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """Voter categories with their weights; the service refuses weights that do not add up to 100."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    editor = CategoriesEditor.from_data(request.POST)
    action, index = row_action(request.POST)
    if editor.apply(action, index):
        return render(
            request, "voting/design/design.html", _design_context(request, meeting, survey, categories=editor)
        )
    try:
        setup.set_categories(request.user, survey, editor.entries(), ip=client_ip(request))
    except ValidationError as error:
        editor.error = " ".join(error.messages)
        return render(
            request,
            "voting/design/design.html",
            _design_context(request, meeting, survey, categories=editor),
            status=400,
        )
    messages.success(request, _("The voter categories and their weights were saved."))
    return redirect(_design_url(survey, "categories"))


@login_required
@require_POST
def survey_form(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """The survey's own ballot form; refused once the first ballot has arrived."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    editor = BallotFormEditor.from_data(request.POST, survey.form)
    action, index = row_action(request.POST)
    if editor.apply(action, index):
        return render(request, "voting/design/design.html", _design_context(request, meeting, survey, editor=editor))
    try:
        setup.set_survey_form(request.user, survey, editor.to_form(), ip=client_ip(request))
    except ValidationError as error:
        editor.error = " ".join(error.messages)
        return render(
            request, "voting/design/design.html", _design_context(request, meeting, survey, editor=editor), status=400
        )
    messages.success(request, _("The ballot form of this vote was saved."))
    return redirect(_design_url(survey, "form"))


@login_required
@require_GET
@_preview_headers
def preview(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    return _preview(
        request,
        survey.form,
        title=meeting.title,
        presenters=_presenters(survey) or SAMPLE_PRESENTERS,
        rehearsal=survey.is_rehearsal,
    )


@login_required
@require_POST
def wipe(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """Delete a rehearsal with its codes and ballots; a real vote is refused (by the service too)."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    try:
        setup.wipe_rehearsal(request.user, survey, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_design_url(survey))
    messages.success(request, _("The rehearsal was wiped with its codes and ballots."))
    real = Survey.objects.filter(meeting=meeting, is_rehearsal=False).first()
    if real is not None:
        real.meeting = meeting
        return redirect(_design_url(real, "rehearsal"))
    return redirect("vote_design:index", meeting.pk)


# --- After closing: breakdown, verification, archive ----------------------------------------------


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _weight(value) -> str:
    return f"{value.normalize():f}"


def _presenter_breakdown(presenter, options: list[dict]) -> dict:
    keys = [o["key"] for o in options]
    categories = [
        {
            "name": c.name,
            "weight": _weight(c.weight),
            "counts": [c.counts.get(k, 0) for k in keys],
            "rated": c.rated,
            "mean": _fmt(c.mean),
            "used": c.mean is not None,
        }
        for c in presenter.by_category
    ]
    used = [c for c in presenter.by_category if c.mean is not None]
    working = ""
    if used:
        top = " + ".join(f"{_weight(c.weight)} × {_fmt(c.mean)}" for c in used)
        bottom = " + ".join(_weight(c.weight) for c in used)
        working = f"({top}) ÷ ({bottom}) = {_fmt(presenter.score)}"
    return {
        "p": presenter,
        "categories": categories,
        "counts": [presenter.counts.get(k, 0) for k in keys],
        "score": _fmt(presenter.score),
        "working": working,
        "rate": None if presenter.satisfaction_rate is None else f"{presenter.satisfaction_rate * 100:.1f}%",
    }


@login_required
@require_GET
def breakdown(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """Per presenter, per voter category: counts, mean and the weighted score, worked out; void and
    flagged ballots counted separately with their reasons. Nothing is computed while the vote is open."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id, run=False)
    context: dict = {
        "meeting": meeting,
        "survey": survey,
        "closed": survey.status == SurveyStatus.CLOSED,
        "can_run": access.can_run_meeting(request.user, meeting),
    }
    if not context["closed"]:
        return render(request, "voting/design/breakdown.html", context)
    outcome = vote_views.closed_outcome(survey)
    options = survey.form["options"]
    context.update(
        {
            "r": outcome,
            "options": options,
            "formula": _(FORMULA),
            "option_values": vote_views.option_summary(options)[0],
            "rows": [_presenter_breakdown(p, options) for p in outcome.presenters],
            "flagged_rows": [_presenter_breakdown(p, options) for p in outcome.flagged_presenters],
            "void": [(ballotform.REASONS.get(k, k), n) for k, n in sorted(outcome.void.items())],
            "flagged": [(ballotform.REASONS.get(k, k), n) for k, n in sorted(outcome.flagged.items())],
            "void_total": sum(outcome.void.values()),
            "flagged_total": sum(outcome.flagged.values()),
        }
    )
    return render(request, "voting/design/breakdown.html", context)


@login_required
@require_GET
def verify(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """Whether the stored ballots still match the seal made at closing, naming each difference; and,
    for those who run the meeting, a recount of the sealed ballots compared with the stored results."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id, run=False)
    closed = survey.status == SurveyStatus.CLOSED
    check = closing.verify_seal(survey) if closed else None
    can_run = access.can_run_meeting(request.user, meeting)
    recount = closing.verify_results(survey) if closed and can_run and not survey.is_rehearsal else None
    return render(
        request,
        "voting/design/verify.html",
        {
            "meeting": meeting,
            "survey": survey,
            "check": check,
            "can_run": can_run,
            "recount": recount,
        },
    )


def _archive(request: HttpRequest, meeting_id: int, survey_id: int, kind: str) -> HttpResponse:
    meeting, survey = _meeting_survey(request, meeting_id, survey_id, run=False)
    if survey.status != SurveyStatus.CLOSED:
        return render(
            request,
            "voting/design/breakdown.html",
            {
                "meeting": meeting,
                "survey": survey,
                "closed": False,
                "can_run": access.can_run_meeting(request.user, meeting),
            },
            status=409,
        )
    headers, rows = closing.archive_rows(survey)
    if kind == "xlsx":
        content, content_type = archive.archive_xlsx(meeting, survey, headers, rows), archive.XLSX_CONTENT_TYPE
    else:
        content, content_type = archive.archive_csv(meeting, survey, headers, rows), archive.CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, archive.file_name(meeting, survey, kind))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def archive_xlsx(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    return _archive(request, meeting_id, survey_id, "xlsx")


@login_required
@require_GET
def archive_csv(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    return _archive(request, meeting_id, survey_id, "csv")
