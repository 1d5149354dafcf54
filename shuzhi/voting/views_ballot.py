"""The public ballot at /v/: no login, a phone's own browser or WeChat's, hundreds at once.

- Cheap: GET /v/<code>/ costs two queries (the guess throttle, and the code with its survey and
  meeting in one join); the pages are rendered without the staff context processors, so a voter's
  request never touches the session or user tables.
- Anonymous: the client address goes to the guess throttle only (a keyed hash, inside services);
  nothing here logs it or stores it with a ballot.
- The receipt appears only in the body of the POST response, never in a URL (no redirect after
  voting), and that response is not stored by the browser or any cache (Cache-Control: no-store).
- Nothing a voter chose is lost: a refused or malformed submission shows the ballot again as filled.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from shuzhi.audit.services import client_ip
from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.forms import ballot_input_from, ballot_rows
from shuzhi.voting.models import BallotCode, CodeStatus, Survey, SurveyStatus
from shuzhi.voting.services import BallotInput, BallotRefused

# Refusal statuses: an unknown code is "not found"; a real code that cannot vote now is a conflict.
STATUS_FOR_REASON = {"unknown": 404, "used": 409, "not_open": 409, "other_meeting": 409, "rehearsal": 409,
                     "error": 503}


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """Render without context processors: the staff navigation would load the session and the user."""
    context = {**context, "csrf_token": get_token(request)}
    return HttpResponse(loader.get_template(template).render(context), status=status)


def _too_many_guesses(request: HttpRequest, survey: Survey | None = None, code: str = "",
                      chosen: BallotInput | None = None) -> HttpResponse:
    message = _("Too many wrong codes were tried from this network. Please wait one minute and try again.")
    if survey is not None and survey.status == SurveyStatus.OPEN:
        response = _ballot_page(request, survey, code, chosen, error=message, status=429)
    else:
        response = _render(request, "voting/ballot_refused.html", {"message": message, "reason": "throttled"},
                           status=429)
    response["Retry-After"] = "60"
    return response


def _refused(request: HttpRequest, survey: Survey | None, message: str, reason: str) -> HttpResponse:
    return _render(request, "voting/ballot_refused.html", {
        "survey": survey, "meeting": survey.meeting if survey else None, "message": message, "reason": reason,
    }, status=STATUS_FOR_REASON.get(reason, 409))


def _ballot_page(request: HttpRequest, survey: Survey, code: str, chosen: BallotInput | None = None, *,
                 error: str = "", status: int = 200) -> HttpResponse:
    return _render(request, "voting/ballot_form.html", {
        "survey": survey, "meeting": survey.meeting, "code": code, "error": error,
        "rows": ballot_rows(survey, survey.presenters, chosen), "overall": chosen.overall_suggestion if chosen else "",
        "max_suggestion": services.MAX_SUGGESTION_CHARS, "max_overall": services.MAX_SUGGESTION_CHARS * 2,
    }, status=status)


def _refusal_for(code_row: BallotCode) -> tuple[str, str] | None:
    """Why this existing code cannot vote now — the same messages services.cast_ballot gives."""
    if code_row.status == CodeStatus.USED:
        return _("This code has already been used: each code votes once."), "used"
    if code_row.survey.status == SurveyStatus.CLOSED:
        return _("Voting is closed."), "not_open"
    if code_row.survey.status != SurveyStatus.OPEN:
        return _("Voting has not started yet."), "not_open"
    return None


@require_GET
def enter(request: HttpRequest) -> HttpResponse:
    """/v/: one big field for the code printed on the card; a valid-looking code goes to its ballot."""
    typed = request.GET.get("code", "")[:64]
    error = ""
    if "code" in request.GET:
        code = codelib.normalize(typed)
        if codelib.looks_valid(code):
            return redirect("ballot:form", code=code)
        # A mistyped length is not a guess at a real code, so it is not counted by the throttle.
        error = _("A ballot code has 13 letters and digits, as printed on your card. Check it and type it again.")
    return _render(request, "voting/ballot_enter.html", {"typed": typed, "error": error},
                   status=400 if error else 200)


def _csrf_failed(request: HttpRequest) -> bool:
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {}) is not None


@csrf_exempt  # checked in the view instead: an expired page shows the ballot again with the choices kept
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, code: str) -> HttpResponse:
    """/v/<code>/: the ballot of the code's survey (GET); casting it (POST)."""
    client = client_ip(request) or ""
    code = codelib.normalize(code)
    if request.method == "POST":
        return _cast(request, code, client)
    if services.too_many_guesses(client):
        return _too_many_guesses(request)
    row = None
    if codelib.looks_valid(code):
        row = (BallotCode.objects.filter(code_hash=codelib.code_hash(code))
               .select_related("survey__meeting").only(
                   "status", "survey__status", "survey__is_rehearsal", "survey__form", "survey__presenters",
                   "survey__meeting__title").first())
    if row is None:
        services.note_failed_guess(client)
        return _refused(request, None, _("This code is not valid. Check the code on your card and type it again."),
                        "unknown")
    refusal = _refusal_for(row)
    if refusal:
        return _refused(request, row.survey, *refusal)
    return _ballot_page(request, row.survey, code)


def _cast(request: HttpRequest, code: str, client: str) -> HttpResponse:
    try:
        survey_id = int(request.POST.get("survey", ""))
    except ValueError:
        survey_id = 0
    survey = (Survey.objects.select_related("meeting")
              .only("status", "is_rehearsal", "form", "presenters", "meeting__title").filter(pk=survey_id).first())
    if survey is None:
        return _refused(request, None, _("This ballot page is out of date. Scan the QR code on your card again."),
                        "unknown")
    chosen = ballot_input_from(request.POST, survey)
    if services.too_many_guesses(client):
        return _too_many_guesses(request, survey, code, chosen)
    if _csrf_failed(request):
        return _ballot_page(request, survey, code, chosen, status=403, error=_(
            "This page was open for a long time and has expired. Your choices are kept: "
            "press “Submit” once more. If this message comes back, open the link in the phone's own browser."))
    try:
        receipt = services.cast_ballot(survey.pk, code, chosen)
    except BallotRefused as refused:
        if refused.reason == "unknown":
            services.note_failed_guess(client)
        return _refused(request, survey, str(refused), refused.reason)
    except ValidationError as error:
        if survey.status != SurveyStatus.OPEN:
            return _refused(request, survey, _("Voting is closed.") if survey.status == SurveyStatus.CLOSED
                            else _("Voting has not started yet."), "not_open")
        return _ballot_page(request, survey, code, chosen, error=" ".join(error.messages), status=400)
    response = _render(request, "voting/ballot_done.html", {"survey": survey, "meeting": survey.meeting,
                                                            "receipt": receipt})
    response["Cache-Control"] = "no-store"
    return response
