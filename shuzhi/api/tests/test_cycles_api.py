"""The API for cycles, Reviews, preparation and duty reports: same services, same scoping."""

from conftest import review_of
from shuzhi.api.tests.helpers import post
from shuzhi.audit.models import AuditEvent
from shuzhi.cycles.models import PreparationItem, ReviewCycle
from shuzhi.reports.models import DutyReport


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def test_org_dept_opens_a_cycle_and_a_second_open_is_refused(college, client_for):
    client = client_for(college.org_dept)
    response = post(client, "/api/cycles", {"year": 2027, "title": "2027年度述职评议考核", "key_items": ["重点一"]})
    assert response.status_code == 201 and response.json()["reviews_created"] == 5
    again = post(client, "/api/cycles", {"year": 2027, "title": "again"})
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "year"
    assert ReviewCycle.objects.count() == 1


def test_secretary_cannot_open_a_cycle(college, client_for):
    response = post(client_for(college.branch_a1_secretary), "/api/cycles", {"year": 2027, "title": "t"})
    assert response.status_code == 403 and not ReviewCycle.objects.exists()


def test_illegal_stage_jump_is_422(college, cycle, client_for):
    response = post(client_for(college.org_dept), f"/api/cycles/{cycle.pk}/stage", {"stage": "decision"})
    assert response.status_code == 422


def test_the_stage_endpoint_keeps_the_groups_gates_and_takes_an_override_reason(college, cycle, client_for):
    client = client_for(college.org_dept)
    refused = post(client, f"/api/cycles/{cycle.pk}/stage", {"stage": "report"})
    assert refused.status_code == 422 and "尚未完成述前准备" in str(refused.json())
    cycle.refresh_from_db()
    assert cycle.stage == "preparation"
    moved = post(client, f"/api/cycles/{cycle.pk}/stage", {"stage": "report", "override_reason": "按计划进入撰写阶段"})
    assert moved.status_code == 200 and moved.json()["stage"] == "report"
    assert set(cycle.groups.values_list("stage", flat=True)) == {"report"}
    reviews = client.get(f"/api/cycles/{cycle.pk}/reviews").json()
    assert {r["stage"] for r in reviews} == {"preparation"}  # each Review's own stage: nobody has prepared yet


def test_progress_board_is_scoped(college, cycle, client_for):
    names = lambda user: {r["organization"] for r in client_for(user).get(f"/api/cycles/{cycle.pk}/reviews").json()}  # noqa: E731
    assert names(college.gb_a_secretary) == {"甲学院党总支", "甲学院教工党支部"}
    assert names(college.branch_b1_secretary) == {"乙学院教工党支部"}
    assert len(names(college.committee_member)) == 5


def test_secretary_writes_submits_and_reviewer_returns_through_the_api(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    client = client_for(college.branch_a1_secretary)
    report = client.get(f"/api/reviews/{review.pk}/report").json()
    answers = {str(p["id"]): "已整改" for p in report["prior_problems"]}
    saved = put(
        client,
        f"/api/reviews/{review.pk}/report",
        {
            "base_revision": 0,
            "practices": "我带头讲党课3次",
            "problems": "问题",
            "next_steps": "措施",
            "prior_answers": answers,
        },
    )
    assert saved.status_code == 200 and saved.json()["revision"] == 1
    stale = put(client, f"/api/reviews/{review.pk}/report", {"base_revision": 0, "practices": "另一个标签页"})
    assert stale.status_code == 409
    assert post(client, f"/api/reviews/{review.pk}/report/submit", {"base_revision": 1}).status_code == 200
    reviewer = client_for(college.gb_a_secretary)
    vetted = post(
        reviewer, f"/api/reviews/{review.pk}/report/vetting", {"version": 1, "outcome": "returned", "comment": "请补充"}
    )
    assert vetted.json()["status"] == "returned"


def test_other_secretary_cannot_reach_a_report_by_id(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    client = client_for(college.branch_b1_secretary)
    events = AuditEvent.objects.count()
    assert client.get(f"/api/reviews/{review.pk}/report").status_code == 404
    assert put(client, f"/api/reviews/{review.pk}/report", {"base_revision": 0, "practices": "x"}).status_code == 404
    assert post(client, f"/api/reviews/{review.pk}/report/submit", {"base_revision": 0}).status_code == 404
    assert (
        post(client, f"/api/reviews/{review.pk}/preparation", {"kind": "research", "content": "x"}).status_code == 404
    )
    assert AuditEvent.objects.count() == events
    assert not DutyReport.objects.filter(review=review, revision__gt=0).exists()


def test_reviewer_reads_but_cannot_write_the_report(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    client = client_for(college.gb_a_secretary)
    assert client.get(f"/api/reviews/{review.pk}/report").status_code == 200
    assert put(client, f"/api/reviews/{review.pk}/report", {"base_revision": 0, "practices": "x"}).status_code == 403


def test_committee_member_cannot_vet_a_branch_report(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    response = post(
        client_for(college.committee_member),
        f"/api/reviews/{review.pk}/report/vetting",
        {"version": 1, "outcome": "passed"},
    )
    assert response.status_code == 403


def test_preparation_through_the_api(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    client = client_for(college.branch_a1_secretary)
    response = post(
        client,
        f"/api/reviews/{review.pk}/preparation",
        {"kind": "research", "content": "走访实训基地", "place": "实训楼", "people": "学生党员"},
    )
    assert response.status_code == 201
    item_id = response.json()["id"]
    assert post(client, f"/api/reviews/{review.pk}/preparation/{item_id}/withdraw").json()["withdrawn"]
    assert PreparationItem.objects.get(pk=item_id).is_withdrawn


def test_a_withdrawn_prior_problem_and_its_answer_leave_the_report_api(college, cycle, client_for):
    from shuzhi.cycles import services as cycle_services

    review = review_of(cycle, college.branch_a1)
    keep = cycle_services.add_prior_problem(
        college.org_dept,
        organization=college.branch_a1,
        year=cycle.year - 1,
        kind="notified",
        text="组织生活会质量不高",
    )
    wrong = cycle_services.add_prior_problem(
        college.org_dept, organization=college.branch_a1, year=cycle.year - 1, kind="notified", text="录错的问题"
    )
    client = client_for(college.branch_a1_secretary)
    put(
        client,
        f"/api/reviews/{review.pk}/report",
        {"base_revision": 0, "practices": "做法", "prior_answers": {str(keep.pk): "已整改", str(wrong.pk): "已整改"}},
    )
    cycle_services.withdraw_prior_problem(college.org_dept, wrong, reason="录入有误")
    report = client.get(f"/api/reviews/{review.pk}/report").json()
    listed = [p["id"] for p in report["prior_problems"]]
    assert keep.pk in listed and wrong.pk not in listed
    assert report["prior_answers"] == {str(keep.pk): "已整改"}
