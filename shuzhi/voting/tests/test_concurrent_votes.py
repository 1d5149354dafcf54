"""500 phones submit at the same moment through a real threaded HTTP server: every ballot counts once.

400 distinct codes plus 100 extra requests that reuse 50 of those codes (three requests each) are
fired by 500 threads. Each thread GETs its ballot page (for the CSRF cookie and token), waits at a
barrier until all 500 have their page, then POSTs a full ballot — so the POSTs really do arrive
together. Afterwards: accepted ballots (responses carrying a receipt) == Ballot rows == codes marked
used == distinct codes submitted; each code accepted exactly once; no 5xx, no failed connection.

Each request uses its own TCP connection, as a phone does after a minute spent filling in the
ballot. Runs on SQLite (WAL, IMMEDIATE transactions, busy timeout) and on PostgreSQL. The live
server gets a production-sized listen backlog and, on PostgreSQL, no more requests in flight than
the database has connections to spare: see production_like_live_server for why both are needed.
"""

from __future__ import annotations

import html
import http.client
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.utils import translation

from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.models import Ballot, BallotCode, CodeStatus

DISTINCT = 400
REUSED_CODES = 50  # each of these is submitted three times: 100 extra requests
THREADS = DISTINCT + 2 * REUSED_CODES
REQUEST_TIMEOUT = 45  # seconds, per request
BARRIER_TIMEOUT = 60
LISTEN_BACKLOG = 1024

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrfmiddlewaretoken"')
# A receipt: 8 characters of the code alphabet, not part of a longer run of letters or digits.
RECEIPT = re.compile(rf"(?<![A-Za-z0-9])[{codelib.ALPHABET}]{{{codelib.RECEIPT_LENGTH}}}(?![A-Za-z0-9])")


@dataclass
class Outcome:
    code: str
    get_status: int = 0
    status: int = 0
    body: str = ""
    error: str = ""
    seconds: float = 0.0
    receipts: set[str] = field(default_factory=set)


def _request(
    host: str, port: int, method: str, path: str, *, body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], str]:
    conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _csrf(headers: list[tuple[str, str]], page: str) -> tuple[str, str]:
    cookie = ""
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("csrftoken="):
            cookie = value.split(";", 1)[0].split("=", 1)[1]
    found = CSRF_FIELD.search(page)
    token = (found.group(1) or found.group(2)) if found else cookie
    return cookie, token


def _phone(
    host: str, port: int, survey_id: int, presenters: list[int], outcome: Outcome, barrier: threading.Barrier, seed: int
) -> None:
    path = f"/v/{outcome.code}/"
    try:
        status, headers, page = _request(host, port, "GET", path)
        outcome.get_status = status
        cookie, token = _csrf(headers, page) if status == 200 else ("", "")
    except Exception as exc:  # noqa: BLE001 - every failure is reported by the test
        outcome.error = f"GET: {type(exc).__name__}: {exc}"
        cookie = token = ""
    try:
        barrier.wait(BARRIER_TIMEOUT)  # everyone POSTs together, even a phone whose GET failed
    except threading.BrokenBarrierError:
        outcome.error = outcome.error or "barrier broken"
        return
    if outcome.error or not cookie:
        outcome.error = outcome.error or f"GET {outcome.get_status}: no CSRF cookie"
        return
    rng = random.Random(seed)
    form = {"csrfmiddlewaretoken": token, "survey": str(survey_id), "overall": "会议组织有序"}
    for review in presenters:
        form[f"r_{review}"] = rng.choice(["satisfied", "basic", "unsatisfied"])
        form[f"s_{review}"] = rng.choice(["", "", "继续加强支部标准化建设"])
    started = time.perf_counter()
    try:
        outcome.status, _headers, outcome.body = _request(
            host,
            port,
            "POST",
            path,
            body=urllib.parse.urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"},
        )
    except Exception as exc:  # noqa: BLE001
        outcome.error = f"POST: {type(exc).__name__}: {exc}"
    outcome.seconds = time.perf_counter() - started


