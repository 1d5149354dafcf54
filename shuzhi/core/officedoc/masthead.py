"""The parts of a 文件 (a numbered official document) around its text, GB/T 9704-2012 §7.2, §7.3.2, §7.4:

* 版头 (masthead), before the title: the issuing organ's mark (发文机关标志, e.g. “中共周口职业技术学院委员会
  文件”) in red 方正小标宋简体, centred, its top 35 mm below the top of the text area; the document number
  (发文字号, e.g. “周职党〔2027〕3号”) in 仿宋_GB2312 三号, centred, two lines below the mark; a red
  separator line as wide as the text area 4 mm below the number; the title two lines below the line.
* 主送机关 (principal recipients), one blank line below the title, flush left (also when it wraps), ending
  with a full-width colon.
* 版记 (imprint), at the foot of the last page: 抄送 (copies to) and 印发机关/印发日期 (printed by, printed on)
  in 仿宋_GB2312 四号, one character in from each side, between separator lines as wide as the text area —
  the first and the last 0.35 mm, the one between 0.25 mm; the last line lies on the bottom edge of the
  text area (a text box anchored there, see ``imprint``), and the text flows above it.

A mixin of shuzhi.core.officedoc.document.OfficialDocument, which holds the python-docx document in
``self._doc``.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from shuzhi.core.officedoc.conventions import (
    BODY_FONT,
    BODY_SIZE,
    LINE_SPACING,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_WIDTH,
    TITLE_FONT,
)
from shuzhi.core.officedoc.oxml import _set_run_fonts
from shuzhi.core.officedoc.text import _text_width_em, clean_text, split_paragraphs

RED = RGBColor(0xFF, 0x00, 0x00)
TEXT_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)  # 156 mm
MARK_SIZE = Pt(36)  # 小初: legible from across a desk; squeezed sideways when the mark is long
MARK_TOP = Mm(35)  # from the top of the text area to the top of the mark
IMPRINT_SIZE = Pt(14)  # 四号
IMPRINT_LINE = Pt(IMPRINT_SIZE.pt * 1.6)
CELL_MARGIN = Pt(5.4)  # Word's default left and right cell margin (0.19 cm = 108 twips)
THICK, THIN = 8, 6  # border widths in eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.26 mm


@dataclass(frozen=True)
class Masthead:
    """The 版头: the issuing organ's mark (its name with “文件”, or a name the caller chose) and the
    document number."""

    mark: str
    number: str


def _border(paragraph, side: str, size: int, color: str = "000000", space_pt: int = 0) -> None:
    """A single line of ``size`` eighths of a point on ``side`` of the paragraph (w:pBdr)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # CT_PPrBase order: keepNext, keepLines, pageBreakBefore, framePr, widowControl, numPr,
        # suppressLineNumbers, pBdr, shd, tabs, ... — after any of the first seven, before the rest.
        before = {qn(f"w:{t}") for t in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr")}
        before |= {qn(f"w:{t}") for t in ("widowControl", "numPr", "suppressLineNumbers")}
        followers = [child for child in p_pr if child.tag not in before]
        if followers:
            followers[0].addprevious(borders)
        else:
            p_pr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), str(space_pt))
    line.set(qn("w:color"), color)
    # w:top, w:left, w:bottom, w:right, w:between, w:bar — in this order.
    order = ["top", "left", "bottom", "right", "between", "bar"]
    later = [child for child in borders if order.index(child.tag.split("}")[1]) > order.index(side)]
    if later:
        later[0].addprevious(line)
    else:
        borders.append(line)


def _rule_table(table) -> None:
    """Give ``table`` the 版记's rules only: the first and last thick, those between rows thin, no vertical
    lines; as wide as the text area."""
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:w"), str(int(TEXT_WIDTH.twips)))
    width.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", THICK), ("left", 0), ("bottom", THICK), ("right", 0), ("insideH", THIN), ("insideV", 0)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single" if size else "nil")
        if size:
            element.set(qn("w:sz"), str(size))
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    later = {qn("w:shd"), qn("w:tblLayout"), qn("w:tblCellMar"), qn("w:tblLook")}
    follower = next((child for child in tbl_pr if child.tag in later), None)
    if follower is not None:
        follower.addprevious(borders)
    else:
        tbl_pr.append(borders)
    table.autofit = False
    for cell in table.columns[0].cells:
        cell.width = TEXT_WIDTH


