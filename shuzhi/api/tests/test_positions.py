"""Positions through /api/positions: appointing, ending terms, scoping and the 书记 rule."""

import datetime

from shuzhi.api.tests.helpers import fields_of, post, query_count, row_counts
from shuzhi.audit.models import AuditAction, AuditEvent
from shuzhi.orgs import services
from shuzhi.orgs.models import OrgKind, Position, PositionRole

START = datetime.date(2024, 1, 1)


def _new_person(staff_no="80001", name="新委员"):
    return services.create_person("test", name=name, staff_no=staff_no)


def _secretary_position(org):
    return Position.objects.get(organization=org, role=PositionRole.SECRETARY)


# --- Appointing -----------------------------------------------------------------------------------


def test_org_dept_appoints_a_person_and_it_is_audited(college, client_for):
    person = _new_person()
    response = post(
        client_for(college.org_dept),
        "/api/positions",
        {
            "person_id": person.pk,
            "organization_id": college.branch_a2.pk,
            "role": "secretary",
            "start_date": "2025-09-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person_name"], body["organization_name"], body["role_label"]) == (
        "新委员",
        "甲学院学生党支部",
        "书记",
    )
    assert body["start_date"] == "2025-09-01" and body["end_date"] is None
    event = AuditEvent.objects.get(object_type="orgs.position", object_id=str(body["id"]))
    assert event.action == AuditAction.CREATE and event.organization_id == college.branch_a2.pk
    assert event.actor == college.org_dept and event.ip == "127.0.0.1"


def test_the_same_appointment_posted_twice_is_one_position(college, client_for):
    person = _new_person()
    client = client_for(college.org_dept)
    data = {
        "person_id": person.pk,
        "organization_id": college.branch_a2.pk,
        "role": "member",
        "start_date": "2025-09-01",
        "end_date": "2027-08-31",
    }
    first, second = post(client, "/api/positions", data), post(client, "/api/positions", data)
    assert first.status_code == second.status_code == 201 and first.json()["id"] == second.json()["id"]
    assert Position.objects.filter(person=person).count() == 1
    assert AuditEvent.objects.filter(object_type="orgs.position", object_id=str(first.json()["id"])).count() == 1


def test_a_second_open_secretary_is_refused(college, client_for):
    person = _new_person()
    before = row_counts()
    response = post(
        client_for(college.org_dept),
        "/api/positions",
        {
            "person_id": person.pk,
            "organization_id": college.branch_a1.pk,
            "role": "secretary",
            "start_date": "2025-09-01",
        },
    )
    assert fields_of(response) == ["role"]
    assert "支书甲一" in response.json()["detail"][0]["message"]
    assert row_counts() == before


def test_a_new_secretary_can_start_after_the_old_term_ends(college, client_for):
    client = client_for(college.org_dept)
    old = _secretary_position(college.branch_a1)
    assert post(client, f"/api/positions/{old.pk}/end", {"end_date": "2025-08-31"}).status_code == 200
    response = post(
        client,
        "/api/positions",
        {
            "person_id": _new_person().pk,
            "organization_id": college.branch_a1.pk,
            "role": "secretary",
            "start_date": "2025-09-01",
        },
    )
    assert response.status_code == 201


def test_end_date_before_start_date_is_refused(college, client_for):
    response = post(
        client_for(college.org_dept),
        "/api/positions",
        {
            "person_id": _new_person().pk,
            "organization_id": college.branch_a2.pk,
            "role": "member",
            "start_date": "2025-09-01",
            "end_date": "2025-01-01",
        },
    )
    assert fields_of(response) == ["end_date"]


def test_appointing_a_deactivated_person_is_refused_on_person_id(college, client_for):
    person = _new_person()
    services.deactivate_person("test", person)
    response = post(
        client_for(college.org_dept),
        "/api/positions",
        {"person_id": person.pk, "organization_id": college.branch_a2.pk, "role": "member", "start_date": "2025-09-01"},
    )
    assert fields_of(response) == ["person_id"]


def test_org_dept_staff_only_belong_to_the_committee(college, client_for):
    response = post(
        client_for(college.org_dept),
        "/api/positions",
        {
            "person_id": _new_person().pk,
            "organization_id": college.gb_a.pk,
            "role": "org_dept_staff",
            "start_date": "2025-09-01",
        },
    )
    assert fields_of(response) == ["role"]


def test_unknown_role_is_a_422(college, client_for):
    response = post(
        client_for(college.org_dept),
        "/api/positions",
        {"person_id": _new_person().pk, "organization_id": college.gb_a.pk, "role": "king", "start_date": "2025-09-01"},
    )
    assert fields_of(response) == ["role"]


# --- Ending terms ---------------------------------------------------------------------------------


def test_org_dept_ends_a_term_and_ending_it_again_changes_nothing(college, client_for):
    client = client_for(college.org_dept)
    position = _secretary_position(college.branch_b1)
    first = post(client, f"/api/positions/{position.pk}/end", {"end_date": "2025-06-30"})
    assert first.status_code == 200 and first.json()["end_date"] == "2025-06-30"
    assert first.json()["is_current"] is False
    events = AuditEvent.objects.count()
    assert post(client, f"/api/positions/{position.pk}/end", {"end_date": "2025-06-30"}).status_code == 200
    assert AuditEvent.objects.count() == events
    assert (
        AuditEvent.objects.filter(
            object_type="orgs.position", object_id=str(position.pk), action=AuditAction.UPDATE
        ).count()
        == 1
    )


