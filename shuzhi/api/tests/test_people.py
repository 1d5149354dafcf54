"""People through /api/people: search, pagination, scoping and changes."""

import datetime

from shuzhi.api.tests.helpers import fields_of, patch, post, query_count, row_counts
from shuzhi.audit.models import AuditAction, AuditEvent
from shuzhi.orgs import services
from shuzhi.orgs.models import Person, Position, PositionRole

# --- Reading ------------------------------------------------------------------------------------


def test_people_are_listed_by_staff_number_a_page_at_a_time(college, client_for):
    client = client_for(college.org_dept)
    first = client.get("/api/people", {"limit": 3}).json()
    assert first["count"] == 7 and (first["limit"], first["offset"]) == (3, 0)
    assert [p["staff_no"] for p in first["items"]] == ["90001", "90002", "90003"]
    rest = client.get("/api/people", {"limit": 3, "offset": 6}).json()
    assert [p["staff_no"] for p in rest["items"]] == ["90007"]


def test_a_page_larger_than_200_is_refused(college, client_for):
    client = client_for(college.org_dept)
    assert fields_of(client.get("/api/people", {"limit": 201})) == ["limit"]
    assert client.get("/api/people", {"limit": 200}).status_code == 200
    assert fields_of(client.get("/api/people", {"offset": -1})) == ["offset"]


def test_people_search_matches_name_or_staff_number(college, client_for):
    client = client_for(college.org_dept)

    def names(q):
        return [p["name"] for p in client.get("/api/people", {"q": q}).json()["items"]]

    assert names("支书甲") == ["支书甲一"]
    assert names("90006") == ["支书乙一"]
    assert names("没有这个人") == []


def test_people_active_filter(college, client_for):
    services.deactivate_person("test", college.direct_secretary.person)
    client = client_for(college.org_dept)
    inactive = client.get("/api/people", {"active": "false"}).json()
    assert [p["name"] for p in inactive["items"]] == ["直属支书"]
    assert client.get("/api/people", {"active": "true"}).json()["count"] == 6


def test_person_detail_lists_their_positions(college, client_for):
    person = college.branch_b1_secretary.person
    body = client_for(college.committee_member).get(f"/api/people/{person.pk}").json()
    assert body["staff_no"] == "90006" and body["name"] == "支书乙一"
    assert [(p["organization_name"], p["role"]) for p in body["positions"]] == [("乙学院教工党支部", "secretary")]


def test_people_list_query_count_does_not_grow_with_the_people(college, client_for, django_assert_max_num_queries):
    client = client_for(college.org_dept)
    for i in range(5):
        services.create_person("test", name=f"人员{i}", staff_no=f"6{i:04d}")
    with_five = query_count(client, "/api/people", limit=200)
    for i in range(5, 50):
        services.create_person("test", name=f"人员{i}", staff_no=f"6{i:04d}")
    with django_assert_max_num_queries(with_five):
        assert len(client.get("/api/people", {"limit": 200}).json()["items"]) == 57


def test_general_branch_people_list_query_count_does_not_grow(college, client_for):
    client = client_for(college.gb_a_secretary)
    start = datetime.date(2024, 1, 1)

    def add(start_no, stop_no):
        for i in range(start_no, stop_no):
            person = services.create_person("test", name=f"委员{i}", staff_no=f"5{i:04d}")
            services.appoint(
                "test", person=person, organization=college.branch_a2, role=PositionRole.MEMBER, start_date=start
            )

    add(0, 5)
    with_five = query_count(client, "/api/people")
    add(5, 50)
    assert query_count(client, "/api/people") == with_five


# --- Scoping --------------------------------------------------------------------------------------


def test_general_branch_secretary_lists_people_of_its_organisations_only(college, client_for):
    body = client_for(college.gb_a_secretary).get("/api/people").json()
    assert {p["name"] for p in body["items"]} == {"总支书记甲", "支书甲一"}
    assert body["count"] == 2


def test_general_branch_secretary_cannot_read_people_of_the_other_general_branch(college, client_for):
    client = client_for(college.gb_a_secretary)
    for user in (college.gb_b_secretary, college.branch_b1_secretary, college.direct_secretary, college.org_dept):
        response = client.get(f"/api/people/{user.person.pk}")
        assert response.status_code == 404
        assert user.person.name not in response.content.decode()
    assert client.get("/api/people", {"q": "支书乙一"}).json() == {"count": 0, "limit": 50, "offset": 0, "items": []}


def test_person_detail_hides_positions_in_organisations_out_of_scope(college, client_for):
    person = college.branch_a1_secretary.person
    services.appoint(
        "test",
        person=person,
        organization=college.branch_b1,
        role=PositionRole.ORGANIZER,
        start_date=datetime.date(2024, 3, 1),
    )
    body = client_for(college.gb_a_secretary).get(f"/api/people/{person.pk}").json()
    assert [p["organization_name"] for p in body["positions"]] == ["甲学院教工党支部"]
    body = client_for(college.gb_b_secretary).get(f"/api/people/{person.pk}").json()
    assert [p["organization_name"] for p in body["positions"]] == ["乙学院教工党支部"]


def test_branch_secretary_sees_only_people_of_its_own_branch(college, client_for):
    client = client_for(college.branch_a1_secretary)
    assert [p["name"] for p in client.get("/api/people").json()["items"]] == ["支书甲一"]
    assert client.get(f"/api/people/{college.gb_a_secretary.person.pk}").status_code == 404


