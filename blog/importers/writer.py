"""Write a parsed post document to the database: validate, then upsert in one transaction.

Importing the same document twice changes nothing; an edited document updates its post in
place. The post is found by `source_ref` (the document's name), never by its title.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from authors.models import Author
from authors.services import author_default
from blog.caching import changes_grouped, posts_changed
from blog.importers.document import ImportFormatError, ParsedPaper, ParsedPost
from blog.models import (
    PAPER_CITATION_FIELDS,
    AbstractSection,
    Hashtag,
    Paper,
    Post,
    Series,
    hashtag_slug,
)
from blog.papers.convert import citation_text_fields, unchanged_people_kept
from blog.revisions import ORIGIN_IMPORT, record_post_revision, unrecorded_stored_version
from comments.models import Comment
from comments.services import CommentSync, comments_sync_imported

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

PAPER_FIELDS = PAPER_CITATION_FIELDS


@dataclass
class ImportResult:
    post: Post
    action: str  # "created", "updated" or "unchanged"
    changes: list[str] = field(default_factory=list)  # of the post, its papers, tags, author
    comments: CommentSync = field(default_factory=CommentSync)
    notes: list[str] = field(default_factory=list)  # what the editor should know, e.g. the author

    def describe(self) -> list[str]:
        """Return every change, the comments' one per line, e.g. "comment 3.2 added"."""
        return [*self.changes, *self.comments.describe()]


def _check(instance, line: int, *, exclude: list[str] | None = None) -> None:
    """Run model validation on an unsaved instance; report failures at the document line."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        details = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise ImportFormatError(
            f"{instance._meta.verbose_name} is not valid: {details}", line
        ) from None


def validate_parsed_post(parsed: ParsedPost, *, author_name: str = "") -> None:
    """Check the parsed document against the models' rules, before anything is written.

    A document that names no author, with no `author_name` given, goes to the default
    author, which needs no check.
    """
    if not parsed.slug:
        raise ImportFormatError(
            "the title has no letters or digits to make a URL from", parsed.title_line
        )
    _check(
        Post(
            title=parsed.title,
            slug=parsed.slug,
            teaser=parsed.teaser,
            body=parsed.body,
            conflict_of_interest=parsed.conflict_of_interest,
        ),
        parsed.title_line,
        exclude=["author", "series"],
    )
    if name := parsed.author_name or author_name:
        author_line = parsed.author.line if parsed.author else parsed.title_line
        bio = parsed.author.bio if parsed.author else ""
        _check(Author(name=name, slug=slugify(name) or "x", bio=bio), author_line)
        if not slugify(name):
            raise ImportFormatError(
                f"the author's name {name!r} has no letters or digits", author_line
            )
    for tag in parsed.tags:
        _check(Hashtag(name=tag, slug=hashtag_slug(tag)), parsed.title_line)
    for paper in parsed.papers:
        _check(Paper(**_paper_values(paper)), paper.line)
        for position, section in enumerate(paper.abstract):
            _check(
                AbstractSection(label=section.label, text=section.text, position=position),
                section.line,
                exclude=["paper"],
            )
    for comment in parsed.comments:
        _check(
            Comment(body=comment.body, author_name=comment.author_name, source_ref=comment.ref),
            comment.line,
            exclude=["post", "parent"],
        )


@transaction.atomic
@changes_grouped()  # inside the transaction: its version bumps, once per post, at the end
def import_post(
    parsed: ParsedPost,
    *,
    source_ref: str,
    published_at: datetime.datetime | None = None,
    author_name: str = "",
    draft: bool = False,
    user: AbstractBaseUser | None = None,
) -> ImportResult:
    """Create or update the post a document describes; return what was done.

    The publication time is, in order: the document's date line; `published_at` (the
    --published option, for undated documents); the stored post's (on re-import); the
    newest cited paper's date; the time of the first import. The author is the one the
    document names, else `author_name`, else the blog's default author. `draft` saves the
    post as a draft (a new post is otherwise published; an existing one keeps its status).

    A new or changed post gets a version in its history (origin "import", by `user`).
    Its cached versions are bumped once, at the end (`changes_grouped`), not per row.
    """
    validate_parsed_post(parsed, author_name=author_name)
    result = ImportResult(post=None, action=CREATED)
    author = _upsert_author(parsed, author_name, result)
    series = _upsert_series(parsed.series, result.changes)
    post = _existing_post(parsed, source_ref)
    before = unrecorded_stored_version(post.pk) if post is not None else None
    wanted = _post_values(parsed, series=series, author=author, published_at=published_at)
    if draft:
        wanted["status"] = Post.Status.DRAFT
    result.post, result.action = _save_post(post, wanted, parsed, source_ref, result.changes)
    _set_hashtags(result.post, parsed.tags, result.changes)
    _set_papers(result.post, parsed.papers, result.changes)
    result.comments = comments_sync_imported(post=result.post, comments=parsed.comments)
    record_post_revision(result.post, user=user, origin=ORIGIN_IMPORT, before=before)
    if parsed.labels_not_tags:
        labels = ", ".join(parsed.labels_not_tags)
        result.notes.append(f"labels of several words are not hashtags, so not kept: {labels}")

    if result.action == UPDATED and not (result.changes or result.comments):
        result.action = UNCHANGED
    if result.changes or result.comments:
        # Saves retire cached pages themselves (blog.signals); bulk inserts (links,
        # abstracts) do not. Other posts citing a paper whose abstract changed show it
        # at once: retiring this post retires the site posts version, which their ETags
        # and their cached post parts (blog.post_parts) include.
        posts_changed([result.post.pk])
    return result


def _existing_post(parsed: ParsedPost, source_ref: str) -> Post | None:
    """Return the document's post, locked (None if new); refuse a slug another post uses."""
    post = Post.objects.select_for_update().filter(source_ref=source_ref).first()
    clash = Post.objects.filter(slug=parsed.slug).exclude(source_ref=source_ref).first()
    if clash:
        raise ImportFormatError(
            f"another post (id {clash.pk}, “{clash.title}”) "
            f"already uses the URL slug {parsed.slug!r}",
            parsed.title_line,
        )
    return post


