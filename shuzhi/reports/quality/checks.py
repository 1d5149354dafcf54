"""The check itself: check_report() runs every rule over a report and returns its findings, each with
its explanation and the sentences that caused it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from shuzhi.reports.quality.findings import RULE_CODES, RULE_DESCRIPTIONS, SECTION_TITLES, SECTIONS, Finding, ReportText
from shuzhi.reports.quality.rules import RuleSet, load_default_rules
from shuzhi.reports.quality.segmentation import _tokenizers, _tokens
from shuzhi.reports.quality.text import (
    _alternation,
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


def _example(sentences: list[str], limit: int = 48) -> str:
    """“例如：……” quoting the first sentence that caused a finding (shortened)."""
    if not sentences:
        return ""
    first = sentences[0].strip().rstrip("。！？!?；;，,")
    quoted = first if len(first) <= limit else first[:limit] + "……"
    return f"例如：“{quoted}”。"


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


_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?\n：:]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_PROBLEM_LABEL = re.compile(r"^[^：:]{0,16}(?:问题|查摆)[^：:]{0,6}[：:]")


def _problem_pieces(problem: str, rules: RuleSet) -> list[str]:
    """The two-character pieces of a problem's own words: the label (上年度述职通报问题：) and stop, generic and
    common words are cut out first, then every pair of neighbouring Chinese characters is a piece. Pieces do
    not depend on how jieba cuts the text (临床带教 gives 临床, 床带, 带教)."""
    return _pieces(_PROBLEM_LABEL.sub("", problem.strip()), rules)


def _pieces(body: str, rules: RuleSet) -> list[str]:
    ignore = [w for w in (*rules.stop_words, *rules.generic_words, *rules.prior_problems.common_words) if w]
    if ignore:
        body = re.sub(_alternation(ignore), " ", body)
    pieces: list[str] = []
    for run in _HAN_RUN.findall(body):
        for i in range(len(run) - 1):
            piece = run[i : i + 2]
            if piece not in pieces:
                pieces.append(piece)
    return pieces


def _answer_verdict(problem: str, answer: str, rules: RuleSet, compiled: _Compiled) -> tuple[str, list[str]] | None:
    """None when the answer addresses the problem; else (reason, quoted words). Reasons: "blank", "blanket" (only
    blanket clauses such as 已基本整改到位), "off_topic" (none of the problem's subject matter), "no_substance"
    (names the problem but says nothing about what was done)."""
    reply = answer.strip()
    if not reply:
        return "blank", []
    clauses = [c for c in _CLAUSE_SPLIT.split(reply) if c.strip()]
    blanket_hits: list[str] = []
    specific: list[str] = []
    for clause in clauses:
        hits = compiled.blanket.findall(clause) if compiled.blanket is not None else []
        if hits and not _fact_score(clause, rules, compiled)[1]:
            blanket_hits.extend(hits)
        else:
            specific.append(clause)
    body = "，".join(specific)
    pieces = _problem_pieces(problem, rules)
    matched = [p for p in pieces if p in body]
    # A clause that only restates the problem (对党外教师联系不够的问题) shows it is on topic, but says nothing of
    # what was done: it does not count as substance.
    piece_set = set(pieces)
    doing = "，".join(c for c in specific if not _restates(c, piece_set, rules) or _fact_score(c, rules, compiled)[1])
    topics = [
        topic.name
        for topic in rules.prior_problems.topics
        if any(w in problem for w in topic.keywords) and any(w in body for w in topic.keywords)
    ]
    on_topic = (
        not pieces
        or len(matched) >= rules.prior_problems.min_matches
        or _share(len(matched), len(pieces)) >= rules.prior_problems.min_match_share
        or bool(topics)
    )
    substance = bool(doing) and (
        _fact_score(doing, rules, compiled)[1] > 0
        or (compiled.answer_action is not None and compiled.answer_action.search(doing) is not None)
    )
    if on_topic and substance:
        return None
    if not body.strip(_PUNCT_SPACE) and blanket_hits:
        return "blanket", blanket_hits
    if not on_topic:
        return ("blanket", blanket_hits) if blanket_hits else ("off_topic", pieces)
    return "no_substance", blanket_hits


def _restates(clause: str, pieces: set[str], rules: RuleSet) -> bool:
    """Half or more of the clause's own pieces (stop, generic and common words cut out) are the problem's."""
    own = _pieces(clause, rules)
    return bool(own) and sum(1 for p in own if p in pieces) * 2 >= len(own)


_PUNCT_SPACE = " \t\r\n，,。；;！!？?：:、"


def _check_prior(text: ReportText, rules: RuleSet, compiled: _Compiled, tokenizer: Any) -> list[Finding]:
    unanswered: list[str] = []
    reasons: list[str] = []
    for index, (problem, answer) in enumerate(text.prior_answers, start=1):
        if not problem.strip():
            continue
        verdict = _answer_verdict(problem, answer, rules, compiled)
        if verdict is None:
            continue
        unanswered.append(problem.strip())
        reason, words = verdict
        reply = answer.strip().rstrip("。！？!?；;，,")
        said = f"（“{reply if len(reply) <= 30 else reply[:30] + '……'}”）" if reply else ""
        if reason == "blank":
            reasons.append(f"第 {index} 条回应是空的")
        elif reason == "blanket":
            reasons.append(
                f"第 {index} 条回应{said}只有{_quote(words, 4)}一类概括的说法，没有说到问题本身，也没有写做了什么、结果怎样"
            )
        elif reason == "off_topic":
            common = set(rules.prior_problems.common_words)
            named = [w for w in _keywords(_PROBLEM_LABEL.sub("", problem.strip()), rules, tokenizer) if w not in common]
            reasons.append(
                f"第 {index} 条回应{said}没有提到问题所说的事（问题中的{_quote(named or words, 4)}在回应中都没有出现）"
            )
        else:
            reasons.append(
                f"第 {index} 条回应{said}提到了问题，但没有写采取了什么措施、结果如何（没有时间、数字或具体做法）"
            )
    if not unanswered:
        return []
    return [
        _finding(
            "unanswered_problem",
            f"上年度指出的问题中有 {len(unanswered)} 个没有得到回应：{'；'.join(reasons)}。",
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


_CHAPTER = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．])"
)
_FINAL = "。！？!?；;…"


def _is_heading(sentence: str, max_chars: int) -> bool:
    """A heading rather than a statement: at most max_chars Chinese characters (思想建设方面。／1.理论学习情况), or a
    numbered line without a full stop of at most twice that (一、坚持政治引领，理论武装持续深化)."""
    count = han_count(sentence)
    if count <= max_chars:
        return True
    return count <= 2 * max_chars and bool(_CHAPTER.match(sentence)) and sentence.rstrip()[-1:] not in _FINAL


def _check_substitutions(
    text: ReportText, rules: RuleSet, compiled: _Compiled, tokenizer: Any, pos_tokenizer: Any
) -> list[Finding]:
    findings: list[Finding] = []
    sections = {
        name: _analyse(getattr(text, name), tokenizer, compiled.me) for name in ("practices", "problems", "next_steps")
    }
    practices = sections["practices"]
    body = text.practices
    wr, tr, uw, gw = rules.work_report, rules.team_report, rules.unit_work, rules.general_work
    personal_words = _present(wr.personal_words, body)
    report_words = _present(wr.report_words, body)

    personal: list[str] = []
    report: list[str] = []
    first: list[str] = []
    collective: list[str] = []
    collective_hits: list[str] = []
    achievement: list[str] = []
    business_only: list[str] = []
    business_any: list[str] = []
    counted = 0  # sentences that are statements, not short headings (一、班子带头学／思想建设方面)
    for s in practices:
        is_personal = bool(_match_words(personal_words, s.text, s))
        _score, hard = s.facts(rules, compiled)
        listing = not is_personal and bool(_match_words(report_words, s.text, s) or hard)
        subject = _subject(s, rules, compiled, pos_tokenizer)
        if subject is not None and subject[0] == "first":
            first.append(s.text)
        elif subject is not None and subject[0] == "collective":
            collective.append(s.text)
            collective_hits.append(subject[1])
        if is_personal or listing or not _is_heading(s.text, wr.heading_max_chars):
            counted += 1
        if is_personal:
            personal.append(s.text)
        elif listing and (subject is None or subject[0] != "collective"):
            # What was done, with no subject or the unit as subject: the organisation's account. With the team
            # as subject (班子召开……) the sentence is team_report's, not a work report's.
            report.append(s.text)
        if compiled.achievement.search(s.text):
            achievement.append(s.text)
        if compiled.business.search(s.text):
            business_any.append(s.text)
            if not compiled.party.search(s.text):
                business_only.append(s.text)

    # Unit work and whole work are measured by counting words over the whole practices text, so the result does
    # not depend on how the text is cut into sentences (three sentences, or one sentence listing ten results).
    achievement_hits = compiled.achievement.findall(body)
    party_hits = compiled.party.findall(body)
    first_hits = compiled.first_person_count.findall(body)
    business_hits = compiled.business.findall(body)

    # 2. 以班子述职代替书记述职 (decided first: a team report explains why the secretary is absent)
    with_subject = len(first) + len(collective)
    collective_share = _share(len(collective), with_subject)
    team = len(collective) >= tr.min_sentences and collective_share >= tr.min_collective_share
    # 1. 以工作汇报代替工作述职: the organisation's account of what was done fills the practices, or the
    # secretary never appears in them at all and the team is not the subject either.
    personal_share = _share(len(personal), counted)
    report_share = _share(len(report), counted)
    if (
        len(report) >= wr.min_sentences
        and personal_share <= wr.max_personal_share
        and report_share >= wr.min_report_share
    ):
        findings.append(
            _finding(
                "work_report",
                f"“主要做法”{counted} 句中有 {len(report)} 句是“召开了、完成了、共计”一类的工作罗列，"
                f"体现本人责任的句子只有 {len(personal)} 句（{_pct(personal_share)}）。",
                "practices",
                report,
            )
        )
    elif not team and counted >= wr.min_sentences and not first_hits:
        statements = [s.text for s in practices if not _is_heading(s.text, wr.heading_max_chars)]
        findings.append(
            _finding(
                "work_report",
                f"“主要做法”{counted} 句中一次也没有出现“我”“本人”“作为书记”，写的是单位、组织做了什么，"
                f"看不出书记本人怎样履行职责。{_example(statements)}",
                "practices",
                statements or [s.text for s in practices],
            )
        )
    if team:
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
    unit_share = _share(len(achievement_hits), len(achievement_hits) + len(party_hits) + len(first_hits))
    business_share = _share(len(business_hits), len(business_hits) + len(party_hits))
    whole_work = len(business_hits) >= gw.min_hits and business_share >= gw.min_share
    first_share = _share(len(first_hits), len(business_hits) + len(party_hits) + len(first_hits))
    if len(achievement_hits) >= uw.min_hits and unit_share >= uw.min_share:
        measured = (
            f"“主要做法”中讲单位业务成绩的说法出现 {len(achievement_hits)} 次（{_quote(achievement_hits)}等），"
            f"讲党建的说法只有 {len(party_hits)} 次，以“我”“本人”出现的只有 {len(first_hits)} 次，"
            f"业务成绩占三者的 {_pct(unit_share)}。"
        )
    elif whole_work and first_share <= uw.max_first_person_share:
        measured = (
            f"“主要做法”讲的多是本单位的业务（{_quote(business_hits)}等，出现 {len(business_hits)} 次），"
            f"讲党建的说法只有 {len(party_hits)} 次，书记本人（“我”“本人”）只出现 {len(first_hits)} 次。"
        )
        achievement = business_only or business_any
    else:
        measured = ""
    if measured:
        findings.append(
            _finding(
                "unit_work",
                f"{measured}{_example(achievement)}"
                "这样写，读者看到的是单位的成绩单，看不到书记本人抓党建做了什么。"
                "改写示例：把“学院毕业生就业率达到97%”改成“我推动党员教师结对帮扶困难毕业生（做了什么、多少人），"
                "就业率达到97%（作为结果，一句带过）”。",
                "practices",
                achievement,
            )
        )
    # 4. 以全面工作代替党建工作
    if whole_work:
        findings.append(
            _finding(
                "general_work",
                f"“主要做法”中讲教学、管理、服务保障等业务的说法出现 {len(business_hits)} 次（{_quote(business_hits)}等），"
                f"讲党建的说法只有 {len(party_hits)} 次（业务占 {_pct(business_share)}）。"
                f"{_example(business_only or business_any)}"
                "改写示例：保留一句业务背景，接着写党组织和党员在其中做了什么、书记本人怎么抓的。",
                "practices",
                business_only or business_any,
            )
        )
    # 5. 以泛泛谈工作代替对工作的思考
    findings.extend(_check_vague(sections, rules, compiled))
    return findings


_ITEM_BREAK = re.compile(
    r"[，,]\s*(?=(?:[二三四五六七八九十]是|其[二三四五六七八九十]|第[二三四五六七八九十][，,、]|[（(][二三四五六七八九十\d][）)]"
    r"|\d{1,2}[、.．]))"
)
_REWRITE = {
    "practices": "改写示例：把“不断提升党员干部的政治素质”改成“我主持支部集中学习12次，3月组织党员到企业调研，形成建议3条，"
    "已被采纳2条”（做了什么、多少、结果怎样）。",
    "problems": "改写示例：把“理论学习还不够深入”改成“支部12次集中学习中有8次只读文件，没有联系课堂教学讨论，"
    "原因是我准备学习内容时图省事”（表现在哪里、涉及谁、有多少，原因和本人责任）。",
    "next_steps": "改写示例：把“进一步加强理论学习”改成“2026年3月起我每月主持1次专题学习，每次解决1个教学中的问题，"
    "年底前形成6条改进意见”（做什么、谁负责、什么时候完成、怎样算完成）。",
}


def _items(sentences: list[_Sentence]) -> list[_Sentence]:
    """Sentences cut further at list markers after a comma (……，二是……), so that a section written as one long
    sentence of items is judged item by item. Every item is an exact substring of its sentence."""
    items: list[_Sentence] = []
    for s in sentences:
        start = 0
        for match in _ITEM_BREAK.finditer(s.text):
            items.append(_Sentence(s.text[start : match.start()], s._tokenizer, s.me))
            start = match.end()
        items.append(s if start == 0 else _Sentence(s.text[start:], s._tokenizer, s.me))
    return [item for item in items if item.text.strip()]


def _check_vague(sections: dict[str, list[_Sentence]], rules: RuleSet, compiled: _Compiled) -> list[Finding]:
    vg = rules.vague
    empty: dict[str, list[str]] = {}
    slogans_seen: dict[str, list[str]] = {}
    unmeasured: dict[str, bool] = {}
    reflections = 0
    total = 0
    items = {name: (_items(sentences) if name != "practices" else sentences) for name, sentences in sections.items()}
    for name, sentences in items.items():
        body = " ".join(s.text for s in sentences)
        slogans = _present(vg.slogan_words, body)
        reflection_words = _present(vg.reflection_words, body)
        empty[name] = []
        slogans_seen[name] = []
        measured_items = 0
        for s in sentences:
            total += 1
            has_reflection = bool(_match_words(reflection_words, s.text, s))
            if has_reflection:
                reflections += 1
            hits = _match_words(slogans, s.text, s)
            concrete = name == "next_steps" and compiled.concrete is not None and compiled.concrete.search(s.text)
            # The fact score is the slow part: only when it can change the outcome.
            hard = (
                0
                if concrete or not (name == "next_steps" or (hits and not has_reflection))
                else s.facts(rules, compiled)[1]
            )
            if hard or concrete:
                measured_items += 1
            if not hits or has_reflection or hard or concrete:
                continue
            empty[name].append(s.text)
            slogans_seen[name].extend(hits)
        # Measures none of which has a deadline, an owner or a number are wishes, whatever their words.
        unmeasured[name] = name == "next_steps" and len(sentences) >= vg.section_min_sentences and not measured_items
    findings: list[Finding] = []
    all_empty = sum(len(v) for v in empty.values())
    whole = (
        all_empty >= vg.min_sentences and _share(all_empty, total) >= vg.min_share and reflections < vg.min_reflections
    )
    for name, sentences in items.items():
        count = len(sentences)
        pure = (
            name != "practices"
            and len(empty[name]) >= vg.section_min_sentences
            and _share(len(empty[name]), count) >= vg.section_min_share
        )
        if unmeasured[name] and not pure:
            findings.append(
                _finding(
                    "vague",
                    f"“{SECTION_TITLES[name]}”{count} 条措施中没有一条写明完成时间、责任人或可以衡量的结果。"
                    f"{_example([s.text for s in sentences])}{_REWRITE[name]}",
                    name,
                    [s.text for s in sentences],
                )
            )
            continue
        if not empty[name] or not (whole or pure):
            continue
        if pure:
            lack = (
                "没有完成时间、责任人和可以衡量的结果"
                if name == "next_steps"
                else "没有具体事例（谁、在哪里、有多少），也没有原因分析"
            )
            measured = (
                f"“{SECTION_TITLES[name]}”{count} 句（条）中有 {len(empty[name])} 句只有"
                f"{_quote(slogans_seen[name])}一类套话，{lack}。"
            )
        else:
            every_slogan = _quote(w for words in slogans_seen.values() for w in words)
            measured = (
                f"全文 {total} 句中有 {all_empty} 句是{every_slogan}一类没有事实支撑的套话，"
                f"讲原因、谈反思的句子只有 {reflections} 句；本部分有 {len(empty[name])} 句。"
            )
        findings.append(_finding("vague", f"{measured}{_example(empty[name])}{_REWRITE[name]}", name, empty[name]))
    return findings


def check_report(text: ReportText, rules: RuleSet | None = None) -> list[Finding]:
    """Check a duty report and return advisory findings, in a stable order (see RULE_DESCRIPTIONS)."""
    rules = rules if rules is not None else load_default_rules()
    text = _normalise(text)
    tokenizer, pos_tokenizer = _tokenizers(rules)
    compiled = _compile(rules)
    findings = _check_sections(text, rules)
    findings.extend(_check_prior(text, rules, compiled, tokenizer))
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
