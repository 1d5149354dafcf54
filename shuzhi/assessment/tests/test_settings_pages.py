"""The org dept's settings page (indicators, rule, inspectors) and the method shares, through the pages."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest

from shuzhi.assessment import scores, services
from shuzhi.assessment.models import Indicator, Inspector, ScoreRule
from shuzhi.assessment.tests.helpers import record_check

pytestmark = pytest.mark.django_db


def indicator_post(rows) -> dict:
    data = {"action": "indicators"}
    for n, (pk, name, points, guidance) in enumerate(rows):
        data.update(
            {f"ind-{n}-pk": pk, f"ind-{n}-name": name, f"ind-{n}-points": points, f"ind-{n}-guidance": guidance}
        )
    return data


def test_the_org_dept_sets_the_indicators_on_the_page(college, cycle, client_for):
    client = client_for(college.org_dept)
    url = f"/assessment/cycles/{cycle.pk}/settings/"
    first, second, *_ = services.indicators_of(cycle)
    response = client.post(
        url,
        indicator_post(
            [(first.pk, "组织生活", "60", "看三会一课现场"), (second.pk, "", "", ""), ("", "支部建设", "40", "")]
        ),
    )
    assert response.status_code == 302
    assert [(i.name, i.points) for i in services.indicators_of(cycle)] == [
        ("组织生活", Decimal(60)),
        ("支部建设", Decimal(40)),
    ]


def test_bad_indicators_keep_what_was_typed(college, cycle, client_for):
    response = client_for(college.org_dept).post(
        f"/assessment/cycles/{cycle.pk}/settings/", indicator_post([("", "新指标", "很多", "要点<b>")])
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "第 1 项指标：分值须为大于 0、不超过 1000 的数。" in page
    assert 'value="很多"' in page and "要点<b>" in page
    assert Indicator.objects.filter(cycle=cycle).count() == 4


def test_locked_indicators_are_refused_on_the_server(college, cycle, client_for):
    record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10])
    client = client_for(college.org_dept)
    page = client.get(f"/assessment/cycles/{cycle.pk}/settings/").content.decode()
    assert 'id="indicators-locked"' in page and 'id="indicators-form"' not in page
    response = client.post(f"/assessment/cycles/{cycle.pk}/settings/", indicator_post([("", "新指标", "100", "")]))
    assert response.status_code == 400
    assert "本年度已有检查记录使用了这些指标，指标已锁定，不能再修改。" in response.content.decode()
    assert Indicator.objects.filter(cycle=cycle).count() == 4


def test_the_rule_is_set_on_the_page_and_stated(college, cycle, client_for):
    client = client_for(college.org_dept)
    url = f"/assessment/cycles/{cycle.pk}/settings/"
    assert client.post(url, {"action": "rule", "rule": "latest"}).status_code == 302
    assert scores.cycle_rule(cycle) == ScoreRule.LATEST
    assert "最近一次已记录检查的得分" in client.get(url).content.decode()
    assert client.post(url, {"action": "rule", "rule": "max"}).status_code == 400


def test_naming_and_removing_an_inspector(college, cycle, client_for):
    client = client_for(college.org_dept)
    member = college.committee_member.person
    assert client.post(f"/assessment/cycles/{cycle.pk}/inspectors/", {"person": member.pk}).status_code == 302
    inspector = Inspector.objects.get(removed_at__isnull=True)
    refused = client.post(f"/assessment/cycles/{cycle.pk}/inspectors/", {"person": college.gb_a_secretary.person.pk})
    assert refused.status_code == 400 and "选择一个有效的选项" in refused.content.decode()
    remove = f"/assessment/cycles/{cycle.pk}/inspectors/{inspector.pk}/remove/"
    assert client.post(remove).status_code == 302
    assert not Inspector.objects.filter(removed_at__isnull=True).exists()


def test_the_method_shares_per_inspector_and_organisation(college, cycle, client_for):
    record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10], methods=("on_site", "briefing"))
    record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10], methods=("people",))
    record_check(college.gb_a_secretary, cycle, college.branch_a1, [20, 20, 20, 10], methods=("ledgers",))
    record_check(
        college.gb_a_secretary, cycle, college.branch_a1, [20, 20, 20, 10], methods=("ledgers",), to_record=False
    )
    page = client_for(college.org_dept).get(f"/assessment/cycles/{cycle.pk}/methods/").content.decode()
    assert "已记录的 3 次检查中有 2 次（66.7%）用了非首选方式。" in page
    from shuzhi.assessment import listing

    shares = listing.method_shares(college.org_dept, cycle)
    by_inspector = {s.label: (s.total, s.not_preferred, s.percent) for s in shares["by_inspector"]}
    assert by_inspector == {"组织部甲": (2, 1, Decimal(50)), "总支书记甲": (1, 1, Decimal(100))}
    by_org = {s.label: (s.total, s.not_preferred) for s in shares["by_organization"]}
    assert by_org == {"甲学院党总支": (2, 1), "甲学院教工党支部": (1, 1)}


def test_the_pages_queries_do_not_grow_with_the_checks(college, cycle, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import review_of

    client = client_for(college.org_dept)
    record_check(college.org_dept, cycle, college.gb_a, [25, 20, 15, 10])
    urls = [
        f"/assessment/cycles/{cycle.pk}/",
        f"/assessment/cycles/{cycle.pk}/methods/",
        f"/assessment/cycles/{cycle.pk}/settings/",
        f"/reports/review/{review_of(cycle, college.gb_a).pk}/",
        f"/cycles/{cycle.pk}/",
        "/",
    ]
    counts = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few)
    for org in (college.gb_b, college.branch_a1, college.branch_b1, college.direct, college.gb_a, college.gb_a):
        record_check(college.org_dept, cycle, org, [25, 20, 15, 10], methods=("ledgers",))
        record_check(college.gb_a_secretary, cycle, college.branch_a1, [25, 20, 15, 10])
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
