"""The home page lists what waits for each user (shuzhi.core.worklist): each role sees their own items and
no one else's, each item links to the page where the work is done, and the page's queries do not grow
with the data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.cycles import services as cycle_services
from shuzhi.cycles.tests.helpers import add_branches, html
from shuzhi.meetings import services as meeting_services
from shuzhi.reports import services
from shuzhi.reports.tests.test_report_services import full_content
from shuzhi.voting import closing
from shuzhi.voting import services as voting_services
from shuzhi.voting.casting import BallotInput, cast_ballot


def submit(review, secretary):
    report = services.save_draft(secretary, review, full_content(review), base_revision=0)
    return services.submit(secretary, review, base_revision=report.revision)


def worklist(client) -> str:
    page = html(client.get("/"))
    assert 'id="worklist"' in page
    return page.split('id="worklist"')[1].split("</section>")[0]


def links(fragment: str) -> list[str]:
    return re.findall(r'class="work-link" href="([^"]+)"', fragment)


@pytest.fixture
def returned(college, cycle):
    """甲学院教工党支部's report, returned by 甲学院党总支 with a reason."""
    review = review_of(cycle, college.branch_a1)
    submit(review, college.branch_a1_secretary)
    services.vet(
        college.gb_a_secretary, review, version_number=1, outcome="returned", comment="请补充具体数据<b>和案例</b>。"
    )
    return review


def test_a_returned_report_shows_the_reviewers_reason_and_links_to_the_report(college, returned, client_for):
    client = client_for(college.branch_a1_secretary)
    fragment = worklist(client)
    assert (
        _("%(reviewer)s returned your duty report for revision: revise it and submit it again.")
        % {"reviewer": "甲学院党总支"}
        in fragment
    )
    assert "请补充具体数据&lt;b&gt;和案例&lt;/b&gt;。" in fragment and "<b>和案例" not in fragment
    url = f"/reports/review/{returned.pk}/"
    assert url in links(fragment)
    assert "请补充具体数据" in html(client.get(url))


def test_a_secretary_sees_the_report_to_write_and_the_preparation_to_finish_with_their_due_dates(
    college, cycle, client_for
):
    cycle_services.update_cycle(
        college.org_dept,
        cycle,
        title=cycle.title,
        key_items=cycle.key_items,
        preparation_due=datetime.date(2026, 3, 31),
        report_due=datetime.date(2026, 4, 30),
        meeting_from=None,
        meeting_to=None,
    )
    review = review_of(cycle, college.branch_a1)
    client = client_for(college.branch_a1_secretary)
    fragment = worklist(client)
    assert _("Write your duty report and submit it to %(reviewer)s.") % {"reviewer": "甲学院党总支"} in fragment
    assert "2026-04-30" in fragment and "2026-03-31" in fragment
    assert set(links(fragment)) == {f"/reports/review/{review.pk}/", f"/cycles/review/{review.pk}/preparation/"}
    for url in links(fragment):
        assert client.get(url).status_code == 200
    cycle_services.mark_preparation_done(college.branch_a1_secretary, review)
    submit(review, college.branch_a1_secretary)
    assert links(worklist(client)) == []


def test_a_secretary_does_not_see_another_secretarys_items(college, returned, client_for):
    fragment = worklist(client_for(college.branch_b1_secretary))
    assert "请补充具体数据" not in fragment
    assert f"/reports/review/{returned.pk}/" not in fragment


