"""A post's version history: snapshots of its editorial content and the diffs between them.

A snapshot is plain JSON (names and citation lines, never row ids), so an old version
stays readable after hashtags are renamed or papers edited. Writers call
`record_post_revision` after a change; it stores a new numbered version only when the
snapshot differs from the latest one.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from blog.models import Post, PostRevision

ORIGIN_ADMIN = "admin"
ORIGIN_IMPORT = "import"
ORIGIN_MERGE = "hashtag merge"
# The state a post had before its history began (it was saved before revisions existed).
ORIGIN_BASELINE = "before history"

# Snapshot keys in reading order, with the label an editor sees.
FIELD_LABELS = {
    "title": "Title",
    "slug": "URL slug",
    "status": "Status",
    "published_at": "Publication time",
    "series": "Series",
    "author": "Author",
    "teaser": "Teaser",
    "body_format": "Body format",
    "body": "Body",
    "conflict_of_interest": "Conflict of interest",
    "hashtags": "Hashtags",
    "papers": "Cited papers",
}
# Long text compared line by line; ordered lists compared item by item; the rest as values.
TEXT_FIELDS = frozenset({"teaser", "body", "conflict_of_interest"})
LIST_FIELDS = frozenset({"hashtags", "papers"})
CONTEXT_LINES = 2


def _text(value: str) -> str:
    # Browsers submit textareas with CRLF line endings; that is no editorial change.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def post_snapshot(post: Post) -> dict:
    """Return the post's editorial content as JSON-ready values.

    Runs two queries (hashtags, citations), and one each for the series and the author
    unless they are already loaded.
    """
    links = post.post_hashtags.select_related("hashtag").order_by("position", "pk")
    citations = post.citations.select_related("paper").order_by("position", "pk")
    return {
        "title": post.title,
        "slug": post.slug,
        "status": post.status,
        # In UTC, so the same instant read in another time zone is no change; to the
        # second, as the admin edits it (a form round trip drops the microseconds).
        "published_at": post.published_at.astimezone(datetime.UTC).isoformat("T", "seconds"),
        "series": post.series.name if post.series_id else "",
        "author": post.author.name,
        "teaser": _text(post.teaser),
        "body_format": post.body_format,
        "body": _text(post.body),
        "conflict_of_interest": _text(post.conflict_of_interest),
        "hashtags": [link.hashtag.name for link in links],
        "papers": [citation.paper.vancouver() for citation in citations],
    }


class StoredVersion(NamedTuple):
    """A post's stored state, taken before a change, for a post with no history yet."""

    snapshot: dict
    saved_at: datetime.datetime


def unrecorded_stored_version(post_id: int) -> StoredVersion | None:
    """Return the post's stored state if it has no revision yet, else None.

    Call it before changing a post: a post saved before the history existed (or loaded
    from a fixture) would otherwise lose the version it had. Runs one query when the post
    has revisions, a few more when it has none.
    """
    if PostRevision.objects.filter(post_id=post_id).exists():
        return None
    stored = Post.objects.select_related("series", "author").get(pk=post_id)
    return StoredVersion(post_snapshot(stored), stored.updated_at)


@transaction.atomic
def record_post_revision(
    post: Post,
    *,
    user: AbstractBaseUser | None = None,
    origin: str = "",
    before: StoredVersion | None = None,
) -> PostRevision | None:
    """Store the post's current content as its next version, unless nothing changed.

    `before` (from `unrecorded_stored_version`) is stored first, as version 1, when the
    post has no version yet and its content differs. Return the new version, or None.
    The post row is locked, so two writers cannot take the same number.
    """
    list(Post.objects.select_for_update().filter(pk=post.pk).values_list("pk", flat=True))
    snapshot = post_snapshot(post)
    latest = post.revisions.order_by("-number").first()
    if latest is not None:
        if latest.snapshot == snapshot:
            return None
        number = latest.number + 1
    elif before is not None:
        if before.snapshot == snapshot:
            return None
        PostRevision.objects.create(
            post=post,
            number=1,
            created_at=before.saved_at,
            origin=ORIGIN_BASELINE,
            snapshot=before.snapshot,
        )
        number = 2
    else:
        number = 1
    return PostRevision.objects.create(
        post=post, number=number, user=user, origin=origin, snapshot=snapshot
    )


# --- Reading the history ---------------------------------------------------------------


def changed_fields(old: dict | None, new: dict) -> list[str]:
    """Return the labels of the fields that differ between two snapshots, in reading order."""
    if old is None:
        return []
    return [label for key, label in FIELD_LABELS.items() if old.get(key) != new.get(key)]


@dataclass(frozen=True)
class HistoryRow:
    revision: PostRevision
    changed: list[str]  # labels; empty for the first version

    @property
    def summary(self) -> str:
        if self.revision.number == 1:
            return "First version"
        return ", ".join(self.changed) or "No change to the content"


