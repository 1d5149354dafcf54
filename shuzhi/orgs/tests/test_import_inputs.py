"""The Excel import applies the text and number rules of every other path (shuzhi.core.inputs): a
cell with a control character, or a sort order beyond the pages' limit, is a problem at its sheet,
row and column, and nothing is written — on PostgreSQL too, which cannot store a NUL."""

import pytest

from shuzhi.core.inputs import MAX_SORT_ORDER
from shuzhi.orgs import importing
from shuzhi.orgs.tests.test_import import GOOD_ORGS, GOOD_PEOPLE, good_file, problems_of, run, where


def _with(rows, index, column, value):
    changed = [list(row) for row in rows]
    changed[index][column] = value
    return changed


@pytest.mark.parametrize("cell", ["张\x7f三", "张\x85三"])
def test_a_control_character_in_a_cell_is_a_problem_at_its_cell(college, cell):
    # C0 controls cannot be written into an .xlsx at all; DEL and the C1 controls can.
    file = good_file(people=_with(GOOD_PEOPLE, 1, 0, cell))
    problems = problems_of(college.org_dept, file)
    assert (importing.SHEET_PEOPLE, 3, "姓名") in where(problems)
    [message] = [p.message for p in problems if p.column == "姓名"]
    assert message.startswith("第 2 个字符是不可见的控制字符（U+")


def test_a_nul_in_any_cell_read_is_a_problem_at_its_cell(college):
    cells = dict(
        zip(importing.HEADERS[importing.SHEET_ORGS], ["丙学院\x00党总支", "党总支", "学校党委", 1], strict=False)
    )
    parsed = importing.ParsedWorkbook(orgs=[importing.RawRow(2, cells)])
    problems = importing.plan_import(parsed, importing.load_existing()).problems
    assert (importing.SHEET_ORGS, 2, "组织名称") in where(problems)


@pytest.mark.parametrize("sort_order", [MAX_SORT_ORDER + 1, 2**31, 10**20, "99999999999999999999", "١"])
def test_a_sort_order_beyond_the_limit_of_every_path_is_a_problem(college, sort_order):
    file = good_file(orgs=_with(GOOD_ORGS, 0, 3, sort_order))
    assert where(problems_of(college.org_dept, file)) == {(importing.SHEET_ORGS, 2, "排序")}


def test_the_largest_sort_order_of_every_path_is_imported(college):
    run(college.org_dept, good_file(orgs=_with(GOOD_ORGS, 0, 3, MAX_SORT_ORDER)))
    from shuzhi.orgs.models import Organization

    assert Organization.objects.get(name="丙学院党总支").sort_order == MAX_SORT_ORDER
