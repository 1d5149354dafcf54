"""Voter categories with weights (评议人员类别) on the ballot design page. Codes per category are issued on
the vote page (test_manage_views); this page only links there."""

from decimal import Decimal

import pytest

from shuzhi.audit.models import AuditEvent
from shuzhi.voting import services
from shuzhi.voting.models import VoterCategory
from shuzhi.voting.services import BallotInput

FOUR = [("校领导", "30"), ("中层干部", "30"), ("党支部书记", "20"), ("教职工党员代表", "20")]


@pytest.fixture
def draft(college, meeting):
    survey = services.create_survey(college.org_dept, meeting)
    survey.meeting = meeting
    return survey


def page(survey, tail=""):
    return f"/meetings/{survey.meeting_id}/vote-design/{survey.pk}/{tail}"


def rows(categories, **extra):
    data = {"cat-total": str(len(categories)), **extra}
    for n, (name, weight) in enumerate(categories):
        data[f"cat-{n}-name"] = name
        data[f"cat-{n}-weight"] = weight
    return data


def test_design_page_shows_the_categories_with_the_running_total(college, draft, client_for):
    response = client_for(college.org_dept).get(page(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="cat-0-name" value="参会人员"' in html and 'name="cat-0-weight" value="100"' in html
    assert 'id="weight-total"' in html and "100%" in html
    assert "js/design.js" in html
    codes = html.split('id="codes"')[1].split("</section>")[0]  # issuing codes: a link to the vote page
    assert f'href="/meetings/{draft.meeting_id}/vote/#survey-{draft.pk}"' in codes and "<form" not in codes


def test_categories_must_add_up_to_100_refused_with_message_and_nothing_written(college, draft, client_for):
    before_events = AuditEvent.objects.count()
    typed = [("校领导", "30"), ("中层干部", "30"), ("教职工党员代表", "30")]
    response = client_for(college.org_dept).post(page(draft, "categories/"), rows(typed, action="save"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "各类别权重合计为 90%，须合计为 100%。" in html  # the service's message, in Chinese
    for name, _weight in typed:  # what was typed is kept
        assert f'value="{name}"' in html
    assert 'class="counter over"' in html and "90%" in html  # the total, also without JavaScript
    assert [(c.name, c.weight) for c in draft.categories.all()] == [("参会人员", Decimal(100))]
    assert AuditEvent.objects.count() == before_events


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ([("校领导", "abc"), ("教职工", "70")], "校领导"),
        ([("", "30"), ("教职工", "70")], ""),
        ([("教职工", "50"), ("教职工", "50")], ""),
    ],
)
def test_other_bad_categories_are_refused_and_kept(college, draft, client_for, typed, message):
    response = client_for(college.org_dept).post(page(draft, "categories/"), rows(typed))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="categories-error"' in html and message in html
    assert list(draft.categories.values_list("name", flat=True)) == ["参会人员"]


def test_four_categories_are_saved_and_audited(college, draft, client_for):
    before_events = AuditEvent.objects.count()
    response = client_for(college.org_dept).post(page(draft, "categories/"), rows(FOUR))
    assert response.status_code == 302 and response["Location"].endswith("#categories")
    assert [(c.name, c.weight) for c in draft.categories.all()] == [(n, Decimal(w)) for n, w in FOUR]
    assert AuditEvent.objects.count() == before_events + 1


def test_preset_button_fills_the_usual_four_without_saving(college, draft, client_for):
    response = client_for(college.org_dept).post(
        page(draft, "categories/"), rows([("参会人员", "100")], action="preset-categories")
    )
    assert response.status_code == 200
    html = response.content.decode()
    for name, _weight in FOUR:
        assert f'value="{name}"' in html
    assert list(draft.categories.values_list("name", flat=True)) == ["参会人员"]  # not saved yet


def test_add_and_remove_rows_keep_what_was_typed(college, draft, client_for):
    client = client_for(college.org_dept)
    html = client.post(page(draft, "categories/"), rows([("校领导", "40")], action="add-category")).content.decode()
    assert 'name="cat-1-name" value=""' in html and 'value="校领导"' in html and 'value="40"' in html
    html = client.post(
        page(draft, "categories/"), rows([("校领导", "40"), ("教职工", "60")], action="remove-category-0")
    ).content.decode()
    assert (
        'name="cat-0-name" value="教职工"' in html
        and "校领导" not in html.split('id="category-rows"')[1].split("</table>")[0]
    )
    assert VoterCategory.objects.filter(survey=draft).count() == 1


def test_once_codes_are_issued_only_weights_change(college, draft, client_for):
    leaders, staff = services.set_categories(college.org_dept, draft, [("校领导", 30), ("教职工", 70)])
    services.issue_codes(college.org_dept, draft, 2, category=leaders)
    client = client_for(college.org_dept)
    html = client.get(page(draft)).content.decode()
    assert 'id="categories-names-fixed"' in html and 'value="校领导" maxlength="50" readonly' in html
    assert client.post(page(draft, "categories/"), rows([("校领导", "40"), ("教职工", "60")])).status_code == 302
    assert [c.weight for c in draft.categories.all()] == [Decimal(40), Decimal(60)]
    response = client.post(page(draft, "categories/"), rows([("校领导", "40"), ("党员", "60")]))
    assert response.status_code == 400
    assert list(draft.categories.values_list("name", flat=True)) == ["校领导", "教职工"]


def test_categories_are_read_only_after_the_first_ballot(college, survey, client_for):
    survey.meeting = survey.meeting
    services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    client = client_for(college.org_dept)
    html = client.get(page(survey)).content.decode()
    assert 'id="categories-locked"' in html and "已收到测评票，评议人员类别不能再修改。" in html
    assert 'id="save-categories"' not in html
    response = client.post(page(survey, "categories/"), rows([("参会人员", "100"), ("新类别", "0")]))
    assert response.status_code == 400 and "已收到测评票" in response.content.decode()
