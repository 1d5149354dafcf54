"""The organiser's pages of a meeting's vote (/meetings/<meeting_id>/vote/): running it — create the
vote, issue codes (per voter category) and print cards and paper ballots, open, close, paper entry,
the live screen, results (with every suggestion) and receipts — for the real vote and its rehearsals.

Setting up belongs to the ballot design pages (views_design, /vote-design/): voter categories, the
ballot form, starting and wiping rehearsals, and, after closing, the breakdown, seal and archive.
These pages link there rather than doing any of it again.

Access: the meeting is looked up through access.access_meeting (outside the user's scope: 404) and
every page that runs the vote requires access.can_run_meeting (403). Others who can see the meeting
get the read-only pages — the survey list, and results and receipts once the vote is closed. A survey
id of another meeting is 404. Results are never computed while the vote is open.
"""

from __future__ import annotations

from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuzhi.audit.services import client_ip
from shuzhi.core.forms import apply_validation_error
from shuzhi.meetings.models import Meeting
from shuzhi.orgs import access
from shuzhi.voting import ballotform, closing, exports, setup
from shuzhi.voting import codes as codelib
from shuzhi.voting import paper as paper_ballots
from shuzhi.voting import results as vote_results
from shuzhi.voting.forms import (
    IssueCodesForm,
    PaperCodeForm,
    ballot_input_from,
    ballot_rows,
)
from shuzhi.voting.models import (
    Ballot,
    BallotCode,
    CodeStatus,
    PaperEntry,
    Survey,
    SurveyStatus,
)
from shuzhi.voting.qr import address_warning, ballot_url, qr_svg

CARDS_PER_PAGE = 10  # 2 × 5 on an A4 sheet
# ?print_anyway=1: the organiser has read that phones cannot open the ballot address and prints regardless.
PRINT_ANYWAY = "print_anyway"

# tally.FORMULA, marked here so that makemessages puts it in the catalogue (a test keeps them equal).
FORMULA = gettext_noop(
    "score = Σ(weight of category × mean value given by that category) ÷ Σ(weights of categories that "
    "rated the presenter); mean value = Σ(option value × ballots) ÷ ballots that rated the presenter"
)


# --- Lookups --------------------------------------------------------------------------------------


def _meeting(request: HttpRequest, meeting_id: int, *, run: bool = True) -> Meeting:
    meeting = access.access_meeting(request.user, meeting_id)
    if run:
        access.check_run_meeting(request.user, meeting)
    return meeting


def _survey(meeting: Meeting, survey_id: int) -> Survey:
    survey = Survey.objects.filter(pk=survey_id, meeting=meeting).first()
    if survey is None:
        raise Http404
    survey.meeting = meeting
    return survey


def _meeting_survey(
    request: HttpRequest, meeting_id: int, survey_id: int, *, run: bool = True
) -> tuple[Meeting, Survey]:
    """The meeting (visible to the user, and run by them unless run=False) and its survey, or 404/403."""
    meeting = _meeting(request, meeting_id, run=run)
    return meeting, _survey(meeting, survey_id)


def _url_or_blank(name: str, *args) -> str:
    """A link to a page another part of the project provides, left out while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _manage_url(survey: Survey) -> str:
    url = reverse("voting:manage", args=[survey.meeting_id])
    return f"{url}{'?rehearsal=1' if survey.is_rehearsal else ''}#survey-{survey.pk}"


def _counted(survey_ref: OuterRef) -> dict:
    """Ballots received and codes issued, as subqueries: one query for any number of surveys."""

    def count(model):
        rows = model.objects.filter(survey=survey_ref).order_by().values("survey").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    return {"received": count(Ballot), "issued": count(BallotCode)}


def _presenters(survey: Survey) -> list[dict]:
    """The ballot's presenters: fixed when the vote opened; before that, the agenda as it stands."""
    return survey.presenters if survey.status != SurveyStatus.DRAFT else setup.presenters_of(survey.meeting)


# --- Set-up: create, issue, open, close -----------------------------------------------------------


