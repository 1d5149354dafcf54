"""The builder: OfficialDocument, an official document (GB/T 9704 layout) written in reading order.

Its methods live by concern in sibling modules, as mixins: ``paragraphs`` (title block, headings, body,
signature), ``tables``, and ``page`` (page set-up, styles, fonts, page numbers, core properties).
"""

from __future__ import annotations

import datetime
import io

from docx import Document

from shuzhi.core.officedoc.masthead import Masthead, _Masthead
from shuzhi.core.officedoc.page import _PageSetup
from shuzhi.core.officedoc.paragraphs import _Paragraphs
from shuzhi.core.officedoc.tables import _Tables


class OfficialDocument(_Masthead, _Paragraphs, _Tables, _PageSetup):
    """Builder for one GB/T 9704-style document; call the methods in reading order, then ``to_bytes()``.

    ``title`` may contain newlines to break a long title into lines (梯形/菱形 arrangement).
    ``created`` defaults to now; it fills the core properties together with title and author.
    With ``masthead`` the document is a 文件: the 版头 (red mark, number, red line) comes before the title;
    then call ``recipients()`` first and ``imprint()`` last (shuzhi.core.officedoc.masthead).
    """

    def __init__(
        self,
        title: str,
        *,
        subtitle: str | None = None,
        author: str = "",
        subject: str = "",
        created: datetime.datetime | datetime.date | None = None,
        masthead: Masthead | None = None,
    ):
        self._doc = Document()
        self._setup_package()
        self._setup_styles()
        self._setup_page()
        self._setup_core_properties(title, author, subject, created)
        if masthead is not None:
            self._masthead(masthead)
        self._title(title, subtitle)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()

    @property
    def document(self):
        """The underlying python-docx ``Document`` (for additions this class does not cover)."""
        return self._doc
