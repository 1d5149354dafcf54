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
   / Noto Serif CJK SC, 黑体 → SimHei / Noto Sans CJK SC. ``shuzhi.core.tests.office`` uses it for
   every conversion; a server that converts documents itself should install the same file as
   ``/etc/fonts/conf.d/65-shuzhi-gb-fonts.conf`` (or point ``FONTCONFIG_FILE`` at it).

Not done: the 28-characters-per-line document grid (Word's ``w:docGrid`` with ``w:charSpace``).
LibreOffice's text-grid emulation of it shifts lines around, so lines hold 27 characters at 16 pt
in the 156 mm text area.

All text is inserted as plain text (never as markup or field codes); characters that XML 1.0 cannot
carry (C0/C1 control characters other than tab and newline, lone surrogates, U+FFFE/U+FFFF) are
removed.

The package, one concern per module: ``conventions`` (fonts, sizes, page measures, font fallbacks),
``text`` (text helpers), ``oxml`` (WordprocessingML helpers python-docx lacks), ``document``
(OfficialDocument) with its methods in ``paragraphs`` (title, headings, body, signature), ``masthead``
(a 文件's 版头, 主送机关 and 版记), ``tables`` and ``page`` (page set-up, styles, page numbers).
"""

from shuzhi.core.officedoc.conventions import (
    BODY_FONT,
    BODY_SIZE,
    FONT_FALLBACKS,
    HEADING1_FONT,
    HEADING2_FONT,
    LATIN_FONT,
    LINE_SPACING,
    PAGE_NUMBER_FONT,
    PAGE_NUMBER_SIZE,
    TABLE_SIZE,
    TITLE_FONT,
    TITLE_SIZE,
    fontconfig_substitutes,
)
from shuzhi.core.officedoc.document import OfficialDocument
from shuzhi.core.officedoc.masthead import Masthead
from shuzhi.core.officedoc.text import chinese_date, chinese_numeral, clean_text, split_paragraphs

__all__ = [
    "BODY_FONT",
    "TITLE_FONT",
    "HEADING1_FONT",
    "HEADING2_FONT",
    "PAGE_NUMBER_FONT",
    "LATIN_FONT",
    "BODY_SIZE",
    "TITLE_SIZE",
    "PAGE_NUMBER_SIZE",
    "TABLE_SIZE",
    "LINE_SPACING",
    "FONT_FALLBACKS",
    "OfficialDocument",
    "Masthead",
    "clean_text",
    "split_paragraphs",
    "chinese_date",
    "chinese_numeral",
    "fontconfig_substitutes",
]
