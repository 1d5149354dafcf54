"""The rename of the reviewer's decision to its vetting (reports 0002) keeps every recorded vetting, with
its outcome, comment, vetter and time, and can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0001_initial")]
AFTER = [("reports", "0002_report_vetting")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_recorded_decisions_become_vettings_with_everything_kept(college, cycle):
    from conftest import review_of

    review = review_of(cycle, college.branch_a1)
    old = migrate(BEFORE)
    DutyReport, ReportVersion = old.get_model("reports", "DutyReport"), old.get_model("reports", "ReportVersion")
    ReportDecision = old.get_model("reports", "ReportDecision")
    report = DutyReport.objects.create(review_id=review.pk, status="accepted")
    first = ReportVersion.objects.create(report=report, number=1, author_id=review.secretary_id, content={})
    second = ReportVersion.objects.create(report=report, number=2, author_id=review.secretary_id, content={})
    returned = ReportDecision.objects.create(
        version=first, decision="return", comment="请补充", decided_by_id=college.gb_a_secretary.pk
    )
    passed = ReportDecision.objects.create(version=second, decision="accept", decided_by_id=college.gb_a_secretary.pk)

    new = migrate(AFTER)
    ReportVetting = new.get_model("reports", "ReportVetting")
    rows = {v.pk: v for v in ReportVetting.objects.all()}
    assert rows[returned.pk].outcome == "returned" and rows[returned.pk].comment == "请补充"
    assert rows[passed.pk].outcome == "passed" and rows[passed.pk].version_id == second.pk
    assert rows[returned.pk].vetted_by_id == college.gb_a_secretary.pk
    assert rows[returned.pk].vetted_at == returned.decided_at
    assert new.get_model("reports", "ReportVersion").objects.get(pk=second.pk).vetting.outcome == "passed"

    back = migrate(BEFORE)
    assert dict(back.get_model("reports", "ReportDecision").objects.values_list("pk", "decision")) == {
        returned.pk: "return",
        passed.pk: "accept",
    }
    migrate(AFTER)
