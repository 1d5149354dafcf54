"""The Excel import: parsing, validation (row + column + reason), all-or-nothing apply, idempotence.

Test files are built here with openpyxl; no binary fixtures. Messages are checked through what they
name (rows, organisations, numbers), not their wording, which the translation catalogue changes."""

from __future__ import annotations

import datetime
import io
import time
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext
from openpyxl import Workbook

from shuzhi.audit.models import AuditEvent
from shuzhi.audit.verbs import Verb
from shuzhi.cycles.models import Review, SecretaryChange
from shuzhi.orgs import importing, services
from shuzhi.orgs.importing import HEADERS, SHEETS, ImportFileError, ImportRejected
from shuzhi.orgs.models import Organization, OrgKind, Person, Position, PositionRole

D = datetime.date
PASSWORD = "Import-start-2026"

GOOD_ORGS = [
    ("丙学院党总支", "党总支", "学校党委", 3),
    ("丙学院教工党支部", "党支部", "丙学院党总支", 1),
    ("丙学院学生党支部", "党支部", "丙学院党总支", 2),
    ("后勤直属党支部", "直属党支部", "学校党委", 9),
]
GOOD_PEOPLE = [
    ("张三", "80001", "13800000001", "男", "是"),
    ("李四", "80002", "13800000002", "女", "是"),
    ("王五", "80003", None, None, "否"),
]
GOOD_POSITIONS = [
    ("80001", "丙学院党总支", "书记", D(2024, 1, 1), None),
    ("80002", "丙学院教工党支部", "书记", "2024-03-01", None),
    ("80003", "丙学院教工党支部", "委员", "2024/3/1", "2025-02-28"),
    ("90002", "丙学院学生党支部", "副书记", D(2024, 9, 1), None),  # a person already in the system
]


def make_xlsx(orgs=(), people=(), positions=(), *, headers=None, sheets=SHEETS, name="import.xlsx") -> io.BytesIO:
    """An import workbook with the given data rows below the template headers (or `headers` per sheet)."""
    workbook = Workbook(write_only=True)
    rows = {importing.SHEET_ORGS: orgs, importing.SHEET_PEOPLE: people, importing.SHEET_POSITIONS: positions}
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(list((headers or {}).get(sheet, HEADERS[sheet])))
        for row in rows.get(sheet, ()):
            worksheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = name
    return out


def good_file(**changes) -> io.BytesIO:
    return make_xlsx(
        changes.get("orgs", GOOD_ORGS), changes.get("people", GOOD_PEOPLE), changes.get("positions", GOOD_POSITIONS)
    )


def db_state() -> tuple:
    """Everything the import may write, to compare before and after."""
    return (
        list(
            Organization.objects.order_by("pk").values_list(
                "pk", "name", "kind", "parent", "sort_order", "is_active", "updated_at"
            )
        ),
        list(
            Person.objects.order_by("pk").values_list(
                "pk", "staff_no", "name", "phone", "gender", "is_party_member", "user", "updated_at"
            )
        ),
        list(
            Position.objects.order_by("pk").values_list(
                "pk", "person", "organization", "role", "start_date", "end_date", "updated_at"
            )
        ),
        list(get_user_model().objects.order_by("pk").values_list("pk", "username", "password", "must_change_password")),
        AuditEvent.objects.count(),
    )


def run(actor, file, password: str = PASSWORD) -> importing.ImportSummary:
    return importing.apply(actor, importing.parse_workbook(file), password, file_name=getattr(file, "name", ""))


def problems_of(actor, file) -> list[importing.ImportProblem]:
    """The problems reported for a file, asserting that nothing was written."""
    before = db_state()
    try:
        run(actor, file)
    except (ImportRejected, ImportFileError) as error:
        problems = error.problems
    else:
        pytest.fail("the file was imported")
    assert db_state() == before
    return problems


def where(problems) -> set[tuple[str, int | None, str]]:
    return {(p.sheet, p.row, p.column) for p in problems}


# --- A good file ------------------------------------------------------------------------------


