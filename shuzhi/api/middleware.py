"""The API's own answers for requests that never reach an endpoint: an address under /api/ that does
not exist (404) or a method an endpoint does not take (405) answer like every other API error — JSON
`{"detail": "…"}` in the request's language — instead of the site's HTML error page or ninja's
English "Method not allowed"."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code not in (404, 405)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        if response.status_code == 404:
            detail = _("Not found.")
        else:
            detail = _("This address does not take %(method)s requests; it takes %(allowed)s.") % {
                "method": request.method,
                "allowed": response.get("Allow", ""),
            }
        answer = JsonResponse(
            {"detail": detail}, status=response.status_code, json_dumps_params={"ensure_ascii": False}
        )
        if "Allow" in response:
            answer["Allow"] = response["Allow"]
        return answer
