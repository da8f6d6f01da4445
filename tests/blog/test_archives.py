"""Date archives: /YYYY/ and /YYYY/MM/ list the published posts of a local year or month."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommentFactory, PostFactory
from tests.html import listed, page, warm_queries

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def test_archive_urls_are_named_and_zero_padded():
    assert reverse("blog:archive-year", kwargs={"year": 2014}) == "/2014/"
    assert reverse("blog:archive-month", kwargs={"year": 2014, "month": 3}) == "/2014/03/"


def test_year_archive_lists_the_years_published_posts_newest_first(client, author):
    march = PostFactory(author=author, published_at=at(2014, 3, 9, 9))
    october = PostFactory(author=author, published_at=at(2014, 10, 9, 9))
    PostFactory(author=author, published_at=at(2015, 1, 9, 9))

    soup = page(client, "/2014/")

    assert listed(soup) == [october.get_absolute_url(), march.get_absolute_url()]
    assert [h1.get_text() for h1 in soup.find_all("h1")] == ["Posts from 2014"]
    months = [a["href"] for a in soup.select(".archive-months a")]
    assert months == ["/2014/03/", "/2014/10/"]
    assert soup.select_one('.archive-nav a[rel="next"]')["href"] == "/2015/"


def test_month_archive_lists_the_months_published_posts(client, author):
    first = PostFactory(author=author, published_at=at(2014, 10, 1, 9))
    second = PostFactory(author=author, published_at=at(2014, 10, 20, 9))
    PostFactory(author=author, published_at=at(2014, 11, 2, 9))
    earlier = PostFactory(author=author, published_at=at(2014, 8, 2, 9))

    soup = page(client, "/2014/10/")

    assert listed(soup) == [second.get_absolute_url(), first.get_absolute_url()]
    assert soup.h1.get_text() == "Posts from October 2014"
    assert soup.select_one('.archive-nav a[rel="prev"]')["href"] == "/2014/08/"
    assert soup.select_one('.archive-nav a[rel="next"]')["href"] == "/2014/11/"
    assert earlier.get_absolute_url() not in listed(soup)


def test_archives_use_local_time_like_post_urls(client, author):
    # 23:30 UTC on 30 September 2014 is 00:30 on 1 October in London (BST).
    post = PostFactory(author=author, published_at=at(2014, 9, 30, 23, 30))

    assert listed(page(client, "/2014/10/")) == [post.get_absolute_url()]
    assert client.get("/2014/09/").status_code == 404


def test_archives_leave_out_drafts_and_future_posts(client, author):
    now = timezone.now()
    published = PostFactory(author=author, published_at=now - datetime.timedelta(minutes=5))
    draft = PostFactory(author=author, status="draft", published_at=published.published_at)
    future = PostFactory(author=author, published_at=now + datetime.timedelta(minutes=5))
    local = timezone.localtime(published.published_at)

    for url in [f"/{local:%Y}/", f"/{local:%Y}/{local:%m}/"]:
        html = client.get(url).content.decode()
        assert published.title in html, url
        assert draft.title not in html, url
        assert future.title not in html, url


def test_periods_with_only_drafts_or_future_posts_are_not_found(client, author):
    PostFactory(author=author, status="draft", published_at=at(2013, 5, 1, 9))
    next_year = timezone.localdate().year + 1
    PostFactory(author=author, published_at=at(next_year, 1, 15, 9))

    for url in ["/2013/", "/2013/05/", f"/{next_year}/", f"/{next_year}/01/", "/1999/"]:
        assert client.get(url).status_code == 404, url


def test_archive_months_must_have_two_digits(client, author):
    PostFactory(author=author, published_at=at(2014, 3, 9, 9))

    assert client.get("/2014/03/").status_code == 200
    assert client.get("/2014/3/").status_code == 404
    assert client.get("/2014/13/").status_code == 404


def test_archives_are_paginated(client, author, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    posts = [PostFactory(author=author, published_at=at(2014, 10, day, 9)) for day in range(1, 6)]

    for base in ["/2014/", "/2014/10/"]:
        third = page(client, f"{base}?page=3")
        assert listed(third) == [posts[0].get_absolute_url()], base
        assert third.select_one('.pagination a[rel="prev"]')["href"] == "?page=2"
        assert client.get(f"{base}?page=4").status_code == 404


def test_post_summary_date_links_to_its_month_archive(client, author):
    post = PostFactory(author=author, published_at=at(2014, 10, 9, 9))

    summary = page(client, "/").select_one("article.post-summary")

    assert summary.select_one(".byline a.archive-link")["href"] == "/2014/10/"
    assert client.get("/2014/10/").status_code == 200
    assert post.get_absolute_url().startswith("/2014/10/")


def test_archive_query_counts_do_not_grow_with_posts(client, author, settings):
    settings.BLOG_POSTS_PER_PAGE = 10
    PostFactory(author=author, published_at=at(2014, 10, 1, 9), tags=["MSResearch"])
    few = {url: warm_queries(client, url) for url in ["/2014/", "/2014/10/"]}

    for day in range(2, 27):
        post = PostFactory(
            author=author, published_at=at(2014, 10, day, 9), tags=["MSResearch", "NMO"]
        )
        CommentFactory.create_batch(2, post=post)
    for month in range(1, 10):
        PostFactory(author=author, published_at=at(2014, month, 3, 9), tags=[f"Tag{month}"])
    many = {url: warm_queries(client, url) for url in ["/2014/", "/2014/10/", "/2014/?page=2"]}

    assert many["/2014/"] == many["/2014/?page=2"] == few["/2014/"]
    assert many["/2014/10/"] == few["/2014/10/"]
