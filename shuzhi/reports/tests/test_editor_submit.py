"""Submitting the report: /reports/review/<id>/submit/ saves what the form holds, then submits it."""

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.cycles.tests.helpers import audit_count, html
from shuzhi.reports import services
from shuzhi.reports.models import ReportStatus, ReportVersion
from shuzhi.reports.tests.test_editor_save import form_data


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def url(review):
    return f"/reports/review/{review.pk}/submit/"


def test_submitting_saves_the_text_and_creates_version_one(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(url(review), form_data(review, ajax=False))
    assert response.status_code == 302 and response["Location"] == f"/reports/review/{review.pk}/"
    report = services.get_report(review)
    assert report.status == ReportStatus.SUBMITTED
    version = report.versions.get()
    assert version.number == 1 and version.content["practices"] == "我带头讲专题党课3次。"


def test_submitting_after_autosaves_uses_the_current_revision(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review))
    response = client.post(url(review), form_data(review, revision=1, ajax=False, practices="提交前最后的修改"))
    assert response.status_code == 302
    assert services.get_report(review).versions.get().content["practices"] == "提交前最后的修改"


def test_missing_sections_are_named_and_the_text_is_kept_and_saved(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(
        url(review), form_data(review, ajax=False, problems="", practices="只写了做法")
    )
    assert response.status_code == 400
    page = html(response)
    assert services.SECTION_LABELS["problems"] in page and "只写了做法" in page
    report = services.get_report(review)
    assert report.status == ReportStatus.DRAFT and report.practices == "只写了做法"
    assert f'name="revision" value="{report.revision}"' in page  # the next save goes on from the saved text
    assert not ReportVersion.objects.exists()


def test_a_double_click_submits_once(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(url(review), form_data(review, ajax=False))
    events = audit_count()
    response = client.post(url(review), form_data(review, ajax=False))
    assert response.status_code == 302
    assert ReportVersion.objects.count() == 1 and audit_count() == events


def test_a_stale_tab_submitting_gets_the_conflict_not_an_overwrite(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review, practices="另一个标签页保存的"))
    response = client.post(url(review), form_data(review, revision=0, ajax=False, practices="旧标签页的文字"))
    assert response.status_code == 409
    assert "旧标签页的文字" in html(response)
    assert services.get_report(review).practices == "另一个标签页保存的"
    assert not ReportVersion.objects.exists()


def test_submitting_an_accepted_report_is_refused_with_the_reason(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(url(review), form_data(review, ajax=False))
    services.vet(college.gb_a_secretary, review, version_number=1, outcome="passed")
    response = client.post(url(review), form_data(review, revision=1, ajax=False, practices="接受后再改"))
    assert response.status_code == 400
    assert _("The report has been accepted and can no longer be changed.") in html(response)
    assert ReportVersion.objects.count() == 1
    assert services.get_report(review).practices == "我带头讲专题党课3次。"


def test_reviewer_cannot_submit_for_the_secretary(college, review, client_for):
    events = audit_count()
    response = client_for(college.gb_a_secretary).post(url(review), form_data(review, ajax=False))
    assert response.status_code == 403
    assert not ReportVersion.objects.exists() and audit_count() == events


def save_bar(page: str) -> tuple[str, str]:
    """(data-state, text) of the editor's save bar."""
    bar = page.split('id="save-status"')[1].split("</p>")[0]
    return bar.split('data-state="')[1].split('"')[0], bar.split(">", 1)[1].strip()


def test_a_refused_submit_of_an_empty_report_says_nothing_was_saved_like_the_save_bar(college, review, client_for):
    """The page and the save bar tell the same truth: nothing was written, so nothing is saved."""
    empty = {"revision": 0, "practices": "", "problems": "", "next_steps": ""}
    response = client_for(college.branch_a1_secretary).post(url(review), empty)
    page = html(response)
    assert response.status_code == 400
    assert save_bar(page) == ("new", _("Not saved yet"))
    assert _("Nothing is saved yet: the report is still empty.") in page
    assert "草稿已保存" not in page
    assert services.get_report(review).revision == 0 and not ReportVersion.objects.exists()


def test_a_refused_submit_says_the_draft_is_saved_at_the_time_the_save_bar_shows(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(
        url(review), form_data(review, ajax=False, problems="", practices="只写了做法")
    )
    page = html(response)
    report = services.get_report(review)
    state, text = save_bar(page)
    saved_at = timezone.localtime(report.updated_at).strftime("%H:%M:%S")
    assert (state, text) == ("saved", f"{_('Saved')} {saved_at}")
    assert _("Your draft is saved (%(time)s).") % {"time": saved_at} in page
    assert (
        _("Fill in every section before submitting: %(sections)s.") % {"sections": services.SECTION_LABELS["problems"]}
        in page
    )


def test_a_submit_whose_text_was_not_saved_does_not_claim_a_save(college, review, client_for):
    """Too long to save: the bar says not saved (it used to show the previous save's time)."""
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review, ajax=False))
    response = client.post(
        url(review), form_data(review, revision=1, ajax=False, practices="长" * (services.MAX_SECTION_CHARS + 1))
    )
    page = html(response)
    assert response.status_code == 400
    assert save_bar(page) == ("invalid", _("Not saved: see the message at the field"))
    assert "草稿已保存" not in page


def test_a_conflicting_submit_says_not_saved_in_the_bar(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review, practices="另一个标签页保存的"))
    page = html(client.post(url(review), form_data(review, revision=0, ajax=False, practices="旧标签页的文字")))
    assert save_bar(page) == ("conflict", _("Not saved: the report was changed elsewhere"))
