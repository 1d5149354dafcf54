"""The duty report quality check (述职报告体检): a pure module, tested without a database."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuzhi.reports import quality
from shuzhi.reports.quality import (
    RULE_CODES,
    RULE_DESCRIPTIONS,
    SUBSTITUTION_RULES,
    Finding,
    ReportText,
    check_report,
    load_default_rules,
    parse_rules,
    rules_to_dict,
    segmentation,
    split_sentences,
)
from shuzhi.reports.quality import text as quality_text

SAMPLES_DIR = Path(__file__).parent / "samples"
SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.json"))
ROOT = Path(__file__).resolve().parents[3]


def load_sample(path: Path) -> tuple[dict, ReportText]:
    data = json.loads(path.read_text(encoding="utf-8"))
    text = data["text"]
    report = ReportText(
        prior_answers=tuple((problem, answer) for problem, answer in text["prior_answers"]),
        practices=text["practices"],
        problems=text["problems"],
        next_steps=text["next_steps"],
        key_items=tuple(text["key_items"]),
    )
    return data, report


def sample(name: str) -> ReportText:
    return load_sample(SAMPLES_DIR / f"{name}.json")[1]


GOOD = sample("good_01_teacher_branch")


def rules_of(findings: list[Finding]) -> set[str]:
    return {finding.rule for finding in findings}


def only(findings: list[Finding], rule: str, section: str | None = None) -> Finding:
    matching = [f for f in findings if f.rule == rule and (section is None or f.section == section)]
    assert len(matching) == 1, f"expected one {rule} finding, got {[(f.rule, f.section) for f in findings]}"
    return matching[0]


def section_text(report: ReportText, section: str | None) -> str:
    if section == "prior_answers":
        return "\n".join(f"{problem}\n{answer}" for problem, answer in report.prior_answers)
    if section is None:
        return "\n".join([report.practices, report.problems, report.next_steps, *report.key_items])
    return str(getattr(report, section))


def assert_sentences_come_from_the_text(report: ReportText, findings: list[Finding]) -> None:
    for finding in findings:
        haystack = section_text(report, finding.section) + "\n" + "\n".join(report.key_items)
        for sentence in finding.sentences:
            assert sentence and sentence in haystack, (finding.rule, sentence)


# --------------------------------------------------------------------------------------------------
# The sample reports
# --------------------------------------------------------------------------------------------------


def test_there_are_enough_sample_reports_of_each_kind():
    kinds = [json.loads(p.read_text(encoding="utf-8")) for p in SAMPLE_FILES]
    good = [k for k in kinds if k["good"]]
    assert len(good) >= 4
    for data in good:
        assert 600 <= len(data["text"]["practices"]) <= 1500
    for code in SUBSTITUTION_RULES:
        assert sum(code in k["expect"] for k in kinds) >= 2, code
    for code in (
        "missing_section",
        "thin_section",
        "unanswered_problem",
        "uncovered_area",
        "uncovered_key_item",
        "no_facts",
    ):
        assert any(code in k["expect"] for k in kinds), code


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_sample_report_meets_its_expectations(path):
    data, report = load_sample(path)
    fired = rules_of(check_report(report))
    assert set(data["expect"]) <= fired, f"did not fire: {set(data['expect']) - fired}"
    assert not set(data["expect_not"]) & fired, f"fired although expect_not: {set(data['expect_not']) & fired}"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_every_highlighted_sentence_is_really_in_the_report(path):
    _data, report = load_sample(path)
    assert_sentences_come_from_the_text(report, check_report(report))


@pytest.mark.parametrize(
    "path",
    [p for p in SAMPLE_FILES if p.stem.startswith("good_")],
    ids=[p.stem for p in SAMPLE_FILES if p.stem.startswith("good_")],
)
def test_good_reports_get_no_finding_at_all(path):
    _data, report = load_sample(path)
    assert check_report(report) == []


# --------------------------------------------------------------------------------------------------
# 以工作汇报代替工作述职
# --------------------------------------------------------------------------------------------------

LISTING = """一、理论学习方面。全年召开支部党员大会4次，开展集中学习12次，学习党的二十届三中全会精神。
二、组织建设方面。按时召开支委会12次，开展主题党日活动12次，召开组织生活会1次。完成党费收缴工作，全年收缴党费1.26万元。
三、党员教育方面。举办党员教师示范课4场，组织党员参加志愿服务活动5次，参与党员56人次。完成支部换届选举工作。"""


def test_work_report_is_flagged_with_the_listing_sentences():
    report = replace(GOOD, practices=LISTING)
    finding = only(check_report(report), "work_report")
    assert finding.section == "practices"
    assert "按时召开支委会12次，开展主题党日活动12次，召开组织生活会1次。" in finding.sentences
    assert "五（六）" in finding.explanation


def test_the_same_work_told_in_the_first_person_is_not_a_work_report():
    personal = (
        LISTING.replace("全年召开", "我全年主持召开")
        .replace("按时召开", "我按时召开")
        .replace("举办党员", "我举办党员")
        .replace("完成党费", "我督促完成党费")
        .replace("完成支部", "我主持完成支部")
        .replace("组织党员参加", "我带领党员参加")
    )
    assert "work_report" not in rules_of(check_report(replace(GOOD, practices=personal)))


# --------------------------------------------------------------------------------------------------
# 以班子述职代替书记述职
# --------------------------------------------------------------------------------------------------

COLLECTIVE = """党总支坚持把政治建设摆在首位，总支委员会全年开展中心组学习10次。
我们始终把落实全面从严治党主体责任作为重要任务，党总支与各党支部签订党建工作责任书。
班子坚持民主集中制，凡涉及“三重一大”事项均经党总支会议集体研究决定。
一年来，在学校党委的领导下，我们支部围绕立德树人根本任务开展党建工作。
作为党总支书记，我主持制定了党建工作要点。"""


def test_team_report_is_flagged_with_the_collective_sentences():
    finding = only(check_report(replace(GOOD, practices=COLLECTIVE)), "team_report")
    assert finding.sentences == (
        "党总支坚持把政治建设摆在首位，总支委员会全年开展中心组学习10次。",
        "我们始终把落实全面从严治党主体责任作为重要任务，党总支与各党支部签订党建工作责任书。",
        "班子坚持民主集中制，凡涉及“三重一大”事项均经党总支会议集体研究决定。",
        "一年来，在学校党委的领导下，我们支部围绕立德树人根本任务开展党建工作。",
    )
    assert "以“我”“本人”为主语的只有 1 句" in finding.explanation


def test_an_organisation_named_as_the_object_is_not_a_collective_subject():
    # 我推动党总支… / 督促各党支部…: the secretary acts, the organisation is the object.
    text = """我推动党总支建立党建工作责任清单，逐项明确任务12项。
