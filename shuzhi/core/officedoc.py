"""Chinese official-document (GB/T 9704-2012 style) .docx files, built with python-docx.

Pure functions and one builder class, no Django. ``OfficialDocument`` lays out:

* A4 portrait; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm text area).
* Body text 仿宋_GB2312 三号 (16 pt), fixed line spacing 28.9 pt (22 lines fill the 225 mm text area
  exactly as the standard asks), first-line indent two characters, justified.
* Title 方正小标宋简体 二号 (22 pt), centred, fixed 36 pt lines (room for the larger glyphs; a newline in
  the title breaks the line). An optional subtitle line below it: 楷体_GB2312 三号, centred. One blank
  line (28.9 pt) follows the title block.
* Level-1 headings (“一、”) 黑体 三号; level-2 headings (“（一）”) 楷体_GB2312 三号; both indented two
  characters like the body, kept with the next paragraph and marked with an outline level so that
  Word/WPS show them in the navigation pane.
* Page numbers “— 1 —” in 宋体 四号 (14 pt) in the footer, about 7 mm below the text area; odd pages right
  with one character of space, even pages left with one character of space (separate odd and even
  footers, ``w:evenAndOddHeaders`` in settings).
* Signature block (署名 + 成文日期 such as “2026年11月25日”) placed as GB/T 9704 §7.3.5.2 describes for
  documents without a seal: the date's first character two characters right of the signature's first
  character, whichever line is longer ends two characters from the right margin. The last paragraph
  before it is kept with it, so no page carries the signature alone. Widths are computed with
  half-width digits and Word's Chinese/Latin auto-spacing switched off for these two lines; LibreOffice
  ignores that switch (w:autoSpaceDE/DN) and adds its own spacing around the digits, which puts the
  date about one character further left there.
* Tables: 仿宋_GB2312 小四 (12 pt), bold centred header row repeated on every page, single 0.5 pt borders.

Fonts named in the document
---------------------------
Each run carries ``w:rFonts`` with ``w:eastAsia`` set explicitly (without it Word and LibreOffice keep
the Latin font for Chinese text) and ``w:hint="eastAsia"`` so quotation marks and dashes use the
Chinese font. In body text and tables Arabic numerals and Latin letters use ``Times New Roman``
(LibreOffice: the metric-compatible Liberation Serif); title, subtitle, headings and page numbers use
their Chinese font for Latin characters too, as when a whole heading is typed in 黑体. The Chinese fonts named are:

    仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体

Fallback chain, since many machines lack the GB2312-era fonts:

1. Word and WPS: ``word/fontTable.xml`` gets an entry per font with ``w:altName`` (仿宋_GB2312 → 仿宋,
   楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体, 黑体 → SimHei, 宋体 → SimSun), the GB2312 charset (86),
   PANOSE class and pitch, so Word substitutes the font that ships with every Chinese Windows.
2. LibreOffice ignores ``altName``, PANOSE and family in fontTable.xml (writerfilter's FontTable.cxx
   drops them) and asks fontconfig instead. Without further help fontconfig answers an unknown name
   with its default CJK font (Noto Sans CJK with fonts-noto-cjk): legible, but sans-serif body text.
   ``fontconfig_substitutes()`` returns a fontconfig file that appends installed fonts to each name
   (the named font still wins where present): 仿宋_GB2312 → FangSong / Noto Serif CJK SC, 方正小标宋简体 →
   SimSun / Noto Serif CJK SC at semi-bold weight (Bold when only Regular and Bold are installed, as with
   fonts-noto-cjk), 宋体 → SimSun / Noto Serif CJK SC, 楷体_GB2312 → KaiTi / AR PL UKai CN (fonts-arphic-ukai)
   / Noto Serif CJK SC, 黑体 → SimHei / Noto Sans CJK SC. ``shuzhi.core.testing_office`` uses it for
   every conversion; a server that converts documents itself should install the same file as
   ``/etc/fonts/conf.d/65-shuzhi-gb-fonts.conf`` (or point ``FONTCONFIG_FILE`` at it).

Not done: the 28-characters-per-line document grid (Word's ``w:docGrid`` with ``w:charSpace``).
LibreOffice's text-grid emulation of it shifts lines around, so lines hold 27 characters at 16 pt
in the 156 mm text area.

All text is inserted as plain text (never as markup or field codes); characters that XML 1.0 cannot
carry (C0/C1 control characters other than tab and newline, lone surrogates, U+FFFE/U+FFFF) are
removed.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

__all__ = [
    "BODY_FONT", "TITLE_FONT", "HEADING1_FONT", "HEADING2_FONT", "PAGE_NUMBER_FONT", "LATIN_FONT",
    "BODY_SIZE", "TITLE_SIZE", "PAGE_NUMBER_SIZE", "TABLE_SIZE", "LINE_SPACING",
    "OfficialDocument", "clean_text", "split_paragraphs", "chinese_date", "chinese_numeral",
    "fontconfig_substitutes",
]

# --- Fonts and sizes (Chinese type sizes: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt) ----------

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
SUBTITLE_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TABLE_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"

TITLE_SIZE = Pt(22)
BODY_SIZE = Pt(16)
PAGE_NUMBER_SIZE = Pt(14)
TABLE_SIZE = Pt(12)

LINE_SPACING = Pt(28.9)  # 22 lines in the 225 mm text area
TITLE_LINE_SPACING = Pt(36)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
HEADER_DISTANCE = Mm(15)
# The page number's top sits ~7 mm below the text area: 35 mm − 7 mm − one 14 pt line ≈ 22 mm.
FOOTER_DISTANCE = Mm(22)


@dataclass(frozen=True)
class _FontInfo:
    word_alt: str  # what Word/WPS substitute when the font is missing (w:altName)
    panose: str
    family: str  # w:family: roman / swiss / modern / script / decorative / auto
    pitch: str  # w:pitch: fixed / variable / default
    linux: tuple[str, ...]  # fontconfig preference list, first installed wins
    linux_weight: str | None = None  # fontconfig weight constant for the substitute


FONT_FALLBACKS: dict[str, _FontInfo] = {
    "仿宋_GB2312": _FontInfo("仿宋", "02010609030101010101", "modern", "fixed",
                           ("FangSong", "仿宋", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN")),
    "方正小标宋简体": _FontInfo("宋体", "02000000000000000000", "auto", "variable",
                          ("SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
                          "demibold"),  # 小标宋 is a heavy Song: Noto Serif CJK SC SemiBold, or Bold
    "楷体_GB2312": _FontInfo("楷体", "02010609030101010101", "modern", "fixed",
                           ("KaiTi", "楷体", "AR PL UKai CN", "Noto Serif CJK SC", "Source Han Serif SC")),
    "黑体": _FontInfo("SimHei", "02010609060101010101", "modern", "fixed",
                    ("SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")),
    "宋体": _FontInfo("SimSun", "02010600030101010101", "auto", "variable",
                    ("SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN")),
}


def fontconfig_substitutes(include_system: bool = True) -> str:
    """A fontconfig file mapping the GB font names used here to installed CJK fonts.

    With ``include_system`` the file first includes ``/etc/fonts/fonts.conf``, so it can be used as
    ``FONTCONFIG_FILE`` on its own; without it, it is a snippet for ``/etc/fonts/conf.d/``.
    """
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
    ]
    if include_system:
        lines.append('  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>')
    for name, info in FONT_FALLBACKS.items():
        families = "".join(f"<string>{escape(family)}</string>" for family in info.linux)
        lines += [
            '  <match target="pattern">',
            f'    <test name="family"><string>{escape(name)}</string></test>',
            # appended: the named font itself still wins where it is installed
            f'    <edit name="family" mode="append" binding="strong">{families}</edit>',
        ]
        if info.linux_weight:
            lines.append(f'    <edit name="weight" mode="assign"><const>{info.linux_weight}</const></edit>')
        lines.append("  </match>")
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


# --- Text helpers -----------------------------------------------------------------------------------

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


# --- oxml helpers --------------------------------------------------------------------------------------


def _set_run_fonts(run, east_asia: str, size, *, latin: str | None = LATIN_FONT, bold: bool = False) -> None:
    latin = latin or east_asia
    run.font.size = size
    run.font.bold = bold
    r_pr = run._r.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_first_line_chars(paragraph, chars: int, size) -> None:
    """First-line indent of ``chars`` characters: twips for LibreOffice, character units for Word/WPS."""
    paragraph.paragraph_format.first_line_indent = size * chars
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _set_outline_level(paragraph, level: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    # w:outlineLvl goes after w:jc/w:textAlignment/... and before w:rPr/w:sectPr/w:pPrChange.
    successors = [child for child in p_pr if child.tag in (qn("w:divId"), qn("w:cnfStyle"), qn("w:rPr"),
                                                           qn("w:sectPr"), qn("w:pPrChange"))]
    if successors:
        successors[0].addprevious(element)
    else:
        p_pr.append(element)


def _no_auto_space(paragraph) -> None:
    """Switch off the automatic space between Chinese and Latin/digits (w:autoSpaceDE/DN)."""
    p_pr = paragraph._p.get_or_add_pPr()
    # CT_PPrBase order: ... wordWrap, overflowPunct, topLinePunct, autoSpaceDE, autoSpaceDN, bidi, adjustRightInd,
    # snapToGrid, spacing, ind, ... — i.e. before w:spacing, w:ind and w:jc.
    anchor = next((child for child in p_pr if child.tag in (
        qn("w:bidi"), qn("w:adjustRightInd"), qn("w:snapToGrid"), qn("w:spacing"), qn("w:ind"),
        qn("w:contextualSpacing"), qn("w:mirrorIndents"), qn("w:suppressOverlap"), qn("w:jc"),
        qn("w:textDirection"), qn("w:textAlignment"), qn("w:textboxTightWrap"), qn("w:outlineLvl"),
        qn("w:divId"), qn("w:cnfStyle"), qn("w:rPr"), qn("w:sectPr"), qn("w:pPrChange"))), None)
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "0")
        if anchor is not None:
            anchor.addprevious(element)
        else:
            p_pr.append(element)


def _add_field(paragraph, instruction: str, placeholder: str, east_asia: str, size) -> None:
    """A complex field (e.g. PAGE) whose cached result is ``placeholder``."""

    def fld_run(kind: str | None = None, text: str | None = None, instr: bool = False):
        run = paragraph.add_run()
        _set_run_fonts(run, east_asia, size, latin=east_asia)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif instr:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
            run._r.append(element)
        else:
            run.text = text
        return run

    fld_run("begin")
    fld_run(text=f" {instruction} ", instr=True)
    fld_run("separate")
    fld_run(text=placeholder)
    fld_run("end")


# --- The document --------------------------------------------------------------------------------------


class OfficialDocument:
    """Builder for one GB/T 9704-style document; call the methods in reading order, then ``to_bytes()``.

    ``title`` may contain newlines to break a long title into lines (梯形/菱形 arrangement).
    ``created`` defaults to now; it fills the core properties together with title and author.
    """

    def __init__(self, title: str, *, subtitle: str | None = None, author: str = "", subject: str = "",
                 created: datetime.datetime | datetime.date | None = None):
        self._doc = Document()
        self._setup_package()
        self._setup_styles()
        self._setup_page()
        self._setup_core_properties(title, author, subject, created)
        self._title(title, subtitle)

    # -- content -----------------------------------------------------------------------------

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

    def table(self, headers: Sequence[object], rows: Iterable[Sequence[object]]):
        """A bordered table, 仿宋 小四; header row bold, centred and repeated on each page.

        Cells are plain text (``None`` → empty); newlines in a cell become separate lines.
        Rows shorter than ``headers`` are padded, longer ones raise ``ValueError``.
        """
        headers = list(headers)
        if not headers:
            raise ValueError("a table needs at least one column")
        table = self._doc.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._table_borders(table)
        header_row = table.rows[0]
        self._row_properties(header_row, header=True)
        for cell, value in zip(header_row.cells, headers):
            self._fill_cell(cell, value, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for values in rows:
            values = list(values)
            if len(values) > len(headers):
                raise ValueError(f"row has {len(values)} cells, the table has {len(headers)} columns")
            values += [""] * (len(headers) - len(values))
            row = table.add_row()
            self._row_properties(row, header=False)
            for cell, value in zip(row.cells, values):
                self._fill_cell(cell, value, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        return table

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()

    @property
    def document(self):
        """The underlying python-docx ``Document`` (for additions this class does not cover)."""
        return self._doc

    # -- building blocks ---------------------------------------------------------------------------

    def _block(self, text: str, font: str, *, outline_level: int | None = None, indent: bool = True,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, size=BODY_SIZE, latin: str = LATIN_FONT):
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
            last = self._block(subtitle_text, SUBTITLE_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
                               latin=SUBTITLE_FONT)
            last.paragraph_format.keep_with_next = True
        last.paragraph_format.space_after = LINE_SPACING  # 标题下空一行

    def _fill_cell(self, cell, value: object, *, bold: bool, align) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        text = clean_text(value).strip("\n")
        if text:
            run = paragraph.add_run(text)
            _set_run_fonts(run, TABLE_FONT, TABLE_SIZE, bold=bold)

    @staticmethod
    def _row_properties(row, *, header: bool) -> None:
        tr_pr = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.append(cant_split)
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))

    @staticmethod
    def _table_borders(table) -> None:
        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "single")
            element.set(qn("w:sz"), "4")  # eighths of a point: 0.5 pt
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
            borders.append(element)
        # CT_TblPr order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize,
        # tblStyleColBandSize, tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, ...
        successors = [child for child in tbl_pr if child.tag in (
            qn("w:shd"), qn("w:tblLayout"), qn("w:tblCellMar"), qn("w:tblLook"), qn("w:tblCaption"),
            qn("w:tblDescription"))]
        if successors:
            successors[0].addprevious(borders)
        else:
            tbl_pr.append(borders)

    # -- document set-up -------------------------------------------------------------------------------

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
            for tag, value in (("altName", info.word_alt), ("panose1", info.panose), ("charset", "86"),
                               ("family", info.family), ("pitch", info.pitch)):
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
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
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

    def _setup_core_properties(self, title: str, author: str, subject: str,
                               created: datetime.datetime | datetime.date | None) -> None:
        if created is None:
            created = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        elif not isinstance(created, datetime.datetime):
            created = datetime.datetime.combine(created, datetime.time())
        if created.tzinfo is not None:  # python-docx writes the wall-clock time with a “Z”
            created = created.astimezone(datetime.timezone.utc).replace(tzinfo=None)
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
