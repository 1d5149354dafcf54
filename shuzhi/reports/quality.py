"""述职报告体检 (duty report quality check).

A pure, Django-free module: it reads the text of a duty report and returns advisory findings. It never
blocks anything; the report editor shows the findings next to the text and highlights the sentences
that caused each one.

What it looks for (every word list and threshold lives in ``data/quality_rules.json``):

* the five substitutions of the 实施意见 五（六）— ``work_report``, ``team_report``, ``unit_work``,
  ``general_work``, ``vague``;
* empty or thin sections (``missing_section``, ``thin_section``);
* last year's problems the report never answers (``unanswered_problem``);
* content areas of 三（一）–（六） and the year's key content that the practices never mention
  (``uncovered_area``, ``uncovered_key_item``);
* practices without concrete facts (``no_facts``).

Text is treated as plain text throughout (no HTML parsing); the sentences a finding carries are exact
substrings of the input, so the caller can highlight them and must escape them like any user text.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import threading
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from shuzhi.reports.sections import KEYS as SECTIONS  # the one wording of the report's sections
from shuzhi.reports.sections import TITLES as SECTION_TITLES

RULES_PATH = Path(__file__).resolve().parent / "data" / "quality_rules.json"


# --------------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportText:
    prior_answers: tuple[tuple[str, str], ...]  # (last year's notified/self-found problem, the answer)
    practices: str  # 本年度亲力亲为抓基层党建的主要做法
    problems: str  # 存在的突出问题
    next_steps: str  # 下一步工作思路和改进措施
    key_items: tuple[str, ...] = ()  # this year's key content items (年度重点内容)


@dataclass(frozen=True)
class Finding:
    rule: str  # stable code, see RULE_DESCRIPTIONS
    title: str  # short Chinese title
    explanation: str  # plain Chinese: what was measured, what the rule means, how to fix it
    section: str | None  # "prior_answers" | "practices" | "problems" | "next_steps" | None
    sentences: tuple[str, ...]  # exact sentences (or problem texts / key items) of the input that caused it
    items: tuple[str, ...] = ()  # what is missing, when that is not text of the report (areas, sections)


def _bounded(low: float, high: float, *, nonempty: bool = False) -> Any:
    return field(metadata={"range": (low, high), "nonempty": nonempty})


def _words(*, nonempty: bool = True) -> Any:
    return field(metadata={"nonempty": nonempty})


@dataclass(frozen=True)
class Area:
    """One content area of seed 三（一）–（六）: a short name and the keywords that show it is covered."""

    name: str
    keywords: tuple[str, ...] = _words()


@dataclass(frozen=True)
class SectionRules:
    practices_min_chars: int = _bounded(0, 20_000)
    problems_min_chars: int = _bounded(0, 20_000)
    next_steps_min_chars: int = _bounded(0, 20_000)
    prior_answer_min_chars: int = _bounded(0, 5_000)


@dataclass(frozen=True)
class WorkReportRules:
    min_sentences: int = _bounded(1, 1_000)
    max_personal_share: float = _bounded(0, 1)
    min_report_share: float = _bounded(0, 1)
    personal_words: tuple[str, ...] = _words()
    report_words: tuple[str, ...] = _words()


@dataclass(frozen=True)
class TeamReportRules:
    min_sentences: int = _bounded(1, 1_000)
    min_collective_share: float = _bounded(0, 1)
    subject_window: int = _bounded(2, 60)
    first_person_words: tuple[str, ...] = _words()
    collective_words: tuple[str, ...] = _words()


@dataclass(frozen=True)
class UnitWorkRules:
    min_sentences: int = _bounded(1, 1_000)
    min_share: float = _bounded(0, 1)
    dense_hits: int = _bounded(1, 100)
    achievement_words: tuple[str, ...] = _words()


@dataclass(frozen=True)
class GeneralWorkRules:
    min_sentences: int = _bounded(1, 1_000)
    min_share: float = _bounded(0, 1)
    min_business_sentences: int = _bounded(0, 1_000)
    general_words: tuple[str, ...] = _words()
    party_words: tuple[str, ...] = _words()


@dataclass(frozen=True)
class VagueRules:
    min_sentences: int = _bounded(1, 1_000)
    min_share: float = _bounded(0, 1)
    min_reflections: int = _bounded(0, 1_000)
    section_min_sentences: int = _bounded(1, 1_000)
    section_min_share: float = _bounded(0, 1)
    slogan_words: tuple[str, ...] = _words()
    reflection_words: tuple[str, ...] = _words()


@dataclass(frozen=True)
class PriorProblemRules:
    min_overlap: float = _bounded(0, 1)
    rectified_words: tuple[str, ...] = _words(nonempty=False)


@dataclass(frozen=True)
class CoverageRules:
    key_item_min_overlap: float = _bounded(0, 1)
    areas: tuple[Area, ...] = _words()


@dataclass(frozen=True)
class FactRules:
    min_facts: float = _bounded(0, 1_000)
    min_per_1000_chars: float = _bounded(0, 1_000)
    action_weight: float = _bounded(0, 10)
    measure_words: tuple[str, ...] = _words()
    date_words: tuple[str, ...] = _words(nonempty=False)
    action_verbs: tuple[str, ...] = _words(nonempty=False)
    event_nouns: tuple[str, ...] = _words(nonempty=False)
    fixed_phrases: tuple[str, ...] = _words(nonempty=False)


@dataclass(frozen=True)
class RuleSet:
    """Every tunable word list and threshold of the check (see docs/quality-check.md)."""

    version: str
    custom_words: tuple[str, ...] = _words(nonempty=False)
    stop_words: tuple[str, ...] = _words(nonempty=False)
    generic_words: tuple[str, ...] = _words(nonempty=False)
    sections: SectionRules
    work_report: WorkReportRules
    team_report: TeamReportRules
    unit_work: UnitWorkRules
    general_work: GeneralWorkRules
    vague: VagueRules
    prior_problems: PriorProblemRules
    coverage: CoverageRules
    facts: FactRules


_SEED = "依据《关于基层党组织书记抓党建工作述职评议的实施意见》五（六）"

RULE_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "work_report": (
        "以工作汇报代替工作述职",
        "述职是书记本人讲自己怎么想、怎么抓、抓成什么样，不是罗列单位召开了几次会、完成了哪些任务。"
        "报告中大量“召开……会议……次”“完成……”一类句子，却很少出现“我”“本人”“亲自”等体现本人责任的表述，"
        "就是以工作汇报代替工作述职。改法：每项工作写清楚“我”提出了什么、部署了什么、亲自做了什么、"
        f"遇到什么难题、怎么解决的，数字作为佐证。（{_SEED}）",
    ),
    "team_report": (
        "以班子述职代替书记述职",
        "句子的主语多是“党总支”“支委会”“班子”“我们”，而不是“我”“本人”“作为书记”，"
        "读者看到的是集体做了什么，看不到书记本人履行第一责任人职责的情况。改法：把集体的工作换成本人的角色——"
        f"是我提议、我主持、我督办、我带头，集体成绩只作为背景。（{_SEED}）",
    ),
    "unit_work": (
        "以单位工作代替书记工作",
        "招生、就业率、科研项目、教学成果、竞赛获奖、经费等单位业务成绩占了较大篇幅，且这些句子与党建无关。"
        "业务成绩不是书记抓党建的述职内容。改法：删减或压缩业务成绩，只保留能说明党建如何促进业务的内容，"
        f"并写清楚党组织、党员在其中做了什么。（{_SEED}）",
    ),
    "general_work": (
        "以全面工作代替党建工作",
        "讲教学、管理、安全、后勤等全面工作的句子多于讲党支部建设、党员队伍、组织生活、理论学习、"
        "意识形态、党风廉政等党建工作的句子。改法：围绕实施意见三（一）至（六）的党建内容组织报告，"
        f"业务工作只在说明党建与业务融合时简要提及。（{_SEED}）",
    ),
    "vague": (
        "以泛泛谈工作代替对工作的思考",
        "“高度重视”“进一步加强”“切实提高”“取得了显著成效”“还不够深入”等套话较多，"
        "却没有具体事实，也看不到对原因、根源的分析和本人的反思；或者“存在问题”“下一步措施”整段都是套话。"
        "改法：每个问题写清楚表现在哪里、原因是什么、本人有什么责任；每条措施写清楚做什么、谁来做、什么时候完成。"
        f"（{_SEED}）",
    ),
    "missing_section": (
        "缺少必备部分",
        "实施意见四（二）2要求述职报告写明：上年度问题整改情况、本年度亲力亲为抓党建的主要做法、"
        "存在的突出问题、下一步工作思路和改进措施。这一部分是空的，请补写。",
    ),
    "thin_section": (
        "内容过于单薄",
        "这一部分字数明显少于要求的下限，通常说明只写了结论没有写过程、事实和分析。请补充具体做法、事实和原因分析。",
    ),
    "unanswered_problem": (
        "上年度问题没有回应",
        "实施意见四（二）2要求“注重回应上年度述职通报问题和本人查摆问题整改情况”。这些问题的回应为空，"
        "或者回应内容与问题本身几乎没有关联，也没有说明整改进展。请逐条写明采取了什么措施、整改到什么程度、还剩什么。",
    ),
    "uncovered_area": (
        "述职内容有遗漏",
        "实施意见三（一）至（六）列出了六方面述职内容：理论武装、履行第一责任人职责、基层党建重点任务、"
        "发挥政治功能和战斗堡垒作用、全面从严治党、统战工作。“主要做法”中没有提到列出的方面。"
        "如果本单位确实没有相关工作，也应简要说明；否则请补写本人抓这方面工作的做法。",
    ),
    "uncovered_key_item": (
        "年度重点内容未涉及",
        "实施意见三要求结合实际确定年度述职评议考核重点内容。“主要做法”中没有涉及列出的年度重点内容，"
        "请补写本人抓这些重点任务的做法和成效。",
    ),
    "no_facts": (
        "缺少具体事实",
        "“主要做法”中很少出现数字、时间、文件或活动名称等具体事实，读者无法判断工作做得怎么样。"
        "请用具体的次数、人数、时间、文件名、活动名称说明本人做了什么（例如“3月我为全体党员讲专题党课1次”）。",
    ),
}

RULE_CODES: tuple[str, ...] = tuple(RULE_DESCRIPTIONS)
SUBSTITUTION_RULES: tuple[str, ...] = ("work_report", "team_report", "unit_work", "general_work", "vague")

# --------------------------------------------------------------------------------------------------
# Rules: loading, validation, serialisation
# --------------------------------------------------------------------------------------------------

MAX_WORDS_PER_LIST = 2_000
MAX_WORD_CHARS = 40
MAX_AREAS = 20


def _fail(path: str, message: str) -> typing.NoReturn:
    raise ValueError(f"体检规则配置中的“{path}”{message}")


def _parse_words(value: Any, path: str, nonempty: bool) -> tuple[str, ...]:
    if not isinstance(value, list):
        _fail(path, "应为文字列表（例如 [\"高度重视\", \"进一步加强\"]）")
    if len(value) > MAX_WORDS_PER_LIST:
        _fail(path, f"最多只能有 {MAX_WORDS_PER_LIST} 个词，现在有 {len(value)} 个")
    words: list[str] = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, str):
            _fail(path, f"的第 {index} 项应为文字")
        word = item.strip()
        if not word:
            _fail(path, f"的第 {index} 项是空的")
        if len(word) > MAX_WORD_CHARS:
            _fail(path, f"的第 {index} 项太长（最多 {MAX_WORD_CHARS} 个字）")
        if word not in words:
            words.append(word)
    if nonempty and not words:
        _fail(path, "不能为空，至少需要一个词")
    return tuple(words)


def _parse_number(value: Any, path: str, kind: type, bounds: tuple[float, float] | None) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(path, "应为整数" if kind is int else "应为数字")
    if kind is int and not (isinstance(value, int) or float(value).is_integer()):
        _fail(path, f"应为整数，现在是 {value}")
    if isinstance(value, float) and not math.isfinite(value):
        _fail(path, "应为有限的数字")
    number: int | float = int(value) if kind is int else float(value)
    if bounds is not None and not bounds[0] <= number <= bounds[1]:
        low, high = (int(b) if float(b).is_integer() else b for b in bounds)
        _fail(path, f"应在 {low} 到 {high} 之间，现在是 {value}")
    return number


def _parse_areas(value: Any, path: str) -> tuple[Area, ...]:
    if not isinstance(value, list) or not value:
        _fail(path, "应为非空列表，每项形如 {\"name\": \"理论武装\", \"keywords\": [...]}")
    if len(value) > MAX_AREAS:
        _fail(path, f"最多只能有 {MAX_AREAS} 个方面")
    areas: list[Area] = []
    for index, item in enumerate(value, start=1):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            _fail(item_path, "应为对象，形如 {\"name\": \"理论武装\", \"keywords\": [...]}")
        _check_keys(item, {"name", "keywords"}, item_path)
        name = item["name"]
        if not isinstance(name, str) or not name.strip():
            _fail(f"{item_path}.name", "应为非空文字")
        if len(name.strip()) > MAX_WORD_CHARS:
            _fail(f"{item_path}.name", f"太长（最多 {MAX_WORD_CHARS} 个字）")
        if any(area.name == name.strip() for area in areas):
            _fail(f"{item_path}.name", f"与前面的方面重名：{name.strip()}")
        areas.append(Area(name=name.strip(), keywords=_parse_words(item["keywords"], f"{item_path}.keywords", True)))
    return tuple(areas)


def _check_keys(data: dict, expected: set[str], path: str) -> None:
    prefix = f"{path}." if path else ""
    for key in data:
        if key not in expected:
            _fail(f"{prefix}{key}", "不是可识别的配置项（是否拼写有误？）")
    for key in sorted(expected):
        if key not in data:
            _fail(f"{prefix}{key}", "缺失，请补上这一项")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _parse_dataclass(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        if path:
            _fail(path, "应为对象（{…}）")
        raise ValueError("体检规则配置应为 JSON 对象（{…}）")
    hints = _hints(cls)
    _check_keys(data, {f.name for f in fields(cls)}, path)
    values: dict[str, Any] = {}
    for f in fields(cls):
        key_path = f"{path}.{f.name}" if path else f.name
        kind = hints[f.name]
        value = data[f.name]
        if f.name == "version":
            if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
                _fail(key_path, "应为非空文字（例如 \"2025.1\"）")
            values[f.name] = str(value).strip()[:40]
        elif kind is int or kind is float:
            values[f.name] = _parse_number(value, key_path, kind, f.metadata.get("range"))
        elif kind == tuple[str, ...]:
            values[f.name] = _parse_words(value, key_path, f.metadata.get("nonempty", True))
        elif kind == tuple[Area, ...]:
            values[f.name] = _parse_areas(value, key_path)
        elif isinstance(kind, type) and is_dataclass(kind):
            values[f.name] = _parse_dataclass(kind, value, key_path)
        else:  # pragma: no cover - a programming error in this module
            raise TypeError(f"unsupported rule field type {kind!r}")
    return cls(**values)


def parse_rules(data: dict) -> RuleSet:
    """Validate an (org-dept-edited) rules dict. Raises ValueError with a Chinese message naming the bad key."""
    rules: RuleSet = _parse_dataclass(RuleSet, data, "")
    return rules


def _to_plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_to_plain(v) for v in value]
    return value


def rules_to_dict(rules: RuleSet) -> dict:
    """The JSON-ready dict of a rule set (the inverse of parse_rules)."""
    result: dict = _to_plain(rules)
    return result


def merge_over_defaults(stored: dict, defaults: dict) -> dict:
    """Stored (org-dept-edited) rules laid over the shipped defaults, so rules saved under an earlier
    release still parse after a release adds or drops a setting: a key the stored rules lack takes the
    shipped value, a key the defaults no longer have is dropped, and nested objects are merged the same
    way. Lists (word lists, areas) and numbers are taken whole from the stored rules; a value of the
    wrong type is kept, so parse_rules still reports it."""
    merged: dict = {}
    for key, default in defaults.items():
        if key not in stored:
            merged[key] = default
        elif isinstance(default, dict) and isinstance(stored[key], dict):
            merged[key] = merge_over_defaults(stored[key], default)
        else:
            merged[key] = stored[key]
    return merged


@functools.cache
def load_default_rules() -> RuleSet:
    """The rules shipped in shuzhi/reports/data/quality_rules.json."""
    with RULES_PATH.open(encoding="utf-8") as handle:
        return parse_rules(json.load(handle))


# --------------------------------------------------------------------------------------------------
# Segmentation (one private jieba tokenizer, extended with the rule words)
# --------------------------------------------------------------------------------------------------

_tokenizer_lock = threading.Lock()
_tokenizer: Any = None
_pos_tokenizer: Any = None
_added_words: set[str] = set()
_prepared: set[RuleSet] = set()


def _dictionary_words(rules: RuleSet) -> list[str]:
    words = list(rules.custom_words)
    for group in (rules.work_report, rules.team_report, rules.unit_work, rules.general_work, rules.vague,
                  rules.prior_problems):
        for f in fields(group):
            value = getattr(group, f.name)
            if isinstance(value, tuple):
                words.extend(value)
    for area in rules.coverage.areas:
        words.extend(area.keywords)
    # Only Chinese words of two or more characters (jieba segments runs of Han characters), and not phrases
    # such as 我主持 / 我认为: 我 must stay a token of its own for the subject to be found. Collective words
    # (我们, 我院, 我支部) are added so that they do not split into 我 + ….
    first_person = {w for w in rules.team_report.first_person_words if len(w) == 1}
    collective = set(rules.team_report.collective_words)
    return [w for w in words if len(w) >= 2 and _HAN_ONLY.fullmatch(w)
            and (w[0] not in first_person or w in collective)]


def _tokenizers(rules: RuleSet) -> tuple[Any, Any]:
    """The shared tokenizer (and its part-of-speech wrapper) with the rule set's words added."""
    global _tokenizer, _pos_tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _pos_tokenizer = jieba.posseg.POSTokenizer(tokenizer)
            _tokenizer = tokenizer
        if rules not in _prepared:
            for word in _dictionary_words(rules):
                if word not in _added_words:
                    _tokenizer.add_word(word)
                    _added_words.add(word)
            if len(_prepared) > 64:  # rule sets edited over and over: forget the old ones, keep the words
                _prepared.clear()
            _prepared.add(rules)
        return _tokenizer, _pos_tokenizer


