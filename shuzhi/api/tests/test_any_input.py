"""No input makes any API endpoint fail with a server error (5xx).

The endpoints are walked from the API's own OpenAPI document, so a new endpoint is covered without
touching this file. For each one Hypothesis builds requests that are valid by the schema (known ids
of the right kind, enum values, dates, plain text) except in one spot — a path segment, a query
parameter, a body field or the whole body — which gets a hostile value: NUL and other control
characters, lone surrogates, numbers past 2**31 and 2**63, true for an id, text for a number, NaN,
huge text, bodies that are not JSON or not an object. One hostile value at a time, because the first
refused field would hide the others. Requests go as the org dept (who may do the most) or a
secretary, with odd content types too, through the real CSRF check. Every answer must be below 500.
"""

from __future__ import annotations

import datetime
import json
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shuzhi.api.tests.helpers import ID_MODELS, known_ids
from shuzhi.api.urls import api

DOCUMENT = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, spec) for path, methods in DOCUMENT["paths"].items() for method, spec in methods.items()
]
CSRF_TOKEN = "k" * 32
CHINA = datetime.timezone(datetime.timedelta(hours=8))

# Characters that have broken this kind of system before: NUL (PostgreSQL refuses it), other controls,
# lone surrogates (no database stores them), direction and byte-order marks, quoting and escapes.
NASTY_CHARS = [
    "\x00",
    "\x01",
    "\x1f",
    "\x7f",
    "\x85",
    "\ud800",
    "\udfff",
    "\u202e",
    "\ufeff",
    "\u2028",
    "'",
    '"',
    "%",
    "\\",
    "<",
    "\n",
    "\r",
    "\t",
    "学",
]
NASTY_NUMBERS = [0, -1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**20, -(10**20)]

text = st.one_of(
    st.text(st.one_of(st.characters(), st.sampled_from(NASTY_CHARS)), max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "学" * 101,
            "x" * 5001,
            "x" * 20001,
            "0",
            "-1",
            "1e400",
            "NaN",
            "true",
            "null",
            "99999999999999999999",
            "0x10",
            "１２",
        ]
    ),
)
number = st.one_of(st.integers(-5, 300), st.sampled_from(NASTY_NUMBERS), st.integers())
scalar = st.one_of(text, number, st.booleans(), st.none(), st.floats(allow_nan=True, allow_infinity=True))
wild = st.recursive(
    scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=6
)


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


WORDS = [
    "research",
    "opinion",
    "problem",
    "accept",
    "return",
    "on_site",
    "written",
    "one_by_one",
    "collective",
    "both",
    "report",
    "meeting",
    "satisfied",
    "M",
    "F",
    "丙学院党支部",
    "张三",
    "13800000000",
    "a-1",
]
plain = st.one_of(st.sampled_from(WORDS), st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12))
HOSTILE_BODIES = [
    b"",
    b"{",
    b"\xff\xfe{}",
    b"[]",
    b'""',
    b"null",
    b"1" * 5000,
    b'{"a": NaN}',
    b"\x00",
    b"--x\r\nContent-Disposition: x\r\n\r\n",
]
CONTENT_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=latin-1",
]


