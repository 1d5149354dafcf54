"""The daily assessment's services: default indicators, setting them and their lock, the rule, naming
inspectors, saving, recording and withdrawing checks — each audited, each idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shuzhi.assessment import services
from shuzhi.assessment.models import Check, CheckStatus, Indicator, Inspector, ScoreRule
from shuzhi.assessment.tests.helpers import check_input, record_check
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.verbs import Verb
from shuzhi.orgs.models import Person

pytestmark = pytest.mark.django_db


def events(verb) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


def test_a_cycle_starts_with_the_seed_s_four_indicators_summing_to_100(cycle):
    indicators = services.indicators_of(cycle)
    assert [i.name for i in indicators] == ["严格落实组织生活制度", "党支部建设", "党员队伍建设", "党建品牌建设"]
    assert sum(i.points for i in indicators) == Decimal(100)
    assert all(i.guidance for i in indicators)
    services.indicators_of(cycle)
    assert Indicator.objects.filter(cycle=cycle).count() == 4


def test_the_org_dept_changes_adds_and_removes_indicators_before_the_first_record(college, cycle):
    first, second, *_rest = services.indicators_of(cycle)
    rows = [
        services.IndicatorRow(pk=second.pk, name="党支部建设", points=Decimal(50), guidance="看阵地"),
        services.IndicatorRow(pk=first.pk, name="组织生活", points=Decimal(40)),
        services.IndicatorRow(pk=None, name="特色工作", points=Decimal("10.5")),
    ]
    result = services.set_indicators(college.org_dept, cycle, rows)
    assert [(i.name, i.points, i.order) for i in result] == [
        ("党支部建设", Decimal(50), 1),
        ("组织生活", Decimal(40), 2),
        ("特色工作", Decimal("10.5"), 3),
    ]
    assert result[0].pk == second.pk and result[1].pk == first.pk
    assert Indicator.objects.filter(cycle=cycle).count() == 3
    assert events(Verb.ASSESSMENT_INDICATORS_SET) == 1
    services.set_indicators(college.org_dept, cycle, rows)  # the same again: no change, no event
    assert events(Verb.ASSESSMENT_INDICATORS_SET) == 1


def test_a_draft_does_not_lock_the_indicators_and_loses_only_a_removed_indicator_s_score(college, cycle):
    draft = record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10], to_record=False)
    keep = services.indicators_of(cycle)[:2]
    services.set_indicators(
        college.org_dept, cycle, [services.IndicatorRow(pk=i.pk, name=i.name, points=i.points) for i in keep]
    )
    assert sorted(draft.scores.values_list("indicator_id", flat=True)) == sorted(i.pk for i in keep)


def test_a_recorded_check_locks_the_indicators_with_a_chinese_message(college, cycle):
    record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10])
    assert services.indicators_locked(cycle)
    rows = [services.IndicatorRow(pk=None, name="新指标", points=Decimal(100))]
    with pytest.raises(ValidationError) as refused:
        services.set_indicators(college.org_dept, cycle, rows)
    assert refused.value.messages == ["本年度已有检查记录使用了这些指标，指标已锁定，不能再修改。"]
    assert Indicator.objects.filter(cycle=cycle).count() == 4


def test_a_withdrawn_recorded_check_still_locks_them(college, cycle):
    check = record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10])
    services.withdraw_check(college.org_dept, check, reason="录错了")
    assert services.indicators_locked(cycle)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "请至少设置一项指标。"),
        ([services.IndicatorRow(pk=None, name="", points=Decimal(10))], "第 1 项指标：请填写指标名称。"),
        (
            [services.IndicatorRow(pk=None, name="甲", points=Decimal(0))],
            "第 1 项指标：分值须为大于 0、不超过 1000 的数。",
        ),
        ([services.IndicatorRow(pk=None, name="甲", points=Decimal("1.234"))], "第 1 项指标：分值最多两位小数。"),
        (
            [
                services.IndicatorRow(pk=None, name="甲", points=Decimal(10)),
                services.IndicatorRow(pk=None, name="甲", points=Decimal(10)),
            ],
            "第 2 项指标：“甲”重复了。",
        ),
    ],
)
def test_bad_indicators_are_refused_in_chinese(college, cycle, rows, message):
    with pytest.raises(ValidationError) as refused:
        services.set_indicators(college.org_dept, cycle, rows)
    assert message in refused.value.messages


def test_the_rule_is_a_setting_and_audited_once(college, cycle):
    services.set_rule(college.org_dept, cycle, ScoreRule.LATEST)
    services.set_rule(college.org_dept, cycle, ScoreRule.LATEST)
    assert events(Verb.ASSESSMENT_RULE_SET) == 1
    with pytest.raises(ValidationError):
        services.set_rule(college.org_dept, cycle, "median")


def test_only_a_committee_member_is_named_inspector_once(college, cycle):
    member = Person.objects.get(user=college.committee_member)
    first = services.name_inspector(college.org_dept, cycle, member)
    assert services.name_inspector(college.org_dept, cycle, member) == first
    assert events(Verb.INSPECTOR_NAMED) == 1
    with pytest.raises(ValidationError) as refused:
        services.name_inspector(college.org_dept, cycle, Person.objects.get(user=college.gb_a_secretary))
    assert refused.value.messages == ["只能指定现任学校党委委员为检查人。"]
    services.remove_inspector(college.org_dept, first)
    services.remove_inspector(college.org_dept, first)
    assert events(Verb.INSPECTOR_REMOVED) == 1
    assert not Inspector.objects.filter(removed_at__isnull=True).exists()
    assert services.name_inspector(college.org_dept, cycle, member) != first  # named again: a new row


def test_the_same_form_token_twice_is_one_check(college, cycle):
    data = check_input(cycle, [20, 20, 20, 10])
    one = services.save_check(college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t1")
    two = services.save_check(college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t1")
    assert one.pk == two.pk and Check.objects.count() == 1
    recorded = services.save_check(
        college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t1", to_record=True
    )
    again = services.save_check(
        college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t1", to_record=True
    )
    assert recorded.pk == again.pk and again.status == CheckStatus.RECORDED
    assert events(Verb.CHECK_RECORDED) == 1 and events(Verb.CHECK_DRAFT_SAVED) == 1


def test_another_user_cannot_take_over_a_form_token(college, cycle):
    data = check_input(cycle, [20, 20, 20, 10])
    services.save_check(college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t2")
    with pytest.raises(ValidationError):
        services.save_check(
            college.gb_a_secretary, cycle=cycle, organization=college.branch_a1, data=data, form_token="t2"
        )


def test_a_recorded_check_is_no_longer_a_draft(college, cycle):
    check = record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10])
    with pytest.raises(services.CheckNotEditable):
        services.save_check(
            college.org_dept,
            cycle=cycle,
            organization=college.gb_a,
            data=check_input(cycle, [1, 1, 1, 1]),
            form_token="other",
            check=check,
        )


def test_recording_needs_every_field_and_says_which_in_chinese(college, cycle):
    data = services.CheckInput()
    with pytest.raises(ValidationError) as refused:
        services.save_check(
            college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t3", to_record=True
        )
    errors = refused.value.message_dict
    indicator = services.indicators_of(cycle)[0]
    assert errors["date"] == ["请填写检查日期。"]
    assert errors["methods"] == ["请至少选择一种检查方式。"]
    assert errors["seen"] == ["请填写看到的情况：检查的具体事项。"]
    assert errors[f"score_{indicator.pk}"] == ["请为“严格落实组织生活制度”打分。"]
    assert errors[f"reason_{indicator.pk}"] == ["请填写“严格落实组织生活制度”的评分理由。"]
    assert not Check.objects.exists()


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("31", "“严格落实组织生活制度”的得分须在 0 至 30 分之间。"),
        ("-1", "“严格落实组织生活制度”的得分须在 0 至 30 分之间。"),
        ("12.345", "得分最多两位小数。"),
    ],
)
def test_a_score_out_of_range_is_refused_even_in_a_draft(college, cycle, score, message):
    data = check_input(cycle, [score, 20, 20, 10])
    indicator = services.indicators_of(cycle)[0]
    with pytest.raises(ValidationError) as refused:
        services.save_check(college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t4")
    assert refused.value.message_dict[f"score_{indicator.pk}"] == [message]
    assert not Check.objects.exists()


def test_a_check_in_the_future_or_another_year_is_refused(college, cycle):
    import datetime

    data = check_input(cycle, [20, 20, 20, 10])
    data.date = datetime.date(cycle.year - 1, 6, 1)
    with pytest.raises(ValidationError) as refused:
        services.save_check(college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t5")
    assert refused.value.message_dict["date"] == [f"检查日期须在本考核年度（{cycle.year} 年）内。"]


def test_methods_are_kept_in_order_and_not_preferred_ones_flagged(college, cycle):
    check = record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10], methods=("ledgers", "on_site"))
    assert check.methods == ["on_site", "ledgers"]
    assert check.uses_not_preferred
    plain = record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10], methods=("people",))
    assert not plain.uses_not_preferred


def test_withdrawing_needs_a_reason_and_keeps_the_check(college, cycle):
    check = record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10])
    with pytest.raises(ValidationError) as refused:
        services.withdraw_check(college.org_dept, check, reason=" ")
    assert refused.value.messages == ["请说明撤回这条检查的理由。"]
    services.withdraw_check(college.org_dept, check, reason="重复录入")
    services.withdraw_check(college.org_dept, check, reason="重复录入")
    check.refresh_from_db()
    assert check.status == CheckStatus.WITHDRAWN and check.withdrawal_reason == "重复录入"
    assert events(Verb.CHECK_WITHDRAWN) == 1


def test_control_characters_are_refused_not_stored(college, cycle):
    with pytest.raises(ValidationError) as refused:
        services.set_indicators(
            college.org_dept, cycle, [services.IndicatorRow(pk=None, name="组织\x00生活", points=Decimal(10))]
        )
    assert "第 1 项指标：" in refused.value.messages[0] and "U+0000" in refused.value.messages[0]
    data = check_input(cycle, [20, 20, 20, 10], seen="看了\x00活动室")
    with pytest.raises(ValidationError) as refused:
        services.save_check(college.org_dept, cycle=cycle, organization=college.gb_a, data=data, form_token="t6")
    assert "U+0000" in refused.value.message_dict["seen"][0]


def test_a_check_s_events_concern_the_checked_secretary(college, cycle):
    check = record_check(college.org_dept, cycle, college.branch_a1, [20, 20, 20, 10])
    services.withdraw_check(college.org_dept, check, reason="重复")
    secretary = Person.objects.get(user=college.branch_a1_secretary)
    concerned = AuditEvent.objects.filter(verb__in=[Verb.CHECK_RECORDED, Verb.CHECK_WITHDRAWN])
    assert list(concerned.values_list("person_id", flat=True)) == [secretary.pk, secretary.pk]