# --- Changing -------------------------------------------------------------------------------------


def test_org_dept_adds_a_person_whose_account_must_change_its_password(college, client_for):
    response = post(
        client_for(college.org_dept),
        "/api/people",
        {
            "name": "王五",
            "staff_no": "70001",
            "phone": "13800000000",
            "gender": "M",
            "initial_password": "Start-pass-2026",
        },
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(staff_no="70001")
    assert response.json()["id"] == person.pk and response.json()["positions"] == []
    assert person.user.username == "70001" and person.user.must_change_password
    assert person.user.check_password("Start-pass-2026")
    assert "initial_password" not in response.json() and "Start-pass-2026" not in response.content.decode()
    event = AuditEvent.objects.get(object_type="orgs.person", object_id=str(person.pk))
    assert event.action == AuditAction.CREATE and event.actor == college.org_dept and event.ip == "127.0.0.1"


def test_adding_the_same_person_twice_adds_them_once(college, client_for):
    client = client_for(college.org_dept)
    data = {"name": "赵六", "staff_no": "70002"}
    first, second = post(client, "/api/people", data), post(client, "/api/people", data)
    assert first.status_code == second.status_code == 201 and first.json()["id"] == second.json()["id"]
    assert AuditEvent.objects.filter(object_type="orgs.person", object_id=str(first.json()["id"])).count() == 1


def test_staff_number_of_someone_else_is_refused(college, client_for):
    before = row_counts()
    response = post(client_for(college.org_dept), "/api/people", {"name": "冒名", "staff_no": "90005"})
    assert fields_of(response) == ["staff_no"] and "支书甲一" in response.json()["detail"][0]["message"]
    assert row_counts() == before


def test_weak_initial_password_is_refused_on_its_field(college, client_for):
    response = post(
        client_for(college.org_dept), "/api/people", {"name": "钱七", "staff_no": "70003", "initial_password": "123"}
    )
    assert set(fields_of(response)) == {"initial_password"}
    assert not Person.objects.filter(staff_no="70003").exists()


def test_invalid_person_fields_are_each_reported(college, client_for):
    response = post(client_for(college.org_dept), "/api/people", {"name": "", "staff_no": "工号", "phone": "abc"})
    assert sorted(fields_of(response)) == ["name", "phone", "staff_no"]


def test_org_dept_changes_only_the_fields_sent(college, client_for):
    person = college.branch_b1_secretary.person
    response = patch(client_for(college.org_dept), f"/api/people/{person.pk}", {"phone": "13900000000"})
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.name, person.staff_no, person.phone, person.gender) == ("支书乙一", "90006", "13900000000", "M")
    assert (
        AuditEvent.objects.filter(
            object_type="orgs.person", object_id=str(person.pk), action=AuditAction.UPDATE
        ).count()
        == 1
    )


def test_changing_the_staff_number_changes_the_login_name(college, client_for):
    person = college.branch_b1_secretary.person
    patch(client_for(college.org_dept), f"/api/people/{person.pk}", {"staff_no": "90106"})
    person.user.refresh_from_db()
    assert person.user.username == "90106"


def test_org_dept_deactivates_a_person_which_ends_their_positions_and_disables_the_account(college, client_for):
    client = client_for(college.org_dept)
    person = college.branch_b1_secretary.person
    response = post(client, f"/api/people/{person.pk}/deactivate")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert not Position.objects.filter(person=person, end_date__isnull=True).exists()
    college.branch_b1_secretary.refresh_from_db()
    assert not college.branch_b1_secretary.is_active
    response = post(client, f"/api/people/{person.pk}/reactivate")
    assert response.status_code == 200 and response.json()["is_active"] is True
    actions = set(
        AuditEvent.objects.filter(object_type="orgs.person", object_id=str(person.pk)).values_list("action", flat=True)
    )
    assert {AuditAction.DEACTIVATE, AuditAction.REACTIVATE} <= actions


def _attempt_every_change(client, person):
    return [
        post(client, "/api/people", {"name": "新人", "staff_no": "70009"}).status_code,
        patch(client, f"/api/people/{person.pk}", {"name": "篡改"}).status_code,
        post(client, f"/api/people/{person.pk}/deactivate").status_code,
        post(client, f"/api/people/{person.pk}/reactivate").status_code,
    ]


def test_committee_member_cannot_add_or_change_people(college, client_for):
    before = row_counts()
    assert _attempt_every_change(client_for(college.committee_member), college.branch_b1_secretary.person) == [403] * 4
    assert row_counts() == before


def test_branch_secretary_cannot_change_itself(college, client_for):
    before = row_counts()
    person = college.branch_a1_secretary.person
    assert _attempt_every_change(client_for(college.branch_a1_secretary), person) == [403] * 4
    person.refresh_from_db()
    assert person.name == "支书甲一" and row_counts() == before


def test_branch_secretary_patching_someone_else_gets_404_and_changes_nothing(college, client_for):
    before = row_counts()
    other = college.branch_b1_secretary.person
    assert _attempt_every_change(client_for(college.branch_a1_secretary), other) == [403, 404, 404, 404]
    other.refresh_from_db()
    assert other.name == "支书乙一" and other.is_active and row_counts() == before