def test_a_good_file_creates_the_tree_people_positions_and_accounts(college):
    last = AuditEvent.objects.latest("id").pk
    summary = run(college.org_dept, good_file())

    assert (summary.orgs_created, summary.people_created, summary.positions_created) == (4, 3, 4)
    assert summary.accounts_created == 3 and summary.changed
    gb = Organization.objects.get(name="丙学院党总支")
    assert gb.kind == OrgKind.GENERAL_BRANCH and gb.parent == college.committee and gb.sort_order == 3
    assert Organization.objects.get(name="丙学院教工党支部").parent == gb
    assert Organization.objects.get(name="后勤直属党支部").kind == OrgKind.DIRECT_BRANCH
    wang = Person.objects.get(staff_no="80003")
    assert (wang.name, wang.phone, wang.gender, wang.is_party_member) == ("王五", "", "", False)
    li = Person.objects.get(staff_no="80002")
    assert (li.phone, li.gender, li.is_party_member) == ("13800000002", "F", True)
    assert li.user.username == "80002" and li.user.must_change_password and li.user.check_password(PASSWORD)
    term = Position.objects.get(person=wang)
    assert (term.role, term.start_date, term.end_date) == (PositionRole.MEMBER, D(2024, 3, 1), D(2025, 2, 28))
    assert (
        Position.objects.get(person=college.committee_member.person, organization__name="丙学院学生党支部").role
        == PositionRole.DEPUTY_SECRETARY
    )

    by_type = sorted((e.action, e.object_type) for e in AuditEvent.objects.filter(pk__gt=last))
    assert by_type == sorted(
        [("create", "orgs.organization")] * 4
        + [("create", "orgs.person")] * 3
        + [("create", "orgs.position")] * 4
        + [("import", "")]
    )
    summary_event = AuditEvent.objects.filter(action="import").get()
    assert summary_event.actor == college.org_dept and summary_event.object_repr == "import.xlsx"
    assert summary_event.after["people_created"] == 3 and summary_event.after["positions_created"] == 4


def test_reimporting_the_same_file_changes_nothing(college):
    run(college.org_dept, good_file())
    before = db_state()
    summary = run(college.org_dept, good_file(), password="Another-pass-2026")
    assert not summary.changed
    assert (summary.orgs_unchanged, summary.people_unchanged, summary.positions_unchanged) == (4, 3, 4)
    assert db_state() == before  # no new rows, no changed rows, no new audit events


def test_a_file_that_restates_the_existing_tree_changes_nothing(college):
    before = db_state()
    orgs = [
        ("学校党委", "党委", None, 0),
        ("甲学院党总支", "党总支", "学校党委", 0),
        ("甲学院教工党支部", "党支部", "甲学院党总支", 0),
    ]
    positions = [("90005", "甲学院教工党支部", "书记", "2024-01-01", None)]
    summary = run(college.org_dept, make_xlsx(orgs, [("支书甲一", "90005", None, "男", "是")], positions))
    assert not summary.changed and summary.orgs_unchanged == 3 and summary.positions_unchanged == 1
    assert db_state() == before


def test_a_corrected_file_updates_by_staff_number_and_organisation_name(college):
    run(college.org_dept, good_file())
    zhang = Person.objects.get(staff_no="80001")
    password_hash = zhang.user.password
    last = AuditEvent.objects.latest("id").pk
    orgs = [list(r) for r in GOOD_ORGS]
    orgs[0][3] = 7  # sort order
    orgs[2][2] = "甲学院党总支"  # move 丙学院学生党支部
    people = [list(r) for r in GOOD_PEOPLE]
    people[0][1:4] = ["80001", "13900000009", "女"]
    people[2][4] = "是"
    positions = [list(r) for r in GOOD_POSITIONS]
    positions[1][4] = D(2025, 6, 30)  # 李四's secretary term ends
    positions.append(("80003", "丙学院教工党支部", "书记", "2025-07-01", None))  # and 王五 follows her

    summary = run(college.org_dept, make_xlsx(orgs, people, positions), password="Other-pass-2026")

    assert (summary.orgs_updated, summary.people_updated, summary.positions_ended, summary.positions_created) == (
        2,
        2,
        1,
        1,
    )
    assert summary.people_created == 0 and summary.accounts_created == 0
    assert Organization.objects.get(name="丙学院党总支").sort_order == 7
    assert Organization.objects.get(name="丙学院学生党支部").parent.name == "甲学院党总支"
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.gender) == ("13900000009", "F")
    assert Person.objects.get(staff_no="80003").is_party_member
    assert zhang.user.password == password_hash  # existing accounts are not touched
    assert Position.objects.get(person__staff_no="80002", role="secretary").end_date == D(2025, 6, 30)
    assert Position.objects.filter(organization__name="丙学院教工党支部", role="secretary").count() == 2
    new = list(AuditEvent.objects.filter(pk__gt=last).order_by("id"))
    assert sorted((e.action, e.object_type, e.note) for e in new) == sorted(
        [
            ("update", "orgs.organization", ""),
            ("update", "orgs.organization", gettext("moved")),
            ("update", "orgs.person", ""),
            ("update", "orgs.person", ""),
            ("update", "orgs.position", gettext("term ended")),
            ("create", "orgs.position", ""),
            ("import", "", new[-1].note),
        ]
    )


