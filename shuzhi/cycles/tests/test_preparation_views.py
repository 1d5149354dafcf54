"""The preparation page of one Review: /cycles/review/<id>/preparation/ and its add, withdraw and done posts."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.cycles import services, stages
from shuzhi.cycles.models import PreparationItem, PreparationKind
from shuzhi.cycles.tests.helpers import REQUIRED, audit_count, html


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def url(review, tail=""):
    return f"/cycles/review/{review.pk}/preparation/{tail}"


RESEARCH = {
    "research-date": "2026-03-01",
    "research-place": "实验楼 302",
    "research-people": "青年教师",
    "research-content": "实验室安全与党员示范岗结合不够",
}


def test_secretary_sees_last_years_problems_key_items_and_the_forms(college, review, client_for):
    page = html(client_for(college.branch_a1_secretary).get(url(review)))
    assert "组织生活会质量不高" in page and "发展党员工作中对青年教师关注不够" in page
    assert "党支部标准化规范化建设" in page
    for kind in ("research", "opinion", "problem"):
        assert f'id="prep-{kind}-form"' in page
    assert f'href="/reports/review/{review.pk}/"' in page and 'id="done-form"' in page


def test_secretary_adds_a_research_visit(college, review, client_for):
    before = audit_count()
    response = client_for(college.branch_a1_secretary).post(url(review, "research/add/"), RESEARCH)
    assert response.status_code == 302 and response["Location"].endswith("#prep-research")
    item = PreparationItem.objects.get(review=review)
    assert (item.kind, item.place, item.people, str(item.date)) == ("research", "实验楼 302", "青年教师", "2026-03-01")
    assert audit_count() == before + 1


def test_secretary_adds_an_opinion_with_htmx_and_gets_the_list_back(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(
        url(review, "opinion/add/"),
        {"opinion-people": "学生党员", "opinion-content": "组织生活形式可以更活泼"},
        HTTP_HX_REQUEST="true",
    )
    page = html(response)
    assert response.status_code == 200 and page.startswith('<section class="prep-section" id="prep-opinion">')
    assert "组织生活形式可以更活泼" in page and 'role="status"' in page
    assert 'name="opinion-content"' in page and "组织生活形式可以更活泼</textarea>" not in page  # fresh form
    assert PreparationItem.objects.filter(review=review, kind=PreparationKind.OPINION).count() == 1


def test_secretary_records_a_problem_found(college, review, client_for):
    client_for(college.branch_a1_secretary).post(url(review, "problem/add/"), {"problem-content": "三会一课记录不规范"})
    assert PreparationItem.objects.get(review=review).kind == PreparationKind.PROBLEM


def test_bad_input_is_explained_kept_and_nothing_is_written(college, review, client_for):
    before = audit_count()
    data = {**RESEARCH, "research-content": "", "research-place": "地" * 201}
    response = client_for(college.branch_a1_secretary).post(url(review, "research/add/"), data)
    page = html(response)
    assert response.status_code == 200
    assert REQUIRED in page and "200" in page
    assert 'value="青年教师"' in page and "地" * 201 in page
    assert not PreparationItem.objects.exists() and audit_count() == before


def test_bad_input_over_htmx_comes_back_in_the_section(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(
        url(review, "opinion/add/"), {"opinion-people": "", "opinion-content": "只写了内容"}, HTTP_HX_REQUEST="true"
    )
    page = html(response)
    assert response.status_code == 200 and page.startswith("<section") and REQUIRED in page and "只写了内容" in page
    assert not PreparationItem.objects.exists()


def test_a_visit_in_the_future_is_refused(college, review, client_for):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(college.branch_a1_secretary).post(
        url(review, "research/add/"), {**RESEARCH, "research-date": tomorrow.isoformat()}
    )
    assert _("The date of a visit cannot be in the future.") in html(response)
    assert not PreparationItem.objects.exists()


def test_content_longer_than_5000_characters_is_refused(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(
        url(review, "problem/add/"), {"problem-content": "长" * 5001}
    )
    assert response.status_code == 200 and "5000" in html(response)
    assert not PreparationItem.objects.exists()


def test_secretary_withdraws_an_item(college, review, client_for):
    item = services.add_preparation_item(college.branch_a1_secretary, review, kind="problem", content="要撤回的问题")
    before = audit_count()
    response = client_for(college.branch_a1_secretary).post(url(review, f"items/{item.pk}/withdraw/"))
    item.refresh_from_db()
    assert response.status_code == 302 and item.is_withdrawn and audit_count() == before + 1
    assert "要撤回的问题" not in html(client_for(college.branch_a1_secretary).get(url(review)))


def test_secretary_marks_preparation_done(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    response = client.post(url(review, "done/"), follow=True)
    review.refresh_from_db()
    assert review.preparation_done_at is not None
    assert 'id="done-form"' not in html(response)


def test_after_the_report_stage_the_services_message_is_shown_and_nothing_is_written(
    college, cycle, review, client_for
):
    for target in (stages.Stage.REPORT, stages.Stage.MEETING):
        services.advance_cycle(college.org_dept, cycle, target, override_reason="测试：越过未满足的条件")
    before = audit_count()
    response = client_for(college.branch_a1_secretary).post(url(review, "research/add/"), RESEARCH)
    page = html(response)
    assert _("The preparation and report stages of this cycle are over.") in page
    assert 'value="实验楼 302"' in page
    assert not PreparationItem.objects.exists() and audit_count() == before
    assert 'id="prep-research-form"' not in html(client_for(college.branch_a1_secretary).get(url(review)))


@pytest.mark.parametrize("who", ["gb_a_secretary", "org_dept", "committee_member"])
def test_reviewers_read_the_page_but_cannot_write(college, review, client_for, who):
    item = services.add_preparation_item(college.branch_a1_secretary, review, kind="problem", content="已记录的问题")
    client = client_for(getattr(college, who))
    page = html(client.get(url(review)))
    assert "已记录的问题" in page and "组织生活会质量不高" in page
    assert "prep-research-form" not in page and "done-form" not in page and "/withdraw/" not in page
    before = audit_count()
    assert client.post(url(review, "research/add/"), RESEARCH).status_code == 403
    assert client.post(url(review, f"items/{item.pk}/withdraw/")).status_code == 403
    assert client.post(url(review, "done/")).status_code == 403
    item.refresh_from_db()
    review.refresh_from_db()
    assert not item.is_withdrawn and review.preparation_done_at is None and audit_count() == before
    assert PreparationItem.objects.count() == 1


@pytest.mark.parametrize("who", ["branch_b1_secretary", "gb_b_secretary", "direct_secretary", "outsider"])
def test_another_organisations_user_gets_404_and_writes_nothing(college, review, client_for, who):
    item = services.add_preparation_item(college.branch_a1_secretary, review, kind="problem", content="甲一的问题")
    client = client_for(getattr(college, who))
    before = audit_count()
    assert client.get(url(review)).status_code == 404
    assert client.post(url(review, "research/add/"), RESEARCH).status_code == 404
    assert client.post(url(review, f"items/{item.pk}/withdraw/")).status_code == 404
    assert client.post(url(review, "done/")).status_code == 404
    item.refresh_from_db()
    assert not item.is_withdrawn and PreparationItem.objects.count() == 1 and audit_count() == before


def test_an_item_of_another_review_cannot_be_withdrawn_through_ones_own(college, cycle, review, client_for):
    other = review_of(cycle, college.branch_b1)
    item = services.add_preparation_item(college.branch_b1_secretary, other, kind="problem", content="乙一的问题")
    response = client_for(college.branch_a1_secretary).post(url(review, f"items/{item.pk}/withdraw/"))
    item.refresh_from_db()
    assert response.status_code == 404 and not item.is_withdrawn


def test_unknown_kind_and_get_are_refused(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    assert client.post(url(review, "gossip/add/"), {"gossip-content": "x"}).status_code == 404
    assert client.get(url(review, "research/add/")).status_code == 405


def test_posts_without_the_csrf_token_are_refused(college, review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(college.branch_a1_secretary)
    assert client.post(url(review, "research/add/"), RESEARCH).status_code == 403
    assert not PreparationItem.objects.exists()
