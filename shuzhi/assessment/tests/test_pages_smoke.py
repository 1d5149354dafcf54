"""Every daily-assessment page answers for the org dept, with the data of one recorded check."""

from __future__ import annotations

import pytest

from conftest import review_of
from shuzhi.assessment.tests.helpers import record_check

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_the_org_dept(college, cycle, client_for):
    check = record_check(college.org_dept, cycle, college.gb_a, [30, 20, 25, 15])
    draft = record_check(college.org_dept, cycle, college.gb_b, [10], to_record=False)
    client = client_for(college.org_dept)
    for url in [
        f"/assessment/cycles/{cycle.pk}/",
        f"/assessment/cycles/{cycle.pk}/new/",
        f"/assessment/cycles/{cycle.pk}/settings/",
        f"/assessment/cycles/{cycle.pk}/methods/",
        f"/assessment/checks/{check.pk}/",
        f"/assessment/checks/{check.pk}/withdraw/",
        f"/assessment/checks/{draft.pk}/edit/",
        f"/cycles/{cycle.pk}/",
        f"/reports/review/{review_of(cycle, college.gb_a).pk}/",
        "/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "甲学院党总支" in client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()


def test_the_report_page_offers_an_inspector_a_check_of_that_organisation(college, cycle, client_for):
    url = f"/reports/review/{review_of(cycle, college.branch_a1).pk}/"
    link = f"/assessment/cycles/{cycle.pk}/new/?organization={college.branch_a1.pk}"
    assert link in client_for(college.gb_a_secretary).get(url).content.decode()
    page = client_for(college.branch_a1_secretary).get(url).content.decode()
    assert link not in page and "日常考核得分暂缺（不按零分计）" in page
