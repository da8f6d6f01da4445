"""Names in a comment that point at an earlier commenter of the same thread.

Readers of a heated thread answer each other by name ("Dre is like a bear", "MD2, you
said…"). Where a comment's text names someone who commented earlier in the same thread,
the name links to that person's most recent earlier comment. Pure functions: no queries.

What counts as a name, so that ordinary words never link:
- only names commenters typed (the "Anonymous" labels are not names people write);
- written exactly as the commenter wrote it (same capitals), as a whole word;
- with a capital letter or a digit in it, and not one of the commonest English words
  (a commenter called "The" or "doctor" links nothing);
- never the comment's own author, never inside an existing link.
"Earlier" is the order comments were posted (their primary keys; imported threads are
numbered in document order).
"""

import re
from collections.abc import Callable, Iterable
from html import escape
from typing import Protocol

# Capitalised at the start of a sentence, these would link all over a thread.
COMMON_WORDS = frozenset(
    {
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "doctor",
        "dr",
        "even",
        "for",
        "from",
        "get",
        "go",
        "good",
        "has",
        "have",
        "he",
        "her",
        "here",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "know",
        "like",
        "me",
        "more",
        "most",
        "my",
        "no",
        "not",
        "now",
        "of",
        "on",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "people",
        "please",
        "really",
        "said",
        "says",
        "she",
        "so",
        "some",
        "than",
        "thank",
        "thanks",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "think",
        "this",
        "to",
        "too",
        "up",
        "us",
        "very",
        "was",
        "we",
        "well",
        "were",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "yes",
        "yet",
        "you",
        "your",
    }
)


class Commented(Protocol):
    pk: int
    author_name: str
    body: str


def is_linkable_name(name: str) -> bool:
    """Return True if a commenter's name may link where a comment writes it."""
    return (
        len(name) >= 2
        and any(char.isupper() or char.isdigit() for char in name)
        and name.lower() not in COMMON_WORDS
    )


def _pattern(names: Iterable[str], *, escaped: bool) -> re.Pattern:
    spelled = (escape(name, quote=False) if escaped else name for name in names)
    alternatives = sorted((re.escape(name) for name in spelled), key=len, reverse=True)
    return re.compile(r"(?<![\w@/])(" + "|".join(alternatives) + r")(?![\w])")


def resolve_mentions(comments: Iterable[Commented]) -> dict[int, dict[str, int]]:
    """Return, for each comment that names an earlier commenter, {name: comment pk}.

    The pk is that commenter's most recent comment posted before this one. Only names of
    those who wrote before a comment count for it (`mentions_in`), so a comment's links
    never change when someone new joins the thread later.
    """
    comments = sorted(comments, key=lambda comment: comment.pk)
    names = {c.author_name for c in comments if is_linkable_name(c.author_name)}
    if not names:
        return {}
    pattern = _pattern(names, escaped=False)
    latest: dict[str, int] = {}  # each name's latest comment so far
    resolved: dict[int, dict[str, int]] = {}
    for comment in comments:
        own = comment.author_name
        found = [match.group(1) for match in pattern.finditer(comment.body)]
        if all(name in latest or name == own for name in found):
            mentions = {name: latest[name] for name in found if name != own}
        else:
            # A later commenter's name covers part of the text: match again with only
            # the names this comment could know of (the same matching, fewer names).
            known = {name: pk for name, pk in latest.items() if name in comment.body}
            mentions = mentions_in(comment, known)
        if mentions:
            resolved[comment.pk] = mentions
        if own in names:
            latest[own] = comment.pk
    return resolved


def mentions_in(comment: Commented, earlier_names: dict[str, int]) -> dict[str, int]:
    """Return {name: comment pk} for the names `comment` mentions.

    `earlier_names` maps the names of those who commented before it (at least those its
    text contains) to their latest comment before it. Names are matched longest first,
    the comment's own name too (never linked), so "Ann Lee" is not read as "Lee".
    """
    names = {name: pk for name, pk in earlier_names.items() if is_linkable_name(name)}
    if is_linkable_name(comment.author_name):
        names[comment.author_name] = comment.pk  # matched so it is not read as another
    if not names:
        return {}
    resolved: dict[str, int] = {}
    for match in _pattern(names, escaped=False).finditer(comment.body):
        name = match.group(1)
        if name != comment.author_name:
            resolved[name] = names[name]
    return resolved


# A comment's sanitised HTML, cut into tags and the text between them.
_TAG = re.compile(r"(<[^>]*>)")


def link_names(body_html: str, targets: dict[str, int], href: Callable[[int], str]) -> str:
    """Return `body_html` with the first mention of each name in `targets` linked to
    `href(pk)` of its comment; text inside existing links is left alone."""
    pattern = _pattern(targets, escaped=True)
    by_escaped = {escape(name, quote=False): pk for name, pk in targets.items()}
    linked: set[str] = set()
    in_link = False
    pieces = _TAG.split(body_html)
    for position, piece in enumerate(pieces):
        if piece.startswith("<"):
            if re.match(r"<a[\s>]", piece):
                in_link = True
            elif piece.startswith("</a"):
                in_link = False
            continue
        if in_link or not piece:
            continue

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name in linked:
                return name
            linked.add(name)
            return (
                f'<a class="commenter-mention" href="{escape(href(by_escaped[name]))}">{name}</a>'
            )

        pieces[position] = pattern.sub(replace, piece)
    return "".join(pieces)
