"""Excel import of organisations, people and positions — all or nothing — and its template.

Three steps, each with one job:

1. ``parse_workbook(file) -> ParsedWorkbook`` reads the .xlsx (openpyxl read-only, row by row) and
   returns the cell values of every non-empty data row with its row number. It refuses, by raising
   ImportFileError, anything that is not a readable .xlsx, is empty or larger than MAX_UPLOAD_BYTES,
   lacks a sheet or a header, has no data rows, or has more than MAX_DATA_ROWS data rows.
   No database access.
2. ``plan_import(parsed, existing) -> ImportPlan`` checks every row against the rules — the tree rules
   of shuzhi.orgs.rules and the services' own field checks — in an in-memory model of the tree built
   from the database (``load_existing()``, one query per table) overlaid with the file, and lists every
   problem as sheet + row + column + reason, and every change to make. Unchanged rows produce no
   change. ``validate(parsed, existing)`` is its list of problems. Pure: no database access.
3. ``apply(actor, parsed, ...) -> ImportSummary`` does, in one transaction: load, plan, and — only when
   there is no problem at all — make the changes through shuzhi.orgs.services, so the tree rules and
   audit records are the ones of the pages. Large imports (more than BULK_THRESHOLD changes) write the
   simple creations and updates in bulk instead, recording one AuditEvent per object with the same
   fields the services record; the plan has already proved every rule for them. Anything that changed
   adds one "import" audit event with the file name and the counts. Importing the same file again
   therefore changes nothing and records nothing.

``run_import()`` ties the three together for the view; ``build_template()`` makes the blank template.

Sheet names, header names and choice labels are the file format, which is Chinese; they are plain
literals here. Everything shown to users is translatable text with an English msgid.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit import chain as audit_chain
from shuzhi.audit import verbs
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.services import object_type_of, person_concerned, record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.core import inputs, spreadsheets, uploads
from shuzhi.orgs import rules, services
from shuzhi.orgs.models import Gender, Organization, OrgKind, Person, Position, PositionRole

# --- The file format ----------------------------------------------------------------------------

SHEET_ORGS = "组织"
SHEET_PEOPLE = "人员"
SHEET_POSITIONS = "职务"
SHEET_HELP = "填写说明"

COL_ORG_NAME = "组织名称"
COL_ORG_KIND = "组织类型"
COL_ORG_PARENT = "上级组织"
COL_ORG_SORT = "排序"
COL_NAME = "姓名"
COL_STAFF_NO = "工号"
COL_PHONE = "手机号"
COL_GENDER = "性别"
COL_PARTY = "是否党员"
COL_ROLE = "职务"
COL_START = "任职开始日期"
COL_END = "任职结束日期"

HEADERS: dict[str, tuple[str, ...]] = {
    SHEET_ORGS: (COL_ORG_NAME, COL_ORG_KIND, COL_ORG_PARENT, COL_ORG_SORT),
    SHEET_PEOPLE: (COL_NAME, COL_STAFF_NO, COL_PHONE, COL_GENDER, COL_PARTY),
    SHEET_POSITIONS: (COL_STAFF_NO, COL_ORG_NAME, COL_ROLE, COL_START, COL_END),
}
SHEETS: tuple[str, ...] = tuple(HEADERS)

KIND_BY_LABEL: dict[str, str] = {
    "党委": OrgKind.COMMITTEE,
    "党总支": OrgKind.GENERAL_BRANCH,
    "党支部": OrgKind.BRANCH,
    "直属党支部": OrgKind.DIRECT_BRANCH,
}
ROLE_BY_LABEL: dict[str, str] = {
    "书记": PositionRole.SECRETARY,
    "副书记": PositionRole.DEPUTY_SECRETARY,
    "委员": PositionRole.MEMBER,
    "组织员": PositionRole.ORGANIZER,
    "组织统战部工作人员": PositionRole.ORG_DEPT_STAFF,
}
GENDER_BY_LABEL: dict[str, str] = {"男": Gender.MALE, "女": Gender.FEMALE}
YES_NO: dict[str, bool] = {"是": True, "否": False}

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 20_000
# Rows read in all, empty ones included: a guard against files padded with millions of empty rows.
MAX_SCANNED_ROWS = 100_000
# The workbook's parts unpacked: a guard against compressed "zip bombs" (a full 20,000-row file is ~10 MB).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Headers are looked for in the first columns only; columns further right are ignored.
MAX_COLUMNS = 30
MAX_SORT_ORDER = inputs.MAX_SORT_ORDER  # the same limit as the pages and the API
# Above this many changes apply() writes creations and simple updates in bulk (see module docstring).
BULK_THRESHOLD = 300

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE


# --- Results ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportProblem:
    """One reason a file cannot be imported: where (sheet, Excel row number, column header) and why.

    row is None and column empty for problems that concern a whole sheet."""

    sheet: str
    row: int | None
    column: str
    message: str


class ImportFileError(Exception):
    """The file as a whole cannot be read as an import file. Nothing was written."""

    def __init__(self, message: str, problems: Sequence[ImportProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class ImportRejected(Exception):
    """At least one row has a problem, so nothing was written."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


@dataclass
class ImportSummary:
    """What an import did. Every count is a number of rows of the file (accounts: of new logins)."""

    file_name: str = ""
    orgs_created: int = 0
    orgs_updated: int = 0
    orgs_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    positions_created: int = 0
    positions_ended: int = 0
    positions_unchanged: int = 0
    accounts_created: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.orgs_created or self.orgs_updated or self.people_created or self.people_updated
                    or self.positions_created or self.positions_ended)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


@dataclass
class ImportResult:
    """The outcome of run_import(): exactly one of file_error, problems or summary is set."""

    file_error: str | None = None
    problems: list[ImportProblem] = field(default_factory=list)
    summary: ImportSummary | None = None

    @property
    def ok(self) -> bool:
        return self.summary is not None


# --- Step 1: reading the file -------------------------------------------------------------------

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
    return ImportFileError(_(
        "The file has more than %(max)d data rows; at most %(max)d rows can be imported at a time. "
        "Split it into several files.") % {"max": MAX_DATA_ROWS})


def _limits() -> uploads.XlsxLimits:
    return uploads.XlsxLimits(max_bytes=MAX_UPLOAD_BYTES, max_data_rows=MAX_DATA_ROWS,
                              max_scanned_rows=MAX_SCANNED_ROWS, max_columns=MAX_COLUMNS,
                              max_unpacked_bytes=MAX_UNPACKED_BYTES)


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
            ImportProblem(sheet, None, "", _("The workbook has no sheet named 「%(sheet)s」. Use the import template.")
                          % {"sheet": sheet})
            for sheet in SHEETS if sheet not in workbook.sheetnames
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
        raise ImportFileError(_("The file has no data rows, so there is nothing to import. Fill in the "
                                "sheets below their header rows."))
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
        problems.append(ImportProblem(name, 1, header, _(
            "The header row has no column 「%(column)s」. Use the headers of the import template.") % {"column": header}))
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


