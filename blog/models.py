import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from blog.markup import MARKDOWN, hashtag_names, image_references, render_post_body

# Papers live in blog.papers; they are re-exported here for the app's other modules.
from blog.papers.models import PAPER_CITATION_FIELDS, AbstractSection, Paper  # noqa: F401
from blog.querysets import PostQuerySet, WithPublishedPostsQuerySet
from core.models import TimeStampedModel
from images.html import Source
from images.models import Image


class Series(TimeStampedModel):
    """A recurring column of the blog, such as ClinicSpeak or NewsSpeak."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    objects = WithPublishedPostsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blog:series-detail", kwargs={"slug": self.slug})


class Hashtag(models.Model):
    """A #hashtag, kept as first written (`MSResearch`) and matched case-insensitively."""

    name = models.CharField(max_length=100, help_text="As written, without the #.")
    slug = models.SlugField(max_length=100, unique=True, help_text="Lower-case form of the name.")

    objects = WithPublishedPostsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="hashtag_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.name}"

    def save(self, *args, **kwargs):
        self.slug = hashtag_slug(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("blog:hashtag-detail", kwargs={"slug": self.slug})


def hashtag_slug(name: str) -> str:
    """Return the case-insensitive key of a hashtag name."""
    return slugify(name.lstrip("#")).lower()


class Post(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    teaser = models.TextField(
        blank=True,
        help_text="The summary line under the title; #Tags written here become hashtags.",
    )

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        TEXT = "text", "Plain text, exactly as written"
        HTML = "html", "HTML (imported from another platform)"

    body = models.TextField(help_text="A blank line separates paragraphs.")
    body_format = models.CharField(
        max_length=10,
        choices=BodyFormat,
        default=BodyFormat.MARKDOWN,
        help_text="Markdown for posts written here; imported documents keep their text as written.",
    )
    body_html = models.TextField(editable=False, default="")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="posts")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    lead_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of_posts",
        help_text="Shown at the top of the post and beside it in lists; optional.",
    )
    conflict_of_interest = models.TextField(
        "conflict-of-interest disclosure", blank=True, help_text="Shown after the post as “CoI: …”."
    )
    hashtags = models.ManyToManyField(
        Hashtag, through="PostHashtag", related_name="posts", blank=True
    )
    papers = models.ManyToManyField(Paper, through="Citation", related_name="posts", blank=True)
    source_ref = models.CharField(
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=(
            "Import key: the document's name, or the platform's post id (wp:4, blogger:…); "
            "the importers update by it."
        ),
    )
    # PostgreSQL keeps it (triggers and a GIN index from migration 0007, blog/search.py);
    # on SQLite the column stays empty and search falls back to matching text.
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Title (A), teaser and cited papers (B), body (C); kept by triggers.",
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="post_status_published_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = self.render_body()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"body", "body_format"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("blog:post-detail", kwargs=self._url_kwargs())

    def comments_page_url(self, number: int) -> str:
        """Return the address of comment page `number`; page 1 is the post's own page."""
        if number == 1:
            return self.get_absolute_url()
        return reverse("blog:post-comments-page", kwargs={**self._url_kwargs(), "page": number})

    def _url_kwargs(self) -> dict:
        # The local (Europe/London) year and month of publication, as readers see it.
        local = timezone.localtime(self.published_at)
        return {"year": local.year, "month": f"{local.month:02d}", "slug": self.slug}

    def render_body(self) -> str:
        """Return the body rendered as its format says, with its figures (a query if any)."""
        return render_post_body(self.body, self.body_format, self.figure_images())

    def figure_images(self) -> dict:
        """Return the uploaded images the body places as figures, by id (one query if any)."""
        ids = image_references(self.body) if self.body_format == MARKDOWN else []
        if not ids:
            return {}
        return {image.pk: image.source() for image in Image.objects.filter(pk__in=ids)}

    def lead_image_file(self) -> Source | None:
        """Return the lead image's largest file (url, width, height), for OpenGraph and JSON-LD.

        The URL is the storage's: absolute for an object store, a path on this site for the
        filesystem (make it absolute with the site's origin). The alt text is
        `post.lead_image.alt_text`.
        """
        return self.lead_image.largest() if self.lead_image_id else None

    def is_published(self) -> bool:
        """Return True if readers can see the post now."""
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def published_date(self) -> datetime.date:
        return timezone.localdate(self.published_at)

    @property
    def changed_at(self) -> datetime.datetime:
        """When readers last saw the post change: its last edit, or going live if later
        (a scheduled post). The sitemap's `Greatest("updated_at", "published_at")` is the
        same rule in SQL."""
        return max(self.updated_at, self.published_at)

    def hashtag_list(self) -> list[Hashtag]:
        """Return the hashtags in the order the post writes them.

        Runs a query unless `post_hashtags__hashtag` was prefetched (the querysets do).
        """
        return [link.hashtag for link in self.post_hashtags.all()]

    def hashtags_after_teaser(self) -> list[Hashtag]:
        """Return the hashtags to list after the teaser: those it does not write itself."""
        written = {hashtag_slug(name) for name in hashtag_names(self.teaser)}
        return [tag for tag in self.hashtag_list() if tag.slug not in written]

    def paper_list(self) -> list[Paper]:
        """Return the cited papers in citation order (prefetched by `for_detail()`)."""
        return [citation.paper for citation in self.citations.all()]


