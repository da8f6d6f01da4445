"""RSS and Atom feeds parse cleanly with feedparser and list only what readers can see."""

import datetime
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.html import warm_queries

pytestmark = pytest.mark.django_db

ATOM_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "atom.rnc"


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return response, feed


def post_kwargs(post) -> dict:
    local = timezone.localtime(post.published_at)
    return {"year": local.year, "month": f"{local.month:02d}", "slug": post.slug}


def every_feed_url(post) -> list[str]:
    return [
        reverse("blog:post-feed"),
        reverse("blog:post-feed-atom"),
        reverse("blog:hashtag-feed", kwargs={"slug": "msresearch"}),
        reverse("blog:hashtag-feed-atom", kwargs={"slug": "msresearch"}),
        reverse("blog:author-feed", kwargs={"slug": post.author.slug}),
        reverse("blog:author-feed-atom", kwargs={"slug": post.author.slug}),
        reverse("blog:post-comments-feed", kwargs=post_kwargs(post)),
        reverse("blog:post-comments-feed-atom", kwargs=post_kwargs(post)),
    ]


def test_every_feed_parses_without_errors(client, seed_post):
    versions = set()
    for url in every_feed_url(seed_post):
        _, feed = fetch(client, url)
        assert feed.entries, url
        assert all(entry.content[0].value.startswith("<p>") for entry in feed.entries), url
        versions.add(feed.version)

    assert versions == {"rss20", "atom10"}


def test_site_feed_lists_the_post_with_its_hashtags(client, seed_post):
    _, feed = fetch(client, reverse("blog:post-feed-atom"))

    [entry] = feed.entries
    assert entry.title == seed_post.title
    assert entry.link == f"{settings.SITE_URL}{seed_post.get_absolute_url()}"
    assert entry.author == "Prof G"
    assert [tag.term for tag in entry.tags] == ["MSResearch", "MSBlog", "ClinicSpeak"]
    assert entry.summary == "What does the pathology of a case of NMO teach us about alemtuzumab?"


def test_feeds_leave_out_drafts_and_future_posts(client, seed_post):
    PostFactory(author=seed_post.author, status="draft", title="A draft")
    PostFactory(
        author=seed_post.author,
        title="Tomorrow's post",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )

    _, feed = fetch(client, reverse("blog:post-feed"))

    assert [entry.title for entry in feed.entries] == [seed_post.title]


def test_hashtag_feed_is_case_insensitive_and_filtered(client, seed_post):
    PostFactory(author=seed_post.author, title="Untagged post")

    _, feed = fetch(client, reverse("blog:hashtag-feed", kwargs={"slug": "MSResearch"}))

    assert [entry.title for entry in feed.entries] == [seed_post.title]