def post_history(post: Post) -> list[HistoryRow]:
    """Return the post's versions, newest first, each with the fields it changed (one query)."""
    revisions = list(post.revisions.select_related("user").order_by("number"))
    rows = []
    previous = None
    for revision in revisions:
        rows.append(HistoryRow(revision, changed_fields(previous, revision.snapshot)))
        previous = revision.snapshot
    return rows[::-1]


def other_revision(revision: PostRevision, number: int | None = None) -> PostRevision | None:
    """Return the post's version `number`, or by default the one before `revision`."""
    others = PostRevision.objects.filter(post_id=revision.post_id).select_related("user")
    if number is not None:
        return others.filter(number=number).first()
    return others.filter(number__lt=revision.number).order_by("-number").first()


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class DiffLine:
    """One line of a line diff; `segments` mark the words that changed within it."""

    kind: str  # "context", "removed" or "added"
    old_number: int | None
    new_number: int | None
    text: str
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class FieldDiff:
    """How one field differs between two versions.

    `kind` is "text" (line diff in `hunks`), "list" (`removed`, `added`, `reordered`;
    `before` and `after` hold the whole lists) or "value" (`before` and `after`).
    """

    key: str
    label: str
    kind: str
    before: object = ""
    after: object = ""
    hunks: list[list[DiffLine]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    reordered: bool = False


def display_value(key: str, value) -> str:
    """Return a snapshot value as an editor reads it."""
    if key == "published_at" and value:
        moment = parse_datetime(value)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z") if moment else value
    if key == "status":
        return Post.Status(value).label if value in Post.Status.values else value
    if key == "body_format":
        return Post.BodyFormat(value).label if value in Post.BodyFormat.values else value
    return value if value else "(empty)"


def readable_snapshot(snapshot: dict) -> dict:
    """Return a snapshot with every value as an editor reads it (lists stay lists)."""
    return {
        key: (snapshot.get(key) or [])
        if key in LIST_FIELDS
        else display_value(key, snapshot.get(key))
        for key in FIELD_LABELS
    }


WORD = re.compile(r"\w+|\s+|[^\w\s]")
# Below this similarity two lines are a rewrite: marking words in them would be noise.
WORD_DIFF_MIN_RATIO = 0.5


def _word_segments(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Split a changed line's two versions into runs of kept and changed words."""
    old_words, new_words = WORD.findall(old), WORD.findall(new)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    if matcher.ratio() < WORD_DIFF_MIN_RATIO:
        return (Segment(old, True),), (Segment(new, True),)
    before, after = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        if i2 > i1:
            before.append(Segment("".join(old_words[i1:i2]), changed))
        if j2 > j1:
            after.append(Segment("".join(new_words[j1:j2]), changed))
    return tuple(before), tuple(after)


def _changed_lines(old_lines, new_lines, i1, i2, j1, j2) -> list[DiffLine]:
    """Removed lines, then added ones; lines edited in place show their changed words."""
    removed, added = old_lines[i1:i2], new_lines[j1:j2]
    if len(removed) == len(added):
        pairs = [_word_segments(old, new) for old, new in zip(removed, added, strict=True)]
        removed_segments = [before for before, _ in pairs]
        added_segments = [after for _, after in pairs]
    else:
        removed_segments = [(Segment(text, True),) for text in removed]
        added_segments = [(Segment(text, True),) for text in added]
    return [
        DiffLine("removed", i1 + k + 1, None, text, segments)
        for k, (text, segments) in enumerate(zip(removed, removed_segments, strict=True))
    ] + [
        DiffLine("added", None, j1 + k + 1, text, segments)
        for k, (text, segments) in enumerate(zip(added, added_segments, strict=True))
    ]


def _line_hunks(old: str, new: str) -> list[list[DiffLine]]:
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        lines = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(
                    DiffLine("context", i + 1, j + 1, old_lines[i], (Segment(old_lines[i]),))
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
            else:
                lines.extend(_changed_lines(old_lines, new_lines, i1, i2, j1, j2))
        hunks.append(lines)
    return hunks


def revision_diff(old: dict, new: dict) -> list[FieldDiff]:
    """Return how each changed field of snapshot `old` differs in snapshot `new`."""
    diffs = []
    for key, label in FIELD_LABELS.items():
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key in TEXT_FIELDS:
            diffs.append(
                FieldDiff(key, label, "text", hunks=_line_hunks(before or "", after or ""))
            )
        elif key in LIST_FIELDS:
            before, after = before or [], after or []
            kept_before = [item for item in before if item in after]
            kept_after = [item for item in after if item in before]
            diffs.append(
                FieldDiff(
                    key,
                    label,
                    "list",
                    before=before,
                    after=after,
                    removed=[item for item in before if item not in after],
                    added=[item for item in after if item not in before],
                    reordered=kept_before != kept_after,
                )
            )
        else:
            diffs.append(
                FieldDiff(
                    key,
                    label,
                    "value",
                    before=display_value(key, before),
                    after=display_value(key, after),
                )
            )
    return diffs
