"""Tree order: the one order in which every list and select of organisations shows them.

学校党委 first; then each 党总支 followed by its own 党支部; then the 直属党支部. Siblings of a kind follow
their sort order, then their name. A list of some organisations (a secretary's own, a board's
reviewers, the ones with last year's problems) keeps the same relative order as the full tree: the
key of an organisation is the path from the root, so a 党支部 sorts right after its 党总支 even when the
list does not contain the 党总支 itself.

`tree_keys` is the pure rule (property-tested without a database); `tree_ranks`, `in_tree_order` and
`order_by_tree` apply it to rows, lists and querysets with one small query of the whole tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from shuzhi.orgs.models import Organization, OrgKind

T = TypeVar("T")

# Under the committee the general branches (each with its branches) come before the direct branches.
KIND_RANK: dict[str, int] = {
    OrgKind.COMMITTEE: 0,
    OrgKind.GENERAL_BRANCH: 1,
    OrgKind.BRANCH: 1,
    OrgKind.DIRECT_BRANCH: 2,
}

Key = tuple[tuple[int, int, str, int], ...]


@dataclass(frozen=True)
class Node:
    pk: int
    parent_id: int | None
    kind: str
    sort_order: int
    name: str


def tree_keys(nodes: Iterable[Node]) -> dict[int, Key]:
    """Each organisation's sort key: the (kind rank, sort order, name, id) of every node on its path from
    the root. Sorting by these keys lists the tree depth first, parents before their children. A
    parent missing from `nodes` (or a cycle, which the tree rules forbid) makes the node a root."""
    by_pk = {node.pk: node for node in nodes}
    keys: dict[int, Key] = {}
    for start in by_pk:
        path: list[Node] = []
        seen: set[int] = set()
        current: Node | None = by_pk[start]
        while current is not None and current.pk not in keys and current.pk not in seen:
            seen.add(current.pk)
            path.append(current)
            current = by_pk.get(current.parent_id) if current.parent_id is not None else None
        prefix: Key = keys[current.pk] if current is not None and current.pk in keys else ()
        for node in reversed(path):
            prefix = (*prefix, (KIND_RANK.get(node.kind, len(KIND_RANK)), node.sort_order, node.name, node.pk))
            keys[node.pk] = prefix
    return keys


def tree_ranks() -> dict[int, int]:
    """Every organisation's place in the tree order (0 for the committee), from one query."""
    nodes = [Node(*row) for row in Organization.objects.values_list("pk", "parent_id", "kind", "sort_order", "name")]
    keys = tree_keys(nodes)
    return {pk: rank for rank, pk in enumerate(sorted(keys, key=keys.__getitem__))}


def in_tree_order(
    items: Iterable[T], org_id: Callable[[T], int | None] = lambda org: org.pk, *, ranks: dict[int, int] | None = None
) -> list[T]:
    """`items` sorted by the tree order of their organisation (org_id(item): its id; by default the item
    is an Organization). Items of the same organisation keep their order; unknown ones come last.
    `ranks`: tree_ranks() when the caller already has it (saves the query)."""
    ranks = tree_ranks() if ranks is None else ranks
    return sorted(items, key=lambda item: ranks.get(org_id(item), len(ranks)))


def tree_rank(field: str = "pk", *, ranks: dict[int, int] | None = None) -> Case | F:
    """An expression for order_by(): the tree rank of the organisation whose id is in `field` (an
    Organization's own pk, or e.g. "organization_id" on a Review)."""
    ranks = tree_ranks() if ranks is None else ranks
    if not ranks:  # no organisation at all: nothing to order by
        return F(field)
    return Case(
        *[When(**{field: pk}, then=Value(n)) for pk, n in ranks.items()],
        default=Value(len(ranks)),
        output_field=IntegerField(),
    )


def order_by_tree(qs: QuerySet, field: str = "pk", *then: str, ranks: dict[int, int] | None = None) -> QuerySet:
    """The queryset ordered by the tree order of the organisation in `field`, then by `then`: for
    selects (ModelChoiceField, TypedChoiceField) and any list that stays a queryset."""
    return qs.order_by(tree_rank(field, ranks=ranks), *then)
