"""Excel import of last year's problems (上年度通报问题、查摆问题、整改承诺) — all or nothing — and its template.

1. ``read_rows(file)`` opens the upload through shuzhi.core.uploads (size, .xls, zip signature,
   zip-bomb, padded-file and "really a workbook" checks, the organisation import's messages) within
   MAX_UPLOAD_BYTES, MAX_SCANNED_ROWS and MAX_DATA_ROWS, finds the sheet whose first row has the three
   headers, and returns its non-empty rows with their Excel row numbers. Raises PriorImportFileError.
2. ``check_rows(rows, organizations)`` turns each row into (organisation, kind, text) or a problem
   (row number + column + reason). Pure.
3. ``import_problems(actor, file, ...)`` writes every new row in one transaction, and only when there
   is no problem at all, with the checks, rows and audit records of services.add_prior_problem but in
   bulk. Rows already on record (or repeated in the file) change nothing.

Headers and kind labels are the file format, so they are Chinese literals; messages are translatable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from shuzhi.audit.services import record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.core import spreadsheets, uploads
from shuzhi.cycles.models import PriorProblem, PriorProblemKind
from shuzhi.orgs.models import Organization

COL_ORG = "组织名称"
COL_KIND = "类型"
COL_TEXT = "问题"
HEADERS = (COL_ORG, COL_KIND, COL_TEXT)
KIND_BY_LABEL: dict[str, str] = {
    "通报问题": PriorProblemKind.NOTIFIED,
    "查摆问题": PriorProblemKind.SELF_FOUND,
    "整改承诺": PriorProblemKind.COMMITMENT,
}
LABEL_BY_KIND = {v: k for k, v in KIND_BY_LABEL.items()}
SHEET_DATA = "上年度问题"
SHEET_HELP = "填写说明"
SHEET_ORGS = "组织名称"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_DATA_ROWS = 2000
MAX_SCANNED_ROWS = 20_000
MAX_COLUMNS = 20
# The workbook's parts unpacked: a guard against "zip bombs" (2,000 rows of 2,000 characters are ~20 MB).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_TEXT = 2000
PRIOR_PROBLEM_FIELDS = ["year", "kind", "text"]  # the fields services.add_prior_problem records


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    column: str
    message: str


class PriorImportFileError(uploads.XlsxUploadError):
    """The upload cannot be imported as a whole (not a workbook, no data rows…); message says why."""


@dataclass(frozen=True)
class ParsedRow:
    row: int
    organization: Organization
    kind: str
    text: str


@dataclass
class ImportOutcome:
    file_error: str | None = None
    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.problems


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _limits() -> uploads.XlsxLimits:
    return uploads.XlsxLimits(
        max_bytes=MAX_UPLOAD_BYTES,
        max_data_rows=MAX_DATA_ROWS,
        max_scanned_rows=MAX_SCANNED_ROWS,
        max_columns=MAX_COLUMNS,
        max_unpacked_bytes=MAX_UNPACKED_BYTES,
    )


def file_too_large_message() -> str:
    return uploads.file_too_large_message(_limits())


def read_rows(file: IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    """[(excel row number, {header: text})] for every non-empty row below the header, from the first
    sheet whose first row has the three headers. The file is read by shuzhi.core.uploads, with the
    same checks and messages as the organisation import."""
    try:
        workbook = uploads.open_xlsx(file, _limits())
    except uploads.XlsxUploadError as error:
        raise PriorImportFileError(error.message) from None
    try:
        for sheet in workbook.worksheets:
            rows = uploads.sheet_rows(sheet, _limits())
            header = [_text(v) for v in next(rows, ())]
            if not all(h in header for h in HEADERS):
                continue
            positions = {h: header.index(h) for h in HEADERS}
            result: list[tuple[int, dict[str, str]]] = []
            for number, values in enumerate(rows, start=2):
                cells = {h: _text(values[i]) if i < len(values) else "" for h, i in positions.items()}
                if not any(cells.values()):
                    continue
                result.append((number, cells))
                if len(result) > MAX_DATA_ROWS:
                    raise _too_many_rows()
            if not result:
                raise PriorImportFileError(_("The file has no data rows, so there is nothing to import."))
            return result
    except uploads.XlsxUploadError as error:
        raise PriorImportFileError(error.message) from None
    except PriorImportFileError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip
        raise PriorImportFileError(uploads.unreadable_message()) from None
    finally:
        workbook.close()
    raise PriorImportFileError(
        _("No sheet has the header row 「%(headers)s」. Use the import template.") % {"headers": "、".join(HEADERS)}
    )


def _too_many_rows() -> PriorImportFileError:
    return PriorImportFileError(
        _("The file has more than %(max)d data rows; split it into several files.") % {"max": MAX_DATA_ROWS}
    )


def check_rows(
    rows: Iterable[tuple[int, Mapping[str, str]]], organizations: Mapping[str, Organization]
) -> tuple[list[ParsedRow], list[RowProblem]]:
    """Each row as a ParsedRow, or the problems found in it. organizations: the ones that may be named,
    by name."""
    parsed: list[ParsedRow] = []
    problems: list[RowProblem] = []
    for number, cells in rows:
        found: list[RowProblem] = []
        name = " ".join(cells.get(COL_ORG, "").split())
        org = organizations.get(name)
        if not name:
            found.append(RowProblem(number, COL_ORG, _("Enter the organisation's name.")))
        elif org is None:
            found.append(
                RowProblem(
                    number,
                    COL_ORG,
                    _(
                        "No organisation named 「%(name)s」 can be given problems; "
                        "check the name against the organisation tree."
                    )
                    % {"name": name},
                )
            )
        label = cells.get(COL_KIND, "")
        kind = KIND_BY_LABEL.get(label)
        if kind is None:
            choices = "、".join(KIND_BY_LABEL)
            message = (
                _("「%(value)s」 is not a kind; enter one of: %(choices)s.") % {"value": label, "choices": choices}
                if label
                else _("Enter the kind, one of: %(choices)s.") % {"choices": choices}
            )
            found.append(RowProblem(number, COL_KIND, message))
        text = cells.get(COL_TEXT, "").strip()
        if not text:
            found.append(RowProblem(number, COL_TEXT, _("Enter the problem.")))
        elif len(text) > MAX_TEXT:
            found.append(
                RowProblem(
                    number,
                    COL_TEXT,
                    _("At most %(n)d characters; this has %(len)d.") % {"n": MAX_TEXT, "len": len(text)},
                )
            )
        if found:
            problems.extend(found)
        else:
            parsed.append(ParsedRow(number, org, kind, text))  # type: ignore[arg-type]
    return parsed, problems


def import_problems(
    actor, file: IO[bytes], *, year: int, organizations: Mapping[str, Organization], ip: str | None = None
) -> ImportOutcome:
    """Import the file's problems for `year` (the year of the review they came out of)."""
    try:
        rows = read_rows(file)
    except PriorImportFileError as error:
        return ImportOutcome(file_error=error.message)
    parsed, problems = check_rows(rows, organizations)
    if problems:
        return ImportOutcome(problems=problems)
    outcome = ImportOutcome()
    with transaction.atomic():
        # a withdrawn problem is not on record: importing it again enters it again, as adding it does
        existing = set(PriorProblem.objects.active().filter(year=year).values_list("organization_id", "kind", "text"))
        new: list[PriorProblem] = []
        for row in parsed:
            key = (row.organization.pk, row.kind, row.text)
            if key in existing:
                outcome.unchanged += 1
                continue
            existing.add(key)
            new.append(
                PriorProblem(
                    organization=row.organization,
                    year=year,
                    kind=row.kind,
                    text=row.text,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            )
        # What services.add_prior_problem does row by row (same checks above, same rows and audit
        # records here), in bulk: 2,000 rows one by one take many seconds.
        for problem in PriorProblem.objects.bulk_create(new, batch_size=500):
            record(
                actor,
                Verb.PRIOR_PROBLEM_IMPORTED,
                problem,
                after=snapshot(problem, PRIOR_PROBLEM_FIELDS),
                organization_id=problem.organization_id,
                ip=ip,
            )
        outcome.created = len(new)
    return outcome


def build_template(organization_names: Iterable[str]) -> bytes:
    """The blank import template: the data sheet with its headers and a kind drop-down, the rules,
    and the organisation names that may be used."""
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = spreadsheets.new_workbook()
    ws = spreadsheets.add_sheet(wb, SHEET_DATA)
    spreadsheets.header_row(ws, 1, list(zip(HEADERS, (28, 12, 80), strict=True)), height=None)
    ws.freeze_panes = "A2"
    spreadsheets.print_setup(ws, header_row=1)
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(KIND_BY_LABEL) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="类型",
        error="请选择：" + "、".join(KIND_BY_LABEL),
    )
    ws.add_data_validation(choices)
    choices.add(f"B2:B{MAX_DATA_ROWS + 1}")

    help_sheet = spreadsheets.add_sheet(wb, SHEET_HELP)
    lines = [
        "填写说明",
        "1. 在「上年度问题」工作表第一行表头下逐行填写，每行一个问题。",
        "2. 组织名称：与组织架构中的名称完全一致，可参见「组织名称」工作表。",
        "3. 类型：通报问题（上年度述职评议后通报的问题）、查摆问题（书记本人查摆的问题）、整改承诺。",
        f"4. 问题：不超过 {MAX_TEXT} 字。",
        f"5. 每次最多 {MAX_DATA_ROWS} 行、文件不超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB；"
        "有任何一行不符合要求时，整份文件都不会导入，请按提示修改后重新上传。",
        "6. 已导入过的相同问题不会重复导入。",
    ]
    for number, line in enumerate(lines, start=1):
        cell = spreadsheets.put(help_sheet.cell(row=number, column=1), line)
        cell.alignment = Alignment(wrap_text=True)
        cell.font = spreadsheets.font(bold=number == 1)
    help_sheet.column_dimensions["A"].width = 100
    spreadsheets.print_setup(help_sheet, header_row=None, landscape=False)

    orgs_sheet = spreadsheets.add_sheet(wb, SHEET_ORGS)
    spreadsheets.header_row(orgs_sheet, 1, [(COL_ORG, 40)], height=None)
    for number, name in enumerate(organization_names, start=2):
        spreadsheets.put(orgs_sheet.cell(row=number, column=1), name).font = spreadsheets.font()
    orgs_sheet.freeze_panes = "A2"
    spreadsheets.print_setup(orgs_sheet, header_row=1, landscape=False)
    return spreadsheets.to_bytes(wb)
