"""The sidebar on every blog page: recent posts, recent comments and the yearly archive."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def sidebar(client, url: str = "/"):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").select_one("aside.site-sidebar")


def section(aside, heading: str):
    h3 = aside.find("h3", string=heading)
    return h3.find_parent("section")


def ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


def test_sidebar_is_a_labelled_aside_outside_main(client, post):
    response = client.get("/")
    soup = BeautifulSoup(response.content, "html.parser")
    aside = soup.select_one("aside.site-sidebar")

    assert aside.find_parent("main") is None
    heading = soup.find(id=aside["aria-labelledby"])
    assert heading.name == "h2"
    assert heading.get_text(strip=True)


@pytest.mark.parametrize("page", ["home", "post", "author", "series", "tag", "archive", "search"])
def test_sidebar_is_on_every_blog_page(client, seed_post, page):
    url = {
        "home": "/",
        "post": seed_post.get_absolute_url(),
        "author": seed_post.author.get_absolute_url(),
        "series": seed_post.series.get_absolute_url(),
        "tag": "/tags/msresearch/",
        "archive": "/2014/",
        "search": "/search/?q=nmo",
    }[page]

    aside = sidebar(client, url)

    assert section(aside, "Recent posts")
    assert section(aside, "Recent comments")


def test_recent_posts_are_the_latest_five_published(client, author):
    posts = [PostFactory(author=author, published_at=ago(days=n)) for n in range(1, 8)]
    draft = PostFactory(author=author, status="draft", published_at=ago(hours=1))
    future = PostFactory(author=author, published_at=ago(hours=-1))

    links = section(sidebar(client), "Recent posts").find_all("a")

    assert [a["href"] for a in links] == [p.get_absolute_url() for p in posts[:5]]
    assert [a.get_text() for a in links] == [p.title for p in posts[:5]]
    hrefs = {a["href"] for a in links}
    assert draft.get_absolute_url() not in hrefs
    assert future.get_absolute_url() not in hrefs


def test_recent_comments_show_name_post_excerpt_and_permalink(client, post):
    comment = CommentFactory(
        post=post, author_name="Dre", body="A long comment " + "word " * 40, created_at=ago(hours=1)
    )

    item = section(sidebar(client), "Recent comments").li

    assert item.select_one(".comment-author").get_text() == "Dre"
    link = item.a
    assert link["href"] == f"/comments/{comment.pk}/"  # its stable address
    assert link.get_text() == post.title
    excerpt = item.q.get_text()
    assert excerpt.startswith("A long comment word")
    assert excerpt.endswith("…")
    assert len(excerpt.split()) <= 16


def test_recent_comment_permalink_finds_the_comment_on_the_post_page(client, post):
    comment = CommentFactory(post=post, created_at=ago(hours=1))

    href = section(sidebar(client), "Recent comments").a["href"]
    url, anchor = client.get(href)["Location"].split("#")

    soup = BeautifulSoup(client.get(url).content, "html.parser")
    assert soup.find(id=anchor) is not None
    assert anchor == comment.anchor


def test_recent_comments_are_the_latest_five_that_readers_can_see(client, author):
    post = PostFactory(author=author)
    visible = [CommentFactory(post=post, created_at=ago(hours=n)) for n in range(1, 8)]
    pending = CommentFactory(post=post, status=Comment.Status.PENDING, created_at=ago(minutes=1))
    under_pending = CommentFactory(post=post, parent=pending, created_at=ago(minutes=2))
    spam = CommentFactory(post=post, status=Comment.Status.SPAM, created_at=ago(minutes=3))
    removed = CommentFactory(post=post, status=Comment.Status.REMOVED, created_at=ago(minutes=4))
    under_removed = CommentFactory(post=post, parent=removed, created_at=ago(minutes=5))
    on_draft = CommentFactory(
        post=PostFactory(author=author, status="draft"), created_at=ago(minutes=6)
    )
    on_future = CommentFactory(
        post=PostFactory(author=author, published_at=ago(hours=-2)), created_at=ago(minutes=7)
    )
    undated = CommentFactory(post=post, created_at=None)

    links = [a["href"] for a in section(sidebar(client), "Recent comments").find_all("a")]

    expected = [under_removed, *visible[:4]]  # a reply to a removed comment is still shown
    assert links == [c.get_absolute_url() for c in expected]
    for hidden in [pending, under_pending, spam, removed, on_draft, on_future, undated]:
        assert hidden.get_absolute_url() not in links


def test_comment_text_in_the_sidebar_is_escaped(client, post):
    CommentFactory(post=post, author_name="<b>Mallory</b>", body="<script>alert(1)</script>")

    html = client.get("/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html


def test_archive_links_each_year_with_published_posts(client, author):
    for year in [2013, 2014, 2014]:
        PostFactory(author=author, published_at=datetime.datetime(year, 6, 1, tzinfo=datetime.UTC))
    PostFactory(
        author=author,
        status="draft",
        published_at=datetime.datetime(2012, 6, 1, tzinfo=datetime.UTC),
    )

    links = section(sidebar(client), "Archive").find_all("a")

    assert [(a.get_text(), a["href"]) for a in links] == [("2014", "/2014/"), ("2013", "/2013/")]


def test_sidebar_query_count_does_not_grow(client, author):
    def queries() -> tuple[int, int]:
        """Return the queries of a page with a cold cache, then with a warm one."""
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                sidebar(client, "/search/")  # no search runs: all queries are the sidebar's
            counts.append(len(captured))
        return tuple(counts)

    post = PostFactory(author=author)
    CommentFactory(post=post)
    few = queries()

    for n in range(20):
        other = PostFactory(
            author=author,
            published_at=datetime.datetime(2000 + n, 1, 1, tzinfo=datetime.UTC),
        )
        CommentFactory.create_batch(3, post=other, created_at=ago(minutes=n))
    many = queries()

    # Cold: the sidebar's three parts in one query, and the site version (with the next
    # scheduled post: how long it may last). Warm: none, the whole sidebar is cached.
    assert few == many == (2, 0)