class PostHashtag(models.Model):
    """A hashtag on a post, keeping the order the post writes them in."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_hashtags")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="post_hashtags")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "hashtag"], name="post_hashtag_unique"),
        ]

    def __str__(self) -> str:
        # The title of its row in the post's admin page: "#MSResearch".
        return str(self.hashtag)


class Citation(models.Model):
    """A paper cited by a post, in the order the post cites them."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="citations")
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "paper"], name="citation_post_paper_unique"),
        ]

    def __str__(self) -> str:
        # The title of its row in the post's admin page: the paper.
        return str(self.paper)


class PostRevision(models.Model):
    """One saved version of a post's editorial content, for the history and its diffs.

    `snapshot` holds the fields an editor changes (title, teaser, body, hashtags, cited
    papers, ...) as plain JSON, so an old version stays readable after the live rows change.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="1 for the first version of the post.")
    created_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="post_revisions",
    )
    origin = models.CharField(
        max_length=20, blank=True, help_text="Where the change came from: admin, import, ..."
    )
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["post", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="post_revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.post} (version {self.number})"


class Page(TimeStampedModel):
    """A page of the site that is not a post, such as About; staff edit it in the admin."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="`about` is the About page.")
    body = models.TextField(help_text="Markdown, as in posts.")
    body_html = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_post_body(self.body, Post.BodyFormat.MARKDOWN)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if self.slug == ABOUT_SLUG:
            return reverse("blog:about")
        return reverse("blog:page", kwargs={"slug": self.slug})


ABOUT_SLUG = "about"


# The counters cached pages are checked against: a change adds one to a counter in the
# transaction that makes it, and version tokens are derived from them (blog.caching.versions),
# so a cache that lost writes (restored from a snapshot, a lagging replica promoted) holds
# tokens the database no longer gives, read again within BLOG_CACHE_VERSION_SECONDS.
SITE_VERSION_ROW = 1


class SiteVersion(models.Model):
    """One row: changes of posts and of what posts share (authors, series, hashtags,
    papers, pages), not comments."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=SITE_VERSION_ROW)
    counter = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"site version {self.counter}"


class PostVersion(models.Model):
    """A post's changes: anything its page shows, its comments included.

    Kept when its post is deleted (no constraint), so a post given the same id later
    (SQLite reuses the highest) goes on counting from there: no token comes back.
    """

    post = models.OneToOneField(
        "blog.Post",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="cache_version",
    )
    counter = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    threads = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "[[tree_id, counter], ...]: the last change of a comment in that tree or a "
            "later one, per tree (0: all); comment pages before the tree stay cached."
        ),
    )

    def __str__(self) -> str:
        return f"version {self.counter} of post {self.post_id}"
