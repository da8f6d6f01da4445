import datetime
import random

import factory
from django.utils import timezone

from authors.models import Author
from blog.models import AbstractSection, Citation, Hashtag, Paper, Post, PostHashtag, Series
from blog.papers.convert import citation_text_fields
from comments.models import Comment


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    bio = "Neurologist and blogger."


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ["slug"]

    name = "ClinicSpeak"
    slug = factory.LazyAttribute(lambda o: o.name.lower())


class HashtagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hashtag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tag{n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower())


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    teaser = "A question worth asking?"
    body = "First paragraph.\n\nSecond paragraph."
    author = factory.SubFactory(AuthorFactory)
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        for position, name in enumerate(extracted or []):
            PostHashtag.objects.create(
                post=self, hashtag=HashtagFactory(name=name), position=position
            )


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    author_list = factory.LazyFunction(lambda: [{"family": "Gelfand"}])
    authors_et_al = True
    title = factory.Sequence(lambda n: f"A study of things, part {n}")
    journal = "Neurol Neuroimmunol Neuroinflamm"
    published_on = datetime.date(2014, 10, 9)
    volume = "1"
    issue = "3"
    first_page = "e34"

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        """Accept a citation's text too: `authors="Smith J, Jones K."`, `pages="591-9"`."""
        authors, pages = kwargs.pop("authors", None), kwargs.pop("pages", None)
        if authors is not None or pages is not None:
            fields = citation_text_fields(authors=authors or "", pages_text=pages or "")
            if authors is not None:
                kwargs.update(author_list=fields["author_list"])
                kwargs.update(authors_et_al=fields["authors_et_al"])
            if pages is not None:
                kwargs.update(first_page=fields["first_page"], last_page=fields["last_page"])
        return kwargs


class AbstractSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AbstractSection

    paper = factory.SubFactory(PaperFactory)
    position = factory.Sequence(int)
    label = "RESULTS"
    text = "Something was found."


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    post = factory.SubFactory(PostFactory)
    paper = factory.SubFactory(PaperFactory)
    position = 0


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment inserted through the tree manager (last child of its parent)."""

    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    parent = None
    author_name = ""
    body = factory.Sequence(lambda n: f"Comment number {n}.")
    status = Comment.Status.PUBLISHED
    created_at = factory.LazyFunction(timezone.now)


def bulk_thread(post, count: int, *, seed: int = 0, statuses=None) -> list[Comment]:
    """Store `count` comments on `post` as nested threads in one bulk insert; return them.

    For long threads, where saving one comment at a time (each insert shifting the tree)
    takes too long. The nested-set fields come from `comments.trees.number_nested_sets`
    (as the generator's do), for a random but reproducible shape: each new comment
    replies to something on the current path of the tree (at most COMMENTS_MAX_DEPTH
    deep) or starts a thread. `statuses`, if given, maps
    the position of a comment in tree order (0-based) to its status; the rest are
    published. Returned in tree order, with primary keys.
    """
    from django.conf import settings
    from django.db import transaction
    from django.db.models import Max

    from comments.rendering import render_comment_body
    from comments.thread_store import thread_refresh
    from comments.trees import number_nested_sets

    rng = random.Random(seed)
    statuses = statuses or {}
    start = timezone.now() - datetime.timedelta(days=1)
    parents: list[int | None] = []
    path: list[int] = []
    for index in range(count):
        del path[rng.randint(0, min(len(path), settings.COMMENTS_MAX_DEPTH - 1)) :]
        parents.append(path[-1] if path else None)
        path.append(index)
    with transaction.atomic():
        first_tree = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
        numbers, order = number_nested_sets(parents, first_tree)
        rows: list[Comment] = []
        for position, index in enumerate(order):
            body = f"Comment number {index} in a long thread."
            place = numbers[index]
            comment = Comment(
                post=post,
                author_name=f"Reader {index % 37}",
                body=body,
                body_html=render_comment_body(body),
                status=statuses.get(position, Comment.Status.PUBLISHED),
                created_at=start + datetime.timedelta(seconds=index),
                tree_id=place.tree_id,
                lft=place.lft,
                rght=place.rght,
                level=place.level,
            )
            comment._index = index
            rows.append(comment)
        # One insert per level, so every reply points at a parent that has its key.
        by_index = {comment._index: comment for comment in rows}
        for level in range(max((comment.level for comment in rows), default=-1) + 1):
            batch = [comment for comment in rows if comment.level == level]
            for comment in batch:
                parent = parents[comment._index]
                comment.parent = by_index[parent] if parent is not None else None
            Comment.objects.bulk_create(batch, batch_size=500)
        thread_refresh([post.pk])  # what save() would have kept: stored values, names
    return rows