# --- The database state, as plain data ----------------------------------------------------------

PositionKey = tuple[str, str, str, datetime.date]  # (工号, 组织名称, role, start date)


@dataclass(frozen=True)
class OrgState:
    name: str
    kind: str | None  # None: the file's kind was not valid
    parent: str | None  # the parent's name
    is_active: bool = True
    sort_order: int = 0
    pk: int | None = None


@dataclass(frozen=True)
class PersonState:
    staff_no: str
    name: str
    phone: str = ""
    gender: str = ""
    is_party_member: bool = True
    is_active: bool = True
    pk: int | None = None


@dataclass(frozen=True)
class PositionState:
    staff_no: str
    org_name: str
    role: str
    start: datetime.date
    end: datetime.date | None
    holder: str = ""
    pk: int | None = None

    @property
    def key(self) -> PositionKey:
        return (self.staff_no, self.org_name, self.role, self.start)


@dataclass
class Existing:
    """What the database holds, loaded once; usernames: every login name in use."""

    orgs: dict[str, OrgState] = field(default_factory=dict)
    people: dict[str, PersonState] = field(default_factory=dict)
    positions: dict[PositionKey, PositionState] = field(default_factory=dict)
    usernames: set[str] = field(default_factory=set)


def load_existing(*, lock: bool = False) -> Existing:
    """The current organisations, people, positions and account names: four queries.

    lock=True (inside a transaction) locks every organisation row, so nothing in the tree or its
    positions changes between this read and the import's writes."""
    orgs = Organization.objects.all()
    if lock:
        orgs = orgs.select_for_update()
    rows = list(orgs.values_list("pk", "name", "kind", "parent_id", "is_active", "sort_order"))
    name_of = {pk: name for pk, name, *_rest in rows}
    existing = Existing()
    for pk, name, kind, parent_id, is_active, sort_order in rows:
        existing.orgs[name] = OrgState(name, kind, name_of.get(parent_id), is_active, sort_order, pk)
    for pk, staff_no, name, phone, gender, party, active in Person.objects.values_list(
            "pk", "staff_no", "name", "phone", "gender", "is_party_member", "is_active"):
        existing.people[staff_no] = PersonState(staff_no, name, phone, gender, party, active, pk)
    for values in Position.objects.values_list(
            "pk", "person__staff_no", "organization__name", "role", "start_date", "end_date", "person__name"):
        pk, staff_no, org_name, role, start, end, holder = values
        state = PositionState(staff_no, org_name, role, start, end, holder, pk)
        existing.positions.setdefault(state.key, state)
    existing.usernames = set(get_user_model().objects.values_list("username", flat=True))
    return existing


# --- Step 2: checking and planning --------------------------------------------------------------

@dataclass(frozen=True)
class OrgChange:
    """Create (existing is None) or change an organisation to the state given. depth: 0 for the root."""

    row: int
    name: str
    kind: str
    parent: str | None
    sort_order: int
    depth: int
    existing: OrgState | None = None


@dataclass(frozen=True)
class PersonChange:
    row: int
    staff_no: str
    name: str
    phone: str
    gender: str
    is_party_member: bool
    existing: PersonState | None = None


@dataclass(frozen=True)
class PositionChange:
    """Appoint (existing is None) or end the existing term on `end`."""

    row: int
    staff_no: str
    org_name: str
    role: str
    start: datetime.date
    end: datetime.date | None
    existing: PositionState | None = None


@dataclass
class ImportPlan:
    problems: list[ImportProblem] = field(default_factory=list)
    orgs: list[OrgChange] = field(default_factory=list)  # parents before children
    people: list[PersonChange] = field(default_factory=list)
    positions_to_end: list[PositionChange] = field(default_factory=list)
    positions_to_create: list[PositionChange] = field(default_factory=list)
    orgs_unchanged: int = 0
    people_unchanged: int = 0
    positions_unchanged: int = 0

    @property
    def change_count(self) -> int:
        return len(self.orgs) + len(self.people) + len(self.positions_to_end) + len(self.positions_to_create)


class _Problems:
    """Collects problems for one sheet."""

    def __init__(self, sheet: str, into: list[ImportProblem]) -> None:
        self.sheet = sheet
        self.into = into

    def add(self, row: int, column: str, message: str) -> None:
        self.into.append(ImportProblem(self.sheet, row, column, message))


def _one_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def clean_org_name(text: str) -> str:
    """The name as the services store it: inner whitespace collapsed (no length check)."""
    return " ".join(text.split())


