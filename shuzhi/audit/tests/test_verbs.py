"""Typed audit events: one registry of verbs, record() refuses anything else, the verb and the person
concerned join the hash chain without changing the hash of events stored before them, and events from
before the verbs get theirs from what they stored (the same on the page and in the filter)."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from shuzhi.audit import chain, legacy, verbs
from shuzhi.audit.models import AuditAction, AuditEvent
from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_verb_has_a_stable_code_a_kind_and_a_chinese_label():
    codes = [code for code, _label in Verb.choices]
    assert len(codes) == len(set(codes))
    assert set(verbs.KINDS) == set(codes)
    with translation.override("zh-hans"):
        labels = [str(label) for _code, label in Verb.choices]
    for code, label in zip(codes, labels, strict=True):
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", code), code
        assert CJK.search(label) and not re.search(r"[A-Za-z]{2,}", label.replace("Excel", "")), (code, label)
    assert len(labels) == len(set(labels)), "two verbs read the same"


@pytest.mark.parametrize("not_a_verb", ["login", AuditAction.UPDATE, "report.approved", "", None])
def test_record_refuses_anything_but_a_registered_verb(db, not_a_verb):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="verb"):
        record("系统", not_a_verb)
    assert AuditEvent.objects.count() == before


def test_record_stores_the_verb_its_kind_the_qualified_type_and_the_person_concerned(college):
    from shuzhi.orgs.models import Position

    position = Position.objects.get(person=college.branch_a1_secretary.person)
    event = record(college.org_dept, Verb.POSITION_ENDED, position)
    assert (event.verb, event.action, event.object_type) == ("position.ended", "update", "orgs.position")
    assert event.person_id == college.branch_a1_secretary.person.pk
    assert (
        record(college.org_dept, Verb.LOGIN, college.direct_secretary).person_id == college.direct_secretary.person.pk
    )
    assert record("系统", Verb.NETWORK_LOCKED, object_repr="10.0.0.0/24").person_id is None


# --- The hash chain -------------------------------------------------------------------------------

OLD_ROW = dict(
    at=datetime.datetime(2026, 11, 30, 8, 15, 0, 123456, tzinfo=datetime.UTC),
    actor_id=3,
    actor_name="组织部甲（90001）",
    action="update",
    object_type="organization",
    object_id="7",
    object_repr="机关直属党支部",
    organization_id=7,
    before={"name": "旧名"},
    after={"name": "新名"},
    ip="2001:db8::1",
    note="",
)
# What the chain gave this row before the verbs existed (computed with the code of commit ae33976).
OLD_HASH = "569f2d7d636d681a434622480f2de207012e52d4e4846378ec87c8c19197064a"


def test_an_event_without_verb_or_person_hashes_as_before_the_verbs_existed():
    assert chain.event_hash("", chain.values_of(SimpleNamespace(**OLD_ROW))) == OLD_HASH  # no such attributes
    assert chain.event_hash("", chain.values_of(SimpleNamespace(**OLD_ROW, verb="", person_id=None))) == OLD_HASH


@settings(max_examples=60, deadline=None)
@given(
    verb=st.sampled_from([code for code, _label in Verb.choices]),
    person_id=st.one_of(st.none(), st.integers(min_value=1, max_value=2**40)),
)
def test_the_verb_and_the_person_are_covered_by_the_hash(verb, person_id):
    row = SimpleNamespace(**OLD_ROW, verb=verb, person_id=person_id)
    digest = chain.event_hash("", chain.values_of(row))
    assert digest != OLD_HASH  # a verb set: hashed with it
    for changed in (
        {"verb": ""},
        {"verb": "org.moved" if verb != "org.moved" else "org.created"},
        {"person_id": (person_id or 0) + 1},
    ):
        other = SimpleNamespace(**{**vars(row), **changed})
        assert chain.event_hash("", chain.values_of(other)) != digest, changed


def test_old_events_and_new_ones_verify_as_one_chain(college):
    from io import StringIO

    from django.core.management import call_command

    # An event as the code before the verbs wrote it (bare model name, no verb), then typed ones.
    AuditEvent.objects.create(
        actor_name="组织部甲（90001）",
        action="update",
        object_type="organization",
        object_id=str(college.direct.pk),
        object_repr="机关直属党支部",
        before={"name": "旧名"},
        after={"name": "新名"},
    )
    record(college.org_dept, Verb.ORG_CHANGED, college.direct, before={"name": "新名"}, after={"name": "再改"})
    record(college.org_dept, Verb.PERSON_CHANGED, college.direct_secretary.person)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "哈希链完整" in out.getvalue()


# --- Events from before the verbs -----------------------------------------------------------------


def _old_event(rule: legacy.Rule, **extra) -> AuditEvent:
    """An event as the code before the verbs wrote it, shaped to match this rule."""
    after = {}
    if rule.after_key:
        after[rule.after_key] = "x"
    if rule.after_status:
        after["status"] = rule.after_status
    note = translation.gettext(rule.note_is[0]) if rule.note_is else ("" if rule.note_empty in (None, True) else "备注")
    return AuditEvent.objects.create(
        actor_name="组织部甲（90001）",
        action=rule.action,
        object_type=rule.object_type,
        object_id="1",
        object_repr="对象",
        note=note,
        before=None if rule.before_empty else {"k": 1},
        after=None if rule.after_empty else (after or {"k": 2}),
        **extra,
    )


def test_every_old_event_shape_gets_its_verb_on_the_page_and_in_the_filter(db):
    with translation.override("zh-hans"):
        made = [(rule, _old_event(rule)) for rule in legacy.RULES]
        for rule, event in made:
            assert legacy.event_verb(event) == rule.verb, rule
            assert AuditEvent.objects.filter(legacy.verb_q(rule.verb), pk=event.pk).exists(), rule
        for code, _label in Verb.choices:  # the filter and the page agree on every event
            in_filter = set(AuditEvent.objects.filter(legacy.verb_q(code)).values_list("pk", flat=True))
            on_page = {event.pk for _rule, event in made if legacy.event_verb(event) == code}
            assert in_filter == on_page, code


def test_an_old_event_no_rule_knows_shows_its_action(db):
    event = AuditEvent.objects.create(actor_name="x", action="update", object_type="gone")
    with translation.override("zh-hans"):
        assert legacy.event_verb(event) == "" and legacy.verb_label(event) == str(event.get_action_display())


def test_every_verb_of_the_old_services_has_a_rule_for_its_old_events():
    """Verbs that existed before the registry (all of them now) are found on old events too; a verb added
    later has no old events and needs no rule (list it here)."""
    added_later: set[str] = {
        Verb.GROUP_STAGE_MOVED,
        Verb.GROUP_GATE_OVERRIDDEN,
        Verb.ATTACHMENT_ADDED,
        Verb.ATTACHMENT_WITHDRAWN,
        Verb.ASSESSMENT_INDICATORS_SET,
        Verb.ASSESSMENT_RULE_SET,
        Verb.INSPECTOR_NAMED,
        Verb.INSPECTOR_REMOVED,
        Verb.CHECK_DRAFT_SAVED,
        Verb.CHECK_RECORDED,
        Verb.CHECK_WITHDRAWN,
        # The comprehensive evaluation
        Verb.SCHEME_SAVED,
        Verb.GRADES_PROPOSED,
        Verb.GRADE_CHANGED,
        Verb.REVIEWER_SCORE_SET,
        Verb.GRADING_SUBMITTED,
        Verb.GRADING_REOPENED,
        Verb.OPINION_SAVED,
    }
    assert {rule.verb for rule in legacy.RULES} | added_later == set(verbs.KINDS) - {
        Verb.PRIOR_PROBLEM_IMPORTED,  # old events read as 'added': the same stored shape
    }
