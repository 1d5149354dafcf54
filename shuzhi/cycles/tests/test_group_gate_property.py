"""Property: whatever is done in whatever order, a review group never reaches a stage whose gate was
unmet at the move unless the move carries the org dept's recorded reason; and the cycle's stage is
always the earliest of its groups'."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shuzhi.cycles import groups, services, stages
from shuzhi.cycles.models import GroupStageChange, ReviewGroup
from shuzhi.cycles.tests.test_groups import vetter_for, write
from shuzhi.reports import services as report_services
from shuzhi.reports.models import ReportStatus

ORGS = ["gb_a", "gb_b", "direct", "branch_a1", "branch_b1"]
REVIEWERS = ["committee", "gb_a", "gb_b"]
MOVERS = ["org_dept", "committee_member", "gb_a_secretary", "gb_b_secretary"]

actions = st.lists(
    st.one_of(
        st.tuples(st.just("prepare"), st.sampled_from(ORGS)),
        st.tuples(st.just("submit"), st.sampled_from(ORGS)),
        st.tuples(st.just("accept"), st.sampled_from(ORGS)),
        st.tuples(st.just("move"), st.sampled_from(REVIEWERS), st.sampled_from(MOVERS), st.booleans()),
        st.tuples(st.just("advance_cycle"), st.booleans()),
    ),
    min_size=1,
    max_size=25,
)


@hypothesis_settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=actions)
def test_no_group_passes_an_unmet_gate_without_an_override_record(college, steps):
    with transaction.atomic():
        cycle = services.open_cycle(college.org_dept, year=2030, title="2030年度", key_items=[]).cycle
        reviews = {name: cycle.reviews.get(organization=getattr(college, name)) for name in ORGS}
        for step in steps:
            kind = step[0]
            try:
                if kind == "prepare":
                    services.mark_preparation_done(college.org_dept, reviews[step[1]])
                elif kind == "submit":
                    write(reviews[step[1]])
                elif kind == "accept":
                    review = reviews[step[1]]
                    report = report_services.get_report(review)
                    if report.status == ReportStatus.SUBMITTED:
                        report_services.vet(
                            vetter_for(college, review),
                            review,
                            version_number=report.versions.count(),
                            outcome="passed",
                        )
                elif kind == "move":
                    group = ReviewGroup.objects.get(cycle=cycle, reviewer=getattr(college, step[1]))
                    target = stages.next_stage(group.stage)
                    if target is None:
                        continue
                    unmet = groups.gate(group, target)
                    try:
                        groups.move_group(
                            getattr(college, step[2]), group, target, override_reason="测试理由" if step[3] else ""
                        )
                    except (ValidationError, PermissionDenied):
                        group.refresh_from_db()
                        assert group.stage != target
                    else:
                        change = GroupStageChange.objects.get(group=group, to_stage=target)
                        assert bool(unmet) == bool(change.override_reason)
                        assert change.unmet == [u.text for u in unmet]
                elif kind == "advance_cycle":
                    cycle.refresh_from_db()
                    target = stages.next_stage(cycle.stage)
                    if target is None:
                        continue
                    services.advance_cycle(
                        college.org_dept, cycle, target, override_reason="测试理由" if step[1] else ""
                    )
            except ValidationError:
                pass  # refused (not editable, a gate unmet without a reason …): nothing changed
            # invariants after every step
            cycle.refresh_from_db()
            group_stages = list(cycle.groups.values_list("stage", flat=True))
            assert cycle.stage == min(group_stages, key=stages.index)
            for change in GroupStageChange.objects.filter(group__cycle=cycle):
                assert change.unmet == [] or change.override_reason
                assert stages.next_stage(change.from_stage) == change.to_stage
            for group in cycle.groups.all():
                reached = stages.index(group.stage)
                assert group.stage_changes.count() == reached  # one record per stage reached, none skipped
        transaction.set_rollback(True)
