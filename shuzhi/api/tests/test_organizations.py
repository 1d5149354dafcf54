"""The organisation tree through /api/organizations: reading, scoping and the tree rules."""

import datetime

from django.utils import timezone

from shuzhi.api.tests.helpers import fields_of, patch, post, query_count, row_counts
from shuzhi.audit.models import AuditAction, AuditEvent
from shuzhi.orgs import services
from shuzhi.orgs.models import Organization, OrgKind, Position, PositionRole

# --- Reading ------------------------------------------------------------------------------------


def test_org_dept_lists_every_organisation_with_its_secretary(college, client_for):
    rows = {row["id"]: row for row in client_for(college.org_dept).get("/api/organizations").json()}
    assert len(rows) == 7
    gb_a = rows[college.gb_a.pk]
    assert gb_a == {
        "id": college.gb_a.pk,
        "name": "甲学院党总支",
        "kind": "general_branch",
        "kind_label": "党总支",
        "parent_id": college.committee.pk,
        "is_active": True,
        "sort_order": 0,
        "secretary": {"person_id": college.gb_a_secretary.person.pk, "name": "总支书记甲"},
    }
    assert rows[college.committee.pk]["secretary"] is None


def test_list_shows_no_secretary_whose_term_has_ended(college, client_for):
    position = Position.objects.get(organization=college.branch_a1, role=PositionRole.SECRETARY)
    services.end_position("test", position, datetime.date(2024, 6, 30))
    rows = {row["id"]: row for row in client_for(college.org_dept).get("/api/organizations").json()}
    assert rows[college.branch_a1.pk]["secretary"] is None


def test_organisations_filter_by_kind_parent_and_active(college, client_for):
    services.deactivate_organization("test", college.branch_a2)
    client = client_for(college.org_dept)

    def ids(**params):
        return {row["id"] for row in client.get("/api/organizations", params).json()}

    assert ids(kind="general_branch") == {college.gb_a.pk, college.gb_b.pk}
    assert ids(parent_id=college.gb_a.pk) == {college.branch_a1.pk, college.branch_a2.pk}
    assert ids(parent_id=college.gb_a.pk, active="true") == {college.branch_a1.pk}
    assert ids(active="false") == {college.branch_a2.pk}


def test_unknown_kind_filter_is_a_422_on_the_kind_field(college, client_for):
    response = client_for(college.org_dept).get("/api/organizations", {"kind": "party"})
    assert fields_of(response) == ["kind"]