def test_the_reviewing_general_branch_sees_a_report_waiting_for_its_vetting(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    submit(review, college.branch_a1_secretary)
    client = client_for(college.gb_a_secretary)
    fragment = worklist(client)
    assert (
        _("%(org)s · %(name)s: the duty report submitted on %(date)s waits for your vetting (pass or return).")
        % {"org": "甲学院教工党支部", "name": "支书甲一", "date": timezone.localdate().isoformat()}
        in fragment
    )
    url = f"/reports/review/{review.pk}/"
    assert url in links(fragment)
    assert 'id="vet-form"' in html(client.get(url))
    # neither the other general branch nor the committee vets it
    for user in (college.gb_b_secretary, college.committee_member):
        assert url not in worklist(client_for(user))


def test_a_committee_member_sees_the_reports_the_committee_vets(college, cycle, client_for):
    review = review_of(cycle, college.gb_a)
    submit(review, college.gb_a_secretary)
    url = f"/reports/review/{review.pk}/"
    assert url in links(worklist(client_for(college.committee_member)))
    # the general branch's secretary does not vet their own report
    assert url not in links(worklist(client_for(college.gb_a_secretary)))


def test_a_report_waiting_long_is_flagged(college, cycle, client_for):
    from shuzhi.reports.models import DutyReport

    review = review_of(cycle, college.branch_a1)
    submit(review, college.branch_a1_secretary)
    DutyReport.objects.filter(review=review).update(submitted_at=timezone.now() - datetime.timedelta(days=10))
    fragment = worklist(client_for(college.gb_a_secretary))
    assert "urgency-overdue" in fragment and (_("Waiting for %(days)d days.") % {"days": 10}) in fragment


def test_the_org_dept_sees_each_stages_stragglers_with_links_to_the_filtered_board(college, cycle, client_for):
    submit(review_of(cycle, college.branch_a1), college.branch_a1_secretary)
    services.save_draft(
        college.branch_b1_secretary,
        review_of(cycle, college.branch_b1),
        full_content(review_of(cycle, college.branch_b1)),
        base_revision=0,
    )
    client = client_for(college.org_dept)
    fragment = worklist(client)
    # five reviews: one submitted, one draft, three not started; none prepared
    assert _("%(year)d: %(n)d duty reports not started.") % {"year": 2026, "n": 3} in fragment
    assert _("%(year)d: %(n)d duty reports written but not submitted.") % {"year": 2026, "n": 1} in fragment
    assert _("%(year)d: %(n)d reports wait for their vetting.") % {"year": 2026, "n": 1} in fragment
    assert _("%(year)d: %(n)d secretaries have not finished their preparation.") % {"year": 2026, "n": 5} in fragment
    urls = links(fragment)
    assert f"/cycles/{cycle.pk}/?status=not_started" in urls and f"/cycles/{cycle.pk}/?status=submitted" in urls
    board = html(client.get(f"/cycles/{cycle.pk}/?status=not_started"))
    assert all(name in board for name in ("总支书记甲", "总支书记乙", "直属支书")) and "支书甲一" not in board
    # the org dept does not get one item per report: the counts stand for them
    assert f"/reports/review/{review_of(cycle, college.branch_a1).pk}/" not in urls
    for user in (college.committee_member, college.gb_a_secretary, college.branch_a1_secretary):
        assert f"/cycles/{cycle.pk}/?status=not_started" not in worklist(client_for(user))


def test_those_who_run_a_meeting_see_what_is_left_to_prepare(college, cycle, client_for):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    empty = meeting_services.schedule_meeting(
        college.gb_a_secretary,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=tomorrow,
        place="甲学院会议室",
        expected_attendees=20,
        agenda=[],
    )
    fragment = worklist(client_for(college.gb_a_secretary))
    assert f"/meetings/{empty.pk}/agenda/" in links(fragment)
    assert f"/meetings/{empty.pk}/vote/" in links(fragment)
    assert (
        _("%(title)s (%(when)s) has nobody on its agenda yet: add the presenters.")
        % {"title": "甲学院党总支述职评议会", "when": timezone.localtime(tomorrow).strftime("%Y-%m-%d %H:%M")}
        in fragment
    )
    assert f"/meetings/{empty.pk}/agenda/" in links(worklist(client_for(college.org_dept)))
    for user in (college.gb_b_secretary, college.committee_member, college.branch_a1_secretary):
        assert "甲学院党总支述职评议会" not in worklist(client_for(user))
    client = client_for(college.gb_a_secretary)
    for url in (f"/meetings/{empty.pk}/agenda/", f"/meetings/{empty.pk}/vote/"):
        assert client.get(url).status_code == 200


def test_on_the_meetings_day_a_vote_not_opened_is_listed_until_it_opens(college, meeting, client_for):
    survey = voting_services.create_survey(college.org_dept, meeting)
    voting_services.issue_codes(college.org_dept, survey, 5)
    client = client_for(college.committee_member)
    fragment = worklist(client)
    assert (
        _("%(title)s is today (%(when)s): the satisfaction vote is not open yet.")
        % {"title": meeting.title, "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")}
        in fragment
    )
    assert f"/meetings/{meeting.pk}/vote/" in links(fragment)
    voting_services.open_survey(college.org_dept, survey)
    assert f"/meetings/{meeting.pk}/vote/" not in links(worklist(client))