def test_an_organisation_may_change_kind_when_the_tree_still_holds(college):
    orgs = [("机关直属党支部", "党支部", "乙学院党总支", 0)]
    summary = run(college.org_dept, make_xlsx(orgs))
    direct = Organization.objects.get(pk=college.direct.pk)
    assert summary.orgs_updated == 1
    assert direct.kind == OrgKind.BRANCH and direct.parent == college.gb_b
    event = AuditEvent.objects.filter(object_type="orgs.organization", object_id=str(direct.pk)).latest("id")
    assert event.before["kind"] == "direct_branch" and event.after["kind"] == "branch"
    assert event.after["parent"] == "乙学院党总支"


def test_a_staff_number_already_used_as_a_login_name_is_refused(college):
    problems = problems_of(college.org_dept, make_xlsx(people=[("局外人", "outsider", None, None, None)]))
    assert where(problems) == {("人员", 2, "工号")}


# --- Problems: each leaves the database unchanged and names sheet, row and column -----------------


def test_a_file_that_is_not_an_xlsx_is_refused(college):
    file = io.BytesIO("姓名,工号\n张三,80001\n".encode())
    file.name = "people.xlsx"
    with pytest.raises(ImportFileError):
        run(college.org_dept, file)


def test_a_zip_that_is_not_a_workbook_is_refused(college):
    file = io.BytesIO()
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    file.seek(0)
    before = db_state()
    with pytest.raises(ImportFileError):
        run(college.org_dept, file)
    assert db_state() == before


def test_an_old_xls_file_is_refused(college):
    with pytest.raises(ImportFileError) as error:
        run(college.org_dept, io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))
    assert ".xlsx" in error.value.message


def test_an_empty_file_is_refused(college):
    with pytest.raises(ImportFileError):
        run(college.org_dept, io.BytesIO(b""))


def test_a_workbook_without_data_rows_is_nothing_to_do(college):
    before = db_state()
    with pytest.raises(ImportFileError) as error:
        run(college.org_dept, make_xlsx())
    assert error.value.problems == [] and db_state() == before


def test_an_untouched_template_is_nothing_to_do(college):
    with pytest.raises(ImportFileError) as error:
        importing.parse_workbook(io.BytesIO(importing.build_template()))
    assert error.value.problems == []


def test_a_missing_header_names_the_sheet_and_the_header(college):
    headers = {importing.SHEET_PEOPLE: ("姓名", "工号", "电话", "性别", "是否党员")}
    problems = problems_of(college.org_dept, make_xlsx(people=GOOD_PEOPLE, headers=headers))
    assert where(problems) == {("人员", 1, "手机号")}
    assert "手机号" in problems[0].message


def test_headers_in_another_order_are_accepted(college):
    headers = {importing.SHEET_PEOPLE: ("工号", "姓名", "是否党员", "性别", "手机号", "备注")}
    summary = run(
        college.org_dept, make_xlsx(people=[("80009", "赵六", "否", "女", "13800000000", "随便")], headers=headers)
    )
    person = Person.objects.get(staff_no="80009")
    assert summary.people_created == 1 and (person.name, person.gender, person.is_party_member) == ("赵六", "F", False)


