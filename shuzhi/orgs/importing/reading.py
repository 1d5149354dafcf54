"""Step 1: reading the .xlsx into rows of cell values (openpyxl read-only, row by row), refusing files
that are not a readable import file. No database access.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from shuzhi.core import uploads
from shuzhi.orgs.importing.fileformat import (
    HEADERS,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    MAX_SCANNED_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    SHEET_ORGS,
    SHEET_PEOPLE,
    SHEET_POSITIONS,
    SHEETS,
)
from shuzhi.orgs.importing.results import ImportFileError, ImportProblem


@dataclass(frozen=True)
class RawRow:
    """The cells of one data row, by header, as openpyxl read them; row is the Excel row number."""

    row: int
    cells: Mapping[str, Any]

    def text(self, column: str) -> str:
        return cell_text(self.cells.get(column))


@dataclass
class ParsedWorkbook:
    """The non-empty data rows of the three sheets, in file order."""

    orgs: list[RawRow] = field(default_factory=list)
    people: list[RawRow] = field(default_factory=list)
    positions: list[RawRow] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.orgs) + len(self.people) + len(self.positions)


def cell_text(value: Any) -> str:
    """A cell's value as trimmed text: whole numbers without ".0", dates as YYYY-MM-DD, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(max)d data rows; at most %(max)d rows can be imported at a time. "
            "Split it into several files."
        )
        % {"max": MAX_DATA_ROWS}
    )


def _limits() -> uploads.XlsxLimits:
    return uploads.XlsxLimits(
        max_bytes=MAX_UPLOAD_BYTES,
        max_data_rows=MAX_DATA_ROWS,
        max_scanned_rows=MAX_SCANNED_ROWS,
        max_columns=MAX_COLUMNS,
        max_unpacked_bytes=MAX_UNPACKED_BYTES,
    )


def _unreadable_message() -> str:
    return uploads.unreadable_message()


def file_too_large_message() -> str:
    return uploads.file_too_large_message(_limits())


def parse_workbook(file: IO[bytes]) -> ParsedWorkbook:
    """Read the three data sheets of an import workbook.

    Contract: reads at most MAX_UPLOAD_BYTES + 1 bytes of `file`; returns every row below the header
    that has at least one non-empty cell, keyed by header; raises ImportFileError (with per-sheet
    problems for missing sheets and headers) when the file is not a readable .xlsx, is empty or too
    large, lacks a sheet or header, has no data rows, or has more than MAX_DATA_ROWS data rows (found
    while reading: it stops at the first row over the limit). Headers may be in any order; columns
    with other headers are ignored."""
    try:
        workbook = uploads.open_xlsx(file, _limits())
    except uploads.XlsxUploadError as error:
        raise ImportFileError(error.message) from None
    try:
        problems = [
            ImportProblem(
                sheet,
                None,
                "",
                _("The workbook has no sheet named 「%(sheet)s」. Use the import template.") % {"sheet": sheet},
            )
            for sheet in SHEETS
            if sheet not in workbook.sheetnames
        ]
        if problems:
            raise ImportFileError(_("The workbook does not have the sheets of the import template."), problems)
        parsed = ParsedWorkbook()
        targets = {SHEET_ORGS: parsed.orgs, SHEET_PEOPLE: parsed.people, SHEET_POSITIONS: parsed.positions}
        budget = _RowBudget()
        for sheet in SHEETS:
            targets[sheet].extend(_read_sheet(workbook[sheet], sheet, budget, problems))
        if problems:
            raise ImportFileError(_("The header row does not match the import template."), problems)
    except uploads.XlsxUploadError as error:
        raise ImportFileError(error.message) from None
    except (ImportFileError, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip
        raise ImportFileError(_unreadable_message()) from None
    finally:
        workbook.close()
    if parsed.row_count == 0:
        raise ImportFileError(
            _("The file has no data rows, so there is nothing to import. Fill in the sheets below their header rows.")
        )
    return parsed


@dataclass
class _RowBudget(uploads.RowBudget):
    data_rows: int = 0


def _read_sheet(sheet: Any, name: str, budget: _RowBudget, problems: list[ImportProblem]) -> Iterator[RawRow]:
    rows = uploads.sheet_rows(sheet, _limits(), budget)
    header_cells = next(rows, ())
    positions: dict[str, int] = {}
    for index, value in enumerate(header_cells):
        header = cell_text(value)
        if header in HEADERS[name] and header not in positions:
            positions[header] = index
    missing = [h for h in HEADERS[name] if h not in positions]
    for header in missing:
        problems.append(
            ImportProblem(
                name,
                1,
                header,
                _("The header row has no column 「%(column)s」. Use the headers of the import template.")
                % {"column": header},
            )
        )
    if missing:
        return
    for number, values in enumerate(rows, start=2):
        cells = {h: (values[i] if i < len(values) else None) for h, i in positions.items()}
        if all(cell_text(v) == "" for v in cells.values()):
            continue
        budget.data_rows += 1
        if budget.data_rows > MAX_DATA_ROWS:
            raise _too_many_rows()
        yield RawRow(number, cells)
