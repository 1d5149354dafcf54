"""Who the practices are about (rules 2026.4, seed 五（六）): the organisation's account of what was done is
以工作汇报代替工作述职; the 班子 / 委员会 as subject instead of the secretary is 以班子述职代替书记述职; the unit or
its offices as the subject of business results is 以单位工作代替书记工作, not 班子述职. And an answer to last
year's problem about serving the locality, in other words, is an answer. No database."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuzhi.reports.quality import (
    check_report,
    load_default_rules,
    merge_over_defaults,
    parse_rules,
    rules_to_dict,
    split_sentences,
)
from shuzhi.reports.tests.test_quality import load_sample

SAMPLES = Path(__file__).parent / "samples"
GOOD = load_sample(SAMPLES / "good_01_teacher_branch.json")[1]


def rules_of(findings) -> set[str]:
    return {f.rule for f in findings}


def only(findings, rule):
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, [(f.rule, f.section) for f in findings]
    return matching[0]


def practices(text: str, rules=None) -> set[str]:
    return rules_of(check_report(replace(GOOD, practices=text), rules))


# The team as subject, each sentence listing what it did with numbers.
TEAM_LISTING = """一年来，园艺学院党总支班子团结协作，共同抓好党建工作。
班子成员全年参加中心组学习11次，每人撰写研讨发言材料3篇。
我们召开党总支会议16次，研究发展党员、评优评先等事项28项。
总支委员会对4个党支部的组织生活记录逐一检查，反馈问题9个。
班子成员每人联系1个党支部，全年参加支部组织生活40余次。
我们组织党员教师到2家合作企业开展主题党日，形成调研报告2篇。"""

# The unit and its offices as the subject of business results.
UNIT_SUBJECT = """学院今年录取新生1180人，新生报到率96%，毕业生就业去向落实率95.2%。
学院教务科完成4个专业人才培养方案修订，新增校级精品课程3门。
学院科研科组织申报省级课题9项，立项4项，到账横向经费62万元。
学院实训中心改造工程按期竣工，新购设备120台套。
学院学生科组织学生参加省级技能大赛，获一等奖2项、二等奖4项。"""

# What the organisation did, told without numbers and without anyone as subject: the secretary never appears.
ORGANISATION_SUMMARY = """一、坚持政治引领，理论武装持续深化
认真落实“第一议题”制度，深入学习贯彻党的二十届三中全会精神，党员干部的政治意识不断增强。
二、夯实组织基础，支部建设全面加强
严格落实“三会一课”、主题党日等制度，推动党支部标准化规范化建设走深走实。
三、从严正风肃纪，政治生态持续向好
压紧压实全面从严治党主体责任，扎实开展党纪学习教育，营造了风清气正的良好氛围。"""


def test_a_team_that_lists_its_meetings_is_a_team_report_and_not_a_work_report():
    found = check_report(replace(GOOD, practices=TEAM_LISTING))
    assert "work_report" not in rules_of(found)
    team = only(found, "team_report")
    assert "我们召开党总支会议16次，研究发展党员、评优评先等事项28项。" in team.sentences


def test_the_same_listing_without_a_subject_is_a_work_report():
    listing = "\n".join(
        [
            "全年参加中心组学习11次，撰写研讨发言材料33篇。",
            "召开党总支会议16次，研究发展党员、评优评先等事项28项。",
            "对4个党支部的组织生活记录逐一检查，反馈问题9个。",
            "全年参加支部组织生活40余次。",
            "组织党员教师到2家合作企业开展主题党日，形成调研报告2篇。",
        ]
    )
    found = check_report(replace(GOOD, practices=listing))
    assert "team_report" not in rules_of(found)
    assert "召开党总支会议16次，研究发展党员、评优评先等事项28项。" in only(found, "work_report").sentences


def test_the_unit_and_its_offices_as_subject_of_business_results_is_unit_work_and_not_a_team_report():
    found = practices(UNIT_SUBJECT)
    assert "unit_work" in found
    assert "team_report" not in found


def test_the_unit_named_before_its_team_makes_the_team_the_subject():
    text = """园艺学院党总支班子坚持每月集中学习1次。
园艺学院党总支召开专题会议研究发展党员工作。
学院党总支班子成员分片联系4个党支部。
学院支委会审议通过了年度学习计划。"""
    assert "team_report" in practices(text)


def test_practices_in_which_the_secretary_never_appears_are_a_work_report():
    finding = only(check_report(replace(GOOD, practices=ORGANISATION_SUMMARY)), "work_report")
    assert "一次也没有出现“我”" in finding.explanation
    assert all(sentence in ORGANISATION_SUMMARY for sentence in finding.sentences)
    assert "一、坚持政治引领，理论武装持续深化" not in finding.sentences  # a heading is not a statement


def test_the_same_summary_told_by_the_secretary_is_not_a_work_report():
    personal = ORGANISATION_SUMMARY.replace("认真落实", "我认真落实").replace("严格落实", "我带头严格落实")
    assert "work_report" not in practices(personal)


def test_section_headings_do_not_dilute_a_work_report():
    # 4 listing sentences among 15 sentences (27%), but among 8 statements once the 7 headings are set aside.
    text = """支部本年度工作情况如下：