def test_a_missing_sheet_is_named(college):
    problems = problems_of(college.org_dept, make_xlsx(people=GOOD_PEOPLE, sheets=("组织", "人员")))
    assert where(problems) == {("职务", None, "")}


def test_duplicate_staff_numbers_are_reported(college):
    people = [*GOOD_PEOPLE, ("张三三", "80001", None, None, None)]
    problems = problems_of(college.org_dept, good_file(people=people))
    assert where(problems) == {("人员", 5, "工号")}
    assert "2" in problems[0].message  # points at the first row with that number


def test_duplicate_organisation_names_are_reported(college):
    orgs = [*GOOD_ORGS, ("丙学院党总支", "党总支", "学校党委", 0)]
    assert where(problems_of(college.org_dept, good_file(orgs=orgs))) == {("组织", 6, "组织名称")}


def test_an_unknown_parent_is_reported(college):
    orgs = [("丁学院教工党支部", "党支部", "丁学院党总支", 0)]
    problems = problems_of(college.org_dept, make_xlsx(orgs))
    assert where(problems) == {("组织", 2, "上级组织")} and "丁学院党总支" in problems[0].message


def test_a_cycle_among_parents_is_reported(college):
    orgs = [("甲党总支", "党总支", "乙党总支", 0), ("乙党总支", "党总支", "甲党总支", 0)]
    problems = problems_of(college.org_dept, make_xlsx(orgs))
    assert where(problems) == {("组织", 2, "上级组织"), ("组织", 3, "上级组织")}
    assert all("甲党总支" in p.message and "乙党总支" in p.message for p in problems)


def test_an_organisation_cannot_be_its_own_parent(college):
    problems = problems_of(college.org_dept, make_xlsx([("自环党总支", "党总支", "自环党总支", 0)]))
    assert where(problems) == {("组织", 2, "上级组织")}


@pytest.mark.parametrize(
    "row",
    [
        ("错位党支部", "党支部", "学校党委", 0),
        ("错位党总支", "党总支", "甲学院党总支", 0),
        ("错位直属党支部", "直属党支部", "甲学院党总支", 0),
        ("无上级党支部", "党支部", None, 0),
    ],
)
def test_invalid_kind_combinations_are_reported(college, row):
    problems = problems_of(college.org_dept, make_xlsx([row]))
    assert {(p.sheet, p.row) for p in problems} == {("组织", 2)}
    assert problems[0].column in ("上级组织", "组织类型")


def test_a_second_committee_is_refused(college):
    problems = problems_of(college.org_dept, make_xlsx([("另一个党委", "党委", None, 0)]))
    assert where(problems) == {("组织", 2, "组织类型")}


def test_a_kind_change_that_breaks_the_branches_below_is_refused(college):
    problems = problems_of(college.org_dept, make_xlsx([("甲学院党总支", "直属党支部", "学校党委", 0)]))
    assert where(problems) == {("组织", 2, "组织类型")}
    assert any("甲学院教工党支部" in p.message for p in problems)


def test_an_organisation_under_a_deactivated_parent_is_refused(college):
    services.deactivate_organization(college.org_dept, college.branch_b1)
    services.deactivate_organization(college.org_dept, college.gb_b)
    problems = problems_of(college.org_dept, make_xlsx([("乙学院新党支部", "党支部", "乙学院党总支", 0)]))
    assert where(problems) == {("组织", 2, "上级组织")}


@pytest.mark.parametrize(
    "column, value", [("组织类型", "党小组"), ("排序", "第一"), ("排序", -1), ("组织名称", "长" * 101)]
)
def test_bad_organisation_cells_are_reported(college, column, value):
    row = dict(zip(HEADERS["组织"], ("新党总支", "党总支", "学校党委", 0), strict=True))
    row[column] = value
    assert where(problems_of(college.org_dept, make_xlsx([tuple(row.values())]))) == {("组织", 2, column)}


def test_overlapping_secretary_terms_with_the_database_are_reported(college):
    positions = [("90002", "甲学院教工党支部", "书记", "2025-01-01", None)]  # 90005 is secretary since 2024
    problems = problems_of(college.org_dept, make_xlsx(positions=positions))
    assert where(problems) == {("职务", 2, "任职开始日期")} and "支书甲一" in problems[0].message


