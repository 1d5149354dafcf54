"""The evaluation API: the same services and scoping as the pages."""

from __future__ import annotations

from shuzhi.api.tests.helpers import post
from shuzhi.evaluation.models import GradingStatus, ReviewGrade


def test_read_propose_change_and_submit_through_the_api(college, committee_group, reviews, client_for):
    client = client_for(college.committee_member)
    base = f"/api/groups/{committee_group.pk}/grading"
    got = client.get(base).json()
    assert got["version"] == 0 and got["status"] == "draft" and len(got["rows"]) == 3 and got["ties"] == []
    assert all(r["flagged"] for r in got["rows"])  # no daily check, no reviewer score
    proposed = post(client, f"{base}/propose", {"base_version": 0}).json()
    assert proposed["version"] == 1 and {r["proposed"] for r in proposed["rows"]} == {"fair"}
    review = reviews["gb_a"]
    no_reason = post(client, f"{base}/reviews/{review.pk}/grade", {"base_version": 1, "grade": "good", "reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["field"] == "reason"
    changed = post(
        client, f"{base}/reviews/{review.pk}/grade", {"base_version": 1, "grade": "good", "reason": "实绩突出"}
    )
    assert changed.status_code == 200 and changed.json()["quota"]["over_cap"] is True
    stale = post(
        client, f"{base}/reviews/{reviews['gb_b'].pk}/grade", {"base_version": 1, "grade": "good", "reason": "x"}
    )
    assert stale.status_code == 409 and "其他人修改" in stale.json()["detail"]
    over = post(client, f"{base}/submit", {"base_version": 2})
    assert over.status_code == 422 and "超过上限" in over.json()["detail"][0]["message"]
    post(client, f"{base}/reviews/{review.pk}/grade", {"base_version": 2, "grade": "fair", "reason": "名额所限"})
    done = post(client, f"{base}/submit", {"base_version": 3})
    assert done.status_code == 200 and done.json()["status"] == GradingStatus.SUBMITTED


def test_the_reviewers_score_out_of_range_is_422(college, committee_group, reviews, client_for):
    client = client_for(college.committee_member)
    url = f"/api/groups/{committee_group.pk}/grading/reviews/{reviews['gb_a'].pk}/score"
    response = post(client, url, {"base_version": 0, "score": "120"})
    assert response.status_code == 422 and "0 至 100" in response.json()["detail"][0]["message"]
    rows = post(client, url, {"base_version": 0, "score": "88.5"}).json()["rows"]
    assert {r["review_id"]: r["reviewer_score"] for r in rows}[reviews["gb_a"].pk] == "88.50"
    assert ReviewGrade.objects.get(review=reviews["gb_a"]).reviewer_score == 88.5


def test_the_breakdown_is_scoped(college, committee_group, reviews, client_for):
    body = client_for(college.org_dept).get(f"/api/reviews/{reviews['gb_b'].pk}/breakdown").json()
    assert body["composite"] == "86.67" and body["missing"] == ["daily", "reviewer"] and body["rule"] == "reweight"
    assert [p["effective_weight"] for p in body["parts"]] == ["100.00", "0.00", "0.00"]
    assert client_for(college.direct_secretary).get(f"/api/reviews/{reviews['gb_b'].pk}/breakdown").status_code == 404
    assert client_for(college.direct_secretary).get(f"/api/reviews/{reviews['direct'].pk}/breakdown").status_code == 403
    other = post(
        client_for(college.gb_b_secretary), f"/api/groups/{committee_group.pk}/grading/propose", {"base_version": 0}
    )
    assert other.status_code == 403
