"""Pages that list posts: home, author, series and hashtag pages, and the accessibility of
every reader route (one h1, headings in order, landmarks, skip link, labelled controls)."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Hashtag
from tests.factories import (
    AuthorFactory,
    CitationFactory,
    CommentFactory,
    HashtagFactory,
    PostFactory,
    SeriesFactory,
)
from tests.html import listed, page, warm_queries

pytestmark = pytest.mark.django_db


def ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def make_posts(count: int, **kwargs) -> list:
    """Published posts, newest first, each with two hashtags, two comments and a citation."""
    posts = []
    for n in range(count):
        post = PostFactory(published_at=ago(n + 1), tags=["MSResearch", f"Topic{n % 4}"], **kwargs)
        CommentFactory.create_batch(2, post=post)
        CitationFactory(post=post)
        posts.append(post)
    return posts


# Home


def test_home_query_count_is_the_same_for_2_and_25_posts_and_page_2(client, author):
    make_posts(2, author=author)
    few = warm_queries(client, "/")

    make_posts(23, author=author)

    assert warm_queries(client, "/") == few
    assert warm_queries(client, "/?page=2") == few
    assert warm_queries(client, "/?page=3") == few


# Author, series and hashtag pages


@pytest.fixture
def series():
    return SeriesFactory(name="ClinicSpeak", description="Clinical questions.\n\nAnswered.")


def test_author_page_shows_bio_and_published_posts(client, author):
    author.bio = "Professor of Neurology.\n\nBlogs daily."
    author.save()
    post = PostFactory(author=author)
    PostFactory(author=AuthorFactory(name="Someone Else"))

    soup = page(client, author.get_absolute_url())

    assert soup.h1.get_text() == "Prof G"
    assert [p.get_text() for p in soup.select("main .author-bio p")] == [
        "Professor of Neurology.",
        "Blogs daily.",
    ]
    assert listed(soup) == [post.get_absolute_url()]
    feed = soup.find("link", rel="alternate", href=reverse("blog:author-feed", args=["prof-g"]))
    assert feed is not None


def test_series_page_shows_description_and_published_posts(client, author, series):
    in_series = PostFactory(author=author, series=series)
    PostFactory(author=author)

    soup = page(client, series.get_absolute_url())

    assert soup.h1.get_text() == "ClinicSpeak"
    assert [p.get_text() for p in soup.select("main .series-description p")] == [
        "Clinical questions.",
        "Answered.",
    ]
    assert listed(soup) == [in_series.get_absolute_url()]


def test_hashtag_page_lists_the_tags_published_posts(client, author):
    tagged = PostFactory(author=author, tags=["MSResearch"])
    PostFactory(author=author, tags=["Other"])

    soup = page(client, "/tags/msresearch/")

    assert soup.h1.get_text() == "Posts tagged #MSResearch"
    assert listed(soup) == [tagged.get_absolute_url()]
    assert soup.find("link", rel="alternate", href="/tags/msresearch/feed/") is not None


def test_hashtag_in_another_case_redirects_permanently_to_the_lower_case_url(client, author):
    PostFactory(author=author, tags=["MSResearch"])

    response = client.get("/tags/MSResearch/?page=1")

    assert response.status_code == 301
    assert response["Location"] == "/tags/msresearch/?page=1"
    assert client.get("/tags/MSResearch/", follow=True).status_code == 200
    assert client.get("/tags/NoSuchTag/", follow=True).status_code == 404


def test_hashtag_written_in_any_case_is_one_tag(client, author):
    first = PostFactory(author=author, tags=["MSResearch"])
    second = PostFactory(author=author, published_at=ago(0.5), tags=["msresearch"])

    assert Hashtag.objects.count() == 1
    assert listed(page(client, "/tags/msresearch/")) == [
        second.get_absolute_url(),
        first.get_absolute_url(),
    ]


@pytest.mark.parametrize("kind", ["author", "series", "hashtag"])
def test_object_pages_leave_out_drafts_and_future_posts(client, author, series, kind):
    extra = {"author": author, "series": series, "tags": ["MSResearch"]}
    published = PostFactory(**extra)
    draft = PostFactory(status="draft", **extra)
    future = PostFactory(published_at=ago(-1), **extra)
    url = {
        "author": author.get_absolute_url(),
        "series": series.get_absolute_url(),
        "hashtag": "/tags/msresearch/",
    }[kind]

    soup = page(client, url)

    assert listed(soup) == [published.get_absolute_url()]
    assert draft.title not in str(soup)
    assert future.title not in str(soup)


@pytest.mark.parametrize("kind", ["author", "series", "hashtag"])
def test_object_pages_are_paginated(client, author, series, settings, kind):
    settings.BLOG_POSTS_PER_PAGE = 2
    posts = [
        PostFactory(author=author, series=series, published_at=ago(n), tags=["MSResearch"])
        for n in range(1, 6)
    ]
    url = {
        "author": author.get_absolute_url(),
        "series": series.get_absolute_url(),
        "hashtag": "/tags/msresearch/",
    }[kind]

    first = page(client, url)
    third = page(client, f"{url}?page=3")

    assert listed(first) == [p.get_absolute_url() for p in posts[:2]]
    assert listed(third) == [posts[4].get_absolute_url()]
    assert first.select_one('.pagination a[rel="next"]')["href"] == "?page=2"
    assert "page 3" in third.h1.get_text()
    assert client.get(f"{url}?page=4").status_code == 404


def test_object_pages_without_posts_say_so(client, author, series):
    HashtagFactory(name="Lonely")

    for url in [author.get_absolute_url(), series.get_absolute_url(), "/tags/lonely/"]:
        soup = page(client, url)
        assert listed(soup) == []
        assert "No published posts" in soup.main.get_text(), url


@pytest.mark.parametrize("kind", ["author", "series", "hashtag"])
def test_object_page_query_count_is_the_same_for_2_and_25_posts(client, author, series, kind):
    url = {
        "author": author.get_absolute_url(),
        "series": series.get_absolute_url(),
        "hashtag": "/tags/msresearch/",
    }[kind]
    make_posts(2, author=author, series=series)
    few = warm_queries(client, url)

    make_posts(23, author=author, series=series)

    assert warm_queries(client, url) == few
    assert warm_queries(client, f"{url}?page=2") == few


# Every reader route: status, one h1, headings in order, landmarks, labelled controls


def reader_urls(seed_post) -> dict[str, str]:
    local = timezone.localtime(seed_post.published_at)
    return {
        "home": reverse("blog:post-list"),
        "post": seed_post.get_absolute_url(),
        "archive-year": reverse("blog:archive-year", kwargs={"year": local.year}),
        "archive-month": reverse(
            "blog:archive-month", kwargs={"year": local.year, "month": local.month}
        ),
        "author": seed_post.author.get_absolute_url(),
        "series": seed_post.series.get_absolute_url(),
        "hashtag": reverse("blog:hashtag-detail", kwargs={"slug": "msresearch"}),
        "paper": seed_post.paper_list()[0].get_absolute_url(),
        "search-empty": reverse("blog:search"),
        "search": reverse("blog:search") + "?q=alemtuzumab",
        "search-nothing": reverse("blog:search") + "?q=zzzqqq",
    }


ROUTES = [
    "home",
    "post",
    "archive-year",
    "archive-month",
    "author",
    "series",
    "hashtag",
    "paper",
    "search-empty",
    "search",
    "search-nothing",
]


@pytest.mark.parametrize("route", ROUTES)
def test_reader_page_is_accessible(client, seed_post, route):
    soup = page(client, reader_urls(seed_post)[route])

    assert soup.html["lang"] == "en-GB"
    assert soup.title.get_text(strip=True)
    assert len(soup.find_all("h1")) == 1
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels)), levels
    for landmark in ["header", "nav", "main", "aside", "footer", "search"]:
        assert soup.find(landmark), landmark
    assert len(soup.find_all("main")) == 1
    skip = soup.find("a", class_="skip-link")
    assert skip["href"] == f"#{soup.main['id']}"
    assert soup.find("a", string="Skip to content") is soup.body.find("a")
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.get("type") in {"hidden", "submit"}:
            continue
        labelled = field.get("aria-label") or soup.find("label", attrs={"for": field.get("id")})
        assert labelled, field
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"


@pytest.mark.parametrize("route", ROUTES)
def test_reader_page_internal_links_resolve(client, seed_post, route):
    soup = page(client, reader_urls(seed_post)[route])

    internal = {
        a["href"].split("#")[0]
        for a in soup.find_all("a", href=True)
        if a["href"].startswith("/") and not a["href"].startswith("/admin/")
    }
    for url in internal:  # a comment's stable address redirects to its comment page
        assert client.get(url, follow=True).status_code == 200, url