def test_overlapping_secretary_terms_within_the_file_are_reported(college):
    positions = [
        ("80001", "丙学院教工党支部", "书记", "2024-01-01", "2024-12-31"),
        ("80002", "丙学院教工党支部", "书记", "2024-12-31", None),
        ("80003", "丙学院教工党支部", "书记", "2023-01-01", "2023-12-31"),
    ]  # no overlap
    problems = problems_of(college.org_dept, good_file(positions=positions))
    assert where(problems) == {("职务", 2, "任职开始日期"), ("职务", 3, "任职开始日期")}


def test_a_new_secretary_after_the_old_term_ends_in_the_same_file_is_fine(college):
    positions = [
        ("90005", "甲学院教工党支部", "书记", "2024-01-01", "2025-06-30"),
        ("90002", "甲学院教工党支部", "书记", "2025-07-01", None),
    ]
    summary = run(college.org_dept, make_xlsx(positions=positions))
    assert (summary.positions_ended, summary.positions_created) == (1, 1)


@pytest.mark.parametrize(
    "start, end, column",
    [
        ("2024-13-01", None, "任职开始日期"),
        ("昨天", None, "任职开始日期"),
        (None, None, "任职开始日期"),
        ("2024-01-01", "2023-12-31", "任职结束日期"),
        ("2024-01-01", "2024-02-30", "任职结束日期"),
    ],
)
def test_bad_dates_are_reported(college, start, end, column):
    positions = [("90002", "甲学院学生党支部", "委员", start, end)]
    assert where(problems_of(college.org_dept, make_xlsx(positions=positions))) == {("职务", 2, column)}


@pytest.mark.parametrize(
    "column, value",
    [
        ("手机号", "138-abc-0000"),
        ("手机号", "1" * 21),
        ("性别", "M"),
        ("是否党员", "Y"),
        ("姓名", None),
        ("工号", "工号一"),
        ("工号", None),
    ],
)
def test_bad_person_cells_are_reported(college, column, value):
    row = dict(zip(HEADERS["人员"], ("赵六", "80009", "13800000000", "男", "是"), strict=True))
    row[column] = value
    assert where(problems_of(college.org_dept, make_xlsx(people=[tuple(row.values())]))) == {("人员", 2, column)}


def test_a_staff_number_in_positions_must_be_in_the_file_or_the_system(college):
    positions = [("99999", "甲学院学生党支部", "委员", "2024-01-01", None)]
    problems = problems_of(college.org_dept, make_xlsx(positions=positions))
    assert where(problems) == {("职务", 2, "工号")} and "99999" in problems[0].message


def test_an_organisation_in_positions_must_be_in_the_file_or_the_system(college):
    positions = [("90002", "不存在的党支部", "委员", "2024-01-01", None)]
    assert where(problems_of(college.org_dept, make_xlsx(positions=positions))) == {("职务", 2, "组织名称")}


def test_an_unknown_position_label_is_reported(college):
    positions = [("90002", "甲学院学生党支部", "支部书记", "2024-01-01", None)]
    assert where(problems_of(college.org_dept, make_xlsx(positions=positions))) == {("职务", 2, "职务")}


def test_org_dept_staff_must_belong_to_the_committee(college):
    positions = [("90002", "甲学院学生党支部", "组织统战部工作人员", "2024-01-01", None)]
    assert where(problems_of(college.org_dept, make_xlsx(positions=positions))) == {("职务", 2, "职务")}


def test_an_ended_term_cannot_be_reopened_by_import(college):
    position = Position.objects.get(person__staff_no="90005")
    services.end_position(college.org_dept, position, D(2024, 12, 31))
    positions = [("90005", "甲学院教工党支部", "书记", "2024-01-01", None)]
    assert where(problems_of(college.org_dept, make_xlsx(positions=positions))) == {("职务", 2, "任职结束日期")}


def test_appointing_a_deactivated_person_is_refused(college):
    services.deactivate_person(college.org_dept, college.committee_member.person)
    positions = [("90002", "甲学院学生党支部", "委员", "2024-01-01", None)]
    assert where(problems_of(college.org_dept, make_xlsx(positions=positions))) == {("职务", 2, "工号")}


