"""The work list's pure parts: urgency from a due date, and the order items are shown in."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from shuzhi.core import worklist
from shuzhi.core.worklist import Kind, Urgency, WorkItem

dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1))


@given(due=dates, today=dates)
def test_urgency_is_overdue_after_the_date_soon_just_before_and_normal_otherwise(due, today):
    urgency = worklist.urgency_for(due, today)
    days = (due - today).days
    assert urgency == (Urgency.OVERDUE if days < 0 else Urgency.SOON if days <= worklist.SOON_DAYS else Urgency.NORMAL)


@given(today=dates, a=dates, b=dates)
def test_an_earlier_due_date_is_never_less_urgent(today, a, b):
    early, late = min(a, b), max(a, b)
    assert worklist.urgency_for(early, today) <= worklist.urgency_for(late, today)


items = st.builds(
    WorkItem,
    text=st.text(max_size=5),
    url=st.just("/"),
    kind=st.sampled_from(list(Kind)),
    urgency=st.sampled_from(list(Urgency)),
    due=st.none() | dates,
)


@given(st.lists(items, max_size=12))
def test_own_work_comes_first_then_the_most_urgent_then_the_earliest_due(work):
    def provider(user, scope):
        return list(work)

    saved = worklist.providers()
    worklist._providers.clear()
    worklist.register("test", provider)
    try:
        from types import SimpleNamespace

        from shuzhi.orgs import access

        scope = access.Scope(
            roles=frozenset({access.Role.BRANCH}), sees_all=False, org_ids=frozenset(), can_manage=False
        )
        user = SimpleNamespace(is_authenticated=True, is_active=True, _shuzhi_scope=scope)
        shown = worklist.work_for(user)
    finally:
        worklist._providers.clear()
        worklist._providers.update(saved)
    assert sorted(map(id, shown)) == sorted(map(id, work))
    keys = [(i.kind != Kind.TODO, i.urgency, i.due or datetime.date.max) for i in shown]
    assert keys == sorted(keys)


def test_an_anonymous_user_has_no_work():
    from django.contrib.auth.models import AnonymousUser

    assert worklist.work_for(AnonymousUser()) == []


def test_every_app_registers_its_providers():
    assert {
        "reports.to_vet",
        "reports.mine",
        "cycles.preparation",
        "cycles.stragglers",
        "meetings.without_agenda",
        "meetings.presenting",
        "voting.to_prepare",
        "voting.my_results",
    } <= set(worklist.providers())
