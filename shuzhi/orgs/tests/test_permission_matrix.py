"""The permission matrix: every URL pattern and every API operation, tried by every role on an object of
the user's own organisation and on one of another organisation, for every method it takes.

The expected outcomes are in ONE table, PERMISSION_MATRIX, one entry per URL name ("orgs:detail") or
API operation id (as in /api/openapi.json, "shuzhi_api_cycles_get_cycle"). A URL or operation without
an entry fails test_every_url_and_api_operation_is_in_the_matrix, naming what to add.

An entry maps each method the URL takes to a string of five two-letter groups, one group per role in
ROLES order (org dept, committee member, 党总支 secretary, 党支部 secretary, 直属党支部 secretary); in a
group the first letter is the outcome on the user's own object, the second on another organisation's:

    A  allowed: access let the request through (any answer but 401/403/404/405; a change with an
       empty body may answer 400/422 or show the form again, which shows it got past access)
    F  forbidden: 403 — the object is visible to the user but the action is not theirs
    N  not found: 404 — the object is outside the user's scope and must not even be known to exist
    M  405: the URL does not take this method for this user

Anonymous users always get the login redirect (pages) or 401 (API), unless the entry is PUBLIC.
What "own" and "other" are for each role: ROLE_WORLDS (the worlds are built once by `world`).

Adding a URL or operation: one line in PERMISSION_MATRIX, e.g.

    "voting:review_result": R(get=SEE_MEETING),
    "cycles:group_edit": R(get=RUN, post=RUN),
    "shuzhi_api_cycles_list_groups": R(get=SEE),

using a common row below or a string of its own; a method the page takes but the entry does not list
fails test_methods_not_in_the_matrix_are_not_taken. A URL parameter the world has no value for (a new
object kind) fails naming it: add one such object per organisation in build_world's world().

Each request runs in a savepoint that is rolled back, so an allowed change does not alter what the
next request finds. Refusals follow shuzhi.orgs.access: outside the scope → 404 first; visible but not
the user's right → 403 (see the rights table in access.py's docstring).
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

ROLES = ("org_dept", "committee", "general_branch", "branch", "direct_branch")
ANONYMOUS = "anonymous"

# role: (the world of its own organisation, the world of another one); worlds are built by build_world.
ROLE_WORLDS = {
    "org_dept": ("committee", "gb_b"),
    "committee": ("committee", "gb_a"),  # the committee's meeting and reviews; a 党总支's meeting and reviews
    "general_branch": ("gb_a", "gb_b"),  # 甲学院党总支's secretary: their 党总支, its meeting, its branches' reviews
    "branch": ("branch_a1", "branch_b1"),  # 甲学院教工党支部's secretary: their own review
    "direct_branch": ("direct", "gb_b"),  # 机关直属党支部's secretary: their own review
    ANONYMOUS: ("gb_a", "gb_b"),
}


@dataclass(frozen=True)
class Rule:
    """The expected outcomes of one URL or API operation, method → ROLES-ordered groups (see above)."""

    methods: dict[str, str]
    public: bool = False  # a public address: anonymous users get `anonymous` instead of the login redirect
    anonymous: str = "AA"  # what a public address gives anonymous users (own, other)
    query: object = None  # world → query-string dict (e.g. meetings:create's ?cycle=&reviewer=)
    body: dict = field(default_factory=dict)  # method → world → JSON body (API) or form data (pages)


def R(public: bool = False, anonymous: str = "AA", query=None, body=None, **methods: str) -> Rule:
    return Rule(
        {m.upper(): v for m, v in methods.items()}, public=public, anonymous=anonymous, query=query, body=body or {}
    )


# Common rows (own/other per role: org dept, committee member, 党总支, 党支部, 直属党支部).
ALL = "AA AA AA AA AA"  # any signed-in user (pages without an object; lists show each their own)
SEE = "AA AA AN AN AN"  # read an object: the org dept and committee see all; the others their own
MANAGE = "AA FF FF FF FF"  # the org dept only, no object in the URL (tree, people, import, audit, cycle set-up)
MANAGE_OBJ = "AA FF FN FN FN"  # the org dept only, on an object (visible ones 403, others 404)
WRITE = "FF FF FN AN AN"  # the review's secretary only: preparation and the duty report
VET = "AA AF AN FN FN"  # vet (审核: pass or return) a report: org dept, the reviewing organisation's leaders
RUN = "AA AF AN NN NN"  # run the meeting or its vote: org dept, the reviewer's leaders; secretaries never see it
SEE_MEETING = "AA AA AN NN NN"  # read a meeting or its vote: secretaries of a 党支部 do not see the meeting
READ_GRADING = "AA AA AN FN FN"  # a group's grading or a Review's evaluation: its graders, the org dept, the committee
GRADE = "AA AF AN FN FN"  # grade a group: the org dept, or the reviewing organisation's leaders
ADMIN = "MM MM MM MM MM"  # placeholder; Django's admin is tested by test_django_admin_is_refused_and_read_only


def _meeting_body(w):
    return {
        "cycle_id": w["cycle_id"],
        "reviewer_id": w["reviewer_id"],
        "title": "述职评议会",
        "starts_at": "2026-12-20T09:00:00+08:00",
        "place": "第一会议室",
    }


PERMISSION_MATRIX: dict[str, Rule] = {
    # --- Not about a role -------------------------------------------------------------------------
    "healthz": R(public=True, get=ALL),
    "accounts:login": R(public=True, get=ALL, post=ALL),
    "accounts:logout": R(public=True, anonymous="LL", post="LL LL LL LL LL"),  # signed out: the login page
    "accounts:password_change": R(get=ALL, post=ALL),
    "ballot:enter": R(public=True, get=ALL),
    # The code is the key: an unknown one is missing for everyone alike (the matrix has no live code).
    "ballot:form": R(public=True, anonymous="NN", get="NN NN NN NN NN", post="NN NN NN NN NN"),
    "api-1:openapi-json": R(public=True, get=ALL),
    "core:home": R(get=ALL),
    # --- The tree, people and positions -------------------------------------------------------------
    "orgs:tree": R(get=ALL),
    "orgs:create": R(get=MANAGE, post=MANAGE),
    "orgs:detail": R(get=SEE),
    "orgs:edit": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "orgs:move": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "orgs:deactivate": R(post=MANAGE_OBJ),
    "orgs:reactivate": R(post=MANAGE_OBJ),
    "orgs:appoint": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "orgs:end_position": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "orgs:people": R(get=ALL),
    "orgs:person_create": R(get=MANAGE, post=MANAGE),
    "orgs:person": R(get=SEE),
    "orgs:person_edit": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "orgs:person_deactivate": R(post=MANAGE_OBJ),
    "orgs:person_reactivate": R(post=MANAGE_OBJ),
    "orgs:person_reset_password": R(post=MANAGE_OBJ),
    "orgs:person_unlock": R(post=MANAGE_OBJ),
    "orgs:import": R(get=MANAGE, post=MANAGE),
    "orgs:import_template": R(get=MANAGE),
    "audit:list": R(get=MANAGE),
    # --- The yearly cycle ---------------------------------------------------------------------------
    "cycles:list": R(get=ALL),
    "cycles:open": R(get=MANAGE, post=MANAGE),
    "cycles:mine": R(get=ALL),
    "cycles:detail": R(get=SEE),
    "cycles:edit": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "cycles:advance": R(post=MANAGE_OBJ),
    "cycles:progress_xlsx": R(get=SEE),
    "cycles:group": R(get=SEE),
    "cycles:group_move": R(post="AA AF AN FN FN"),  # the org dept, or the reviewing organisation's leaders
    "cycles:prior_problems": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "cycles:prior_problems_import": R(post=MANAGE_OBJ),
    "cycles:prior_problem_withdraw": R(post=MANAGE_OBJ),
    "cycles:prior_problems_template": R(get=MANAGE_OBJ),
    "cycle_ballot_form:edit": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "cycle_ballot_form:preview": R(get=MANAGE_OBJ),
    "cycles:preparation": R(get=SEE),
    "cycles:preparation_done": R(post=WRITE),
    "cycles:preparation_add": R(post=WRITE),
    "cycles:preparation_withdraw": R(post=WRITE),
    # --- The duty report ------------------------------------------------------------------------------
    "reports:editor": R(get=SEE),
    "reports:save": R(post=WRITE),
    "reports:submit": R(post=WRITE),
    "reports:vet": R(post=VET),
    "reports:versions": R(get=SEE),
    "reports:docx": R(get=SEE),
    "reports:print": R(get=SEE),
    "reports:quality_rules": R(get=ALL, post=MANAGE),
    # --- Review meetings ------------------------------------------------------------------------------
    "meetings:list": R(get=ALL),
    "meetings:create": R(get="AA AF AN FF FF", post="AA AF AN FF FF", query=lambda w: {"reviewer": w["reviewer_id"]}),
    "meetings:detail": R(get=SEE_MEETING),
    "meetings:edit": R(get=RUN, post=RUN),
    "meetings:agenda": R(get=RUN, post=RUN),
    "meetings:move": R(post=RUN),
    "meetings:screen": R(get=RUN, post=RUN),
    "meetings:comments": R(get=SEE_MEETING, post=RUN),
    # --- The meeting's vote ---------------------------------------------------------------------------
    "voting:manage": R(get=SEE_MEETING, post=RUN),
    "voting:issue": R(post=RUN),
    "voting:open": R(post=RUN),
    "voting:close": R(post=RUN),
    "voting:cards": R(get=RUN),
    "voting:paper_sheets": R(get=RUN),
    "voting:paper": R(get=RUN, post=RUN),
    "voting:paper_mode": R(post=RUN),
    "voting:paper_withdraw": R(post=RUN),
    "voting:live": R(get=RUN),
    "voting:live_fragment": R(get=RUN),
    "voting:results": R(get=SEE_MEETING),
    "voting:results_xlsx": R(get=SEE_MEETING),
    "voting:receipts": R(get=SEE_MEETING),
    "vote_design:index": R(get=RUN),
    "vote_design:start_rehearsal": R(post=RUN),
    "vote_design:design": R(get=RUN),
    "vote_design:categories": R(post=RUN),
    "vote_design:form": R(post=RUN),
    "vote_design:preview": R(get=RUN),
    "vote_design:wipe": R(post=RUN),
    "vote_design:breakdown": R(get=SEE_MEETING),
    "vote_design:verify": R(get=SEE_MEETING),
    "vote_design:archive_xlsx": R(get=SEE_MEETING),
    "vote_design:archive_csv": R(get=SEE_MEETING),
    "voting:review_result": R(get=SEE),  # a secretary's own result and the comments made about her
    # --- Evidence files ---------------------------------------------------------------------------------
    "attachments:preparation_item": R(get=SEE, post=WRITE),
    "attachments:download": R(get=SEE),
    "attachments:withdraw": R(get=WRITE, post=WRITE),
    # --- The comprehensive evaluation --------------------------------------------------------------------
    "evaluation:scheme": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "evaluation:grading": R(get=READ_GRADING),
    "evaluation:quota": R(get=READ_GRADING),
    "evaluation:propose": R(post=GRADE),
    "evaluation:change_grade": R(post=GRADE),
    "evaluation:reviewer_score": R(post=GRADE),
    "evaluation:submit": R(post=GRADE),
    "evaluation:reopen": R(post=MANAGE_OBJ),  # the org dept only
    "evaluation:breakdown": R(get=READ_GRADING),
    "evaluation:opinion": R(get=READ_GRADING, post=GRADE),
    # --- The JSON API (operation ids of /api/openapi.json) ------------------------------------------
    "shuzhi_api_me_me": R(get=ALL),
    "shuzhi_api_orgs_list_organizations": R(get=ALL),
    "shuzhi_api_orgs_create_organization": R(
        post=MANAGE, body={"POST": lambda w: {"name": "新党支部", "kind": "branch", "parent_id": w["org_id"]}}
    ),
    "shuzhi_api_orgs_get_organization": R(get=SEE),
    "shuzhi_api_orgs_update_organization": R(patch=MANAGE_OBJ, body={"PATCH": lambda w: {"name": "改个名字"}}),
    "shuzhi_api_orgs_deactivate_organization": R(post=MANAGE_OBJ),
    "shuzhi_api_orgs_reactivate_organization": R(post=MANAGE_OBJ),
    "shuzhi_api_people_list_people": R(get=ALL),
    "shuzhi_api_people_create_person": R(post=MANAGE, body={"POST": lambda w: {"name": "新同志", "staff_no": "77777"}}),
    "shuzhi_api_people_get_person": R(get=SEE),
    "shuzhi_api_people_update_person": R(patch=MANAGE_OBJ, body={"PATCH": lambda w: {"phone": "13900000000"}}),
    "shuzhi_api_people_deactivate_person": R(post=MANAGE_OBJ),
    "shuzhi_api_people_reactivate_person": R(post=MANAGE_OBJ),
    "shuzhi_api_positions_list_positions": R(get=ALL),
    "shuzhi_api_positions_create_position": R(
        post=MANAGE_OBJ,
        body={
            "POST": lambda w: {
                "person_id": w["person_id"],
                "organization_id": w["org_id"],
                "role": "member",
                "start_date": "2025-01-01",
            }
        },
    ),
    "shuzhi_api_positions_end_position": R(post=MANAGE_OBJ, body={"POST": lambda w: {"end_date": "2026-12-31"}}),
    "shuzhi_api_cycles_list_cycles": R(get=ALL),
    "shuzhi_api_cycles_open_cycle": R(post=MANAGE, body={"POST": lambda w: {"year": 2030, "title": "2030年度"}}),
    "shuzhi_api_cycles_get_cycle": R(get=SEE),
    "shuzhi_api_cycles_advance_cycle": R(post=MANAGE_OBJ, body={"POST": lambda w: {"stage": "report"}}),
    "shuzhi_api_cycles_list_reviews": R(get=SEE),
    "shuzhi_api_cycles_get_review": R(get=SEE),
    "shuzhi_api_cycles_list_preparation": R(get=SEE),
    "shuzhi_api_cycles_add_preparation": R(
        post=WRITE, body={"POST": lambda w: {"kind": "research", "content": "走访"}}
    ),
    "shuzhi_api_cycles_withdraw_preparation": R(post=WRITE),
    "shuzhi_api_cycles_get_report": R(get=SEE),
    "shuzhi_api_cycles_save_report": R(put=WRITE, body={"PUT": lambda w: {"base_revision": 1, "practices": "改"}}),
    "shuzhi_api_cycles_submit_report": R(post=WRITE, body={"POST": lambda w: {"base_revision": 1}}),
    "shuzhi_api_cycles_vet_report": R(post=VET, body={"POST": lambda w: {"version": 1, "outcome": "passed"}}),
    "shuzhi_api_cycles_get_version": R(get=SEE),
    "shuzhi_api_meetings_list_meetings": R(get=ALL),
    # A reviewer the user does not see is missing (the page instead refuses a user who may schedule nothing).
    "shuzhi_api_meetings_create_meeting": R(post="AA AF AN NN NN", body={"POST": _meeting_body}),
    "shuzhi_api_meetings_get_meeting": R(get=SEE_MEETING),
    "shuzhi_api_meetings_set_agenda": R(put=RUN, body={"PUT": lambda w: [{"review_id": w["agenda_review_id"]}]}),
    "shuzhi_api_meetings_list_comments": R(get=SEE_MEETING),
    "shuzhi_api_meetings_add_comment": R(post=RUN, body={"POST": lambda w: {"problems": "调研还不够深入。"}}),
    "shuzhi_api_meetings_list_surveys": R(get=SEE_MEETING),
    "shuzhi_api_meetings_create_survey": R(post=RUN),
    "shuzhi_api_meetings_issue_codes": R(post=RUN, body={"POST": lambda w: {"count": 2}}),
    "shuzhi_api_meetings_open_survey": R(post=RUN),
    "shuzhi_api_meetings_close_survey": R(post=RUN),
    "shuzhi_api_meetings_get_results": R(get=SEE_MEETING),
    "shuzhi_api_meetings_list_categories": R(get=SEE_MEETING),
    "shuzhi_api_meetings_set_categories": R(put=RUN, body={"PUT": lambda w: [{"name": "党委委员", "weight": 100}]}),
    "shuzhi_api_meetings_get_form": R(get=SEE_MEETING),
    "shuzhi_api_meetings_set_form": R(put=RUN, body={"PUT": lambda w: {}}),
    "shuzhi_api_meetings_wipe_rehearsal": R(delete=RUN),
    "shuzhi_api_meetings_verify": R(get=SEE_MEETING),
    "shuzhi_api_meetings_archive": R(get=SEE_MEETING),
    # --- Daily assessment (日常考核) ---------------------------------------------------------------------
    # An inspector records a check: the org dept any organisation under review, a named committee member
    # (named in the world) the 党总支 and 直属党支部, a 党总支's leaders their 党支部; secretaries never.
    "assessment:list": R(get=SEE),
    "assessment:new": R(get="AA AA AN FN FN", post="AA AA AN FN FN"),
    "assessment:settings": R(get=MANAGE_OBJ, post=MANAGE_OBJ),
    "assessment:inspector_name": R(post=MANAGE_OBJ),
    "assessment:inspector_remove": R(post=MANAGE_OBJ),
    "assessment:methods": R(get=MANAGE_OBJ),
    "assessment:check": R(get=SEE),  # the checked secretary sees her own organisation's checks
    "assessment:edit": R(get=MANAGE_OBJ, post=MANAGE_OBJ),  # the world's checks are the org dept's, recorded
    "assessment:withdraw": R(get=MANAGE_OBJ, post=MANAGE_OBJ),  # the recorder or the org dept
    "shuzhi_api_assessment_list_checks": R(get=SEE),
    "shuzhi_api_assessment_get_check": R(get=SEE),
    "shuzhi_api_assessment_create_check": R(
        post="AA AF AN FN FN",
        body={"POST": lambda w: {"organization_id": w["check_org_id"], "form_token": "matrix", "seen": "看了"}},
    ),
    "shuzhi_api_assessment_update_check": R(put=MANAGE_OBJ, body={"PUT": lambda w: {"seen": "改"}}),
    "shuzhi_api_assessment_withdraw_check": R(post=MANAGE_OBJ, body={"POST": lambda w: {"reason": "录错"}}),
    "shuzhi_api_assessment_daily_score": R(get=SEE),
    "shuzhi_api_evaluation_get_grading": R(get=READ_GRADING),
    "shuzhi_api_evaluation_propose_grades": R(post=GRADE, body={"POST": lambda w: {"base_version": 0}}),
    "shuzhi_api_evaluation_change_grade": R(
        post=GRADE, body={"POST": lambda w: {"base_version": 0, "grade": "good", "reason": "工作实绩突出"}}
    ),
    "shuzhi_api_evaluation_set_score": R(post=GRADE, body={"POST": lambda w: {"base_version": 0, "score": "85"}}),
    "shuzhi_api_evaluation_submit_grading": R(post=GRADE, body={"POST": lambda w: {"base_version": 0}}),
    "shuzhi_api_evaluation_get_breakdown": R(get=READ_GRADING),
}

# URL names not tried here, with the reason: they are not addresses of their own.
NOT_IN_MATRIX = {
    "api-1:api-root",  # /api/ itself: no operation (each operation is an entry of its own)
}
API_NAMESPACE = "api-1"  # the API's page patterns; the API is tried operation by operation instead
ADMIN_NAMESPACE = "admin"


# --- What there is to try ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    key: str  # the URL name or operation id
    route: str  # with <name> / {name} placeholders
    methods: frozenset[str]  # the methods the URL takes, when known (the API's); empty for pages
    api: bool


def _walk(resolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if namespace and pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name, prefix + str(pattern.pattern)


def page_targets() -> dict[str, Target]:
    targets = {}
    for name, route in _walk(get_resolver()):
        namespace = name.split(":", 1)[0] if ":" in name else ""
        if name in NOT_IN_MATRIX or namespace == ADMIN_NAMESPACE:
            continue
        if namespace == API_NAMESPACE and name != "api-1:openapi-json":
            continue
        targets[name] = Target(name, route, frozenset(), api=False)
    return targets


def api_targets() -> dict[str, Target]:
    from shuzhi.api.urls import api

    targets = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            key = operation["operationId"]
            targets[key] = Target(key, path, frozenset({method.upper()}), api=True)
    return targets


@functools.cache
def all_targets() -> dict[str, Target]:
    return {**page_targets(), **api_targets()}


def fill(route: str, values: dict) -> str:
    def value(match) -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(
                f"the matrix's world has no value for <{name}> of {route}: add an object with it to "
                f"build_world (world() in shuzhi/orgs/tests/test_permission_matrix.py), one per organisation"
            )
        return str(values[name])

    path = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    path = re.sub(r"\{(\w+)\}", value, path)
    return path if path.startswith("/") else "/" + path


# --- The world ----------------------------------------------------------------------------------------


def build_world(college) -> dict[str, dict]:
    """Realistic data for every URL's parameters: the 2026 cycle with every Review, preparation items,
    submitted reports, last year's problems; the committee's meeting and each 党总支's, each with an open
    vote, a paper entry and comments; and a 2025 cycle that only 乙学院's side takes part in."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import make_user
    from shuzhi.attachments import services as attachment_services
    from shuzhi.attachments.tests import samples
    from shuzhi.cycles import services as cycle_services
    from shuzhi.cycles.models import PriorProblemKind, Review
    from shuzhi.meetings import services as meeting_services
    from shuzhi.orgs.models import PositionRole
    from shuzhi.reports import services as report_services
    from shuzhi.reports.services import ReportContent
    from shuzhi.voting import services as voting
    from shuzhi.voting.models import PaperEntry
    from shuzhi.voting.services import BallotInput

    od = college.org_dept
    make_user("90008", "支书甲二", college.branch_a2, PositionRole.SECRETARY)
    old = cycle_services.open_cycle(od, year=2025, title="2025年度述职评议考核", key_items=["党建引领"]).cycle
    Review.objects.filter(cycle=old).exclude(organization__in=[college.gb_b, college.branch_b1]).delete()
    cycle = cycle_services.open_cycle(
        od,
        year=2026,
        title="2026年度基层党组织书记抓党建工作述职评议考核",
        key_items=["深化党的创新理论武装", "党支部标准化规范化建设"],
    ).cycle
    orgs = {
        "committee": college.committee,
        "gb_a": college.gb_a,
        "gb_b": college.gb_b,
        "branch_a1": college.branch_a1,
        "branch_b1": college.branch_b1,
        "direct": college.direct,
    }
    secretaries = {
        "gb_a": college.gb_a_secretary,
        "gb_b": college.gb_b_secretary,
        "branch_a1": college.branch_a1_secretary,
        "branch_b1": college.branch_b1_secretary,
        "direct": college.direct_secretary,
    }
    problems = {}
    for key in ("gb_a", "gb_b", "branch_a1", "branch_b1", "direct"):
        problems[key] = cycle_services.add_prior_problem(
            od, organization=orgs[key], year=2025, kind=PriorProblemKind.NOTIFIED, text=f"{orgs[key].name}：学习不深入"
        )
    for key in ("gb_b", "branch_b1"):  # the problems the 2025 cycle's secretaries answer
        problems[key, old] = cycle_services.add_prior_problem(
            od, organization=orgs[key], year=2024, kind=PriorProblemKind.NOTIFIED, text=f"{orgs[key].name}：制度不健全"
        )
    reviews = {key: cycle.reviews.get(organization=orgs[key]) for key in secretaries}
    items, attachments = {}, {}
    for key, secretary in secretaries.items():
        review = reviews[key]
        items[key] = cycle_services.add_preparation_item(
            secretary, review, kind="research", content="走访实训中心", place="实训中心", people="学生党员"
        )
        (attachments[key],) = attachment_services.attach_to_preparation_item(
            secretary, items[key], [SimpleUploadedFile("走访照片.png", samples.photo_png())]
        )
        answers = {str(p.pk): "已整改" for p in cycle_services.prior_problems_for(review)}
        report = report_services.save_draft(
            secretary,
            review,
            ReportContent("我带头讲专题党课3次。", "理论学习深度不够。", "每月开展一次专题研讨。", answers),
            base_revision=0,
        )
        report_services.submit(secretary, review, base_revision=report.revision)

    def meeting_with_vote(reviewer, presenters):
        meeting = meeting_services.schedule_meeting(
            od,
            cycle=cycle,
            reviewer=reviewer,
            title=f"{reviewer.name}述职评议会",
            starts_at=timezone.now(),
            place="第一会议室",
            expected_attendees=20,
            agenda=[(reviews[p], "on_site") for p in presenters],
        )
        meeting_services.add_comment(
            od, meeting, review=reviews[presenters[0]], problems="调研不够深入。", direction="多下基层。"
        )
        survey = voting.create_survey(od, meeting)
        voting.issue_codes(od, survey, 3)
        paper = voting.issue_codes(od, survey, 1, paper=True)
        voting.open_survey(od, survey)
        voting.set_paper_double_entry(od, survey, True)  # so the first clerk's entry is kept as an entry
        survey.refresh_from_db()
        voting.enter_paper_ballot(
            od, survey, paper[0], BallotInput({str(reviews[presenters[0]].pk): "satisfied"}, {}, {}, "")
        )
        return meeting, survey, PaperEntry.objects.get(survey=survey)

    meetings = {
        "committee": meeting_with_vote(college.committee, ["gb_a", "gb_b", "direct"]),
        "gb_a": meeting_with_vote(college.gb_a, ["branch_a1"]),
        "gb_b": meeting_with_vote(college.gb_b, ["branch_b1"]),
    }
    # A second 党支部 of 甲学院 with no meeting yet: what an agenda change may add.
    spare_a = cycle.reviews.get(organization=college.branch_a2)
    # Daily assessment: the committee member named inspector in both cycles; a check recorded by the org
    # dept of each organisation in each cycle it is reviewed in.
    from shuzhi.assessment import services as assessment_services
    from shuzhi.assessment.tests.helpers import record_check

    inspectors = {
        c.pk: assessment_services.name_inspector(od, c, college.committee_member.person) for c in (cycle, old)
    }
    checks = {
        (key, c.pk): record_check(od, c, orgs[key], [20, 20, 20, 10])
        for c in (cycle, old)
        for key in secretaries
        if c.reviews.filter(organization=orgs[key]).exists()
    }

    def world(key, *, person, review_key, meeting_key, reviewer, cycle_, agenda_review):
        from shuzhi.cycles.models import ReviewGroup

        meeting, survey, entry = meetings[meeting_key]
        org = orgs[key]
        group = ReviewGroup.objects.get(cycle=cycle_, reviewer=reviewer)
        return {
            "org_id": org.pk,
            "person_id": person.pk,
            "position_id": person.positions.first().pk,
            "cycle_id": cycle_.pk,
            "review_id": reviews[review_key].pk,
            "item_id": items[review_key].pk,
            "attachment_id": attachments[review_key].pk,
            "group_id": group.pk,
            "member_id": group.reviews.order_by("pk").first().pk,  # a Review of the group (its grading)
            "kind": "research",
            "number": 1,
            "meeting_id": meeting.pk,
            "survey_id": survey.pk,
            "entry_id": entry.pk,
            "problem_id": problems.get((review_key, cycle_), problems[review_key]).pk,
            "reviewer_id": reviewer.pk,
            "agenda_review_id": agenda_review.pk,
            "code": "ABCDEFGHJKMNPQRS",
            "check_id": checks[review_key, cycle_.pk].pk,
            "check_org_id": orgs[review_key].pk,
            "inspector_id": inspectors[cycle_.pk].pk,
        }

    c = college
    return {
        "committee": world(
            "committee",
            person=c.committee_member.person,
            review_key="gb_a",
            meeting_key="committee",
            reviewer=c.committee,
            cycle_=cycle,
            agenda_review=reviews["direct"],
        ),
        "gb_a": world(
            "gb_a",
            person=c.gb_a_secretary.person,
            review_key="branch_a1",
            meeting_key="gb_a",
            reviewer=c.gb_a,
            cycle_=cycle,
            agenda_review=spare_a,
        ),
        "gb_b": world(
            "gb_b",
            person=c.gb_b_secretary.person,
            review_key="branch_b1",
            meeting_key="gb_b",
            reviewer=c.gb_b,
            cycle_=old,
            agenda_review=reviews["branch_b1"],
        ),
        "branch_a1": world(
            "branch_a1",
            person=c.branch_a1_secretary.person,
            review_key="branch_a1",
            meeting_key="gb_a",
            reviewer=c.gb_a,
            cycle_=cycle,
            agenda_review=spare_a,
        ),
        "branch_b1": world(
            "branch_b1",
            person=c.branch_b1_secretary.person,
            review_key="branch_b1",
            meeting_key="gb_b",
            reviewer=c.gb_b,
            cycle_=old,
            agenda_review=reviews["branch_b1"],
        ),
        "direct": world(
            "direct",
            person=c.direct_secretary.person,
            review_key="direct",
            meeting_key="committee",
            reviewer=c.committee,
            cycle_=cycle,
            agenda_review=reviews["direct"],
        ),
    }


