"""Saving, conflicts, submitting, returning and accepting duty reports."""

import pytest
from django.core.exceptions import ValidationError

from conftest import review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.cycles import services as cycle_services
from shuzhi.cycles import stages
from shuzhi.reports import services
from shuzhi.reports.models import MAX_SECTION_CHARS, ReportStatus
from shuzhi.reports.services import EditConflict, ReportContent


def full_content(review, text="我带头讲专题党课3次。"):
    answers = {str(p.pk): "已整改：" + p.text for p in cycle_services.prior_problems_for(review)}
    return ReportContent(
        practices=text,
        problems="问题：理论学习深度不够。",
        next_steps="下一步：每月开展一次专题研讨。",
        prior_answers=answers,
    )


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def test_saving_bumps_the_revision_and_moves_review_to_report(college, review):
    assert review.stage == stages.Stage.PREPARATION
    report = services.save_draft(college.branch_a1_secretary, review, full_content(review), base_revision=0)
    assert report.revision == 1
    review.refresh_from_db()
    assert review.stage == stages.Stage.REPORT  # computed from the saved report (cycles.review_stage)


def test_saving_identical_content_twice_is_harmless(college, review):
    services.save_draft(college.branch_a1_secretary, review, full_content(review), base_revision=0)
    report = services.save_draft(college.branch_a1_secretary, review, full_content(review), base_revision=0)
    assert report.revision == 1


def test_a_save_from_a_stale_tab_is_a_conflict_not_an_overwrite(college, review):
    services.save_draft(college.branch_a1_secretary, review, full_content(review, "第一个标签页"), base_revision=0)
    with pytest.raises(EditConflict):
        services.save_draft(college.branch_a1_secretary, review, full_content(review, "第二个标签页"), base_revision=0)
    assert services.get_report(review).practices == "第一个标签页"


def test_too_long_section_is_refused_with_the_limit(college, review):
    with pytest.raises(ValidationError) as error:
        services.save_draft(
            college.branch_a1_secretary, review, full_content(review, "字" * (MAX_SECTION_CHARS + 1)), base_revision=0
        )
    assert str(MAX_SECTION_CHARS) in str(error.value)


def test_answer_to_a_problem_of_another_organisation_is_refused(college, cycle, review):
    other = cycle_services.add_prior_problem(
        college.org_dept, organization=college.branch_b1, year=2025, kind="notified", text="别的支部的问题"
    )
    content = ReportContent("a", "b", "c", {str(other.pk): "答复"})
    with pytest.raises(ValidationError):
        services.save_draft(college.branch_a1_secretary, review, content, base_revision=0)


def test_submit_with_empty_sections_is_refused_and_draft_kept(college, review):
    content = ReportContent("只写了做法", "", "", {})
    services.save_draft(college.branch_a1_secretary, review, content, base_revision=0)
    with pytest.raises(ValidationError) as error:
        services.submit(college.branch_a1_secretary, review, base_revision=1)
    assert "存在的突出问题" in str(error.value)
    assert services.get_report(review).practices == "只写了做法"


def test_submit_return_resubmit_accept(college, review):
    secretary, reviewer = college.branch_a1_secretary, college.gb_a_secretary
    services.save_draft(secretary, review, full_content(review), base_revision=0)
    v1 = services.submit(secretary, review, base_revision=1)
    assert v1.number == 1 and services.get_report(review).status == ReportStatus.SUBMITTED
    with pytest.raises(ValidationError):  # submitted: locked for editing
        services.save_draft(secretary, review, full_content(review, "改"), base_revision=1)
    with pytest.raises(ValidationError):  # returning needs a comment
        services.vet(reviewer, review, version_number=1, outcome="returned", comment="")
    services.vet(reviewer, review, version_number=1, outcome="returned", comment="请补充具体数据")
    report = services.save_draft(
        secretary, review, full_content(review, "补充后：讲党课3次，谈心谈话20人次。"), base_revision=1
    )
    v2 = services.submit(secretary, review, base_revision=report.revision)
    assert v2.number == 2
    assert v1.content["practices"] != v2.content["practices"]  # every version kept
    services.vet(reviewer, review, version_number=2, outcome="passed")
    report = services.get_report(review)
    assert report.status == ReportStatus.ACCEPTED
    with pytest.raises(ValidationError) as error:
        services.save_draft(secretary, review, full_content(review, "再改"), base_revision=report.revision)
    assert "审核通过" in str(error.value)
    notes = list(AuditEvent.objects.filter(object_type="reports.dutyreport").values_list("note", flat=True))
    assert len(notes) == 4


def test_double_submit_returns_the_same_version(college, review):
    services.save_draft(college.branch_a1_secretary, review, full_content(review), base_revision=0)
    first = services.submit(college.branch_a1_secretary, review, base_revision=1)
    second = services.submit(college.branch_a1_secretary, review, base_revision=1)
    assert first.pk == second.pk


def test_double_vetting_is_idempotent_and_contradiction_refused(college, review):
    services.save_draft(college.branch_a1_secretary, review, full_content(review), base_revision=0)
    services.submit(college.branch_a1_secretary, review, base_revision=1)
    first = services.vet(college.gb_a_secretary, review, version_number=1, outcome="passed")
    assert services.vet(college.gb_a_secretary, review, version_number=1, outcome="passed").pk == first.pk
    with pytest.raises(ValidationError):
        services.vet(college.gb_a_secretary, review, version_number=1, outcome="returned", comment="x")


def test_editing_outside_the_stage_is_refused_with_the_reason(college, cycle, review):
    for stage in (stages.Stage.REPORT, stages.Stage.MEETING):
        cycle_services.advance_cycle(college.org_dept, cycle, stage, override_reason="测试：越过未满足的条件")
    review.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.save_draft(college.branch_a1_secretary, review, full_content(review), base_revision=0)
    assert "阶段" in str(error.value)


def test_accepting_moves_the_review_on_whatever_the_cycle_stage(college, cycle, review):
    services.save_draft(college.branch_a1_secretary, review, full_content(review), base_revision=0)
    services.submit(college.branch_a1_secretary, review, base_revision=1)
    assert review.stage == stages.Stage.REPORT
    services.vet(college.gb_a_secretary, review, version_number=1, outcome="passed")
    review.refresh_from_db()
    assert review.stage == stages.Stage.MEETING  # its report accepted: ready for the meeting
