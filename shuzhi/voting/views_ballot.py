"""The public ballot at /v/: no login, a phone's own browser or WeChat's, hundreds at once.

- Cheap: GET /v/<code>/ costs one query (the code with its survey, meeting and the client's guess
  throttle, casting.look_up_code); the untouched ballot and the confirmation of a survey are
  rendered once per process and language and reused for every voter with only the CSRF token or the
  receipt put in (BallotPageCache). Pages are rendered without the staff context processors, so a
  voter's request never touches the session or user tables.
- Anonymous: the client address goes to the guess throttle only (a keyed hash, inside casting);
  nothing here logs it or stores it with a ballot.
- The receipt appears only in the body of the POST response, never in a URL (no redirect after
  voting), and that response is not stored by the browser or any cache (Cache-Control: no-store).
- Nothing a voter chose is lost: a refused or malformed submission shows the ballot again as filled.
"""

from __future__ import annotations

import secrets
import threading

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from shuzhi.audit.services import client_ip
from shuzhi.core import inputs
from shuzhi.voting import casting
from shuzhi.voting import codes as codelib
from shuzhi.voting.casting import BallotInput, BallotRefused
from shuzhi.voting.forms import ballot_input_from, ballot_rows
from shuzhi.voting.models import Survey, SurveyStatus

# Refusal statuses: an unknown code is "not found"; a real code that cannot vote now is a conflict.
STATUS_FOR_REASON = {"unknown": 404, "used": 409, "not_open": 409, "other_meeting": 409, "rehearsal": 409, "error": 503}


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """Render without context processors: the staff navigation would load the session and the user."""
    context = {**context, "csrf_token": get_token(request)}
    return HttpResponse(loader.get_template(template).render(context), status=status)


def _too_many_guesses(
    request: HttpRequest, survey: Survey | None = None, code: str = "", chosen: BallotInput | None = None
) -> HttpResponse:
    message = _("Too many wrong codes were tried from this network. Please wait one minute and try again.")
    if survey is not None and survey.status == SurveyStatus.OPEN:
        response = _ballot_page(request, survey, code, chosen, error=message, status=429)
    else:
        response = _render(
            request, "voting/ballot_refused.html", {"message": message, "reason": "throttled"}, status=429
        )
    response["Retry-After"] = "60"
    return response


def _refused(request: HttpRequest, survey: Survey | None, message: str, reason: str) -> HttpResponse:
    return _render(
        request,
        "voting/ballot_refused.html",
        {
            "survey": survey,
            "meeting": survey.meeting if survey else None,
            "message": message,
            "reason": reason,
        },
        status=STATUS_FOR_REASON.get(reason, 409),
    )


def _ballot_html(survey: Survey, csrf_token: str, chosen: BallotInput | None = None, error: str = "") -> str:
    return loader.get_template("voting/ballot_form.html").render(
        {
            "survey": survey,
            "meeting": survey.meeting,
            "error": error,
            "csrf_token": csrf_token,
            "rows": ballot_rows(survey, survey.presenters, chosen),
            "overall": chosen.overall_suggestion if chosen else "",
            "max_suggestion": casting.MAX_SUGGESTION_CHARS,
            "max_overall": casting.MAX_SUGGESTION_CHARS * 2,
        }
    )


def _done_html(survey: Survey, receipt: str) -> str:
    return loader.get_template("voting/ballot_done.html").render(
        {"survey": survey, "meeting": survey.meeting, "receipt": receipt}
    )


class BallotPageCache:
    """The two pages every voter of a survey gets — the untouched ballot and the confirmation —
    rendered once per process, survey and language.

    They differ between voters only in one value (the CSRF token; the receipt code), so each is
    rendered with a random placeholder there, and the placeholder is replaced per request. An entry
    is used only while everything the page shows is unchanged (meeting title, form, presenters,
    rehearsal or not): the organiser may still change the form of an open vote until the first
    ballot arrives, and the next request then renders the new form. Bounded: the whole cache is
    dropped when it holds MAX_ENTRIES pages (a process serves a handful of surveys at a time)."""

    MAX_ENTRIES = 64
    RENDER = {"ballot": _ballot_html, "done": _done_html}

    def __init__(self) -> None:
        self._pages: dict[tuple, tuple[tuple, str]] = {}
        self._lock = threading.Lock()
        self._placeholder = "value" + secrets.token_hex(16)  # letters and digits only: escaping leaves it alone

    def page(self, kind: str, survey: Survey, value: str) -> str:
        key = (kind, survey.pk, get_language())
        shown = (survey.meeting.title, survey.is_rehearsal, survey.form, survey.presenters)
        cached = self._pages.get(key)
        if cached is None or cached[0] != shown:
            html = self.RENDER[kind](survey, self._placeholder)
            with self._lock:
                if len(self._pages) >= self.MAX_ENTRIES:
                    self._pages.clear()
                self._pages[key] = cached = (shown, html)
        return cached[1].replace(self._placeholder, value)