def valid(schema: dict, known: dict[str, list[int]], name: str = "", depth: int = 0) -> st.SearchStrategy:
    """Values that `schema` (an OpenAPI schema) allows."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        return st.one_of([valid(part, known, name, depth) for part in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum", -5), schema.get("maximum", 10**6)
        if name in ID_MODELS or name == "number":  # an object's id: one that exists, mostly
            ids = st.sampled_from(known.get(name) or known[""])
            return st.one_of(ids, ids, ids, st.integers(low, high))
        return st.one_of(st.integers(low, min(high, 10**6)), st.sampled_from([low, high]))
    if kind == "number":
        return st.floats(schema.get("minimum", -1000), schema.get("maximum", 1000))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string":
        if schema.get("format") == "date":
            return st.dates().map(lambda day: day.isoformat())
        if schema.get("format") == "date-time":
            return st.datetimes(timezones=st.sampled_from([datetime.UTC, CHINA])).map(lambda t: t.isoformat())
        return plain
    if kind == "array" and depth < 3:
        return st.lists(valid(schema.get("items", {}), known, name, depth + 1), max_size=3)
    if (kind == "object" or "properties" in schema) and depth < 3:
        return st.fixed_dictionaries(
            {key: valid(sub, known, key, depth + 1) for key, sub in schema.get("properties", {}).items()}
        )
    return wild


def hostile(schema: dict) -> st.SearchStrategy:
    """Values that `schema` does not allow, or that sit at its edges, aimed at its type."""
    schema = _resolve(schema)
    kinds = {_resolve(part).get("type") for part in [schema, *schema.get("anyOf", [])]}
    if kinds & {"integer", "number"}:
        return st.one_of(st.sampled_from([*NASTY_NUMBERS, True, "1", 1.5, float("nan"), float("inf")]), wild)
    if "string" in kinds:
        return st.one_of(
            st.sampled_from(["\x00", "甲\x00乙", "\ud800", "乙\udfff"]),
            odd_one,
            text,
            st.sampled_from([1, True, None, []]),
        )
    return wild


# A plausible text with one odd character in it.
odd_one = st.tuples(plain, st.sampled_from(NASTY_CHARS), plain).map("".join)


def _quoted(value: Any) -> str:
    return quote(value if isinstance(value, str) else json.dumps(value), safe="", errors="surrogatepass")


def _body_schema(operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    return _resolve(next(iter(content.values()))["schema"]) if content else None


@st.composite
def requests(draw, path: str, operation: dict, known: dict[str, list[int]]) -> tuple[str, bytes, str]:
    """(url, body, content type) of a valid request with at most one hostile spot."""
    parameters = operation.get("parameters", [])
    body_schema = _body_schema(operation)
    item_schema = _resolve(body_schema.get("items", {})) if body_schema and "items" in body_schema else None
    fields = (item_schema or body_schema or {}).get("properties", {})
    spots = ["", *(f"param:{p['name']}" for p in parameters), *(f"field:{name}" for name in fields)]
    if body_schema is not None:
        spots.append("body")
    spot = draw(st.sampled_from(spots))
    url, query = path, []
    for parameter in parameters:
        name, schema = parameter["name"], parameter.get("schema", {})
        if spot == f"param:{name}":
            value = draw(st.one_of(hostile(schema), text.filter(bool)))
        elif parameter["in"] == "query" and not draw(st.booleans()):
            continue  # query parameters are optional
        else:
            value = draw(valid(schema, known, name))
        if parameter["in"] == "path":
            url = url.replace("{" + name + "}", _quoted(value))
        elif value is not None:
            query.append(f"{_quoted(name)}={_quoted(value)}")
    if query:
        url += "?" + "&".join(query)
    if body_schema is None:
        return url, b"", "application/json"
    if spot == "body":
        return (
            url,
            draw(st.one_of(st.sampled_from(HOSTILE_BODIES), wild.map(lambda v: json.dumps(v).encode()))),
            draw(st.sampled_from(["application/json", *CONTENT_TYPES])),
        )
    value = draw(valid(body_schema, known))
    if spot.startswith("field:"):
        name = spot.removeprefix("field:")
        target = value if item_schema is None else (value[0] if value else None)
        if isinstance(target, dict):
            target[name] = draw(hostile(fields[name]))
    content_type = draw(st.sampled_from(["application/json"] * 6 + CONTENT_TYPES))
    return url, json.dumps(value).encode(), content_type  # ASCII: NUL as \u0000, surrogates as \udXXX


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    return client


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{method} {path}" for method, path, _spec in OPERATIONS]
)
def test_no_input_makes_the_endpoint_fail_with_a_server_error(method, path, operation, college, survey):
    known = known_ids()
    org_dept = _client(college.org_dept)
    # (Anonymous requests are refused before anything in them is read.)
    clients = [org_dept, org_dept, org_dept, _client(college.branch_a1_secretary)]

    @hypothesis_settings(
        max_examples=50,
        suppress_health_check=[
            *hypothesis_settings.default.suppress_health_check,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(request=requests(path, operation, known), who=st.sampled_from(clients))
    def request_once(request, who):
        url, body, content_type = request
        sent = f"{method} {url} ({content_type}) {body[:300]!r}"
        # A savepoint per request, so that a failed one cannot leave PostgreSQL's transaction aborted for
        # the examples after it (the failure itself still fails the test: the client re-raises it).
        try:
            with transaction.atomic():
                response = who.generic(method, url, body, content_type=content_type, HTTP_X_CSRFTOKEN=CSRF_TOKEN)
        except Exception as error:
            raise AssertionError(f"server error for {sent}") from error
        assert response.status_code < 500, (sent, response.status_code, response.content[:500])

    request_once()