def test_unknown_hashtag_or_author_feed_is_404(client, db):
    assert client.get(reverse("blog:hashtag-feed", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("blog:author-feed", kwargs={"slug": "nobody"})).status_code == 404


def test_comment_feed_lists_published_comments_with_permalinks(client, seed_post):
    voltaire = Comment.objects.get(source_ref="3")
    Comment.objects.filter(source_ref="1").update(status=Comment.Status.SPAM)

    _, feed = fetch(client, reverse("blog:post-comments-feed", kwargs=post_kwargs(seed_post)))

    assert len(feed.entries) == 12
    links = {entry.link for entry in feed.entries}
    # Each links to the comment's stable address, which leads to the page showing it.
    assert f"{settings.SITE_URL}/comments/{voltaire.pk}/" in links
    landing = client.get(f"/comments/{voltaire.pk}/")
    assert landing["Location"] == f"{seed_post.get_absolute_url()}#comment-{voltaire.pk}"
    assert all(entry.author == "Anonymous" for entry in feed.entries)


def test_feed_query_counts_do_not_grow_with_content(client, seed_post):
    def count(url):
        return warm_queries(client, url)

    urls = every_feed_url(seed_post)
    before = [count(url) for url in urls]
    for n in range(15):
        post = PostFactory(author=seed_post.author, tags=["MSResearch", f"Extra{n}"])
        CommentFactory(post=seed_post, body=f"More {n}")
        CommentFactory(post=post)

    assert [count(url) for url in urls] == before


# Full text, escaping, threading and ids (issue 15)

SEED_TEASER = "What does the pathology of a case of NMO teach us about alemtuzumab?"
TYPED = "Risk < 1 in 50 & <b>not bold</b>\nsecond line\n\nA new paragraph: https://example.org/x"


def text_of_html(html: str) -> str:
    """The text a feed reader shows for an HTML value, paragraphs and breaks as newlines."""
    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\x00")
    paragraphs = [" ".join(p.get_text().split()) for p in soup.find_all("p")]
    lines = [" \x00 ".join(part.strip() for part in p.split("\x00")) for p in paragraphs]
    return "\n\n".join(line.replace(" \x00 ", "\n") for line in lines)


def test_post_feeds_carry_the_full_sanitised_body_beside_the_summary(client, seed_post):
    for url in (reverse("blog:post-feed"), reverse("blog:post-feed-atom")):
        _, feed = fetch(client, url)

        [entry] = feed.entries
        assert entry.content[0].type == "text/html"
        assert entry.content[0].value == seed_post.body_html, url
        assert (
            entry.summary == "What does the pathology of a case of NMO teach us about alemtuzumab?"
        )


def test_a_comment_reads_back_exactly_as_typed_with_its_paragraphs(client, post):
    CommentFactory(post=post, body=TYPED, author_name="Dre <Dre> & co")

    for route in ("blog:post-comments-feed", "blog:post-comments-feed-atom"):
        _, feed = fetch(client, reverse(route, kwargs=post_kwargs(post)))

        [entry] = feed.entries
        assert text_of_html(entry.content[0].value) == TYPED, route
        body = BeautifulSoup(entry.content[0].value, "html.parser")
        assert body.find("b") is None  # shown as text, never as markup
        assert body.find("a")["href"] == "https://example.org/x"
        summary = BeautifulSoup(entry.summary, "html.parser").get_text()
        assert summary == " ".join(TYPED.split())
        assert entry.author == "Dre <Dre> & co"


def test_a_post_teaser_with_markup_characters_reads_back_as_typed(client, author):
    PostFactory(author=author, teaser="Is 1 < 2 & <i>so</i>?")

    for url in (reverse("blog:post-feed"), reverse("blog:post-feed-atom")):
        _, feed = fetch(client, url)

        assert BeautifulSoup(feed.entries[0].summary, "html.parser").get_text() == (
            "Is 1 < 2 & <i>so</i>?"
        )


def in_reply_to(xml: bytes) -> dict[str, str]:
    """Map each Atom entry's id to the ref of its thr:in-reply-to."""
    ns = {"atom": "http://www.w3.org/2005/Atom", "thr": "http://purl.org/syndication/thread/1.0"}
    root = ET.fromstring(xml)
    return {
        entry.find("atom:id", ns).text: entry.find("thr:in-reply-to", ns).get("ref")
        for entry in root.findall("atom:entry", ns)
    }


def test_comment_feed_entries_say_what_they_reply_to_and_have_ids_of_their_own(client, post):
    root = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=root)
    site = settings.SITE_URL
    post_url = f"{site}{post.get_absolute_url()}"

    response, feed = fetch(
        client, reverse("blog:post-comments-feed-atom", kwargs=post_kwargs(post))
    )

    assert in_reply_to(response.content) == {
        f"{site}/comments/{root.pk}/": post_url,
        f"{site}/comments/{reply.pk}/": f"{site}/comments/{root.pk}/",
    }
    comment_feed_id = feed.feed.id
    _, site_feed = fetch(client, reverse("blog:post-feed-atom"))
    assert site_feed.entries[0].id == post_url
    assert comment_feed_id != post_url  # the post's comment feed is not the post's entry
    assert (
        comment_feed_id
        == f"{site}{reverse('blog:post-comments-feed-atom', kwargs=post_kwargs(post))}"
    )


def test_a_comment_without_a_known_date_has_no_published_date(client, post):
    CommentFactory(post=post, created_at=None)

    for route in ("blog:post-comments-feed", "blog:post-comments-feed-atom"):
        response, feed = fetch(client, reverse(route, kwargs=post_kwargs(post)))

        assert "published" not in feed.entries[0], route
        assert b"<published>" not in response.content and b"<pubDate>" not in response.content
        if route.endswith("atom"):
            assert feed.entries[0].updated  # Atom requires one: when it was last changed


def test_feed_ids_and_author_uris_are_absolute(client, seed_post):
    for url in every_feed_url(seed_post):
        _, feed = fetch(client, url)

        assert feed.feed.link.startswith(settings.SITE_URL), url
        for entry in feed.entries:
            assert entry.id.startswith(settings.SITE_URL), url
            assert entry.link.startswith(settings.SITE_URL), url
            if "author_detail" in entry and "href" in entry.author_detail:
                assert entry.author_detail.href.startswith(settings.SITE_URL), url


def require_jing() -> None:
    if shutil.which("jing") is None:
        message = "the Atom schema check needs jing (Debian package jing)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_atom_feeds_are_valid_against_the_rfc_4287_schema(client, seed_post, tmp_path):
    require_jing()
    reply_to = Comment.objects.filter(post=seed_post).first()
    CommentFactory(post=seed_post, parent=reply_to, body=TYPED)
    CommentFactory(post=seed_post, created_at=None, body="Undated")
    files = []
    for url in every_feed_url(seed_post):
        if url.endswith("/atom/"):
            response, _ = fetch(client, url)
            path = tmp_path / f"feed{len(files)}.xml"
            path.write_bytes(response.content)
            files.append(str(path))
    assert len(files) == 4

    done = subprocess.run(
        ["jing", "-c", str(ATOM_SCHEMA), *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
