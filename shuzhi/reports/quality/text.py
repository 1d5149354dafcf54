"""Text analysis helpers: counting Han characters, splitting sentences, matching rule words, the compiled
patterns of a rule set, the fact score of a sentence and the subject of a clause.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shuzhi.reports.quality.rules import RuleSet
from shuzhi.reports.quality.segmentation import _tokens

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
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
            while end < length and (
                text[end] in _CLOSERS or (text[end] in _TERMINATORS and text[end] not in _LINE_BREAKS)
            ):
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


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# "我" on its own: not the first character of 我们/我院/我校/我国… nor the last of 自我/忘我. Collective words of
# the rules that begin with 我 are excluded as well (see _compile).
_NOT_ME_AFTER = ("们", "国", "省", "市", "县", "区", "党", "军", "校", "院", "系", "处", "部", "馆", "科", "室", "单位")
_NOT_ME_BEFORE = "自忘敌唯"


def _me_pattern(collective_words: Iterable[str]) -> re.Pattern[str]:
    tails = set(_NOT_ME_AFTER) | {w[1:] for w in collective_words if len(w) > 1 and w[0] == "我"}
    return re.compile(rf"(?<![{_NOT_ME_BEFORE}])我(?!{_alternation(tails)})")


_DEFAULT_ME = _me_pattern(())


def _match_words(words: Sequence[str], text: str, sentence: _Sentence | None = None) -> list[str]:
    """The words of the list found in the text: longer words as substrings; "我" only on its own (so that it does
    not match 我们 or 我院); other single characters only as whole jieba tokens."""
    found = []
    for word in words:
        if len(word) > 1:
            if word in text:
                found.append(word)
        elif word not in text:
            continue
        elif word == "我":
            me = sentence.me if sentence is not None else _DEFAULT_ME
            if me.search(text):
                found.append(word)
        elif sentence is not None and word in sentence.token_set:
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
    collective_words: tuple[str, ...]  # the team (班子、党总支、支委会、我们): collective_words minus unit_words
    unit_words: tuple[str, ...]  # the unit or its offices (学院、我院、处室): team_report.unit_words
    verbs: frozenset[str]  # rule words that act as verbs (our added words have no part-of-speech tag)
    me: re.Pattern[str]  # "我" on its own
    first_person_count: re.Pattern[str]  # every first-person mention (我 on its own, 本人, 作为书记 …)
    achievement: re.Pattern[str]  # unit_work.achievement_words
    party: re.Pattern[str]  # general_work.party_words
    business: re.Pattern[str]  # general_work.general_words and unit_work.achievement_words
    blanket: re.Pattern[str] | None  # prior_problems.blanket_words
    answer_action: re.Pattern[str] | None  # prior_problems.action_words
    concrete: re.Pattern[str] | None  # vague.concrete_words


@functools.lru_cache(maxsize=16)
def _compile(rules: RuleSet) -> _Compiled:
    facts = rules.facts
    cn = "一二两三四五六七八九十百千万"
    date_parts = [
        r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?",
        r"\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?",
        r"\d{1,2}\s*[日号]",
        r"[一二三四五六七八九十]{1,3}月(?:份|底|初|中旬|上旬|下旬)?",
    ]
    if facts.date_words:
        date_parts.append(_alternation(facts.date_words))
    number = rf"(?<![第\d.{cn}])(?:\d+(?:\.\d+)?|[{cn}]+)\s*(?:余|多)?\s*(?:{_alternation(facts.measure_words)})"
    action = None
    if facts.action_verbs and facts.event_nouns:
        action = re.compile(
            rf"(?:{_alternation(facts.action_verbs)})[^，,。；;！!？?\n]{{0,12}}?"
            rf"(?:{_alternation(facts.event_nouns)})"
        )
    fixed = re.compile(_alternation(facts.fixed_phrases)) if facts.fixed_phrases else None
    first_person = rules.team_report.first_person_words
    # A word in both lists is the unit's (rules saved before unit_words existed listed 学院 as the team).
    unit_words = rules.team_report.unit_words
    collective_words = tuple(w for w in rules.team_report.collective_words if w not in unit_words)
    me = _me_pattern(collective_words + unit_words)
    others = [w for w in set(first_person) | set(rules.work_report.personal_words) if "我" not in w and len(w) > 1]
    first_person_count = re.compile(f"{me.pattern}|{_alternation(others)}" if others else me.pattern)

    def optional(words: Sequence[str]) -> re.Pattern[str] | None:
        return re.compile(_alternation(words)) if words else None

    return _Compiled(
        date=re.compile("|".join(date_parts)),
        number=re.compile(number),
        title=re.compile(r"《[^《》\n]{1,60}》|“[^“”\n]{2,30}”|「[^「」\n]{2,30}」|\"[^\"\n]{2,30}\""),
        action=action,
        fixed=fixed,
        first_person_phrases=tuple(w for w in first_person if len(w) > 1),
        first_person_tokens=frozenset(first_person),
        collective_words=collective_words,
        unit_words=unit_words,
        verbs=frozenset(
            rules.vague.slogan_words
            + rules.work_report.report_words
            + rules.work_report.personal_words
            + rules.prior_problems.action_words
        ),
        me=me,
        first_person_count=first_person_count,
        achievement=re.compile(_alternation(rules.unit_work.achievement_words)),
        party=re.compile(_alternation(rules.general_work.party_words)),
        business=re.compile(_alternation(rules.general_work.general_words + rules.unit_work.achievement_words)),
        blanket=optional(rules.prior_problems.blanket_words),
        answer_action=optional(rules.prior_problems.action_words),
        concrete=optional(rules.vague.concrete_words),
    )


_QUOTES = re.compile('[《“「"]')
_NUMERAL = re.compile("[0-9一二两三四五六七八九十百千万]")


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
    work = text
    if _QUOTES.search(text):
        for match in compiled.title.finditer(text):
            inner = match.group(0)[1:-1].strip()
            if inner and inner not in rules.facts.fixed_phrases:
                titles += 1
        work = compiled.title.sub(lambda m: " " * len(m.group(0)), text)
    numeral = _NUMERAL.search(work) is not None
    if compiled.fixed is not None and numeral:
        work = compiled.fixed.sub(lambda m: " " * len(m.group(0)), work)
    dates, work = _mask(compiled.date, work)
    numbers, work = _mask(compiled.number, work) if numeral else (0, work)
    actions = len(compiled.action.findall(work)) if compiled.action is not None else 0
    hard = titles + dates + numbers
    return hard + actions * rules.facts.action_weight, hard


class _Sentence:
    """A sentence of a section; segmented only when a rule needs its tokens (jieba is the slow part)."""

    __slots__ = ("text", "me", "_tokenizer", "_token_set", "_facts")

    def __init__(self, text: str, tokenizer: Any, me: re.Pattern[str] = _DEFAULT_ME) -> None:
        self.text = text
        self.me = me
        self._tokenizer = tokenizer
        self._token_set: frozenset[str] | None = None
        self._facts: tuple[float, int] | None = None

    def facts(self, rules: RuleSet, compiled: _Compiled) -> tuple[float, int]:
        """_fact_score of the sentence, computed once (several rules ask)."""
        if self._facts is None:
            self._facts = _fact_score(self.text, rules, compiled)
        return self._facts

    @property
    def token_set(self) -> frozenset[str]:
        if self._token_set is None:
            self._token_set = frozenset(_tokens(self._tokenizer, self.text))
        return self._token_set


def _analyse(text: str, tokenizer: Any, me: re.Pattern[str] = _DEFAULT_ME) -> list[_Sentence]:
    return [_Sentence(sentence, tokenizer, me) for sentence in split_sentences(text)]


_CLAUSE = re.compile(r"[，,：:]")


def _subject(sentence: _Sentence, rules: RuleSet, compiled: _Compiled, pos_tokenizer: Any) -> tuple[str, str] | None:
    """("first", word) when the sentence's subject is the secretary, ("collective", word) when it is the team
    (班子、党总支、支委会、我们), ("unit", word) when it is the unit or one of its offices (学院、我院、处室), None
    when none of these can be told (no subject, or the subject is something else).

    The subject is looked for in the first words of the sentence (after list markers such as 一是、（二）
    and time phrases such as 今年以来). An opening clause that starts with a preposition or is only a time
    phrase (在党总支的领导下，…／年初，…) is skipped: the subject follows it. A unit word followed by a team
    word before the verb (学院党总支班子坚持……) makes the team the subject."""
    window = rules.team_report.subject_window
    stripped = _LEADING.sub("", sentence.text)
    if any(phrase in stripped[:window] for phrase in compiled.first_person_phrases):
        return "first", next(p for p in compiled.first_person_phrases if p in stripped[:window])
    clauses = _CLAUSE.split(stripped, maxsplit=2)[:2]
    # Cheap answers before part-of-speech tagging (the slow part): 我 in the first clause's window makes it
    # the secretary's sentence; no collective or unit word and no 我 near the start of either clause leaves no
    # subject.
    if clauses and compiled.me.search(clauses[0][:window]):
        return "first", "我"
    named = compiled.collective_words + compiled.unit_words
    if not any(
        any(c in clause[: window + 6] for c in named) or compiled.me.search(clause[:window]) for clause in clauses
    ):
        return None
    for clause in clauses:
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
        bare_time = all(flag.startswith(("t", "m", "x", "eng")) and word not in named for word, flag in pairs)
        if pairs[0][1] == "p" or bare_time:
            continue  # 在…下／通过…／围绕…，or a bare time phrase: the subject comes in the next clause
        unit: str | None = None
        for word, flag in pairs:
            team = _named(word, compiled.collective_words)
            if team is not None:
                return "collective", team
            if unit is None:
                unit = _named(word, compiled.unit_words)
                if unit is not None:
                    continue  # 学院 may be followed by 党总支 / 班子: the team is then the subject
            if (flag.startswith(("v", "p")) and flag != "vn") or word in compiled.verbs:
                break  # a verb or preposition comes first: what follows is an object, not the subject
        return ("unit", unit) if unit is not None else None
    return None


def _named(word: str, names: tuple[str, ...]) -> str | None:
    """The name of the list that the token is or contains (护理学院 contains 学院), or None."""
    if word in names:
        return word
    return next((name for name in names if len(name) > 1 and name in word), None)
