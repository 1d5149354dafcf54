"""What a 学校党委委员 (committee member) may do, page by page and endpoint by endpoint.

The product (PRODUCT.md): the committee runs the on-site review of the 党总支 and 直属党支部 secretaries
and decides their grades. So the member runs the committee's review meeting — schedules it, steps the
presenter screen, comments, runs its vote (codes, open and close, paper entry, rehearsals, the ballot's
design) — and accepts or returns the reports of the secretaries the committee reviews. They read the
rest (tree, people, cycles, reports, other meetings, closed results). They do not manage the tree,
people, positions or import, nor set up the cycle (opening it, its stages, last year's problems, the
quality check's rules, the cycle's ballot form), nor read the audit log. A 党总支's meeting is run by
that 党总支, and its branch secretaries' reports are decided by it.

Decided in shuzhi.orgs.access only. Every route of the URL conf and every operation of the API is in
RIGHTS below (test_every_route_and_api_operation_has_its_committee_right fails on a new one), each
tried as the committee member on the committee's own objects ("committee") and on a general branch's
("branch"): ALLOWED (GET: 200; a change: anything but 401/403/404/405 — a change with no input may
answer 400/422, which shows it got past access), READ (GET only: 200), or the refusal's status.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from conftest import review_of
from shuzhi.orgs import access
from shuzhi.orgs.models import PositionRole

ALLOWED = "allowed"
NO = 403
MISSING = 404
NOT_A_CHANGE = "not a change"  # a route that only reads: its POST is refused (405) or just shows the page

# Routes nobody needs a role for, or that are about the user's own session.
NOT_ROLE_ROUTES = {"healthz", "accounts/login/", "accounts/logout/", "accounts/password/", "v/", "v/<str:code>/"}
SKIPPED_PREFIXES = ("django-admin/", "api/")


def build_world(college, cycle, meeting, survey) -> dict[str, dict]:
    """The parameters of every route, for the committee's own objects and for 甲学院党总支's: for each,
    a submitted report with a preparation item, an open vote with a paper entry, the meeting's comments."""
    from shuzhi.cycles import services as cycle_services
    from shuzhi.cycles.models import PriorProblem
    from shuzhi.meetings import services as meeting_services
    from shuzhi.reports import services as report_services
    from shuzhi.reports.services import ReportContent
    from shuzhi.voting import services as voting
    from shuzhi.voting.models import PaperEntry
    from shuzhi.voting.services import BallotInput

    branch_meeting = meeting_services.schedule_meeting(
        college.org_dept, cycle=cycle, reviewer=college.gb_a, title="甲学院党总支述职评议会", starts_at=timezone.now(),
        place="甲学院会议室", expected_attendees=20,
        agenda=[(review_of(cycle, college.branch_a1), "on_site")])
    branch_survey = voting.create_survey(college.org_dept, branch_meeting)
    voting.issue_codes(college.org_dept, branch_survey, 3)
    voting.open_survey(college.org_dept, branch_survey)

    worlds = {}
    for label, org, secretary, a_meeting, a_survey in [
        ("committee", college.gb_a, college.gb_a_secretary, meeting, survey),
        ("branch", college.branch_a1, college.branch_a1_secretary, branch_meeting, branch_survey),
    ]:
        review = review_of(cycle, org)
        item = cycle_services.add_preparation_item(secretary, review, kind="research", content="走访实训中心",
                                                   place="实训中心", people="学生党员")
        answers = {str(p.pk): "已整改：" + p.text for p in cycle_services.prior_problems_for(review)}
        report = report_services.save_draft(secretary, review, ReportContent(
            "我带头讲专题党课3次。", "理论学习深度不够。", "每月开展一次专题研讨。", answers), base_revision=0)
        report_services.submit(secretary, review, base_revision=report.revision)
        meeting_services.add_comment(college.org_dept, a_meeting, review=review, problems="调研不够深入。",
                                     direction="多下基层。")
        a_survey.refresh_from_db()
        paper_codes = voting.issue_codes(college.org_dept, a_survey, 1, paper=True)
        voting.set_paper_double_entry(college.org_dept, a_survey, True)
        first = str(a_survey.presenters[0]["review"])
        voting.enter_paper_ballot(college.org_dept, a_survey, paper_codes[0],
                                  BallotInput({first: "satisfied"}, {}, {}, ""))
        person = secretary.person
        worlds[label] = {
            "org_id": org.pk, "person_id": person.pk, "position_id": person.positions.first().pk,
            "cycle_id": cycle.pk, "review_id": review.pk, "meeting_id": a_meeting.pk, "survey_id": a_survey.pk,
            "group_id": review.group_id,
            "item_id": item.pk, "kind": "research", "number": 1,
            "problem_id": PriorProblem.objects.filter(organization=college.branch_a1).first().pk,
            "entry_id": PaperEntry.objects.get(survey=a_survey).pk,
        }
    return worlds


