"""The data migration puts every existing Review in the group of its cycle and reviewer, at the
cycle's stage, before the column becomes required and the stored Review stage goes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cycles", "0003_prior_problem_withdrawal")]
AFTER = [("cycles", "0006_review_group_required")]


@pytest.mark.django_db(transaction=True)
def test_existing_reviews_are_put_in_their_groups():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Organization = apps.get_model("orgs", "Organization")
    Person = apps.get_model("orgs", "Person")
    ReviewCycle = apps.get_model("cycles", "ReviewCycle")
    Review = apps.get_model("cycles", "Review")
    committee = Organization.objects.create(name="学校党委", kind="committee")
    general = Organization.objects.create(name="甲学院党总支", kind="general_branch", parent=committee)
    branch = Organization.objects.create(name="甲学院教工党支部", kind="branch", parent=general)
    direct = Organization.objects.create(name="机关直属党支部", kind="direct_branch", parent=committee)
    person = Person.objects.create(name="书记", staff_no="m0001")
    cycle = ReviewCycle.objects.create(year=2025, title="2025年度", stage="meeting")
    for org, reviewer in ((general, committee), (direct, committee), (branch, general)):
        Review.objects.create(
            cycle=cycle, organization=org, secretary=person, reviewer=reviewer, report_mode="both", stage="report"
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    ReviewGroup = apps.get_model("cycles", "ReviewGroup")
    Review = apps.get_model("cycles", "Review")
    groups = {g.reviewer_id: g for g in ReviewGroup.objects.filter(cycle_id=cycle.pk)}
    assert set(groups) == {committee.pk, general.pk}
    assert {g.stage for g in groups.values()} == {"meeting"}
    for review in Review.objects.filter(cycle_id=cycle.pk):
        assert review.group_id == groups[review.reviewer_id].pk
    assert "stage" not in {f.name for f in Review._meta.get_fields()}

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
