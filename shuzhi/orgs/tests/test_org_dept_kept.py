"""The org dept is never left without an account, and no org-dept member removes their own rights:
refused in services.keeping_the_org_dept, so on every path (services, pages, API, import)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import START, make_user
from shuzhi.api.tests.helpers import post
from shuzhi.audit.models import AuditEvent
from shuzhi.orgs import importing, rules, services
from shuzhi.orgs.importing import ImportRejected
from shuzhi.orgs.models import Position, PositionRole
from shuzhi.orgs.tests.test_import import PASSWORD, make_xlsx, run

D = datetime.date
LAST = "组织统战部"  # both refusals name the department in Chinese


def today() -> datetime.date:
    return timezone.localdate()


def org_dept_term(user) -> Position:
    return Position.objects.get(person__user=user, role=PositionRole.ORG_DEPT_STAFF)


def second_org_dept(college, **kwargs):
    return make_user("90011", "组织部乙", college.committee, PositionRole.ORG_DEPT_STAFF, **kwargs)


def refusal(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


# --- The rule, pure -------------------------------------------------------------------------------


def test_covered_until_follows_terms_that_touch_or_overlap_and_stops_at_a_gap():
    day = D(2026, 6, 1)
    assert rules.covered_until(day, []) == D(2026, 5, 31)
    assert rules.covered_until(day, [(D(2024, 1, 1), None)]) == D.max
    assert rules.covered_until(day, [(D(2024, 1, 1), D(2026, 12, 31)), (D(2027, 1, 1), None)]) == D.max
    assert rules.covered_until(day, [(D(2024, 1, 1), D(2026, 12, 31)), (D(2027, 1, 2), None)]) == D(2026, 12, 31)
    assert rules.covered_until(day, [(D(2026, 6, 2), None)]) == D(2026, 5, 31)
    assert rules.covered_until(day, [(D(2024, 1, 1), D(2025, 1, 1))]) == D(2026, 5, 31)


dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))
terms = st.lists(
    st.tuples(dates, st.one_of(st.none(), dates)).filter(lambda t: t[1] is None or t[1] >= t[0]), max_size=6
)


@given(dates, terms)
def test_covered_until_matches_the_day_by_day_definition(day, some_terms):
    def covered(d):
        return any(start <= d and (end is None or d <= end) for start, end in some_terms)

    reached = rules.covered_until(day, some_terms)
    if reached == D.max:
        assert all(covered(d) for d in (day, D(2031, 1, 1))) and any(end is None for _s, end in some_terms)
        return
    d = day
    while d <= reached:
        assert covered(d)
        d += datetime.timedelta(days=1)
    assert not covered(reached + datetime.timedelta(days=1))


# --- Services -------------------------------------------------------------------------------------


def test_the_last_org_dept_member_cannot_deactivate_themselves(college):
    error = refusal(lambda: services.deactivate_person(college.org_dept, college.org_dept.person))
    assert error.code == "org_dept_last" and LAST in error.messages[0]
    college.org_dept.refresh_from_db()
    assert college.org_dept.is_active and org_dept_term(college.org_dept).end_date is None


def test_an_org_dept_member_cannot_deactivate_themselves_even_with_a_colleague(college):
    second_org_dept(college)
    error = refusal(lambda: services.deactivate_person(college.org_dept, college.org_dept.person))
    assert error.code == "org_dept_self"
    college.org_dept.person.refresh_from_db()
    assert college.org_dept.person.is_active


def test_an_org_dept_member_cannot_end_or_shorten_their_own_term(college):
    second_org_dept(college)
    term = org_dept_term(college.org_dept)
    assert refusal(lambda: services.end_position(college.org_dept, term, today())).code == "org_dept_self"
    later = today() + datetime.timedelta(days=30)
    assert refusal(lambda: services.end_position(college.org_dept, term, later)).code == "org_dept_self"
    term.refresh_from_db()
    assert term.end_date is None


def test_a_colleague_may_end_a_term_or_deactivate_an_org_dept_member(college):
    colleague = second_org_dept(college)
    services.end_position(colleague, org_dept_term(college.org_dept), today())
    assert org_dept_term(college.org_dept).end_date == today()
    services.deactivate_person(colleague, college.org_dept.person)
    college.org_dept.refresh_from_db()
    assert not college.org_dept.is_active


def test_the_last_org_dept_term_cannot_be_ended_by_a_command_either(college):
    term = org_dept_term(college.org_dept)
    error = refusal(lambda: services.end_position("a command", term, today()))
    assert error.code == "org_dept_last"
    assert refusal(lambda: services.deactivate_person("a command", college.org_dept.person)).code == "org_dept_last"


def test_ending_a_term_that_leaves_a_gap_later_names_the_first_day_without_anyone(college):
    colleague = second_org_dept(college)
    own_end = today() + datetime.timedelta(days=60)
    services.end_position(colleague, org_dept_term(college.org_dept), own_end)
    # The colleague's open term would now end before the first member's: from the day after, nobody.
    error = refusal(lambda: services.end_position(college.org_dept, org_dept_term(colleague), today()))
    assert error.code == "org_dept_last"
    assert str(own_end + datetime.timedelta(days=1)) in error.messages[0]


def test_a_successor_starting_the_next_day_lets_the_term_end(college):
    last_day = today() + datetime.timedelta(days=10)
    successor = make_user("90012", "接任者", None, PositionRole.ORG_DEPT_STAFF).person
    services.appoint(
        "test",
        person=successor,
        organization=college.committee,
        role=PositionRole.ORG_DEPT_STAFF,
        start_date=last_day + datetime.timedelta(days=1),
    )
    services.end_position("test", org_dept_term(college.org_dept), last_day)
    assert org_dept_term(college.org_dept).end_date == last_day
    # Cancelling the successor's appointment would now leave the department empty after last_day.
    future = Position.objects.get(person=successor)
    assert refusal(lambda: services.cancel_position("test", future)).code == "org_dept_last"
    assert Position.objects.filter(pk=future.pk).exists()


def test_a_colleague_whose_account_is_disabled_does_not_count(college):
    colleague = second_org_dept(college)
    get_user_model().objects.filter(pk=colleague.pk).update(is_active=False)
    assert (
        refusal(lambda: services.end_position("test", org_dept_term(college.org_dept), today())).code == "org_dept_last"
    )


def test_an_active_superuser_keeps_the_org_dept_reachable(college):
    get_user_model().objects.create_superuser("root", password="Root-pass-2026")
    services.end_position("test", org_dept_term(college.org_dept), today())
    assert org_dept_term(college.org_dept).end_date == today()


def test_other_people_and_terms_are_not_held_up(college):
    services.deactivate_person(college.org_dept, college.branch_b1_secretary.person)
    position = Position.objects.get(person=college.gb_a_secretary.person)
    services.end_position(college.org_dept, position, today())
    position.refresh_from_db()
    assert position.end_date == today()


@pytest.mark.django_db(transaction=True)
def test_two_members_ending_each_others_terms_at_once_leave_one(college):
    colleague = second_org_dept(college)
    pairs = [(college.org_dept, org_dept_term(colleague)), (colleague, org_dept_term(college.org_dept))]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def worker(i: int) -> None:
        actor, term = pairs[i]
        barrier.wait()
        try:
            results[i] = services.end_position(actor, term, today())
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and refused[0].code in services.ORG_DEPT_REFUSALS, results
    assert Position.objects.current().filter(role=PositionRole.ORG_DEPT_STAFF, end_date__isnull=True).count() == 1


# --- Pages ----------------------------------------------------------------------------------------


def test_the_people_page_refuses_deactivating_oneself_with_a_message(college, client_for):
    client = client_for(college.org_dept)
    person = college.org_dept.person
    response = client.post(f"/orgs/people/{person.pk}/deactivate/", follow=True)
    assert response.status_code == 200 and LAST in response.content.decode()
    person.refresh_from_db()
    assert person.is_active
    assert client.get("/orgs/people/").status_code == 200  # still signed in


def test_the_end_term_page_refuses_ending_the_last_org_dept_term(college, client_for):
    term = org_dept_term(college.org_dept)
    response = client_for(college.org_dept).post(f"/orgs/positions/{term.pk}/end/", {"end_date": str(today())})
    assert response.status_code == 200 and LAST in response.content.decode()
    term.refresh_from_db()
    assert term.end_date is None


# --- API ------------------------------------------------------------------------------------------


def test_the_api_refuses_deactivating_oneself_and_the_session_goes_on(college, client_for):
    client = client_for(college.org_dept)
    events = AuditEvent.objects.count()
    response = post(client, f"/api/people/{college.org_dept.person.pk}/deactivate")
    assert response.status_code == 422 and LAST in response.json()["detail"][0]["message"]
    assert AuditEvent.objects.count() == events
    assert client.get("/api/me").status_code == 200


def test_the_api_refuses_ending_ones_own_org_dept_term(college, client_for):
    second_org_dept(college)
    term = org_dept_term(college.org_dept)
    response = post(client_for(college.org_dept), f"/api/positions/{term.pk}/end", {"end_date": str(today())})
    assert response.status_code == 422 and LAST in response.json()["detail"][0]["message"]
    term.refresh_from_db()
    assert term.end_date is None


# --- Import ---------------------------------------------------------------------------------------


def ending_row(user, end: datetime.date) -> tuple:
    return (user.username, "学校党委", "组织统战部工作人员", START, end)


@pytest.mark.parametrize("bulk", [False, True], ids=["services", "bulk"])
def test_an_import_cannot_end_the_last_org_dept_term(college, monkeypatch, bulk):
    monkeypatch.setattr(importing.applying, "BULK_THRESHOLD", 0 if bulk else 10_000)
    colleague = second_org_dept(college)
    file = make_xlsx(
        positions=[
            ("90005", "甲学院教工党支部", "书记", START, None),
            ending_row(college.org_dept, today()),
            ending_row(colleague, today()),
        ]
    )
    with pytest.raises(ImportRejected) as rejected:
        run("an import command", file)
    [problem] = rejected.value.problems
    assert problem.sheet == importing.SHEET_POSITIONS and problem.row in (3, 4) and LAST in problem.message
    assert org_dept_term(college.org_dept).end_date is None and org_dept_term(colleague).end_date is None


@pytest.mark.parametrize("bulk", [False, True], ids=["services", "bulk"])
def test_an_import_cannot_end_the_importers_own_org_dept_term(college, monkeypatch, bulk):
    monkeypatch.setattr(importing.applying, "BULK_THRESHOLD", 0 if bulk else 10_000)
    second_org_dept(college)
    file = make_xlsx(positions=[ending_row(college.org_dept, today())])
    with pytest.raises(ImportRejected) as rejected:
        run(college.org_dept, file)
    [problem] = rejected.value.problems
    assert (problem.sheet, problem.row, problem.column) == (importing.SHEET_POSITIONS, 2, importing.COL_END)
    assert org_dept_term(college.org_dept).end_date is None


def test_an_import_may_end_a_colleagues_term(college):
    colleague = second_org_dept(college)
    summary = run(college.org_dept, make_xlsx(positions=[ending_row(colleague, today())]))
    assert summary.positions_ended == 1 and org_dept_term(colleague).end_date == today()


def test_the_import_page_shows_the_refusal(college, client_for):
    second_org_dept(college)
    file = make_xlsx(positions=[ending_row(college.org_dept, today())])
    response = client_for(college.org_dept).post("/orgs/import/", {"file": file, "initial_password": PASSWORD})
    assert LAST in response.content.decode()
    assert org_dept_term(college.org_dept).end_date is None
