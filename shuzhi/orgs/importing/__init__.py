"""Excel import of organisations, people and positions — all or nothing — and its template.

Three steps, each with one job, each in its own module:

1. ``reading.parse_workbook(file) -> ParsedWorkbook`` reads the .xlsx (openpyxl read-only, row by row)
   and returns the cell values of every non-empty data row with its row number. It refuses, by raising
   ImportFileError, anything that is not a readable .xlsx, is empty or larger than MAX_UPLOAD_BYTES,
   lacks a sheet or a header, has no data rows, or has more than MAX_DATA_ROWS data rows.
   No database access.
2. ``planning.plan_import(parsed, existing) -> ImportPlan`` checks every row against the rules — the
   tree rules of shuzhi.orgs.rules and the services' own field checks — in an in-memory model of the
   tree built from the database (``existing.load_existing()``, one query per table) overlaid with the
   file, and lists every problem as sheet + row + column + reason, and every change to make. Unchanged
   rows produce no change. ``validate(parsed, existing)`` is its list of problems. Pure: no database
   access. The checks of single cells (dates, order numbers, choice labels) are in ``cells``.
3. ``applying.apply(actor, parsed, ...) -> ImportSummary`` does, in one transaction: load, plan, and —
   only when there is no problem at all — make the changes through shuzhi.orgs.services, so the tree
   rules and audit records are the ones of the pages (``writing._ServiceWriter``). Large imports (more
   than applying.BULK_THRESHOLD changes) write the simple creations and updates in bulk instead
   (``writing._BulkWriter``), recording one AuditEvent per object with the same fields the services
   record; the plan has already proved every rule for them. Anything that changed adds one "import"
   audit event with the file name and the counts. Importing the same file again therefore changes
   nothing and records nothing.

``applying.run_import()`` ties the three together for the view; ``template.build_template()`` makes the
blank template. The sheet and column names and the limits are in ``fileformat``; the problems, refusals
and counts an import reports in ``results``.

Sheet names, header names and choice labels are the file format, which is Chinese; they are plain
literals here. Everything shown to users is translatable text with an English msgid.
"""

from shuzhi.orgs.importing.applying import apply, run_import
from shuzhi.orgs.importing.existing import Existing, load_existing
from shuzhi.orgs.importing.fileformat import (
    COL_END,
    COL_GENDER,
    COL_NAME,
    COL_ORG_KIND,
    COL_ORG_NAME,
    COL_ORG_PARENT,
    COL_ORG_SORT,
    COL_PARTY,
    COL_PHONE,
    COL_ROLE,
    COL_STAFF_NO,
    COL_START,
    HEADERS,
    MAX_DATA_ROWS,
    MAX_UPLOAD_BYTES,
    SHEET_HELP,
    SHEET_ORGS,
    SHEET_PEOPLE,
    SHEET_POSITIONS,
    SHEETS,
    XLSX_CONTENT_TYPE,
)
from shuzhi.orgs.importing.planning import ImportPlan, plan_import, validate
from shuzhi.orgs.importing.reading import ParsedWorkbook, RawRow, file_too_large_message, parse_workbook
from shuzhi.orgs.importing.results import ImportFileError, ImportProblem, ImportRejected, ImportResult, ImportSummary
from shuzhi.orgs.importing.template import TEMPLATE_FILE_NAME, build_template

__all__ = [
    "COL_END",
    "COL_GENDER",
    "COL_NAME",
    "COL_ORG_KIND",
    "COL_ORG_NAME",
    "COL_ORG_PARENT",
    "COL_ORG_SORT",
    "COL_PARTY",
    "COL_PHONE",
    "COL_ROLE",
    "COL_STAFF_NO",
    "COL_START",
    "Existing",
    "HEADERS",
    "ImportFileError",
    "ImportPlan",
    "ImportProblem",
    "ImportRejected",
    "ImportResult",
    "ImportSummary",
    "MAX_DATA_ROWS",
    "MAX_UPLOAD_BYTES",
    "ParsedWorkbook",
    "RawRow",
    "SHEET_HELP",
    "SHEET_ORGS",
    "SHEET_PEOPLE",
    "SHEET_POSITIONS",
    "SHEETS",
    "TEMPLATE_FILE_NAME",
    "XLSX_CONTENT_TYPE",
    "apply",
    "build_template",
    "file_too_large_message",
    "load_existing",
    "parse_workbook",
    "plan_import",
    "run_import",
    "validate",
]
