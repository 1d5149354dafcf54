"""What a 学校党委委员 (committee member) may do, page by page and endpoint by endpoint.

The product (PRODUCT.md): the committee runs the on-site review of the 党总支 and 直属党支部 secretaries
and decides their grades. So the member runs the committee's review meeting — schedules it, steps the
presenter screen, comments, runs its vote (codes, open and close, paper entry, rehearsals, the ballot's
design) — and vets (审核: passes or returns) the reports of the secretaries the committee reviews. They read the
rest (tree, people, cycles, reports, other meetings, closed results). They do not manage the tree,
people, positions or import, nor set up the cycle (opening it, its stages, last year's problems, the
quality check's rules, the cycle's ballot form), nor read the audit log. A 党总支's meeting is run by
that 党总支, and its branch secretaries' reports are vetted by it.

Decided in shuzhi.orgs.access only. Every route and API operation is tried as the committee member, on
the committee's own objects and on a general branch's, by the permission matrix
(shuzhi/orgs/tests/test_permission_matrix.py, its "committee" column: the one table of who may do what).
The tests here follow the rights that matter through to their effects.
"""

from __future__ import annotations

from django.utils import timezone

from conftest import review_of
from shuzhi.orgs import access
from shuzhi.orgs.models import PositionRole


def build_world(college, cycle, meeting, survey) -> dict[str, dict]:
    """The parameters of every route, for the committee's own objects and for 甲学院党总支's: for each,
    a submitted report with a preparation item, an open vote with a paper entry, the meeting's comments."""
    from shuzhi.cycles import services as cycle_services
    from shuzhi.cycles.models import PriorProblem
    from shuzhi.meetings import services as meeting_services
    from shuzhi.reports import services as report_services
    from shuzhi.reports.services import ReportContent
    from shuzhi.voting import services as voting
    from shuzhi.voting.models import PaperEntry
    from shuzhi.voting.services import BallotInput

    branch_meeting = meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        expected_attendees=20,
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    branch_survey = voting.create_survey(college.org_dept, branch_meeting)
    voting.issue_codes(college.org_dept, branch_survey, 3)
    voting.open_survey(college.org_dept, branch_survey)

    worlds = {}
    for label, org, secretary, a_meeting, a_survey in [
        ("committee", college.gb_a, college.gb_a_secretary, meeting, survey),
        ("branch", college.branch_a1, college.branch_a1_secretary, branch_meeting, branch_survey),
    ]:
        review = review_of(cycle, org)
        item = cycle_services.add_preparation_item(
            secretary, review, kind="research", content="走访实训中心", place="实训中心", people="学生党员"
        )
        answers = {str(p.pk): "已整改：" + p.text for p in cycle_services.prior_problems_for(review)}
        report = report_services.save_draft(
            secretary,
            review,
            ReportContent("我带头讲专题党课3次。", "理论学习深度不够。", "每月开展一次专题研讨。", answers),
            base_revision=0,
        )
        report_services.submit(secretary, review, base_revision=report.revision)
        meeting_services.add_comment(
            college.org_dept, a_meeting, review=review, problems="调研不够深入。", direction="多下基层。"
        )
        a_survey.refresh_from_db()
        paper_codes = voting.issue_codes(college.org_dept, a_survey, 1, paper=True)
        voting.set_paper_double_entry(college.org_dept, a_survey, True)
        first = str(a_survey.presenters[0]["review"])
        voting.enter_paper_ballot(
            college.org_dept, a_survey, paper_codes[0], BallotInput({first: "satisfied"}, {}, {}, "")
        )
        person = secretary.person
        worlds[label] = {
            "org_id": org.pk,
            "person_id": person.pk,
            "position_id": person.positions.first().pk,
            "cycle_id": cycle.pk,
            "review_id": review.pk,
            "meeting_id": a_meeting.pk,
            "survey_id": a_survey.pk,
            "group_id": review.group_id,
            "item_id": item.pk,
            "kind": "research",
            "number": 1,
            "problem_id": PriorProblem.objects.filter(organization=college.branch_a1).first().pk,
            "entry_id": PaperEntry.objects.get(survey=a_survey).pk,
        }
    return worlds


# --- The rights that matter, with their effects -------------------------------------------------------


def api(client, method: str, path: str, body=None):
    return getattr(client, method)(path, body if body is not None else {}, content_type="application/json")


def test_the_committee_member_schedules_the_committees_meeting_but_not_a_general_branchs(college, cycle, client_for):
    from shuzhi.meetings.models import Meeting

    client = client_for(college.committee_member)
    body = {
        "cycle_id": cycle.pk,
        "title": "党委扩大会议",
        "starts_at": "2026-12-20T09:00:00+08:00",
        "place": "一会",
        "agenda": [{"review_id": review_of(cycle, college.direct).pk}],
    }
    response = api(client, "post", "/api/meetings", {**body, "reviewer_id": college.committee.pk})
    assert response.status_code == 201, response.json()
    assert Meeting.objects.get(pk=response.json()["id"]).reviewer == college.committee
    refused = api(client, "post", "/api/meetings", {**body, "reviewer_id": college.gb_a.pk, "agenda": []})
    assert refused.status_code == 403 and Meeting.objects.count() == 1


