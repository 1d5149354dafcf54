"""Fixtures shared by every app's tests: a small college tree and one user per role."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests check what holds, not how fast: on a busy 2-core machine (two test workers, a browser,
# LibreOffice) one example can take longer than Hypothesis's default 200 ms deadline, which would fail
# the test for the wrong reason. Speed is measured by the scripts under bench/.
hypothesis_settings.register_profile("shuzhi", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("shuzhi")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from shuzhi.audit import dbguard  # noqa: E402

dbguard.allow_purge()

PASSWORD = "Test-pass-2026"
START = datetime.date(2024, 1, 1)


@dataclass
class College:
    committee: object
    gb_a: object  # 党总支 A
    gb_b: object  # 党总支 B
    branch_a1: object
    branch_a2: object
    branch_b1: object
    direct: object  # 直属党支部
    org_dept: object  # users below
    committee_member: object
    gb_a_secretary: object
    gb_b_secretary: object
    branch_a1_secretary: object
    branch_b1_secretary: object
    direct_secretary: object
    outsider: object  # an account with no position at all


def make_user(staff_no: str, name: str, org, role: str, *, must_change: bool = False):
    from shuzhi.orgs import services

    person = services.create_person("test", name=name, staff_no=staff_no, gender="M")
    user = person.user
    user.set_password(PASSWORD)
    user.must_change_password = must_change
    user.save()
    if org is not None:
        services.appoint("test", person=person, organization=org, role=role, start_date=START)
    return user


def build_college() -> College:
    from shuzhi.orgs import services
    from shuzhi.orgs.models import OrgKind, PositionRole

    org = services.create_organization
    committee = org("test", name="学校党委", kind=OrgKind.COMMITTEE, parent=None)
    gb_a = org("test", name="甲学院党总支", kind=OrgKind.GENERAL_BRANCH, parent=committee)
    gb_b = org("test", name="乙学院党总支", kind=OrgKind.GENERAL_BRANCH, parent=committee)
    a1 = org("test", name="甲学院教工党支部", kind=OrgKind.BRANCH, parent=gb_a)
    a2 = org("test", name="甲学院学生党支部", kind=OrgKind.BRANCH, parent=gb_a)
    b1 = org("test", name="乙学院教工党支部", kind=OrgKind.BRANCH, parent=gb_b)
    direct = org("test", name="机关直属党支部", kind=OrgKind.DIRECT_BRANCH, parent=committee)
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("outsider", password=PASSWORD)
    return College(
        committee=committee,
        gb_a=gb_a,
        gb_b=gb_b,
        branch_a1=a1,
        branch_a2=a2,
        branch_b1=b1,
        direct=direct,
        org_dept=make_user("90001", "组织部甲", committee, PositionRole.ORG_DEPT_STAFF),
        committee_member=make_user("90002", "委员乙", committee, PositionRole.MEMBER),
        gb_a_secretary=make_user("90003", "总支书记甲", gb_a, PositionRole.SECRETARY),
        gb_b_secretary=make_user("90004", "总支书记乙", gb_b, PositionRole.SECRETARY),
        branch_a1_secretary=make_user("90005", "支书甲一", a1, PositionRole.SECRETARY),
        branch_b1_secretary=make_user("90006", "支书乙一", b1, PositionRole.SECRETARY),
        direct_secretary=make_user("90007", "直属支书", direct, PositionRole.SECRETARY),
        outsider=outsider,
    )


@pytest.fixture
def college(db) -> College:
    return build_college()


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as user."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- Browser tests ----------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import expect, sync_playwright

    # Waits, not speed checks: with two test workers, LibreOffice and this browser on two cores a page
    # can take longer than Playwright's default 5 s to show what a test expects.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page_for(browser, live_server):
    """page_for(user, viewport=PHONE) -> a logged-in Playwright page at the live server's home."""
    contexts = []

    def open_page(user, viewport=PHONE):
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        return page

    yield open_page
    for context in contexts:
        context.close()


# --- The yearly cycle ---------------------------------------------------------------------------


@pytest.fixture
def cycle(college):
    """The 2026 cycle opened by the org dept, with two of last year's problems for 甲学院教工党支部."""
    from shuzhi.cycles import services as cycle_services
    from shuzhi.cycles.models import PriorProblemKind

    result = cycle_services.open_cycle(
        college.org_dept,
        year=2026,
        title="2026年度基层党组织书记抓党建工作述职评议考核",
        key_items=["深化党的创新理论武装", "党支部标准化规范化建设"],
    )
    for kind, text in [
        (PriorProblemKind.NOTIFIED, "组织生活会质量不高，批评与自我批评辣味不足"),
        (PriorProblemKind.SELF_FOUND, "发展党员工作中对青年教师关注不够"),
    ]:
        cycle_services.add_prior_problem(
            college.org_dept, organization=college.branch_a1, year=2025, kind=kind, text=text
        )
    return result.cycle


def review_of(cycle, org):
    return cycle.reviews.get(organization=org)


# --- Review meetings and the vote ---------------------------------------------------------------


@pytest.fixture
def meeting(college, cycle):
    """The committee's review meeting with 甲学院党总支, 乙学院党总支 and 机关直属党支部 on the agenda."""
    from django.utils import timezone

    from shuzhi.meetings import services as meeting_services

    agenda = [(review_of(cycle, org), "on_site") for org in (college.gb_a, college.gb_b, college.direct)]
    return meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.committee,
        title="2026年度述职评议会（党委扩大会议）",
        starts_at=timezone.now(),
        place="行政楼第一会议室",
        expected_attendees=60,
        agenda=agenda,
    )


@pytest.fixture
def survey(college, meeting):
    """The meeting's survey, open, with 10 phone codes issued (plain codes on survey.test_codes)."""
    from shuzhi.voting import services as voting_services

    survey = voting_services.create_survey(college.org_dept, meeting)
    codes = voting_services.issue_codes(college.org_dept, survey, 10)
    voting_services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    survey.test_codes = codes
    return survey


@pytest.fixture
def attachment_root(tmp_path, settings):
    """The test's own folder for the "attachments" storage (evidence files), instead of the suite's shared
    one; the apps whose tests look at the stored files use it for every test (their conftest)."""
    root = tmp_path / "attachment-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
        },
    }
    return root
