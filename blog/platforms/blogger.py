"""Read a Blogger export (the Atom feed of a blog's posts and comments): pure, streamed.

Two shapes of the same feed are read:

- the classic export ("Back up content", and what the Blogger GData API served): each
  entry's kind is a <category scheme="http://schemas.google.com/g/2005#kind"> term
  (`.../blogger/2008/kind#post`, `#comment`, `#settings`, `#template`), labels are
  categories of scheme `http://www.blogger.com/atom/ns#`, drafts carry
  <app:control><app:draft>yes</app:draft>, a comment names its post with
  <thr:in-reply-to ref="POST ID"> (RFC 4685) and the comment it answers with
  <link rel="related" href=".../comments/default/COMMENT-ID">;
- the 2018 schema (Google Takeout), namespace `http://schemas.google.com/blogger/2018`:
  <blogger:type> POST / COMMENT / PAGE, <blogger:status> LIVE / DRAFT / SCHEDULED /
  SOFT_TRASHED, <blogger:parent> (a comment's post) and <blogger:filename>.

Blogger lists every post before any comment, so the file is read twice: once for the
comments (grouped by post, the only part held in memory), once for the posts, each
yielded with its whole thread.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.text import slugify

from blog.platforms import source as s
from blog.platforms.source import (
    ImportFormatError,
    SkippedItem,
    SourceAuthor,
    SourceComment,
    SourcePost,
)
from blog.platforms.wp_html import clean_wordpress_html, comment_text
from blog.platforms.xml import forget, iter_elements, split_tag, text_of

ATOM = "http://www.w3.org/2005/Atom"
THR = "http://purl.org/syndication/thread/1.0"
APP = "http://purl.org/atom/app#"
BLOGGER_2018 = "http://schemas.google.com/blogger/2018"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_BASE = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
KIND = "a Blogger export (Atom)"
ANONYMOUS = {"anonymous", "unknown"}
NO_EMAIL = "noreply@blogger.com"

_ITEM_ID = re.compile(r"\.post-(\d+)$")
_DIV = re.compile(r"</?div\b[^>]*>", re.I)
_DOUBLE_BREAK = re.compile(r"(?:<br\s*/?>\s*){2,}", re.I)
_REPLY_TO = re.compile(r"/comments/default/(\d+)$")
POST_STATUSES = {"live": s.PUBLISHED, "scheduled": s.PUBLISHED, "draft": s.DRAFT}
COMMENT_STATUSES = {"live": s.PUBLISHED, "pending": s.PENDING, "spam": s.SPAM}

Item = SourceAuthor | SourcePost | SkippedItem


def iter_blogger(source: str | BinaryIO) -> Iterator[Item]:
    """Yield each post's author (once), then the post with its comments, in file order.

    Raises ImportFormatError naming the line if the file is not a Blogger export.
    `source` is a path or a seekable binary file (it is read twice).
    """
    comments: dict[str, list[SourceComment]] = defaultdict(list)
    for entry in _entries(source):
        if entry["kind"] == "comment":
            comments[entry.get("post_ref", "")].append(_comment(entry))
    if not isinstance(source, str):
        source.seek(0)
    authors: set[str] = set()
    for entry in _entries(source):
        kind = entry["kind"]
        if kind == "post":
            post = _post(entry, tuple(comments.pop(entry["id"], ())))
            if post is None:
                yield SkippedItem(
                    _short_id(entry["id"]), entry["title"], "in Blogger's trash", entry["line"]
                )
                continue
            if post.author_login not in authors:
                authors.add(post.author_login)
                yield SourceAuthor(post.author_login, entry["author"] or post.author_login)
            yield post
        elif kind == "page":
            yield SkippedItem(
                _short_id(entry["id"]), entry["title"], "a Blogger page, not a post", entry["line"]
            )
    for post_ref, orphans in comments.items():
        for comment in orphans:
            why = f"its post {post_ref} is not in the export"
            yield SkippedItem(comment.source_id, "comment", why, comment.line)


def _entries(source) -> Iterator[dict]:
    checked = False
    for event, element in iter_elements(source, kind=KIND):
        if event == "start":
            namespace, local = split_tag(element.tag)
            if (namespace, local) != (ATOM, "feed"):
                hint = " (for a WordPress export use import_wordpress)" if local == "rss" else ""
                raise ImportFormatError(
                    f"not {KIND}: the document is <{local}>, not an Atom <feed>{hint}",
                    element.sourceline or 1,
                )
            continue
        parent = element.getparent()
        if element.tag != f"{{{ATOM}}}entry" or parent is None or parent.getparent() is not None:
            continue
        entry = _read_entry(element)
        if not checked:
            checked = True
            if not entry["id"].startswith("tag:blogger.com,1999:blog-"):
                raise ImportFormatError(
                    f"not {KIND}: entry id {entry['id'][:80]!r} is not a Blogger id",
                    entry["line"],
                )
        forget(element)
        yield entry


def _read_entry(element) -> dict:
    entry = {"line": element.sourceline or 0, "labels": [], "links": {}, "kind": None}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        namespace, local = split_tag(child.tag)
        if namespace == ATOM and local == "category":
            scheme, term = child.get("scheme"), child.get("term", "")
            if scheme == KIND_SCHEME and term.startswith(KIND_BASE):
                entry["kind"] = term[len(KIND_BASE) :]
            elif term and scheme != KIND_SCHEME:  # labels (the 2018 schema scopes them to the blog)
                entry["labels"].append(term)
        elif namespace == ATOM and local == "link":
            entry["links"].setdefault(child.get("rel"), child.get("href", ""))
        elif namespace == ATOM and local == "author":
            entry["author"] = child.findtext(f"{{{ATOM}}}name", "").strip()
            entry["author_uri"] = child.findtext(f"{{{ATOM}}}uri", "").strip()
            entry["author_email"] = child.findtext(f"{{{ATOM}}}email", "").strip()
        elif namespace == THR and local == "in-reply-to":
            entry["post_ref"] = child.get("ref", "")
        elif namespace == APP and local == "control":
            entry["draft"] = child.findtext(f"{{{APP}}}draft", "").strip() == "yes"
        elif namespace == BLOGGER_2018:
            entry[f"blogger:{local}"] = text_of(child).strip()
        elif namespace == ATOM:
            entry[local] = text_of(child)
    entry.setdefault("id", "")
    entry["id"] = entry["id"].strip()
    entry.setdefault("title", "")
    entry["title"] = entry["title"].strip()
    entry.setdefault("author", "")
    if "blogger:type" in entry:
        entry["kind"] = entry["blogger:type"].lower()
        entry.setdefault("post_ref", entry.get("blogger:parent", ""))
    return entry


def blogger_paragraphs(html: str) -> str:
    """Turn Blogger's paragraph markup (<div> blocks, <br /><br />) into blank lines.

    Blogger's editor writes no <p>: a paragraph ends with two line breaks or a <div>.
    """
    html = _DIV.sub("\n\n", html)
    return _DOUBLE_BREAK.sub("\n\n", html)


def _short_id(entry_id: str) -> str:
    match = _ITEM_ID.search(entry_id)
    return f"blogger:{match.group(1)}" if match else entry_id


def _item_id(entry_id: str, line: int) -> str:
    match = _ITEM_ID.search(entry_id)
    if not match:
        raise ImportFormatError(f"entry id {entry_id[:80]!r} names no post or comment", line)
    return f"blogger:{match.group(1)}"


def _date(entry: dict, *keys: str) -> datetime.datetime | None:
    for key in keys:
        text = entry.get(key, "").strip()
        if text:
            try:
                return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise ImportFormatError(f"<{key}> {text!r} is not a date", entry["line"]) from None
    return None


def _post(entry: dict, comments: tuple[SourceComment, ...]) -> SourcePost | None:
    line = entry["line"]
    status_name = entry.get("blogger:status", "").lower()
    if status_name and status_name not in POST_STATUSES:
        return None
    draft = entry.get("draft", False) or POST_STATUSES.get(status_name) == s.DRAFT
    published_at = _date(entry, "published", "blogger:created", "updated")
    if published_at is None:
        raise ImportFormatError("the post has no <published> date", line)
    address = entry["links"].get("alternate", "") or entry.get("blogger:filename", "")
    name = address.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    cleaned = clean_wordpress_html(blogger_paragraphs(entry.get("content", "")))
    login = slugify(entry["author"]) or "blogger"
    source_id = _item_id(entry["id"], line)
    return SourcePost(
        source_id=source_id,
        title=entry["title"],
        slug=slugify(name)[:200] or slugify(entry["title"])[:200] or source_id.replace(":", "-"),
        status=s.DRAFT if draft else s.PUBLISHED,
        source_status=status_name or ("draft" if draft else "live"),
        published_at=published_at,
        modified_at=_date(entry, "updated") or published_at,
        author_login=login,
        categories=(),
        tags=tuple(dict.fromkeys(entry["labels"])),
        body_html=cleaned.html,
        teaser="",
        comments=comments,
        line=line,
        notes=tuple(f"shortcode [{n}] dropped (media are not imported)" for n in cleaned.dropped),
    )


def _comment(entry: dict) -> SourceComment:
    line = entry["line"]
    if not entry.get("post_ref"):
        raise ImportFormatError("the comment names no post (<thr:in-reply-to ref>)", line)
    status_name = entry.get("blogger:status", "live").lower()
    reply_to = _REPLY_TO.search(entry["links"].get("related", ""))
    name = entry["author"]
    email = entry.get("author_email", "")
    return SourceComment(
        source_id=_item_id(entry["id"], line),
        parent_id=f"blogger:{reply_to.group(1)}" if reply_to else "",
        author_name="" if name.lower() in ANONYMOUS else name,
        author_email="" if email == NO_EMAIL else email,
        author_url=entry.get("author_uri", ""),
        ip_address="",
        created_at=_date(entry, "published", "blogger:created"),
        status=COMMENT_STATUSES.get(status_name, s.REMOVED),
        kind=s.COMMENT,
        body=comment_text(entry.get("content", "")),
        line=line,
    )