def parse_date(value: Any) -> datetime.date:
    """A date cell: an Excel date, or text like 2024-09-01, 2024/9/1, 2024.9.1, 2024年9月1日 or 20240901.

    Raises ValueError when it is none of these or not a real date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    match = (re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
             or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(part) for part in match.groups()))


def _parse_sort_order(value: Any) -> int:
    """排序: empty is 0, else a whole number 0..MAX_SORT_ORDER. Raises ValueError otherwise."""
    text = cell_text(value)
    if text == "":
        return 0
    if isinstance(value, float):
        raise ValueError(text)
    try:
        return inputs.parse_int(text, minimum=0, maximum=MAX_SORT_ORDER)
    except ValidationError:
        raise ValueError(text) from None


def _choice_problem(value: str, labels: Iterable[str]) -> str:
    return _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": "、".join(labels)}


def _loops(parent_of: Mapping[str, str | None]) -> dict[str, list[str]]:
    """For each name that is its own ancestor, the loop it is on (in parent order). Linear time."""
    done: set[str] = set()
    loops: dict[str, list[str]] = {}
    for start in parent_of:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in parent_of and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = parent_of[node]
        if node is not None and node in on_path:
            loop = path[on_path[node]:]
            for member in loop:
                loops[member] = loop
        done.update(path)
    return loops


def _depths(parent_of: Mapping[str, str | None]) -> dict[str, int]:
    """Distance from the root for every name of an acyclic parent map (unknown parents count as roots)."""
    depth: dict[str, int] = {}
    for start in parent_of:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node in parent_of and node not in depth:
            chain.append(node)
            node = parent_of[node]
        base = depth[node] if node is not None and node in depth else -1
        for name in reversed(chain):
            base += 1
            depth[name] = base
    return depth


def _plan_orgs(rows: list[RawRow], existing: Existing, plan: ImportPlan) -> dict[str, OrgState]:
    """Check the 组织 sheet and add its changes to the plan. Returns the tree after the import."""
    problems = _Problems(SHEET_ORGS, plan.problems)
    in_file: dict[str, tuple[RawRow, OrgState]] = {}
    bad: set[str] = set()  # names whose row already has a problem
    for raw in rows:
        ok = True
        try:
            name = services._clean_name(raw.text(COL_ORG_NAME))
        except ValidationError as error:
            problems.add(raw.row, COL_ORG_NAME, _one_message(error))
            continue
        kind_text = raw.text(COL_ORG_KIND)
        kind = KIND_BY_LABEL.get(kind_text)
        if kind is None:
            ok = False
            problems.add(raw.row, COL_ORG_KIND, _choice_problem(kind_text, KIND_BY_LABEL) if kind_text else _(
                "Enter the kind of organisation: one of %(choices)s.") % {"choices": "、".join(KIND_BY_LABEL)})
        parent = clean_org_name(raw.text(COL_ORG_PARENT)) or None
        try:
            sort_order = _parse_sort_order(raw.cells.get(COL_ORG_SORT))
        except ValueError:
            ok = False
            sort_order = 0
            problems.add(raw.row, COL_ORG_SORT, _("The sort order is a whole number from 0 to %(max)d.") % {
                "max": MAX_SORT_ORDER})
        if name in in_file:
            problems.add(raw.row, COL_ORG_NAME, _("The organisation %(name)s is already in row %(row)d.") % {
                "name": name, "row": in_file[name][0].row})
            continue
        current = existing.orgs.get(name)
        state = OrgState(name, kind, parent, current.is_active if current else True, sort_order,
                         current.pk if current else None)
        in_file[name] = (raw, state)
        if not ok:
            bad.add(name)

    final: dict[str, OrgState] = dict(existing.orgs)
    final.update({name: state for name, (_raw, state) in in_file.items()})
    parent_of = {name: state.parent for name, state in final.items()}
    loops = _loops(parent_of)
    children: dict[str, list[str]] = defaultdict(list)
    for name, state in final.items():
        if state.parent is not None:
            children[state.parent].append(name)
    committees = [name for name, state in final.items() if state.kind == OrgKind.COMMITTEE]

    for name, (raw, state) in in_file.items():
        current = existing.orgs.get(name)
        kind, parent = state.kind, state.parent
        if kind is None:
            continue
        row_problems_before = len(plan.problems)
        if parent is not None and name in loops:
            chain = loops[name]
            problems.add(raw.row, COL_ORG_PARENT, _("The parent organisations form a loop: %(chain)s.") % {
                "chain": " → ".join([*chain, chain[0]])})
        elif kind == OrgKind.COMMITTEE and parent is not None:
            problems.add(raw.row, COL_ORG_PARENT, _("The Party committee is the root of the tree and has no parent."))
        elif parent is not None and parent not in final:
            problems.add(raw.row, COL_ORG_PARENT, _(
                "The parent organisation %(name)s is neither in the sheet 「%(sheet)s」 nor in the system.") % {
                "name": parent, "sheet": SHEET_ORGS})
        else:
            parent_kind = final[parent].kind if parent is not None else None
            if parent is None or parent_kind is not None:
                problem = rules.parent_problem(kind, parent_kind)
                if problem:
                    problems.add(raw.row, COL_ORG_PARENT, problem)
            moved = current is None or current.parent != parent
            if parent is not None and moved and not final[parent].is_active:
                problems.add(raw.row, COL_ORG_PARENT, _("The parent organisation %(name)s is deactivated.") % {
                    "name": parent})
        if kind == OrgKind.COMMITTEE and len(committees) > 1 and (current is None or current.kind != kind):
            problems.add(raw.row, COL_ORG_KIND, _("There is already a Party committee; there can be only one."))
        if current is not None and current.kind != kind:
            if current.kind == OrgKind.COMMITTEE:
                problems.add(raw.row, COL_ORG_KIND, _("The Party committee's kind cannot be changed."))
            elif kind == OrgKind.COMMITTEE:
                problems.add(raw.row, COL_ORG_KIND, _("An existing organisation cannot become the Party committee."))
            for child in children.get(name, []):
                child_state = final[child]
                if child in in_file or child_state.kind is None:
                    continue  # a child in the file is checked on its own row
                problem = rules.parent_problem(child_state.kind, kind)
                if problem:
                    problems.add(raw.row, COL_ORG_KIND, _(
                        "With this kind, %(child)s (which sits under it) would break the rules: %(problem)s") % {
                        "child": child, "problem": problem})
        if len(plan.problems) > row_problems_before or name in bad:
            continue
        if current is None:
            plan.orgs.append(OrgChange(raw.row, name, kind, parent, state.sort_order, 0))
        elif (current.kind, current.parent, current.sort_order) != (kind, parent, state.sort_order):
            plan.orgs.append(OrgChange(raw.row, name, kind, parent, state.sort_order, 0, current))
        else:
            plan.orgs_unchanged += 1
    if not plan.problems:
        depth = _depths(parent_of)
        plan.orgs = sorted((OrgChange(c.row, c.name, c.kind, c.parent, c.sort_order, depth[c.name], c.existing)
                            for c in plan.orgs), key=lambda c: (c.depth, c.row))
    return final


_PERSON_COLUMNS = {"name": COL_NAME, "staff_no": COL_STAFF_NO, "phone": COL_PHONE, "gender": COL_GENDER}


def _plan_people(rows: list[RawRow], existing: Existing, plan: ImportPlan) -> dict[str, PersonState]:
    """Check the 人员 sheet and add its changes to the plan. Returns the people in the file by 工号."""
    problems = _Problems(SHEET_PEOPLE, plan.problems)
    in_file: dict[str, PersonState] = {}
    rows_of: dict[str, int] = {}
    for raw in rows:
        before = len(plan.problems)
        gender_text = raw.text(COL_GENDER)
        gender = GENDER_BY_LABEL.get(gender_text, "") if gender_text else ""
        if gender_text and gender_text not in GENDER_BY_LABEL:
            problems.add(raw.row, COL_GENDER, _choice_problem(gender_text, GENDER_BY_LABEL))
        party_text = raw.text(COL_PARTY)
        is_party_member = YES_NO.get(party_text, True)
        if party_text and party_text not in YES_NO:
            problems.add(raw.row, COL_PARTY, _choice_problem(party_text, YES_NO))
        staff_no = raw.text(COL_STAFF_NO)
        try:
            fields = services._clean_person_fields(
                name=raw.text(COL_NAME), staff_no=staff_no, phone=raw.text(COL_PHONE), gender=gender)
        except ValidationError as error:
            fields = None
            for key, messages in error.message_dict.items():
                problems.add(raw.row, _PERSON_COLUMNS.get(key, COL_STAFF_NO), " ".join(messages))
        if staff_no and staff_no in rows_of:
            problems.add(raw.row, COL_STAFF_NO, _("Staff number %(no)s is already in row %(row)d.") % {
                "no": staff_no, "row": rows_of[staff_no]})
            continue
        if staff_no:
            rows_of[staff_no] = raw.row
        current = existing.people.get(staff_no)
        if fields is None:
            if staff_no:  # known for the 职务 sheet, so its rows are not reported as unknown too
                in_file[staff_no] = current or PersonState(staff_no, raw.text(COL_NAME))
            continue
        state = PersonState(fields["staff_no"], fields["name"], fields["phone"], fields["gender"], is_party_member,
                            current.is_active if current else True, current.pk if current else None)
        in_file[state.staff_no] = state
        if current is None and state.staff_no in existing.usernames:
            # services.create_person never takes over an existing login: the new person's would clash.
            problems.add(raw.row, COL_STAFF_NO, _("Staff number %(no)s is already used as a login name.") % {
                "no": state.staff_no})
        if len(plan.problems) > before:
            continue
        change = PersonChange(raw.row, state.staff_no, state.name, state.phone, state.gender, is_party_member, current)
        if current is None:
            plan.people.append(change)
        elif (current.name, current.phone, current.gender, current.is_party_member) != (
                state.name, state.phone, state.gender, state.is_party_member):
            plan.people.append(change)
        else:
            plan.people_unchanged += 1
    return in_file


@dataclass(frozen=True)
class _Term:
    start: datetime.date
    end: datetime.date | None
    holder: str
    row: int | None  # the file row, None for a term only in the database
    changed: bool

    @property
    def stop(self) -> datetime.date:
        return self.end or datetime.date.max


def _secretary_clashes(terms: list[_Term]) -> Iterator[tuple[_Term, _Term]]:
    """(term, one term it overlaps) for every new or changed term that overlaps another.

    Sorted by start, a term overlaps some earlier term iff it overlaps the earlier one that reaches
    furthest, and some later term iff it overlaps the next one: O(n log n), not O(n²)."""
    ordered = sorted(terms, key=lambda t: (t.start, t.stop))
    furthest: _Term | None = None
    for index, term in enumerate(ordered):
        if term.changed:
            neighbours = [t for t in (furthest, ordered[index + 1] if index + 1 < len(ordered) else None) if t]
            for other in neighbours:
                if rules.overlapping_term(term.start, term.end, [(other.start, other.end)]):
                    yield term, other
                    break
        if furthest is None or term.stop > furthest.stop:
            furthest = term


def _plan_positions(rows: list[RawRow], existing: Existing, final_orgs: Mapping[str, OrgState],
                    people_in_file: Mapping[str, PersonState], plan: ImportPlan) -> None:
    """Check the 职务 sheet against the file and the database and add its changes to the plan."""
    problems = _Problems(SHEET_POSITIONS, plan.problems)
    rows_of: dict[PositionKey, int] = {}
    secretary_terms: dict[str, dict[PositionKey, _Term]] = defaultdict(dict)
    for state in existing.positions.values():
        if state.role == PositionRole.SECRETARY:
            secretary_terms[state.org_name][state.key] = _Term(state.start, state.end, state.holder, None, False)
    for raw in rows:
        before = len(plan.problems)
        staff_no = raw.text(COL_STAFF_NO)
        person = people_in_file.get(staff_no) or existing.people.get(staff_no)
        if not staff_no:
            problems.add(raw.row, COL_STAFF_NO, _("Enter the staff number."))
        elif person is None:
            problems.add(raw.row, COL_STAFF_NO, _(
                "Staff number %(no)s is neither in the sheet 「%(sheet)s」 nor in the system.") % {
                "no": staff_no, "sheet": SHEET_PEOPLE})
        org_name = clean_org_name(raw.text(COL_ORG_NAME))
        org = final_orgs.get(org_name)
        if not org_name:
            problems.add(raw.row, COL_ORG_NAME, _("Enter the organisation's name."))
        elif org is None:
            problems.add(raw.row, COL_ORG_NAME, _(
                "The organisation %(name)s is neither in the sheet 「%(sheet)s」 nor in the system.") % {
                "name": org_name, "sheet": SHEET_ORGS})
        role_text = raw.text(COL_ROLE)
        role = ROLE_BY_LABEL.get(role_text)
        if role is None:
            problems.add(raw.row, COL_ROLE, _choice_problem(role_text, ROLE_BY_LABEL) if role_text
                         else _("Enter the position: one of %(choices)s.") % {"choices": "、".join(ROLE_BY_LABEL)})
        start = end = None
        if raw.text(COL_START) == "":
            problems.add(raw.row, COL_START, _("Enter the start date."))
        else:
            try:
                start = parse_date(raw.cells.get(COL_START))
            except ValueError:
                problems.add(raw.row, COL_START, _("“%(value)s” is not a date; write dates like 2024-09-01.") % {
                    "value": raw.text(COL_START)})
        if raw.text(COL_END) != "":
            try:
                end = parse_date(raw.cells.get(COL_END))
            except ValueError:
                problems.add(raw.row, COL_END, _("“%(value)s” is not a date; write dates like 2024-09-01.") % {
                    "value": raw.text(COL_END)})
        if start and end and end < start:
            problems.add(raw.row, COL_END, _("The end date cannot be before the start date."))
        if len(plan.problems) > before or person is None or org is None or role is None or start is None:
            continue
        key: PositionKey = (staff_no, org_name, role, start)
        if key in rows_of:
            problems.add(raw.row, COL_ROLE, _("The same position (staff number, organisation, position and start "
                                              "date) is already in row %(row)d.") % {"row": rows_of[key]})
            continue
        rows_of[key] = raw.row
        current = existing.positions.get(key)
        change = PositionChange(raw.row, staff_no, org_name, role, start, end, current)
        if current is not None:
            if current.end == end:
                plan.positions_unchanged += 1
            elif end is None:
                problems.add(raw.row, COL_END, _(
                    "This term already ended on %(date)s; an import cannot reopen it. Enter that end date "
                    "or a later one.") % {"date": current.end})
            else:
                plan.positions_to_end.append(change)
        else:
            if role == PositionRole.ORG_DEPT_STAFF and org.kind not in (None, OrgKind.COMMITTEE):
                problems.add(raw.row, COL_ROLE, _("Organisation department staff belong to the Party committee."))
            if not org.is_active:
                problems.add(raw.row, COL_ORG_NAME, _("%(name)s is deactivated.") % {"name": org_name})
            if not person.is_active:
                problems.add(raw.row, COL_STAFF_NO, _("%(name)s is deactivated.") % {"name": person.name})
            if len(plan.problems) == before:
                plan.positions_to_create.append(change)
        if role == PositionRole.SECRETARY:
            secretary_terms[org_name][key] = _Term(
                start, end, person.name, raw.row, current is None or current.end != end)
    clashes: list[tuple[str, _Term, _Term]] = []
    for org_name, terms in secretary_terms.items():
        clashes.extend((org_name, term, other) for term, other in _secretary_clashes(list(terms.values())))
    for org_name, term, other in clashes:
        assert term.row is not None
        if other.row is None:
            message = _(
                "%(org)s already has a secretary in that period (%(name)s, from %(start)s). "
                "End that term first; an organisation has at most one secretary at a time."
            ) % {"org": org_name, "name": other.holder, "start": other.start}
        else:
            message = _(
                "%(org)s would have two secretaries at the same time: this term overlaps the one in row "
                "%(row)d (%(name)s, from %(start)s). An organisation has at most one secretary at a time."
            ) % {"org": org_name, "row": other.row, "name": other.holder, "start": other.start}
        problems.add(term.row, COL_START, message)


def _problem_order(problem: ImportProblem) -> tuple[int, int, int]:
    columns = HEADERS.get(problem.sheet, ())
    return (SHEETS.index(problem.sheet) if problem.sheet in SHEETS else len(SHEETS), problem.row or 0,
            columns.index(problem.column) if problem.column in columns else -1)


def _check_text(parsed: ParsedWorkbook, plan: ImportPlan) -> None:
    """A problem for every cell whose text cannot be stored (a control character: .xlsx can carry
    them, e.g. as _x0000_), with the rule of every other path (shuzhi.core.inputs)."""
    for sheet, rows in ((SHEET_ORGS, parsed.orgs), (SHEET_PEOPLE, parsed.people), (SHEET_POSITIONS, parsed.positions)):
        problems = _Problems(sheet, plan.problems)
        for raw in rows:
            for column, value in raw.cells.items():
                problem = inputs.text_problem(value) if isinstance(value, str) else None
                if problem:
                    problems.add(raw.row, column, problem)


def plan_import(parsed: ParsedWorkbook, existing: Existing) -> ImportPlan:
    """Every problem of the file (sorted by sheet, row, column) and, when there is none, every change.

    Pure. The changes are complete only when `problems` is empty; apply() never runs a plan with problems.
    Organisation changes come parents first; rows that match the database exactly are only counted."""
    plan = ImportPlan()
    _check_text(parsed, plan)
    final_orgs = _plan_orgs(parsed.orgs, existing, plan)
    people = _plan_people(parsed.people, existing, plan)
    _plan_positions(parsed.positions, existing, final_orgs, people, plan)
    plan.problems.sort(key=_problem_order)
    return plan


def validate(parsed: ParsedWorkbook, existing: Existing) -> list[ImportProblem]:
    """Every problem of the file, in sheet, row and column order; empty when it can be imported."""
    return plan_import(parsed, existing).problems


# --- Step 3: writing ----------------------------------------------------------------------------

def apply(actor: Any, parsed: ParsedWorkbook, initial_password: str, *, file_name: str = "",
          ip: str | None = None) -> ImportSummary:
    """Import the parsed workbook, all or nothing, in one transaction.

    Raises ImportRejected (nothing written) when any row has a problem, including problems caused by
    someone changing the same data at the same moment; ValidationError when initial_password fails the
    password validators. initial_password is set, with must_change_password, on the login accounts this
    import creates (username = 工号); existing accounts are left as they are. Rows that match the
    database are skipped, so a second import of the same file writes nothing, not even an audit event."""
    validate_password(initial_password)
    try:
        with transaction.atomic():
            existing = load_existing(lock=True)
            plan = plan_import(parsed, existing)
            if plan.problems:
                raise ImportRejected(plan.problems)
            summary = ImportSummary(
                file_name=file_name, orgs_unchanged=plan.orgs_unchanged, people_unchanged=plan.people_unchanged,
                positions_unchanged=plan.positions_unchanged)
            writer = _BulkWriter if _use_bulk(plan) else _ServiceWriter
            # The bulk writer ends terms without the services: the org dept's last account is kept here.
            ends_org_dept_terms = any(c.role == PositionRole.ORG_DEPT_STAFF for c in plan.positions_to_end)
            with services.keeping_the_org_dept(actor, applies=ends_org_dept_terms):
                writer(actor, ip, existing, initial_password, summary).run(plan)
            if summary.changed:
                record(actor, Verb.IMPORT_APPLIED, None, object_repr=file_name, after=summary.counts(), ip=ip,
                       note=_("Excel import of %(file)s") % {"file": file_name})
    except ValidationError as error:
        if getattr(error, "code", None) in services.ORG_DEPT_REFUSALS:
            raise ImportRejected([_org_dept_problem(actor, plan, error)]) from error
        # A service refused what the plan allowed: the data changed meanwhile, or a rule the plan lacks.
        raise ImportRejected([ImportProblem("", None, "", _(
            "Nothing was saved: a check failed while saving (%(reason)s). If someone else was changing the "
            "same data, upload the file again.") % {"reason": _one_message(error)})]) from error
    except IntegrityError as error:
        raise ImportRejected([ImportProblem("", None, "", _(
            "The data changed while the file was being imported, so nothing was saved. Upload the file again."))]
        ) from error
    return summary


def _org_dept_problem(actor: Any, plan: ImportPlan, error: ValidationError) -> ImportProblem:
    """The refusal of keeping_the_org_dept, at the row ending an org-dept term (the actor's own, for
    the refusal of ending one's own term)."""
    ends = [c for c in plan.positions_to_end if c.role == PositionRole.ORG_DEPT_STAFF]
    own = [c for c in ends if c.staff_no == getattr(actor, "username", None)]
    change = (own if error.code == "org_dept_self" and own else ends or [None])[0]
    if change is None:
        return ImportProblem("", None, "", _one_message(error))
    return ImportProblem(SHEET_POSITIONS, change.row, COL_END, _one_message(error))


def _use_bulk(plan: ImportPlan) -> bool:
    return plan.change_count > BULK_THRESHOLD and connection.features.can_return_rows_from_bulk_insert


class _ServiceWriter:
    """Makes the planned changes one by one through shuzhi.orgs.services, as the pages do."""

    def __init__(self, actor: Any, ip: str | None, existing: Existing, initial_password: str,
                 summary: ImportSummary) -> None:
        self.actor = actor
        self.ip = ip
        self.existing = existing
        self.initial_password = initial_password
        self.summary = summary
        self.orgs: dict[str, Organization] = {}
        self.people: dict[str, Person] = {}  # by 工号, as far as already loaded or created

    def run(self, plan: ImportPlan) -> None:
        self.orgs = {org.name: org for org in Organization.objects.all()}
        self.write_orgs(plan.orgs)
        self.write_people(plan.people)
        self.end_positions(plan.positions_to_end)
        self.create_positions(plan.positions_to_create)

    def write_orgs(self, changes: list[OrgChange]) -> None:
        """Parents first (the plan's order), so every parent exists and has its final kind."""
        for change in changes:
            if change.existing is None:
                parent = self.orgs[change.parent] if change.parent else None
                self.orgs[change.name] = services.create_organization(
                    self.actor, name=change.name, kind=change.kind, parent=parent, sort_order=change.sort_order,
                    ip=self.ip)
                self.summary.orgs_created += 1
            else:
                self.update_org(change)

    def update_org(self, change: OrgChange) -> None:
        """Kind, parent and sort order of an existing organisation, through the services."""
        assert change.existing is not None
        parent = self.orgs[change.parent] if change.parent else None
        org = self.orgs[change.name]
        if change.kind != change.existing.kind:
            org = _change_kind(self.actor, org, kind=change.kind, parent=parent, ip=self.ip)
        elif change.parent != change.existing.parent and parent is not None:
            org = services.move_organization(self.actor, org, parent, ip=self.ip)
        if change.sort_order != change.existing.sort_order:
            org = services.update_organization(self.actor, org, name=org.name, sort_order=change.sort_order,
                                               ip=self.ip)
        self.orgs[change.name] = org
        self.summary.orgs_updated += 1

    def write_people(self, changes: list[PersonChange]) -> None:
        new_accounts: list[int] = []
        for change in changes:
            fields = {"name": change.name, "staff_no": change.staff_no, "phone": change.phone,
                      "gender": change.gender, "is_party_member": change.is_party_member}
            if change.existing is None:
                # No password here: hashing it once per person would take minutes with Argon2. The
                # accounts made now get the one hash below.
                person = services.create_person(self.actor, initial_password=None, ip=self.ip, **fields)
                new_accounts.append(person.user_id)
                self.summary.people_created += 1
            else:
                services.update_person(self.actor, Person(pk=change.existing.pk), ip=self.ip, **fields)
                self.summary.people_updated += 1
        _set_initial_password(new_accounts, self.initial_password)
        self.summary.accounts_created += len(new_accounts)

    def end_positions(self, changes: list[PositionChange]) -> None:
        for change in changes:
            assert change.existing is not None and change.end is not None
            services.end_position(self.actor, Position(pk=change.existing.pk), change.end, ip=self.ip)
            self.summary.positions_ended += 1

    def create_positions(self, changes: list[PositionChange]) -> None:
        people = self.people_for(changes)
        for change in changes:
            services.appoint(self.actor, person=people[change.staff_no], organization=self.orgs[change.org_name],
                             role=change.role, start_date=change.start, end_date=change.end, ip=self.ip)
            self.summary.positions_created += 1


    def people_for(self, changes: list[PositionChange]) -> dict[str, Person]:
        """The people these positions are for: those known already, the others in a few queries."""
        missing = {c.staff_no for c in changes} - self.people.keys()
        self.people.update(_people_by_staff_no(missing))
        return self.people


class _BulkWriter(_ServiceWriter):
    """For large imports: creations and field updates in bulk, with the audit events the services write.

    Changes to existing organisations (kind, parent, order: tree changes, and few) still go through
    the services. Every rule was checked by plan_import() against the locked state; the database
    constraints remain the last line."""

    BATCH = 1000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events: list[_EventRow] = []
        self.actor_name = _actor_name(self.actor)
        self.actor_id = getattr(self.actor, "pk", None) if not isinstance(self.actor, str) else None

    def run(self, plan: ImportPlan) -> None:
        super().run(plan)
        # The events join the audit log's hash chain as record() would add them, one after the other.
        now = timezone.now()
        for row in self.events:
            row.at = now
        audit_chain.link(self.events, audit_chain.lock_chain())
        _insert_many(AuditEvent, self.events)

    def write_orgs(self, changes: list[OrgChange]) -> None:
        """Level by level from the root: changes to existing ones, then the new ones in one insert."""
        for _depth, level in groupby(changes, key=lambda c: c.depth):
            new: list[Organization] = []
            for change in level:
                if change.existing is not None:
                    self.update_org(change)
                else:
                    new.append(Organization(name=change.name, kind=change.kind, sort_order=change.sort_order,
                                            parent=self.orgs[change.parent] if change.parent else None))
            _pre_save(Organization, new)
            Organization.objects.bulk_create(new, batch_size=self.BATCH)
            _post_save(Organization, new, created=True)
            for org in new:
                self.orgs[org.name] = org
                self.event(Verb.ORG_CREATED, org, after=snapshot(org, services.ORG_FIELDS), organization_id=org.pk)
            self.summary.orgs_created += len(new)

    def event(self, verb: Verb, obj: Any, *, before: dict | None = None, after: dict | None = None,
              organization_id: int | None = None, note: str = "", object_repr: str | None = None) -> None:
        """Queue the AuditEvent row that shuzhi.audit.services.record() would write for the same call."""
        self.events.append(_EventRow(
            actor_id=self.actor_id, actor_name=self.actor_name, action=str(verbs.kind_of(verb)), verb=str(verb),
            object_type=object_type_of(obj), object_id=str(obj.pk),
            object_repr=(str(obj) if object_repr is None else object_repr)[:200],
            organization_id=organization_id, before=before, after=after, ip=self.ip, note=note[:500],
            person_id=person_concerned(obj),
        ))

    def write_people(self, changes: list[PersonChange]) -> None:
        created = [c for c in changes if c.existing is None]
        updated = [c for c in changes if c.existing is not None]
        now = timezone.now()
        User = get_user_model()
        password = make_password(self.initial_password)
        new_users = [User(username=c.staff_no, must_change_password=True, password=password) for c in created]
        _pre_save(User, new_users)
        _insert_many(User, new_users, read_back=("username",))
        _post_save(User, new_users, created=True)
        user_ids = {u.username: u.pk for u in new_users}
        people = [Person(name=c.name, staff_no=c.staff_no, phone=c.phone, gender=c.gender,
                         is_party_member=c.is_party_member, user_id=user_ids[c.staff_no]) for c in created]
        _pre_save(Person, people)
        _insert_many(Person, people, read_back=("staff_no",))
        _post_save(Person, people, created=True)
        self.people.update((person.staff_no, person) for person in people)
        for person in people:
            self.event(Verb.PERSON_CREATED, person, after=snapshot(person, services.PERSON_FIELDS))
        self.summary.people_created += len(people)
        self.summary.accounts_created += len(new_users)

        by_pk = _in_bulk(Person, [c.existing.pk for c in updated if c.existing])
        to_save: list[Person] = []
        for change in updated:
            assert change.existing is not None
            person = by_pk[change.existing.pk]
            before = snapshot(person, services.PERSON_FIELDS)
            person.name, person.phone, person.gender = change.name, change.phone, change.gender
            person.is_party_member = change.is_party_member
            person.updated_at = now
            after = snapshot(person, services.PERSON_FIELDS)
            if after != before:
                to_save.append(person)
                self.event(Verb.PERSON_CHANGED, person, before=before, after=after)
        fields = ["name", "phone", "gender", "is_party_member", "updated_at"]
        _pre_save(Person, to_save, update_fields=fields)
        Person.objects.bulk_update(to_save, fields, batch_size=self.BATCH)
        _post_save(Person, to_save, created=False, update_fields=fields)
        self.summary.people_updated += len(to_save)

    def end_positions(self, changes: list[PositionChange]) -> None:
        by_pk = _in_bulk(Position, [c.existing.pk for c in changes if c.existing],
                         select_related=("person", "organization"))
        now = timezone.now()
        to_save: list[Position] = []
        for change in changes:
            assert change.existing is not None
            position = by_pk[change.existing.pk]
            before = snapshot(position, services.POSITION_FIELDS)
            position.end_date = change.end
            position.updated_at = now
            to_save.append(position)
            self.event(Verb.POSITION_ENDED, position, before=before,
                       after=snapshot(position, services.POSITION_FIELDS),
                       organization_id=position.organization_id, note=_("term ended"))
        _pre_save(Position, to_save, update_fields=["end_date", "updated_at"])
        Position.objects.bulk_update(to_save, ["end_date", "updated_at"], batch_size=self.BATCH)
        _post_save(Position, to_save, created=False, update_fields=["end_date", "updated_at"])
        self.summary.positions_ended += len(to_save)

    def create_positions(self, changes: list[PositionChange]) -> None:
        people = self.people_for(changes)
        positions = [Position(person=people[c.staff_no], organization=self.orgs[c.org_name], role=c.role,
                              start_date=c.start, end_date=c.end) for c in changes]
        describe = _position_describer(positions)
        # The plan proved each new (person, organisation, position, start) absent from the database.
        _pre_save(Position, positions)
        _insert_many(Position, positions, read_back=("person_id", "organization_id", "role", "start_date"))
        _post_save(Position, positions, created=True)
        for position in positions:
            self.event(Verb.POSITION_CREATED, position, after=snapshot(position, services.POSITION_FIELDS),
                       organization_id=position.organization_id, object_repr=describe(position))
        self.summary.positions_created += len(positions)


def _pre_save(model: Any, objects: list[Any], update_fields: Iterable[str] | None = None) -> None:
    """Send pre_save for objects about to be written in bulk, as Model.save() would."""
    if objects and pre_save.has_listeners(model):
        using = transaction.get_connection().alias
        fields = frozenset(update_fields) if update_fields is not None else None
        for obj in objects:
            pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=fields)


