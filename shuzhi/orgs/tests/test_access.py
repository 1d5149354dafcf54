"""Who sees which organisations, decided in shuzhi.orgs.access."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shuzhi.orgs import access, services
from shuzhi.orgs.access import Role


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_org_dept_sees_and_manages_everything(college):
    scope = access.scope_for(college.org_dept)
    assert Role.ORG_DEPT in scope.roles and scope.can_manage
    assert names(access.visible_organizations(college.org_dept)) >= {"学校党委", "甲学院党总支", "乙学院教工党支部"}


def test_committee_member_sees_everything_but_manages_nothing(college):
    scope = access.scope_for(college.committee_member)
    assert scope.roles == {Role.COMMITTEE}
    assert scope.sees_all and not scope.can_manage
    with pytest.raises(PermissionDenied):
        access.access_organization(college.committee_member, college.gb_a.pk, manage=True)


def test_general_branch_secretary_sees_own_general_branch_and_its_branches(college):
    assert names(access.visible_organizations(college.gb_a_secretary)) == {
        "甲学院党总支",
        "甲学院教工党支部",
        "甲学院学生党支部",
    }


def test_branch_secretary_sees_only_own_branch(college):
    assert names(access.visible_organizations(college.branch_a1_secretary)) == {"甲学院教工党支部"}
    assert names(access.visible_organizations(college.direct_secretary)) == {"机关直属党支部"}


def test_account_without_positions_sees_nothing(college):
    assert not access.visible_organizations(college.outsider).exists()
    assert not access.visible_people(college.outsider).exists()


@pytest.mark.parametrize(
    "user_attr,org_attr",
    [
        ("gb_a_secretary", "gb_b"),
        ("gb_a_secretary", "branch_b1"),
        ("gb_a_secretary", "committee"),
        ("branch_a1_secretary", "branch_a2"),
        ("branch_a1_secretary", "gb_a"),
        ("direct_secretary", "branch_a1"),
        ("outsider", "branch_a1"),
    ],
)
def test_other_organisations_are_missing_not_forbidden(college, user_attr, org_attr):
    with pytest.raises(Http404):
        access.access_organization(getattr(college, user_attr), getattr(college, org_attr).pk)


def test_people_visibility_follows_organisations(college):
    visible = set(access.visible_people(college.gb_a_secretary).values_list("staff_no", flat=True))
    assert visible == {"90003", "90005"}
    with pytest.raises(Http404):
        access.access_person(college.gb_a_secretary, college.branch_b1_secretary.person.pk)


def test_ended_position_no_longer_gives_access(college):
    position = college.branch_a1_secretary.person.positions.get()
    services.end_position(college.org_dept, position, datetime.date(2024, 12, 31))
    access.forget_scope(college.branch_a1_secretary)
    assert not access.visible_organizations(college.branch_a1_secretary).exists()


def test_deactivated_account_has_no_scope(college):
    user = college.org_dept
    user.is_active = False
    assert not access.scope_for(user).roles


def test_non_numeric_ids_are_missing(college):
    with pytest.raises(Http404):
        access.access_organization(college.org_dept, "1 OR 1=1")
