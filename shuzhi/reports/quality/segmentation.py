"""Word segmentation: one private jieba tokenizer (and its part-of-speech twin), extended with the rule words."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import fields
from typing import Any

from shuzhi.reports.quality.rules import RuleSet

_tokenizer_lock = threading.Lock()
_tokenizer: Any = None
_pos_tokenizer: Any = None
_added_words: set[str] = set()
_prepared: set[RuleSet] = set()
_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _dictionary_words(rules: RuleSet) -> list[str]:
    words = list(rules.custom_words)
    for group in (
        rules.work_report,
        rules.team_report,
        rules.unit_work,
        rules.general_work,
        rules.vague,
    ):
        for f in fields(group):
            value = getattr(group, f.name)
            if isinstance(value, tuple):
                words.extend(value)
    # Prior problems are compared by two-character pieces and plain substrings, not by tokens: only the topic
    # words are added (so that they stay whole in the key-item comparison as well).
    for area in (*rules.coverage.areas, *rules.prior_problems.topics):
        words.extend(area.keywords)
    # Only Chinese words of two or more characters (jieba segments runs of Han characters), and not phrases
    # such as 我主持 / 我认为: 我 must stay a token of its own for the subject to be found. Collective words
    # and unit words (我们, 我支部, 我院) are added so that they do not split into 我 + ….
    first_person = {w for w in rules.team_report.first_person_words if len(w) == 1}
    collective = set(rules.team_report.collective_words) | set(rules.team_report.unit_words)
    return [
        w for w in words if len(w) >= 2 and _HAN_ONLY.fullmatch(w) and (w[0] not in first_person or w in collective)
    ]


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