_ANCHOR = """<w:r %(ns)s><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" behindDoc="0"
 locked="0" layoutInCell="1" allowOverlap="0">
<wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>
<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>
<wp:extent cx="%(cx)d" cy="%(cy)d"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>
<wp:docPr id="%(id)d" name="版记"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>
<wps:cNvSpPr txBox="1"/>
<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%(cx)d" cy="%(cy)d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
<a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>
<wps:txbx><w:txbxContent/></wps:txbx>
<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="b" anchorCtr="0"><a:noAutofit/></wps:bodyPr>
</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice></mc:AlternateContent></w:r>"""
_NAMESPACES = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in (
        ("w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
        ("mc", "http://schemas.openxmlformats.org/markup-compatibility/2006"),
        ("wp", "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
        ("a", "http://schemas.openxmlformats.org/drawingml/2006/main"),
        ("wps", "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"),
    )
)


def _lines_needed(text: str, width_em: float) -> int:
    """How many lines ``text`` takes in a column ``width_em`` characters wide (CJK full, Latin half)."""
    return max(1, math.ceil(_text_width_em(text) / width_em))


class _Masthead:
    """Methods of OfficialDocument: the 版头 before the title, 主送机关 after it, the 版记 at the end."""

    def _masthead(self, masthead: Masthead) -> None:
        mark = " ".join(split_paragraphs(masthead.mark))
        paragraph = self._doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before = MARK_TOP
        fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(MARK_SIZE.pt * 1.25)
        fmt.keep_with_next = True
        run = paragraph.add_run(mark)
        _set_run_fonts(run, TITLE_FONT, MARK_SIZE, latin=TITLE_FONT)
        run.font.color.rgb = RED
        width = _text_width_em(mark) * MARK_SIZE
        if width > TEXT_WIDTH:  # squeeze the characters sideways (w:w, per cent) to keep one line
            scale = OxmlElement("w:w")
            scale.set(qn("w:val"), str(max(33, int(100 * TEXT_WIDTH / width))))
            run._r.get_or_add_rPr().append(scale)
        number = self._doc.add_paragraph()
        fmt = number.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before = Pt(LINE_SPACING.pt * 2)  # 发文机关标志下空二行
        fmt.space_after = Pt(LINE_SPACING.pt * 2)  # 分隔线下空二行 (the title follows)
        fmt.line_spacing = LINE_SPACING
        fmt.keep_with_next = True
        text = " ".join(split_paragraphs(masthead.number))
        if text:
            _set_run_fonts(number.add_run(text), BODY_FONT, BODY_SIZE)
        # The red separator 4 mm below the number, as wide as the text area (a paragraph border spans
        # the paragraph, which spans the text area).
        _border(number, "bottom", 12, "FF0000", space_pt=round(Mm(4).pt))

    def recipients(self, text: str):
        """主送机关: below the title, flush left, ending with a full-width colon."""
        names = "".join(split_paragraphs(text)).rstrip("：:")
        if not names:
            return None
        return self._block(f"{names}：", BODY_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)

    def imprint(self, *, printed_by: str, printed_on: datetime.date, copies_to: str = "") -> None:
        """版记 at the foot of the last page: 抄送 (if any), then 印发机关 left and 印发日期 right (“2027年1月20日
        印发”), between rules. Call it last.

        It is a text box as wide as the text area, anchored to the text area's bottom edge (the body text
        flows above it), holding a one-column table whose borders are the rules. Word, WPS and
        LibreOffice all place such a box there. (A frame of paragraphs, w:framePr, or a floating table,
        w:tblpPr, would do in Word, but LibreOffice 7 lays both out inline, or drops the frame when its
        paragraphs carry borders.)"""
        copies = "、".join(split_paragraphs(copies_to)).strip("。；; ")
        rows = ([f"抄送：{copies}。"] if copies else []) + [None]
        table = self._doc.add_table(rows=len(rows), cols=1)
        _rule_table(table)
        lines = 0
        for row, text in zip(table.rows, rows, strict=True):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            paragraph = row.cells[0].paragraphs[0]
            fmt = paragraph.paragraph_format
            fmt.line_spacing = IMPRINT_LINE
            fmt.space_before = Pt(0)
            fmt.space_after = Pt(0)
            fmt.left_indent = IMPRINT_SIZE  # 左右各空一字
            fmt.right_indent = IMPRINT_SIZE
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if text is not None:
                # 回行时与冒号后的首字对齐: a hanging indent of the three characters “抄送：”.
                fmt.left_indent = Pt(IMPRINT_SIZE.pt * 4)
                fmt.first_line_indent = -Pt(IMPRINT_SIZE.pt * 3)
                _set_run_fonts(paragraph.add_run(clean_text(text)), BODY_FONT, IMPRINT_SIZE)
                lines += _lines_needed(text[3:], (TEXT_WIDTH - CELL_MARGIN * 2) / IMPRINT_SIZE - 5)
            else:
                # 印发机关 at the left, the date at the right: a right-aligned tab stop one character
                # from the cell's right edge.
                fmt.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - IMPRINT_SIZE - CELL_MARGIN * 2), WD_TAB_ALIGNMENT.RIGHT)
                date = f"{printed_on.year}年{printed_on.month}月{printed_on.day}日印发"
                organ = " ".join(split_paragraphs(printed_by))
                _set_run_fonts(paragraph.add_run(f"{organ}\t{date}"), BODY_FONT, IMPRINT_SIZE)
                lines += 1
        # Into a text box in the document's last paragraph (a text box's content ends with a paragraph).
        height = int(Pt(IMPRINT_LINE.pt * lines + 4))
        shape_id = len(self._doc.element.body.findall(".//" + qn("wp:docPr"))) + 1
        run = parse_xml(_ANCHOR % {"ns": _NAMESPACES, "cx": int(TEXT_WIDTH), "cy": height, "id": shape_id})
        content = run.find(".//" + qn("w:txbxContent"))
        content.append(table._tbl)  # moved out of the body
        content.append(OxmlElement("w:p"))
        holder = self._doc.add_paragraph()
        holder.paragraph_format.line_spacing = Pt(1)
        holder.paragraph_format.space_before = Pt(0)
        holder.paragraph_format.space_after = Pt(0)
        holder._p.append(run)
