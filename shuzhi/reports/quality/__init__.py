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
The package, one concern per module:

* ``findings`` — what the check reads (ReportText) and says (Finding), and every rule's explanation
  (RULE_DESCRIPTIONS, shown on the rules page);
* ``rules`` — the rule set (RuleSet): its typed shape, parsing and validating it from JSON, and the
  defaults (load_default_rules);
* ``segmentation`` — the private jieba tokenizer, extended with the rule words;
* ``text`` — text analysis helpers: sentences, word matching, compiled patterns, fact scores, subjects;
* ``checks`` — check_report(), the runner, and the check of every rule.
"""

from shuzhi.reports.quality.checks import check_report
from shuzhi.reports.quality.findings import (
    RULE_CODES,
    RULE_DESCRIPTIONS,
    SECTION_TITLES,
    SECTIONS,
    SUBSTITUTION_RULES,
    Finding,
    ReportText,
)
from shuzhi.reports.quality.rules import (
    MAX_AREAS,
    MAX_WORD_CHARS,
    MAX_WORDS_PER_LIST,
    RULES_PATH,
    Area,
    RuleSet,
    load_default_rules,
    merge_over_defaults,
    parse_rules,
    rules_to_dict,
)
from shuzhi.reports.quality.text import han_count, split_sentences

__all__ = [
    "MAX_AREAS",
    "MAX_WORD_CHARS",
    "MAX_WORDS_PER_LIST",
    "RULES_PATH",
    "RULE_CODES",
    "RULE_DESCRIPTIONS",
    "SECTIONS",
    "SECTION_TITLES",
    "SUBSTITUTION_RULES",
    "Area",
    "Finding",
    "ReportText",
    "RuleSet",
    "check_report",
    "han_count",
    "load_default_rules",
    "merge_over_defaults",
    "parse_rules",
    "rules_to_dict",
    "split_sentences",
]
