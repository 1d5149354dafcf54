"""The content of an official document: title block, headings, body paragraphs, the signature block.

A mixin of shuzhi.core.officedoc.document.OfficialDocument, which holds the python-docx document in
``self._doc``.
"""

from __future__ import annotations

import datetime

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from shuzhi.core.officedoc.conventions import (
    BODY_FONT,
    BODY_SIZE,
    HEADING1_FONT,
    HEADING2_FONT,
    LATIN_FONT,
    LINE_SPACING,
    SUBTITLE_FONT,
    TITLE_FONT,
    TITLE_LINE_SPACING,
    TITLE_SIZE,
)
from shuzhi.core.officedoc.oxml import _no_auto_space, _set_first_line_chars, _set_outline_level, _set_run_fonts
from shuzhi.core.officedoc.text import _text_width_em, chinese_date, clean_text, split_paragraphs


class _Paragraphs:
    """Methods of OfficialDocument: the content of an official document."""

    def heading1(self, text: str):
        """Level-1 heading, e.g. “一、主要做法” — 黑体 三号, indented two characters."""
        return self._block(text, HEADING1_FONT, outline_level=0, latin=HEADING1_FONT)

    def heading2(self, text: str):
        """Level-2 heading, e.g. “（一）问题：……” — 楷体_GB2312 三号, indented two characters."""
        return self._block(text, HEADING2_FONT, outline_level=1, latin=HEADING2_FONT)

    def paragraph(self, text: str):
        """One body paragraph; newlines inside ``text`` become line breaks."""
        return self._block(text, BODY_FONT)

    def paragraphs(self, text: str) -> list:
        """One body paragraph per non-blank line of ``text``."""
        return [self.paragraph(line) for line in split_paragraphs(text)]

    def blank_line(self):
        return self._block("", BODY_FONT, indent=False)

    def signature(self, org_name: str, date: datetime.date | None) -> None:
        """Signature block below the text: signature line, then the date (GB/T 9704 §7.3.5.2, no seal)."""
        name = " ".join(split_paragraphs(org_name))
        date_text = chinese_date(date) if date else ""
        name_width, date_width = _text_width_em(name), _text_width_em(date_text)
        # Date starts two characters right of the name's start; the longer line ends two characters
        # from the right margin.
        name_right = max(2.0, 4.0 + date_width - name_width) if date_text else 2.0
        # No page with only the signature on it: the last line of the text moves along with it.
        body = self._doc.element.body
        previous = body.findall(qn("w:p"))
        if previous and body.index(previous[-1]) == len(body) - 2:  # the last block, just before w:sectPr
            previous[-1].get_or_add_pPr()
            previous[-1].pPr.keepNext_val = True
        date_right = name_right + name_width - 2.0 - date_width
        first = True
        for text, right in ((name, name_right), (date_text, date_right)):
            if not text:
                continue
            paragraph = self._block(text, BODY_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            paragraph.paragraph_format.right_indent = Pt(BODY_SIZE.pt * right)
            _no_auto_space(paragraph)  # widths above assume no extra space between 2026 and 年
            if first:
                paragraph.paragraph_format.space_before = LINE_SPACING  # 正文下空一行
                paragraph.paragraph_format.keep_with_next = True
                first = False

    def _block(
        self,
        text: str,
        font: str,
        *,
        outline_level: int | None = None,
        indent: bool = True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        size=BODY_SIZE,
        latin: str = LATIN_FONT,
    ):
        paragraph = self._doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.line_spacing = LINE_SPACING
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        if indent:
            _set_first_line_chars(paragraph, 2, size)
        text = clean_text(text).strip()
        if text:
            run = paragraph.add_run(text)
            _set_run_fonts(run, font, size, latin=latin)
        if outline_level is not None:
            fmt.keep_with_next = True
            _set_outline_level(paragraph, outline_level)
        return paragraph

    def _title(self, title: str, subtitle: str | None) -> None:
        lines = split_paragraphs(title)
        paragraph = self._doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing = TITLE_LINE_SPACING
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.keep_with_next = True
        run = paragraph.add_run()
        _set_run_fonts(run, TITLE_FONT, TITLE_SIZE, latin=TITLE_FONT)
        for number, line in enumerate(lines):
            if number:
                run.add_break()
            run.add_text(line)
        last = paragraph
        subtitle_text = " ".join(split_paragraphs(subtitle)) if subtitle else ""
        if subtitle_text:
            last = self._block(
                subtitle_text, SUBTITLE_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, latin=SUBTITLE_FONT
            )
            last.paragraph_format.keep_with_next = True
        last.paragraph_format.space_after = LINE_SPACING  # 标题下空一行
