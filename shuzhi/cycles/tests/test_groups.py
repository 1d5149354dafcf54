"""Review groups: created with the cycle, one per reviewer; their stages behind gates; the org dept's
override with a reason; who may move which group; the cycle's stage as the earliest of its groups'."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import START, review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.cycles import gates, groups, review_stage, services, stages
from shuzhi.cycles.models import GroupStageChange, Review, ReviewGroup
from shuzhi.meetings import services as meeting_services
from shuzhi.orgs import services as org_services
from shuzhi.orgs.models import PositionRole
from shuzhi.reports import services as report_services
from shuzhi.reports.services import ReportContent
from shuzhi.voting import services as voting_services

S = stages.Stage


def group_of(cycle, reviewer) -> ReviewGroup:
    return ReviewGroup.objects.get(cycle=cycle, reviewer=reviewer)


def prepare(college, reviews):
    for review in reviews:
        services.mark_preparation_done(college.org_dept, review)


def vetter_for(college, review):
    return {
        college.committee.pk: college.committee_member,
        college.gb_a.pk: college.gb_a_secretary,
        college.gb_b.pk: college.gb_b_secretary,
    }[review.reviewer_id]


def secretary_user(review):
    return review.secretary.user


def write(review, *, submit=True):
    answers = {str(p.pk): "已整改：" + p.text for p in services.prior_problems_for(review)}
    content = ReportContent(
        practices="我带头讲专题党课3次。",
        problems="理论学习深度不够。",
        next_steps="每月开展专题研讨。",
        prior_answers=answers,
    )
    report = report_services.get_report(review)
    report = report_services.save_draft(secretary_user(review), review, content, base_revision=report.revision)
    if submit:
        report_services.submit(secretary_user(review), review, base_revision=report.revision)
    return report


def accept(college, review):
    write(review)
    report_services.vet(vetter_for(college, review), review, version_number=1, outcome="passed")


def committee_reviews(college, cycle):
    return [review_of(cycle, org) for org in (college.gb_a, college.gb_b, college.direct)]


# --- Groups are created with the cycle and with late Reviews ---------------------------------------


def test_opening_a_cycle_creates_one_group_per_reviewer(college, cycle):
    by_reviewer = {g.reviewer_id: g for g in cycle.groups.all()}
    assert set(by_reviewer) == {college.committee.pk, college.gb_a.pk, college.gb_b.pk}
    for review in cycle.reviews.all():
        assert review.group_id == by_reviewer[review.reviewer_id].pk
    assert {r.organization_id for r in by_reviewer[college.committee.pk].reviews.all()} == {
        college.gb_a.pk,
        college.gb_b.pk,
        college.direct.pk,
    }
    assert all(g.stage == S.PREPARATION for g in by_reviewer.values())


def test_a_review_added_later_joins_its_reviewers_group(college, cycle):
    person = org_services.create_person("test", name="新支书", staff_no="80001")
    org_services.appoint(
        "test", person=person, organization=college.branch_a2, role=PositionRole.SECRETARY, start_date=START
    )
    review = review_of(cycle, college.branch_a2)
    assert review.group == group_of(cycle, college.gb_a) and groups.group_for(review) == review.group


# --- Gates ---------------------------------------------------------------------------------------


def test_a_group_does_not_move_while_its_gate_is_unmet(college, cycle):
    group = group_of(cycle, college.gb_a)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        groups.move_group(college.org_dept, group, S.REPORT)
    assert "1 名书记尚未完成述前准备" in str(error.value)
    group.refresh_from_db()
    assert group.stage == S.PREPARATION and AuditEvent.objects.count() == before
    assert [u.code for u in groups.gate(group)] == ["preparation"] and groups.gate(group)[0].count == 1


def test_a_met_gate_lets_the_group_move_once_and_a_repeat_changes_nothing(college, cycle):
    group = group_of(cycle, college.gb_a)
    prepare(college, group.reviews.all())
    assert groups.gate(group) == []
    groups.move_group(college.gb_a_secretary, group, S.REPORT)
    events = AuditEvent.objects.count()
    groups.move_group(college.gb_a_secretary, group, S.REPORT)  # double click
    group.refresh_from_db()
    assert group.stage == S.REPORT and AuditEvent.objects.count() == events
    change = GroupStageChange.objects.get(group=group)
    assert change.unmet == [] and change.override_reason == "" and change.moved_by == college.gb_a_secretary
    with pytest.raises(ValidationError):
        groups.move_group(college.org_dept, group, S.EVALUATION)  # one step at a time


def test_the_org_dept_overrides_an_unmet_gate_with_a_reason_kept_on_record(college, cycle):
    group = group_of(cycle, college.committee)
    with pytest.raises(ValidationError):
        groups.move_group(college.org_dept, group, S.REPORT, override_reason="   ")
    with pytest.raises(ValidationError):
        groups.move_group(college.org_dept, group, S.REPORT, override_reason="长" * 201)
    groups.move_group(college.org_dept, group, S.REPORT, override_reason="党委决定提前进入撰写阶段")
    group.refresh_from_db()
    change = GroupStageChange.objects.get(group=group)
    assert group.stage == S.REPORT and change.override_reason == "党委决定提前进入撰写阶段"
    assert change.unmet == ["3 名书记尚未完成述前准备。"]
    event = AuditEvent.objects.filter(object_type="cycles.reviewgroup").latest("pk")
    assert event.verb == "group.gate_overridden"
    assert "党委决定提前进入撰写阶段" in event.note and event.after["override_reason"] == "党委决定提前进入撰写阶段"
    assert groups.overrides(group) == [change]


def test_only_the_org_dept_overrides(college, cycle):
    group = group_of(cycle, college.gb_a)
    with pytest.raises(ValidationError) as error:
        groups.move_group(college.gb_a_secretary, group, S.REPORT, override_reason="我想提前")
    assert "党委组织统战部" in str(error.value)
    group.refresh_from_db()
    assert group.stage == S.PREPARATION and not GroupStageChange.objects.exists()


@pytest.mark.parametrize(
    "who, reviewer",
    [
        ("gb_a_secretary", "committee"),
        ("gb_a_secretary", "gb_b"),
        ("gb_b_secretary", "gb_a"),
        ("branch_a1_secretary", "gb_a"),
        ("direct_secretary", "committee"),
    ],
)
def test_a_secretary_cannot_move_a_group_not_their_own(college, cycle, who, reviewer):
    group = group_of(cycle, getattr(college, reviewer))
    prepare(college, group.reviews.all())
    with pytest.raises(PermissionDenied):
        groups.move_group(getattr(college, who), group, S.REPORT)
    group.refresh_from_db()
    assert group.stage == S.PREPARATION


def test_committee_members_move_the_committees_group(college, cycle):
    group = group_of(cycle, college.committee)
    prepare(college, group.reviews.all())
    groups.move_group(college.committee_member, group, S.REPORT)
    group.refresh_from_db()
    assert group.stage == S.REPORT


def test_the_cycles_stage_is_the_earliest_of_its_groups(college, cycle):
    prepare(college, cycle.reviews.all())
    groups.move_group(college.gb_a_secretary, group_of(cycle, college.gb_a), S.REPORT)
    cycle.refresh_from_db()
    assert cycle.stage == S.PREPARATION
    groups.move_group(college.committee_member, group_of(cycle, college.committee), S.REPORT)
    groups.move_group(college.gb_b_secretary, group_of(cycle, college.gb_b), S.REPORT)
    cycle.refresh_from_db()
    assert cycle.stage == S.REPORT


def test_six_clicks_no_longer_archive_a_cycle_whose_reports_are_not_written(college, cycle):
    services.advance_cycle(college.org_dept, cycle, S.REPORT, override_reason="测试")
    with pytest.raises(ValidationError) as error:
        services.advance_cycle(college.org_dept, cycle, S.MEETING)
    assert "尚未通过" in str(error.value) and "学校党委" in str(error.value)
    cycle.refresh_from_db()
    assert cycle.stage == S.REPORT and set(cycle.groups.values_list("stage", flat=True)) == {S.REPORT}


def test_written_reports_need_only_be_submitted_for_the_meeting(college, cycle):
    group = group_of(cycle, college.gb_b)
    prepare(college, group.reviews.all())
    group = groups.move_group(college.gb_b_secretary, group, S.REPORT)
    review = review_of(cycle, college.branch_b1)
    Review.objects.filter(pk=review.pk).update(report_mode="written")
    assert [u.code for u in groups.gate(group)] == ["written_not_submitted"]
    write(review)
    assert groups.gate(group) == []
    assert [u.code for u in groups.gate(group, S.EVALUATION)] == ["not_accepted"]


def test_the_committees_group_runs_its_meeting_and_vote_before_evaluation(college, cycle):
    group = group_of(cycle, college.committee)
    reviews = committee_reviews(college, cycle)
    prepare(college, reviews)
    groups.move_group(college.committee_member, group, S.REPORT)
    for review in reviews:
        accept(college, review)
    group = groups.move_group(college.committee_member, group, S.MEETING)
    assert {u.code: u.count for u in groups.gate(group)} == {"not_on_agenda": 3}
    meeting = meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.committee,
        title="述职评议会",
        starts_at=timezone.now(),
        place="会议室",
        expected_attendees=10,
        agenda=[(r, "on_site") for r in reviews],
    )
    assert {u.code: u.count for u in groups.gate(group)} == {"not_voted": 3}
    survey = voting_services.create_survey(college.org_dept, meeting)
    voting_services.issue_codes(college.org_dept, survey, 3)
    voting_services.open_survey(college.org_dept, survey)
    assert {u.code: u.count for u in groups.gate(group)} == {"open_votes": 1, "not_voted": 3}
    with pytest.raises(ValidationError):
        groups.move_group(college.committee_member, group, S.EVALUATION)
    voting_services.close_survey(college.org_dept, survey)
    assert groups.gate(group) == []
    group = groups.move_group(college.committee_member, group, S.EVALUATION)
    # The committee's group is ahead; the branches' groups keep their own calendar.
    cycle.refresh_from_db()
    assert cycle.stage == S.PREPARATION
    assert {review_stage.stage_of(r) for r in reviews} == {S.EVALUATION}
    # Before the decision: every Review graded and the group's grading submitted (shuzhi.evaluation).
    assert {u.code for u in groups.gate(group)} == {"ungraded", "grading_not_submitted"}
    from shuzhi.evaluation import services as evaluation

    for review in reviews:
        evaluation.change_grade(college.committee_member, review, "fair", "评议组综合研判")
    evaluation.submit(college.committee_member, group)
    assert groups.gate(group) == []
    assert {review_stage.stage_of(r) for r in reviews} == {S.DECISION}
    for target in (S.DECISION, S.FEEDBACK, S.RECTIFICATION, S.ARCHIVED):
        groups.move_group(college.org_dept, group, target)
    assert {review_stage.stage_of(r) for r in reviews} == {S.ARCHIVED}
    assert not GroupStageChange.objects.exclude(unmet=[]).exists()


def test_archiving_lists_reports_by_what_is_missing():
    facts = gates.GroupFacts(reviews=5, not_started=1, draft=1, returned=1, submitted=2)
    codes = {u.code: u.count for u in gates.unmet(S.ARCHIVED, facts)}
    assert codes == {"awaiting_review": 2, "returned": 1, "unwritten": 2}
    assert gates.unmet(S.ARCHIVED, gates.GroupFacts(reviews=5)) == []


# --- A Review's stage from its real state ---------------------------------------------------------


def test_a_reviews_stage_follows_its_facts_in_python_and_in_sql(college, cycle):
    review = review_of(cycle, college.branch_a1)
    seen = []

    def check():
        stage = review_stage.stage_of(review)
        assert stage == review_stage.stage_from_facts(review_stage.facts_of(review))
        seen.append(stage)

    check()
    services.mark_preparation_done(college.org_dept, review)
    check()
    write(review)
    check()
    report_services.vet(college.gb_a_secretary, review, version_number=1, outcome="passed")
    check()
    assert seen == [S.PREPARATION, S.REPORT, S.REPORT, S.MEETING]
    written = review_of(cycle, college.branch_b1)
    Review.objects.filter(pk=written.pk).update(report_mode="written")
    accept(college, written)
    assert review_stage.stage_of(written) == S.EVALUATION
    assert review_stage.stage_from_facts(review_stage.facts_of(written)) == S.EVALUATION


def test_the_pure_rules_in_order():
    f = review_stage.ReviewFacts
    assert review_stage.stage_from_facts(f(group_stage=S.REPORT)) == S.PREPARATION
    assert review_stage.stage_from_facts(f(group_stage=S.REPORT, report_revision=1)) == S.REPORT
    assert review_stage.stage_from_facts(f(group_stage=S.REPORT, agenda_mode="on_site")) == S.MEETING
    assert (
        review_stage.stage_from_facts(f(group_stage=S.MEETING, agenda_mode="on_site", vote_closed=True)) == S.EVALUATION
    )
    assert (
        review_stage.stage_from_facts(f(group_stage=S.MEETING, agenda_mode="written", report_status="accepted"))
        == S.EVALUATION
    )
    assert review_stage.stage_from_facts(f(group_stage=S.ARCHIVED)) == S.ARCHIVED
