"""The org dept designs the ballot on a desktop: four weighted voter categories with the running total,
then the year's ballot form with a per-item rating, watching the phone preview change."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP
from shuzhi.cycles.models import ReviewCycle
from shuzhi.voting import services

pytestmark = pytest.mark.browser

FOUR = [("校领导", "30"), ("中层干部", "30"), ("党支部书记", "20"), ("教职工党员代表", "20")]


@pytest.fixture(autouse=True)
def reachable_ballot_address(settings):
    """The live server is on localhost, which phones cannot open: the cards would be held back."""
    settings.PUBLIC_BASE_URL = "http://192.168.1.20:8000"


def test_org_dept_sets_weighted_categories_and_edits_the_form_with_a_live_preview(college, cycle, meeting, page_for):
    survey = services.create_survey(college.org_dept, meeting)
    page = page_for(college.org_dept, DESKTOP)
    page.goto(f"/meetings/{meeting.pk}/vote-design/{survey.pk}/")
    total = page.locator("#weight-total")
    expect(total).to_contain_text("100%")

    # Four categories: three more rows (each button keeps what was typed), then names and weights.
    for _ in range(3):
        page.click("#add-category")
        page.wait_for_load_state("load")
    expect(page.locator("input[name$='-weight']")).to_have_count(4)
    for n, (name, weight) in enumerate(FOUR):
        page.fill(f"input[name=cat-{n}-name]", name)
        page.fill(f"input[name=cat-{n}-weight]", weight)
        if n == 2:  # 30 + 30 + 20 typed so far
            expect(total).to_contain_text("80%")
            expect(total).to_have_class("counter over")
            page.locator("#categories").screenshot(path="test-artifacts/design-categories-total-80-desktop.png")
    expect(total).to_contain_text("100%")
    expect(total).not_to_have_class("counter over")
    page.locator("#categories").screenshot(path="test-artifacts/design-categories-desktop.png")
    page.click("#save-categories")
    expect(page.locator(".messages")).to_be_visible()
    assert [(c.name, c.weight) for c in survey.categories.all()] == [(n, Decimal(w)) for n, w in FOUR]
    page.screenshot(path="test-artifacts/design-survey-desktop.png", full_page=True)

    # Codes per category are issued on the vote page, which the design page links to.
    page.click("#issue-codes")
    issue = page.locator(f"#survey-{survey.pk} .issue-form")
    expect(issue.locator("select[name=category] option")).to_have_count(4)
    issue.locator("select[name=category]").select_option(label="中层干部（30%）")
    issue.locator("input[name=count]").fill("3")
    issue.locator("button[type=submit]").click()
    expect(page.locator(".cut-card")).to_have_count(3)
    assert survey.codes.filter(category__name="中层干部").count() == 3

    # The year's ballot form: add a per-item rating and watch the phone preview.
    page.goto(f"/cycles/{cycle.pk}/ballot-form/")
    preview = page.frame_locator("#ballot-preview")
    expect(preview.locator("fieldset.presenter").first).to_be_visible()
    expect(preview.locator(".opts span").first).to_have_text("满意")
    expect(preview.locator(".item-label")).to_have_count(0)
    page.click("#add-item")
    page.wait_for_load_state("load")
    page.fill("input[name=item-0-label]", "履行第一责任人职责")
    expect(preview.locator(".item-label").first).to_have_text("履行第一责任人职责")
    page.fill("input[name=opt-0-label]", "非常满意")
    expect(preview.locator(".opts span").first).to_have_text("非常满意")
    expect(preview.locator(".item .opts span").first).to_have_text("非常满意")  # same options as the overall
    page.screenshot(path="test-artifacts/design-cycle-form-desktop.png", full_page=True)
    page.click("#save-form")
    expect(page.locator(".messages")).to_be_visible()
    form = ReviewCycle.objects.get(pk=cycle.pk).ballot_form
    assert form["options"][0]["label"] == "非常满意"
    assert [i["label"] for i in form["items"]] == ["履行第一责任人职责"]


def test_organiser_starts_a_rehearsal_from_the_vote_page_runs_it_there_and_wipes_it_on_the_design_page(
    college, meeting, page_for
):
    from shuzhi.voting.models import Survey

    real = services.create_survey(college.org_dept, meeting)
    services.set_categories(college.org_dept, real, [("校领导", 40), ("教职工", 60)])
    page = page_for(college.org_dept, DESKTOP)
    page.goto(f"/meetings/{meeting.pk}/vote/")
    page.click("#rehearsals")
    page.click("#create-rehearsal")  # started by the design page: a copy of the real vote's set-up
    expect(page.locator("#rehearsal-badge")).to_be_visible()
    rehearsal = meeting.surveys.get(is_rehearsal=True)
    assert list(rehearsal.categories.values_list("name", flat=True)) == ["校领导", "教职工"]

    page.click("#vote-page")  # run on the vote page: its codes, opening and closing
    card = page.locator(f"#survey-{rehearsal.pk}")
    expect(card).to_be_visible()
    card.locator("input[name=count]").fill("2")
    card.locator(".issue-form button[type=submit]").click()
    expect(page.locator(".cut-card")).to_have_count(2)
    page.go_back()
    page.reload()
    page.screenshot(path="test-artifacts/vote-rehearsals-desktop.png", full_page=True)

    page.click(f"#design-{rehearsal.pk}")  # wiped where it was started
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#wipe-rehearsal")
    expect(page.locator(".messages")).to_be_visible()
    assert not Survey.objects.filter(pk=rehearsal.pk).exists()
    assert Survey.objects.filter(pk=real.pk).exists()