def test_ending_a_term_before_it_started_is_refused(college, client_for):
    position = _secretary_position(college.branch_b1)
    response = post(client_for(college.org_dept), f"/api/positions/{position.pk}/end", {"end_date": "2023-12-31"})
    assert fields_of(response) == ["end_date"]


# --- Scoping and refusals -------------------------------------------------------------------------


def test_general_branch_secretary_appointing_outside_its_scope_gets_404(college, client_for):
    client = client_for(college.gb_a_secretary)
    before = row_counts()
    mine, theirs = college.branch_a1_secretary.person, college.branch_b1_secretary.person
    attempts = {
        "their organisation": {"person_id": mine.pk, "organization_id": college.branch_b1.pk},
        "the committee": {"person_id": mine.pk, "organization_id": college.committee.pk},
        "their person, my organisation": {"person_id": theirs.pk, "organization_id": college.branch_a2.pk},
    }
    statuses = {
        name: post(client, "/api/positions", {**ids, "role": "member", "start_date": "2025-09-01"}).status_code
        for name, ids in attempts.items()
    }
    # A visible organisation is still not theirs to change (403); the others reveal nothing (404).
    assert statuses == {"their organisation": 404, "the committee": 404, "their person, my organisation": 403}
    assert row_counts() == before


def test_committee_member_cannot_appoint_or_end_terms(college, client_for):
    client = client_for(college.committee_member)
    person, position = _new_person(), _secretary_position(college.branch_b1)
    before = row_counts()
    assert (
        post(
            client,
            "/api/positions",
            {
                "person_id": person.pk,
                "organization_id": college.branch_a2.pk,
                "role": "member",
                "start_date": "2025-09-01",
            },
        ).status_code
        == 403
    )
    assert post(client, f"/api/positions/{position.pk}/end", {"end_date": "2025-06-30"}).status_code == 403
    position.refresh_from_db()
    assert position.end_date is None and row_counts() == before


def test_ending_a_term_outside_the_scope_is_404_and_inside_it_403(college, client_for):
    client = client_for(college.gb_a_secretary)
    before = row_counts()
    theirs, mine = _secretary_position(college.branch_b1), _secretary_position(college.branch_a1)
    assert post(client, f"/api/positions/{theirs.pk}/end", {"end_date": "2025-06-30"}).status_code == 404
    assert post(client, f"/api/positions/{mine.pk}/end", {"end_date": "2025-06-30"}).status_code == 403
    assert Position.objects.filter(pk__in=[theirs.pk, mine.pk], end_date__isnull=True).count() == 2
    assert row_counts() == before


# --- Listing --------------------------------------------------------------------------------------


def test_positions_filter_by_organisation_person_and_current(college, client_for):
    client = client_for(college.org_dept)
    person = college.branch_a1_secretary.person
    services.appoint(
        "test",
        person=person,
        organization=college.gb_a,
        role=PositionRole.MEMBER,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 12, 31),
    )

    def listed(**params):
        return [(p["organization_name"], p["role"]) for p in client.get("/api/positions", params).json()["items"]]

    assert listed(organization_id=college.gb_a.pk) == [("甲学院党总支", "member"), ("甲学院党总支", "secretary")]
    assert set(listed(person_id=person.pk)) == {("甲学院教工党支部", "secretary"), ("甲学院党总支", "member")}
    assert listed(person_id=person.pk, current="true") == [("甲学院教工党支部", "secretary")]
    assert listed(person_id=person.pk, current="false") == [("甲学院党总支", "member")]


def test_branch_secretary_lists_only_positions_of_its_branch(college, client_for):
    client = client_for(college.branch_a1_secretary)
    body = client.get("/api/positions").json()
    assert body["count"] == 1 and body["items"][0]["organization_name"] == "甲学院教工党支部"
    assert client.get("/api/positions", {"organization_id": college.branch_b1.pk}).status_code == 404
    assert client.get("/api/positions", {"person_id": college.branch_b1_secretary.person.pk}).status_code == 404


def test_positions_of_a_visible_person_elsewhere_stay_hidden(college, client_for):
    person = college.branch_a1_secretary.person
    services.appoint("test", person=person, organization=college.direct, role=PositionRole.MEMBER, start_date=START)
    body = client_for(college.gb_a_secretary).get("/api/positions", {"person_id": person.pk}).json()
    assert [p["organization_name"] for p in body["items"]] == ["甲学院教工党支部"]


def test_positions_list_query_count_does_not_grow(college, client_for):
    client = client_for(college.org_dept)

    def add(first, stop):
        for i in range(first, stop):
            org = services.create_organization("test", name=f"测试党支部{i}", kind=OrgKind.BRANCH, parent=college.gb_b)
            person = _new_person(f"7{i:04d}", f"书记{i}")
            services.appoint("test", person=person, organization=org, role=PositionRole.SECRETARY, start_date=START)

    add(0, 5)
    with_five = query_count(client, "/api/positions", limit=200)
    add(5, 50)
    assert query_count(client, "/api/positions", limit=200) == with_five
