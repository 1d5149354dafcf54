"""Comments at the meeting (/meetings/<id>/comments/): one by one (一述一评) or collective (集中点评), and by
other members of the leadership."""

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.meetings import services
from shuzhi.meetings.models import Comment
from shuzhi.orgs import services as org_services
from shuzhi.orgs.models import Position, PositionRole


def counts() -> tuple[int, int]:
    return Comment.objects.count(), AuditEvent.objects.count()


def position_of(user, org=None) -> Position:
    positions = Position.objects.current().filter(person__user=user)
    return (positions.filter(organization=org) if org else positions).get()


@pytest.fixture
def gb_a_meeting(college, cycle):
    return services.schedule_meeting(
        college.gb_a_secretary,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )


@pytest.fixture
def collective_meeting(college, cycle):
    return services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.committee,
        title="集中点评的述职评议会",
        starts_at=timezone.now(),
        place="礼堂",
        comment_mode="collective",
        agenda=[(review_of(cycle, org), "on_site") for org in (college.gb_a, college.gb_b)],
    )


def test_one_by_one_page_has_a_form_per_presenter_and_no_collective_form(college, cycle, meeting, client_for):
    response = client_for(college.committee_member).get(f"/meetings/{meeting.pk}/comments/")
    html = response.content.decode()
    assert response.status_code == 200
    for org in (college.gb_a, college.gb_b, college.direct):
        review = review_of(cycle, org)
        assert f'id="comments-{review.pk}"' in html and f'name="review" value="{review.pk}"' in html
    assert 'id="comments-collective"' not in html
    member = position_of(college.committee_member)  # the 职务 offered: the member's current position, preselected
    assert f'<option value="{member.pk}" selected>学校党委{_("Committee member")}</option>' in html
    assert 'name="author_role"' in html and '<input type="text" name="author_role"' not in html