def test_organisation_detail_has_children_and_current_positions_only(college, client_for):
    person = services.create_person("test", name="前任委员", staff_no="80001")
    services.appoint(
        "test",
        person=person,
        organization=college.gb_a,
        role=PositionRole.MEMBER,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    body = client_for(college.committee_member).get(f"/api/organizations/{college.gb_a.pk}").json()
    assert sorted(body["children_ids"]) == sorted([college.branch_a1.pk, college.branch_a2.pk])
    assert [(p["person_name"], p["role"], p["role_label"], p["is_current"]) for p in body["positions"]] == [
        ("总支书记甲", "secretary", "书记", True)
    ]
    assert body["secretary"]["name"] == "总支书记甲"


def test_missing_organisation_is_404(college, client_for):
    response = client_for(college.org_dept).get("/api/organizations/999999")
    assert response.status_code == 404 and "detail" in response.json()


def test_organisation_list_query_count_does_not_grow_with_the_tree(college, client_for, django_assert_max_num_queries):
    def add_branches(start, stop):
        for i in range(start, stop):
            org = services.create_organization("test", name=f"测试党支部{i}", kind=OrgKind.BRANCH, parent=college.gb_b)
            person = services.create_person("test", name=f"书记{i}", staff_no=f"7{i:04d}")
            services.appoint(
                "test",
                person=person,
                organization=org,
                role=PositionRole.SECRETARY,
                start_date=datetime.date(2024, 1, 1),
            )

    client = client_for(college.org_dept)
    add_branches(0, 5)
    with_five = query_count(client, "/api/organizations")
    add_branches(5, 50)
    with django_assert_max_num_queries(with_five):
        rows = client.get("/api/organizations").json()
    assert len(rows) == 57 and all(row["secretary"] for row in rows if row["name"].startswith("测试"))
    assert query_count(client, "/api/organizations") == with_five


# --- Changing: the organisation department --------------------------------------------------------


def test_org_dept_creates_a_branch_and_it_is_audited(college, client_for):
    response = post(
        client_for(college.org_dept),
        "/api/organizations",
        {"name": "甲学院研究生党支部", "kind": "branch", "parent_id": college.gb_a.pk, "sort_order": 3},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    org = Organization.objects.get(name="甲学院研究生党支部")
    assert body["id"] == org.pk and org.parent == college.gb_a and org.sort_order == 3
    event = AuditEvent.objects.get(object_type="orgs.organization", object_id=str(org.pk))
    assert event.action == AuditAction.CREATE and event.actor == college.org_dept and event.ip == "127.0.0.1"


def test_creating_the_same_organisation_twice_creates_it_once(college, client_for):
    client = client_for(college.org_dept)
    data = {"name": "乙学院学生党支部", "kind": "branch", "parent_id": college.gb_b.pk}
    first, second = post(client, "/api/organizations", data), post(client, "/api/organizations", data)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Organization.objects.filter(name="乙学院学生党支部").count() == 1
    assert AuditEvent.objects.filter(object_type="orgs.organization", object_id=str(first.json()["id"])).count() == 1


def test_branch_directly_under_the_committee_is_refused(college, client_for):
    before = row_counts()
    response = post(
        client_for(college.org_dept),
        "/api/organizations",
        {"name": "错挂党支部", "kind": "branch", "parent_id": college.committee.pk},
    )
    assert fields_of(response) == ["parent_id"]
    assert "党总支" in response.json()["detail"][0]["message"]
    assert row_counts() == before


def test_second_committee_is_refused(college, client_for):
    response = post(client_for(college.org_dept), "/api/organizations", {"name": "另一个党委", "kind": "committee"})
    assert fields_of(response) == ["kind"]


def test_duplicate_name_is_refused_on_the_name_field(college, client_for):
    response = post(
        client_for(college.org_dept),
        "/api/organizations",
        {"name": "乙学院教工党支部", "kind": "branch", "parent_id": college.gb_a.pk},
    )
    assert fields_of(response) == ["name"]
    assert "乙学院教工党支部" in response.json()["detail"][0]["message"]


def test_org_dept_renames_and_reorders(college, client_for):
    response = patch(
        client_for(college.org_dept),
        f"/api/organizations/{college.branch_a1.pk}",
        {"name": "甲学院第一教工党支部", "sort_order": 2},
    )
    assert response.status_code == 200, response.content
    college.branch_a1.refresh_from_db()
    assert (college.branch_a1.name, college.branch_a1.sort_order) == ("甲学院第一教工党支部", 2)
    assert response.json()["name"] == "甲学院第一教工党支部"
    event = AuditEvent.objects.filter(object_type="orgs.organization", object_id=str(college.branch_a1.pk)).first()
    assert event.action == AuditAction.UPDATE and event.after["name"] == "甲学院第一教工党支部"


def test_empty_name_is_refused(college, client_for):
    response = patch(client_for(college.org_dept), f"/api/organizations/{college.branch_a1.pk}", {"name": "  "})
    assert fields_of(response) == ["name"]


def test_org_dept_moves_a_branch_to_another_general_branch(college, client_for):
    response = patch(
        client_for(college.org_dept), f"/api/organizations/{college.branch_a2.pk}", {"parent_id": college.gb_b.pk}
    )
    assert response.status_code == 200 and response.json()["parent_id"] == college.gb_b.pk
    college.branch_a2.refresh_from_db()
    assert college.branch_a2.parent == college.gb_b
    event = AuditEvent.objects.filter(object_type="orgs.organization", object_id=str(college.branch_a2.pk)).first()
    assert event.action == AuditAction.UPDATE and event.after["parent"] == "乙学院党总支"


def test_moving_an_organisation_under_its_own_branch_is_refused(college, client_for):
    before = row_counts()
    response = patch(
        client_for(college.org_dept), f"/api/organizations/{college.gb_a.pk}", {"parent_id": college.branch_a1.pk}
    )
    assert fields_of(response) == ["parent_id"]
    college.gb_a.refresh_from_db()
    assert college.gb_a.parent == college.committee and row_counts() == before


def test_moving_a_branch_under_the_committee_is_refused(college, client_for):
    response = patch(
        client_for(college.org_dept), f"/api/organizations/{college.branch_a1.pk}", {"parent_id": college.committee.pk}
    )
    assert fields_of(response) == ["parent_id"]


def test_removing_the_parent_of_a_branch_is_refused(college, client_for):
    response = patch(client_for(college.org_dept), f"/api/organizations/{college.branch_a1.pk}", {"parent_id": None})
    assert fields_of(response) == ["parent_id"]
    college.branch_a1.refresh_from_db()
    assert college.branch_a1.parent == college.gb_a


def test_a_refused_move_also_undoes_the_rename_sent_with_it(college, client_for):
    before = row_counts()
    response = patch(
        client_for(college.org_dept),
        f"/api/organizations/{college.branch_a1.pk}",
        {"name": "新名字党支部", "parent_id": college.direct.pk},
    )
    assert response.status_code == 422
    college.branch_a1.refresh_from_db()
    assert college.branch_a1.name == "甲学院教工党支部" and row_counts() == before


def test_org_dept_deactivates_and_reactivates_a_branch(college, client_for):
    client = client_for(college.org_dept)
    response = post(client, f"/api/organizations/{college.branch_a1.pk}/deactivate")
    assert response.status_code == 200 and response.json()["is_active"] is False
    # Open terms end today (inclusive), so nobody holds a position there from tomorrow.
    assert [p["end_date"] for p in response.json()["positions"]] == [timezone.localdate().isoformat()]
    assert not Position.objects.filter(organization=college.branch_a1, end_date__isnull=True).exists()
    assert AuditEvent.objects.filter(object_id=str(college.branch_a1.pk), action=AuditAction.DEACTIVATE).exists()
    response = post(client, f"/api/organizations/{college.branch_a1.pk}/reactivate")
    assert response.status_code == 200 and response.json()["is_active"] is True


def test_deactivating_a_general_branch_with_active_branches_is_refused(college, client_for):
    before = row_counts()
    response = post(client_for(college.org_dept), f"/api/organizations/{college.gb_a.pk}/deactivate")
    assert fields_of(response) == [None]
    assert "甲学院教工党支部" in response.json()["detail"][0]["message"]
    assert row_counts() == before


# --- Changing: everyone else is refused --------------------------------------------------------------


def _attempt_every_change(client, college, org):
    return [
        post(client, "/api/organizations", {"name": "新党支部", "kind": "branch", "parent_id": org.pk}).status_code,
        patch(client, f"/api/organizations/{org.pk}", {"name": "篡改"}).status_code,
        patch(client, f"/api/organizations/{org.pk}", {"sort_order": 9}).status_code,
        patch(client, f"/api/organizations/{org.pk}", {"parent_id": college.committee.pk}).status_code,
        post(client, f"/api/organizations/{org.pk}/deactivate").status_code,
        post(client, f"/api/organizations/{org.pk}/reactivate").status_code,
    ]


def test_committee_member_reads_everything_but_changes_nothing(college, client_for):
    client = client_for(college.committee_member)
    assert len(client.get("/api/organizations").json()) == 7
    before = row_counts()
    assert _attempt_every_change(client, college, college.branch_b1) == [403] * 6
    assert row_counts() == before
    college.branch_b1.refresh_from_db()
    assert college.branch_b1.name == "乙学院教工党支部" and college.branch_b1.sort_order == 0


def test_general_branch_secretary_cannot_change_its_own_general_branch(college, client_for):
    before = row_counts()
    assert _attempt_every_change(client_for(college.gb_a_secretary), college, college.gb_a) == [403] * 6
    assert row_counts() == before


def test_general_branch_secretary_changing_another_general_branch_gets_404(college, client_for):
    before = row_counts()
    statuses = _attempt_every_change(client_for(college.gb_a_secretary), college, college.gb_b)
    # Creating is refused before any lookup (403); everything aimed at 乙 reveals nothing (404).
    assert statuses == [403, 404, 404, 404, 404, 404]
    assert row_counts() == before


# --- Scoping --------------------------------------------------------------------------------------


def test_general_branch_secretary_sees_its_general_branch_and_branches_only(college, client_for):
    rows = client_for(college.gb_a_secretary).get("/api/organizations").json()
    assert {row["id"] for row in rows} == {college.gb_a.pk, college.branch_a1.pk, college.branch_a2.pk}


def test_general_branch_secretary_cannot_read_the_other_general_branch_by_id(college, client_for):
    client = client_for(college.gb_a_secretary)
    for org in (college.gb_b, college.branch_b1, college.committee, college.direct):
        response = client.get(f"/api/organizations/{org.pk}")
        assert response.status_code == 404
        assert org.name not in response.content.decode()
    assert client.get("/api/organizations", {"parent_id": college.gb_b.pk}).status_code == 404


def test_branch_secretary_sees_only_its_own_branch(college, client_for):
    client = client_for(college.branch_a1_secretary)
    assert [row["id"] for row in client.get("/api/organizations").json()] == [college.branch_a1.pk]
    assert client.get(f"/api/organizations/{college.branch_a1.pk}").status_code == 200


def test_branch_secretary_cannot_read_other_branch_by_id(college, client_for):
    client = client_for(college.branch_a1_secretary)
    for org in (college.branch_a2, college.gb_a, college.branch_b1, college.direct):
        assert client.get(f"/api/organizations/{org.pk}").status_code == 404


def test_direct_branch_secretary_sees_only_its_direct_branch(college, client_for):
    rows = client_for(college.direct_secretary).get("/api/organizations").json()
    assert [row["name"] for row in rows] == ["机关直属党支部"]


def test_account_without_positions_sees_no_organisations(college, client_for):
    client = client_for(college.outsider)
    assert client.get("/api/organizations").json() == []
    assert client.get(f"/api/organizations/{college.committee.pk}").status_code == 404