1.理论学习情况。
全年开展集中学习10次，党员参学率95%。
党员撰写心得体会29篇，支部上下学习氛围浓厚，大家普遍反映收获很大。
2.组织生活情况。
按时召开支部党员大会9次、支委会10次。
党员普遍都能参加组织生活，支部凝聚力有了提高，党员之间的交流更加密切。
3.发展党员情况。
发展预备党员13名，按期转正11名。
支部严格按照程序开展发展党员工作，把政治标准放在首位，注重培养质量。
4.其他工作。
5.宣传工作。
6.志愿服务。
支部重视宣传工作，及时宣传党员中的先进典型，营造了比学赶超的良好氛围。"""
    assert "work_report" in practices(text)


# Tuning and older samples that are, or are close to, a work report (labelled work_report, or team_report beside it).
WORK_AND_TEAM = sorted(
    path
    for path in [*(SAMPLES / "tuning").glob("*.json"), *SAMPLES.glob("*.json")]
    if {"work_report", "team_report"} & set(load_sample(path)[0]["expect"])
)
HEADINGS = ("思想建设方面。", "（二）组织建设", "3.其他工作。", "二、主要工作开展情况", "四、工作成效")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=len(WORK_AND_TEAM) - 1),
    inserted=st.lists(st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from(HEADINGS)), max_size=12),
)
def test_headings_added_between_sentences_never_change_the_work_report_verdict(index, inserted):
    report = load_sample(WORK_AND_TEAM[index])[1]
    sentences = split_sentences(report.practices)
    for position, heading in sorted(inserted, reverse=True):
        sentences.insert(min(position, len(sentences)), heading)
    other = replace(report, practices="\n".join(sentences))
    plain = replace(report, practices="\n".join(split_sentences(report.practices)))
    assert ("work_report" in rules_of(check_report(plain))) == ("work_report" in rules_of(check_report(other)))


# --------------------------------------------------------------------------------------------------
# The rule lists: unit_words and heading_max_chars, validated, shown, and saved rules of 2026.3 still load
# --------------------------------------------------------------------------------------------------


def test_unit_words_and_heading_length_are_in_the_rules():
    data = rules_to_dict(load_default_rules())
    assert "学院" in data["team_report"]["unit_words"] and "处室" in data["team_report"]["unit_words"]
    assert "学院" not in data["team_report"]["collective_words"]
    assert data["work_report"]["heading_max_chars"] >= 1
    assert parse_rules(data) == load_default_rules()


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("team_report.unit_words", "学院", "应为文字列表"),
        ("team_report.unit_words", ["学院", ""], "第 2 项是空的"),
        ("team_report.unit_words", ["院" * 41], "太长"),
        ("work_report.heading_max_chars", -1, "应在 0 到 200 之间"),
        ("work_report.heading_max_chars", 1.5, "应为整数"),
    ],
)
def test_the_new_settings_are_refused_with_a_chinese_message(path, value, words):
    data = copy.deepcopy(rules_to_dict(load_default_rules()))
    group, key = path.split(".")
    data[group][key] = value
    with pytest.raises(ValueError) as caught:
        parse_rules(data)
    assert f"“{path}”" in str(caught.value) and words in str(caught.value)


def test_an_empty_unit_list_is_allowed():
    data = rules_to_dict(load_default_rules())
    data["team_report"]["unit_words"] = []
    assert parse_rules(data).team_report.unit_words == ()


def test_rules_saved_under_2026_3_load_and_the_unit_list_wins_over_their_collective_list():
    defaults = rules_to_dict(load_default_rules())
    old = copy.deepcopy(defaults)
    old["version"] = "2026.3"
    del old["team_report"]["unit_words"]
    del old["work_report"]["heading_max_chars"]
    old["team_report"]["collective_words"] = [*old["team_report"]["collective_words"], "学院", "我院", "全院"]
    rules = parse_rules(merge_over_defaults(old, defaults))
    assert rules.team_report.unit_words == load_default_rules().team_report.unit_words
    assert "学院" in rules.team_report.collective_words  # the org dept's list is kept as saved …
    assert "team_report" not in practices(UNIT_SUBJECT, rules)  # … but 学院 counts as the unit


def test_the_org_dept_can_count_the_unit_as_the_team():
    data = rules_to_dict(load_default_rules())
    data["team_report"]["unit_words"] = [w for w in data["team_report"]["unit_words"] if w != "学院"]
    data["team_report"]["collective_words"] = [*data["team_report"]["collective_words"], "学院"]
    assert "team_report" in practices(UNIT_SUBJECT, parse_rules(data))


# --------------------------------------------------------------------------------------------------
# Last year's problem about serving the locality, answered in other words
# --------------------------------------------------------------------------------------------------

PROBLEM = "上年度述职通报问题：支部服务地方经济社会发展的意识不强，社会服务项目少。"


def test_an_answer_in_other_words_of_serving_the_locality_is_an_answer():
    answer = "我带领支部与镇政府机关党支部结对，组织5名党员教师为3个乡镇的特色农业提供技术咨询，形成建议书7份。"
    found = check_report(replace(GOOD, prior_answers=((PROBLEM, answer),)))
    assert "unanswered_problem" not in rules_of(found)


def test_an_answer_about_something_else_is_still_no_answer():
    answer = "我主持修订了支部学习制度，全年组织集中学习12次，党员参学率96%。"
    finding = only(check_report(replace(GOOD, prior_answers=((PROBLEM, answer),))), "unanswered_problem")
    assert finding.sentences == (PROBLEM,)
    assert "没有提到问题所说的事" in finding.explanation