A = ALLOWED
# route: [(method, on the committee's own objects, on a general branch's)]
RIGHTS: dict[str, list[tuple[str, object, object]]] = {
    "": [("get", A, A)],
    # The tree, people and positions: read, never changed.
    "orgs/": [("get", A, A)],
    "orgs/new/": [("get", NO, NO), ("post", NO, NO)],
    "orgs/<int:org_id>/": [("get", A, A)],
    "orgs/<int:org_id>/edit/": [("get", NO, NO), ("post", NO, NO)],
    "orgs/<int:org_id>/move/": [("get", NO, NO), ("post", NO, NO)],
    "orgs/<int:org_id>/deactivate/": [("post", NO, NO)],
    "orgs/<int:org_id>/reactivate/": [("post", NO, NO)],
    "orgs/<int:org_id>/positions/new/": [("get", NO, NO), ("post", NO, NO)],
    "orgs/positions/<int:position_id>/end/": [("get", NO, NO), ("post", NO, NO)],
    "orgs/people/": [("get", A, A)],
    "orgs/people/new/": [("get", NO, NO), ("post", NO, NO)],
    "orgs/people/<int:person_id>/": [("get", A, A)],
    "orgs/people/<int:person_id>/edit/": [("get", NO, NO), ("post", NO, NO)],
    "orgs/people/<int:person_id>/deactivate/": [("post", NO, NO)],
    "orgs/people/<int:person_id>/reactivate/": [("post", NO, NO)],
    "orgs/people/<int:person_id>/password/": [("post", NO, NO)],
    "orgs/people/<int:person_id>/unlock/": [("post", NO, NO)],
    "orgs/import/": [("get", NO, NO), ("post", NO, NO)],
    "orgs/import/template.xlsx": [("get", NO, NO)],
    "audit/": [("get", NO, NO)],
    # The cycle: read (progress board, export), never set up.
    "cycles/": [("get", A, A)],
    "cycles/new/": [("get", NO, NO), ("post", NO, NO)],
    "cycles/mine/": [("get", A, A)],
    "cycles/<int:cycle_id>/": [("get", A, A)],
    "cycles/<int:cycle_id>/edit/": [("get", NO, NO), ("post", NO, NO)],
    "cycles/<int:cycle_id>/advance/": [("post", NO, NO)],
    "cycles/<int:cycle_id>/progress.xlsx": [("get", A, A)],
    # The review groups: read; the committee's own group moved by its members (never overridden).
    "cycles/<int:cycle_id>/groups/<int:group_id>/": [("get", A, A)],
    "cycles/<int:cycle_id>/groups/<int:group_id>/move/": [("post", A, NO)],
    "cycles/<int:cycle_id>/prior-problems/": [("get", NO, NO), ("post", NO, NO)],
    "cycles/<int:cycle_id>/prior-problems/import/": [("post", NO, NO)],
    "cycles/<int:cycle_id>/prior-problems/<int:problem_id>/withdraw/": [("post", NO, NO)],
    "cycles/<int:cycle_id>/prior-problems/template.xlsx": [("get", NO, NO)],
    "cycles/<int:cycle_id>/ballot-form/": [("get", NO, NO), ("post", NO, NO)],
    "cycles/<int:cycle_id>/ballot-form/preview/": [("get", NO, NO)],
    # Preparation and the report: read; accepted or returned where the committee reviews.
    "cycles/review/<int:review_id>/preparation/": [("get", A, A)],
    "cycles/review/<int:review_id>/preparation/done/": [("post", NO, NO)],
    "cycles/review/<int:review_id>/preparation/<str:kind>/add/": [("post", NO, NO)],
    "cycles/review/<int:review_id>/preparation/items/<int:item_id>/withdraw/": [("post", NO, NO)],
    "reports/review/<int:review_id>/": [("get", A, A)],
    "reports/review/<int:review_id>/save/": [("post", NO, NO)],
    "reports/review/<int:review_id>/submit/": [("post", NO, NO)],
    "reports/review/<int:review_id>/decide/": [("post", A, NO)],
    "reports/review/<int:review_id>/versions/": [("get", A, A)],
    "reports/review/<int:review_id>/report.docx": [("get", A, A)],
    "reports/review/<int:review_id>/print/": [("get", A, A)],
    "reports/quality-rules/": [("get", A, A), ("post", NO, NO)],
    # The review meeting: the committee's is run by its members; a general branch's is only read.
    "meetings/": [("get", A, A)],
    "meetings/new/": [("get", A, A), ("post", A, A)],  # the committee's (a 党总支's: EXTRA_CASES)
    "meetings/<int:meeting_id>/": [("get", A, A)],
    "meetings/<int:meeting_id>/edit/": [("get", A, NO), ("post", A, NO)],
    "meetings/<int:meeting_id>/agenda/": [("get", A, NO), ("post", A, NO)],
    "meetings/<int:meeting_id>/agenda/move/": [("post", A, NO)],
    "meetings/<int:meeting_id>/screen/": [("get", A, NO), ("post", A, NO)],
    "meetings/<int:meeting_id>/comments/": [("get", A, A), ("post", A, NO)],
    # The meeting's vote: run for the committee's; a general branch's results (once closed) only read.
    "meetings/<int:meeting_id>/vote/": [("get", A, A), ("post", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/issue/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/open/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/close/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/cards/": [("get", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/paper-sheets/": [("get", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/paper/": [("get", A, NO), ("post", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/paper/mode/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/paper/<int:entry_id>/withdraw/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/live/": [("get", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/live/turnout/": [("get", A, NO)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/results/": [("get", A, A)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/results.xlsx": [("get", A, A)],
    "meetings/<int:meeting_id>/vote/<int:survey_id>/receipts/": [("get", A, A)],
    "meetings/<int:meeting_id>/vote-design/": [("get", A, NO)],
    "meetings/<int:meeting_id>/vote-design/rehearsal/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/": [("get", A, NO)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/categories/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/form/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/preview/": [("get", A, NO)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/wipe/": [("post", A, NO)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/breakdown/": [("get", A, A)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/verify/": [("get", A, A)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/archive.xlsx": [("get", A, A)],
    "meetings/<int:meeting_id>/vote-design/<int:survey_id>/archive.csv": [("get", A, A)],
}
# Cases a route's parameters cannot express: scheduling a general branch's meeting.
EXTRA_CASES = [("get", "/meetings/new/?reviewer={gb_a}", NO), ("post", "/meetings/new/?reviewer={gb_a}", NO)]


def _meeting_body(v: dict) -> dict:
    return {"cycle_id": v["cycle_id"], "reviewer_id": v["reviewer_id"], "title": "述职评议会",
            "starts_at": "2026-12-20T09:00:00+08:00", "place": "第一会议室"}


# (method, path): (body from the world's values, on the committee's own objects, on a general branch's)
API_RIGHTS: dict[tuple[str, str], tuple[object, object, object]] = {
    ("get", "/api/me"): (None, A, A),
    ("get", "/api/organizations"): (None, A, A),
    ("post", "/api/organizations"): (lambda v: {"name": "新党支部", "kind": "branch", "parent_id": v["gb_a"]}, NO, NO),
    ("get", "/api/organizations/{org_id}"): (None, A, A),
    ("patch", "/api/organizations/{org_id}"): (lambda v: {"name": "改个名字"}, NO, NO),
    ("post", "/api/organizations/{org_id}/deactivate"): (None, NO, NO),
    ("post", "/api/organizations/{org_id}/reactivate"): (None, NO, NO),
    ("get", "/api/people"): (None, A, A),
    ("post", "/api/people"): (lambda v: {"name": "新同志", "staff_no": "77777"}, NO, NO),
    ("get", "/api/people/{person_id}"): (None, A, A),
    ("patch", "/api/people/{person_id}"): (lambda v: {"phone": "13900000000"}, NO, NO),
    ("post", "/api/people/{person_id}/deactivate"): (None, NO, NO),
    ("post", "/api/people/{person_id}/reactivate"): (None, NO, NO),
    ("get", "/api/positions"): (None, A, A),
    ("post", "/api/positions"): (lambda v: {"person_id": v["person_id"], "organization_id": v["org_id"],
                                            "role": "member", "start_date": "2025-01-01"}, NO, NO),
    ("post", "/api/positions/{position_id}/end"): (lambda v: {"end_date": "2026-12-31"}, NO, NO),
    ("get", "/api/cycles"): (None, A, A),
    ("post", "/api/cycles"): (lambda v: {"year": 2030, "title": "2030年度述职评议考核"}, NO, NO),
    ("get", "/api/cycles/{cycle_id}"): (None, A, A),
    ("post", "/api/cycles/{cycle_id}/stage"): (lambda v: {"stage": "report"}, NO, NO),
    ("get", "/api/cycles/{cycle_id}/reviews"): (None, A, A),
    ("get", "/api/reviews/{review_id}"): (None, A, A),
    ("get", "/api/reviews/{review_id}/preparation"): (None, A, A),
    ("post", "/api/reviews/{review_id}/preparation"): (lambda v: {"kind": "research", "content": "走访"}, NO, NO),
    ("post", "/api/reviews/{review_id}/preparation/{item_id}/withdraw"): (None, NO, NO),
    ("get", "/api/reviews/{review_id}/report"): (None, A, A),
    ("put", "/api/reviews/{review_id}/report"): (lambda v: {"base_revision": 1, "practices": "改"}, NO, NO),
    ("post", "/api/reviews/{review_id}/report/submit"): (lambda v: {"base_revision": 1}, NO, NO),
    ("post", "/api/reviews/{review_id}/report/decision"): (lambda v: {"version": 1, "decision": "accept"}, A, NO),
    ("get", "/api/reviews/{review_id}/report/versions/{number}"): (None, A, A),
    ("get", "/api/meetings"): (None, A, A),
    ("post", "/api/meetings"): (_meeting_body, A, NO),
    ("get", "/api/meetings/{meeting_id}"): (None, A, A),
    ("put", "/api/meetings/{meeting_id}/agenda"): (lambda v: [{"review_id": v["review_id"]}], A, NO),
    ("get", "/api/meetings/{meeting_id}/comments"): (None, A, A),
    ("post", "/api/meetings/{meeting_id}/comments"): (lambda v: {"problems": "调研还不够深入。"}, A, NO),
    ("get", "/api/meetings/{meeting_id}/surveys"): (None, A, A),
    ("post", "/api/meetings/{meeting_id}/surveys"): (None, A, NO),
    ("post", "/api/meetings/{meeting_id}/surveys/{survey_id}/codes"): (lambda v: {"count": 2}, A, NO),
    ("post", "/api/meetings/{meeting_id}/surveys/{survey_id}/open"): (None, A, NO),
    ("post", "/api/meetings/{meeting_id}/surveys/{survey_id}/close"): (None, A, NO),
    ("get", "/api/meetings/{meeting_id}/surveys/{survey_id}/results"): (None, A, A),
    ("get", "/api/meetings/{meeting_id}/surveys/{survey_id}/categories"): (None, A, A),
    ("put", "/api/meetings/{meeting_id}/surveys/{survey_id}/categories"): (
        lambda v: [{"name": "党委委员", "weight": 100}], A, NO),
    ("get", "/api/meetings/{meeting_id}/surveys/{survey_id}/form"): (None, A, A),
    ("put", "/api/meetings/{meeting_id}/surveys/{survey_id}/form"): (lambda v: {}, A, NO),
    ("delete", "/api/meetings/{meeting_id}/surveys/{survey_id}"): (None, A, NO),
    ("get", "/api/meetings/{meeting_id}/surveys/{survey_id}/verify"): (None, A, A),
    ("get", "/api/meetings/{meeting_id}/surveys/{survey_id}/archive"): (None, A, A),
}


def page_routes(resolver=None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from page_routes(pattern, route)
        elif not route.startswith(SKIPPED_PREFIXES) and route not in NOT_ROLE_ROUTES:
            yield route


def api_operations() -> set[tuple[str, str]]:
    from shuzhi.api.urls import api

    return {(method, path) for path, operations in api.get_openapi_schema()["paths"].items()
            for method in operations}


def fill(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def outcome(response) -> object:
    """ALLOWED unless access refused (401/403/404) or the method does not exist (405)."""
    assert response.status_code < 500, response
    return response.status_code if response.status_code in (401, 403, 404, 405) else ALLOWED


def test_every_route_and_api_operation_has_its_committee_right():
    assert set(page_routes()) == set(RIGHTS), "add the new route's committee right to RIGHTS"
    assert api_operations() == set(API_RIGHTS), "add the new API operation's committee right to API_RIGHTS"


def test_the_committee_member_may_do_exactly_what_the_product_gives_the_committee(
        college, cycle, meeting, survey, client):
    """Every route and API operation, on the committee's objects and on a general branch's; each request
    rolled back, so one allowed change does not alter what the next one finds."""
    worlds = build_world(college, cycle, meeting, survey)
    client.force_login(college.committee_member)
    client.raise_request_exception = False
    wrong = []

    def attempt(label: str, method: str, path: str, expected: object, body=None) -> None:
        with transaction.atomic():
            if body is None:
                response = getattr(client, method)(path, {})
            else:
                response = getattr(client, method)(path, body, content_type="application/json")
            transaction.set_rollback(True)
        got = outcome(response)
        if got != expected:
            wrong.append(f"{label}: {method.upper()} {path} gave {response.status_code}, expected {expected}")

    for index, label in enumerate(("committee", "branch")):
        values = {**worlds[label], "gb_a": college.gb_a.pk,
                  "reviewer_id": college.committee.pk if label == "committee" else college.gb_a.pk}
        for route, cases in RIGHTS.items():
            for method, *expected in cases:
                attempt(label, method, fill(route, values), expected[index])
        for (method, path), (body, *expected) in API_RIGHTS.items():
            url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
            attempt(label, method, url, expected[index], body(values) if body else {} if method != "get" else None)
    for method, path, expected in EXTRA_CASES:
        attempt("branch", method, path.format(gb_a=college.gb_a.pk), expected)
    assert not wrong, "\n".join(wrong)


# --- The rights that matter, with their effects -------------------------------------------------------

def api(client, method: str, path: str, body=None):
    return getattr(client, method)(path, body if body is not None else {}, content_type="application/json")


def test_the_committee_member_schedules_the_committees_meeting_but_not_a_general_branchs(
        college, cycle, client_for):
    from shuzhi.meetings.models import Meeting

    client = client_for(college.committee_member)
    body = {"cycle_id": cycle.pk, "title": "党委扩大会议", "starts_at": "2026-12-20T09:00:00+08:00", "place": "一会",
            "agenda": [{"review_id": review_of(cycle, college.direct).pk}]}
    response = api(client, "post", "/api/meetings", {**body, "reviewer_id": college.committee.pk})
    assert response.status_code == 201, response.json()
    assert Meeting.objects.get(pk=response.json()["id"]).reviewer == college.committee
    refused = api(client, "post", "/api/meetings", {**body, "reviewer_id": college.gb_a.pk, "agenda": []})
    assert refused.status_code == 403 and Meeting.objects.count() == 1


def test_the_committee_member_steps_the_screen_and_comments_at_the_committees_meeting(
        college, cycle, meeting, client_for):
    client = client_for(college.committee_member)
    assert client.post(f"/meetings/{meeting.pk}/screen/", {"position": 2}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.current_item == 2
    response = api(client, "post", f"/api/meetings/{meeting.pk}/comments",
                   {"review_id": review_of(cycle, college.gb_a).pk, "problems": "调研还不够深入。"})
    assert response.status_code == 201 and meeting.comments.get().author_name.startswith("委员乙")
    bad = api(client, "post", f"/api/meetings/{meeting.pk}/comments", {"problems": ""})
    assert bad.status_code == 422 and meeting.comments.count() == 1


def test_the_committee_member_runs_the_committees_vote_and_its_rehearsal(college, meeting, client_for):
    from shuzhi.voting.models import Survey

    client = client_for(college.committee_member)
    base = f"/api/meetings/{meeting.pk}/surveys"
    rehearsal = api(client, "post", base + "?rehearsal=true")
    assert rehearsal.status_code == 201
    vote = api(client, "post", base)
    assert vote.status_code == 201
    vote_id = vote.json()["id"]
    assert len(api(client, "post", f"{base}/{vote_id}/codes", {"count": 3}).json()["codes"]) == 3
    assert api(client, "post", f"{base}/{vote_id}/open").status_code == 200
    assert api(client, "post", f"{base}/{vote_id}/close").status_code == 200
    assert Survey.objects.get(pk=vote_id).status == "closed"
    assert Survey.objects.filter(meeting=meeting, is_rehearsal=True).count() == 1


def test_the_committee_member_cannot_run_a_general_branchs_vote(college, cycle, meeting, survey, client_for):
    worlds = build_world(college, cycle, meeting, survey)
    branch = worlds["branch"]
    client = client_for(college.committee_member)
    base = f"/api/meetings/{branch['meeting_id']}/surveys/{branch['survey_id']}"
    assert api(client, "post", f"{base}/codes", {"count": 3}).status_code == 403
    assert api(client, "post", f"{base}/close").status_code == 403
    from shuzhi.voting.models import Survey

    assert Survey.objects.get(pk=branch["survey_id"]).status == "open"


def test_the_committee_member_accepts_a_report_the_committee_reviews_not_a_branchs(
        college, cycle, meeting, survey, client_for):
    from shuzhi.reports.models import DutyReport

    worlds = build_world(college, cycle, meeting, survey)
    client = client_for(college.committee_member)
    decision = {"version": 1, "decision": "accept"}
    mine = api(client, "post", f"/api/reviews/{worlds['committee']['review_id']}/report/decision", decision)
    assert mine.status_code == 200, mine.json()
    assert DutyReport.objects.get(review_id=worlds["committee"]["review_id"]).status == "accepted"
    theirs = api(client, "post", f"/api/reviews/{worlds['branch']['review_id']}/report/decision", decision)
    assert theirs.status_code == 403
    assert DutyReport.objects.get(review_id=worlds["branch"]["review_id"]).status == "submitted"
    bad = api(client, "post", f"/api/reviews/{worlds['committee']['review_id']}/report/decision",
              {"version": 1, "decision": "maybe"})
    assert bad.status_code == 422


def test_the_committee_member_does_not_set_up_the_cycle(college, cycle, client_for):
    from shuzhi.audit.models import AuditEvent

    client = client_for(college.committee_member)
    events = AuditEvent.objects.count()
    assert api(client, "post", f"/api/cycles/{cycle.pk}/stage", {"stage": "report"}).status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/advance/", {"target": "report"}).status_code == 403
    assert client.post("/reports/quality-rules/", {}).status_code == 403
    assert client.get(f"/cycles/{cycle.pk}/prior-problems/").status_code == 403
    cycle.refresh_from_db()
    assert cycle.stage == "preparation" and AuditEvent.objects.count() == events


def test_the_committee_member_does_not_manage_people_or_read_the_audit_log(college, client_for):
    client = client_for(college.committee_member)
    person = college.branch_a1_secretary.person
    assert client.get(f"/orgs/people/{person.pk}/").status_code == 200
    assert api(client, "patch", f"/api/people/{person.pk}", {"name": "改名"}).status_code == 403
    assert client.get("/audit/").status_code == 403 and client.get("/orgs/import/").status_code == 403
    person.refresh_from_db()
    assert person.name == "支书甲一"


# --- Deciding grades (the coming stage) ---------------------------------------------------------------

def test_grades_are_decided_by_the_reviewing_organisations_leaders_not_by_the_org_dept_as_such(college):
    assert access.can_decide_grades(college.committee_member, college.committee)
    assert not access.can_decide_grades(college.committee_member, college.gb_a)
    assert access.can_decide_grades(college.gb_a_secretary, college.gb_a)
    assert not access.can_decide_grades(college.gb_a_secretary, college.committee)
    assert not access.can_decide_grades(college.gb_b_secretary, college.gb_a)
    assert not access.can_decide_grades(college.branch_a1_secretary, college.gb_a)
    assert not access.can_decide_grades(college.org_dept, college.committee)  # aggregates; the committee decides


def test_a_general_branch_secretary_on_the_committee_runs_its_meeting_but_not_their_own_report(
        college, cycle, meeting):
    from conftest import START
    from shuzhi.orgs import services

    services.appoint("test", person=college.gb_a_secretary.person, organization=college.committee,
                     role=PositionRole.MEMBER, start_date=START)
    access.forget_scope(college.gb_a_secretary)
    assert access.can_run_meeting(college.gb_a_secretary, meeting)
    assert not access.can_decide_review(college.gb_a_secretary, review_of(cycle, college.gb_a))
    assert access.can_decide_review(college.gb_a_secretary, review_of(cycle, college.direct))
