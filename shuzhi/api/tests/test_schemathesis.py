"""schemathesis against /api/openapi.json: no request it makes answers with a server error (5xx).

schemathesis reads the document the API serves and, per operation, sends the schema's own values,
its coverage cases (each boundary, each wrong type, each missing field, in turn) and fuzzed ones,
valid and invalid. Requests go in-process to the application, signed in as the org dept with a
CSRF token, inside the test's transaction (Django's test handler: the connection is not closed
between requests), one savepoint per request, so that `make test` runs it on SQLite and PostgreSQL
alike. Bounded to MAX_EXAMPLES fuzzed cases per operation, to stay a couple of minutes per database.
"""

from __future__ import annotations

import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.test import Client
from django.test.client import ClientHandler
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from shuzhi.api.tests.helpers import known_ids

MAX_EXAMPLES = 10
REAL_ID_RANGE = range(1, 10**6)  # generated ids in this range are swapped for real ones; others stay as made
CSRF_TOKEN = "s" * 32


class InProcessApplication:
    """A WSGI application around Django's test handler, which (unlike WSGIHandler) leaves the test's
    database connection and transaction alone."""

    def __init__(self) -> None:
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        response = self.handler(environ)
        headers = [*response.items(), *(("Set-Cookie", c.output(header="")) for c in response.cookies.values())]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [response.content]


CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "mode": "all", "database": "none"},
        "phases": {"stateful": {"enabled": False}},
    }
)
# The document is fetched from the application as a client would; it holds no data (no database).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler(), config=CONFIG)


def _with_real_ids(case, known: dict[str, list[int]]) -> None:
    """Swap generated ids for ids of objects that exist, so that cases get past the lookups to the
    services (the generator cannot know them). Deterministic, so that schemathesis can shrink."""

    def real(name: str, value: object) -> object:
        ids = known.get(name)
        if ids and type(value) is int and value in REAL_ID_RANGE:
            return ids[value % len(ids)]
        return value

    if case.path_parameters:
        for name, value in case.path_parameters.items():
            case.path_parameters[name] = real(name, value)
    items = case.body if isinstance(case.body, list) else [case.body]
    for item in items:
        if isinstance(item, dict):
            for name, value in item.items():
                item[name] = real(name, value)


class _ServerError(Exception):
    def __init__(self, response) -> None:
        self.response = response


@schema.parametrize()
@hypothesis_settings(
    suppress_health_check=[
        *hypothesis_settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ]
)
def test_schemathesis_finds_no_server_error(case, college, survey):
    client = Client()
    client.force_login(college.org_dept)
    _with_real_ids(case, known_ids())
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: CSRF_TOKEN,
    }
    try:
        with transaction.atomic():  # a savepoint: a failed request cannot abort the transaction for the next
            response = case.call(app=APPLICATION, cookies=cookies, headers={"X-CSRFToken": CSRF_TOKEN})
            if response.status_code >= 500:
                raise _ServerError(response)
    except _ServerError as error:
        response = error.response
    open("/tmp/st.txt", "a").write(f"{case.method} {case.path} {response.status_code}\n")
    case.validate_response(response, checks=[not_a_server_error])


APPLICATION = InProcessApplication()