def _tokens(tokenizer: Any, text: str) -> list[str]:
    # HMM off: new-word discovery would glue 我 to the next character (我抓, 我将) and hide the subject.
    tokens: list[str] = tokenizer.lcut(text, HMM=False)
    return tokens


# --------------------------------------------------------------------------------------------------
# Sentences and matching helpers
# --------------------------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TERMINATORS = "。！？!?；;…\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CLOSERS = "”’」』）)》】"
_ENTITY_BEFORE = re.compile(r"&#?[0-9A-Za-z]{1,10}$")  # "&lt;" is text, not a sentence ending in ";"


def han_count(text: str) -> int:
    """Number of Chinese characters in text (the unit of the length thresholds)."""
    return len(_HAN.findall(text))


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    i = 0
    while i < length:
        if text[i] in _TERMINATORS and not (text[i] == ";" and _ENTITY_BEFORE.search(text, max(0, i - 12), i)):
            end = i + 1
            while end < length and (text[end] in _CLOSERS
                                    or (text[end] in _TERMINATORS and text[end] not in _LINE_BREAKS)):
                end += 1
            spans.append((start, end))
            start = i = end
            continue
        i += 1
    if start < length:
        spans.append((start, length))
    result: list[tuple[int, int]] = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if begin < end and any(ch.isalnum() for ch in text[begin:end]):
            result.append((begin, end))
    return result


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at 。！？；… and line breaks; each sentence is an exact substring of text."""
    return [text[begin:end] for begin, end in _sentence_spans(text or "")]


def _match_words(words: Sequence[str], text: str, sentence: _Sentence | None = None) -> list[str]:
    """The words of the list found in the text: longer words as substrings, single characters only as whole
    jieba tokens (so that 我 does not match 我们 or 我院)."""
    found = []
    for word in words:
        if len(word) > 1:
            if word in text:
                found.append(word)
        elif word in text and sentence is not None and word in sentence.token_set:
            found.append(word)
    return found


def _present(words: Sequence[str], text: str) -> list[str]:
    """Words of the list that occur in text at all (a cheap pre-filter before per-sentence matching)."""
    return [w for w in words if w in text]


_LEADING = re.compile(
    r"^(?:\s|[（(]?[一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、是]|\d{1,3}[、.．)）]"
    r"|第[一二三四五六七八九十]{1,3}[，,、]|其[一二三四五六七八九十][，,、]|首先[，,]?|其次[，,]?|再次[，,]?"
    r"|最后[，,]?|此外[，,]?|同时[，,]?|另外[，,]?|[:：、，,]"
    r"|(?:今年以来|一年来|一年以来|本年度|年度内|全年|过去一年|\d{4}\s*年(?:以来|度)?)[，,]?)+"
)


@dataclass(frozen=True)
class _Compiled:
    """Regexes and word lists derived from a RuleSet once."""

    date: re.Pattern[str]
    number: re.Pattern[str]
    title: re.Pattern[str]
    action: re.Pattern[str] | None
    fixed: re.Pattern[str] | None
    first_person_phrases: tuple[str, ...]
    first_person_tokens: frozenset[str]
    collective_words: tuple[str, ...]
    verbs: frozenset[str]  # rule words that act as verbs (our added words have no part-of-speech tag)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.lru_cache(maxsize=16)
def _compile(rules: RuleSet) -> _Compiled:
    facts = rules.facts
    cn = "一二两三四五六七八九十百千万"
    date_parts = [r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?", r"\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?",
                  r"\d{1,2}\s*[日号]", r"[一二三四五六七八九十]{1,3}月(?:份|底|初|中旬|上旬|下旬)?"]
    if facts.date_words:
        date_parts.append(_alternation(facts.date_words))
    number = (rf"(?<![第\d.{cn}])(?:\d+(?:\.\d+)?|[{cn}]+)\s*(?:余|多)?\s*(?:{_alternation(facts.measure_words)})")
    action = None
    if facts.action_verbs and facts.event_nouns:
        action = re.compile(rf"(?:{_alternation(facts.action_verbs)})[^，,。；;！!？?\n]{{0,12}}?"
                            rf"(?:{_alternation(facts.event_nouns)})")
    fixed = re.compile(_alternation(facts.fixed_phrases)) if facts.fixed_phrases else None
    first_person = rules.team_report.first_person_words
    return _Compiled(
        date=re.compile("|".join(date_parts)),
        number=re.compile(number),
        title=re.compile(r"《[^《》\n]{1,60}》|“[^“”\n]{2,30}”|「[^「」\n]{2,30}」|\"[^\"\n]{2,30}\""),
        action=action,
        fixed=fixed,
        first_person_phrases=tuple(w for w in first_person if len(w) > 1),
        first_person_tokens=frozenset(first_person),
        collective_words=rules.team_report.collective_words,
        verbs=frozenset(rules.vague.slogan_words + rules.work_report.report_words + rules.work_report.personal_words
                        + rules.prior_problems.rectified_words),
    )


def _mask(pattern: re.Pattern[str], text: str) -> tuple[int, str]:
    """Count the pattern's matches and blank them out so that later patterns do not count them again."""
    count = 0

    def blank(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return " " * len(match.group(0))

    masked = pattern.sub(blank, text)
    return count, masked


def _fact_score(text: str, rules: RuleSet, compiled: _Compiled) -> tuple[float, int]:
    """(weighted fact score, number of hard facts: numbers, dates, titles)."""
    titles = 0
    for match in compiled.title.finditer(text):
        inner = match.group(0)[1:-1].strip()
        if inner and inner not in rules.facts.fixed_phrases:
            titles += 1
    work = compiled.title.sub(lambda m: " " * len(m.group(0)), text)
    if compiled.fixed is not None:
        work = compiled.fixed.sub(lambda m: " " * len(m.group(0)), work)
    dates, work = _mask(compiled.date, work)
    numbers, work = _mask(compiled.number, work)
    actions = len(compiled.action.findall(work)) if compiled.action is not None else 0
    hard = titles + dates + numbers
    return hard + actions * rules.facts.action_weight, hard


class _Sentence:
    """A sentence of a section; segmented only when a rule needs its tokens (jieba is the slow part)."""

    __slots__ = ("text", "_tokenizer", "_token_set")

    def __init__(self, text: str, tokenizer: Any) -> None:
        self.text = text
        self._tokenizer = tokenizer
        self._token_set: frozenset[str] | None = None

    @property
    def token_set(self) -> frozenset[str]:
        if self._token_set is None:
            self._token_set = frozenset(_tokens(self._tokenizer, self.text))
        return self._token_set


def _analyse(text: str, tokenizer: Any) -> list[_Sentence]:
    return [_Sentence(sentence, tokenizer) for sentence in split_sentences(text)]


_CLAUSE = re.compile(r"[，,：:]")


def _subject(sentence: _Sentence, rules: RuleSet, compiled: _Compiled,
             pos_tokenizer: Any) -> tuple[str, str] | None:
    """("first", word) when the sentence's subject is the secretary, ("collective", word) when it is the team
    or the organisation, None when neither can be told (no subject, or the subject is something else).

    The subject is looked for in the first words of the sentence (after list markers such as 一是、（二）
    and time phrases such as 今年以来). An opening clause that starts with a preposition or is only a time
    phrase (在党总支的领导下，…／年初，…) is skipped: the subject follows it."""
    window = rules.team_report.subject_window
    stripped = _LEADING.sub("", sentence.text)
    if any(phrase in stripped[:window] for phrase in compiled.first_person_phrases):
        return "first", next(p for p in compiled.first_person_phrases if p in stripped[:window])
    for clause in _CLAUSE.split(stripped, maxsplit=2)[:2]:
        pairs: list[tuple[str, str]] = []
        offset = 0
        for item in pos_tokenizer.lcut(clause[: window + 6], HMM=False):
            if offset >= window:
                break
            pairs.append((item.word, item.flag))
            offset += len(item.word)
        if not pairs:
            continue
        for word, _flag in pairs:
            if word in compiled.first_person_tokens:
                return "first", word
        bare_time = all(flag.startswith(("t", "m", "x", "eng")) and word not in compiled.collective_words
                        for word, flag in pairs)
        if pairs[0][1] == "p" or bare_time:
            continue  # 在…下／通过…／围绕…，or a bare time phrase: the subject comes in the next clause
        for word, flag in pairs:
            if word in compiled.collective_words:
                return "collective", word
            for collective in compiled.collective_words:
                if len(collective) > 1 and collective in word:
                    return "collective", collective
            if (flag.startswith(("v", "p")) and flag != "vn") or word in compiled.verbs:
                return None  # a verb or preposition comes first: what follows is an object, not the subject
        return None
    return None


# --------------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------------


def _finding(rule: str, explanation: str, section: str | None, sentences: Iterable[str],
             items: Iterable[str] = ()) -> Finding:
    title, description = RULE_DESCRIPTIONS[rule]
    unique = tuple(dict.fromkeys(s for s in sentences if s))
    return Finding(rule=rule, title=title, explanation=f"{explanation}{description}", section=section,
                   sentences=unique, items=tuple(dict.fromkeys(items)))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def _quote(words: Iterable[str], limit: int = 6) -> str:
    chosen = list(dict.fromkeys(words))[:limit]
    return "、".join(f"“{w}”" for w in chosen)


def _keywords(text: str, rules: RuleSet, tokenizer: Any) -> list[str]:
    """Content words of a short text: jieba tokens of two or more characters, minus stop and generic words."""
    ignore = set(rules.stop_words) | set(rules.generic_words)
    words = []
    for token in _tokens(tokenizer, text):
        token = token.strip()
        if len(token) >= 2 and token not in ignore and any(ch.isalnum() for ch in token) and token not in words:
            words.append(token)
    return words


def _check_sections(text: ReportText, rules: RuleSet) -> list[Finding]:
    findings = []
    limits = {"practices": rules.sections.practices_min_chars, "problems": rules.sections.problems_min_chars,
              "next_steps": rules.sections.next_steps_min_chars}
    for section, minimum in limits.items():
        body: str = getattr(text, section)
        stripped = body.strip()
        if not stripped:
            findings.append(_finding("missing_section", f"“{SECTION_TITLES[section]}”部分没有内容。", section, (),
                                     (SECTION_TITLES[section],)))
            continue
        count = han_count(body)
        if count < minimum:
            findings.append(_finding(
                "thin_section",
                f"“{SECTION_TITLES[section]}”只有 {count} 个汉字，少于建议的 {minimum} 字。", section,
                (stripped,) if len(stripped) <= 400 else (), (SECTION_TITLES[section],)))
    thin_answers = [answer.strip() for _problem, answer in text.prior_answers
                    if answer.strip() and han_count(answer) < rules.sections.prior_answer_min_chars]
    if thin_answers:
        findings.append(_finding(
            "thin_section",
            f"有 {len(thin_answers)} 条上年度问题的整改回应少于 {rules.sections.prior_answer_min_chars} 个汉字。",
            "prior_answers", thin_answers, (SECTION_TITLES["prior_answers"],)))
    return findings


def _check_prior(text: ReportText, rules: RuleSet, tokenizer: Any) -> list[Finding]:
    unanswered: list[str] = []
    for problem, answer in text.prior_answers:
        if not problem.strip():
            continue
        reply = answer.strip()
        if not reply:
            unanswered.append(problem.strip())
            continue
        if _present(rules.prior_problems.rectified_words, reply):
            continue
        keywords = _keywords(problem, rules, tokenizer)
        if not keywords:
            continue
        matched = sum(1 for word in keywords if word in reply)
        if matched / len(keywords) < rules.prior_problems.min_overlap:
            unanswered.append(problem.strip())
    if not unanswered:
        return []
    return [_finding(
        "unanswered_problem", f"上年度指出的 {len(unanswered)} 个问题没有得到回应或回应与问题无关。",
        "prior_answers", unanswered)]


def _check_coverage(text: ReportText, rules: RuleSet, tokenizer: Any) -> list[Finding]:
    findings = []
    practices = text.practices
    missing = [area.name for area in rules.coverage.areas if not _present(area.keywords, practices)]
    if missing:
        findings.append(_finding(
            "uncovered_area", f"“主要做法”没有涉及：{'、'.join(missing)}。", "practices", (), missing))
    uncovered = []
    for item in text.key_items:
        item_text = item.strip()
        if not item_text:
            continue
        if item_text in practices:
            continue
        keywords = _keywords(item_text, rules, tokenizer)
        if not keywords:
            continue
        matched = sum(1 for word in keywords if word in practices)
        if matched / len(keywords) < rules.coverage.key_item_min_overlap:
            uncovered.append(item_text)
    if uncovered:
        findings.append(_finding(
            "uncovered_key_item", f"“主要做法”没有涉及 {len(uncovered)} 项年度重点内容。", "practices", uncovered,
            uncovered))
    return findings


def _check_facts(text: ReportText, rules: RuleSet, compiled: _Compiled) -> list[Finding]:
    practices = text.practices
    chars = han_count(practices)
    if not chars:
        return []
    score, hard = _fact_score(practices, rules, compiled)
    required = max(rules.facts.min_facts, rules.facts.min_per_1000_chars * chars / 1000)
    if score >= required:
        return []
    return [_finding(
        "no_facts",
        f"“主要做法”共 {chars} 个汉字，只找到 {hard} 处数字、时间或文件名称（折算得分 {score:g}，建议不少于 "
        f"{required:.0f}）。", "practices", ())]


def _check_substitutions(text: ReportText, rules: RuleSet, compiled: _Compiled, tokenizer: Any,
                         pos_tokenizer: Any) -> list[Finding]:
    findings: list[Finding] = []
    sections = {name: _analyse(getattr(text, name), tokenizer) for name in ("practices", "problems", "next_steps")}
    practices = sections["practices"]
    body = text.practices
    wr, tr, uw, gw = rules.work_report, rules.team_report, rules.unit_work, rules.general_work
    personal_words = _present(wr.personal_words, body)
    report_words = _present(wr.report_words, body)
    achievement_words = _present(uw.achievement_words, body)
    general_words = _present(gw.general_words, body)
    party_words = _present(gw.party_words, body)

    personal: list[str] = []
    report: list[str] = []
    first: list[str] = []
    collective: list[str] = []
    achievement: list[str] = []
    general: list[str] = []
    non_party: list[str] = []
    party: list[str] = []
    achievement_hits: list[str] = []
    collective_hits: list[str] = []
    for s in practices:
        is_personal = bool(_match_words(personal_words, s.text, s))
        _score, hard = _fact_score(s.text, rules, compiled)
        if is_personal:
            personal.append(s.text)
        elif _match_words(report_words, s.text, s) or hard:
            report.append(s.text)
        subject = _subject(s, rules, compiled, pos_tokenizer)
        if subject is not None and subject[0] == "first":
            first.append(s.text)
        elif subject is not None:
            collective.append(s.text)
            collective_hits.append(subject[1])
        is_party = bool(_match_words(party_words, s.text, s))
        hits = _match_words(achievement_words, s.text, s)
        # An achievement sentence: business results with no party building in it, or so many business
        # results that a "党员教师" in front does not make it party building.
        if hits and (not is_party or len(hits) >= uw.dense_hits):
            achievement.append(s.text)
            achievement_hits.extend(hits)
        if is_party:
            party.append(s.text)
            continue
        non_party.append(s.text)
        if hits or _match_words(general_words, s.text, s):
            general.append(s.text)

    total = len(practices)
    # 1. 以工作汇报代替工作述职
    personal_share = _share(len(personal), total)
    report_share = _share(len(report), total)
    if (len(report) >= wr.min_sentences and personal_share <= wr.max_personal_share
            and report_share >= wr.min_report_share):
        findings.append(_finding(
            "work_report",
            f"“主要做法”{total} 句中有 {len(report)} 句是“召开了、完成了、共计”一类的工作罗列，"
            f"体现本人责任的句子只有 {len(personal)} 句（{_pct(personal_share)}）。", "practices", report))
    # 2. 以班子述职代替书记述职
    with_subject = len(first) + len(collective)
    collective_share = _share(len(collective), with_subject)
    if len(collective) >= tr.min_sentences and collective_share >= tr.min_collective_share:
        findings.append(_finding(
            "team_report",
            f"“主要做法”中有 {len(collective)} 句以{_quote(collective_hits) or '集体'}为主语，"
            f"以“我”“本人”为主语的只有 {len(first)} 句（集体主语占 {_pct(collective_share)}）。", "practices",
            collective))
    # 3. 以单位工作代替书记工作
    achievement_share = _share(len(achievement), total)
    if len(achievement) >= uw.min_sentences and achievement_share >= uw.min_share:
        findings.append(_finding(
            "unit_work",
            f"“主要做法”{total} 句中有 {len(achievement)} 句（{_pct(achievement_share)}）在讲"
            f"{_quote(achievement_hits)}等单位业务成绩，且与党建无关。", "practices", achievement))
    # 4. 以全面工作代替党建工作
    non_party_share = _share(len(non_party), total)
    if (len(non_party) >= gw.min_sentences and non_party_share >= gw.min_share
            and len(general) >= gw.min_business_sentences):
        findings.append(_finding(
            "general_work",
            f"“主要做法”{total} 句中有 {len(non_party)} 句（{_pct(non_party_share)}）没有涉及党建内容，"
            f"其中 {len(general)} 句在讲教学、管理、服务保障等业务工作。", "practices", non_party))
    # 5. 以泛泛谈工作代替对工作的思考
    findings.extend(_check_vague(sections, rules, compiled))
    return findings


def _check_vague(sections: dict[str, list[_Sentence]], rules: RuleSet, compiled: _Compiled) -> list[Finding]:
    vg = rules.vague
    empty: dict[str, list[str]] = {}
    slogans_seen: dict[str, list[str]] = {}
    reflections = 0
    total = 0
    for name, sentences in sections.items():
        body = " ".join(s.text for s in sentences)
        slogans = _present(vg.slogan_words, body)
        reflection_words = _present(vg.reflection_words, body)
        empty[name] = []
        slogans_seen[name] = []
        for s in sentences:
            total += 1
            has_reflection = bool(_match_words(reflection_words, s.text, s))
            if has_reflection:
                reflections += 1
            hits = _match_words(slogans, s.text, s)
            if not hits or has_reflection:
                continue
            _score, hard = _fact_score(s.text, rules, compiled)
            if hard:
                continue
            empty[name].append(s.text)
            slogans_seen[name].extend(hits)
    findings: list[Finding] = []
    all_empty = sum(len(v) for v in empty.values())
    whole = (all_empty >= vg.min_sentences and _share(all_empty, total) >= vg.min_share
             and reflections < vg.min_reflections)
    for name, sentences in sections.items():
        count = len(sentences)
        pure = (name != "practices" and len(empty[name]) >= vg.section_min_sentences
                and _share(len(empty[name]), count) >= vg.section_min_share)
        if not empty[name] or not (whole or pure):
            continue
        if pure:
            measured = (f"“{SECTION_TITLES[name]}”{count} 句中有 {len(empty[name])} 句只有"
                        f"{_quote(slogans_seen[name])}一类套话，没有具体事实，也没有原因分析。")
        else:
            every_slogan = _quote(w for words in slogans_seen.values() for w in words)
            measured = (f"全文 {total} 句中有 {all_empty} 句是{every_slogan}一类没有事实支撑的套话，"
                        f"讲原因、谈反思的句子只有 {reflections} 句；本部分有 {len(empty[name])} 句。")
        findings.append(_finding("vague", measured, name, empty[name]))
    return findings


def check_report(text: ReportText, rules: RuleSet | None = None) -> list[Finding]:
    """Check a duty report and return advisory findings, in a stable order (see RULE_DESCRIPTIONS)."""
    rules = rules if rules is not None else load_default_rules()
    text = _normalise(text)
    tokenizer, pos_tokenizer = _tokenizers(rules)
    compiled = _compile(rules)
    findings = _check_sections(text, rules)
    findings.extend(_check_prior(text, rules, tokenizer))
    if text.practices.strip():
        findings.extend(_check_coverage(text, rules, tokenizer))
        findings.extend(_check_facts(text, rules, compiled))
    findings.extend(_check_substitutions(text, rules, compiled, tokenizer, pos_tokenizer))
    order = {code: index for index, code in enumerate(RULE_CODES)}
    section_order = {name: index for index, name in enumerate(SECTIONS)}
    findings.sort(key=lambda f: (order[f.rule], section_order.get(f.section or "", len(SECTIONS))))
    return findings


def _normalise(text: ReportText) -> ReportText:
    """Tolerate None and non-tuple containers from callers; never change the characters of the text."""
    pairs = tuple((str(p or ""), str(a or "")) for p, a in (text.prior_answers or ()))
    return ReportText(prior_answers=pairs, practices=str(text.practices or ""), problems=str(text.problems or ""),
                      next_steps=str(text.next_steps or ""),
                      key_items=tuple(str(k or "") for k in (text.key_items or ())))
