"""The API for meetings, comments, codes and results."""

from decimal import Decimal

from django.utils import timezone

from conftest import review_of
from shuzhi.api.tests.helpers import post
from shuzhi.meetings.models import Comment, Meeting
from shuzhi.voting import services as voting
from shuzhi.voting.models import BallotCode
from shuzhi.voting.services import BallotInput


def test_general_branch_schedules_its_own_meeting(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    response = post(
        client_for(college.gb_a_secretary),
        "/api/meetings",
        {
            "cycle_id": cycle.pk,
            "reviewer_id": college.gb_a.pk,
            "title": "甲学院党总支委员会扩大会议",
            "starts_at": timezone.now().isoformat(),
            "place": "会议室",
            "agenda": [{"review_id": review.pk}],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "general_branch_enlarged"


def test_general_branch_cannot_schedule_for_another(college, cycle, client_for):
    response = post(
        client_for(college.gb_a_secretary),
        "/api/meetings",
        {
            "cycle_id": cycle.pk,
            "reviewer_id": college.gb_b.pk,
            "title": "越权",
            "starts_at": timezone.now().isoformat(),
            "place": "x",
        },
    )
    assert response.status_code == 404 and not Meeting.objects.exists()


def test_meetings_are_scoped(college, meeting, client_for):
    assert client_for(college.gb_a_secretary).get(f"/api/meetings/{meeting.pk}").status_code == 404
    assert client_for(college.committee_member).get(f"/api/meetings/{meeting.pk}").status_code == 200


def test_comment_through_the_api(college, cycle, meeting, client_for):
    review = review_of(cycle, college.gb_a)
    response = post(
        client_for(college.committee_member),
        f"/api/meetings/{meeting.pk}/comments",
        {"review_id": review.pk, "problems": "基层调研不够", "direction": "多听群众说"},
    )
    assert response.status_code == 201 and Comment.objects.get().review == review


def test_codes_open_close_and_results(college, meeting, client_for):
    client = client_for(college.org_dept)
    survey_id = post(client, f"/api/meetings/{meeting.pk}/surveys").json()["id"]
    codes = post(client, f"/api/meetings/{meeting.pk}/surveys/{survey_id}/codes", {"count": 3}).json()["codes"]
    assert len(codes) == 3 and BallotCode.objects.filter(survey_id=survey_id).count() == 3
    post(client, f"/api/meetings/{meeting.pk}/surveys/{survey_id}/open")
    hidden = client.get(f"/api/meetings/{meeting.pk}/surveys/{survey_id}/results")
    assert hidden.status_code == 422  # no numbers while the vote is open
    from shuzhi.voting.models import Survey

    survey = Survey.objects.get(pk=survey_id)
    receipt = voting.cast_ballot(
        survey_id, codes[0], BallotInput({str(survey.presenters[0]["review"]): "satisfied"}, {}, {})
    )
    post(client, f"/api/meetings/{meeting.pk}/surveys/{survey_id}/close")
    results = client.get(f"/api/meetings/{meeting.pk}/surveys/{survey_id}/results").json()
    assert results["presenters"][0]["counts"]["satisfied"] == 1 and receipt in results["receipts"]
    # The API reads the result stored at close, as the pages do.
    from shuzhi.voting.models import VoteResult

    stored = VoteResult.objects.filter(survey_id=survey_id, kind="counted")
    VoteResult.objects.filter(pk=stored[0].pk).update(score=Decimal("12.3400"))
    again = client.get(f"/api/meetings/{meeting.pk}/surveys/{survey_id}/results").json()
    assert [p["score"] for p in again["presenters"] if p["review_id"] == stored[0].review_id] == [12.34]


def test_other_organisation_cannot_issue_codes_by_changing_ids(college, meeting, client_for):
    survey = voting.create_survey(college.org_dept, meeting)
    response = post(
        client_for(college.gb_a_secretary), f"/api/meetings/{meeting.pk}/surveys/{survey.pk}/codes", {"count": 5}
    )
    assert response.status_code == 404 and not BallotCode.objects.exists()
    response = post(
        client_for(college.committee_member), f"/api/meetings/{meeting.pk}/surveys/{survey.pk}/codes", {"count": 5}
    )
    assert response.status_code == 201  # committee members run the committee's meeting


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def test_ballot_design_through_the_api(college, meeting, client_for):
    import hashlib

    client = client_for(college.org_dept)
    survey_id = post(client, f"/api/meetings/{meeting.pk}/surveys").json()["id"]
    base = f"/api/meetings/{meeting.pk}/surveys/{survey_id}"
    bad = put(client, f"{base}/categories", [{"name": "校领导", "weight": 30}, {"name": "教职工", "weight": 60}])
    assert bad.status_code == 422
    cats = put(
        client, f"{base}/categories", [{"name": "校领导", "weight": 30}, {"name": "教职工", "weight": 70}]
    ).json()
    assert [c["name"] for c in cats] == ["校领导", "教职工"]
    form = client.get(f"{base}/form").json()
    form["rules"]["all_unsatisfied_action"] = "flag"
    assert put(client, f"{base}/form", form).json()["rules"]["all_unsatisfied_action"] == "flag"
    codes = post(client, f"{base}/codes", {"count": 2, "category_id": cats[0]["id"]}).json()["codes"]
    post(client, f"{base}/open")
    from shuzhi.voting.models import Survey

    survey = Survey.objects.get(pk=survey_id)
    voting.cast_ballot(survey_id, codes[0], BallotInput({str(survey.presenters[0]["review"]): "basic"}, {}, {}))
    assert put(client, f"{base}/form", form).status_code == 422  # fixed after the first ballot
    post(client, f"{base}/close")
    assert client.get(f"{base}/verify").json()["ok"]
    archive = client.get(f"{base}/archive").json()
    row = archive["rows"][0]
    assert hashlib.sha256(row[-2].encode()).hexdigest() == row[-1]
    assert client.delete(base).status_code == 422  # a real vote is never wiped


def test_rehearsal_is_wiped_through_the_api(college, meeting, client_for):
    client = client_for(college.org_dept)
    rehearsal = post(client, f"/api/meetings/{meeting.pk}/surveys?rehearsal=true").json()
    assert rehearsal["rehearsal"]
    assert client.delete(f"/api/meetings/{meeting.pk}/surveys/{rehearsal['id']}").status_code == 204
    assert (
        client_for(college.gb_a_secretary)
        .get(f"/api/meetings/{meeting.pk}/surveys/{rehearsal['id']}/verify")
        .status_code
        == 404
    )


def test_results_give_every_suggestion_grouped_by_the_kind_of_ballot(college, meeting, client_for):
    client = client_for(college.org_dept)
    survey = voting.create_survey(college.org_dept, meeting)
    codes = voting.issue_codes(college.org_dept, survey, 3)
    voting.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    first = str(survey.presenters[0]["review"])
    voting.cast_ballot(survey, codes[0], BallotInput({first: "satisfied"}, {}, {first: "多下基层"}, "会议组织有序"))
    voting.cast_ballot(
        survey, codes[1], BallotInput({}, {}, {first: "没有评价但有建议"}, "总体建议")
    )  # void: no rating
    post(client, f"/api/meetings/{meeting.pk}/surveys/{survey.pk}/close")
    results = client.get(f"/api/meetings/{meeting.pk}/surveys/{survey.pk}/results").json()
    assert results["valid"] == 1 and sum(results["void"].values()) == 1
    assert results["suggestions"]["overall"] == ["会议组织有序"]
    assert results["suggestions"]["presenters"][0]["texts"] == ["多下基层"]
    assert results["void_suggestions"]["overall"] == ["总体建议"]
    assert results["void_suggestions"]["presenters"][0]["texts"] == ["没有评价但有建议"]
    assert results["flagged_suggestions"] == {"presenters": [], "overall": []}


def test_a_rehearsal_through_the_api_copies_the_real_votes_form_and_categories(college, meeting, client_for):
    from decimal import Decimal

    client = client_for(college.org_dept)
    real = voting.create_survey(college.org_dept, meeting)
    voting.set_categories(college.org_dept, real, [("校领导", Decimal(40)), ("师生代表", Decimal(60))])
    first = post(client, f"/api/meetings/{meeting.pk}/surveys?rehearsal=true").json()
    again = post(client, f"/api/meetings/{meeting.pk}/surveys?rehearsal=true").json()
    assert first["rehearsal"] and again["id"] == first["id"]  # an untouched rehearsal is reused
    from shuzhi.voting.models import Survey

    rehearsal = Survey.objects.get(pk=first["id"])
    assert [(c.name, c.weight) for c in rehearsal.categories.all()] == [
        ("校领导", Decimal(40)),
        ("师生代表", Decimal(60)),
    ]
    assert rehearsal.form == real.form