def _post_save(model: Any, objects: list[Any], *, created: bool, update_fields: Iterable[str] | None = None) -> None:
    """Send post_save for objects written in bulk, as Model.save() would, so receivers elsewhere (the
    review cycles follow each organisation's secretary this way) see bulk imports like page edits."""
    if objects and post_save.has_listeners(model):
        using = transaction.get_connection().alias
        fields = frozenset(update_fields) if update_fields is not None else None
        for obj in objects:
            post_save.send(sender=model, instance=obj, created=created, raw=False, using=using,
                           update_fields=fields)


# Field types whose attribute value is already what the database driver takes.
_PLAIN_FIELD_TYPES = frozenset({
    "CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "ForeignKey", "OneToOneField",
})


def _insert_many(model: Any, objects: list[Any], *, read_back: tuple[str, ...] = ()) -> None:
    """INSERT unsaved objects (COPY on PostgreSQL, executemany elsewhere): what bulk_create does,
    without its per-value SQL compilation, which dominated the time of a 20,000-row import.

    Values are the fields' database values as bulk_create computes them (get_db_prep_save), except that
    plain types are passed as they are and auto_now/auto_now_add fields all get the same "now".
    read_back: attribute names that together identify each new row; the new primary keys are then read
    back and set on the objects. objects may be any objects with the fields' attnames as attributes."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    db = transaction.get_connection()

    def converter(f: Any) -> Any:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = f.get_db_prep_save(now, db)
            return lambda obj: value
        if f.get_internal_type() in _PLAIN_FIELD_TYPES:
            return attrgetter(f.attname)
        return lambda obj: f.get_db_prep_save(getattr(obj, f.attname), db)

    converters = [converter(f) for f in fields]
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    # New rows get keys above every key in use now (only they can match read_back: the plan proved
    # each new key absent, and the locks taken keep others from adding the same rows meanwhile).
    newest_before = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) if read_back else 0
    with db.cursor() as cursor:
        raw = cursor.cursor
        if db.vendor == "postgresql" and hasattr(raw, "copy"):
            # psycopg 3's COPY: seconds faster than INSERT statements for 20,000 rows.
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row([convert(obj) for convert in converters])
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                               [tuple(convert(obj) for convert in converters) for obj in objects])
    if read_back:
        by_key = {tuple(getattr(obj, name) for name in read_back): obj for obj in objects}
        for pk, *key in model.objects.filter(pk__gt=newest_before).order_by("pk").values_list("pk", *read_back):
            obj = by_key.get(tuple(key))
            if obj is not None:
                obj.pk = pk
                obj._state.adding, obj._state.db = False, db.alias


@dataclass(slots=True)
class _EventRow:
    """The values of one AuditEvent row (its time is set on insert): lighter than a model instance."""

    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    organization_id: int | None
    before: dict | None
    after: dict | None
    ip: str | None
    note: str
    verb: str = ""
    person_id: int | None = None
    at: datetime.datetime | None = None  # these three: set by _BulkWriter.run() (shuzhi.audit.chain)
    prev_hash: str = ""
    hash: str = ""


def _position_describer(positions: list[Position]) -> Any:
    """A function giving str(position) for these positions without Django's per-call choice lookup
    (which translates every label each time); falls back to str() if Position.__str__ has changed."""
    labels = {value: str(label) for value, label in PositionRole.choices}

    def fast(position: Position) -> str:
        return f"{position.organization} {labels.get(position.role, position.role)} {position.person.name}"

    if positions and fast(positions[0]) != str(positions[0]):
        return str
    return fast


def _actor_name(actor: Any) -> str:
    """The actor_name shuzhi.audit.services.record() stores for this actor."""
    if actor is not None and getattr(actor, "pk", None) is not None:
        return f"{getattr(actor, 'display_name', '')}（{actor.get_username()}）"[:150]
    return actor[:150] if isinstance(actor, str) else ""


def _in_bulk(model: Any, pks: list[int], select_related: tuple[str, ...] = ()) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for start in range(0, len(pks), _BulkWriter.BATCH):
        qs = model.objects.filter(pk__in=pks[start:start + _BulkWriter.BATCH])
        if select_related:
            qs = qs.select_related(*select_related)
        found.update((obj.pk, obj) for obj in qs)
    return found


def _people_by_staff_no(staff_nos: set[str]) -> dict[str, Person]:
    numbers = sorted(staff_nos)
    found: dict[str, Person] = {}
    for start in range(0, len(numbers), _BulkWriter.BATCH):
        chunk = numbers[start:start + _BulkWriter.BATCH]
        found.update((p.staff_no, p) for p in Person.objects.filter(staff_no__in=chunk))
    return found


def _set_initial_password(user_ids: list[int], password: str) -> None:
    """Give the accounts this import created the initial password, hashed once for all of them."""
    if not user_ids:
        return
    hashed = make_password(password)
    User = get_user_model()
    for start in range(0, len(user_ids), _BulkWriter.BATCH):
        User.objects.filter(pk__in=user_ids[start:start + _BulkWriter.BATCH]).update(
            password=hashed, must_change_password=True)


@transaction.atomic
def _change_kind(actor: Any, org: Organization, *, kind: str, parent: Organization | None,
                 ip: str | None = None) -> Organization:
    """Make an existing organisation another kind, under `parent` (the services have no such change:
    a 党支部 that becomes a 直属党支部 moves under the 党委 at the same time).

    Contract: plan_import() has checked the whole tree after the import (the new kind under the new
    parent, the organisations under it, no second committee); this re-checks the parent and records
    one update audit event like services.move_organization()."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    parent = Organization.objects.select_for_update().get(pk=parent.pk) if parent is not None else None
    if OrgKind.COMMITTEE in (kind, org.kind):
        raise ValidationError(_("The Party committee's kind cannot be changed."))
    problem = rules.parent_problem(kind, parent.kind if parent else None)
    if problem:
        raise ValidationError({"parent": problem})
    before = snapshot(org, services.ORG_FIELDS)
    org.kind = kind
    org.parent = parent
    org.save(update_fields=["kind", "parent", "updated_at"])
    record(actor, Verb.ORG_CHANGED, org, before=before, after=snapshot(org, services.ORG_FIELDS),
           organization_id=org.pk, ip=ip, note=_("kind changed by import"))
    return org


