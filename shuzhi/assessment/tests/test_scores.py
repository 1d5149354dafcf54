"""The scores API (scores.py): the daily score per organisation under each rule, what counts, the
findings, a fixed number of queries; and, as properties, the default rule equals the mean per indicator
summed and stays within 0..max."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import review_of
from shuzhi.assessment import scores, services
from shuzhi.assessment.models import Indicator, ScoreRule
from shuzhi.assessment.tests.helpers import record_check

pytestmark = pytest.mark.django_db


def test_a_review_without_a_recorded_check_has_no_daily_score(college, cycle):
    record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10], to_record=False)
    assert scores.daily_score(review_of(cycle, college.gb_a)) is None


def test_the_default_rule_is_the_mean_per_indicator_summed(college, cycle):
    record_check(college.org_dept, cycle, college.gb_a, [30, 20, 25, 15])
    record_check(college.org_dept, cycle, college.gb_a, [20, 25, 10, 5], day=3)
    record_check(college.org_dept, cycle, college.gb_a, [10, 10, 10, 10], day=5)
    result = scores.daily_score(review_of(cycle, college.gb_a))
    with decimal.localcontext(prec=scores.PRECISION):
        third = Decimal(55) / 3
        assert [i.score for i in result.per_indicator] == [Decimal(20), third, Decimal(15), Decimal(10)]
        assert result.total == Decimal(20) + third + Decimal(25)
    assert [i.checks for i in result.per_indicator] == [3, 3, 3, 3]
    assert result.max_points == Decimal(100)
    assert result.percent == result.total
    assert result.total.quantize(Decimal("0.01")) == Decimal("63.33")
    assert len(result.check_ids) == 3
    assert "平均" in result.rule


def test_the_latest_rule_takes_the_latest_checks_scores(college, cycle):
    services.set_rule(college.org_dept, cycle, ScoreRule.LATEST)
    record_check(college.org_dept, cycle, college.gb_a, [30, 30, 25, 15], day=10)
    latest = record_check(college.org_dept, cycle, college.gb_a, [10, 10, 10, 10], day=20)
    record_check(college.org_dept, cycle, college.gb_a, [0, 0, 0, 0], day=1)
    result = scores.daily_score(review_of(cycle, college.gb_a))
    assert result.total == Decimal(40)
    assert result.check_ids[-1] == latest.pk
    assert "最近" in result.rule


def test_withdrawn_checks_and_drafts_do_not_count(college, cycle):
    kept = record_check(college.org_dept, cycle, college.gb_a, [30, 30, 25, 15])
    gone = record_check(college.org_dept, cycle, college.gb_a, [0, 0, 0, 0])
    services.withdraw_check(college.org_dept, gone, reason="录入错误")
    record_check(college.org_dept, cycle, college.gb_a, [0, 0, 0, 0], to_record=False)
    result = scores.daily_score(review_of(cycle, college.gb_a))
    assert result.total == Decimal(100)
    assert result.check_ids == (kept.pk,)


def test_percent_against_other_points(college, cycle):
    rows = [services.IndicatorRow(pk=None, name="组织生活", points=Decimal(40))]
    services.set_indicators(college.org_dept, cycle, rows)
    record_check(college.org_dept, cycle, college.gb_a, [30])
    result = scores.daily_score(review_of(cycle, college.gb_a))
    assert result.max_points == Decimal(40)
    assert result.percent == Decimal(75)


def test_daily_scores_makes_the_same_queries_for_one_or_many_organisations(college, cycle, django_assert_num_queries):
    orgs = [college.gb_a, college.gb_b, college.branch_a1, college.branch_b1, college.direct]
    for org in orgs:
        record_check(college.org_dept, cycle, org, [20, 20, 20, 10])
        record_check(college.org_dept, cycle, org, [25, 20, 15, 10])
    with django_assert_num_queries(3):
        one = scores.daily_scores(cycle, [college.gb_a.pk])
    with django_assert_num_queries(3):
        many = scores.daily_scores(cycle, [org.pk for org in orgs] + [college.branch_a2.pk])
    assert one[college.gb_a.pk] == many[college.gb_a.pk]
    assert many[college.branch_a2.pk] is None
    assert set(many) == {org.pk for org in orgs} | {college.branch_a2.pk}


def test_findings_name_what_was_seen_said_and_the_reasons_of_low_scores(college, cycle):
    check = record_check(
        college.org_dept,
        cycle,
        college.gb_a,
        [30, 10, 25, 15],
        seen="活动室整洁，台账齐全",
        heard="党员说组织生活有收获",
    )
    findings = scores.findings_for(review_of(cycle, college.gb_a))
    assert [f.kind for f in findings] == ["seen", "heard", "low_score"]
    assert all(f.check_id == check.pk and f.date == check.date for f in findings)
    assert findings[0].text == "活动室整洁，台账齐全"
    assert "党支部建设" in findings[2].text and "10" in findings[2].text and "党支部建设的评分理由" in findings[2].text


# --- Properties of the rule (pure: no database) ------------------------------------------------------

points_st = st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2), min_size=1, max_size=6)


@st.composite
def cases(draw):
    points = draw(points_st)
    indicators = [Indicator(pk=n + 1, name=f"指标{n}", points=p) for n, p in enumerate(points)]
    n_checks = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for check_id in range(1, n_checks + 1):
        for indicator in indicators:
            score = draw(st.decimals(min_value=Decimal(0), max_value=indicator.points, places=2))
            rows.append((check_id, (check_id,), indicator.pk, score))
    return indicators, rows


@given(cases())
def test_the_mean_rule_equals_the_mean_per_indicator_summed_and_stays_within_0_and_max(case):
    indicators, rows = case
    result = scores.combine(ScoreRule.MEAN, indicators, rows)
    expected = Fraction(0)
    for indicator in indicators:
        mine = [Fraction(score) for _c, _o, pk, score in rows if pk == indicator.pk]
        expected += sum(mine) / len(mine)
    assert abs(Fraction(result.total) - expected) < Fraction(1, 10**30)
    assert Decimal(0) <= result.total <= result.max_points == sum(i.points for i in indicators)
    assert Decimal(0) <= result.percent <= Decimal(100)
    for item in result.per_indicator:
        assert Decimal(0) <= item.score <= item.points


@given(cases())
def test_the_latest_rule_stays_within_0_and_max_and_is_a_check_s_own_scores(case):
    indicators, rows = case
    result = scores.combine(ScoreRule.LATEST, indicators, rows)
    last = max(c for c, _o, _pk, _s in rows)
    assert result.total == sum(score for c, _o, _pk, score in rows if c == last)
    assert Decimal(0) <= result.total <= result.max_points


# --- The same property through the database ---------------------------------------------------------

db_cases = st.lists(
    st.lists(st.decimals(min_value=Decimal(0), max_value=Decimal(15), places=2), min_size=4, max_size=4),
    min_size=1,
    max_size=5,
)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(per_org=st.lists(db_cases, min_size=1, max_size=3))
def test_daily_scores_from_the_database_equal_the_mean_per_indicator_summed(college, cycle, per_org):
    from django.db import transaction

    orgs = [college.gb_a, college.gb_b, college.direct]
    with transaction.atomic():
        for org, checks in zip(orgs, per_org, strict=False):
            for values in checks:
                record_check(college.org_dept, cycle, org, values)
        result = scores.daily_scores(cycle, [org.pk for org in orgs])
        for org, checks in zip(orgs, per_org, strict=False):
            expected = sum(
                (sum((Fraction(c[n]) for c in checks), Fraction(0)) / len(checks) for n in range(4)), Fraction(0)
            )
            assert abs(Fraction(result[org.pk].total) - expected) < Fraction(1, 10**30)
            assert Decimal(0) <= result[org.pk].total <= result[org.pk].max_points
        for org in orgs[len(per_org) :]:
            assert result[org.pk] is None
        transaction.set_rollback(True)
