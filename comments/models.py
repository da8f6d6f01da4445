from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from mptt.models import MPTTModel, TreeForeignKey

from comments.identity import anonymous_label
from comments.querysets import CommentManager, published_posts
from comments.rendering import render_comment_body
from comments.visibility import CommentStatus


class Comment(MPTTModel):
    """A reader's comment on a post; replies nest under their parent as an MPTT tree.

    Siblings keep insertion order (new children go last), which is document order for
    imported threads and arrival order for new comments.
    """

    Status = CommentStatus  # which statuses readers see: comments.visibility

    class Badge(models.TextChoices):
        AUTHOR = "author", "Author"
        TEAM = "team", "Team"

    # No index of its own: the indexes below that start with the post serve its lookups,
    # and every index is one more write for each row a new reply shifts in its tree.
    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    author_name = models.CharField(max_length=100, blank=True, help_text="Blank shows “Anonymous”.")
    author_email = models.EmailField(blank=True, help_text="Never shown to readers.")
    author_url = models.URLField(
        blank=True, help_text="The commenter's website, as an imported comment gives it."
    )
    notify_replies = models.BooleanField(
        default=False, help_text="Email the commenter when someone replies (needs an email)."
    )
    ip_address = models.GenericIPAddressField(
        null=True, blank=True, editable=False, help_text="Client address, for abuse control."
    )
    client_network = models.CharField(
        max_length=50,
        blank=True,
        default="",
        editable=False,
        help_text="What abuse limits count the poster by: an IPv4 address or an IPv6 /64.",
    )
    body = models.TextField(
        max_length=10_000, help_text="Plain text; paragraphs and line breaks are kept."
    )
    body_html = models.TextField(editable=False, default="")
    # Indexed with created_at below (the statuses' lists, newest first), not alone.
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    created_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was posted; unknown for some imported comments."
    )
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    badge = models.CharField(
        max_length=10,
        choices=Badge,
        blank=True,
        default="",
        editable=False,
        help_text="Set when signed-in staff post (comments.identity.badge_for); never typed.",
    )
    # What the post page reads of a comment, kept current by every write
    # (comments.thread_store): its place in its thread, its replies, its markup.
    position = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Its index among the comments readers see in its thread (the top-level "
            "comment and its replies), in tree order; empty when readers do not see it."
        ),
    )
    reply_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Published comments readers see below it, at any depth.",
    )
    thread_shown = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="On a top-level comment: how many comments of its thread readers see.",
    )
    markup = models.TextField(
        default="",
        editable=False,
        help_text="Its markup on the post page (comments.markup), rendered when written.",
    )
    source_ref = models.CharField(
        max_length=50,
        blank=True,
        default="",
        editable=False,
        help_text=(
            "Position in the imported document (e.g. 3.2), or the platform's comment id "
            "(wp:17, blogger:123); blank for comments posted here."
        ),
    )

    objects = CommentManager()

    class MPTTMeta:
        order_insertion_by: list[str] = []

    class Meta:
        ordering = ["tree_id", "lft"]
        indexes = [
            models.Index(fields=["post", "tree_id", "lft"], name="comment_post_tree_idx"),
            # A post's threads in order, with their sizes (comments.thread_page.read_thread_page).
            models.Index(
                fields=["post", "tree_id"],
                condition=models.Q(parent=None),
                name="comment_post_thread_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="comment_status_created_idx"),
            # The flood check: this client's, or this email's, comments of the last few
            # seconds (comments.moderation compares emails by Upper, as this index does).
            models.Index(fields=["client_network", "created_at"], name="comment_client_recent_idx"),
            models.Index(Upper("author_email"), "created_at", name="comment_email_recent_idx"),
            # The duplicate check, and a name's latest comment on a post (what a mention
            # links to, comments.thread_store), read backwards from the last.
            models.Index(fields=["post", "author_name", "id"], name="comment_post_author_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="comment_post_source_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        excerpt = self.body[:60] + ("…" if len(self.body) > 60 else "")
        return f"{self.display_name}: {excerpt}"

    def save(self, *args, **kwargs):
        self.body_html = render_comment_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """Return the comment's stable address, which redirects to the page showing it."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def display_name(self) -> str:
        """The name given, else a stable per-thread label (comments.identity)."""
        return self.author_name or anonymous_label(self.post_id, self.author_email, self.ip_address)


class CommenterName(models.Model):
    """A name a published comment readers see was signed with on a post: the names a new
    comment's text is matched against (comments.mentions), read without reading the
    post's comments. Kept by comments.thread_store; may hold names whose comments have
    gone since (a lookup checks the comments), never lacks one that has some.
    """

    # Indexed by the unique constraint, which starts with it.
    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "name"], name="commenter_name_post_unique"),
        ]

    def __str__(self) -> str:
        return self.name


def commentable_posts():
    """Return the posts readers may see and comment on."""
    return published_posts(Comment)
