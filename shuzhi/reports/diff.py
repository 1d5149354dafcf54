"""Readable differences between two submitted versions of a duty report.

Paragraph by paragraph first; inside a changed paragraph, character by character (sentence by
sentence first when the paragraph is long, to keep difflib fast). Pure: the result is plain data
that the template renders with <ins>/<del>, escaping every piece of text like any user input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from shuzhi.reports.sections import TEXT_KEYS as TEXT_SECTIONS
from shuzhi.reports.sections import TITLES as SECTION_LABELS

PieceKind = Literal["equal", "insert", "delete"]
ParagraphKind = Literal["equal", "insert", "delete", "change"]

# Above this many character pairs a character-level comparison is done sentence by sentence.
CHAR_BUDGET = 400_000
# Paragraphs less similar than this are shown as removed + added rather than as a patchwork.
MIN_SIMILARITY = 0.3
# A run of at most this many unchanged characters between two changes is folded into the change:
# “的”, “和” left standing between rewritten words only make the change harder to read.
FOLD_CHARS = 2

_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+|[^。！？；!?;]+")


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    text: str


@dataclass(frozen=True)
class Paragraph:
    kind: ParagraphKind
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class ItemDiff:
    """One answered problem of the first section, or the whole text of another section."""

    heading: str  # the problem text; "" for a plain section
    status: Literal["both", "added", "removed"]  # whether the problem is in both versions
    paragraphs: tuple[Paragraph, ...]

    @property
    def changed(self) -> bool:
        return self.status != "both" or any(p.kind != "equal" for p in self.paragraphs)


@dataclass(frozen=True)
class SectionDiff:
    key: str
    title: str
    items: tuple[ItemDiff, ...]

    @property
    def changed(self) -> bool:
        return any(item.changed for item in self.items)


def paragraphs_of(text: str) -> list[str]:
    """The non-blank lines of text (line breaks normalised)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in lines if line.strip()]


def _merge(pieces: list[Piece]) -> tuple[Piece, ...]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = Piece(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return tuple(merged)


def _ops(old: str | list[str], new: str | list[str]) -> list[tuple[str, str, str]]:
    """(tag, old text, new text) runs, with tiny unchanged runs between changes folded in."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    ops = [(tag, "".join(old[i1:i2]), "".join(new[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    for index in range(1, len(ops) - 1):
        tag, a, b = ops[index]
        if tag == "equal" and len(a) <= FOLD_CHARS and ops[index - 1][0] != "equal" and ops[index + 1][0] != "equal":
            ops[index] = ("replace", a, b)
    return ops


def _pieces_from_ops(ops: list[tuple[str, str, str]]) -> list[Piece]:
    """Consecutive changes become one deletion followed by one insertion."""
    pieces: list[Piece] = []
    deleted, inserted = "", ""
    for tag, a, b in ops:
        if tag == "equal":
            pieces += [Piece("delete", deleted), Piece("insert", inserted), Piece("equal", a)]
            deleted, inserted = "", ""
        else:
            deleted += a
            inserted += b
    pieces += [Piece("delete", deleted), Piece("insert", inserted)]
    return pieces


def _sentences(text: str) -> list[str]:
    return _SENTENCE.findall(text)


def inline_diff(old: str, new: str) -> tuple[Piece, ...]:
    """The character-level difference of two paragraphs."""
    if len(old) * len(new) <= CHAR_BUDGET:
        return _merge(_pieces_from_ops(_ops(old, new)))
    pieces: list[Piece] = []
    matcher = SequenceMatcher(None, _sentences(old), _sentences(new), autojunk=False)
    old_s, new_s = matcher.a, matcher.b
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = "".join(old_s[i1:i2]), "".join(new_s[j1:j2])
        if tag == "equal":
            pieces.append(Piece("equal", a))
        elif tag == "replace" and len(a) * len(b) <= CHAR_BUDGET:
            pieces += _pieces_from_ops(_ops(a, b))
        else:
            pieces += [Piece("delete", a), Piece("insert", b)]
    return _merge(pieces)


def _similarity(old: str, new: str) -> float:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    if len(old) * len(new) > CHAR_BUDGET:
        return matcher.quick_ratio()
    return matcher.ratio()


def _replace_block(old: list[str], new: list[str]) -> list[Paragraph]:
    """Pair the paragraphs of a changed block in order; unlike pairs show as removed + added."""
    result: list[Paragraph] = []
    for index in range(max(len(old), len(new))):
        a = old[index] if index < len(old) else None
        b = new[index] if index < len(new) else None
        if a is not None and b is not None and _similarity(a, b) >= MIN_SIMILARITY:
            result.append(Paragraph("change", inline_diff(a, b)))
            continue
        if a is not None:
            result.append(Paragraph("delete", (Piece("delete", a),)))
        if b is not None:
            result.append(Paragraph("insert", (Piece("insert", b),)))
    return result


def diff_text(old: str, new: str) -> tuple[Paragraph, ...]:
    """Paragraph-level, then character-level difference of two texts."""
    old_p, new_p = paragraphs_of(old), paragraphs_of(new)
    result: list[Paragraph] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_p, new_p, autojunk=False).get_opcodes():
        if tag == "equal":
            result += [Paragraph("equal", (Piece("equal", p),)) for p in old_p[i1:i2]]
        elif tag == "delete":
            result += [Paragraph("delete", (Piece("delete", p),)) for p in old_p[i1:i2]]
        elif tag == "insert":
            result += [Paragraph("insert", (Piece("insert", p),)) for p in new_p[j1:j2]]
        else:
            result += _replace_block(old_p[i1:i2], new_p[j1:j2])
    return tuple(result)


def _answers(content: dict) -> dict[str, str]:
    answers: dict[str, str] = {}
    for pair in content.get("prior_answers") or []:
        problem, answer = (list(pair) + ["", ""])[:2]
        answers[str(problem)] = str(answer or "")
    return answers


def diff_versions(old: dict, new: dict) -> tuple[SectionDiff, ...]:
    """Section by section difference of two ReportVersion.content dicts (see services.version_content).

    Answers to last year's problems are matched by the problem's text: a problem only in the newer
    version shows as added, one only in the older as removed."""
    old_answers, new_answers = _answers(old), _answers(new)
    problems = list(new_answers) + [p for p in old_answers if p not in new_answers]
    items = []
    for problem in problems:
        status = (
            "both"
            if problem in old_answers and problem in new_answers
            else ("added" if problem in new_answers else "removed")
        )
        items.append(ItemDiff(problem, status, diff_text(old_answers.get(problem, ""), new_answers.get(problem, ""))))
    sections = [SectionDiff("prior_answers", SECTION_LABELS["prior_answers"], tuple(items))]
    for key in TEXT_SECTIONS:
        item = ItemDiff("", "both", diff_text(str(old.get(key) or ""), str(new.get(key) or "")))
        sections.append(SectionDiff(key, SECTION_LABELS[key], (item,)))
    return tuple(sections)
