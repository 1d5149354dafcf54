"""Accepting or returning a submitted version: /reports/review/<id>/vet/."""

import pytest
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.cycles.tests.helpers import audit_count, html
from shuzhi.reports import services
from shuzhi.reports.models import ReportStatus, ReportVetting
from shuzhi.reports.tests.test_editor_save import form_data


@pytest.fixture
def review(college, cycle, client_for):
    """甲学院教工党支部's report, submitted as version 1 (revision 1)."""
    review = review_of(cycle, college.branch_a1)
    client_for(college.branch_a1_secretary).post(f"/reports/review/{review.pk}/submit/", form_data(review, ajax=False))
    return review


def url(review):
    return f"/reports/review/{review.pk}/vet/"


def test_reviewer_sees_the_vetting_form_for_the_latest_version(college, review, client_for):
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/"))
    form = page.split('id="vet-form"')[1].split("</form>")[0]
    assert 'name="version_number" value="1"' in form
    assert 'value="passed"' in form and 'value="returned"' in form


def test_reviewer_passes(college, review, client_for):
    events = audit_count()
    response = client_for(college.gb_a_secretary).post(url(review), {"version_number": 1, "outcome": "passed"})
    assert response.status_code == 302 and response["Location"] == f"/reports/review/{review.pk}/"
    assert services.get_report(review).status == ReportStatus.ACCEPTED
    assert audit_count() == events + 1


def test_passing_twice_is_harmless(college, review, client_for):
    client = client_for(college.gb_a_secretary)
    client.post(url(review), {"version_number": 1, "outcome": "passed"})
    events = audit_count()
    response = client.post(url(review), {"version_number": 1, "outcome": "passed"})
    assert response.status_code == 302
    assert ReportVetting.objects.count() == 1 and audit_count() == events


def test_returning_needs_a_comment_and_keeps_what_was_typed(college, review, client_for):
    response = client_for(college.gb_a_secretary).post(
        url(review), {"version_number": 1, "outcome": "returned", "comment": "   "}
    )
    assert response.status_code == 400
    assert _("Say what should be revised when returning a report.") in html(response)
    assert services.get_report(review).status == ReportStatus.SUBMITTED
    assert not ReportVetting.objects.exists()


def test_a_bad_outcome_keeps_the_comment(college, review, client_for):
    response = client_for(college.gb_a_secretary).post(
        url(review), {"version_number": 1, "outcome": "maybe", "comment": "保留我写的<意见>"}
    )
    assert response.status_code == 400
    assert "保留我写的&lt;意见&gt;" in html(response)
    assert not ReportVetting.objects.exists()


def test_vetting_a_version_that_does_not_exist_is_explained(college, review, client_for):
    response = client_for(college.gb_a_secretary).post(url(review), {"version_number": 7, "outcome": "passed"})
    assert response.status_code == 400 and not ReportVetting.objects.exists()


def test_vettings_are_listed_with_who_when_and_comment(college, review, client_for):
    client = client_for(college.gb_a_secretary)
    client.post(url(review), {"version_number": 1, "outcome": "returned", "comment": "请补充<script>数据</script>"})
    for user in (college.gb_a_secretary, college.branch_a1_secretary):
        page = html(client_for(user).get(f"/reports/review/{review.pk}/"))
        assert "总支书记甲" in page and "请补充&lt;script&gt;数据&lt;/script&gt;" in page
        assert "<script>数据" not in page


def test_the_secretary_cannot_vet_their_own_report(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(url(review), {"version_number": 1, "outcome": "passed"})
    assert response.status_code == 403 and not ReportVetting.objects.exists()


def test_org_dept_may_vet(college, review, client_for):
    response = client_for(college.org_dept).post(url(review), {"version_number": 1, "outcome": "passed"})
    assert response.status_code == 302 and services.get_report(review).status == ReportStatus.ACCEPTED


def test_return_edit_resubmit_and_compare(college, review, client_for):
    reviewer = client_for(college.gb_a_secretary)
    reviewer.post(url(review), {"version_number": 1, "outcome": "returned", "comment": "请补充具体数据"})
    secretary = client_for(college.branch_a1_secretary)
    page = html(secretary.get(f"/reports/review/{review.pk}/"))
    assert 'id="report-form"' in page and "请补充具体数据" in page
    secretary.post(
        f"/reports/review/{review.pk}/save/",
        form_data(review, revision=1, practices="我带头讲专题党课5次，谈心谈话20人次。"),
    )
    response = secretary.post(
        f"/reports/review/{review.pk}/submit/",
        form_data(review, revision=2, ajax=False, practices="我带头讲专题党课5次，谈心谈话20人次。"),
    )
    assert response.status_code == 302
    report = services.get_report(review)
    assert report.status == ReportStatus.SUBMITTED and report.versions.count() == 2
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/versions/?a=1&b=2"))
    diff = page.split('id="diff-practices"')[1].split("</section>")[0]
    assert "我带头讲专题党课<del>3</del><ins>5次，谈心谈话20人</ins>次。" in diff
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/"))
    assert 'name="version_number" value="2"' in page
