"""The pure tree rules, including property tests."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from shuzhi.orgs.models import OrgKind
from shuzhi.orgs.rules import creates_cycle, overlapping_term, parent_problem, terms_overlap


def test_branch_must_sit_under_general_branch():
    assert parent_problem(OrgKind.BRANCH, OrgKind.GENERAL_BRANCH) is None
    assert parent_problem(OrgKind.BRANCH, OrgKind.COMMITTEE) is not None
    assert parent_problem(OrgKind.BRANCH, None) is not None


def test_general_and_direct_branches_sit_under_the_committee():
    for kind in (OrgKind.GENERAL_BRANCH, OrgKind.DIRECT_BRANCH):
        assert parent_problem(kind, OrgKind.COMMITTEE) is None
        assert parent_problem(kind, OrgKind.GENERAL_BRANCH) is not None
        assert parent_problem(kind, OrgKind.BRANCH) is not None


def test_committee_is_the_root():
    assert parent_problem(OrgKind.COMMITTEE, None) is None
    assert parent_problem(OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH) is not None


def test_moving_a_node_under_its_descendant_is_a_cycle():
    parent_of = {"a": None, "b": "a", "c": "b"}
    assert creates_cycle("a", "c", parent_of)
    assert creates_cycle("b", "b", parent_of)
    assert not creates_cycle("c", "a", parent_of)


@given(
    st.dictionaries(st.integers(0, 30), st.one_of(st.none(), st.integers(0, 30)), max_size=30),
    st.integers(0, 30),
    st.integers(0, 30),
)
def test_no_move_accepted_by_creates_cycle_ever_makes_a_loop(parent_of, node, new_parent):
    """If creates_cycle says a move is fine, walking up from node afterwards never returns to node
    (given the tree had no loop through node before)."""
    if creates_cycle(node, None, parent_of):
        return
    if not creates_cycle(node, new_parent, parent_of):
        after = dict(parent_of)
        after[node] = new_parent
        seen = set()
        current = after.get(node)
        while current is not None and current not in seen:
            assert current != node
            seen.add(current)
            current = after.get(current)


dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 1, 1))


@given(dates, st.one_of(st.none(), dates), dates, st.one_of(st.none(), dates))
def test_term_overlap_is_symmetric_and_matches_day_by_day_definition(a_start, a_end, b_start, b_end):
    if a_end is not None and a_end < a_start:
        a_start, a_end = a_end, a_start
    if b_end is not None and b_end < b_start:
        b_start, b_end = b_end, b_start
    result = terms_overlap(a_start, a_end, b_start, b_end)
    assert result == terms_overlap(b_start, b_end, a_start, a_end)
    latest_start = max(a_start, b_start)
    earliest_end = min(a_end or datetime.date.max, b_end or datetime.date.max)
    assert result == (latest_start <= earliest_end)


def test_overlapping_term_names_the_clashing_term():
    d = datetime.date
    terms = [(d(2020, 1, 1), d(2021, 12, 31)), (d(2023, 1, 1), None)]
    assert overlapping_term(d(2022, 1, 1), d(2022, 12, 31), terms) is None
    assert overlapping_term(d(2021, 12, 31), d(2022, 6, 1), terms) == terms[0]
    assert overlapping_term(d(2030, 1, 1), None, terms) == terms[1]