def test_the_committee_member_steps_the_screen_and_comments_at_the_committees_meeting(
    college, cycle, meeting, client_for
):
    client = client_for(college.committee_member)
    assert client.post(f"/meetings/{meeting.pk}/screen/", {"position": 2}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.current_item == 2
    response = api(
        client,
        "post",
        f"/api/meetings/{meeting.pk}/comments",
        {"review_id": review_of(cycle, college.gb_a).pk, "problems": "调研还不够深入。"},
    )
    assert response.status_code == 201 and meeting.comments.get().author_name.startswith("委员乙")
    bad = api(client, "post", f"/api/meetings/{meeting.pk}/comments", {"problems": ""})
    assert bad.status_code == 422 and meeting.comments.count() == 1


def test_the_committee_member_runs_the_committees_vote_and_its_rehearsal(college, meeting, client_for):
    from shuzhi.voting.models import Survey

    client = client_for(college.committee_member)
    base = f"/api/meetings/{meeting.pk}/surveys"
    rehearsal = api(client, "post", base + "?rehearsal=true")
    assert rehearsal.status_code == 201
    vote = api(client, "post", base)
    assert vote.status_code == 201
    vote_id = vote.json()["id"]
    assert len(api(client, "post", f"{base}/{vote_id}/codes", {"count": 3}).json()["codes"]) == 3
    assert api(client, "post", f"{base}/{vote_id}/open").status_code == 200
    assert api(client, "post", f"{base}/{vote_id}/close").status_code == 200
    assert Survey.objects.get(pk=vote_id).status == "closed"
    assert Survey.objects.filter(meeting=meeting, is_rehearsal=True).count() == 1


def test_the_committee_member_cannot_run_a_general_branchs_vote(college, cycle, meeting, survey, client_for):
    worlds = build_world(college, cycle, meeting, survey)
    branch = worlds["branch"]
    client = client_for(college.committee_member)
    base = f"/api/meetings/{branch['meeting_id']}/surveys/{branch['survey_id']}"
    assert api(client, "post", f"{base}/codes", {"count": 3}).status_code == 403
    assert api(client, "post", f"{base}/close").status_code == 403
    from shuzhi.voting.models import Survey

    assert Survey.objects.get(pk=branch["survey_id"]).status == "open"


def test_the_committee_member_vets_a_report_the_committee_reviews_not_a_branchs(
    college, cycle, meeting, survey, client_for
):
    from shuzhi.reports.models import DutyReport

    worlds = build_world(college, cycle, meeting, survey)
    client = client_for(college.committee_member)
    vetting = {"version": 1, "outcome": "passed"}
    mine = api(client, "post", f"/api/reviews/{worlds['committee']['review_id']}/report/vetting", vetting)
    assert mine.status_code == 200, mine.json()
    assert DutyReport.objects.get(review_id=worlds["committee"]["review_id"]).status == "accepted"
    theirs = api(client, "post", f"/api/reviews/{worlds['branch']['review_id']}/report/vetting", vetting)
    assert theirs.status_code == 403
    assert DutyReport.objects.get(review_id=worlds["branch"]["review_id"]).status == "submitted"
    bad = api(
        client,
        "post",
        f"/api/reviews/{worlds['committee']['review_id']}/report/vetting",
        {"version": 1, "outcome": "maybe"},
    )
    assert bad.status_code == 422


def test_the_committee_member_does_not_set_up_the_cycle(college, cycle, client_for):
    from shuzhi.audit.models import AuditEvent

    client = client_for(college.committee_member)
    events = AuditEvent.objects.count()
    assert api(client, "post", f"/api/cycles/{cycle.pk}/stage", {"stage": "report"}).status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/advance/", {"target": "report"}).status_code == 403
    assert client.post("/reports/quality-rules/", {}).status_code == 403
    assert client.get(f"/cycles/{cycle.pk}/prior-problems/").status_code == 403
    cycle.refresh_from_db()
    assert cycle.stage == "preparation" and AuditEvent.objects.count() == events


def test_the_committee_member_does_not_manage_people_or_read_the_audit_log(college, client_for):
    client = client_for(college.committee_member)
    person = college.branch_a1_secretary.person
    assert client.get(f"/orgs/people/{person.pk}/").status_code == 200
    assert api(client, "patch", f"/api/people/{person.pk}", {"name": "改名"}).status_code == 403
    assert client.get("/audit/").status_code == 403 and client.get("/orgs/import/").status_code == 403
    person.refresh_from_db()
    assert person.name == "支书甲一"


# --- Deciding grades (the coming stage) ---------------------------------------------------------------


def test_grades_are_decided_by_the_reviewing_organisations_leaders_not_by_the_org_dept_as_such(college):
    assert access.can_decide_grades(college.committee_member, college.committee)
    assert not access.can_decide_grades(college.committee_member, college.gb_a)
    assert access.can_decide_grades(college.gb_a_secretary, college.gb_a)
    assert not access.can_decide_grades(college.gb_a_secretary, college.committee)
    assert not access.can_decide_grades(college.gb_b_secretary, college.gb_a)
    assert not access.can_decide_grades(college.branch_a1_secretary, college.gb_a)
    assert not access.can_decide_grades(college.org_dept, college.committee)  # aggregates; the committee decides


def test_a_general_branch_secretary_on_the_committee_runs_its_meeting_but_not_their_own_report(college, cycle, meeting):
    from conftest import START
    from shuzhi.orgs import services

    services.appoint(
        "test",
        person=college.gb_a_secretary.person,
        organization=college.committee,
        role=PositionRole.MEMBER,
        start_date=START,
    )
    access.forget_scope(college.gb_a_secretary)
    assert access.can_run_meeting(college.gb_a_secretary, meeting)
    assert not access.can_vet_review(college.gb_a_secretary, review_of(cycle, college.gb_a))
    assert access.can_vet_review(college.gb_a_secretary, review_of(cycle, college.direct))
