"""Tables in an official document: 仿宋_GB2312 小四, bold centred header row repeated on every page, single
0.5 pt borders.

A mixin of shuzhi.core.officedoc.document.OfficialDocument, which holds the python-docx document in
``self._doc``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from shuzhi.core.officedoc.conventions import TABLE_FONT, TABLE_SIZE
from shuzhi.core.officedoc.oxml import _set_run_fonts
from shuzhi.core.officedoc.text import clean_text


class _Tables:
    """Methods of OfficialDocument: tables in an official document."""

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
        for cell, value in zip(header_row.cells, headers, strict=True):
            self._fill_cell(cell, value, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for values in rows:
            values = list(values)
            if len(values) > len(headers):
                raise ValueError(f"row has {len(values)} cells, the table has {len(headers)} columns")
            values += [""] * (len(headers) - len(values))
            row = table.add_row()
            self._row_properties(row, header=False)
            for cell, value in zip(row.cells, values, strict=True):
                self._fill_cell(cell, value, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        return table

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
        successors = [
            child
            for child in tbl_pr
            if child.tag
            in (
                qn("w:shd"),
                qn("w:tblLayout"),
                qn("w:tblCellMar"),
                qn("w:tblLook"),
                qn("w:tblCaption"),
                qn("w:tblDescription"),
            )
        ]
        if successors:
            successors[0].addprevious(borders)
        else:
            tbl_pr.append(borders)
