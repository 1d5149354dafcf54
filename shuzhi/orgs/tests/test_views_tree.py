"""The organisation pages: the tree, detail, create, rename, move, deactivate; and their scoping."""

from shuzhi.audit.models import AuditEvent
from shuzhi.orgs.models import Organization


def test_tree_shows_the_whole_tree_to_the_org_dept(college, client_for):
    html = client_for(college.org_dept).get("/orgs/").content.decode()
    for name in ("学校党委", "甲学院党总支", "乙学院教工党支部", "机关直属党支部"):
        assert name in html


def test_tree_shows_a_general_branch_only_its_own_part(college, client_for):
    html = client_for(college.gb_a_secretary).get("/orgs/").content.decode()
    assert "甲学院教工党支部" in html and "乙学院" not in html and "机关直属党支部" not in html


def test_tree_query_count_does_not_grow_with_the_tree(college, client_for, django_assert_max_num_queries):
    from shuzhi.orgs import services
    from shuzhi.orgs.models import OrgKind

    client = client_for(college.org_dept)
    client.get("/orgs/")
    for i in range(30):
        services.create_organization(college.org_dept, name=f"新党支部{i}", kind=OrgKind.BRANCH, parent=college.gb_b)
    with django_assert_max_num_queries(12):
        client.get("/orgs/")


def test_org_dept_creates_a_branch(college, client_for):
    response = client_for(college.org_dept).post(
        "/orgs/new/", {"name": "甲学院教工第三党支部", "kind": "branch", "parent": college.gb_a.pk, "sort_order": 3}
    )
    org = Organization.objects.get(name="甲学院教工第三党支部")
    assert response.status_code == 302 and org.parent == college.gb_a


def test_bad_create_keeps_what_was_typed_and_explains_in_chinese(college, client_for):
    response = client_for(college.org_dept).post(
        "/orgs/new/", {"name": "错误位置的党支部<script>", "kind": "branch", "parent": college.committee.pk}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "错误位置的党支部&lt;script&gt;" in html
    assert "<script>" not in html.split("</head>")[1].replace("<script src", "")
    assert "党支部" in html and "党总支" in html
    assert not Organization.objects.filter(name__startswith="错误位置").exists()


def test_branch_secretary_cannot_create_organisations(college, client_for):
    response = client_for(college.branch_a1_secretary).post(
        "/orgs/new/", {"name": "越权党支部", "kind": "branch", "parent": college.gb_a.pk}
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="越权党支部").exists()


def test_rename_through_the_page(college, client_for):
    client_for(college.org_dept).post(
        f"/orgs/{college.direct.pk}/edit/", {"name": "机关第一直属党支部", "sort_order": 1}
    )
    college.direct.refresh_from_db()
    assert college.direct.name == "机关第一直属党支部"


def test_move_through_the_page_refuses_a_wrong_parent(college, client_for):
    response = client_for(college.org_dept).post(
        f"/orgs/{college.branch_a1.pk}/move/", {"parent": college.committee.pk}
    )
    assert response.status_code == 200  # form shown again with the error: committee is not a valid choice
    college.branch_a1.refresh_from_db()
    assert college.branch_a1.parent == college.gb_a


def test_deactivate_through_the_page(college, client_for):
    response = client_for(college.org_dept).post(f"/orgs/{college.direct.pk}/deactivate/")
    college.direct.refresh_from_db()
    assert response.status_code == 302 and not college.direct.is_active


def test_deactivate_requires_post(college, client_for):
    assert client_for(college.org_dept).get(f"/orgs/{college.direct.pk}/deactivate/").status_code == 405


def test_secretary_cannot_open_another_branch_by_changing_the_id(college, client_for):
    client = client_for(college.branch_a1_secretary)
    assert client.get(f"/orgs/{college.branch_a1.pk}/").status_code == 200
    for org in (college.branch_a2, college.branch_b1, college.gb_b, college.committee):
        assert client.get(f"/orgs/{org.pk}/").status_code == 404


def test_general_branch_cannot_change_another_general_branchs_data(college, client_for):
    client = client_for(college.gb_a_secretary)
    events = AuditEvent.objects.count()
    target = college.branch_b1
    assert client.post(f"/orgs/{target.pk}/edit/", {"name": "篡改"}).status_code == 404
    assert client.post(f"/orgs/{target.pk}/deactivate/").status_code == 404
    assert client.post(f"/orgs/{target.pk}/move/", {"parent": college.gb_a.pk}).status_code == 404
    assert (
        client.post(
            f"/orgs/{target.pk}/positions/new/", {"staff_no": "90003", "role": "member", "start_date": "2025-01-01"}
        ).status_code
        == 404
    )
    # Its own branches are visible but not editable: the org dept manages the tree.
    assert client.post(f"/orgs/{college.branch_a1.pk}/edit/", {"name": "篡改"}).status_code == 403
    target.refresh_from_db()
    assert target.name == "乙学院教工党支部" and target.is_active
    assert AuditEvent.objects.count() == events


def test_tree_lists_general_branches_with_their_branches_before_the_direct_branches(college, client_for):
    from shuzhi.orgs import services
    from shuzhi.orgs.models import OrgKind

    services.create_organization(
        "test", name="丙学院党总支", kind=OrgKind.GENERAL_BRANCH, parent=college.committee, sort_order=5
    )
    html = client_for(college.org_dept).get("/orgs/").content.decode()
    names = [
        "学校党委",
        "乙学院党总支",
        "乙学院教工党支部",
        "甲学院党总支",
        "甲学院学生党支部",
        "甲学院教工党支部",
        "丙学院党总支",
        "机关直属党支部",
    ]
    places = [html.index(f">{name}<") for name in names]
    assert places == sorted(places)
