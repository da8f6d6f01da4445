"""Write the blog as a WordPress export (WXR 1.2), so it can leave with its discussions whole.

Every post (published, scheduled and draft), its author, series (as a category),
hashtags (as tags) and every comment with its parent and status. Post bodies go out as
the HTML readers see (`body_html`); comments as their text, escaped, as WordPress stores
what a reader typed. Written as a stream, posts in chunks, one comment query per chunk.
"""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape
from typing import TextIO

from django.utils import timezone

from authors.models import Author
from blog.models import Post
from comments.models import Comment

WXR_VERSION = "1.2"
CHUNK = 500
COMMENT_APPROVED = {
    Comment.Status.PUBLISHED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
}
# Characters XML 1.0 cannot hold at all (control characters other than tab and newlines).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NO_DATE = "0000-00-00 00:00:00"


@dataclass
class ExportStats:
    posts: int = 0
    comments: int = 0
    authors: int = 0


def cdata(text: str) -> str:
    """Return text as CDATA (a `]]>` inside is split across two sections)."""
    text = _NOT_XML.sub("", text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(text: str) -> str:
    return escape(_NOT_XML.sub("", text), quote=False)


def _dates(moment: datetime.datetime | None) -> tuple[str, str]:
    """Return (local, GMT) as WordPress writes them."""
    if moment is None:
        return NO_DATE, NO_DATE
    local = timezone.localtime(moment)
    gmt = moment.astimezone(datetime.UTC)
    return f"{local:%Y-%m-%d %H:%M:%S}", f"{gmt:%Y-%m-%d %H:%M:%S}"


def write_wxr(out: TextIO, *, title: str, base_url: str) -> ExportStats:
    """Write every post with its comments to `out` as WXR; return what was written."""
    stats = ExportStats()
    base_url = base_url.rstrip("/")
    out.write(_header(title, base_url))
    authors = Author.objects.filter(posts__isnull=False).distinct().order_by("slug")
    for author in authors:
        stats.authors += 1
        out.write(
            f"\t<wp:author><wp:author_id>{author.pk}</wp:author_id>"
            f"<wp:author_login>{cdata(author.slug)}</wp:author_login>"
            f"<wp:author_display_name>{cdata(author.name)}</wp:author_display_name>"
            "</wp:author>\n"
        )
    for post, comments in _posts_with_comments():
        stats.posts += 1
        stats.comments += len(comments)
        out.write(_item(post, comments, base_url))
    out.write("</channel>\n</rss>\n")
    return stats


def _header(title: str, base_url: str) -> str:
    now = format_datetime(timezone.now().astimezone(datetime.UTC), usegmt=True)
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        "<!-- A WordPress eXtended RSS file written by manage.py export_wordpress. -->\n"
        '<rss version="2.0"\n'
        '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>\n'
        f"\t<title>{_text(title)}</title>\n\t<link>{_text(base_url)}</link>\n"
        f"\t<description></description>\n\t<pubDate>{now}</pubDate>\n"
        f"\t<language>en-GB</language>\n\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n"
        f"\t<wp:base_site_url>{_text(base_url)}</wp:base_site_url>\n"
        f"\t<wp:base_blog_url>{_text(base_url)}</wp:base_blog_url>\n"
    )


def _posts_with_comments() -> Iterator[tuple[Post, list[Comment]]]:
    """Yield each post with its comments in tree order: two queries per chunk of posts."""
    posts = (
        Post.objects.select_related("author", "series")
        .prefetch_related("post_hashtags__hashtag")
        .order_by("pk")
    )
    for chunk in _chunks(posts.iterator(chunk_size=CHUNK), CHUNK):
        by_post: dict[int, list[Comment]] = {post.pk: [] for post in chunk}
        comments = Comment.objects.filter(post_id__in=by_post).order_by("tree_id", "lft")
        for comment in comments:
            by_post[comment.post_id].append(comment)
        for post in chunk:
            yield post, by_post[post.pk]


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _status(post: Post) -> str:
    if post.status != Post.Status.PUBLISHED:
        return "draft"
    return "publish" if post.published_at <= timezone.now() else "future"


def _item(post: Post, comments: list[Comment], base_url: str) -> str:
    local, gmt = _dates(post.published_at)
    modified, modified_gmt = _dates(post.updated_at)
    link = base_url + post.get_absolute_url()
    terms = []
    if post.series:
        terms.append(f'<category domain="category" nicename="{_text(post.series.slug)}">'
                     f"{cdata(post.series.name)}</category>")  # fmt: skip
    for tag in post.hashtag_list():
        terms.append(f'<category domain="post_tag" nicename="{_text(tag.slug)}">'
                     f"{cdata(tag.name)}</category>")  # fmt: skip
    lines = [
        "\t<item>",
        f"\t\t<title>{cdata(post.title)}</title>",
        f"\t\t<link>{_text(link)}</link>",
        f"\t\t<pubDate>{format_datetime(post.published_at.astimezone(datetime.UTC), usegmt=True)}"
        "</pubDate>",
        f"\t\t<dc:creator>{cdata(post.author.slug)}</dc:creator>",
        f'\t\t<guid isPermaLink="false">{_text(base_url)}/?p={post.pk}</guid>',
        "\t\t<description></description>",
        f"\t\t<content:encoded>{cdata(post.body_html)}</content:encoded>",
        f"\t\t<excerpt:encoded>{cdata(post.teaser)}</excerpt:encoded>",
        f"\t\t<wp:post_id>{post.pk}</wp:post_id>",
        f"\t\t<wp:post_date>{cdata(local)}</wp:post_date>",
        f"\t\t<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>",
        f"\t\t<wp:post_modified>{cdata(modified)}</wp:post_modified>",
        f"\t\t<wp:post_modified_gmt>{cdata(modified_gmt)}</wp:post_modified_gmt>",
        "\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>",
        "\t\t<wp:ping_status><![CDATA[closed]]></wp:ping_status>",
        f"\t\t<wp:post_name>{cdata(post.slug)}</wp:post_name>",
        f"\t\t<wp:status>{cdata(_status(post))}</wp:status>",
        "\t\t<wp:post_parent>0</wp:post_parent>",
        "\t\t<wp:menu_order>0</wp:menu_order>",
        "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>",
        "\t\t<wp:post_password><![CDATA[]]></wp:post_password>",
        "\t\t<wp:is_sticky>0</wp:is_sticky>",
        *(f"\t\t{term}" for term in terms),
        *(_comment(comment) for comment in comments),
        "\t</item>\n",
    ]
    return "\n".join(lines)


def _comment(comment: Comment) -> str:
    local, gmt = _dates(comment.created_at)
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{comment.pk}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{cdata(comment.author_name)}</wp:comment_author>\n"
        f"\t\t\t<wp:comment_author_email>{cdata(comment.author_email)}</wp:comment_author_email>\n"
        f"\t\t\t<wp:comment_author_url>{_text(comment.author_url)}</wp:comment_author_url>\n"
        f"\t\t\t<wp:comment_author_IP>{cdata(comment.ip_address or '')}</wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date>{cdata(local)}</wp:comment_date>\n"
        f"\t\t\t<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>\n"
        # WordPress keeps what a reader typed as HTML: escape the text so it reads the same.
        f"\t\t\t<wp:comment_content>{cdata(escape(comment.body, quote=False))}"
        "</wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved>{cdata(COMMENT_APPROVED[comment.status])}"
        "</wp:comment_approved>\n"
        "\t\t\t<wp:comment_type><![CDATA[comment]]></wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>\n"
        "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
        "\t\t</wp:comment>"
    )
