"""The quality check (体检) on the report pages, and its rules page /reports/quality-rules/."""

import json

import pytest

from conftest import review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.cycles.tests.helpers import audit_count, html
from shuzhi.reports import quality
from shuzhi.reports.models import QualityRules, ReportVersion
from shuzhi.reports.services import SECTION_LABELS
from shuzhi.reports.tests.test_editor_save import form_data

URL = "/reports/quality-rules/"
WORK_REPORT = "党支部召开支委会12次，召开党员大会4次，完成了各项工作任务。" * 6


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def default_rules() -> dict:
    return quality.rules_to_dict(quality.load_default_rules())


def save(client, review, practices, revision=0):
    return client.post(f"/reports/review/{review.pk}/save/", form_data(review, revision=revision, practices=practices))


def test_each_save_returns_the_findings_with_the_offending_sentences(college, review, client_for):
    body = save(client_for(college.branch_a1_secretary), review, WORK_REPORT + "<b>粗体</b>").json()
    assert body["findings_count"] >= 1
    assert "党支部召开支委会12次" in body["findings_html"] and "<q>" in body["findings_html"]
    assert "<b>粗体</b>" not in body["findings_html"]


def test_findings_never_block_submitting(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(
        f"/reports/review/{review.pk}/submit/", form_data(review, ajax=False, practices=WORK_REPORT)
    )
    assert response.status_code == 302 and ReportVersion.objects.count() == 1


def test_the_reviewer_sees_the_findings_of_the_submitted_version(college, review, client_for):
    client_for(college.branch_a1_secretary).post(
        f"/reports/review/{review.pk}/submit/", form_data(review, ajax=False, practices=WORK_REPORT)
    )
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{review.pk}/"))
    panel = page.split('id="findings-panel"')[1].split("</details>\n")[0]
    assert 'class="finding"' in panel


def thin_practices(findings_html: str) -> bool:
    items = findings_html.split('<li class="finding"')[1:]
    return any('data-rule="thin_section"' in item and SECTION_LABELS["practices"] in item for item in items)


def test_the_org_depts_tuned_rules_are_used(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    assert thin_practices(save(client, review, "我带头讲党课。").json()["findings_html"])
    data = default_rules()
    data["sections"]["practices_min_chars"] = 0
    QualityRules.objects.create(data=data)
    assert not thin_practices(save(client, review, "我带头讲党课一次。", revision=1).json()["findings_html"])


@pytest.mark.parametrize("who", ["branch_a1_secretary", "committee_member", "gb_a_secretary", "org_dept"])
def test_everyone_reads_every_rule_explained(college, client_for, who):
    page = html(client_for(getattr(college, who)).get(URL))
    for code, (title, _text) in quality.RULE_DESCRIPTIONS.items():
        assert f'id="rule-{code}"' in page and title in page
    assert ('id="rules-form"' in page) == (who == "org_dept")


def test_org_dept_saves_tuned_rules_with_an_audit_record(college, client_for):
    data = default_rules()
    data["vague"]["slogan_words"] = [*data["vague"]["slogan_words"], "党建工作走在前列不动摇"]
    before = audit_count()
    response = client_for(college.org_dept).post(
        URL, {"data": json.dumps(data, ensure_ascii=False), "loaded": "default", "action": "save"}
    )
    assert response.status_code == 302
    row = QualityRules.objects.get()
    assert "党建工作走在前列不动摇" in row.data["vague"]["slogan_words"] and row.updated_by == college.org_dept
    assert audit_count() == before + 1
    event = AuditEvent.objects.first()
    assert set(event.after) == {"vague"} and "党建工作走在前列不动摇" in event.after["vague"]["slogan_words"]


def test_invalid_json_is_explained_and_the_text_kept(college, client_for):
    typed = '{"version": "x", 这里少了引号}'
    response = client_for(college.org_dept).post(URL, {"data": typed, "loaded": "default", "action": "save"})
    assert response.status_code == 400
    page = html(response)
    assert "这里少了引号" in page and 'class="errorlist"' in page
    assert not QualityRules.objects.exists()


def test_a_bad_threshold_is_explained_in_chinese(college, client_for):
    data = default_rules()
    data["work_report"]["max_personal_share"] = 7
    response = client_for(college.org_dept).post(URL, {"data": json.dumps(data), "loaded": "default", "action": "save"})
    assert response.status_code == 400
    page = html(response)
    with pytest.raises(ValueError) as error:
        quality.parse_rules(data)
    assert str(error.value) in page and "体检规则" in page
    assert not QualityRules.objects.exists()


def test_a_save_over_someone_elses_change_is_refused(college, client_for):
    QualityRules.objects.create(data=default_rules())
    data = default_rules()
    data["version"] = "mine"
    response = client_for(college.org_dept).post(URL, {"data": json.dumps(data), "loaded": "default", "action": "save"})
    assert response.status_code == 400 and "&quot;mine&quot;" in html(response)
    assert QualityRules.objects.get().data["version"] != "mine"


def test_reset_goes_back_to_the_defaults_with_an_audit_record(college, client_for):
    data = default_rules()
    data["sections"]["practices_min_chars"] = 1
    QualityRules.objects.create(data=data)
    before = audit_count()
    response = client_for(college.org_dept).post(URL, {"action": "reset"})
    assert response.status_code == 302
    assert not QualityRules.objects.exists() and audit_count() == before + 1


@pytest.mark.parametrize("who", ["branch_a1_secretary", "committee_member", "gb_a_secretary"])
def test_only_the_org_dept_changes_the_rules(college, client_for, who):
    before = audit_count()
    client = client_for(getattr(college, who))
    assert (
        client.post(URL, {"data": json.dumps(default_rules()), "loaded": "default", "action": "save"}).status_code
        == 403
    )
    assert client.post(URL, {"action": "reset"}).status_code == 403
    assert not QualityRules.objects.exists() and audit_count() == before
