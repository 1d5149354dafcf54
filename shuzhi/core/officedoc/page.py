"""The set-up of a new official document: package clean-up, font table, styles, A4 page with margins
and odd/even page-number footers, core properties.

A mixin of shuzhi.core.officedoc.document.OfficialDocument, which holds the python-docx document in
``self._doc``.
"""

from __future__ import annotations

import datetime

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from shuzhi.core.officedoc.conventions import (
    BODY_FONT,
    BODY_SIZE,
    FONT_FALLBACKS,
    FOOTER_DISTANCE,
    HEADER_DISTANCE,
    LATIN_FONT,
    LINE_SPACING,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_NUMBER_FONT,
    PAGE_NUMBER_SIZE,
    PAGE_WIDTH,
)
from shuzhi.core.officedoc.oxml import _add_field, _set_run_fonts
from shuzhi.core.officedoc.text import clean_text, split_paragraphs


class _PageSetup:
    """Methods of OfficialDocument: the set-up of a new official document."""

    def _setup_package(self) -> None:
        package = self._doc.part.package
        # python-docx's template ships a thumbnail of an unrelated English document.
        for r_id, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                package.rels.pop(r_id)
        settings = self._doc.settings.element
        for element in settings.findall(qn("w:savePreviewPicture")):
            settings.remove(element)
        for element in settings.findall(qn("w:themeFontLang")):
            element.set(qn("w:val"), "en-US")
            element.set(qn("w:eastAsia"), "zh-CN")
        self._doc.settings.odd_and_even_pages_header_footer = True
        self._register_fonts()

    def _register_fonts(self) -> None:
        font_part = self._doc.part.part_related_by(RT.FONT_TABLE)
        root = etree.fromstring(font_part.blob)
        w = lambda tag: qn(f"w:{tag}")  # noqa: E731
        present = {font.get(w("name")) for font in root.findall(w("font"))}
        for name, info in FONT_FALLBACKS.items():
            if name in present:
                continue
            font = etree.SubElement(root, w("font"))
            font.set(w("name"), name)
            for tag, value in (
                ("altName", info.word_alt),
                ("panose1", info.panose),
                ("charset", "86"),
                ("family", info.family),
                ("pitch", info.pitch),
            ):
                child = etree.SubElement(font, w(tag))
                child.set(w("val"), value)
        # python-docx keeps this part as an opaque blob; replacing it is the only way to edit it.
        font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _setup_styles(self) -> None:
        styles = self._doc.styles
        doc_defaults = styles.element.find(qn("w:docDefaults"))
        if doc_defaults is not None:
            r_pr = doc_defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if r_pr is not None:
                fonts = r_pr.find(qn("w:rFonts"))
                if fonts is not None:
                    for attribute in list(fonts.attrib):
                        del fonts.attrib[attribute]
                    fonts.set(qn("w:ascii"), LATIN_FONT)
                    fonts.set(qn("w:hAnsi"), LATIN_FONT)
                    fonts.set(qn("w:eastAsia"), BODY_FONT)
                    fonts.set(qn("w:cs"), LATIN_FONT)
                lang = r_pr.find(qn("w:lang"))
                if lang is not None:
                    lang.set(qn("w:val"), "en-US")
                    lang.set(qn("w:eastAsia"), "zh-CN")
        normal = styles["Normal"]
        normal.font.size = BODY_SIZE
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), BODY_FONT)
        fonts.set(qn("w:cs"), LATIN_FONT)
        fmt = normal.paragraph_format
        fmt.line_spacing = LINE_SPACING
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
        section.gutter = Mm(0)
        one_char = PAGE_NUMBER_SIZE  # “右空一字” / “左空一字”
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            fmt = paragraph.paragraph_format
            fmt.alignment = align
            fmt.line_spacing = Pt(16)
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.first_line_indent = Pt(0)
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = one_char
            else:
                fmt.left_indent = one_char
            self._page_number(paragraph)

    @staticmethod
    def _page_number(paragraph) -> None:
        def dash(text: str) -> None:
            run = paragraph.add_run(text)
            _set_run_fonts(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE, latin=PAGE_NUMBER_FONT)

        dash("— ")
        _add_field(paragraph, "PAGE", "1", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        dash(" —")

    def _setup_core_properties(
        self, title: str, author: str, subject: str, created: datetime.datetime | datetime.date | None
    ) -> None:
        if created is None:
            created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        elif not isinstance(created, datetime.datetime):
            created = datetime.datetime.combine(created, datetime.time())
        if created.tzinfo is not None:  # python-docx writes the wall-clock time with a “Z”
            created = created.astimezone(datetime.UTC).replace(tzinfo=None)
        props = self._doc.core_properties
        props.title = " ".join(split_paragraphs(title))[:255]
        props.author = clean_text(author).strip()[:255]
        props.last_modified_by = props.author
        props.subject = clean_text(subject).strip()[:255]
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.language = "zh-CN"
        props.created = created
        props.modified = created
        props.revision = 1