def test_one_bad_row_among_many_good_ones_writes_nothing(college):
    people = [
        *GOOD_PEOPLE,
        *[(f"人员{i}", f"81{i:03d}", None, None, None) for i in range(100)],
        ("坏电话", "82000", "电话", None, None),
    ]
    problems = problems_of(college.org_dept, good_file(people=people))
    assert where(problems) == {("人员", 105, "手机号")}


def test_every_problem_of_the_file_is_reported_in_sheet_row_and_column_order(college):
    orgs = [("坏党支部", "党支部", "学校党委", 0)]
    people = [("张三", "80001", "abc", "X", None)]
    positions = [("99999", "甲学院学生党支部", "委员", "坏日期", None)]
    problems = problems_of(college.org_dept, make_xlsx(orgs, people, positions))
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("组织", 2, "上级组织"),
        ("人员", 2, "手机号"),
        ("人员", 2, "性别"),
        ("职务", 2, "工号"),
        ("职务", 2, "任职开始日期"),
    ]
    assert all(p.message for p in problems)


def test_a_weak_initial_password_is_refused_before_anything_is_written(college):
    from django.core.exceptions import ValidationError

    before = db_state()
    with pytest.raises(ValidationError):
        run(college.org_dept, good_file(), password="123")
    assert db_state() == before


def test_checking_a_file_reads_the_database_once_and_not_per_row(college, django_assert_num_queries):
    parsed = importing.parse_workbook(good_file())
    with django_assert_num_queries(4):  # organisations, people, positions, login names
        existing = importing.load_existing()
    with django_assert_num_queries(0):
        assert importing.validate(parsed, existing) == []


# --- Size ---------------------------------------------------------------------------------------


def test_more_than_20000_rows_are_refused_with_the_limit(college):
    people = [(f"人员{i}", f"6{i:06d}", None, None, None) for i in range(20_001)]
    before = db_state()
    with pytest.raises(ImportFileError) as error:
        run(college.org_dept, make_xlsx(people=people))
    assert "20000" in error.value.message
    assert db_state() == before


def test_a_file_over_5_mb_is_refused_before_it_is_opened(college):
    with pytest.raises(ImportFileError) as error:
        importing.parse_workbook(io.BytesIO(b"PK\x03\x04" + b"\0" * importing.MAX_UPLOAD_BYTES))
    assert "5" in error.value.message


def big_file() -> io.BytesIO:
    """20,000 valid data rows: 20 general branches with 10 branches each (a large college), 10,000 people,
    and 9,780 positions: a secretary for each of the 220 organisations, the rest committee members."""
    orgs, people, positions = [], [], []
    for g in range(20):
        orgs.append((f"第{g}党总支", "党总支", "学校党委", g))
        orgs.extend((f"第{g}党总支第{b}党支部", "党支部", f"第{g}党总支", b) for b in range(10))
    for i in range(10_000):
        people.append((f"人员{i}", f"5{i:05d}", f"139{i:08d}", "男" if i % 2 else "女", "是"))
    names = [name for name, _kind, _parent, _order in orgs]
    for i in range(20_000 - len(orgs) - len(people)):
        role = "书记" if i < len(names) else "委员"
        positions.append((f"5{i:05d}", names[i % len(names)], role, D(2024, 1, 1), None))
    return make_xlsx(orgs, people, positions, name="big.xlsx")


def test_a_20000_row_file_imports_and_reimports_as_nothing_to_do(college):
    file = big_file()
    started, cpu = time.perf_counter(), time.process_time()
    summary = run(college.org_dept, file)
    print(
        f"\n20,000-row import: {time.perf_counter() - started:.1f} s "
        f"({time.process_time() - cpu:.1f} s CPU in this process)"
    )
    assert (summary.orgs_created, summary.people_created, summary.positions_created) == (220, 10_000, 9_780)
    assert summary.orgs_created + summary.people_created + summary.positions_created == 20_000
    assert summary.accounts_created == 10_000
    assert Person.objects.filter(staff_no__startswith="5").count() == 10_000
    assert Position.objects.filter(role="secretary", organization__name__contains="第").count() == 220
    assert AuditEvent.objects.filter(action="create", object_type="orgs.person").count() >= 10_000
    person = Person.objects.get(staff_no="509999")
    assert person.user.check_password(PASSWORD) and person.user.must_change_password

    file.seek(0)
    before = db_state()
    started, cpu = time.perf_counter(), time.process_time()
    again = run(college.org_dept, file)
    print(
        f"20,000-row re-import (nothing to do): {time.perf_counter() - started:.1f} s "
        f"({time.process_time() - cpu:.1f} s CPU in this process)"
    )
    assert not again.changed and again.people_unchanged == 10_000
    assert db_state() == before