def _manage_context(request: HttpRequest, meeting: Meeting, rehearsal: bool, forms: dict | None = None) -> dict:
    can_run = access.can_run_meeting(request.user, meeting)
    surveys = list(meeting.surveys.filter(is_rehearsal=rehearsal).annotate(**_counted(OuterRef("pk"))).order_by("-pk"))
    batches: dict[int, list] = {}
    for row in (
        BallotCode.objects.filter(survey__in=surveys)
        .values("survey", "batch", "is_paper", "category__name")
        .annotate(total=Count("pk"), unused=Count("pk", filter=Q(status=CodeStatus.UNUSED)))
        .order_by("survey", "batch")
    ):
        batches.setdefault(row["survey"], []).append(row)
    forms = forms or {}
    for survey in surveys:
        survey.meeting = meeting
        survey.batches = batches.get(survey.pk, [])
        if can_run and survey.status != SurveyStatus.CLOSED:
            survey.issue_form = forms.get(survey.pk) or IssueCodesForm(
                survey=survey, initial={"count": meeting.expected_attendees or 50}
            )
        if survey.status == SurveyStatus.DRAFT:
            survey.agenda_preview = setup.presenters_of(meeting)
    return {
        "meeting": meeting,
        "surveys": surveys,
        "rehearsal": rehearsal,
        "can_run": can_run,
        "meeting_page": _url_or_blank("meetings:detail", meeting.pk),
    }


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting's vote (or, with ?rehearsal=1, its rehearsals); POST creates the real vote.
    Rehearsals are started on the ballot design page (they copy the real vote's form and categories)."""
    rehearsal = request.GET.get("rehearsal") == "1"
    meeting = _meeting(request, meeting_id, run=request.method == "POST")
    if request.method == "POST":
        if rehearsal:  # a page from before rehearsals moved: send it where they are started
            return redirect("vote_design:index", meeting.pk)
        survey = setup.create_survey(request.user, meeting, ip=client_ip(request))
        messages.success(request, _("The satisfaction vote was created. Issue codes, print them, then open the vote."))
        return redirect(_manage_url(survey))
    return render(request, "voting/manage.html", _manage_context(request, meeting, rehearsal))


@login_required
@require_POST
def issue(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """Issue a batch of codes, then go straight to printing it."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    form = IssueCodesForm(request.POST, survey=survey)
    if form.is_valid():
        data = form.cleaned_data
        try:
            codes = setup.issue_codes(
                request.user,
                survey,
                data["count"],
                category=data["category"],
                paper=data["paper"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # about the survey (e.g. closed), not about what was typed
                messages.error(request, " ".join(error.messages))
                return redirect(_manage_url(survey))
            apply_validation_error(form, error)
        else:
            batch = BallotCode.objects.filter(code_hash=codelib.code_hash(codes[0])).values_list("batch", flat=True)[0]
            messages.success(
                request,
                _(
                    "%(n)d codes issued as batch %(batch)d. Print them now: the codes are shown "
                    "only until they are used."
                )
                % {"n": len(codes), "batch": batch},
            )
            target = "voting:paper_sheets" if data["paper"] else "voting:cards"
            return redirect(f"{reverse(target, args=[meeting.pk, survey.pk])}?batch={batch}")
    context = _manage_context(request, meeting, survey.is_rehearsal, forms={survey.pk: form})
    return render(request, "voting/manage.html", context, status=400)


@login_required
@require_POST
def open_vote(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    try:
        setup.open_survey(request.user, survey, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The vote is open: voters can now scan their cards."))
    return redirect(_manage_url(survey))


@login_required
@require_POST
def close_vote(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    try:
        survey = closing.close_survey(request.user, survey, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_manage_url(survey))
    messages.success(request, _("The vote is closed and sealed; the result can no longer change."))
    return redirect("voting:results", meeting.pk, survey.pk)


# --- Printing: cards and paper ballots ------------------------------------------------------------


def _batch(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["batch"])
    except (KeyError, ValueError):
        return None


def _printable(survey: Survey, *, paper: bool, batch: int | None) -> tuple[list[tuple[str, str]], int]:
    """(unused codes with their category, how many of the selection are used and no longer printable)."""
    return setup.printable_codes(survey, paper=paper, batch=batch)


def _pages(items: list, size: int) -> list[list]:
    it = iter(items)
    return list(iter(lambda: list(islice(it, size)), []))


@login_required
@require_GET
def cards(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """Cut-out cards, 2 × 5 to an A4 page: the meeting, the code, its QR code and one line of help.

    When the ballot address is one phones cannot open (qr.address_warning), the page says why and how to
    fix it, and shows no card until the organiser confirms with ?print_anyway=1."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    batch = _batch(request)
    unused, used = _printable(survey, paper=False, batch=batch)
    entry_url = ballot_url(request)
    warning = address_warning(entry_url)
    held = bool(warning and unused) and request.GET.get(PRINT_ANYWAY) != "1"
    several_categories = len({category for _code, category in unused}) > 1
    items = (
        []
        if held
        else [
            {
                "code": codelib.format_code(code),
                "qr": qr_svg(ballot_url(request, code)),
                "category": category if several_categories else "",
            }
            for code, category in unused
        ]
    )
    return render(
        request,
        "voting/cards.html",
        {
            "meeting": meeting,
            "survey": survey,
            "batch": batch,
            "pages": _pages(items, CARDS_PER_PAGE),
            "count": len(items),
            "used": used,
            "entry_url": entry_url,
            "back": _manage_url(survey),
            "warning": warning,
            "held": held,
            "held_count": len(unused) if held else 0,
        },
    )


@login_required
@require_GET
def paper_sheets(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """One A4 paper ballot per unused paper code: each presenter with a box per option, and room for suggestions."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    batch = _batch(request)
    unused, used = _printable(survey, paper=True, batch=batch)
    return render(
        request,
        "voting/paper_sheets.html",
        {
            "meeting": meeting,
            "survey": survey,
            "batch": batch,
            "used": used,
            "sheets": [{"code": codelib.format_code(code), "category": category} for code, category in unused],
            "presenters": _presenters(survey),
            "options": survey.form["options"],
            "items": survey.form.get("items", []),
            "back": _manage_url(survey),
        },
    )


# --- Paper entry -----------------------------------------------------------------------------------


def _mismatch_rows(survey: Survey) -> list[dict]:
    groups = paper_ballots.paper_mismatches(survey)
    codes = setup.unsealed_codes([g[0].code_hash for g in groups])
    labels = {o["key"]: o["label"] for o in survey.form["options"]}
    rows = []
    for entries in groups:
        rows.append(
            {
                "code": codelib.format_code(codes.get(entries[0].code_hash, ""))
                if codes.get(entries[0].code_hash)
                else "—",
                "entries": [
                    {
                        "entry": entry,
                        "marks": [
                            (
                                p["name"],
                                labels.get(entry.content["ratings"].get(str(p["review"]), ""), "—"),
                                entry.content["suggestions"].get(str(p["review"]), ""),
                            )
                            for p in survey.presenters
                        ],
                        "overall": entry.content.get("overall_suggestion", ""),
                    }
                    for entry in entries
                ],
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """A clerk types in a paper ballot: its code, the box ticked for each presenter, the suggestions."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    form = PaperCodeForm(request.POST or None)
    chosen = None
    status = 200
    if request.method == "POST":
        chosen = ballot_input_from(request.POST, survey)
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                result = paper_ballots.enter_paper_ballot(request.user, survey, code, chosen)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                shown = codelib.format_code(codelib.normalize(code))
                if result.counted:
                    messages.success(request, _("Paper ballot %(code)s is counted.") % {"code": shown})
                elif result.waiting_for_second_clerk:
                    messages.info(
                        request,
                        _(
                            "Paper ballot %(code)s is saved and waits for a second clerk to enter it "
                            "again; it counts when both entries agree."
                        )
                        % {"code": shown},
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "Paper ballot %(code)s does not match the other clerk's entry and is "
                            "NOT counted. Check the paper, withdraw the wrong entry below and "
                            "enter it again."
                        )
                        % {"code": shown},
                    )
                return redirect("voting:paper", meeting.pk, survey.pk)
        status = 400
    return render(
        request,
        "voting/paper.html",
        {
            "meeting": meeting,
            "survey": survey,
            "form": form,
            "rows": ballot_rows(survey, survey.presenters, chosen),
            "overall": chosen.overall_suggestion if chosen else "",
            "mismatches": _mismatch_rows(survey),
            "back": _manage_url(survey),
            "is_open": survey.status == SurveyStatus.OPEN,
        },
        status=status,
    )


@login_required
@require_POST
def paper_withdraw(request: HttpRequest, meeting_id: int, survey_id: int, entry_id: int) -> HttpResponse:
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    entry = PaperEntry.objects.filter(pk=entry_id, survey=survey).first()
    if entry is None:
        raise Http404
    paper_ballots.withdraw_paper_entry(request.user, entry)
    messages.success(request, _("The entry was withdrawn; enter the paper ballot again."))
    return redirect("voting:paper", meeting.pk, survey.pk)


@login_required
@require_POST
def paper_mode(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """Turn two-clerk entry of paper ballots on or off (before any paper ballot is entered)."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id)
    try:
        paper_ballots.set_paper_double_entry(
            request.user, survey, request.POST.get("double") == "1", ip=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("voting:paper", meeting.pk, survey.pk)


# --- The live screen ------------------------------------------------------------------------------


def _turnout(meeting: Meeting, survey_id: int) -> dict:
    """Status and turnout of the survey in one query — never anything per presenter."""
    row = (
        Survey.objects.filter(pk=survey_id, meeting=meeting)
        .annotate(**_counted(OuterRef("pk")))
        .values("pk", "status", "is_rehearsal", "received", "issued")
        .first()
    )
    if row is None:
        raise Http404
    return row


@login_required
@require_GET
def live(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """The screen shown in the room: received / issued, updated every 3 seconds; no results."""
    meeting = _meeting(request, meeting_id)
    turnout = _turnout(meeting, survey_id)
    entry = ballot_url(request)
    return render(
        request,
        "voting/live.html",
        {
            "meeting": meeting,
            "t": turnout,
            "entry_url": entry,
            "entry_qr": qr_svg(entry, css_class="qr entry-qr"),
            "warning": address_warning(entry),
        },
    )


@login_required
@require_GET
def live_fragment(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    return render(request, "voting/live_turnout.html", {"meeting": meeting, "t": _turnout(meeting, survey_id)})


# --- Results and receipts (after closing only) ----------------------------------------------------


def _result_rows(presenters: list, options: list[dict], items: list[dict]) -> list[dict]:
    keys = [o["key"] for o in options]
    return [
        {
            "p": p,
            "counts": [p.counts.get(k, 0) for k in keys],
            "rate": p.satisfaction_rate * 100 if p.satisfaction_rate is not None else None,
            "items": [
                (i["label"], [(o["label"], p.item_counts.get(i["key"], {}).get(o["key"], 0)) for o in i["options"]])
                for i in items
            ],
        }
        for p in presenters
    ]


def option_summary(options: list[dict]) -> tuple[str, str]:
    """("满意 = 100，基本满意 = 60，…", "满意、基本满意"): the option values, and the options counted as satisfied."""
    values = "，".join(f"{o['label']} = {o['value']:g}" for o in options)
    satisfied = "、".join(o["label"] for o in options if o.get("satisfied"))
    return values, satisfied


def closed_outcome(survey: Survey) -> vote_results.SurveyResults:
    """The results a page or file shows: those stored when the vote closed; for a rehearsal (which
    stores nothing) a count of its ballots."""
    return vote_results.stored_results(survey) or vote_results.results(survey)


@login_required
@require_GET
def results(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    meeting, survey = _meeting_survey(request, meeting_id, survey_id, run=False)
    context = {
        "meeting": meeting,
        "survey": survey,
        "back": _manage_url(survey),
        "can_run": access.can_run_meeting(request.user, meeting),
    }
    if survey.status != SurveyStatus.CLOSED:
        return render(request, "voting/results.html", context)
    outcome = closed_outcome(survey)
    options, items = survey.form["options"], survey.form.get("items", [])
    values, satisfied = option_summary(options)
    context.update(
        {
            "r": outcome,
            "options": options,
            "items": items,
            "rows": _result_rows(outcome.presenters, options, items),
            "flagged_rows": _result_rows(outcome.flagged_presenters, options, []),
            "several_categories": len(outcome.presenters[0].by_category) > 1 if outcome.presenters else False,
            "void": [(ballotform.REASONS.get(k, k), n) for k, n in outcome.void.items()],
            "flagged": [(ballotform.REASONS.get(k, k), n) for k, n in outcome.flagged.items()],
            "formula": _(FORMULA),
            "option_values": values,
            "satisfied_labels": satisfied,
            "uncounted_suggestions": outcome.void_suggestions.count + outcome.flagged_suggestions.count,
            "small_categories": sorted({n for p in outcome.presenters for n in vote_results.small_categories(p)}),
        }
    )
    return render(request, "voting/results.html", context)


@login_required
@require_GET
def results_xlsx(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """测评结果统计表 (.xlsx); while the vote is open there is no file, only the explanation (409)."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id, run=False)
    if survey.status != SurveyStatus.CLOSED:
        return render(
            request,
            "voting/results.html",
            {"meeting": meeting, "survey": survey, "back": _manage_url(survey)},
            status=409,
        )
    content = exports.results_workbook(meeting, survey, closed_outcome(survey), formula=_(FORMULA))
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, exports.results_file_name(meeting, survey))
    return response


@login_required
@require_GET
def receipts(request: HttpRequest, meeting_id: int, survey_id: int) -> HttpResponse:
    """Every receipt code of a closed vote, so each voter can find theirs; and the seal's digest."""
    meeting, survey = _meeting_survey(request, meeting_id, survey_id, run=False)
    context: dict = {"meeting": meeting, "survey": survey, "back": _manage_url(survey), "receipts": None}
    if survey.status == SurveyStatus.CLOSED:
        listed = vote_results.receipts(survey)
        typed = request.GET.get("q", "")[:40]
        query = codelib.normalize(typed)
        context.update(
            {"receipts": listed, "typed": typed, "query": query, "found": query in set(listed) if query else None}
        )
    return render(request, "voting/receipts.html", context)