@dataclass
class World:
    college: object
    values: dict[str, dict]
    clients: dict[str, Client]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test and each request
    runs in a savepoint of its own."""
    from conftest import build_college

    with django_db_blocker.unblock(), transaction.atomic():
        college = build_college()
        values = build_world(college)
        users = {
            "org_dept": college.org_dept,
            "committee": college.committee_member,
            "general_branch": college.gb_a_secretary,
            "branch": college.branch_a1_secretary,
            "direct_branch": college.direct_secretary,
        }
        clients = {}
        for role, user in users.items():
            clients[role] = Client(raise_request_exception=False)
            clients[role].force_login(user)
        clients[ANONYMOUS] = Client(raise_request_exception=False)
        yield World(college, values, clients)
        transaction.set_rollback(True)


# --- Trying one request ---------------------------------------------------------------------------------


def outcome(response, *, api: bool) -> str:
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status in (401,):
        return "L"
    if not api and status == 302 and response["Location"].startswith("/accounts/login/"):
        return "L"
    return {403: "F", 404: "N", 405: "M"}.get(status, "A")


def attempt(client: Client, target: Target, rule: Rule, method: str, values: dict) -> tuple[str, str, int]:
    path = fill(target.route, values)
    query = rule.query(values) if rule.query else None
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    make_body = rule.body.get(method)
    cookies = copy.deepcopy(client.cookies)  # a logout must not sign the next request out
    with transaction.atomic():
        call = getattr(client, method.lower())
        if target.api:
            if method == "GET":
                response = call(path)
            else:
                response = call(path, make_body(values) if make_body else {}, content_type="application/json")
        else:
            response = call(path, make_body(values) if make_body else {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return outcome(response, api=target.api), path, response.status_code


def expected_for(rule: Rule, method: str, role: str) -> tuple[str, str]:
    if role == ANONYMOUS:
        return (rule.anonymous[0], rule.anonymous[1]) if rule.public else ("L", "L")
    groups = rule.methods[method].split()
    assert len(groups) == len(ROLES) and all(len(g) == 2 for g in groups), f"malformed row {rule.methods[method]!r}"
    return groups[ROLES.index(role)][0], groups[ROLES.index(role)][1]


# --- The tests ----------------------------------------------------------------------------------------


def test_every_url_and_api_operation_is_in_the_matrix():
    targets = all_targets()
    missing = sorted(set(targets) - set(PERMISSION_MATRIX))
    assert not missing, "add it to PERMISSION_MATRIX in shuzhi/orgs/tests/test_permission_matrix.py: " + "; ".join(
        f'"{key}": R(<method>="<5 groups>", ...) for /{targets[key].route.lstrip("/")}' for key in missing
    )
    stale = sorted(set(PERMISSION_MATRIX) - set(targets))
    assert not stale, f"PERMISSION_MATRIX names URLs or operations that no longer exist: {stale}"
    for key, target in api_targets().items():
        assert set(PERMISSION_MATRIX[key].methods) == set(target.methods), (
            f"PERMISSION_MATRIX[{key!r}] must list exactly the operation's method {sorted(target.methods)}"
        )


CASES = sorted(PERMISSION_MATRIX)


@pytest.mark.parametrize("key", CASES)
def test_permission_matrix(world, db, key):
    """Every role × own / other object × every method of the URL gives what PERMISSION_MATRIX says."""
    targets = all_targets()
    if key not in targets:
        pytest.fail(f"{key} is in PERMISSION_MATRIX but not in the URL configuration or the OpenAPI document")
    target, rule = targets[key], PERMISSION_MATRIX[key]
    wrong = []
    for method in rule.methods:
        for role in (*ROLES, ANONYMOUS):
            own_key, other_key = ROLE_WORLDS[role]
            results = {}
            for label, world_key, want in zip(
                ("own", "other"), (own_key, other_key), expected_for(rule, method, role), strict=True
            ):
                got, path, status = attempt(world.clients[role], target, rule, method, world.values[world_key])
                results[label] = got
                if got != want:
                    wrong.append(f"{role} {method} {path} ({label}): got {status} ({got}), expected {want}")
    assert not wrong, f"PERMISSION_MATRIX[{key!r}] disagrees:\n" + "\n".join(wrong)


@pytest.mark.parametrize("key", [k for k in CASES if not PERMISSION_MATRIX[k].public])
def test_methods_not_in_the_matrix_are_not_taken(world, db, key):
    """A page that takes a method its entry does not list would go untried: it must answer 405."""
    target = all_targets()[key]
    if target.api:
        return  # the OpenAPI document lists the methods (test_every_url_and_api_operation_is_in_the_matrix)
    rule = PERMISSION_MATRIX[key]
    for method in {"GET", "POST"} - set(rule.methods):
        got, path, status = attempt(world.clients["org_dept"], target, Rule({}), method, world.values["committee"])
        assert got == "M", (
            f'{method} {path} answers {status}: add {method.lower()}="…" to '
            f"PERMISSION_MATRIX[{key!r}] or refuse the method (require_POST / require_GET)"
        )


# --- Ids inside ids, and ids in request bodies ------------------------------------------------------------

PARENT_KWARGS = {"cycle_id", "review_id", "meeting_id"}
CHILD_KWARGS = {"survey_id", "item_id", "entry_id", "problem_id"}  # looked up inside their parent


def _kwargs(route: str) -> set[str]:
    return set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\{(\w+)\}", route))


NESTED = sorted(
    key
    for key, target in all_targets().items()
    if _kwargs(target.route) & PARENT_KWARGS and _kwargs(target.route) & CHILD_KWARGS
)


@pytest.mark.parametrize("key", NESTED)
def test_an_id_of_another_parent_is_missing(world, db, key):
    """A user who may act on their own meeting, Review or cycle names a survey, preparation item, paper entry
    or prior problem of another organisation's under it: 404 on every method, never the other's object."""
    target, rule = all_targets()[key], PERMISSION_MATRIX[key]
    for method, row in rule.methods.items():
        role = next(r for r, group in zip(ROLES, row.split(), strict=True) if group[0] == "A")
        own, other = (world.values[w] for w in ROLE_WORLDS[role])
        values = {**own, **{k: other[k] for k in CHILD_KWARGS}}
        got, path, status = attempt(world.clients[role], target, rule, method, values)
        assert got == "N", f"{role} {method} {path}: a child id of another parent answered {status}, not 404"


def _api(client, method, path, body=None):
    return getattr(client, method)(path, body if body is not None else {}, content_type="application/json")


def test_ids_in_api_bodies_are_looked_up_through_access(world, db):
    """An agenda, a comment or a new meeting naming a Review, cycle or reviewer outside the user's scope is
    refused as missing, and nothing changes."""
    from shuzhi.meetings.models import AgendaItem, Comment, Meeting

    gb, values = world.clients["general_branch"], world.values
    own, other = values["gb_a"], values["gb_b"]
    agenda_before = list(AgendaItem.objects.order_by("pk").values_list("pk", "meeting_id", "review_id"))
    counts = (Meeting.objects.count(), Comment.objects.count())
    assert (
        _api(gb, "put", f"/api/meetings/{own['meeting_id']}/agenda", [{"review_id": other["review_id"]}]).status_code
        == 404
    )
    assert (
        _api(
            gb,
            "post",
            f"/api/meetings/{own['meeting_id']}/comments",
            {"review_id": other["review_id"], "problems": "不够深入"},
        ).status_code
        == 404
    )
    body = {**_meeting_body(own), "title": "甲学院述职评议会"}
    assert _api(gb, "post", "/api/meetings", {**body, "cycle_id": other["cycle_id"]}).status_code == 404
    assert _api(gb, "post", "/api/meetings", {**body, "reviewer_id": other["reviewer_id"]}).status_code == 404
    assert _api(gb, "post", "/api/meetings", {**body, "agenda": [{"review_id": other["review_id"]}]}).status_code == 404
    # A visible Review of another reviewer is refused by the service, not stored.
    committee_review = values["committee"]["review_id"]  # 甲学院党总支's own review, which the committee runs
    assert (
        _api(gb, "put", f"/api/meetings/{own['meeting_id']}/agenda", [{"review_id": committee_review}]).status_code
        == 422
    )
    assert list(AgendaItem.objects.order_by("pk").values_list("pk", "meeting_id", "review_id")) == agenda_before
    assert (Meeting.objects.count(), Comment.objects.count()) == counts


def test_ids_in_page_forms_are_looked_up_through_access(world, db):
    """The same on the pages: a comment on, an agenda with, or a move of a Review of another organisation."""
    from shuzhi.meetings.models import AgendaItem, Comment

    gb, values = world.clients["general_branch"], world.values
    own, other = values["gb_a"], values["gb_b"]
    agenda_before = list(AgendaItem.objects.order_by("pk").values_list("pk", "meeting_id", "review_id", "position"))
    comments = Comment.objects.count()
    base = f"/meetings/{own['meeting_id']}"
    assert gb.post(f"{base}/comments/", {"review": other["review_id"], "problems": "不够深入"}).status_code == 404
    # A Review the user may read but that is not on this agenda (their own, run by the committee): missing too.
    assert (
        gb.post(f"{base}/comments/", {"review": values["committee"]["review_id"], "problems": "不够深入"}).status_code
        == 404
    )
    response = gb.post(f"{base}/agenda/", {f"on_{other['review_id']}": "on", f"mode_{other['review_id']}": "on_site"})
    assert response.status_code in (200, 302)
    response = gb.post(f"{base}/agenda/move/", {"review": other["review_id"], "offset": "-1"})
    assert response.status_code < 500
    assert (
        list(AgendaItem.objects.order_by("pk").values_list("pk", "meeting_id", "review_id", "position"))
        == agenda_before
    )
    assert Comment.objects.count() == comments


def test_a_meeting_cannot_be_scheduled_in_an_archived_cycle(world, db):
    """The pages offer only cycles that are not archived; the API refuses one (422) and stores nothing."""
    from shuzhi.cycles.models import ReviewCycle
    from shuzhi.cycles.stages import Stage
    from shuzhi.meetings.models import Meeting

    own = world.values["committee"]
    ReviewCycle.objects.filter(pk=own["cycle_id"]).update(stage=Stage.ARCHIVED)
    meetings = Meeting.objects.count()
    for role in ("org_dept", "committee"):
        response = _api(world.clients[role], "post", "/api/meetings", _meeting_body(own))
        assert response.status_code == 422, (role, response.content)
        assert response.json()["detail"][0]["field"] == "cycle_id"
        page = world.clients[role].get(f"/meetings/new/?cycle={own['cycle_id']}")
        assert page.status_code == 404  # not one of the cycles offered
    assert Meeting.objects.count() == meetings


# --- Django's admin ----------------------------------------------------------------------------------------

ADMIN_OPEN = {"admin:login", "admin:logout", "admin:jsi18n"}  # the admin's own sign-in pages


def _admin_paths(college) -> list[tuple[str, str]]:
    from django.contrib import admin

    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    paths = []
    for name, route in _walk(get_resolver()):
        if not name.startswith(f"{ADMIN_NAMESPACE}:") or name in ADMIN_OPEN:
            continue
        model = next((m for prefix, m in models.items() if name.startswith(f"admin:{prefix}_")), None)
        route = route.replace("^", "").replace("$", "")
        obj = model.objects.order_by("pk").first() if model is not None else None
        route = re.sub(r"<(?:\w+:)?(object_id|id)>", str(obj.pk if obj else 1), route)
        route = re.sub(r"<(?:\w+:)?content_type_id>", "1", route)
        route = re.sub(r"\(\?P<app_label>[^)]*\)", "orgs", route)
        route = re.sub(r"\(\?P<url>[^)]*\)", "orgs/organization/", route)
        paths.append((name, "/" + route))
    return paths


def _fingerprint():
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    from shuzhi.audit.models import AuditEvent
    from shuzhi.orgs.models import Organization

    rows = {m._meta.label: m.objects.count() for m in admin.site._registry}
    users = list(
        get_user_model()
        .objects.order_by("pk")
        .values_list("pk", "username", "is_active", "is_superuser", "is_staff", "password")
    )
    names = list(Organization.objects.order_by("pk").values_list("pk", "name", "is_active"))
    return rows, users, names, AuditEvent.objects.count()


def test_django_admin_is_refused_for_everyone_but_superusers_and_never_changes(world, db):
    """Every admin URL: every role and anonymous users are sent to the admin's sign-in; a superuser may
    browse, and no POST of theirs changes anything."""
    paths = _admin_paths(world.college)
    assert paths
    before = _fingerprint()
    wrong = []
    for role in (*ROLES, ANONYMOUS):
        client = world.clients[role]
        for name, path in paths:
            for method in ("get", "post"):
                response = getattr(client, method)(path, {})
                if not (response.status_code == 302 and response["Location"].startswith("/django-admin/login/")):
                    wrong.append(f"{role} {method.upper()} {path} ({name}) gave {response.status_code}")
    superuser = world.college.outsider
    type(superuser).objects.filter(pk=superuser.pk).update(is_staff=True, is_superuser=True)
    admin_client = Client(raise_request_exception=False)
    admin_client.force_login(superuser)
    before = _fingerprint()
    for name, path in paths:
        got = admin_client.get(path)
        if got.status_code >= 500:
            wrong.append(f"superuser GET {path} ({name}) gave {got.status_code}")
        response = admin_client.post(
            path,
            {
                "post": "yes",
                "name": "改",
                "username": "changed",
                "action": "delete_selected",
                "_selected_action": ["1", "2", "3"],
            },
        )
        if response.status_code >= 500:
            wrong.append(f"superuser POST {path} ({name}) gave {response.status_code}")
    assert _fingerprint() == before, "a POST in Django's admin changed something"
    assert not wrong, "\n".join(wrong)


# --- What lists show ------------------------------------------------------------------------------------

LISTS = {  # API list → the access function deciding what it holds
    "/api/cycles": "visible_cycles",
    "/api/meetings": "visible_meetings",
    "/api/organizations": "visible_organizations",
    "/api/people": "visible_people",
    "/api/positions": "visible_positions",
}


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_hold_what_access_lets_the_user_see(world, db, role):
    """A list answers 200 to everyone, so the matrix cannot tell a leak: each holds exactly the objects the
    matching access.visible_* function gives (no cycle, meeting or person of another organisation)."""
    from shuzhi.orgs import access

    users = {
        "org_dept": world.college.org_dept,
        "committee": world.college.committee_member,
        "general_branch": world.college.gb_a_secretary,
        "branch": world.college.branch_a1_secretary,
        "direct_branch": world.college.direct_secretary,
    }
    user = type(users[role]).objects.get(pk=users[role].pk)
    for path, function in LISTS.items():
        response = world.clients[role].get(path)
        assert response.status_code == 200, path
        body = response.json()
        items = body["items"] if isinstance(body, dict) and "items" in body else body
        shown = {item["id"] for item in items}
        visible = set(getattr(access, function)(user).values_list("pk", flat=True))
        assert shown == visible, (role, path)  # the world is smaller than one page
    if role in ("general_branch", "branch", "direct_branch"):
        other = world.values[ROLE_WORLDS[role][1]]
        cycles = {c["id"] for c in world.clients[role].get("/api/cycles").json()}
        meetings = {m["id"] for m in world.clients[role].get("/api/meetings").json()}
        assert other["cycle_id"] not in cycles and other["meeting_id"] not in meetings
