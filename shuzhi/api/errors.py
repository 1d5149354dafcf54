"""Error responses of the JSON API, every message in the request's language (简体中文 by default).

- django.core.exceptions.ValidationError from the services (tree rules, duplicate names, …) and
  ninja's own request validation (worded by shuzhi.core.inputs.pydantic_message) both become 422
  `{"detail": [{"field": …, "message": …}]}`.
- A body that is not JSON becomes 400 and a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE 413, in the
  same shape with field null (the request as a whole).
- Http404 from shuzhi.orgs.access (outside the user's scope, or missing) becomes 404, and
  PermissionDenied (visible but not the user's to change) becomes 403, both `{"detail": "…"}`; so do
  ninja's own refusals: not signed in (401) and a failed CSRF check (403).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from shuzhi.core.inputs import pydantic_message

# The services name model fields; the API's request bodies name the ids.
API_FIELD_NAMES = {
    "parent": "parent_id",
    "person": "person_id",
    "organization": "organization_id",
    "cycle": "cycle_id",
    "reviewer": "reviewer_id",
}

# Parts of a ninja error location that name the request part or the view argument, not a field.
_LOCATION_PREFIXES = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "filters", "page"}


def field_errors(error: DjangoValidationError, default_field: str | None = None) -> list[dict[str, str | None]]:
    """[{"field": …, "message": …}] for a Django ValidationError, messages already translated."""
    if hasattr(error, "error_dict"):
        items: list[dict[str, str | None]] = []
        for field, messages in error.message_dict.items():
            name = default_field if field == NON_FIELD_ERRORS else API_FIELD_NAMES.get(field, field)
            items.extend({"field": name, "message": message} for message in messages)
        return items
    return [{"field": default_field, "message": message} for message in error.messages]


@contextmanager
def errors_about(field: str) -> Iterator[None]:
    """Attribute a ValidationError that names no field (e.g. from validate_password) to `field`."""
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise DjangoValidationError({field: error.error_list}) from error


def _location_to_field(loc: object) -> str | None:
    parts = [str(part) for part in (loc if isinstance(loc, (list, tuple)) else [loc])]
    while parts and parts[0] in _LOCATION_PREFIXES:
        parts.pop(0)
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    """Register the handlers on the api object."""

    def validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": field_errors(exc)}, status=422)

    def request_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        detail = [{"field": _location_to_field(e.get("loc")), "message": pydantic_message(e)} for e in exc.errors]
        return api.create_response(request, {"detail": detail}, status=422)

    def whole_request(request: HttpRequest, message: str, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": [{"field": None, "message": message}]}, status=status)

    def not_json(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
        # Also a multipart body, which the CSRF check has read as a form before the body could be parsed.
        return whole_request(
            request,
            _("The request body is not valid JSON. Send a JSON object with Content-Type: application/json."),
            400,
        )

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises these with English words: not signed in, CSRF, a body it cannot parse, throttling.
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            message = _("Sign in first: the API works with the session of a user signed in to the web pages.")
        elif exc.status_code == 403 and "CSRF" in exc.message:
            message = _("The CSRF check failed: send the value of the csrftoken cookie in the X-CSRFToken header.")
        elif exc.status_code == 400:
            return not_json(request)
        else:
            message = _("The request was refused (HTTP %(status)d).") % {"status": exc.status_code}
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return whole_request(
            request,
            _("The request is larger than %(mb)d MB, more than any change through the API needs. Send less at a time.")
            % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)},
            413,
        )

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": _("You are not allowed to do that.")}, status=403)

    api.add_exception_handler(DjangoValidationError, validation_error)
    api.add_exception_handler(NinjaValidationError, request_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(RawPostDataException, not_json)
    api.add_exception_handler(MultiPartParserError, not_json)
    api.add_exception_handler(TooManyFieldsSent, not_json)  # a form body with thousands of fields
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, forbidden)
