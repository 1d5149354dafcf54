"""The daily assessment's API: recording a check (draft, then recorded), scores as decimal strings,
refusals in Chinese, scoping (another organisation's check 404, outside the remit 403), the daily score."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import review_of
from shuzhi.api.tests.helpers import post
from shuzhi.assessment import services
from shuzhi.assessment.models import Check, CheckStatus
from shuzhi.assessment.tests.helpers import check_day, record_check

pytestmark = pytest.mark.django_db


def body(cycle, org, scores, **extra):
    indicators = services.indicators_of(cycle)
    return {
        "organization_id": org.pk,
        "form_token": "api-1",
        "date": check_day(cycle).isoformat(),
        "methods": ["on_site", "documents"],
        "seen": "看了支部阵地",
        "scores": [
            {"indicator_id": i.pk, "score": s, "reason": "理由"} for i, s in zip(indicators, scores, strict=True)
        ],
        **extra,
    }


def test_an_inspector_records_a_check_through_the_api(college, cycle, client_for):
    client = client_for(college.gb_a_secretary)
    draft = post(client, f"/api/cycles/{cycle.pk}/checks", body(cycle, college.branch_a1, ["25.5", "", "", ""]))
    assert draft.status_code == 201, draft.content
    data = draft.json()
    assert data["status"] == "draft" and data["scores"][0]["score"] == "25.50" and data["scores"][1]["score"] is None
    again = post(client, f"/api/cycles/{cycle.pk}/checks", body(cycle, college.branch_a1, ["25.5", "", "", ""]))
    assert again.json()["id"] == data["id"]  # the same token: the same check
    done = client.put(
        f"/api/checks/{data['id']}",
        {**body(cycle, college.branch_a1, ["25.5", "20", "20", "10"]), "record": True},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "recorded" and done.json()["uses_not_preferred"] is True
    score = client.get(f"/api/reviews/{review_of(cycle, college.branch_a1).pk}/daily-score").json()
    assert score["present"] and Decimal(score["total"]) == Decimal("75.5") and score["percent"] == "75.50"
    assert score["check_ids"] == [data["id"]]
    stale = client.put(f"/api/checks/{data['id']}", {"seen": "改"}, content_type="application/json")
    assert stale.status_code == 409


def test_a_score_out_of_range_is_a_422_in_chinese_and_nothing_is_written(college, cycle, client_for):
    client = client_for(college.org_dept)
    response = post(
        client, f"/api/cycles/{cycle.pk}/checks", body(cycle, college.gb_a, ["31", "20", "20", "10"], record=True)
    )
    assert response.status_code == 422
    indicator = services.indicators_of(cycle)[0]
    assert {"field": f"score_{indicator.pk}", "message": "“严格落实组织生活制度”的得分须在 0 至 30 分之间。"} in (
        response.json()["detail"]
    )
    assert not Check.objects.exists()


def test_outside_the_remit_is_403_and_unseen_is_404(college, cycle, client_for):
    client = client_for(college.gb_a_secretary)
    assert post(client, f"/api/cycles/{cycle.pk}/checks", body(cycle, college.gb_a, ["1"] * 4)).status_code == 403
    assert post(client, f"/api/cycles/{cycle.pk}/checks", body(cycle, college.branch_b1, ["1"] * 4)).status_code == 404
    assert not Check.objects.exists()


def test_a_secretary_reads_her_own_checks_and_no_one_else_s(college, cycle, client_for):
    own = record_check(college.org_dept, cycle, college.branch_a1, [25, 20, 15, 10])
    other = record_check(college.org_dept, cycle, college.branch_b1, [25, 20, 15, 10])
    client = client_for(college.branch_a1_secretary)
    assert [c["id"] for c in client.get(f"/api/cycles/{cycle.pk}/checks").json()] == [own.pk]
    assert client.get(f"/api/checks/{own.pk}").status_code == 200
    assert client.get(f"/api/checks/{other.pk}").status_code == 404
    assert client.get(f"/api/reviews/{review_of(cycle, college.branch_b1).pk}/daily-score").status_code == 404
    assert post(client, f"/api/checks/{own.pk}/withdraw", {"reason": "不认可"}).status_code == 403
    own.refresh_from_db()
    assert own.status == CheckStatus.RECORDED


def test_a_review_without_a_check_says_its_daily_score_is_missing(college, cycle, client_for):
    response = client_for(college.org_dept).get(f"/api/reviews/{review_of(cycle, college.direct).pk}/daily-score")
    assert response.json()["present"] is False and response.json()["total"] is None and response.json()["rule"]


def test_the_list_s_queries_do_not_grow_with_the_checks(college, cycle, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(college.org_dept)
    record_check(college.org_dept, cycle, college.gb_a, [25, 20, 15, 10])
    client.get(f"/api/cycles/{cycle.pk}/checks")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/api/cycles/{cycle.pk}/checks")
    for org in (college.gb_b, college.branch_a1, college.branch_b1, college.direct):
        record_check(college.org_dept, cycle, org, [25, 20, 15, 10])
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(f"/api/cycles/{cycle.pk}/checks").json()) == 5
