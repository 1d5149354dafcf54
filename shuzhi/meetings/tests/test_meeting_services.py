"""Scheduling meetings, the agenda and comments."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import review_of
from shuzhi.meetings import services
from shuzhi.meetings.models import Comment, MeetingKind
from shuzhi.voting import services as voting


def test_committee_meeting_is_an_enlarged_committee_meeting_with_its_agenda(meeting):
    assert meeting.kind == MeetingKind.COMMITTEE_ENLARGED
    assert [i.review.organization.name for i in meeting.agenda.all()] == [
        "甲学院党总支",
        "乙学院党总支",
        "机关直属党支部",
    ]


def test_agenda_takes_only_the_reviewers_own_reviews(college, cycle, meeting):
    with pytest.raises(ValidationError):
        services.set_agenda(college.org_dept, meeting, [(review_of(cycle, college.branch_a1), "on_site")])


def test_a_review_is_on_one_meeting_only(college, cycle, meeting):
    with pytest.raises(ValidationError):
        services.schedule_meeting(
            college.org_dept,
            cycle=cycle,
            reviewer=college.committee,
            title="第二场",
            starts_at=timezone.now(),
            place="礼堂",
            agenda=[(review_of(cycle, college.gb_a), "written")],
        )


def test_reorder_moves_one_presenter(college, cycle, meeting):
    services.move_presenter(college.org_dept, meeting, review_of(cycle, college.direct).pk, -1)
    assert [i.review.organization.name for i in meeting.agenda.all()] == [
        "甲学院党总支",
        "机关直属党支部",
        "乙学院党总支",
    ]


def test_agenda_is_fixed_once_the_vote_opened(college, cycle, meeting):
    survey = voting.create_survey(college.org_dept, meeting)
    voting.open_survey(college.org_dept, survey)
    with pytest.raises(ValidationError):
        services.move_presenter(college.org_dept, meeting, review_of(cycle, college.direct).pk, -1)


def test_bad_meeting_input_names_the_fields(college, cycle):
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(
            college.org_dept,
            cycle=cycle,
            reviewer=college.committee,
            title=" ",
            starts_at=None,
            place="",
            expected_attendees=99999,
        )
    assert {"title", "starts_at", "place", "expected_attendees"} <= set(error.value.error_dict)


def test_comment_attaches_to_the_review_and_double_submit_stores_once(college, cycle, meeting):
    review = review_of(cycle, college.gb_a)
    first = services.add_comment(
        college.committee_member, meeting, review=review, problems="调研不够深入", direction="多到一线"
    )
    second = services.add_comment(
        college.committee_member, meeting, review=review, problems="调研不够深入", direction="多到一线"
    )
    assert first.pk == second.pk
    assert list(review.comments.all()) == [first]


def test_comment_for_someone_not_on_the_agenda_is_refused(college, cycle, meeting):
    with pytest.raises(ValidationError):
        services.add_comment(
            college.committee_member, meeting, review=review_of(cycle, college.branch_a1), problems="x"
        )
    assert not Comment.objects.exists()
