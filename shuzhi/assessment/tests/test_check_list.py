"""The cycle's check list: filtered by organisation, inspector, method and status, scoped, and with htmx
just its rows."""

from __future__ import annotations

import pytest

from shuzhi.assessment.tests.helpers import record_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def checks(college, cycle):
    return {
        "briefing": record_check(college.org_dept, cycle, college.gb_a, [20, 20, 20, 10], methods=("briefing",)),
        "people": record_check(college.org_dept, cycle, college.gb_b, [20, 20, 20, 10], methods=("people", "on_site")),
        "branch": record_check(
            college.gb_a_secretary, cycle, college.branch_a1, [20, 20, 20, 10], methods=("on_site",)
        ),
    }


def shown(client, cycle, **query) -> set[int]:
    import re

    page = client.get(f"/assessment/cycles/{cycle.pk}/", query).content.decode()
    return {int(pk) for pk in re.findall(r'data-check="(\d+)"', page)}


def test_the_filters(college, cycle, checks, client_for):
    client = client_for(college.org_dept)
    every = {c.pk for c in checks.values()}
    assert shown(client, cycle) == every
    assert shown(client, cycle, method="people") == {checks["people"].pk}
    assert shown(client, cycle, method="on_site") == {checks["people"].pk, checks["branch"].pk}
    assert shown(client, cycle, method="not_preferred") == {checks["briefing"].pk}
    assert shown(client, cycle, organization=college.gb_b.pk) == {checks["people"].pk}
    assert shown(client, cycle, inspector=college.gb_a_secretary.pk) == {checks["branch"].pk}
    assert shown(client, cycle, status="withdrawn") == set()
    assert shown(client, cycle, method="nonsense") == every  # an unknown value filters nothing


def test_the_list_is_scoped(college, cycle, checks, client_for):
    # her own 党总支 checked (she is its secretary) and her 党支部; not 乙学院党总支
    assert shown(client_for(college.gb_a_secretary), cycle) == {checks["briefing"].pk, checks["branch"].pk}
    assert shown(client_for(college.branch_a1_secretary), cycle) == {checks["branch"].pk}
    assert shown(client_for(college.direct_secretary), cycle) == set()
    assert shown(client_for(college.committee_member), cycle) == {c.pk for c in checks.values()}


def test_htmx_gets_just_the_rows(college, cycle, checks, client_for):
    response = client_for(college.org_dept).get(
        f"/assessment/cycles/{cycle.pk}/", {"method": "people"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="check-list"
    )
    page = response.content.decode()
    assert (
        page.startswith('<div id="check-list">')
        and "<html" not in page
        and f'data-check="{checks["people"].pk}"' in page
    )