督促各党支部按期换届，6个党支部全部完成换届。
我带领支委到周口市3个社区开展志愿服务。
本人主持召开党总支会议18次，研究党建事项31项。"""
    assert "team_report" not in rules_of(check_report(replace(GOOD, practices=text)))


def test_we_in_a_mostly_first_person_report_is_not_a_team_report():
    assert "team_report" not in rules_of(check_report(sample("good_06_general_branch_mixed_subjects")))


# --------------------------------------------------------------------------------------------------
# 以单位工作代替书记工作 / 以全面工作代替党建工作
# --------------------------------------------------------------------------------------------------

ACHIEVEMENTS = """学院今年实际录取新生1286人，新生报到率达到95.3%，创历史新高。
毕业生初次就业率达到96.8%，与12家企业签订订单班协议。
学生在全省职业院校技能大赛中获一等奖2项、二等奖3项。
全年立项省级科研项目4项，发表论文37篇，获授权专利11项，横向技术服务到账经费86万元。
我带头讲党课2次，组织党员开展志愿服务活动6次。"""


def test_unit_work_is_flagged_with_the_achievement_sentences():
    finding = only(check_report(replace(GOOD, practices=ACHIEVEMENTS)), "unit_work")
    assert len(finding.sentences) == 4
    assert "我带头讲党课2次，组织党员开展志愿服务活动6次。" not in finding.sentences
    assert "就业率" in finding.explanation


def test_achievements_labelled_with_party_members_are_still_unit_work():
    labelled = "\n".join(f"党员教师{line}" for line in ACHIEVEMENTS.splitlines()[:4])
    assert "unit_work" in rules_of(check_report(replace(GOOD, practices=labelled)))


def test_party_work_that_mentions_the_specialty_once_is_not_unit_work():
    assert "unit_work" not in rules_of(check_report(GOOD))


def test_general_work_is_flagged_with_the_sentences_without_party_building():
    text = """我每学期带队开展教学检查3次，全年听课32节。