def test_committee_member_comments_on_a_presenter(college, cycle, meeting, client_for):
    review = review_of(cycle, college.gb_b)
    comments, events = counts()
    client = client_for(college.committee_member)
    response = client.post(
        f"/meetings/{meeting.pk}/comments/",
        {
            "review": review.pk,
            "author_role": position_of(college.committee_member).pk,
            "problems": "调研不够深入",
            "direction": "多到一线听取意见",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/comments/#comments-{review.pk}"
    comment = Comment.objects.get()
    assert (comment.review, comment.author, comment.author_name, comment.author_role) == (
        review,
        college.committee_member,
        "委员乙",
        "学校党委委员",
    )
    assert counts() == (comments + 1, events + 1)
    html = client.get(f"/meetings/{meeting.pk}/comments/").content.decode()
    section = html.split(f'id="comments-{review.pk}"')[1].split("</section>")[0]
    assert (
        "调研不够深入" in section
        and "多到一线听取意见" in section
        and "委员乙" in section
        and "学校党委委员" in section
    )
    assert timezone.localtime(comment.created_at).strftime("%Y-%m-%d %H:%M") in section


def test_each_presenters_comment_count_is_shown(college, cycle, meeting, client_for):
    gb_a = review_of(cycle, college.gb_a)
    for text in ("问题一", "问题二"):
        services.add_comment(college.committee_member, meeting, review=gb_a, problems=text)
    html = client_for(college.org_dept).get(f"/meetings/{meeting.pk}/comments/").content.decode()
    assert f'id="count-{gb_a.pk}" title="{_("Comments recorded")}">2</span>' in html
    assert f'id="count-{review_of(cycle, college.gb_b).pk}" title="{_("Comments recorded")}">0</span>' in html


def test_commenting_with_htmx_returns_the_section_and_the_new_count(college, cycle, meeting, client_for):
    review = review_of(cycle, college.gb_a)
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/comments/",
        {"review": review.pk, "author_role": position_of(college.org_dept).pk, "problems": "台账不全", "direction": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith(
        f'<section class="comment-section card" id="comments-{review.pk}"'
    )
    assert "台账不全" in html and _("The comment has been recorded.") in html
    assert f'id="count-{review.pk}" hx-swap-oob="true"' in html


def test_the_same_comment_sent_twice_is_stored_once(college, cycle, meeting, client_for):
    review = review_of(cycle, college.gb_a)
    client = client_for(college.committee_member)
    data = {
        "review": review.pk,
        "author_role": position_of(college.committee_member).pk,
        "problems": "调研不够深入",
        "direction": "多到一线",
    }
    client.post(f"/meetings/{meeting.pk}/comments/", data)
    client.post(f"/meetings/{meeting.pk}/comments/", data)
    assert Comment.objects.count() == 1


def test_collective_meeting_takes_a_collective_comment_and_per_presenter_ones(
    college, cycle, collective_meeting, client_for
):
    client = client_for(college.org_dept)
    html = client.get(f"/meetings/{collective_meeting.pk}/comments/").content.decode()
    assert 'id="comments-collective"' in html and f'name="review" value="{review_of(cycle, college.gb_a).pk}"' in html
    staff = position_of(college.org_dept).pk
    response = client.post(
        f"/meetings/{collective_meeting.pk}/comments/",
        {"review": "", "author_role": staff, "problems": "普遍存在重业务轻党建", "direction": "压实第一责任人职责"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#comments-collective")
    comment = Comment.objects.get()
    assert comment.review is None and comment.meeting == collective_meeting
    assert comment.author_role == "学校党委组织统战部工作人员"
    client.post(
        f"/meetings/{collective_meeting.pk}/comments/",
        {"review": review_of(cycle, college.gb_b).pk, "author_role": staff, "problems": "品牌建设不足"},
    )
    assert Comment.objects.filter(review=review_of(cycle, college.gb_b)).count() == 1
    html = client.get(f"/meetings/{collective_meeting.pk}/comments/").content.decode()
    assert "普遍存在重业务轻党建" in html.split('id="comments-collective"')[1].split("</section>")[0]


def test_one_by_one_meeting_refuses_a_collective_comment(college, meeting, client_for):
    before = counts()
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/comments/",
        {"review": "", "author_role": position_of(college.org_dept).pk, "problems": "总体点评"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "总体点评" in html
    assert _("This meeting comments after each presenter: add the comment under the presenter it is about.") in html
    assert counts() == before


def test_bad_input_is_explained_kept_and_nothing_is_written(college, cycle, meeting, client_for):
    review = review_of(cycle, college.gb_a)
    before = counts()
    response = client_for(college.committee_member).post(
        f"/meetings/{meeting.pk}/comments/",
        {
            "review": review.pk,
            "author_role": position_of(college.committee_member).pk,
            "problems": "   ",
            "direction": "保留这段努力方向",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and counts() == before
    section = html.split(f'id="comments-{review.pk}"')[1].split("</section>")[0]
    assert _("State the problems pointed out.") in section
    assert "保留这段努力方向" in section and '<details class="add-box" open>' in section
    assert f'<option value="{position_of(college.committee_member).pk}" selected>' in section  # the choice kept


def test_a_too_long_comment_is_refused(college, cycle, meeting, client_for):
    before = counts()
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/comments/",
        {"review": review_of(cycle, college.gb_a).pk, "problems": "长" * 5001},
        HTTP_HX_REQUEST="true",
    )
    assert "不超过 5000" in response.content.decode() and counts() == before


@pytest.mark.parametrize("which", ["branch_a1", "abc", "999999"])
def test_a_presenter_not_on_this_agenda_is_404(college, cycle, meeting, client_for, which):
    value = review_of(cycle, college.branch_a1).pk if which == "branch_a1" else which
    before = counts()
    response = client_for(college.org_dept).post(
        f"/meetings/{meeting.pk}/comments/", {"review": value, "problems": "越界点评"}
    )
    assert response.status_code == 404 and counts() == before


def test_a_reader_who_may_not_comment_sees_comments_without_a_form_and_gets_403(
    college, cycle, gb_a_meeting, client_for
):
    review = review_of(cycle, college.branch_a1)
    services.add_comment(college.gb_a_secretary, gb_a_meeting, review=review, problems="组织生活不规范")
    client = client_for(college.committee_member)  # sees every meeting, comments only on the committee's
    html = client.get(f"/meetings/{gb_a_meeting.pk}/comments/").content.decode()
    assert "组织生活不规范" in html and "总支书记甲" in html and 'name="problems"' not in html
    before = counts()
    response = client.post(f"/meetings/{gb_a_meeting.pk}/comments/", {"review": review.pk, "problems": "越权点评"})
    assert response.status_code == 403 and counts() == before


@pytest.mark.parametrize("who", ["gb_a_secretary", "gb_b_secretary", "direct_secretary", "outsider"])
def test_another_organisation_cannot_read_or_comment_on_the_committee_meeting(college, cycle, meeting, client_for, who):
    client = client_for(getattr(college, who))
    before = counts()
    assert client.get(f"/meetings/{meeting.pk}/comments/").status_code == 404
    response = client.post(
        f"/meetings/{meeting.pk}/comments/", {"review": review_of(cycle, college.gb_a).pk, "problems": "越权点评"}
    )
    assert response.status_code == 404 and counts() == before


def test_other_general_branch_cannot_comment_on_a_general_branch_meeting(college, cycle, gb_a_meeting, client_for):
    before = counts()
    response = client_for(college.gb_b_secretary).post(
        f"/meetings/{gb_a_meeting.pk}/comments/",
        {"review": review_of(cycle, college.branch_a1).pk, "problems": "越权点评"},
    )
    assert response.status_code == 404 and counts() == before


def test_post_without_csrf_token_is_refused(college, cycle, meeting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(college.committee_member)
    response = client.post(
        f"/meetings/{meeting.pk}/comments/", {"review": review_of(cycle, college.gb_a).pk, "problems": "无令牌"}
    )
    assert response.status_code == 403 and not Comment.objects.exists()


@pytest.mark.parametrize("posted", ["党总支副书记", "999999", "   党委委员"])
def test_a_role_that_is_not_one_of_the_authors_current_positions_is_refused(
    college, cycle, meeting, client_for, posted
):
    before = counts()
    response = client_for(college.committee_member).post(
        f"/meetings/{meeting.pk}/comments/",
        {"review": review_of(cycle, college.gb_a).pk, "author_role": posted, "problems": "调研不够深入"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and counts() == before
    assert _("Choose one of your current positions.") in html and "调研不够深入" in html


def test_another_persons_position_is_not_accepted(college, cycle, meeting, client_for):
    before = counts()
    response = client_for(college.committee_member).post(
        f"/meetings/{meeting.pk}/comments/",
        {
            "review": review_of(cycle, college.gb_a).pk,
            "author_role": position_of(college.gb_a_secretary).pk,
            "problems": "借用他人职务",
        },
    )
    assert _("Choose one of your current positions.") in response.content.decode() and counts() == before


def test_someone_with_two_positions_chooses_and_the_reviewers_comes_first(college, cycle, gb_a_meeting, client_for):
    """总支书记甲 is also a 学校党委委员: at the 党总支's meeting the 党总支 position is offered first."""
    org_services.appoint(
        "test",
        person=college.gb_a_secretary.person,
        organization=college.committee,
        role=PositionRole.MEMBER,
        start_date=timezone.localdate(),
    )
    client = client_for(college.gb_a_secretary)
    html = client.get(f"/meetings/{gb_a_meeting.pk}/comments/").content.decode()
    select = html.split('name="author_role"')[1].split("</select>")[0]
    assert select.index("甲学院党总支书记") < select.index("学校党委委员")
    assert f'<option value="{position_of(college.gb_a_secretary, college.gb_a).pk}" selected>' in select
    review = review_of(cycle, college.branch_a1)
    client.post(
        f"/meetings/{gb_a_meeting.pk}/comments/",
        {
            "review": review.pk,
            "author_role": position_of(college.gb_a_secretary, college.committee).pk,
            "problems": "支部活动形式单一",
        },
    )
    assert Comment.objects.get().author_role == "学校党委委员"


def test_a_position_that_ended_is_no_longer_offered_or_accepted(college, cycle, meeting, client_for):
    import datetime

    member = position_of(college.committee_member)
    organizer = org_services.appoint(
        "test",
        person=college.committee_member.person,
        organization=college.committee,
        role=PositionRole.ORGANIZER,
        start_date=timezone.localdate(),
    )
    org_services.end_position("test", member, end_date=timezone.localdate() - datetime.timedelta(days=1))
    client = client_for(college.committee_member)
    html = client.get(f"/meetings/{meeting.pk}/comments/").content.decode()
    assert f'<option value="{organizer.pk}" selected>学校党委{_("Organiser")}</option>' in html
    assert f'value="{member.pk}"' not in html
    before = counts()
    response = client.post(
        f"/meetings/{meeting.pk}/comments/",
        {"review": review_of(cycle, college.gb_a).pk, "author_role": member.pk, "problems": "任期已满"},
    )
    assert _("Choose one of your current positions.") in response.content.decode() and counts() == before


def test_the_service_refuses_free_text_from_any_path(college, cycle, meeting):
    from django.core.exceptions import ValidationError

    review = review_of(cycle, college.gb_a)
    with pytest.raises(ValidationError) as refused:
        services.add_comment(college.committee_member, meeting, review=review, problems="问题", author_role="党委书记")
    assert "学校党委委员" in str(refused.value)  # the positions the author may choose from
    comment = services.add_comment(
        college.committee_member, meeting, review=review, problems="问题", author_role="学校党委委员"
    )
    assert comment.author_role == "学校党委委员"
    assert services.add_comment(college.committee_member, meeting, review=review, problems="另一条").author_role == ""


def test_a_comment_sent_without_choosing_a_role_is_refused(college, cycle, meeting, client_for):
    before = counts()
    response = client_for(college.committee_member).post(
        f"/meetings/{meeting.pk}/comments/", {"review": review_of(cycle, college.gb_a).pk, "problems": "未选职务"}
    )
    assert _("Choose one of your current positions.") in response.content.decode() and counts() == before
