"""The rule set: its typed shape (RuleSet and its parts), loading and validating it from JSON, turning it back
into JSON, and the defaults in ``shuzhi/reports/data/quality_rules.json`` (every word list and threshold).
"""

from __future__ import annotations

import functools
import json
import math
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "quality_rules.json"


def _bounded(low: float, high: float, *, nonempty: bool = False) -> Any:
    return field(metadata={"range": (low, high), "nonempty": nonempty})


def _words(*, nonempty: bool = True) -> Any:
    return field(metadata={"nonempty": nonempty})


def _groups(*, nonempty: bool = True, most: int = 20) -> Any:
    return field(metadata={"nonempty": nonempty, "most": most})


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
    """Listing sentences (a report word or a hard fact, no personal word) whose subject is not the team: the
    organisation's account of what was done. Sentences with a team subject are team_report's. Short headings
    (at most heading_max_chars Chinese characters, neither personal nor listing) are not counted at all."""

    min_sentences: int = _bounded(1, 1_000)
    max_personal_share: float = _bounded(0, 1)
    min_report_share: float = _bounded(0, 1)
    heading_max_chars: int = _bounded(0, 200)
    personal_words: tuple[str, ...] = _words()
    report_words: tuple[str, ...] = _words()


@dataclass(frozen=True)
class TeamReportRules:
    min_sentences: int = _bounded(1, 1_000)
    min_collective_share: float = _bounded(0, 1)
    subject_window: int = _bounded(2, 60)
    first_person_words: tuple[str, ...] = _words()
    collective_words: tuple[str, ...] = _words()
    # The unit or its offices as the subject (学院、我院、处室): not the team. Such sentences are unit work
    # (unit_work) or the organisation's account (work_report), never 班子述职. A unit word followed by a team
    # word (学院党总支班子) is the team.
    unit_words: tuple[str, ...] = _words(nonempty=False)


@dataclass(frozen=True)
class UnitWorkRules:
    """Counted over the whole practices text (not per sentence): achievement words against party-building
    words and first-person words."""

    min_hits: int = _bounded(1, 1_000)
    min_share: float = _bounded(0, 1)
    # Also unit work: the business measure of general_work fires and the secretary hardly appears at all.
    max_first_person_share: float = _bounded(0, 1)
    achievement_words: tuple[str, ...] = _words()


@dataclass(frozen=True)
class GeneralWorkRules:
    """Counted over the whole practices text: business words (general_words and unit_work.achievement_words)
    against party-building words."""

    min_hits: int = _bounded(1, 1_000)
    min_share: float = _bounded(0, 1)
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
    concrete_words: tuple[str, ...] = _words(nonempty=False)  # a deadline, an owner, a frequency (next steps)


@dataclass(frozen=True)
class PriorProblemRules:
    """An answer addresses its problem when, beside its blanket clauses, it shares at least min_matches
    two-character pieces of the problem's own words, or at least min_match_share of them, or a topic's words,
    and says what was done: a number, a date, a named document or one of action_words."""

    min_matches: int = _bounded(1, 20)
    min_match_share: float = _bounded(0, 1)
    blanket_words: tuple[str, ...] = _words(nonempty=False)
    common_words: tuple[str, ...] = _words(nonempty=False)
    action_words: tuple[str, ...] = _words(nonempty=False)
    topics: tuple[Area, ...] = _groups(nonempty=False, most=100)


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
        _fail(path, '应为文字列表（例如 ["高度重视", "进一步加强"]）')
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


def _parse_areas(value: Any, path: str, nonempty: bool = True, most: int = MAX_AREAS) -> tuple[Area, ...]:
    if not isinstance(value, list) or (nonempty and not value):
        _fail(path, f'应为{"非空" if nonempty else ""}列表，每项形如 {{"name": "理论武装", "keywords": [...]}}')
    if len(value) > most:
        _fail(path, f"最多只能有 {most} 项")
    areas: list[Area] = []
    for index, item in enumerate(value, start=1):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            _fail(item_path, '应为对象，形如 {"name": "理论武装", "keywords": [...]}')
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
                _fail(key_path, '应为非空文字（例如 "2025.1"）')
            values[f.name] = str(value).strip()[:40]
        elif kind is int or kind is float:
            values[f.name] = _parse_number(value, key_path, kind, f.metadata.get("range"))
        elif kind == tuple[str, ...]:
            values[f.name] = _parse_words(value, key_path, f.metadata.get("nonempty", True))
        elif kind == tuple[Area, ...]:
            values[f.name] = _parse_areas(
                value, key_path, f.metadata.get("nonempty", True), f.metadata.get("most", MAX_AREAS)
            )
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
