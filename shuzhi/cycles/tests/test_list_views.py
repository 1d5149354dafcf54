"""The list of cycles (/cycles/) and the "my review" entry (/cycles/mine/)."""

from conftest import review_of
from shuzhi.cycles import services
from shuzhi.cycles.tests.helpers import html


def test_org_dept_sees_every_cycle_newest_first_and_can_open_one(college, cycle, client_for):
    services.open_cycle(college.org_dept, year=2025, title="2025年度旧周期", key_items=[])
    page = html(client_for(college.org_dept).get("/cycles/"))
    assert page.index(cycle.title) < page.index("2025年度旧周期")
    assert 'href="/cycles/new/"' in page


def test_secretary_sees_the_cycle_with_a_link_to_their_review_but_cannot_open_one(college, cycle, client_for):
    page = html(client_for(college.branch_a1_secretary).get("/cycles/"))
    review = review_of(cycle, college.branch_a1)
    assert cycle.title in page
    assert f"/cycles/review/{review.pk}/preparation/" in page
    assert 'href="/cycles/new/"' not in page


def test_someone_with_no_review_sees_no_cycle(college, cycle, client_for):
    page = html(client_for(college.outsider).get("/cycles/"))
    assert cycle.title not in page


def test_mine_takes_a_secretary_to_the_preparation_of_the_newest_cycle(college, cycle, client_for):
    services.open_cycle(college.org_dept, year=2025, title="2025年度旧周期", key_items=[])
    response = client_for(college.branch_a1_secretary).get("/cycles/mine/")
    assert response.status_code == 302
    assert response["Location"] == f"/cycles/review/{review_of(cycle, college.branch_a1).pk}/preparation/"


def test_mine_shows_a_friendly_empty_state_without_a_review(college, cycle, client_for):
    response = client_for(college.outsider).get("/cycles/mine/")
    assert response.status_code == 200 and 'class="card empty-state"' in html(response)


def test_mine_shows_the_empty_state_before_any_cycle_is_opened(college, client_for):
    response = client_for(college.branch_a1_secretary).get("/cycles/mine/")
    assert response.status_code == 200 and "empty-state" in html(response)
