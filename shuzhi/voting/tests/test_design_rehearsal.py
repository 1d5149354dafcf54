"""Rehearsals (模拟测评): started and wiped on the ballot design page, run (codes, open, close) on the vote page."""

from decimal import Decimal

from shuzhi.audit.models import AuditEvent
from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.models import Ballot, BallotCode, Survey, VoterCategory


def design(survey, tail=""):
    return f"/meetings/{survey.meeting_id}/vote-design/{survey.pk}/{tail}"


def vote(client, survey, code, rating="satisfied"):
    data = {"survey": survey.pk}
    for presenter in survey.presenters:
        data[f"r_{presenter['review']}"] = rating
    return client.post(f"/v/{code}/", data)


def snapshot(survey):
    survey = Survey.objects.get(pk=survey.pk)
    return (
        survey.status,
        survey.form,
        list(survey.categories.values_list("name", "weight")),
        sorted(BallotCode.objects.filter(survey=survey).values_list("code_hash", "status")),
        sorted(Ballot.objects.filter(survey=survey).values_list("receipt", flat=True)),
    )


def test_rehearsal_create_vote_wipe_leaves_the_real_vote_untouched(college, survey, client_for, client):
    from django.test import Client

    services.cast_ballot(survey.pk, survey.test_codes[0], services.BallotInput({}, {}, {}))
    real_before = snapshot(survey)
    staff = client_for(college.org_dept)

    # Start: a rehearsal with the real vote's form and categories.
    response = staff.post(f"/meetings/{survey.meeting_id}/vote-design/rehearsal/")
    assert response.status_code == 302
    rehearsal = Survey.objects.get(meeting=survey.meeting, is_rehearsal=True)
    assert response["Location"] == design(rehearsal)
    assert rehearsal.form == survey.form
    html = staff.get(design(rehearsal)).content.decode()
    assert 'id="rehearsal-badge"' in html and 'id="wipe-rehearsal"' in html and "data-confirm=" in html

    # Its own codes, issued on the vote page the design page links to; opened; voted with on phones.
    vote_page = f"/meetings/{survey.meeting_id}/vote/"
    assert f'href="{vote_page}?rehearsal=1#survey-{rehearsal.pk}"' in html
    category = rehearsal.categories.get()
    issued = staff.post(f"{vote_page}{rehearsal.pk}/issue/", {"category": category.pk, "count": "3", "paper": "0"})
    assert issued.status_code == 302
    codes = [code for code, _category in services.printable_codes(rehearsal, paper=False)[0]]
    services.open_survey(college.org_dept, rehearsal)
    rehearsal.refresh_from_db()
    phone = Client()
    assert vote(phone, rehearsal, codes[0]).status_code == 200
    assert vote(phone, rehearsal, codes[1], "basic").status_code == 200
    assert Ballot.objects.filter(survey=rehearsal).count() == 2

    # A rehearsal code does not work in the real vote.
    refused = vote(phone, survey, codes[2])
    assert refused.status_code == 409
    assert Ballot.objects.filter(survey=survey).count() == 1
    assert BallotCode.objects.get(survey=rehearsal, code_hash=codelib.code_hash(codes[2])).status == "unused"

    # The real vote's page lists the rehearsal.
    assert design(rehearsal) in staff.get(design(survey)).content.decode()

    # Wipe: the rehearsal goes with its codes, ballots and categories; the real vote is as it was.
    response = staff.post(design(rehearsal, "wipe/"))
    assert response.status_code == 302 and response["Location"] == design(survey, "#rehearsal")
    assert not Survey.objects.filter(pk=rehearsal.pk).exists()
    assert not BallotCode.objects.filter(survey_id=rehearsal.pk).exists()
    assert not Ballot.objects.filter(survey_id=rehearsal.pk).exists()
    assert not VoterCategory.objects.filter(survey_id=rehearsal.pk).exists()
    assert snapshot(survey) == real_before


def test_rehearsal_copies_the_real_votes_categories(college, meeting, client_for):
    real = services.create_survey(college.org_dept, meeting)
    services.set_categories(college.org_dept, real, [("校领导", 40), ("教职工", 60)])
    client_for(college.org_dept).post(f"/meetings/{meeting.pk}/vote-design/rehearsal/")
    rehearsal = Survey.objects.get(meeting=meeting, is_rehearsal=True)
    assert list(rehearsal.categories.values_list("name", "weight")) == [
        ("校领导", Decimal(40)),
        ("教职工", Decimal(60)),
    ]


def test_a_double_click_starts_one_rehearsal_brought_up_to_date_with_the_real_vote(college, meeting, client_for):
    real = services.create_survey(college.org_dept, meeting)
    staff = client_for(college.org_dept)
    first = staff.post(f"/meetings/{meeting.pk}/vote-design/rehearsal/")
    second = staff.post(f"/meetings/{meeting.pk}/vote-design/rehearsal/")
    rehearsal = Survey.objects.get(meeting=meeting, is_rehearsal=True)
    assert first["Location"] == second["Location"] == design(rehearsal)
    # Still untouched: starting again reuses it, with the real vote's categories as they are now.
    services.set_categories(college.org_dept, real, [("校领导", 40), ("教职工", 60)])
    assert services.start_rehearsal(college.org_dept, meeting).pk == rehearsal.pk
    assert list(rehearsal.categories.values_list("name", "weight")) == [
        ("校领导", Decimal(40)),
        ("教职工", Decimal(60)),
    ]
    # Once it has codes it is in use: the next start makes a new one.
    services.issue_codes(college.org_dept, rehearsal, 1)
    assert services.start_rehearsal(college.org_dept, meeting).pk != rehearsal.pk
    assert Survey.objects.filter(meeting=meeting, is_rehearsal=True).count() == 2
    assert Survey.objects.filter(meeting=meeting, is_rehearsal=False).count() == 1


def test_rehearsal_without_a_real_vote_uses_the_years_form(college, meeting, client_for):
    response = client_for(college.org_dept).post(f"/meetings/{meeting.pk}/vote-design/rehearsal/")
    assert response.status_code == 302
    rehearsal = Survey.objects.get(meeting=meeting)
    assert rehearsal.is_rehearsal and not Survey.objects.filter(meeting=meeting, is_rehearsal=False).exists()


def test_wipe_button_absent_and_wipe_refused_on_a_real_vote(college, survey, client_for):
    staff = client_for(college.org_dept)
    html = staff.get(design(survey)).content.decode()
    assert 'id="wipe-rehearsal"' not in html and "/wipe/" not in html
    before, events = snapshot(survey), AuditEvent.objects.count()
    response = staff.post(design(survey, "wipe/"), follow=True)
    assert "只能清除模拟测评；正式测评永久保存。" in response.content.decode()
    assert snapshot(survey) == before and AuditEvent.objects.count() == events


def test_the_index_lists_the_real_vote_and_its_rehearsals(college, survey, client_for):
    rehearsal = services.create_survey(college.org_dept, survey.meeting, rehearsal=True)
    html = client_for(college.org_dept).get(f"/meetings/{survey.meeting_id}/vote-design/").content.decode()
    assert design(survey) in html and design(rehearsal) in html and 'id="start-rehearsal"' in html
    assert '<td class="num">10</td><td class="num">0</td>' in html  # the real vote: codes issued, ballots
