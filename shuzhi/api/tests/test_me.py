"""GET /api/me: the signed-in user's roles and scope."""

import pytest


@pytest.mark.parametrize(
    "who, roles, can_manage, count",
    [
        ("org_dept", ["org_dept"], True, 7),
        ("committee_member", ["committee"], False, 7),
        ("gb_a_secretary", ["general_branch"], False, 3),
        ("branch_a1_secretary", ["branch"], False, 1),
        ("direct_secretary", ["branch"], False, 1),
        ("outsider", [], False, 0),
    ],
)
def test_me_reports_roles_and_how_many_organisations_are_visible(college, client_for, who, roles, can_manage, count):
    user = getattr(college, who)
    body = client_for(user).get("/api/me").json()
    assert body == {
        "username": user.username,
        "name": user.display_name,
        "roles": roles,
        "can_manage": can_manage,
        "visible_organization_count": count,
    }


def test_me_gives_the_person_s_name(college, client_for):
    assert client_for(college.gb_a_secretary).get("/api/me").json()["name"] == "总支书记甲"


def test_account_that_must_change_its_password_is_refused(college, client_for):
    user = college.gb_a_secretary
    user.must_change_password = True
    user.save()
    client = client_for(user)
    assert client.get("/api/me").status_code == 403
    assert client.get("/api/organizations").status_code == 403