def _connection_headroom() -> int | None:
    """How many more connections the database server accepts (None: no limit, as with SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - "
            "current_setting('superuser_reserved_connections')::int - count(*) FROM pg_stat_activity"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def production_like_live_server(live_server):
    """pytest-django's live server with two limits put where a production server has them.

    1. The listen backlog. Django's test server listens with a backlog of 10
       (WSGIServer.request_queue_size). 500 phones connecting at once overflow it: the kernel falls
       back to SYN cookies, prunes half-open connections that the client already believes are open,
       and answers their POST with a reset (nstat: TcpExtListenOverflows, TcpExtTCPReqQFullDoCookies,
       and TcpExtSyncookiesFailed == TcpOutRsts == the failed requests, about 110 of 500 here).
       gunicorn listens with a backlog of 2048, nginx with 511; we re-listen on the bound socket
       with 1024, which only lengthens the queue.
    2. Requests served at once. The test server starts a thread per connection and each thread
       opens its own database connection, so 500 simultaneous requests want 500 PostgreSQL
       connections: beyond max_connections (100 here) they get "FATAL: sorry, too many clients
       already" and a 500 page. gunicorn serves at most workers x threads requests at once; here
       the test server serves at most as many as PostgreSQL has connections to spare (minus a
       margin), the rest wait their turn exactly as in gunicorn's queue. SQLite has no connection
       limit: there all 500 run at once and queue on the write lock (busy timeout).
    """
    server = live_server.thread.httpd
    server.socket.listen(LISTEN_BACKLOG)
    headroom = _connection_headroom()
    if headroom is not None:
        assert headroom >= 20, f"PostgreSQL accepts only {headroom} more connections"
        slots = threading.BoundedSemaphore(headroom - 10)
        serve = server.process_request_thread  # serves one connection, then closes its DB connections

        def bounded(request, client_address):
            with slots:
                serve(request, client_address)

        server.process_request_thread = bounded
    yield live_server
    if headroom is not None:
        del server.process_request_thread
    server.socket.listen(server.request_queue_size)


@pytest.mark.django_db(transaction=True)
def test_500_simultaneous_ballots_each_code_counted_once(college, survey, production_like_live_server):
    live_server = production_like_live_server
    codes = services.issue_codes(college.org_dept, survey, DISTINCT)
    rng = random.Random(2026)
    reused = rng.sample(codes, REUSED_CODES)
    plan = codes + reused + reused
    rng.shuffle(plan)
    assert len(plan) == THREADS and len(set(plan)) == DISTINCT

    url = urllib.parse.urlsplit(live_server.url)
    presenters = [p["review"] for p in survey.presenters]
    outcomes = [Outcome(code) for code in plan]
    barrier = threading.Barrier(THREADS)
    threads = [
        threading.Thread(
            target=_phone,
            args=(url.hostname, url.port, survey.pk, presenters, o, barrier, i),
            daemon=True,
            name=f"phone-{i}",
        )
        for i, o in enumerate(outcomes)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BARRIER_TIMEOUT + 2 * REQUEST_TIMEOUT + 10)
    elapsed = time.perf_counter() - started
    assert not [t.name for t in threads if t.is_alive()], "phones still waiting for the server"

    failed = [(o.code, o.get_status, o.error) for o in outcomes if o.error]
    assert not failed, f"{len(failed)} requests failed, e.g. {failed[:5]}"
    server_errors = [(o.code, o.status, o.body[:300]) for o in outcomes if o.status >= 500]
    assert not server_errors, f"{len(server_errors)} responses were 5xx, e.g. {server_errors[:3]}"
    assert all(o.get_status == 200 for o in outcomes)

    stored = set(Ballot.objects.filter(survey=survey).values_list("receipt", flat=True))
    for outcome in outcomes:
        outcome.receipts = set(RECEIPT.findall(outcome.body)) & stored
    accepted = [o for o in outcomes if o.receipts]
    assert all(len(o.receipts) == 1 and o.status == 200 for o in accepted)
    accepted_receipts = [next(iter(o.receipts)) for o in accepted]

    used = BallotCode.objects.filter(survey=survey, status=CodeStatus.USED)
    ballots = Ballot.objects.filter(survey=survey).count()
    assert len(accepted) == ballots == used.count() == len(set(plan)) == DISTINCT, (
        f"accepted {len(accepted)}, ballots {ballots}, codes used {used.count()}, distinct codes {len(set(plan))}"
    )
    assert len(set(accepted_receipts)) == len(accepted) and set(accepted_receipts) == stored
    # Each code was accepted exactly once: by exactly one of the requests that carried it.
    per_code: dict[str, int] = {}
    for outcome in accepted:
        per_code[outcome.code] = per_code.get(outcome.code, 0) + 1
    assert per_code == dict.fromkeys(codes, 1)
    assert set(used.values_list("code_hash", flat=True)) == {codelib.code_hash(c) for c in codes}
    assert not used.exclude(sealed_code="").exists()  # sealed text erased on use

    # Every other request was refused with the voter's message, not with an error page.
    with translation.override("zh-hans"):
        already_used = translation.gettext("This code has already been used: each code votes once.")
    refused = [o for o in outcomes if not o.receipts]
    assert len(refused) == 2 * REUSED_CODES
    assert all(o.status < 500 and already_used in html.unescape(o.body) for o in refused), [
        (o.status, o.body[:300]) for o in refused if already_used not in html.unescape(o.body)
    ][:3]
    # The fixture's ten codes were not touched.
    assert BallotCode.objects.filter(survey=survey, status=CodeStatus.UNUSED).count() == len(survey.test_codes)
    print(
        f"\n{THREADS} phones, {DISTINCT} ballots in {elapsed:.1f} s; "
        f"POST p50 {sorted(o.seconds for o in outcomes)[THREADS // 2]:.2f} s, max {max(o.seconds for o in outcomes):.2f} s"
    )
