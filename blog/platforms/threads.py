"""Write a post's imported discussion, keeping every comment's parent at any depth.

A post's first import plans the whole thread in memory (parents, levels, sibling order by
date) and computes the nested-set numbers (`tree_id`, `lft`, `rght`, `level`) up front,
then writes it with `bulk_create`, one level at a time, as `comments.generator` does; the
result is checked with `find_tree_problems()` before the post's transaction commits.

A re-import matches comments by their platform id (`source_ref`, e.g. "wp:17"): changed
fields are updated in place, and comments new to the export are added as last replies to
their parent through `comment_create` (a tree insert under a lock), so nothing is
duplicated and no tree breaks. Comments the export no longer has are left alone.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email, validate_ipv46_address
from django.db.models import Max

from blog.platforms.report import ImportReport
from blog.platforms.source import SourceComment
from comments.models import Comment
from comments.rendering import render_comment_body
from comments.services import comment_create
from comments.thread_store import refreshes_grouped, thread_refresh
from comments.trees import find_tree_problems, lock_tree

NAME_LENGTH = Comment._meta.get_field("author_name").max_length
URL_LENGTH = Comment._meta.get_field("author_url").max_length
SYNCED_FIELDS = ("author_name", "author_email", "author_url", "ip_address", "body", "status")
_URL = URLValidator(schemes=["http", "https"])
_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@dataclass(eq=False)
class Node:
    source: SourceComment
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    level: int = 0
    tree: int = 0
    lft: int = 0
    rght: int = 0
    comment: Comment | None = None


def _order(node: Node) -> tuple:
    number = node.source.source_id.rpartition(":")[2]
    return (node.source.created_at or _EARLIEST, int(number) if number.isdigit() else 0)


def plan_thread(comments: list[SourceComment], report: ImportReport, what: str) -> list[Node]:
    """Return the roots of the thread, children sorted by date (pure, no database).

    A comment whose parent is not in the export (WordPress leaves spam out), or whose
    parents loop, starts a thread of its own, and the report says so.
    """
    nodes: dict[str, Node] = {}
    for comment in comments:
        if comment.source_id in nodes:
            report.skip(comment.line, f"{what}, comment {comment.source_id}", "listed twice")
        else:
            nodes[comment.source_id] = Node(comment)
    for node in nodes.values():
        parent_id = node.source.parent_id
        if not parent_id:
            continue
        parent = nodes.get(parent_id)
        if parent is None:
            report.note(
                node.source.line,
                f"{what}, comment {node.source.source_id}",
                f"its parent {parent_id} is not in the export: attached to the post",
            )
        elif _is_ancestor(node, parent):
            report.note(node.source.line, f"{what}, comment {node.source.source_id}",
                        "its parents form a loop: attached to the post")  # fmt: skip
        else:
            node.parent = parent
            parent.children.append(node)
    roots = sorted((n for n in nodes.values() if n.parent is None), key=_order)
    stack = [(root, 0) for root in reversed(roots)]
    while stack:
        node, level = stack.pop()
        node.level = level
        node.children.sort(key=_order)
        stack.extend((child, level + 1) for child in reversed(node.children))
    return roots


def _is_ancestor(node: Node, candidate: Node) -> bool:
    """Return True if `node` is `candidate` or one of its (already linked) ancestors."""
    current: Node | None = candidate
    while current is not None:
        if current is node:
            return True
        current = current.parent
    return False


def walk(roots: list[Node]):
    """Yield every node depth-first, in tree order."""
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _valid(value: str, validator) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def comment_values(source: SourceComment, status: str, report: ImportReport, what: str) -> dict:
    """Return the Comment fields for a source comment, leaving out values the model refuses."""
    where = f"{what}, comment {source.source_id}"

    def checked(value: str, validator, label: str, max_length: int = 254) -> str:
        if value and (len(value) > max_length or not _valid(value, validator)):
            report.note(source.line, where, f"{label} {value[:80]!r} is not valid: left out")
            return ""
        return value

    name = source.author_name
    if len(name) > NAME_LENGTH:
        report.note(source.line, where, f"name cut to {NAME_LENGTH} characters")
        name = name[:NAME_LENGTH]
    return {
        "author_name": name,
        "author_email": checked(source.author_email, validate_email, "email"),
        "author_url": checked(source.author_url, _URL, "URL", URL_LENGTH),
        "ip_address": checked(source.ip_address, validate_ipv46_address, "IP address") or None,
        "body": source.body,
        "status": status,
        "created_at": source.created_at,
        "source_ref": source.source_id,
    }


def thread_insert(*, post, roots: list[Node], values: dict[str, dict]) -> int:
    """Write a whole new thread in bulk; return how many comments. Call inside atomic()."""
    nodes = list(walk(roots))
    if not nodes:
        return 0
    lock_tree(0)  # tree ids are global: no other thread may be created meanwhile
    first_tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    for offset, root in enumerate(roots):
        _number_tree(root, first_tree_id + offset)
    by_level: dict[int, list[Node]] = {}
    for node in nodes:
        data = values[node.source.source_id]
        node.comment = Comment(
            post=post,
            level=node.level,
            tree_id=node.tree,
            lft=node.lft,
            rght=node.rght,
            body_html=render_comment_body(data["body"]),  # what save() would store
            **data,
        )
        by_level.setdefault(node.level, []).append(node)
    # Level by level, so every parent has its primary key before its replies are written.
    for level in sorted(by_level):
        batch = by_level[level]
        for node in batch:
            node.comment.parent_id = node.parent.comment.pk if node.parent else None
        Comment.objects.bulk_create([node.comment for node in batch], batch_size=1000)
    last = first_tree_id + len(roots)
    problems = find_tree_problems(
        Comment.objects.filter(tree_id__gte=first_tree_id, tree_id__lt=last)
    )
    if problems:
        raise RuntimeError(f"imported comment trees are not sound: {problems[0]}")
    thread_refresh([post.pk])  # what the post page reads of each: bulk inserts skip save()
    return len(nodes)


def _number_tree(root: Node, tree_id: int) -> None:
    """Set the nested-set numbers of one tree, depth-first without recursion."""
    counter = 1
    root.tree, root.lft, counter = tree_id, counter, counter + 1
    stack = [(root, 0)]
    while stack:
        node, child_index = stack.pop()
        if child_index < len(node.children):
            stack.append((node, child_index + 1))
            child = node.children[child_index]
            child.tree, child.lft, counter = tree_id, counter, counter + 1
            stack.append((child, 0))
        else:
            node.rght, counter = counter, counter + 1


def thread_sync(*, post, roots: list[Node], values: dict[str, dict]) -> tuple[int, int]:
    """Update the stored thread to the export's; return (comments added, updated).

    Inserts go through `comment_create` (a locked tree insert), one per new comment.
    """
    existing = {c.source_ref: c for c in Comment.objects.filter(post=post).exclude(source_ref="")}
    added = updated = 0
    with refreshes_grouped():  # the thread's stored page values, once at the end
        for node in walk(roots):
            data = values[node.source.source_id]
            comment = existing.get(node.source.source_id)
            if comment is None:
                parent = node.parent.comment if node.parent else None
                comment = comment_create(post=post, parent=parent, **data)
                added += 1
            else:
                changed = [name for name in SYNCED_FIELDS if getattr(comment, name) != data[name]]
                if changed:
                    for name in changed:
                        setattr(comment, name, data[name])
                    comment.save()
                    updated += 1
            node.comment = comment
    return added, updated