# --- For the view -------------------------------------------------------------------------------

def run_import(actor: Any, file: IO[bytes], *, file_name: str, initial_password: str,
               ip: str | None = None) -> ImportResult:
    """Parse, check and import one uploaded file; never raises for anything wrong with the file."""
    try:
        parsed = parse_workbook(file)
    except ImportFileError as error:
        return ImportResult(file_error=error.message, problems=error.problems)
    try:
        summary = apply(actor, parsed, initial_password, file_name=file_name, ip=ip)
    except ImportRejected as rejected:
        return ImportResult(problems=rejected.problems)
    return ImportResult(summary=summary)


# --- The template -------------------------------------------------------------------------------

_TEMPLATE_ROWS = MAX_DATA_ROWS + 1  # data validation covers every row a file may have


def _help_lines() -> list[str]:
    choices = {
        "orgs": SHEET_ORGS, "people": SHEET_PEOPLE, "positions": SHEET_POSITIONS,
        "kinds": "、".join(KIND_BY_LABEL), "roles": "、".join(ROLE_BY_LABEL),
    }
    return [
        _("How to fill in this template"),
        _("Fill in the sheets 「%(orgs)s」, 「%(people)s」 and 「%(positions)s」 from the second row down. Do not "
          "rename the sheets or change the header rows. A sheet with nothing to import may stay empty.") % choices,
        _("Every row is checked first. If any row has a problem nothing is saved, and the import page lists "
          "each problem with its sheet, row and column."),
        _("Importing the same file again changes nothing. Organisations are matched by name, people by staff "
          "number, and positions by staff number, organisation, position and start date; a changed row "
          "updates what is in the system. Nothing is deleted."),
        _("「%(orgs)s」: the kind is one of %(kinds)s. Every organisation except the Party committee needs a "
          "parent organisation, either in this sheet or already in the system: a general branch or a direct "
          "branch sits under the Party committee, a branch under a general branch. The sort order is a whole "
          "number; smaller numbers come first.") % choices,
        _("「%(people)s」: the staff number is also the user name of the person's login. Keep the staff number "
          "and phone columns as text so leading zeros are kept. Gender is 男 or 女 and may be left empty; "
          "Party member is 是 or 否, empty meaning 是.") % choices,
        _("「%(positions)s」: the staff number must be in 「%(people)s」 or already in the system, and the "
          "organisation in 「%(orgs)s」 or in the system. The position is one of %(roles)s. Write dates like "
          "2024-09-01 and leave the end date empty while the term runs. An organisation has at most one "
          "secretary at a time; to record a new secretary, also enter the end date of the previous one.")
        % choices,
        _("New people get a login whose user name is their staff number and whose password is the initial "
          "password entered on the import page; they must change it when they first log in. Existing "
          "logins are not changed."),
        _("At most %(rows)d data rows and %(mb)d MB per file.") % {
            "rows": MAX_DATA_ROWS, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
    ]


def build_template() -> bytes:
    """The blank import workbook: the three data sheets with bold, frozen Chinese headers, column
    widths, text format for 工号 and 手机号, dropdowns for the choice columns and date checks, and a
    fourth sheet 「填写说明」 with the instructions. No example rows, so it imports as nothing to do."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    widths = {COL_ORG_NAME: 32, COL_ORG_KIND: 14, COL_ORG_PARENT: 32, COL_ORG_SORT: 8, COL_NAME: 14,
              COL_STAFF_NO: 16, COL_PHONE: 18, COL_GENDER: 8, COL_PARTY: 10, COL_ROLE: 22, COL_START: 16,
              COL_END: 16}
    lists = {COL_ORG_KIND: list(KIND_BY_LABEL), COL_GENDER: list(GENDER_BY_LABEL), COL_PARTY: list(YES_NO),
             COL_ROLE: list(ROLE_BY_LABEL)}
    workbook = spreadsheets.new_workbook()
    for sheet_name, headers in HEADERS.items():
        sheet = spreadsheets.add_sheet(workbook, sheet_name)
        spreadsheets.header_row(sheet, 1, [(header, widths[header]) for header in headers], height=None)
        sheet.freeze_panes = "A2"
        spreadsheets.print_setup(sheet, header_row=1)
        for index, header in enumerate(headers, start=1):
            letter = get_column_letter(index)
            area = f"{letter}2:{letter}{_TEMPLATE_ROWS}"
            if header in (COL_STAFF_NO, COL_PHONE):
                sheet.column_dimensions[letter].number_format = "@"
            if header in lists:
                check = DataValidation(type="list", formula1='"' + ",".join(lists[header]) + '"', allow_blank=True,
                                       showErrorMessage=True, errorTitle=header,
                                       error=_("Choose one of: %(choices)s") % {"choices": "、".join(lists[header])})
            elif header in (COL_START, COL_END):
                sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
                check = DataValidation(type="date", operator="between", formula1="DATE(1921,1,1)",
                                       formula2="DATE(2100,12,31)", allow_blank=True, showErrorMessage=True,
                                       errorTitle=header, error=_("Enter a date like 2024-09-01."))
            elif header == COL_ORG_SORT:
                check = DataValidation(type="whole", operator="between", formula1="0", formula2=str(MAX_SORT_ORDER),
                                       allow_blank=True, showErrorMessage=True, errorTitle=header,
                                       error=_("The sort order is a whole number from 0 to %(max)d.") % {
                                           "max": MAX_SORT_ORDER})
            else:
                continue
            check.add(area)
            sheet.add_data_validation(check)
    help_sheet = spreadsheets.add_sheet(workbook, SHEET_HELP)
    help_sheet.column_dimensions["A"].width = 110
    for number, line in enumerate(_help_lines(), start=1):
        cell = spreadsheets.put(help_sheet.cell(row=number, column=1), line)
        cell.font = spreadsheets.font(size=14, bold=True) if number == 1 else spreadsheets.font()
        if number > 1:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    spreadsheets.print_setup(help_sheet, header_row=None, landscape=False)
    return spreadsheets.to_bytes(workbook)


TEMPLATE_FILE_NAME = "组织人员职务导入模板.xlsx"

__all__ = [
    "BULK_THRESHOLD", "Existing", "HEADERS", "ImportFileError", "ImportPlan", "ImportProblem", "ImportRejected",
    "ImportResult", "ImportSummary", "MAX_DATA_ROWS", "MAX_UPLOAD_BYTES", "ParsedWorkbook", "SHEETS",
    "TEMPLATE_FILE_NAME", "XLSX_CONTENT_TYPE", "apply", "build_template", "load_existing", "parse_workbook",
    "plan_import", "run_import", "validate",
]