我主持召开专业建设研讨会4次，完成4个专业人才培养方案修订。
我推行辅导员进宿舍制度，学生课堂到课率达到96%。
我每月组织1次实训室安全检查，全年整改安全隐患17处。
我主持召开党总支会议，落实“三会一课”制度。"""
    finding = only(check_report(replace(GOOD, practices=text)), "general_work")
    assert "我主持召开党总支会议，落实“三会一课”制度。" not in finding.sentences
    assert len(finding.sentences) == 4


def test_an_office_whose_business_is_teaching_can_still_write_a_party_report():
    assert not rules_of(check_report(sample("good_07_admin_branch_teaching_office"))) & {"general_work", "unit_work"}


# --------------------------------------------------------------------------------------------------
# 以泛泛谈工作代替对工作的思考
# --------------------------------------------------------------------------------------------------

SLOGAN_PROBLEMS = """一是理论学习的深度和广度还不够，学用结合还有差距。
二是党建与业务融合还不够紧密，支部品牌特色还不够鲜明。
三是党员先锋模范作用发挥还不够充分，个别党员的党员意识有待加强。"""


def test_slogan_only_problems_are_flagged_as_vague_in_the_problems_section():
    finding = only(check_report(replace(GOOD, problems=SLOGAN_PROBLEMS)), "vague", "problems")
    assert finding.sentences == tuple(SLOGAN_PROBLEMS.splitlines())


def test_problems_with_facts_and_causes_are_not_vague():
    findings = check_report(GOOD)
    assert "vague" not in rules_of(findings)


def test_slogan_only_next_steps_are_flagged_as_vague_in_the_next_steps_section():
    slogans = "一是进一步加强理论学习，切实提高政治能力。\n二是持续深化党建与业务融合，不断提升党建质量。\n三是推动支部工作再上新台阶。"
    assert only(check_report(replace(GOOD, next_steps=slogans)), "vague", "next_steps").section == "next_steps"


def test_a_report_full_of_slogans_is_flagged_in_every_section_that_has_them():
    findings = check_report(sample("vague_01_general_branch"))
    assert {f.section for f in findings if f.rule == "vague"} == {"practices", "problems", "next_steps"}


# --------------------------------------------------------------------------------------------------
# Missing and thin sections
# --------------------------------------------------------------------------------------------------


def test_an_empty_or_blank_section_is_missing():
    findings = check_report(replace(GOOD, problems="", next_steps=" \n\u3000 "))
    assert {f.section for f in findings if f.rule == "missing_section"} == {"problems", "next_steps"}
    assert "thin_section" not in rules_of(findings)


def test_a_complete_report_has_no_missing_section():
    assert "missing_section" not in rules_of(check_report(GOOD))


def test_a_short_section_is_thin_and_carries_its_text():
    findings = check_report(replace(GOOD, next_steps="下一步我将进一步加强学习。"))
    finding = only(findings, "thin_section", "next_steps")
    assert finding.sentences == ("下一步我将进一步加强学习。",)
    assert "80" in finding.explanation


def test_a_short_prior_answer_is_thin():
    report = replace(GOOD, prior_answers=(("上年度述职通报问题：组织生活会批评辣味不足。", "已整改。"),))
    finding = only(check_report(report), "thin_section", "prior_answers")
    assert finding.sentences == ("已整改。",)
    # "已整改" alone names nothing of the problem and says nothing of what was done: not an answer (issue 14).
    assert "unanswered_problem" in rules_of(check_report(report))


def test_the_thresholds_come_from_the_rules():
    rules = load_default_rules()
    stricter = replace(rules, sections=replace(rules.sections, practices_min_chars=5000))
    assert "thin_section" not in rules_of(check_report(GOOD, rules))
    assert only(check_report(GOOD, stricter), "thin_section", "practices")


# --------------------------------------------------------------------------------------------------
# Last year's problems
# --------------------------------------------------------------------------------------------------


def test_unanswered_problems_are_listed_by_their_text():
    problem_a = "上年度述职通报问题：发展党员工作中对入党积极分子的培养考察不够严格。"
    problem_b = "本人查摆问题：对党员思想动态掌握不及时。"
    report = replace(
        GOOD,
        prior_answers=(
            (problem_a, "今年支部认真开展了形式多样的主题党日，党员参与热情很高，受到了学院党总支的肯定。"),
            (problem_b, "   "),
        ),
    )
    finding = only(check_report(report), "unanswered_problem")
    assert finding.sentences == (problem_a, problem_b)
    assert finding.section == "prior_answers"


def test_an_answer_that_talks_about_the_problem_is_an_answer():
    report = replace(
        GOOD,
        prior_answers=(
            (
                "上年度述职通报问题：发展党员工作中对入党积极分子的培养考察不够严格。",
                "我为每名入党积极分子确定了2名培养联系人，每季度填写考察意见，全年补齐考察记录23份。",
            ),
        ),
    )
    assert "unanswered_problem" not in rules_of(check_report(report))


def test_an_answer_that_reports_rectification_is_an_answer():
    report = replace(
        GOOD,
        prior_answers=(
            (
                "上年度述职通报问题：意识形态阵地管理存在薄弱环节。",
                "针对这一问题，我推动建立了“三审三校”制度，目前正在整改，已完成全部宣传栏的清理。",
            ),
        ),
    )
    assert "unanswered_problem" not in rules_of(check_report(report))


# --------------------------------------------------------------------------------------------------
# Content areas and key items
# --------------------------------------------------------------------------------------------------


def test_uncovered_areas_are_named():
    practices = GOOD.practices.split("五、落实全面从严治党")[0]
    assert only(check_report(replace(GOOD, practices=practices)), "uncovered_area").items == ("统战工作",)
    practices = (
        "我坚持每月带领党员学习习近平新时代中国特色社会主义思想，全年集中学习12次。"
        "我履行第一责任人职责，年初制定任务清单15项。我严格落实“三会一课”，全年召开支委会12次。"
        "我设立3个党员先锋岗，发挥党员先锋模范作用。"
    )
    finding = only(check_report(replace(GOOD, practices=practices)), "uncovered_area")
    assert finding.items == ("全面从严治党", "统战工作")
    assert finding.sentences == ()
    assert "全面从严治党、统战工作" in finding.explanation


def test_a_report_covering_all_six_areas_has_no_uncovered_area():
    assert "uncovered_area" not in rules_of(check_report(GOOD))


def test_uncovered_key_items_are_listed_and_covered_ones_are_not():
    report = replace(GOOD, key_items=("推进“一站式”学生社区党建工作", "巩固拓展党纪学习教育成果"))
    finding = only(check_report(report), "uncovered_key_item")
    assert finding.sentences == ("推进“一站式”学生社区党建工作",)
    covered = replace(report, practices=report.practices + "\n七、我推动在学生公寓设立“一站式”学生社区党员工作站3个。")
    assert "uncovered_key_item" not in rules_of(check_report(covered))


def test_no_key_items_means_no_key_item_finding():
    assert "uncovered_key_item" not in rules_of(check_report(replace(GOOD, key_items=())))


# --------------------------------------------------------------------------------------------------
# Concrete facts
# --------------------------------------------------------------------------------------------------


def test_practices_without_numbers_dates_or_names_have_no_facts():
    report = sample("no_facts_01_teacher_branch")
    finding = only(check_report(report), "no_facts")
    assert finding.section == "practices"
    assert "0 处" in finding.explanation


def test_numbers_dates_and_titles_count_as_facts_but_slogan_numbers_do_not():
    rules = load_default_rules()
    compiled = quality_text._compile(rules)
    _score, hard = quality_text._fact_score("2025年3月，我讲党课2次，学习《中国共产党纪律处分条例》。", rules, compiled)
    assert hard == 3  # one date, one number, one title
    _score, hard = quality_text._fact_score(
        "增强“四个意识”、坚定“四个自信”、做到“两个维护”，落实“三会一课”，一是进一步加强。", rules, compiled
    )
    assert hard == 0


# --------------------------------------------------------------------------------------------------
# Text handling
# --------------------------------------------------------------------------------------------------


def test_split_sentences_returns_exact_substrings_and_skips_blank_pieces():
    text = "一、加强学习\n我带头讲党课。”他说好！！  \n\n 再见；  abc。。"
    sentences = split_sentences(text)
    assert sentences == ["一、加强学习", "我带头讲党课。”", "他说好！！", "再见；", "abc。。"]
    assert all(s in text for s in sentences)
    assert split_sentences("") == [] and split_sentences(" 。\n；") == []


def test_html_and_script_are_plain_text_and_come_back_unchanged():
    practices = "\n".join(
        f"<b>党总支</b>坚持<script>alert('x{i}')</script>开展集中学习{i}次，&lt;认真落实&gt;。" for i in range(1, 6)
    )
    findings = check_report(replace(GOOD, practices=practices))
    finding = only(findings, "team_report")
    assert finding.sentences[0] == "<b>党总支</b>坚持<script>alert('x1')</script>开展集中学习1次，&lt;认真落实&gt;。"
    assert_sentences_come_from_the_text(replace(GOOD, practices=practices), findings)


def test_a_hundred_thousand_character_report_is_checked():
    long_text = (GOOD.practices + "\n") * (100_000 // len(GOOD.practices) + 1)
    report = ReportText(
        prior_answers=(("问题" * 50, long_text[:5000]),),
        practices=long_text[:100_000],
        problems=long_text[:100_000],
        next_steps=("我" * 100_000),
        key_items=("党纪学习教育",),
    )
    findings = check_report(report)
    assert_sentences_come_from_the_text(report, findings)


def test_the_check_is_deterministic_and_findings_are_values():
    first, second = check_report(sample("vague_01_general_branch")), check_report(sample("vague_01_general_branch"))
    assert first == second
    assert len(set(first)) == len(first)  # frozen, hashable


def test_domain_words_are_not_split_by_jieba():
    tokenizer, _ = segmentation._tokenizers(load_default_rules())
    tokens = segmentation._tokens(tokenizer, "我严格落实三会一课和主题党日制度，履行第一责任人职责，做到两个维护")
    assert {"三会一课", "主题党日", "第一责任人", "两个维护", "我"} <= set(tokens)


def test_the_module_imports_without_django():
    code = "import sys, shuzhi.reports.quality as q; q.load_default_rules(); assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# --------------------------------------------------------------------------------------------------
# Rules: descriptions, loading, validation
# --------------------------------------------------------------------------------------------------


def test_every_rule_is_explained_in_chinese():
    assert set(RULE_DESCRIPTIONS) == set(RULE_CODES)
    for code, (title, explanation) in RULE_DESCRIPTIONS.items():
        assert title and explanation and any("\u4e00" <= ch <= "\u9fff" for ch in title + explanation), code
    for code in SUBSTITUTION_RULES:
        assert "五（六）" in RULE_DESCRIPTIONS[code][1]
        assert RULE_DESCRIPTIONS[code][0] in quality.RULE_DESCRIPTIONS[code][0]


def test_findings_carry_the_title_of_their_rule():
    for finding in check_report(sample("vague_01_general_branch")):
        assert finding.title == RULE_DESCRIPTIONS[finding.rule][0]
        assert finding.explanation.endswith(RULE_DESCRIPTIONS[finding.rule][1])


def test_default_rules_load_and_round_trip():
    rules = load_default_rules()
    assert rules.version
    data = rules_to_dict(rules)
    assert parse_rules(json.loads(json.dumps(data, ensure_ascii=False))) == rules
    shipped = json.loads(quality.RULES_PATH.read_text(encoding="utf-8"))
    assert rules_to_dict(parse_rules(shipped)) == data
    assert [area["name"] for area in data["coverage"]["areas"]] == [
        "理论武装",
        "第一责任人职责",
        "基层党建重点任务",
        "政治功能和战斗堡垒作用",
        "全面从严治党",
        "统战工作",
    ]


def _set(path: str, value):
    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value

    return mutate


BAD_RULES = [
    ("team_report.min_collective_share", _set("team_report.min_collective_share", 1.5), "0 到 1"),
    ("team_report.min_sentences", _set("team_report.min_sentences", "3"), "整数"),
    ("team_report.min_sentences", _set("team_report.min_sentences", True), "整数"),
    ("team_report.min_sentences", _set("team_report.min_sentences", 2.5), "整数"),
    ("facts.min_facts", _set("facts.min_facts", float("nan")), "有限"),
    ("sections.practices_min_chars", _set("sections.practices_min_chars", -1), "之间"),
    ("vague.slogan_words", _set("vague.slogan_words", "高度重视"), "列表"),
    ("vague.slogan_words", _set("vague.slogan_words", []), "不能为空"),
    ("vague.slogan_words", _set("vague.slogan_words", ["高度重视", 3]), "第 2 项"),
    ("vague.slogan_words", _set("vague.slogan_words", ["高度重视", "  "]), "空"),
    ("vague.slogan_words", _set("vague.slogan_words", ["长" * 41]), "太长"),
    ("version", _set("version", KeyError), "缺失"),
    ("version", _set("version", ""), "非空"),
    ("versoin", _set("versoin", "2"), "拼写"),
    ("sections", _set("sections", []), "对象"),
    ("coverage.areas[1].keywords", _set("coverage.areas.0.keywords", KeyError), "缺失"),
    ("coverage.areas", _set("coverage.areas", []), "非空"),
]


@pytest.mark.parametrize(("key", "mutate", "words"), BAD_RULES, ids=[f"{k}-{w}" for k, _m, w in BAD_RULES])
def test_parse_rules_refuses_bad_input_with_a_chinese_message_naming_the_key(key, mutate, words):
    data = copy.deepcopy(rules_to_dict(load_default_rules()))
    mutate(data)
    with pytest.raises(ValueError) as caught:
        parse_rules(data)
    message = str(caught.value)
    assert f"“{key}”" in message and words in message


def test_parse_rules_refuses_a_non_object_and_duplicate_area_names():
    with pytest.raises(ValueError, match="JSON 对象"):
        parse_rules([])  # type: ignore[arg-type]
    data = rules_to_dict(load_default_rules())
    data["coverage"]["areas"].append({"name": "统战工作", "keywords": ["统战"]})
    with pytest.raises(ValueError, match="重名"):
        parse_rules(data)


def test_parse_rules_trims_and_deduplicates_words():
    data = rules_to_dict(load_default_rules())
    data["vague"]["slogan_words"] = [" 高度重视 ", "高度重视", "再上新台阶"]
    assert parse_rules(data).vague.slogan_words == ("高度重视", "再上新台阶")


def test_edited_rules_change_what_is_found():
    data = rules_to_dict(load_default_rules())
    data["coverage"]["areas"].append({"name": "乡村振兴", "keywords": ["乡村振兴", "驻村"]})
    finding = only(check_report(GOOD, parse_rules(data)), "uncovered_area")
    assert finding.items == ("乡村振兴",)


# --------------------------------------------------------------------------------------------------
# Property: any text at all
# --------------------------------------------------------------------------------------------------

FRAGMENTS = [
    "我",
    "我们",
    "本人",
    "党总支",
    "支委会",
    "班子",
    "召开",
    "会议",
    "12次",
    "完成",
    "高度重视",
    "进一步加强",
    "原因",
    "就业率",
    "获奖",
    "教学",
    "党员",
    "三会一课",
    "主题党日",
    "2025年",
    "3月",
    "《条例》",
    "“品牌”",
    "。",
    "，",
    "；",
    "！",
    "\n",
    " ",
    "…",
    "<script>",
    "</b>",
    "&amp;",
    "已整改",
    "一是",
    "（二）",
    "第一，",
]
report_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    practices=report_text,
    problems=report_text,
    next_steps=report_text,
    prior=st.lists(st.tuples(report_text, report_text), max_size=3),
    key_items=st.lists(report_text, max_size=3),
)
def test_any_text_is_checked_without_error_and_highlights_only_its_own_text(
    practices, problems, next_steps, prior, key_items
):
    report = ReportText(
        prior_answers=tuple(prior),
        practices=practices,
        problems=problems,
        next_steps=next_steps,
        key_items=tuple(key_items),
    )
    findings = check_report(report)
    everything = "\n".join([practices, problems, next_steps, *key_items, *(p + "\n" + a for p, a in prior)])
    for finding in findings:
        assert finding.rule in RULE_CODES
        assert finding.section in (None, *quality.SECTIONS)
        assert finding.title and finding.explanation
        for sentence in finding.sentences:
            assert sentence and sentence in everything
    assert_sentences_come_from_the_text(report, findings)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_split_sentences_never_invents_text(text):
    for sentence in split_sentences(text):
        assert sentence and sentence in text and sentence == sentence.strip()
