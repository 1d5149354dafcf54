"""Who may open and act on a report, on every endpoint of the report pages."""

import pytest

from conftest import review_of
from shuzhi.cycles.tests.helpers import audit_count
from shuzhi.reports import services
from shuzhi.reports.models import DutyReport, ReportVersion, ReportVetting
from shuzhi.reports.tests.test_editor_save import form_data


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


@pytest.fixture
def submitted(college, review, client_for):
    """甲学院教工党支部's report, saved twice and submitted as version 1."""
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review, practices="初稿"))
    client.post(f"/reports/review/{review.pk}/submit/", form_data(review, revision=1, ajax=False))
    client.logout()
    return review


def endpoints(review):
    base = f"/reports/review/{review.pk}"
    return [
        ("get", f"{base}/", None),
        ("post", f"{base}/save/", form_data(review, revision=2, practices="越权修改")),
        ("post", f"{base}/submit/", form_data(review, revision=2, ajax=False, practices="越权提交")),
        ("post", f"{base}/vet/", {"version_number": 1, "outcome": "passed", "comment": ""}),
        ("get", f"{base}/versions/", None),
        ("get", f"{base}/versions/?a=1&b=1", None),
        ("get", f"{base}/report.docx", None),
        ("get", f"{base}/report.docx?v=1", None),
        ("get", f"{base}/print/", None),
    ]


def state(review):
    report = DutyReport.objects.get(review=review)
    return (
        report.revision,
        report.status,
        report.practices,
        ReportVersion.objects.count(),
        ReportVetting.objects.count(),
        audit_count(),
    )


@pytest.mark.parametrize("who", ["branch_b1_secretary", "direct_secretary", "gb_b_secretary", "outsider"])
def test_others_get_404_on_every_endpoint_and_nothing_is_written(college, submitted, client_for, who):
    before = state(submitted)
    client = client_for(getattr(college, who))
    for method, url, data in endpoints(submitted):
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 404, (who, url)
    assert state(submitted) == before


def test_another_secretary_changing_the_review_id_gets_404(college, cycle, submitted, client_for):
    own = review_of(cycle, college.branch_b1)
    client = client_for(college.branch_b1_secretary)
    assert client.get(f"/reports/review/{own.pk}/").status_code == 200
    assert client.get(f"/reports/review/{submitted.pk}/").status_code == 404
    assert client.get(f"/reports/review/{submitted.pk + 10_000}/").status_code == 404


@pytest.mark.parametrize("who", ["committee_member", "org_dept", "gb_a_secretary"])
def test_committee_org_dept_and_the_reviewer_read_the_report(college, submitted, client_for, who):
    client = client_for(getattr(college, who))
    base = f"/reports/review/{submitted.pk}"
    for url in (f"{base}/", f"{base}/versions/", f"{base}/report.docx", f"{base}/print/"):
        assert client.get(url).status_code == 200, url
    assert "我带头讲专题党课3次。" in client.get(f"{base}/").content.decode()


def test_committee_member_reads_a_branch_report_but_cannot_vet(college, submitted, client_for):
    before = state(submitted)
    client = client_for(college.committee_member)
    page = client.get(f"/reports/review/{submitted.pk}/").content.decode()
    assert 'id="vet-form"' not in page
    response = client.post(
        f"/reports/review/{submitted.pk}/vet/", {"version_number": 1, "outcome": "passed", "comment": ""}
    )
    assert response.status_code == 403
    assert state(submitted) == before


@pytest.mark.parametrize("who", ["committee_member", "org_dept", "gb_a_secretary"])
def test_readers_cannot_save_or_submit(college, submitted, client_for, who):
    services.vet(college.gb_a_secretary, submitted, version_number=1, outcome="returned", comment="请修改")
    before = state(submitted)
    client = client_for(getattr(college, who))
    for action in ("save", "submit"):
        response = client.post(f"/reports/review/{submitted.pk}/{action}/", form_data(submitted, revision=2))
        assert response.status_code == 403
    assert state(submitted) == before


def test_committee_member_vets_a_general_branch_secretarys_report(college, cycle, client_for):
    review = review_of(cycle, college.gb_a)
    client = client_for(college.gb_a_secretary)
    client.post(f"/reports/review/{review.pk}/submit/", form_data(review, ajax=False))
    page = client_for(college.committee_member).get(f"/reports/review/{review.pk}/").content.decode()
    assert 'id="vet-form"' in page
