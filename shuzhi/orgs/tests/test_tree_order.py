"""The one tree order of organisations (orgs.tree): 学校党委, each 党总支 followed by its 党支部, then the
直属党支部; siblings by sort order and name. The rule is pure and property-tested; the pages use it."""

from hypothesis import given
from hypothesis import strategies as st

from shuzhi.orgs import services
from shuzhi.orgs.models import Organization, OrgKind
from shuzhi.orgs.tree import Node, in_tree_order, order_by_tree, tree_keys

C, G, B, D = OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.DIRECT_BRANCH


def ordered(nodes: list[Node]) -> list[str]:
    keys = tree_keys(nodes)
    return [n.name for n in sorted(nodes, key=lambda n: keys[n.pk])]


def test_direct_branches_follow_every_general_branch_with_its_branches():
    nodes = [
        Node(1, None, C, 0, "学校党委"),
        Node(2, 1, D, 0, "机关第一党支部"),  # sort order and name would put it first
        Node(3, 1, G, 2, "信息工程学院党总支"),
        Node(4, 1, G, 1, "经济管理学院党总支"),
        Node(5, 3, B, 0, "信息工程学院学生党支部"),
        Node(6, 3, B, 0, "信息工程学院教工第一党支部"),
        Node(7, 4, B, 0, "经济管理学院教工党支部"),
        Node(8, 1, D, 1, "后勤直属党支部"),
    ]
    assert ordered(nodes) == [
        "学校党委",
        "经济管理学院党总支",
        "经济管理学院教工党支部",
        "信息工程学院党总支",
        "信息工程学院学生党支部",
        "信息工程学院教工第一党支部",
        "机关第一党支部",
        "后勤直属党支部",
    ]


def test_a_branch_without_its_general_branch_in_the_list_still_sorts_by_the_full_path():
    nodes = [
        Node(5, 3, B, 0, "乙支部"),
        Node(6, 4, B, 0, "甲支部"),
        Node(3, None, G, 2, "二总支"),
        Node(4, None, G, 1, "一总支"),
    ]
    assert ordered(nodes) == ["一总支", "甲支部", "二总支", "乙支部"]


@st.composite
def trees(draw) -> list[Node]:
    """A committee with general branches (each with branches) and direct branches, in any sort order."""
    nodes = [Node(1, None, C, draw(st.integers(0, 3)), "党委")]
    sort, name = st.integers(0, 3), st.text("甲乙丙丁", min_size=1, max_size=3)
    for _ in range(draw(st.integers(0, 4))):
        gb = Node(len(nodes) + 1, 1, G, draw(sort), draw(name))
        nodes.append(gb)
        for _ in range(draw(st.integers(0, 3))):
            nodes.append(Node(len(nodes) + 1, gb.pk, B, draw(sort), draw(name)))
    for _ in range(draw(st.integers(0, 3))):
        nodes.append(Node(len(nodes) + 1, 1, D, draw(sort), draw(name)))
    return draw(st.permutations(nodes))


@given(trees())
def test_the_order_lists_the_tree_depth_first_with_siblings_sorted(nodes):
    keys = tree_keys(nodes)
    order = [n.pk for n in sorted(nodes, key=lambda n: keys[n.pk])]
    by_pk = {n.pk: n for n in nodes}
    place = {pk: i for i, pk in enumerate(order)}

    def subtree(pk: int) -> set[int]:
        found = {pk}
        for n in nodes:
            if n.parent_id == pk:
                found |= subtree(n.pk)
        return found

    for node in nodes:
        if node.parent_id is not None:
            assert place[node.parent_id] < place[node.pk]  # parents first
        block = subtree(node.pk)  # a node and its descendants stand together, right after it
        assert sorted(place[pk] for pk in block) == list(range(place[node.pk], place[node.pk] + len(block)))
    under_committee = [pk for pk in order if by_pk[pk].parent_id == 1]
    kinds = [by_pk[pk].kind for pk in under_committee]
    assert kinds == sorted(kinds, key=lambda k: k == D)  # every 直属党支部 after every 党总支
    for kind in (G, D):
        siblings = [by_pk[pk] for pk in under_committee if by_pk[pk].kind == kind]
        assert [(n.sort_order, n.name) for n in siblings] == sorted((n.sort_order, n.name) for n in siblings)


def test_lists_and_querysets_get_the_same_order(college):
    college.direct.sort_order = 0
    college.direct.save()
    late = services.create_organization(
        "test", name="丙学院党总支", kind=OrgKind.GENERAL_BRANCH, parent=college.committee, sort_order=9
    )
    expected = [
        "学校党委",
        "乙学院党总支",
        "乙学院教工党支部",
        "甲学院党总支",
        "甲学院学生党支部",
        "甲学院教工党支部",
        late.name,
        "机关直属党支部",
    ]
    assert [o.name for o in order_by_tree(Organization.objects.all())] == expected
    assert [o.name for o in in_tree_order(Organization.objects.order_by("?"))] == expected