PAGES = BallotPageCache()


def _ballot_page(
    request: HttpRequest,
    survey: Survey,
    code: str,
    chosen: BallotInput | None = None,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    if chosen is None and not error:
        return HttpResponse(PAGES.page("ballot", survey, get_token(request)), status=status)
    return HttpResponse(_ballot_html(survey, get_token(request), chosen, error), status=status)


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
    return _render(request, "voting/ballot_enter.html", {"typed": typed, "error": error}, status=400 if error else 200)


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
    if codelib.looks_valid(code):
        lookup = casting.look_up_code(code, client)
    else:
        lookup = casting.BallotLookup(throttled=casting.too_many_guesses(client), survey=None)
    if lookup.throttled:  # before anything is said about the code
        return _too_many_guesses(request)
    if lookup.survey is None:
        casting.note_failed_guess(client)
        return _refused(
            request, None, _("This code is not valid. Check the code on your card and type it again."), "unknown"
        )
    refusal = casting.refusal_for(lookup)
    if refusal:
        return _refused(request, lookup.survey, str(refusal), refusal.reason)
    return _ballot_page(request, lookup.survey, code)


def _not_counted(
    request: HttpRequest, survey: Survey, code: str, chosen: BallotInput, error: ValidationError
) -> HttpResponse:
    """A malformed ballot (nothing counted, the code unused): the ballot again, as filled in."""
    if survey.status != SurveyStatus.OPEN:
        refusal = casting.why_not_open(survey.status)
        return _refused(request, survey, str(refusal), refusal.reason)
    if any(item.code == "control_character" for item in error.error_list):
        # Invisible, so the voter could not find it to delete it: shown again without it.
        chosen = BallotInput(
            chosen.ratings,
            chosen.item_ratings,
            {k: inputs.without_forbidden(v) for k, v in chosen.suggestions.items()},
            inputs.without_forbidden(chosen.overall_suggestion),
        )
        return _ballot_page(
            request,
            survey,
            code,
            chosen,
            status=400,
            error=_(
                "Your suggestions contained an invisible control character that cannot be saved, so nothing was "
                "counted yet. It has been removed and your choices are kept: check the text and press “Submit” again."
            ),
        )
    return _ballot_page(request, survey, code, chosen, error=" ".join(error.messages), status=400)


def _cast(request: HttpRequest, code: str, client: str) -> HttpResponse:
    # Any text: a number beyond the id column (SQLite: OverflowError) is no survey, like "abc".
    survey_id = inputs.parse_id(request.POST.get("survey", "")) or 0
    lookup = casting.survey_for_ballot(survey_id, client)
    survey = lookup.survey
    if survey is None:
        if lookup.throttled:
            return _too_many_guesses(request)
        return _refused(
            request, None, _("This ballot page is out of date. Scan the QR code on your card again."), "unknown"
        )
    chosen = ballot_input_from(request.POST, survey)
    if lookup.throttled:
        return _too_many_guesses(request, survey, code, chosen)
    if _csrf_failed(request):
        return _ballot_page(
            request,
            survey,
            code,
            chosen,
            status=403,
            error=_(
                "This page was open for a long time and has expired. Your choices are kept: "
                "press “Submit” once more. If this message comes back, open the link in the phone's own browser."
            ),
        )
    try:
        receipt = casting.cast_ballot(survey, code, chosen)
    except BallotRefused as refused:
        if refused.reason == "unknown":
            casting.note_failed_guess(client)
        if refused.reason == "error":  # nothing was counted and the code is unused: keep every choice
            return _ballot_page(request, survey, code, chosen, error=str(refused), status=503)
        return _refused(request, survey, str(refused), refused.reason)
    except ValidationError as error:
        return _not_counted(request, survey, code, chosen, error)
    response = HttpResponse(PAGES.page("done", survey, receipt))
    response["Cache-Control"] = "no-store"
    return response
