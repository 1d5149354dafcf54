"""The access module's querysets agree with its yes/no rights: a list never shows an object the matching
can_* refuses, nor leaves out one it allows."""

import pytest

from conftest import review_of
from shuzhi.orgs import access

USERS = (
    "org_dept",
    "committee_member",
    "gb_a_secretary",
    "gb_b_secretary",
    "branch_a1_secretary",
    "branch_b1_secretary",
    "direct_secretary",
    "outsider",
)


@pytest.mark.parametrize("who", USERS)
def test_vettable_reviews_are_exactly_those_the_user_may_vet(college, cycle, who):
    user = getattr(college, who)
    listed = set(access.vettable_reviews(user).values_list("pk", flat=True))
    assert listed == {r.pk for r in cycle.reviews.all() if access.can_vet_review(user, r)}


@pytest.mark.parametrize("who", USERS)
def test_my_reviews_are_exactly_those_the_user_is_the_secretary_of(college, cycle, who):
    user = getattr(college, who)
    listed = set(access.my_reviews(user).values_list("pk", flat=True))
    assert listed == {r.pk for r in cycle.reviews.all() if access.is_review_secretary(user, r)}
    assert listed <= set(access.visible_reviews(user).values_list("pk", flat=True))


@pytest.mark.parametrize("who", USERS)
def test_runnable_meetings_are_exactly_those_the_user_may_run(college, cycle, meeting, who):
    import datetime

    from django.utils import timezone

    from shuzhi.meetings import services

    services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院述职评议会",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        place="甲学院",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    user = getattr(college, who)
    from shuzhi.meetings.models import Meeting

    listed = set(access.runnable_meetings(user).values_list("pk", flat=True))
    assert listed == {m.pk for m in Meeting.objects.all() if access.can_run_meeting(user, m)}
    assert listed <= set(access.visible_meetings(user).values_list("pk", flat=True))
