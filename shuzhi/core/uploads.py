"""The one way this project reads an uploaded .xlsx: every import (organisations and people, last year's
problems) opens its file here, so each refuses the same bad files with the same words.

``open_xlsx(file, limits)`` reads at most ``limits.max_bytes + 1`` bytes and refuses, by raising
XlsxUploadError with a message for the user:
  * an empty file, or one larger than max_bytes;
  * an old .xls or a password-protected workbook (an OLE compound file), with advice to save as .xlsx;
  * anything that is not a zip (a CSV or text renamed to .xlsx);
  * a zip whose parts would unpack to more than max_unpacked_bytes (a "zip bomb"), judged from the zip's
    directory before anything is unpacked;
  * a zip that openpyxl cannot open as a workbook.
It returns the workbook opened read-only with values, not formulas (data_only).

``sheet_rows(sheet, limits, budget)`` then yields the sheet's rows (values only, the first
max_columns columns, the stored sheet size ignored) and raises XlsxUploadError when the rows read,
empty ones included, pass max_scanned_rows: a file padded with a million empty rows is refused long
before it has been read. The budget may be shared by several sheets of one file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and encrypted workbooks


class XlsxUploadError(Exception):
    """The upload cannot be read as a workbook; message says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class XlsxLimits:
    """What one import accepts. max_data_rows is only named in messages; the importer counts data rows."""

    max_bytes: int
    max_data_rows: int
    max_scanned_rows: int
    max_columns: int = 30
    max_unpacked_bytes: int = 200 * 1024 * 1024


@dataclass
class RowBudget:
    """Rows read so far, across the sheets of one file."""

    scanned_rows: int = 0


def file_too_large_message(limits: XlsxLimits) -> str:
    return _("The file is larger than %(mb)d MB, the most that can be uploaded.") % {
        "mb": limits.max_bytes // (1024 * 1024)}


def unreadable_message() -> str:
    return _("The file cannot be read as an Excel workbook (.xlsx). It may be damaged or another kind of "
             "file renamed to .xlsx. Download the template and fill it in.")


def read_upload(file: IO[bytes], limits: XlsxLimits) -> bytes:
    """The upload's bytes, once they have passed the checks that need no unpacking (see module doc)."""
    data = file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise XlsxUploadError(file_too_large_message(limits))
    if not data:
        raise XlsxUploadError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise XlsxUploadError(_(
            "This is an old-style Excel file (.xls) or a password-protected workbook. Save it as an "
            "Excel workbook (.xlsx) without a password and upload it again."))
    if not data.startswith(ZIP_MAGIC):
        raise XlsxUploadError(_("This is not an Excel workbook (.xlsx). Download the template and fill it in."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise XlsxUploadError(unreadable_message()) from None
    if unpacked > limits.max_unpacked_bytes:
        raise XlsxUploadError(_("The workbook is too large when unpacked; at most %(max)d data rows can be "
                                "imported at a time.") % {"max": limits.max_data_rows})
    return data


def open_xlsx(file: IO[bytes], limits: XlsxLimits) -> Any:
    """The upload as a read-only openpyxl workbook (cell values, not formulas). The caller closes it."""
    from openpyxl import load_workbook

    data = read_upload(file, limits)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means "not a readable workbook"
        raise XlsxUploadError(unreadable_message()) from None


def sheet_rows(sheet: Any, limits: XlsxLimits, budget: RowBudget | None = None) -> Iterator[tuple[Any, ...]]:
    """The rows of `sheet` from the first, as tuples of values; the header row is not counted against
    max_scanned_rows, every row after it is (see module doc)."""
    budget = budget if budget is not None else RowBudget()
    sheet.reset_dimensions()  # the stored size may be wrong; read what is there
    rows = sheet.iter_rows(min_row=1, max_col=limits.max_columns, values_only=True)
    header = next(rows, None)
    if header is None:
        return
    yield header
    for values in rows:
        budget.scanned_rows += 1
        if budget.scanned_rows > limits.max_scanned_rows:
            raise XlsxUploadError(_(
                "The file has more than %(max)d rows, counting empty ones. Delete the empty rows below the "
                "data (at most %(data)d data rows can be imported at a time).") % {
                "max": limits.max_scanned_rows, "data": limits.max_data_rows})
        yield values


__all__ = ["OLE_MAGIC", "RowBudget", "XlsxLimits", "XlsxUploadError", "ZIP_MAGIC", "file_too_large_message",
           "open_xlsx", "read_upload", "sheet_rows", "unreadable_message"]
