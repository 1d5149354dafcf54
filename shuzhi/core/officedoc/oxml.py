"""Low-level WordprocessingML helpers python-docx lacks: run fonts, first-line indent in characters,
outline levels, auto-spacing, fields.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from shuzhi.core.officedoc.conventions import LATIN_FONT


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
    successors = [
        child
        for child in p_pr
        if child.tag in (qn("w:divId"), qn("w:cnfStyle"), qn("w:rPr"), qn("w:sectPr"), qn("w:pPrChange"))
    ]
    if successors:
        successors[0].addprevious(element)
    else:
        p_pr.append(element)


def _no_auto_space(paragraph) -> None:
    """Switch off the automatic space between Chinese and Latin/digits (w:autoSpaceDE/DN)."""
    p_pr = paragraph._p.get_or_add_pPr()
    # CT_PPrBase order: ... wordWrap, overflowPunct, topLinePunct, autoSpaceDE, autoSpaceDN, bidi, adjustRightInd,
    # snapToGrid, spacing, ind, ... — i.e. before w:spacing, w:ind and w:jc.
    anchor = next(
        (
            child
            for child in p_pr
            if child.tag
            in (
                qn("w:bidi"),
                qn("w:adjustRightInd"),
                qn("w:snapToGrid"),
                qn("w:spacing"),
                qn("w:ind"),
                qn("w:contextualSpacing"),
                qn("w:mirrorIndents"),
                qn("w:suppressOverlap"),
                qn("w:jc"),
                qn("w:textDirection"),
                qn("w:textAlignment"),
                qn("w:textboxTightWrap"),
                qn("w:outlineLvl"),
                qn("w:divId"),
                qn("w:cnfStyle"),
                qn("w:rPr"),
                qn("w:sectPr"),
                qn("w:pPrChange"),
            )
        ),
        None,
    )
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