def _post_values(
    parsed: ParsedPost, *, series, author: Author, published_at: datetime.datetime | None
) -> dict:
    wanted = {
        "title": parsed.title,
        "slug": parsed.slug,
        "series": series,
        "teaser": parsed.teaser,
        "body": parsed.body,
        # A document's text renders exactly as written, never as Markdown.
        "body_format": Post.BodyFormat.TEXT,
        "author": author,
        "conflict_of_interest": parsed.conflict_of_interest,
    }
    if parsed.published_on:
        wanted["published_at"] = _local_midnight(parsed.published_on)
    elif published_at is not None:
        wanted["published_at"] = published_at
    return wanted


def _save_post(
    post: Post | None, wanted: dict, parsed: ParsedPost, source_ref: str, changes: list[str]
) -> tuple[Post, str]:
    """Create the post, or change the fields that differ; return it and the action."""
    if post is None:
        if "published_at" not in wanted:
            newest = max((paper.published_on for paper in parsed.papers), default=None)
            wanted["published_at"] = _local_midnight(newest) if newest else timezone.now()
        wanted.setdefault("status", Post.Status.PUBLISHED)
        post = Post(source_ref=source_ref, **wanted)
        post.save()
        return post, CREATED
    changed = [name for name, value in wanted.items() if getattr(post, name) != value]
    if changed:
        for name in changed:
            setattr(post, name, wanted[name])
        post.save()
        changes.extend(f"post {name} changed" for name in changed)
    return post, UPDATED


def _local_midnight(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


def _upsert_author(parsed: ParsedPost, fallback_name: str, result: ImportResult) -> Author:
    name = parsed.author_name or fallback_name
    if not name:
        author = author_default()
        result.notes.append(
            f"the document names no author: filed under the default author, {author.name}"
        )
        return author
    author, created = Author.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    if created:
        result.changes.append(f"author {name} added")
    bio = parsed.author.bio if parsed.author else ""
    # An empty author box says nothing about the bio; keep what the editors wrote.
    if bio and author.bio != bio:
        author.bio = bio
        author.save(update_fields=["bio", "updated_at"])
        result.changes.append(f"author {name} bio changed")
    return author


def _upsert_series(name: str, changes: list[str]) -> Series | None:
    if not name:
        return None
    series, created = Series.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    if created:
        changes.append(f"series {name} added")
    return series


def _set_hashtags(post: Post, names: tuple[str, ...], changes: list[str]) -> None:
    tags = []
    for name in names:
        tag = Hashtag.objects.filter(slug=hashtag_slug(name)).first()
        if tag is None:
            tag = Hashtag.objects.create(name=name)
            changes.append(f"hashtag #{name} added")
        tags.append(tag)
    if _replace_ordered_links(post.post_hashtags, "hashtag", tags):
        changes.append("post hashtags changed")


def _paper_values(paper: ParsedPaper) -> dict:
    """Return the model's fields; the author and page text become people and a range."""
    values = citation_text_fields(authors=paper.authors, pages_text=paper.pages)
    # Fields the import format does not carry (PMCID) are left as stored.
    return {
        name: values[name] if name in values else getattr(paper, name)
        for name in PAPER_FIELDS
        if name in values or hasattr(paper, name)
    }


def _find_paper(parsed: ParsedPaper) -> Paper | None:
    """Find a stored paper by DOI, then PMID, then title and journal."""
    if parsed.doi and (paper := Paper.objects.filter(doi__iexact=parsed.doi).first()):
        return paper
    if parsed.pmid and (paper := Paper.objects.filter(pmid=parsed.pmid).first()):
        return paper
    return Paper.objects.filter(title__iexact=parsed.title, journal=parsed.journal).first()


def _set_papers(post: Post, papers: tuple[ParsedPaper, ...], changes: list[str]) -> None:
    stored = []
    for parsed in papers:
        values = _paper_values(parsed)
        paper = _find_paper(parsed)
        if paper is None:
            paper = Paper.objects.create(**values)
            changes.append(f"paper “{parsed.title}” added")
        else:
            values = unchanged_people_kept(paper, values)
            changed = [name for name, value in values.items() if getattr(paper, name) != value]
            if changed:
                for name in changed:
                    setattr(paper, name, values[name])
                paper.save()
                changes.append(f"paper “{parsed.title}” changed")
        sections = [(s.label, s.text) for s in parsed.abstract]
        if list(paper.abstract_sections.values_list("label", "text")) != sections:
            paper.abstract_sections.all().delete()
            AbstractSection.objects.bulk_create(
                AbstractSection(paper=paper, position=position, label=label, text=text)
                for position, (label, text) in enumerate(sections)
            )
            changes.append(f"paper “{parsed.title}” abstract changed")
        stored.append(paper)
    if _replace_ordered_links(post.citations, "paper", stored):
        changes.append("post citations changed")


def _replace_ordered_links(links, field: str, targets: list) -> bool:
    """Make a post's ordered link rows (PostHashtag, Citation) point at `targets` in order.

    Return True if they changed; rows that already match are left untouched.
    """
    current = list(links.order_by("position").values_list(f"{field}_id", flat=True))
    if current == [target.pk for target in targets]:
        return False
    links.all().delete()
    links.model.objects.bulk_create(
        links.model(**{links.field.name: links.instance, field: target, "position": position})
        for position, target in enumerate(targets)
    )
    return True
