from django.db import models
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, JSONObject
from django.utils import timezone

from comments.models import Comment


class JSONList(Func):
    """A JSON array of an expression's values over every row of its query (SQLite's
    json_group_array, PostgreSQL's jsonb_agg), in no stated order; `distinct` drops
    repeats. An aggregate the ORM does not group by: the only value of a subquery.
    None (PostgreSQL, no rows) or a list."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def __init__(self, expression, *, distinct: bool = False):
        super().__init__(expression)
        self.distinct = distinct

    def as_sql(self, compiler, connection, **extra_context):
        template = f"%(function)s({'DISTINCT ' if self.distinct else ''}%(expressions)s)"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


class JSONFields(JSONObject):
    """Django's JSONObject without its SQLite probe: the first use on each connection
    asks SQLite whether it has JSON functions (a query, which query counts would see
    or not by test order); SQLite has had them built in since 3.38 (2022)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return Func.as_sql(self, compiler, connection, **extra_context)


def json_list(queryset, expression, *, distinct: bool = False) -> Subquery:
    """`expression` over the rows of `queryset` as one JSON array (`JSONList`)."""
    values = queryset.order_by().values(json=JSONList(expression, distinct=distinct))
    return Subquery(values, output_field=JSONField())


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts readers may see: published status and a publication time not in the future."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def reachable(self, queryset, lookup: str):
        """Return those of `queryset` readers may reach, given `lookup`, the lookup from a
        post to them ("author", "series", "post_hashtags__hashtag", "citations__paper"):
        those a published post uses, and those no post uses yet (a new author, an uncited
        paper), never one that only drafts or scheduled posts use.
        """
        used = self.filter(**{f"{lookup}__isnull": False}).values(lookup)
        return queryset.filter(Q(pk__in=self.published().values(lookup)) | ~Q(pk__in=used))

    def scheduled(self):
        """Posts with published status dated in the future, the next one due first."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=timezone.now()
        ).order_by("published_at", "pk")

    def with_figure(self, image_id: int) -> list:
        """Return the Markdown posts whose body places image `image_id` as a figure."""
        from blog.markup import MARKDOWN, image_references

        candidates = self.filter(body_format=MARKDOWN, body__contains=f"image:{image_id}")
        return [post for post in candidates if image_id in image_references(post.body)]

    def drafts(self):
        return self.filter(status=self.model.Status.DRAFT)

    def with_comment_count(self):
        """Annotate `comment_count`: the comments readers see (`Comment.objects.visible()`),
        as the post page counts them."""
        visible = (
            Comment.objects.visible()
            .filter(post_id=OuterRef("pk"))
            .order_by()
            .values("post_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            comment_count=Coalesce(Subquery(visible, output_field=IntegerField()), Value(0))
        )

    def listing_rows(self):
        """The rows a list of posts shows with each post (author, series, hashtags), without
        the comment count (search counts only the page it shows: blog.search)."""
        return self.select_related("author", "series", "lead_image").prefetch_related(
            _hashtags_in_order(self.model)
        )

    def for_listing(self):
        """Everything a list of posts shows, newest first, in a constant number of queries.

        The comment count groups by post, and Django drops Meta.ordering from grouped
        queries, so the order is stated here.
        """
        return self.listing_rows().with_comment_count().order_by("-published_at", "-pk")

    def before(self, post):
        """Posts published before `post`, the closest first (same time: by primary key)."""
        earlier = Q(published_at__lt=post.published_at) | Q(
            published_at=post.published_at, pk__lt=post.pk
        )
        return self.filter(earlier).order_by("-published_at", "-pk")

    def after(self, post):
        """Posts published after `post`, the closest first."""
        later = Q(published_at__gt=post.published_at) | Q(
            published_at=post.published_at, pk__gt=post.pk
        )
        return self.filter(later).order_by("published_at", "pk")

    def related_to(self, post):
        """Other posts sharing hashtags or cited papers with `post`, the most shared first.

        Uses the post's prefetched hashtags and papers, so it is one query.
        """
        return (
            self.exclude(pk=post.pk)
            .annotate(shared=_shared_with(post))
            .filter(shared__gt=0)
            .order_by(*RELATED_ORDER)
        )

    def around(self, post, *, related: int) -> dict:
        """Return the posts shown under `post`: `previous`, `next` (or None) and up to
        `related` of `related_to(post)`, in one query (the three lists as subqueries).

        The rows come back together: each is sorted into its place by the same rules
        (`before`, `after`, `related_to`'s order), which pick the same posts since every
        row read is a candidate of the list it is put in.
        """
        rows = list(
            self.filter(
                Q(pk__in=self.before(post).values("pk")[:1])
                | Q(pk__in=self.after(post).values("pk")[:1])
                | Q(pk__in=self.related_to(post).values("pk")[:related])
            ).annotate(shared=_shared_with(post))
        )

        def key(row):
            return (row.published_at, row.pk)

        earlier = [row for row in rows if key(row) < key(post)]
        later = [row for row in rows if key(row) > key(post)]
        sharing = [row for row in rows if row.shared > 0]
        sharing.sort(key=lambda row: (-row.shared, -row.published_at.timestamp(), -row.pk))
        return {
            "previous": max(earlier, key=key, default=None),
            "next": min(later, key=key, default=None),
            "related": sharing[:related],
        }

    def for_sidebar(self, *, posts: int, comments: int):
        """The sidebar's three parts in one query: the newest `posts` published posts
        (title, slug, date), each with the same two lists, in no order: `recent_comments`,
        the newest `comments` visible comments as JSON objects (id, post_id, post_title,
        author_name, author_email, ip_address, body, created_at), and `years`, the local
        years with published posts. No published post, no row: nor any visible comment.
        """
        newest = Comment.objects.visible().order_by(F("created_at").desc(nulls_last=True), "-pk")
        recent = Comment.objects.filter(pk__in=newest.values("pk")[:comments])
        fields = ("id", "post_id", "author_name", "author_email", "ip_address", "body")
        comment = JSONFields(
            **{name: F(name) for name in fields},
            post_title=F("post__title"),
            created_at=F("created_at"),
        )
        years = json_list(self.published(), ExtractYear("published_at"), distinct=True)
        return (
            self.published()
            .only("title", "slug", "published_at")
            .annotate(recent_comments=json_list(recent, comment), years=years)
            .order_by("-published_at", "-pk")[:posts]
        )

    def for_detail(self):
        """Everything the post page shows except the thread, in a constant number of queries."""
        return self.for_page().prefetch_related(*detail_prefetches(self.model))

    def for_page(self):
        """The post row a post page reads when the post's parts are cached (one query):
        with its author, series and lead image; `blog.post_parts` reads the rest."""
        return self.select_related("author", "series", "lead_image")


RELATED_ORDER = ("-shared", "-published_at", "-pk")


def _shared_with(post):
    """How many hashtags and cited papers a post shares with `post` (prefetched on it)."""
    tags = [tag.pk for tag in post.hashtag_list()]
    papers = [paper.pk for paper in post.paper_list()]
    shared_tags = Count("post_hashtags", filter=Q(post_hashtags__hashtag__in=tags), distinct=True)
    shared_papers = Count("citations", filter=Q(citations__paper__in=papers), distinct=True)
    return shared_tags + shared_papers


def detail_prefetches(post_model) -> list[Prefetch]:
    """What the post page shows of a post beyond its row (three queries): its hashtags,
    its citations with their papers, and the papers' abstracts. `read_detail` reads the
    same for one post in one query."""
    # The models are reached through the relations: blog.models imports this module.
    Citation = post_model.citations.rel.related_model
    return [
        _hashtags_in_order(post_model),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("paper").prefetch_related(
                "paper__abstract_sections"
            ),
        ),
    ]


def read_detail(post) -> None:
    """Read what `detail_prefetches` reads for one post in one query, and give it to the
    post as if prefetched: `hashtag_list()`, `paper_list()` and each paper's
    `abstract_sections.all()` then run no query.

    A row per citation (the post's row alone if it cites nothing) with its paper, the
    paper's abstract sections as a JSON list, and the post's hashtags as another.
    """
    Citation = type(post).citations.rel.related_model
    Paper = Citation.paper.field.related_model
    PostHashtag = type(post).post_hashtags.rel.related_model
    Section = Paper.abstract_sections.rel.related_model
    paper_fields = [field.attname for field in Paper._meta.concrete_fields]
    links = PostHashtag.objects.filter(post=OuterRef("pk"))
    sections = Section.objects.filter(paper=OuterRef("citations__paper"))
    rows = (
        type(post)
        .objects.filter(pk=post.pk)
        .annotate(
            hashtag_rows=json_list(
                links,
                JSONFields(
                    id=F("id"),
                    position=F("position"),
                    name=F("hashtag__name"),
                    slug=F("hashtag__slug"),
                    hashtag_id=F("hashtag_id"),
                ),
            ),
            section_rows=json_list(
                sections,
                JSONFields(id=F("id"), position=F("position"), label=F("label"), text=F("text")),
            ),
        )
        .order_by("citations__position", "citations__pk")
        .values_list(
            "hashtag_rows",
            "section_rows",
            "citations__pk",
            "citations__position",
            *(f"citations__paper__{name}" for name in paper_fields),
        )
    )
    rows = list(rows)
    _prefetched(post, "post_hashtags", _hashtag_links(post, rows[0][0] if rows else None))
    citations = []
    for _, section_rows, pk, position, *paper_values in rows:
        if pk is None:  # the post cites nothing
            continue
        paper = Paper.from_db(post._state.db, paper_fields, paper_values)
        found = sorted(section_rows or [], key=lambda row: (row["position"], row["id"]))
        abstract = [_loaded(Section(paper=paper, **row), post) for row in found]
        _prefetched(paper, "abstract_sections", abstract)
        citations.append(_loaded(Citation(pk=pk, position=position, post=post, paper=paper), post))
    _prefetched(post, "citations", citations)


def _hashtag_links(post, rows: list[dict] | None) -> list:
    """The post's hashtag links, in the order the post writes them, from their JSON."""
    PostHashtag = type(post).post_hashtags.rel.related_model
    Hashtag = PostHashtag.hashtag.field.related_model
    links = []
    for row in sorted(rows or [], key=lambda row: (row["position"], row["id"])):
        tag = _loaded(Hashtag(pk=row["hashtag_id"], name=row["name"], slug=row["slug"]), post)
        link = PostHashtag(pk=row["id"], position=row["position"], post=post, hashtag=tag)
        links.append(_loaded(link, post))
    return links


def _loaded(instance, post):
    """Mark an instance made from read values as read from the post's database."""
    instance._state.adding, instance._state.db = False, post._state.db
    return instance


def _prefetched(instance, relation: str, objects: list) -> None:
    """Hold `objects` as the instance's prefetched `relation`, as prefetch_related_objects
    leaves them (`relation.all()` then answers from them)."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache, queryset._prefetch_done = objects, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = queryset


def _hashtags_in_order(post_model) -> Prefetch:
    """Prefetch a post's hashtag links with their hashtags, in one query."""
    links = post_model.post_hashtags.rel.related_model.objects.select_related("hashtag")
    return Prefetch("post_hashtags", queryset=links)


class WithPublishedPostsQuerySet(models.QuerySet):
    """For models whose posts are `posts` (hashtags, series)."""

    def with_published_post_count(self):
        """Only those with a published post, each with `post_count`, by name (one query)."""
        post_model = self.model._meta.get_field("posts").related_model
        return (
            self.filter(posts__in=post_model.objects.published())
            .annotate(post_count=Count("posts", distinct=True))
            .order_by("name")
        )
