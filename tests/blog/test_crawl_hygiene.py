"""What crawlers and feed readers find in the head of list pages: one canonical address per
page, its neighbours, and the feeds to subscribe to."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PostFactory
from tests.html import page

pytestmark = pytest.mark.django_db


def head_links(soup, rel: str) -> list[str]:
    return [link["href"] for link in soup.head.find_all("link", rel=rel)]


@pytest.fixture
def five_posts(author, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    return PostFactory.create_batch(5, author=author, tags=["MSResearch"])


def list_addresses(author) -> list[str]:
    return [
        reverse("blog:post-list"),
        "/tags/msresearch/",
        author.get_absolute_url(),
    ]


def test_list_pages_have_a_canonical_address_page_one_without_a_page_number(
    client, author, five_posts
):
    for path in list_addresses(author):
        assert head_links(page(client, path), "canonical") == [f"{settings.SITE_URL}{path}"]
        second = page(client, f"{path}?page=2")
        assert head_links(second, "canonical") == [f"{settings.SITE_URL}{path}?page=2"]


def test_page_one_of_a_list_redirects_to_its_bare_address(client, author, five_posts):
    for path in list_addresses(author):
        response = client.get(f"{path}?page=1")
        assert (response.status_code, response["Location"]) == (301, path)
    response = client.get("/search/?q=alemtuzumab&page=1")
    assert (response.status_code, response["Location"]) == (301, "/search/?q=alemtuzumab")


def test_list_pages_name_their_neighbours_in_the_head(client, author, five_posts):
    site = settings.SITE_URL
    first, second, third = page(client, "/"), page(client, "/?page=2"), page(client, "/?page=3")

    assert (head_links(first, "prev"), head_links(first, "next")) == ([], [f"{site}/?page=2"])
    assert (head_links(second, "prev"), head_links(second, "next")) == (
        [f"{site}/"],
        [f"{site}/?page=3"],
    )
    assert (head_links(third, "prev"), head_links(third, "next")) == ([f"{site}/?page=2"], [])
    assert second.select_one('.pagination a[rel="prev"]')["href"] == "./"  # not ?page=1


def test_every_page_advertises_the_atom_and_rss_feeds(client, seed_post):
    soup = page(client, reverse("blog:post-list"))

    feeds = {link["type"]: link["href"] for link in soup.head.find_all("link", rel="alternate")}
    assert feeds == {
        "application/atom+xml": reverse("blog:post-feed-atom"),
        "application/rss+xml": reverse("blog:post-feed"),
    }


def test_the_post_page_advertises_its_comment_feeds_and_they_answer(client, seed_post):
    soup = page(client, seed_post.get_absolute_url())

    alternates = soup.head.find_all("link", rel="alternate")
    comment_feeds = {
        link["type"]: link["href"] for link in alternates if "Comments on" in link["title"]
    }
    assert set(comment_feeds) == {"application/atom+xml", "application/rss+xml"}
    for content_type, href in comment_feeds.items():
        response = client.get(href)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)


def test_robots_txt_keeps_crawlers_out_of_previews_and_the_admin(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()

    assert {"Disallow: /preview/", "Disallow: /admin/"} <= set(lines)
