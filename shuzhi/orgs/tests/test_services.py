"""The tree, people and position services: rules, idempotence and audit records."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shuzhi.audit.models import AuditEvent
from shuzhi.orgs import services
from shuzhi.orgs.models import Organization, OrgKind, Person, Position, PositionRole

D = datetime.date


def test_creating_an_organisation_records_who_did_it(college):
    before = AuditEvent.objects.count()
    org = services.create_organization(
        college.org_dept, name="丙学院党总支", kind=OrgKind.GENERAL_BRANCH, parent=college.committee
    )
    event = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "create" and event.object_id == str(org.pk) and event.actor == college.org_dept
    assert event.after["name"] == "丙学院党总支"


def test_creating_the_same_organisation_twice_returns_the_first(college):
    first = services.create_organization(
        college.org_dept, name="丙学院党总支", kind=OrgKind.GENERAL_BRANCH, parent=college.committee
    )
    events = AuditEvent.objects.count()
    second = services.create_organization(
        college.org_dept, name="丙学院党总支", kind=OrgKind.GENERAL_BRANCH, parent=college.committee
    )
    assert first.pk == second.pk
    assert AuditEvent.objects.count() == events


def test_name_clash_with_a_different_organisation_is_refused(college):
    with pytest.raises(ValidationError) as error:
        services.create_organization(
            college.org_dept, name="甲学院党总支", kind=OrgKind.DIRECT_BRANCH, parent=college.committee
        )
    assert "name" in error.value.error_dict


@pytest.mark.parametrize(
    "kind,parent_attr",
    [
        (OrgKind.BRANCH, "committee"),
        (OrgKind.GENERAL_BRANCH, "gb_a"),
        (OrgKind.DIRECT_BRANCH, "gb_a"),
        (OrgKind.BRANCH, "branch_a1"),
    ],
)
def test_wrong_parent_kind_is_refused(college, kind, parent_attr):
    count = Organization.objects.count()
    with pytest.raises(ValidationError):
        services.create_organization(college.org_dept, name="新组织", kind=kind, parent=getattr(college, parent_attr))
    assert Organization.objects.count() == count


def test_a_second_committee_is_refused(college):
    with pytest.raises(ValidationError):
        services.create_organization(college.org_dept, name="另一个党委", kind=OrgKind.COMMITTEE, parent=None)


def test_database_refuses_a_branch_without_parent(college):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="孤立党支部", kind=OrgKind.BRANCH, parent=None)


def test_moving_a_branch_to_another_general_branch(college):
    services.move_organization(college.org_dept, college.branch_a2, college.gb_b)
    college.branch_a2.refresh_from_db()
    assert college.branch_a2.parent == college.gb_b
    assert AuditEvent.objects.filter(
        object_type="orgs.organization", object_id=str(college.branch_a2.pk), action="update"
    ).exists()


def test_moving_a_branch_under_the_committee_is_refused(college):
    with pytest.raises(ValidationError):
        services.move_organization(college.org_dept, college.branch_a1, college.committee)
    college.branch_a1.refresh_from_db()
    assert college.branch_a1.parent == college.gb_a


def test_moving_an_organisation_under_itself_is_refused(college):
    with pytest.raises(ValidationError):
        services.move_organization(college.org_dept, college.gb_a, college.gb_a)


def test_renaming_keeps_history_in_the_audit_log(college):
    services.update_organization(college.org_dept, college.gb_a, name="甲学院党总支（新）")
    event = AuditEvent.objects.latest("id")
    assert event.before["name"] == "甲学院党总支" and event.after["name"] == "甲学院党总支（新）"


def test_renaming_to_the_same_name_writes_nothing(college):
    events = AuditEvent.objects.count()
    services.update_organization(college.org_dept, college.gb_a, name="甲学院党总支")
    assert AuditEvent.objects.count() == events


def test_deactivating_with_active_children_is_refused(college):
    with pytest.raises(ValidationError):
        services.deactivate_organization(college.org_dept, college.gb_a)
    college.gb_a.refresh_from_db()
    assert college.gb_a.is_active


def test_deactivating_a_branch_ends_its_open_positions_and_keeps_them(college):
    services.deactivate_organization(college.org_dept, college.branch_b1, on=D(2025, 6, 30))
    college.branch_b1.refresh_from_db()
    assert not college.branch_b1.is_active
    position = Position.objects.get(organization=college.branch_b1)
    assert position.end_date == D(2025, 6, 30)


def test_deactivating_twice_is_a_no_op(college):
    services.deactivate_organization(college.org_dept, college.direct)
    events = AuditEvent.objects.count()
    services.deactivate_organization(college.org_dept, college.direct)
    assert AuditEvent.objects.count() == events


def test_reactivating_under_a_deactivated_parent_is_refused(college):
    services.deactivate_organization(college.org_dept, college.branch_b1)
    services.deactivate_organization(college.org_dept, college.gb_b)
    with pytest.raises(ValidationError):
        services.reactivate_organization(college.org_dept, college.branch_b1)


def test_only_one_secretary_at_a_time(college):
    newcomer = services.create_person(college.org_dept, name="新书记", staff_no="80001")
    with pytest.raises(ValidationError) as error:
        services.appoint(
            college.org_dept,
            person=newcomer,
            organization=college.branch_a1,
            role=PositionRole.SECRETARY,
            start_date=D(2025, 1, 1),
        )
    assert "role" in error.value.error_dict


def test_secretary_handover_after_ending_the_old_term(college):
    old = Position.objects.get(organization=college.branch_a1, role=PositionRole.SECRETARY)
    services.end_position(college.org_dept, old, D(2025, 3, 31))
    newcomer = services.create_person(college.org_dept, name="新书记", staff_no="80001")
    position = services.appoint(
        college.org_dept,
        person=newcomer,
        organization=college.branch_a1,
        role=PositionRole.SECRETARY,
        start_date=D(2025, 4, 1),
    )
    assert position.pk


def test_a_past_secretary_term_cannot_overlap_the_current_one(college):
    earlier = services.create_person(college.org_dept, name="前任书记", staff_no="80002")
    with pytest.raises(ValidationError):
        services.appoint(
            college.org_dept,
            person=earlier,
            organization=college.branch_a1,
            role=PositionRole.SECRETARY,
            start_date=D(2022, 1, 1),
            end_date=D(2024, 1, 1),
        )
    services.appoint(
        college.org_dept,
        person=earlier,
        organization=college.branch_a1,
        role=PositionRole.SECRETARY,
        start_date=D(2022, 1, 1),
        end_date=D(2023, 12, 31),
    )


def test_database_refuses_two_open_secretaries(college):
    person = Person.objects.create(name="绕过服务", staff_no="80003")
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            person=person, organization=college.branch_a1, role=PositionRole.SECRETARY, start_date=D(2025, 1, 1)
        )


def test_the_same_appointment_twice_creates_one_position(college):
    person = services.create_person(college.org_dept, name="委员丙", staff_no="80004")
    first = services.appoint(
        college.org_dept,
        person=person,
        organization=college.branch_a1,
        role=PositionRole.MEMBER,
        start_date=D(2025, 1, 1),
    )
    second = services.appoint(
        college.org_dept,
        person=person,
        organization=college.branch_a1,
        role=PositionRole.MEMBER,
        start_date=D(2025, 1, 1),
    )
    assert first.pk == second.pk


def test_end_before_start_is_refused(college):
    position = Position.objects.get(organization=college.branch_a1, role=PositionRole.SECRETARY)
    with pytest.raises(ValidationError):
        services.end_position(college.org_dept, position, D(2020, 1, 1))


def test_org_dept_staff_belong_to_the_committee(college):
    person = services.create_person(college.org_dept, name="组织员", staff_no="80005")
    with pytest.raises(ValidationError):
        services.appoint(
            college.org_dept,
            person=person,
            organization=college.gb_a,
            role=PositionRole.ORG_DEPT_STAFF,
            start_date=D(2025, 1, 1),
        )


def test_creating_a_person_gives_an_account_that_must_change_its_password(college):
    person = services.create_person(college.org_dept, name="张三", staff_no="80006", initial_password="Start-2026-pw")
    assert person.user.username == "80006"
    assert person.user.must_change_password
    assert person.user.check_password("Start-2026-pw")


def test_duplicate_staff_number_is_refused(college):
    with pytest.raises(ValidationError) as error:
        services.create_person(college.org_dept, name="另一个人", staff_no="90005")
    assert "staff_no" in error.value.error_dict


@pytest.mark.parametrize("field,value", [("name", ""), ("staff_no", "有 空格"), ("phone", "abc"), ("gender", "X")])
def test_bad_person_fields_are_refused_with_the_field_named(college, field, value):
    data = {"name": "李四", "staff_no": "80007", "phone": "", "gender": ""}
    data[field] = value
    with pytest.raises(ValidationError) as error:
        services.create_person(college.org_dept, **data)
    assert field in error.value.error_dict


def test_deactivating_a_person_ends_positions_and_disables_login(college):
    person = college.branch_a1_secretary.person
    services.deactivate_person(college.org_dept, person, on=D(2025, 12, 31))
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert not person.is_active and not person.user.is_active
    assert person.positions.get().end_date == D(2025, 12, 31)


def test_reset_password_forces_a_change_and_unlocks(college):
    import datetime

    from django.utils import timezone

    from shuzhi.accounts.models import LoginThrottle, ThrottleScope

    user = college.branch_a1_secretary
    now = timezone.now()
    LoginThrottle.objects.create(
        scope=ThrottleScope.NAME_AT_NETWORK,
        username=user.username,
        network="10.0.0.9",
        window_started_at=now,
        locked_until=now + datetime.timedelta(minutes=15),
    )
    services.reset_password(college.org_dept, user.person, "Temporary-2026")
    user.refresh_from_db()
    assert user.must_change_password and not LoginThrottle.objects.filter(username=user.username).exists()
    assert user.check_password("Temporary-2026")


def test_a_person_cannot_take_over_an_existing_login_account(college):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("admin", password="Admin-pass-2026")
    with pytest.raises(ValidationError) as error:
        services.create_person(college.org_dept, name="冒名者", staff_no="admin")
    assert "staff_no" in error.value.error_dict
    assert not Person.objects.filter(staff_no="admin").exists()


def test_changing_staff_number_to_an_existing_login_name_is_refused(college):
    person = college.branch_a1_secretary.person
    with pytest.raises(ValidationError) as error:
        services.update_person(
            college.org_dept, person, name=person.name, staff_no="outsider", phone="", gender="M", is_party_member=True
        )
    assert "staff_no" in error.value.error_dict


def test_deactivating_ends_fixed_terms_that_run_past_the_day_and_cancels_future_ones(college):
    person = services.create_person(college.org_dept, name="任期固定", staff_no="80010")
    running = services.appoint(
        college.org_dept,
        person=person,
        organization=college.branch_a2,
        role=PositionRole.SECRETARY,
        start_date=D(2024, 1, 1),
        end_date=D(2099, 12, 31),
    )
    future = services.appoint(
        college.org_dept, person=person, organization=college.gb_b, role=PositionRole.MEMBER, start_date=D(2099, 1, 1)
    )
    services.deactivate_person(college.org_dept, person, on=D(2025, 6, 30))
    running.refresh_from_db()
    assert running.end_date == D(2025, 6, 30)
    assert not Position.objects.filter(pk=future.pk).exists()
    successor = services.create_person(college.org_dept, name="继任者", staff_no="80011")
    services.appoint(
        college.org_dept,
        person=successor,
        organization=college.branch_a2,
        role=PositionRole.SECRETARY,
        start_date=D(2025, 7, 1),
    )
