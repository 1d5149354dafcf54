"""The check itself: check_report() runs every rule over a report and returns its findings, each with
its explanation and the sentences that caused it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shuzhi.reports.quality.findings import RULE_CODES, RULE_DESCRIPTIONS, SECTION_TITLES, SECTIONS, Finding, ReportText
from shuzhi.reports.quality.rules import RuleSet, load_default_rules
from shuzhi.reports.quality.segmentation import _tokenizers, _tokens
from shuzhi.reports.quality.text import (
    _analyse,
    _compile,
    _Compiled,
    _fact_score,
    _match_words,
    _present,
    _Sentence,
    _subject,
    han_count,
)


def _finding(
    rule: str, explanation: str, section: str | None, sentences: Iterable[str], items: Iterable[str] = ()
) -> Finding:
    title, description = RULE_DESCRIPTIONS[rule]
    unique = tuple(dict.fromkeys(s for s in sentences if s))
    return Finding(
        rule=rule,
        title=title,
        explanation=f"{explanation}{description}",
        section=section,
        sentences=unique,
        items=tuple(dict.fromkeys(items)),
    )


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
    limits = {
        "practices": rules.sections.practices_min_chars,
        "problems": rules.sections.problems_min_chars,
        "next_steps": rules.sections.next_steps_min_chars,
    }
    for section, minimum in limits.items():
        body: str = getattr(text, section)
        stripped = body.strip()
        if not stripped:
            findings.append(
                _finding(
                    "missing_section",
                    f"“{SECTION_TITLES[section]}”部分没有内容。",
                    section,
                    (),
                    (SECTION_TITLES[section],),
                )
            )
            continue
        count = han_count(body)
        if count < minimum:
            findings.append(
                _finding(
                    "thin_section",
                    f"“{SECTION_TITLES[section]}”只有 {count} 个汉字，少于建议的 {minimum} 字。",
                    section,
                    (stripped,) if len(stripped) <= 400 else (),
                    (SECTION_TITLES[section],),
                )
            )
    thin_answers = [
        answer.strip()
        for _problem, answer in text.prior_answers
        if answer.strip() and han_count(answer) < rules.sections.prior_answer_min_chars
    ]
    if thin_answers:
        findings.append(
            _finding(
                "thin_section",
                f"有 {len(thin_answers)} 条上年度问题的整改回应少于 {rules.sections.prior_answer_min_chars} 个汉字。",
                "prior_answers",
                thin_answers,
                (SECTION_TITLES["prior_answers"],),
            )
        )
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
    return [
        _finding(
            "unanswered_problem",
            f"上年度指出的 {len(unanswered)} 个问题没有得到回应或回应与问题无关。",
            "prior_answers",
            unanswered,
        )
    ]


def _check_coverage(text: ReportText, rules: RuleSet, tokenizer: Any) -> list[Finding]:
    findings = []
    practices = text.practices
    missing = [area.name for area in rules.coverage.areas if not _present(area.keywords, practices)]
    if missing:
        findings.append(
            _finding("uncovered_area", f"“主要做法”没有涉及：{'、'.join(missing)}。", "practices", (), missing)
        )
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
        findings.append(
            _finding(
                "uncovered_key_item",
                f"“主要做法”没有涉及 {len(uncovered)} 项年度重点内容。",
                "practices",
                uncovered,
                uncovered,
            )
        )
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
    return [
        _finding(
            "no_facts",
            f"“主要做法”共 {chars} 个汉字，只找到 {hard} 处数字、时间或文件名称（折算得分 {score:g}，建议不少于 "
            f"{required:.0f}）。",
            "practices",
            (),
        )
    ]


def _check_substitutions(
    text: ReportText, rules: RuleSet, compiled: _Compiled, tokenizer: Any, pos_tokenizer: Any
) -> list[Finding]:
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
    if (
        len(report) >= wr.min_sentences
        and personal_share <= wr.max_personal_share
        and report_share >= wr.min_report_share
    ):
        findings.append(
            _finding(
                "work_report",
                f"“主要做法”{total} 句中有 {len(report)} 句是“召开了、完成了、共计”一类的工作罗列，"
                f"体现本人责任的句子只有 {len(personal)} 句（{_pct(personal_share)}）。",
                "practices",
                report,
            )
        )
    # 2. 以班子述职代替书记述职
    with_subject = len(first) + len(collective)
    collective_share = _share(len(collective), with_subject)
    if len(collective) >= tr.min_sentences and collective_share >= tr.min_collective_share:
        findings.append(
            _finding(
                "team_report",
                f"“主要做法”中有 {len(collective)} 句以{_quote(collective_hits) or '集体'}为主语，"
                f"以“我”“本人”为主语的只有 {len(first)} 句（集体主语占 {_pct(collective_share)}）。",
                "practices",
                collective,
            )
        )
    # 3. 以单位工作代替书记工作
    achievement_share = _share(len(achievement), total)
    if len(achievement) >= uw.min_sentences and achievement_share >= uw.min_share:
        findings.append(
            _finding(
                "unit_work",
                f"“主要做法”{total} 句中有 {len(achievement)} 句（{_pct(achievement_share)}）在讲"
                f"{_quote(achievement_hits)}等单位业务成绩，且与党建无关。",
                "practices",
                achievement,
            )
        )
    # 4. 以全面工作代替党建工作
    non_party_share = _share(len(non_party), total)
    if (
        len(non_party) >= gw.min_sentences
        and non_party_share >= gw.min_share
        and len(general) >= gw.min_business_sentences
    ):
        findings.append(
            _finding(
                "general_work",
                f"“主要做法”{total} 句中有 {len(non_party)} 句（{_pct(non_party_share)}）没有涉及党建内容，"
                f"其中 {len(general)} 句在讲教学、管理、服务保障等业务工作。",
                "practices",
                non_party,
            )
        )
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
    whole = (
        all_empty >= vg.min_sentences and _share(all_empty, total) >= vg.min_share and reflections < vg.min_reflections
    )
    for name, sentences in sections.items():
        count = len(sentences)
        pure = (
            name != "practices"
            and len(empty[name]) >= vg.section_min_sentences
            and _share(len(empty[name]), count) >= vg.section_min_share
        )
        if not empty[name] or not (whole or pure):
            continue
        if pure:
            measured = (
                f"“{SECTION_TITLES[name]}”{count} 句中有 {len(empty[name])} 句只有"
                f"{_quote(slogans_seen[name])}一类套话，没有具体事实，也没有原因分析。"
            )
        else:
            every_slogan = _quote(w for words in slogans_seen.values() for w in words)
            measured = (
                f"全文 {total} 句中有 {all_empty} 句是{every_slogan}一类没有事实支撑的套话，"
                f"讲原因、谈反思的句子只有 {reflections} 句；本部分有 {len(empty[name])} 句。"
            )
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
    return ReportText(
        prior_answers=pairs,
        practices=str(text.practices or ""),
        problems=str(text.problems or ""),
        next_steps=str(text.next_steps or ""),
        key_items=tuple(str(k or "") for k in (text.key_items or ())),
    )
