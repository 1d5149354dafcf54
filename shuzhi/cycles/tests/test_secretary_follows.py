"""A change of secretary moves the open Review, whichever way the positions change: the org page, the
API or the Excel import (through the services and in bulk). The move is recorded in the name of the
person who changed the positions."""

import pytest

from conftest import review_of
from shuzhi.api.tests.helpers import post
from shuzhi.audit.models import AuditAction, AuditEvent
from shuzhi.cycles.models import SecretaryChange
from shuzhi.orgs import importing, services
from shuzhi.orgs.models import Person, Position, PositionRole
from shuzhi.orgs.tests.test_import import GOOD_ORGS, make_xlsx, run

OLD_END, NEW_START = "2025-06-30", "2025-07-01"


def _old_term(college) -> Position:
    return Position.objects.get(organization=college.branch_a1, role=PositionRole.SECRETARY, end_date=None)


def _assert_moved(college, cycle, newcomer: Person) -> None:
    review = review_of(cycle, college.branch_a1)
    assert review.secretary == newcomer
    change = SecretaryChange.objects.get(review=review)
    assert (change.old_secretary.staff_no, change.new_secretary) == ("90005", newcomer)
    event = AuditEvent.objects.get(object_type="cycles.review", object_id=str(review.pk), action=AuditAction.UPDATE)
    assert event.actor == college.org_dept and event.before == {"secretary": str(change.old_secretary)}


def test_a_secretary_change_on_the_org_pages_moves_the_open_review(college, cycle, client_for):
    client = client_for(college.org_dept)
    newcomer = services.create_person(college.org_dept, name="新任支书", staff_no="81001")
    response = client.post(f"/orgs/positions/{_old_term(college).pk}/end/", {"end_date": OLD_END})
    assert response.status_code == 302
    assert review_of(cycle, college.branch_a1).secretary.staff_no == "90005"  # nobody to follow yet
    response = client.post(
        f"/orgs/{college.branch_a1.pk}/positions/new/",
        {"staff_no": "81001", "role": "secretary", "start_date": NEW_START},
    )
    assert response.status_code == 302
    _assert_moved(college, cycle, newcomer)


def test_a_secretary_change_through_the_api_moves_the_open_review(college, cycle, client_for):
    client = client_for(college.org_dept)
    newcomer = services.create_person(college.org_dept, name="新任支书", staff_no="81001")
    assert post(client, f"/api/positions/{_old_term(college).pk}/end", {"end_date": OLD_END}).status_code == 200
    response = post(
        client,
        "/api/positions",
        {
            "person_id": newcomer.pk,
            "organization_id": college.branch_a1.pk,
            "role": "secretary",
            "start_date": NEW_START,
        },
    )
    assert response.status_code == 201, response.content
    _assert_moved(college, cycle, newcomer)


@pytest.mark.parametrize("bulk", [False, True], ids=["services", "bulk"])
def test_a_secretary_change_by_import_moves_the_open_review(college, cycle, monkeypatch, bulk):
    monkeypatch.setattr(importing.applying, "BULK_THRESHOLD", 0 if bulk else 10_000)
    people = [("新任支书", "81001", None, None, "是")]
    positions = [
        ("90005", "甲学院教工党支部", "书记", "2024-01-01", OLD_END),
        ("81001", "甲学院教工党支部", "书记", NEW_START, None),
    ]
    summary = run(college.org_dept, make_xlsx(GOOD_ORGS, people, positions))
    assert summary.positions_ended == 1 and summary.positions_created == 1
    _assert_moved(college, cycle, Person.objects.get(staff_no="81001"))


def test_a_change_of_another_position_leaves_the_review_alone(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    response = client_for(college.org_dept).post(
        f"/orgs/{college.branch_a1.pk}/positions/new/", {"staff_no": "90002", "role": "member", "start_date": NEW_START}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.secretary.staff_no == "90005" and not SecretaryChange.objects.exists()
