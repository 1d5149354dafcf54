"""Text helpers: cleaning text for XML, splitting paragraphs, Chinese dates and numerals, text widths."""

from __future__ import annotations

import datetime
import re
import unicodedata

# Characters XML 1.0 cannot carry (C0 controls except tab/newline/CR, lone surrogates, U+FFFE/U+FFFF)
# plus C1 controls and DEL, which are legal XML but never meant as text and upset some readers.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile("\r\n|\r|\u2028|\u2029")


def clean_text(text: object) -> str:
    """``text`` as a string XML can hold: newlines normalised to ``\\n``, invalid characters removed."""
    if text is None:
        return ""
    return _INVALID_XML.sub("", _NEWLINES.sub("\n", str(text)))


def split_paragraphs(text: object) -> list[str]:
    """One entry per non-blank line, stripped (including ideographic spaces typed as an indent)."""
    return [line.strip() for line in clean_text(text).split("\n") if line.strip()]


def chinese_date(date: datetime.date) -> str:
    """GB/T 9704 成文日期: Arabic numerals, no leading zeros — 2026年11月25日."""
    return f"{date.year}年{date.month}月{date.day}日"


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (for “一、”, “（十二）” numbering)."""
    if number <= 0:
        raise ValueError("chinese_numeral counts from 1")
    if number >= 10000:
        return str(number)
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    parts: list[str] = []
    zero_pending = False
    for value, unit in units:
        digit, number = divmod(number, value)
        if digit:
            if zero_pending:
                parts.append("零")
            parts.append(_DIGITS[digit] + unit)
            zero_pending = False
        elif parts:
            zero_pending = True
    result = "".join(parts)
    return result[1:] if result.startswith("一十") else result


def _text_width_em(text: str) -> float:
    """Width in ems of ``text`` set in a CJK font with half-width Latin and digits."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5 for char in text)
