"""The quality check's new word lists (issue 14) in the rules editor and on the report editor: shown, validated,
used; and the number of findings next to the submit button (the check advises, it never blocks)."""

import json

import pytest

from conftest import review_of
from shuzhi.cycles import services as cycle_services
from shuzhi.cycles.tests.helpers import html
from shuzhi.reports import quality, services
from shuzhi.reports.models import QualityRules, ReportStatus, ReportVersion
from shuzhi.reports.tests.test_editor_save import form_data

URL = "/reports/quality-rules/"
UNIT_RESULTS = (
    "学院今年招生1100人，新生报到率96%，毕业生就业率97.5%，专升本录取156人。"
    "教师获省级教学成果奖二等奖1项，立项省级课题2项，发表论文26篇。"
    "学生在全国技能大赛中获一等奖1项，新建实训中心1个，到账经费75万元。"
)


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def default_rules() -> dict:
    return quality.rules_to_dict(quality.load_default_rules())


def test_the_rules_editor_shows_the_new_lists(college, client_for):
    page = client_for(college.org_dept).get(URL)
    shown = json.loads(page.context["form"].initial["data"])
    for group, key in (
        ("prior_problems", "blanket_words"),
        ("prior_problems", "common_words"),
        ("prior_problems", "action_words"),
        ("prior_problems", "topics"),
        ("vague", "concrete_words"),
        ("unit_work", "max_first_person_share"),
        ("team_report", "unit_words"),
        ("work_report", "heading_max_chars"),
    ):
        assert key in shown[group], key
    assert "已基本整改到位" in html(page) or "整改到位" in shown["prior_problems"]["blanket_words"]
    assert "再上新台阶" in shown["vague"]["slogan_words"] and "继续做好各项工作" in shown["vague"]["slogan_words"]


def test_a_bad_topic_is_refused_naming_the_key_and_the_text_is_kept(college, client_for):
    data = default_rules()
    data["prior_problems"]["topics"][1]["keywords"] = "组织生活"
    typed = json.dumps(data, ensure_ascii=False)
    response = client_for(college.org_dept).post(URL, {"data": typed, "loaded": "default", "action": "save"})
    assert response.status_code == 400
    page = html(response)
    assert "prior_problems.topics[2].keywords" in page and "应为文字列表" in page
    assert page.count("中心组学习") >= 1  # the typed rules are back in the form, not the saved ones
    assert response.context["form"]["data"].value() == typed
    assert not QualityRules.objects.exists()


def test_a_bad_unit_list_is_refused_naming_the_key_in_chinese(college, client_for):
    data = default_rules()
    data["team_report"]["unit_words"] = ["学院", 3]
    typed = json.dumps(data, ensure_ascii=False)
    response = client_for(college.org_dept).post(URL, {"data": typed, "loaded": "default", "action": "save"})
    assert response.status_code == 400
    assert "team_report.unit_words" in html(response) and "第 2 项应为文字" in html(response)
    assert response.context["form"]["data"].value() == typed
    assert not QualityRules.objects.exists()


def test_an_extended_blanket_list_is_saved_and_used_on_the_next_save(college, review, client_for):
    problems = cycle_services.prior_problems_for(review)
    assert problems
    answers = {f"answer_{p.pk}": p.text + "已妥善处理，我主持召开专题会议2次。" for p in problems}
    post = form_data(review, practices=UNIT_RESULTS, **answers)
    before = client_for(college.branch_a1_secretary).post(f"/reports/review/{review.pk}/save/", post).json()
    assert 'data-rule="unanswered_problem"' not in before["findings_html"]  # 2次 and 召开: something was done

    data = default_rules()
    data["prior_problems"]["blanket_words"] = [*data["prior_problems"]["blanket_words"], "妥善处理", "专题会议"]
    data["prior_problems"]["action_words"] = []
    response = client_for(college.org_dept).post(
        URL, {"data": json.dumps(data, ensure_ascii=False), "loaded": "default", "action": "save"}
    )
    assert response.status_code == 302
    assert "妥善处理" in services.current_quality_rules().prior_problems.blanket_words
    after = client_for(college.branch_a1_secretary).post(f"/reports/review/{review.pk}/save/", {**post, "revision": 1})
    assert 'data-rule="unanswered_problem"' in after.json()["findings_html"]


def test_rules_saved_under_the_previous_release_are_merged_and_used(college):
    old = default_rules()
    old["unit_work"] = {"min_sentences": 3, "min_share": 0.25, "dense_hits": 2, "achievement_words": ["招生"]}
    old["prior_problems"] = {"min_overlap": 0.25, "rectified_words": ["已整改"]}
    QualityRules.objects.create(data=old)
    rules = services.current_quality_rules()
    assert rules.unit_work.achievement_words == ("招生",)
    assert rules.prior_problems.topics == quality.load_default_rules().prior_problems.topics
    assert services.quality_rules_state().error is None


def test_the_editor_says_how_many_findings_there_are_next_to_the_submit_button(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    client.post(f"/reports/review/{review.pk}/save/", form_data(review, practices=UNIT_RESULTS))
    page = html(client.get(f"/reports/review/{review.pk}/"))
    count = int(page.split('id="findings-count">')[1].split("<")[0])
    assert count >= 2
    line = page.split('id="submit-findings"')[1].split("</p>")[0]
    assert " hidden" not in line.split(">")[0]
    assert f"体检提示 {count} 条" in line and "不影响提交" in line
    assert 'data-msg-confirm-findings="体检对这份报告有 {n} 条提示' in page


def test_without_findings_the_line_is_hidden(college, review, client_for):
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/"))
    line = page.split('id="submit-findings"')[1].split(">")[0]
    count = int(page.split('id="findings-count">')[1].split("<")[0])
    assert (" hidden" in line) == (count == 0)


def test_a_report_with_findings_is_still_submitted(college, review, client_for):
    response = client_for(college.branch_a1_secretary).post(
        f"/reports/review/{review.pk}/submit/", form_data(review, ajax=False, practices=UNIT_RESULTS)
    )
    assert response.status_code == 302
    assert ReportVersion.objects.count() == 1 and services.get_report(review).status == ReportStatus.SUBMITTED
