"""Check and repair the nested-set (MPTT) fields of comment trees.

django-mptt keeps `tree_id`, `lft`, `rght` and `level` in step with `parent` but takes no
locks; these checks say whether the stored numbers still describe the parent pointers.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from comments.models import Comment

# Advisory lock keys: one namespace for comment trees, then a tree id (0 = creating a root).
LOCK_NAMESPACE = 5_107_263


def lock_tree(tree_id: int = 0) -> None:
    """Hold a transaction-scoped lock on one tree (0: on creating new trees, across posts).

    PostgreSQL only; SQLite serialises writers itself. Call inside `transaction.atomic()`.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tree_id])


def lock_tree_of(comment_id: int) -> int | None:
    """Hold the lock on the tree a comment is in, found and taken in one statement; return
    that tree's id (None where no lock is needed: SQLite serialises writers itself).

    The comment's other fields must be read after this returns (the statement's snapshot
    predates the lock). Raises Comment.DoesNotExist if there is no such comment.
    """
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tree_id, pg_advisory_xact_lock(%s, tree_id) FROM {table} WHERE id = %s",
            [LOCK_NAMESPACE, comment_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Comment.DoesNotExist(f"no comment {comment_id}")
    return row[0]


@dataclass(frozen=True)
class TreeProblem:
    comment_id: int
    tree_id: int
    message: str

    def __str__(self) -> str:
        return f"tree {self.tree_id}, comment {self.comment_id}: {self.message}"


def find_tree_problems(queryset=None) -> list[TreeProblem]:
    """Return every violated invariant of the comment trees (an empty list when sound)."""
    queryset = Comment.objects.all() if queryset is None else queryset
    rows = queryset.order_by("tree_id", "lft").values_list(
        "pk", "parent_id", "post_id", "tree_id", "lft", "rght", "level"
    )
    trees: dict[int, list[tuple]] = defaultdict(list)
    for row in rows.iterator(chunk_size=5000):
        trees[row[3]].append(row)
    problems: list[TreeProblem] = []
    for tree_id, nodes in trees.items():
        problems.extend(_check_tree(tree_id, nodes))
    return problems


def _check_tree(tree_id: int, nodes: list[tuple]) -> list[TreeProblem]:
    problems = []

    def problem(pk: int, message: str) -> None:
        problems.append(TreeProblem(pk, tree_id, message))

    roots = [node for node in nodes if node[1] is None]
    if len(roots) != 1:
        problem(nodes[0][0], f"the tree has {len(roots)} roots; it must have exactly one")
    by_pk = {node[0]: node for node in nodes}
    expected = set(range(1, 2 * len(nodes) + 1))
    used = [value for node in nodes for value in (node[4], node[5])]
    if sorted(used) != sorted(expected):
        problem(nodes[0][0], f"lft/rght values are not exactly 1..{2 * len(nodes)}")

    stack: list[tuple] = []  # the open ancestors of the node being read
    descendants: dict[int, int] = defaultdict(int)
    for node in nodes:
        pk, parent_id, post_id, _, lft, rght, level = node
        if lft >= rght:
            problem(pk, f"lft {lft} is not below rght {rght}")
        while stack and stack[-1][5] < lft:
            stack.pop()
        expected_parent = stack[-1][0] if stack else None
        if parent_id != expected_parent:
            problem(pk, f"parent is {parent_id} but the nested set puts it under {expected_parent}")
        if level != len(stack):
            problem(pk, f"level is {level} but its depth is {len(stack)}")
        if parent_id is not None:
            parent = by_pk.get(parent_id)
            if parent is None:
                problem(pk, f"parent {parent_id} is not in the same tree")
            elif parent[2] != post_id:
                problem(pk, f"parent {parent_id} belongs to another post")
        for ancestor in stack:
            descendants[ancestor[0]] += 1
        stack.append(node)
    for pk, _, _, _, lft, rght, _ in nodes:
        if rght - lft != 2 * descendants[pk] + 1:
            problem(pk, f"rght - lft = {rght - lft}, but it has {descendants[pk]} descendants")
    return problems


@dataclass(frozen=True, slots=True)
class NestedSet:
    """Where one comment sits: its tree, its nested-set numbers and its depth (0 on top)."""

    tree_id: int
    lft: int
    rght: int
    level: int


def number_nested_sets(
    parents: list[int | None], first_tree_id: int
) -> tuple[list[NestedSet], list[int]]:
    """Number a forest given as each item's parent index (None for a new thread).

    Parents come before their children, and children are in order. Returns every item's
    numbers (by index) and the indexes in tree order; one tree per thread, numbered from
    `first_tree_id`. For writing many comments at once (`comments.generator`, and the
    tests' bulk threads), which bypass mptt.
    """
    children: list[list[int]] = [[] for _ in parents]
    roots = []
    for index, parent in enumerate(parents):
        (roots if parent is None else children[parent]).append(index)
    numbers: list[NestedSet | None] = [None] * len(parents)
    order: list[int] = []
    for offset, root in enumerate(roots):
        tree_id, counter = first_tree_id + offset, 1
        lft = {root: counter}
        order.append(root)
        # Depth-first without recursion: (index, level, position of the next child).
        stack = [(root, 0, 0)]
        while stack:
            index, level, next_child = stack.pop()
            if next_child < len(children[index]):
                stack.append((index, level, next_child + 1))
                child = children[index][next_child]
                counter += 1
                lft[child] = counter
                order.append(child)
                stack.append((child, level + 1, 0))
            else:
                counter += 1
                numbers[index] = NestedSet(tree_id, lft[index], counter, level)
    return numbers, order
