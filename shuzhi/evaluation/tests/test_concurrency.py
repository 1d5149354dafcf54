"""Two graders at once, in separate transactions (real threads; on PostgreSQL the row lock, on SQLite the
IMMEDIATE transaction): from the same page version, exactly one change is kept and the other gets the
conflict; a group pushed over the cap by two editors at once cannot be submitted."""

from __future__ import annotations

import pytest

from shuzhi.evaluation import services
from shuzhi.evaluation.models import GradeChange, GradingStatus, ReviewGrade
from shuzhi.evaluation.tests.conftest import group_of_size
from shuzhi.orgs.tests.test_concurrency import run_concurrently


@pytest.mark.django_db(transaction=True)
def test_two_graders_raising_two_people_to_good_from_the_same_page(college):
    group = group_of_size(college, 10)
    services.propose(college.org_dept, group)
    version = services.grading_of(group).version
    fair = list(ReviewGrade.objects.filter(review__group=group, grade="fair").select_related("review__group")[:2])
    graders = [college.org_dept, college.gb_b_secretary]

    def raise_one(i):
        return services.change_grade(graders[i], fair[i].review, "good", "实绩突出", base_version=version)

    results = run_concurrently(raise_one, 2)
    kept = [r for r in results if isinstance(r, ReviewGrade)]
    conflicts = [r for r in results if isinstance(r, services.Conflict)]
    assert len(kept) == 1 and len(conflicts) == 1, results
    assert ReviewGrade.objects.filter(review__group=group, grade="good").count() == 4
    assert GradeChange.objects.filter(review_grade__grading__group=group, field="grade", is_proposal=False).count() == 1

    # Submitting now (4 "good", cap 3), twice at once: refused both times, nothing half-written.
    current = services.grading_of(group).version

    def submit(i):
        return services.submit(graders[i], group, base_version=current)

    results = run_concurrently(submit, 2)
    assert all(type(r).__name__ == "ValidationError" for r in results), results
    assert services.grading_of(group).status == GradingStatus.DRAFT


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_submits_once(college):
    from shuzhi.audit.models import AuditEvent
    from shuzhi.audit.verbs import Verb

    group = group_of_size(college, 5)
    services.propose(college.org_dept, group)
    version = services.grading_of(group).version
    results = run_concurrently(lambda i: services.submit(college.gb_b_secretary, group, base_version=version), 2)
    assert all(getattr(r, "status", None) == GradingStatus.SUBMITTED for r in results), results
    assert AuditEvent.objects.filter(verb=Verb.GRADING_SUBMITTED).count() == 1
