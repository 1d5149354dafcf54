"""The duty report (述职报告) as a GB/T 9704-style .docx — a pure function of its content, no models.

Layout: title (方正小标宋简体 二号); a centred 楷体 line “{organization}书记　{secretary}” (an ideographic
space between office and name, which stays visible in a CJK font); the four sections of 周职党〔2024〕45号
§四(二)2 as level-1 headings; under the first, every one of last year's items as a level-2 heading named
for its kind — “（一）上年度述职通报问题：……”, “（二）本人查摆问题：……”, “（三）整改承诺：……” (a commitment
reads as a commitment, not as a problem) — followed by the answer, or “无。” when there were none. An item
of unknown kind is “问题：……”; one whose text carries its own label (“本人查摆问题：…”, “整改承诺：…”)
keeps that label.
Then the secretary's name and the date as signature block. Each section's text becomes one paragraph per
non-blank line. Empty sections and empty answers render as nothing under their heading: the export
shows what was written, the quality check elsewhere says what is missing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from shuzhi.core.officedoc import OfficialDocument, chinese_numeral, split_paragraphs
from shuzhi.reports.sections import BY_KEY, HEADINGS

SECTION_PRIOR = BY_KEY["prior_answers"].heading
SECTION_PRACTICES = BY_KEY["practices"].heading
SECTION_PROBLEMS = BY_KEY["problems"].heading
SECTION_NEXT_STEPS = BY_KEY["next_steps"].heading
SECTIONS = HEADINGS
NO_PRIOR_PROBLEMS = "无。"

# “问题：…”, “上年度述职通报问题：…”, “本人查摆问题：…”, “整改承诺：…” — a short label ending in 问题 or 承诺
# and a colon.
_LABELLED_PROBLEM = re.compile(r"^([^：:。，,；;]{0,16}(?:问题|承诺))\s*[：:]\s*")

# The heading label of each kind of last year's item (cycles.models.PriorProblemKind), in the seed's words
# (§四(二)1–2: 上年度述职通报问题, 本人查摆问题, 上年度整改承诺).
KIND_LABELS = {
    "notified": "上年度述职通报问题",
    "self_found": "本人查摆问题",
    "commitment": "整改承诺",
}
DEFAULT_LABEL = "问题"


@dataclass(frozen=True)
class ReportDocument:
    year: int
    organization: str  # e.g. 信息工程学院教工第一党支部
    secretary: str  # name
    title: str  # e.g. "2026年度抓基层党建工作述职报告"
    prior_answers: tuple[tuple[str, str], ...]  # (problem, answer)
    practices: str
    problems: str
    next_steps: str
    date: datetime.date
    prior_kinds: tuple[str, ...] = ()  # the kind of each prior answer (KIND_LABELS' keys; "" or missing: unknown)


def default_title(year: int) -> str:
    return f"{year}年度抓基层党建工作述职报告"


def byline(doc: ReportDocument) -> str:
    """“信息工程学院教工第一党支部书记　张明” (ideographic space between office and name)."""
    office = " ".join(split_paragraphs(doc.organization))
    name = " ".join(split_paragraphs(doc.secretary))
    office = f"{office}书记" if office else ""
    return "\u3000".join(part for part in (office, name) if part)


def problem_heading(problem: str, kind: str = "") -> str:
    """“整改承诺：…”, “本人查摆问题：…”, “上年度述职通报问题：…” by the item's kind, “问题：…” when the kind is
    unknown; an item whose text has its own label keeps it (with a full-width colon). "" for no text."""
    text = " ".join(split_paragraphs(problem))
    if not text:
        return ""
    match = _LABELLED_PROBLEM.match(text)
    if match:
        return f"{match.group(1)}：{text[match.end() :]}"
    return f"{KIND_LABELS.get(kind, DEFAULT_LABEL)}：{text}"


def item_heading(number: int, problem: str, kind: str = "") -> str:
    """The level-2 heading of the number-th item: “（三）整改承诺：……”; the bare label when there is no text."""
    label = problem_heading(problem, kind) or f"{KIND_LABELS.get(kind, DEFAULT_LABEL)}："
    return f"（{chinese_numeral(number)}）{label}"


def kind_of(doc: ReportDocument, index: int) -> str:
    return doc.prior_kinds[index] if index < len(doc.prior_kinds) else ""


def render_report_docx(doc: ReportDocument) -> bytes:
    title = doc.title if split_paragraphs(doc.title) else default_title(doc.year)
    secretary = " ".join(split_paragraphs(doc.secretary))
    office = OfficialDocument(
        title, subtitle=byline(doc), author=secretary, subject=" ".join(split_paragraphs(doc.organization))
    )

    office.heading1(SECTION_PRIOR)
    number = 0
    for index, (problem, answer) in enumerate(doc.prior_answers):
        answer_lines = split_paragraphs(answer)
        if not split_paragraphs(problem) and not answer_lines:
            continue
        number += 1
        office.heading2(item_heading(number, problem, kind_of(doc, index)))
        for line in answer_lines:
            office.paragraph(line)
    if number == 0:
        office.paragraph(NO_PRIOR_PROBLEMS)

    for heading, text in (
        (SECTION_PRACTICES, doc.practices),
        (SECTION_PROBLEMS, doc.problems),
        (SECTION_NEXT_STEPS, doc.next_steps),
    ):
        office.heading1(heading)
        office.paragraphs(text)

    office.signature(secretary, doc.date)
    return office.to_bytes()
