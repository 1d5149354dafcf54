"""The conventions of GB/T 9704 (党政机关公文格式) this package follows: fonts, type sizes, line spacing, page
size and margins, and the fallbacks for the GB2312-era fonts (Word's altName, LibreOffice's fontconfig).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx.shared import Mm, Pt

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
    "仿宋_GB2312": _FontInfo(
        "仿宋",
        "02010609030101010101",
        "modern",
        "fixed",
        ("FangSong", "仿宋", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    ),
    "方正小标宋简体": _FontInfo(
        "宋体",
        "02000000000000000000",
        "auto",
        "variable",
        ("SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
        "demibold",
    ),  # 小标宋 is a heavy Song: Noto Serif CJK SC SemiBold, or Bold
    "楷体_GB2312": _FontInfo(
        "楷体",
        "02010609030101010101",
        "modern",
        "fixed",
        ("KaiTi", "楷体", "AR PL UKai CN", "Noto Serif CJK SC", "Source Han Serif SC"),
    ),
    "黑体": _FontInfo(
        "SimHei",
        "02010609060101010101",
        "modern",
        "fixed",
        ("SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    ),
    "宋体": _FontInfo(
        "SimSun",
        "02010600030101010101",
        "auto",
        "variable",
        ("SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    ),
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