def _normalised_events(after_id: int) -> list[tuple]:
    """The audit events after `after_id` without ids and times, which differ between runs."""
    return sorted(
        (
            e.action,
            e.verb,
            Person.objects.filter(pk=e.person_id).values_list("staff_no", flat=True).first(),
            e.object_type,
            e.object_repr,
            str(e.before),
            str(e.after),
            e.note,
            e.actor_id,
            e.actor_name,
            e.ip,
            Organization.objects.filter(pk=e.organization_id).values_list("name", flat=True).first(),
        )
        for e in AuditEvent.objects.filter(pk__gt=after_id)
    )


class _Rollback(Exception):
    pass


def _import_and_roll_back(actor, file) -> tuple:
    """Import `file`, note what it wrote (the open Reviews included), then undo it all."""
    last = AuditEvent.objects.latest("id").pk
    try:
        with transaction.atomic():
            summary = run(actor, file)
            result = (
                summary,
                sorted(
                    Person.objects.values_list(
                        "staff_no", "name", "phone", "gender", "is_party_member", "user__username"
                    )
                ),
                sorted(
                    Position.objects.values_list(
                        "person__staff_no", "organization__name", "role", "start_date", "end_date"
                    )
                ),
                sorted(
                    get_user_model().objects.values_list(
                        "username", "must_change_password", "is_active", "is_staff", "is_superuser", "last_login"
                    )
                ),
                _normalised_events(last),
                sorted(Review.objects.values_list("organization__name", "secretary__staff_no")),
                sorted(
                    SecretaryChange.objects.values_list(
                        "review__organization__name", "old_secretary__staff_no", "new_secretary__staff_no"
                    )
                ),
            )
            raise _Rollback
    except _Rollback:
        return result


def test_the_bulk_path_writes_the_same_rows_and_audit_records_as_the_services(college, cycle, monkeypatch):
    """Both paths move the open Review to the new secretary, recorded in the actor's name."""
    positions = [
        *GOOD_POSITIONS,
        ("90005", "甲学院教工党支部", "书记", "2024-01-01", "2025-06-30"),
        ("80003", "甲学院教工党支部", "书记", "2025-07-01", None),
    ]
    people = [*GOOD_PEOPLE, ("委员乙", "90002", "13700000000", "男", "是")]
    monkeypatch.setattr(importing.applying, "BULK_THRESHOLD", 10_000)
    through_services = _import_and_roll_back(college.org_dept, good_file(people=people, positions=positions))
    monkeypatch.setattr(importing.applying, "BULK_THRESHOLD", 0)
    in_bulk = _import_and_roll_back(college.org_dept, good_file(people=people, positions=positions))

    assert through_services == in_bulk
    summary, _people, _positions, _accounts, events, reviews, changes = in_bulk
    assert summary.people_created == 3 and summary.positions_ended == 1
    assert len([e for e in events if e[3] != "cycles.review"]) == 4 + 3 + 1 + 5 + 1 + 1  # orgs, new people,
    # 1 changed person, positions, end, import; and the Reviews: the moved one, those of new secretaries
    assert ("甲学院教工党支部", "80003") in reviews
    assert changes == [("甲学院教工党支部", "90005", "80003")]
    moved = [e for e in events if e[1] == Verb.REVIEW_SECRETARY_CHANGED]
    assert len(moved) == 1 and moved[0][8] == college.org_dept.pk  # actor_id: who imported the file
    assert all(e[8] == college.org_dept.pk for e in events if e[3] == "cycles.review")
