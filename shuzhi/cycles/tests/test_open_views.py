"""Opening a year's cycle: /cycles/new/ (org dept only)."""

import pytest
from django.utils.translation import gettext as _

from shuzhi.cycles.models import Review, ReviewCycle
from shuzhi.cycles.tests.helpers import REQUIRED, audit_count, html

URL = "/cycles/new/"


def _form(**overrides):
    data = {
        "year": "2027",
        "title": "2027年度基层党组织书记抓党建工作述职评议考核",
        "key_items": "深化党的创新理论武装\n\n  党支部标准化规范化建设  \n",
        "report_mode": "both",
        "preparation_due": "2027-10-31",
        "report_due": "2027-11-30",
        "meeting_from": "2027-12-10",
        "meeting_to": "2027-12-20",
    }
    data.update(overrides)
    return data


def test_form_is_prefilled_with_the_standard_title(college, client_for):
    page = html(client_for(college.org_dept).get(URL))
    assert 'name="year"' in page
    assert "年度基层党组织书记抓党建工作述职评议考核" in page


def test_org_dept_opens_a_year_and_learns_who_has_no_secretary(college, client_for):
    response = client_for(college.org_dept).post(URL, _form(), follow=True)
    cycle = ReviewCycle.objects.get(year=2027)
    assert response.redirect_chain[-1][0] == f"/cycles/{cycle.pk}/"
    assert cycle.key_items == ["深化党的创新理论武装", "党支部标准化规范化建设"]
    assert str(cycle.meeting_to) == "2027-12-20"
    assert Review.objects.filter(cycle=cycle).count() == 5
    page = html(response)
    expected = _("The %(year)d cycle is open: %(n)d reviews were created, one per secretary.") % {"year": 2027, "n": 5}
    assert expected in page
    assert "甲学院学生党支部" in page.split('class="messages"')[1].split("</ul>")[0]


def test_bad_input_is_explained_kept_and_nothing_is_written(college, client_for):
    before = audit_count()
    response = client_for(college.org_dept).post(
        URL, _form(title="", year="20x7", key_items="保留的重点内容<b>", meeting_to="2027-12-01")
    )
    page = html(response)
    assert response.status_code == 200
    assert REQUIRED in page
    assert 'value="20x7"' in page and "保留的重点内容&lt;b&gt;" in page
    assert _("The end date cannot be before the start date.") in page
    assert ReviewCycle.objects.count() == 0 and audit_count() == before


def test_a_title_naming_another_year_is_refused(college, client_for):
    response = client_for(college.org_dept).post(URL, _form(year="2028"))
    assert response.status_code == 200
    assert "2027" in html(response) and not ReviewCycle.objects.exists()


def test_a_second_open_of_the_same_year_is_refused_with_the_services_message(college, cycle, client_for):
    before = audit_count()
    response = client_for(college.org_dept).post(URL, _form(year="2026", title="2026年度再开一次"))
    message = _("The %(year)d cycle has already been opened; a year is opened once.") % {"year": 2026}
    assert response.status_code == 200 and message in html(response)
    assert 'value="2026年度再开一次"' in html(response)
    assert ReviewCycle.objects.count() == 1 and audit_count() == before


def test_too_many_key_items_are_refused(college, client_for):
    items = "\n".join(f"重点{i}" for i in range(31))
    response = client_for(college.org_dept).post(URL, _form(key_items=items))
    assert response.status_code == 200 and "重点30" in html(response)
    assert not ReviewCycle.objects.exists()


@pytest.mark.parametrize("who", ["committee_member", "gb_a_secretary", "branch_a1_secretary", "outsider"])
def test_only_the_org_dept_may_open_a_cycle(college, client_for, who):
    client = client_for(getattr(college, who))
    before = audit_count()
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form()).status_code == 403
    assert not ReviewCycle.objects.exists() and audit_count() == before


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
