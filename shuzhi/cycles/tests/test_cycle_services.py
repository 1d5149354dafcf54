"""Opening a cycle, stage rules, secretary changes and preparation records."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.cycles import services, stages
from shuzhi.cycles.models import PreparationKind, Review, ReviewCycle, SecretaryChange
from shuzhi.orgs import services as org_services
from shuzhi.orgs.models import OrgKind, Position, PositionRole


def test_opening_creates_one_review_per_secretary_with_the_reviewer_from_the_tree(college, cycle):
    reviews = {r.organization.name: r for r in cycle.reviews.select_related("organization", "reviewer")}
    assert set(reviews) == {"甲学院党总支", "乙学院党总支", "甲学院教工党支部", "乙学院教工党支部", "机关直属党支部"}
    assert reviews["甲学院党总支"].reviewer == college.committee
    assert reviews["机关直属党支部"].reviewer == college.committee
    assert reviews["甲学院教工党支部"].reviewer == college.gb_a
    assert reviews["乙学院教工党支部"].reviewer == college.gb_b
    assert reviews["甲学院教工党支部"].secretary == college.branch_a1_secretary.person


def test_organisations_without_a_secretary_are_reported(college):
    result = services.open_cycle(college.org_dept, year=2027, title="2027年度", key_items=[])
    assert "甲学院学生党支部" in result.without_secretary


def test_opening_the_same_year_twice_is_refused(college, cycle):
    with pytest.raises(ValidationError) as error:
        services.open_cycle(college.org_dept, year=2026, title="再开一次", key_items=[])
    assert "year" in error.value.error_dict
    assert ReviewCycle.objects.count() == 1


def test_key_items_are_cleaned_and_limited(college):
    result = services.open_cycle(college.org_dept, year=2028, title="t", key_items=["  甲  ", "", "甲", "乙"])
    assert result.cycle.key_items == ["甲", "乙"]
    with pytest.raises(ValidationError):
        services.open_cycle(college.org_dept, year=2029, title="t", key_items=[str(i) for i in range(31)])


def test_cycle_moves_one_stage_at_a_time(college, cycle):
    for review in cycle.reviews.all():
        services.mark_preparation_done(college.org_dept, review)
    with pytest.raises(ValidationError):
        services.advance_cycle(college.org_dept, cycle, stages.Stage.MEETING)
    services.advance_cycle(college.org_dept, cycle, stages.Stage.REPORT)
    services.advance_cycle(college.org_dept, cycle, stages.Stage.REPORT)  # again: no-op
    with pytest.raises(ValidationError):
        services.advance_cycle(college.org_dept, cycle, stages.Stage.PREPARATION)
    cycle.refresh_from_db()
    assert cycle.stage == stages.Stage.REPORT
    assert set(cycle.groups.values_list("stage", flat=True)) == {stages.Stage.REPORT}
    assert AuditEvent.objects.filter(object_type="cycles.reviewcycle", note__contains="阶段").count() == 1


def test_stage_rules_allow_only_the_next_stage():
    order = stages.ORDER
    for i, current in enumerate(order):
        for j, target in enumerate(order):
            assert stages.can_move(current, target) == (j == i + 1)


def test_secretary_change_moves_the_review_and_keeps_the_record(college, cycle):
    review = review_of(cycle, college.branch_a1)
    old = review.secretary
    services.add_preparation_item(
        college.branch_a1_secretary,
        review,
        kind=PreparationKind.RESEARCH,
        content="走访学生宿舍",
        date=datetime.date(2026, 3, 1),
    )
    position = Position.objects.get(organization=college.branch_a1, role=PositionRole.SECRETARY)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    org_services.end_position(college.org_dept, position, max(yesterday, position.start_date))
    newcomer = org_services.create_person(college.org_dept, name="新任支书", staff_no="81001")
    org_services.appoint(
        college.org_dept,
        person=newcomer,
        organization=college.branch_a1,
        role=PositionRole.SECRETARY,
        start_date=datetime.date.today(),
    )
    review.refresh_from_db()
    assert review.secretary == newcomer
    change = SecretaryChange.objects.get(review=review)
    assert change.old_secretary == old and change.new_secretary == newcomer
    assert review.preparation_items.get().author == old  # the old secretary's work stays on record


def test_new_organisation_gets_no_review_retroactively(college, cycle):
    org = org_services.create_organization(college.org_dept, name="新党支部", kind=OrgKind.BRANCH, parent=college.gb_a)
    assert not Review.objects.filter(organization=org).exists()


def test_preparation_items_are_recorded_and_withdrawn(college, cycle):
    review = review_of(cycle, college.branch_a1)
    item = services.add_preparation_item(
        college.branch_a1_secretary,
        review,
        kind=PreparationKind.OPINION,
        people="学生党员代表",
        content="希望增加主题党日实践活动",
    )
    again = services.add_preparation_item(
        college.branch_a1_secretary,
        review,
        kind=PreparationKind.OPINION,
        people="学生党员代表",
        content="希望增加主题党日实践活动",
    )
    assert item.pk == again.pk
    services.withdraw_preparation_item(college.branch_a1_secretary, item)
    item.refresh_from_db()
    assert item.is_withdrawn


def test_preparation_refuses_empty_content(college, cycle):
    review = review_of(cycle, college.branch_a1)
    with pytest.raises(ValidationError) as error:
        services.add_preparation_item(college.branch_a1_secretary, review, kind=PreparationKind.PROBLEM, content="  ")
    assert "content" in error.value.error_dict


def test_prior_problems_for_the_review_are_last_years(college, cycle):
    review = review_of(cycle, college.branch_a1)
    texts = [p.text for p in services.prior_problems_for(review)]
    assert len(texts) == 2
    assert services.prior_problems_for(review_of(cycle, college.branch_b1)) == []


def test_secretary_appointed_after_opening_gets_a_review(college, cycle):
    person = org_services.create_person(college.org_dept, name="后任命书记", staff_no="81002")
    org_services.appoint(
        college.org_dept,
        person=person,
        organization=college.branch_a2,
        role=PositionRole.SECRETARY,
        start_date=datetime.date.today(),
    )
    review = Review.objects.get(cycle=cycle, organization=college.branch_a2)
    assert review.secretary == person and review.reviewer == college.gb_a
