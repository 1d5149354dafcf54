"""Saving the draft: /reports/review/<id>/save/ (autosave JSON, and a plain form post without JS)."""

import pytest

from conftest import review_of
from shuzhi.cycles import services as cycle_services
from shuzhi.cycles.tests.helpers import audit_count, html
from shuzhi.reports import services
from shuzhi.reports.models import MAX_SECTION_CHARS, DutyReport


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def form_data(review, *, revision=0, practices="我带头讲专题党课3次。", ajax=True, **extra) -> dict:
    data = {
        "revision": revision,
        "practices": practices,
        "problems": "理论学习深度不够。",
        "next_steps": "每月开展一次专题研讨。",
        **extra,
    }
    for problem in cycle_services.prior_problems_for(review):
        data.setdefault(f"answer_{problem.pk}", "已整改：" + problem.text)
    if ajax:
        data["ajax"] = "1"
    return data


def url(review):
    return f"/reports/review/{review.pk}/save/"


def test_autosave_returns_the_new_revision_time_and_findings(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(url(review), form_data(review))
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1
    assert len(body["saved_at"]) == 8 and body["saved_at"].count(":") == 2
    assert 'class="findings"' in body["findings_html"] or "findings-ok" in body["findings_html"]
    report = services.get_report(review)
    assert report.revision == 1 and report.practices == "我带头讲专题党课3次。"


def test_accept_header_alone_gets_json(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(
        url(review), form_data(review, ajax=False), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["revision"] == 1


def test_the_same_text_again_is_harmless(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(url(review), form_data(review))
    response = client.post(url(review), form_data(review))  # e.g. a beacon repeating an autosave
    assert response.status_code == 200 and response.json()["revision"] == 1


def test_two_saves_from_the_same_base_revision_conflict(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    assert client.post(url(review), form_data(review, practices="第一个标签页")).status_code == 200
    response = client.post(url(review), form_data(review, practices="第二个标签页"))
    assert response.status_code == 409
    body = response.json()
    assert body["conflict"] is True and body["revision"] == 1 and body["message"]
    assert services.get_report(review).practices == "第一个标签页"


def test_a_100000_character_paste_is_refused_with_the_limit(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(url(review), form_data(review, practices="字" * 100_000))
    assert response.status_code == 400
    assert str(MAX_SECTION_CHARS) in response.json()["errors"]["practices"]
    assert not DutyReport.objects.filter(review=review, revision__gt=0).exists()


def test_line_breaks_are_stored_as_typed(college, review, client_for):
    client_for(college.branch_a1_secretary).post(url(review), form_data(review, practices="第一段\r\n\r\n  第二段  "))
    assert services.get_report(review).practices == "第一段\n\n  第二段  "


def test_plain_post_saves_and_redirects_back(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(url(review), form_data(review, ajax=False))
    assert response.status_code == 302 and response["Location"] == f"/reports/review/{review.pk}/"
    assert services.get_report(review).revision == 1


def test_plain_post_too_long_shows_the_editor_with_the_text_kept(college, review, client_for):
    long_text = "长" * (MAX_SECTION_CHARS + 1)
    response = client_for(college.branch_a1_secretary).post(
        url(review), form_data(review, ajax=False, practices=long_text)
    )
    assert response.status_code == 400
    page = html(response)
    assert long_text in page and str(MAX_SECTION_CHARS) in page


def test_plain_post_conflict_keeps_the_text_and_shows_the_banner(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(url(review), form_data(review, practices="先保存的"))
    response = client.post(url(review), form_data(review, ajax=False, practices="后来的<b>文字</b>"))
    assert response.status_code == 409
    page = html(response)
    banner = page.split('id="conflict-banner"')[1].split('id="restore-offer"')[0]
    assert " hidden>" not in banner.split("\n")[0]
    assert f"/reports/review/{review.pk}/?view=saved" in banner
    assert "后来的&lt;b&gt;文字&lt;/b&gt;" in page
    assert 'name="revision" value="0"' in page  # still the old base: the next save cannot overwrite
    assert services.get_report(review).practices == "先保存的"


def test_missing_revision_is_refused(college, review, client_for):
    data = form_data(review)
    del data["revision"]
    response = client_for(college.branch_a1_secretary).post(url(review), data)
    assert response.status_code == 400 and "revision" in response.json()["errors"]
    assert not DutyReport.objects.filter(review=review).exists()


def test_save_after_submitting_is_refused_with_the_reason(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(url(review), form_data(review))
    services.submit(college.branch_a1_secretary, review, base_revision=1)
    response = client.post(url(review), form_data(review, revision=1, practices="提交后又改"))
    assert response.status_code == 400 and response.json()["errors"]["__all__"]
    assert services.get_report(review).practices == "我带头讲专题党课3次。"


def test_reviewer_cannot_save_the_secretarys_report(college, review, client_for):
    before = audit_count()
    response = client_for(college.gb_a_secretary).post(url(review), form_data(review))
    assert response.status_code == 403
    assert not DutyReport.objects.filter(review=review).exists() and audit_count() == before


def test_get_is_not_allowed(college, review, client_for):
    assert client_for(college.branch_a1_secretary).get(url(review)).status_code == 405
