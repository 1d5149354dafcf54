"""Step 2: checking every row against the tree rules and diffing the file against the database.

plan_import() returns an ImportPlan: every problem (sheet + row + column + reason) and every change to
make. Pure: it works on the in-memory state of shuzhi.orgs.importing.existing; no database access.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shuzhi.core import inputs
from shuzhi.orgs import rules, services
from shuzhi.orgs.importing.cells import (
    _choice_problem,
    _one_message,
    _parse_sort_order,
    _Problems,
    clean_org_name,
    parse_date,
)
from shuzhi.orgs.importing.existing import Existing, OrgState, PersonState, PositionKey, PositionState
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
    GENDER_BY_LABEL,
    HEADERS,
    KIND_BY_LABEL,
    MAX_SORT_ORDER,
    ROLE_BY_LABEL,
    SHEET_ORGS,
    SHEET_PEOPLE,
    SHEET_POSITIONS,
    SHEETS,
    YES_NO,
)
from shuzhi.orgs.importing.reading import ParsedWorkbook, RawRow
from shuzhi.orgs.importing.results import ImportProblem
from shuzhi.orgs.models import OrgKind, PositionRole


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
            loop = path[on_path[node] :]
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
            problems.add(
                raw.row,
                COL_ORG_KIND,
                _choice_problem(kind_text, KIND_BY_LABEL)
                if kind_text
                else _("Enter the kind of organisation: one of %(choices)s.") % {"choices": "、".join(KIND_BY_LABEL)},
            )
        parent = clean_org_name(raw.text(COL_ORG_PARENT)) or None
        try:
            sort_order = _parse_sort_order(raw.cells.get(COL_ORG_SORT))
        except ValueError:
            ok = False
            sort_order = 0
            problems.add(
                raw.row,
                COL_ORG_SORT,
                _("The sort order is a whole number from 0 to %(max)d.") % {"max": MAX_SORT_ORDER},
            )
        if name in in_file:
            problems.add(
                raw.row,
                COL_ORG_NAME,
                _("The organisation %(name)s is already in row %(row)d.") % {"name": name, "row": in_file[name][0].row},
            )
            continue
        current = existing.orgs.get(name)
        state = OrgState(
            name, kind, parent, current.is_active if current else True, sort_order, current.pk if current else None
        )
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
            problems.add(
                raw.row,
                COL_ORG_PARENT,
                _("The parent organisations form a loop: %(chain)s.") % {"chain": " → ".join([*chain, chain[0]])},
            )
        elif kind == OrgKind.COMMITTEE and parent is not None:
            problems.add(raw.row, COL_ORG_PARENT, _("The Party committee is the root of the tree and has no parent."))
        elif parent is not None and parent not in final:
            problems.add(
                raw.row,
                COL_ORG_PARENT,
                _("The parent organisation %(name)s is neither in the sheet 「%(sheet)s」 nor in the system.")
                % {"name": parent, "sheet": SHEET_ORGS},
            )
        else:
            parent_kind = final[parent].kind if parent is not None else None
            if parent is None or parent_kind is not None:
                problem = rules.parent_problem(kind, parent_kind)
                if problem:
                    problems.add(raw.row, COL_ORG_PARENT, problem)
            moved = current is None or current.parent != parent
            if parent is not None and moved and not final[parent].is_active:
                problems.add(
                    raw.row, COL_ORG_PARENT, _("The parent organisation %(name)s is deactivated.") % {"name": parent}
                )
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
                    problems.add(
                        raw.row,
                        COL_ORG_KIND,
                        _("With this kind, %(child)s (which sits under it) would break the rules: %(problem)s")
                        % {"child": child, "problem": problem},
                    )
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
        plan.orgs = sorted(
            (OrgChange(c.row, c.name, c.kind, c.parent, c.sort_order, depth[c.name], c.existing) for c in plan.orgs),
            key=lambda c: (c.depth, c.row),
        )
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
                name=raw.text(COL_NAME), staff_no=staff_no, phone=raw.text(COL_PHONE), gender=gender
            )
        except ValidationError as error:
            fields = None
            for key, messages in error.message_dict.items():
                problems.add(raw.row, _PERSON_COLUMNS.get(key, COL_STAFF_NO), " ".join(messages))
        if staff_no and staff_no in rows_of:
            problems.add(
                raw.row,
                COL_STAFF_NO,
                _("Staff number %(no)s is already in row %(row)d.") % {"no": staff_no, "row": rows_of[staff_no]},
            )
            continue
        if staff_no:
            rows_of[staff_no] = raw.row
        current = existing.people.get(staff_no)
        if fields is None:
            if staff_no:  # known for the 职务 sheet, so its rows are not reported as unknown too
                in_file[staff_no] = current or PersonState(staff_no, raw.text(COL_NAME))
            continue
        state = PersonState(
            fields["staff_no"],
            fields["name"],
            fields["phone"],
            fields["gender"],
            is_party_member,
            current.is_active if current else True,
            current.pk if current else None,
        )
        in_file[state.staff_no] = state
        if current is None and state.staff_no in existing.usernames:
            # services.create_person never takes over an existing login: the new person's would clash.
            problems.add(
                raw.row,
                COL_STAFF_NO,
                _("Staff number %(no)s is already used as a login name.") % {"no": state.staff_no},
            )
        if len(plan.problems) > before:
            continue
        change = PersonChange(raw.row, state.staff_no, state.name, state.phone, state.gender, is_party_member, current)
        if current is None:
            plan.people.append(change)
        elif (current.name, current.phone, current.gender, current.is_party_member) != (
            state.name,
            state.phone,
            state.gender,
            state.is_party_member,
        ):
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


def _plan_positions(
    rows: list[RawRow],
    existing: Existing,
    final_orgs: Mapping[str, OrgState],
    people_in_file: Mapping[str, PersonState],
    plan: ImportPlan,
) -> None:
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
            problems.add(
                raw.row,
                COL_STAFF_NO,
                _("Staff number %(no)s is neither in the sheet 「%(sheet)s」 nor in the system.")
                % {"no": staff_no, "sheet": SHEET_PEOPLE},
            )
        org_name = clean_org_name(raw.text(COL_ORG_NAME))
        org = final_orgs.get(org_name)
        if not org_name:
            problems.add(raw.row, COL_ORG_NAME, _("Enter the organisation's name."))
        elif org is None:
            problems.add(
                raw.row,
                COL_ORG_NAME,
                _("The organisation %(name)s is neither in the sheet 「%(sheet)s」 nor in the system.")
                % {"name": org_name, "sheet": SHEET_ORGS},
            )
        role_text = raw.text(COL_ROLE)
        role = ROLE_BY_LABEL.get(role_text)
        if role is None:
            problems.add(
                raw.row,
                COL_ROLE,
                _choice_problem(role_text, ROLE_BY_LABEL)
                if role_text
                else _("Enter the position: one of %(choices)s.") % {"choices": "、".join(ROLE_BY_LABEL)},
            )
        start = end = None
        if raw.text(COL_START) == "":
            problems.add(raw.row, COL_START, _("Enter the start date."))
        else:
            try:
                start = parse_date(raw.cells.get(COL_START))
            except ValueError:
                problems.add(
                    raw.row,
                    COL_START,
                    _("“%(value)s” is not a date; write dates like 2024-09-01.") % {"value": raw.text(COL_START)},
                )
        if raw.text(COL_END) != "":
            try:
                end = parse_date(raw.cells.get(COL_END))
            except ValueError:
                problems.add(
                    raw.row,
                    COL_END,
                    _("“%(value)s” is not a date; write dates like 2024-09-01.") % {"value": raw.text(COL_END)},
                )
        if start and end and end < start:
            problems.add(raw.row, COL_END, _("The end date cannot be before the start date."))
        if len(plan.problems) > before or person is None or org is None or role is None or start is None:
            continue
        key: PositionKey = (staff_no, org_name, role, start)
        if key in rows_of:
            problems.add(
                raw.row,
                COL_ROLE,
                _("The same position (staff number, organisation, position and start date) is already in row %(row)d.")
                % {"row": rows_of[key]},
            )
            continue
        rows_of[key] = raw.row
        current = existing.positions.get(key)
        change = PositionChange(raw.row, staff_no, org_name, role, start, end, current)
        if current is not None:
            if current.end == end:
                plan.positions_unchanged += 1
            elif end is None:
                problems.add(
                    raw.row,
                    COL_END,
                    _(
                        "This term already ended on %(date)s; an import cannot reopen it. Enter that end date "
                        "or a later one."
                    )
                    % {"date": current.end},
                )
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
                start, end, person.name, raw.row, current is None or current.end != end
            )
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
    return (
        SHEETS.index(problem.sheet) if problem.sheet in SHEETS else len(SHEETS),
        problem.row or 0,
        columns.index(problem.column) if problem.column in columns else -1,
    )


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