def test_a_presenter_sees_the_meeting_they_present_at(college, cycle, meeting, client_for):
    fragment = worklist(client_for(college.direct_secretary))
    assert meeting.title in fragment and "行政楼第一会议室" in fragment
    assert f"/reports/review/{review_of(cycle, college.direct).pk}/" in links(fragment)
    assert meeting.title not in worklist(client_for(college.branch_a1_secretary))


def test_an_empty_list_says_so_kindly(college, client_for):
    page = html(client_for(college.committee_member).get("/"))
    assert (
        'id="worklist-empty"' in page
        and _(
            "Nothing waits for you right now. When something needs you — a report to write or vet, a meeting to prepare — "
            "it will be listed here."
        )
        in page
    )


def test_every_item_links_to_a_page_its_user_can_open(college, cycle, meeting, returned, client_for):
    submit(review_of(cycle, college.gb_b), college.gb_b_secretary)
    for user in (
        college.org_dept,
        college.committee_member,
        college.gb_a_secretary,
        college.gb_b_secretary,
        college.branch_a1_secretary,
        college.branch_b1_secretary,
        college.direct_secretary,
    ):
        client = client_for(user)
        for url in links(worklist(client)):
            assert client.get(url).status_code == 200, (user.username, url)


def _busy_college(college, cycle, branches: int, prefix: str):
    """`branches` more 党支部 with secretaries, half of them with a submitted report, and a meeting."""
    orgs = add_branches(college, branches, prefix=prefix)
    for i, org in enumerate(orgs):
        review = review_of(cycle, org)
        if i % 2 == 0:
            from shuzhi.orgs.models import Person

            secretary = Person.objects.get(positions__organization=org).user
            submit(review, secretary)
    meeting_services.schedule_meeting(
        college.gb_b_secretary,
        cycle=cycle,
        reviewer=college.gb_b,
        title=f"乙学院述职评议会{branches}",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="乙学院会议室",
        expected_attendees=20,
        agenda=[(review_of(cycle, org), "on_site") for org in orgs[: branches // 2]],
    )


ROLES = ("org_dept", "committee_member", "gb_b_secretary", "branch_b1_secretary")


@pytest.mark.parametrize("role", ROLES)
def test_the_home_pages_queries_do_not_grow_with_the_data(
    college, cycle, meeting, client_for, role, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _busy_college(college, cycle, 2, "丙")
    client = client_for(getattr(college, role))
    client.get("/")  # session and caches warm
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    _busy_college(college, cycle, 24, "戊")
    with django_assert_max_num_queries(len(small)):
        page = client.get("/")
    assert page.status_code == 200


def test_after_the_vote_a_presenter_finds_her_result_and_no_one_elses(college, cycle, survey, client_for):
    review = review_of(cycle, college.gb_a)
    cast_ballot(survey.pk, survey.test_codes[0], BallotInput({str(review.pk): "satisfied"}, {}, {}, ""))
    result_url = f"/reviews/{review.pk}/result/"
    assert result_url not in links(worklist(client_for(college.gb_a_secretary)))  # not before the vote closes

    closing.close_survey(college.org_dept, survey)
    mine = worklist(client_for(college.gb_a_secretary))
    assert result_url in links(mine)
    assert survey.meeting.title in mine
    assert client_for(college.gb_a_secretary).get(result_url).status_code == 200
    assert result_url not in links(worklist(client_for(college.gb_b_secretary)))
