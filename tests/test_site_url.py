"""Every absolute URL the site writes comes from SITE_URL, never the request's Host."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from comments.notifications import notify_about
from outbox.services import address_confirm, messages_send_due
from tests.factories import CommentFactory
from tests.settings_probe import settings_of

pytestmark = pytest.mark.django_db

SITE = "https://blog.example.org"
HOSTS = ("localhost", "127.0.0.1")
ABSOLUTE = re.compile(rb"""https?://[^\s"'<>]+""")


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


def addresses(seed_post) -> list[str]:
    kwargs = {"year": 2014, "month": 10, "slug": seed_post.slug}
    return [
        seed_post.get_absolute_url(),
        reverse("blog:post-list"),
        seed_post.author.get_absolute_url(),
        seed_post.series.get_absolute_url(),
        reverse("blog:hashtag-detail", kwargs={"slug": "msresearch"}),
        seed_post.paper_list()[0].get_absolute_url(),
        reverse("blog:post-feed"),
        reverse("blog:post-feed-atom"),
        reverse("blog:post-comments-feed-atom", kwargs=kwargs),
        reverse("blog:post-comments-feed", kwargs=kwargs),
        reverse("sitemap"),
        reverse("robots-txt"),
    ]


def test_two_host_names_get_the_same_bytes_and_every_own_link_is_from_site_url(
    client, seed_post, site_url
):
    for url in addresses(seed_post):
        bodies = []
        for host in HOSTS:
            response = client.get(url, HTTP_HOST=host)
            assert response.status_code == 200, (url, host)
            bodies.append(response.content)

        assert bodies[0] == bodies[1], url  # canonical, OpenGraph, JSON-LD, ids, links alike
        for found in ABSOLUTE.findall(bodies[0]):
            assert not any(host.encode() in found for host in (*HOSTS, "testserver")), (url, found)
        assert site_url.encode() in bodies[0], url


def test_canonical_open_graph_json_ld_and_feed_ids_start_with_site_url(client, seed_post, site_url):
    response = client.get(seed_post.get_absolute_url(), HTTP_HOST="localhost")
    soup = BeautifulSoup(response.content, "html.parser")

    canonical = soup.head.find("link", rel="canonical")["href"]
    assert canonical == f"{SITE}{seed_post.get_absolute_url()}"
    assert soup.head.find("meta", property="og:url")["content"] == canonical
    assert soup.head.find("meta", property="og:image")["content"].startswith(f"{SITE}/")


def test_emails_link_to_site_url(seed_post, site_url):
    parent = seed_post.comments.filter(parent=None).first()
    parent.author_email, parent.notify_replies = "reader@example.org", True
    parent.save()
    address_confirm(email="reader@example.org")  # reply emails go to confirmed addresses
    reply = CommentFactory(post=seed_post, parent=parent, author_name="Dre")

    notify_about(reply)
    messages_send_due(limit=10)  # the outbox worker's one round

    links = [link for message in mail.outbox for link in re.findall(r"https?://\S+", message.body)]
    assert len(links) == 2  # the reply, and the one-click unsubscribe
    assert all(link.startswith(f"{SITE}/") for link in links)


@pytest.mark.parametrize("value", ["blog.example.org", "https://blog.example.org/blog", "ftp://x"])
def test_a_site_url_that_is_not_an_origin_refuses_to_start(value):
    # Refused while the settings load: `manage.py` then stops with this message
    # (tests/test_production.py checks that end to end for a bad CACHE_URL).
    message = re.escape("SITE_URL must look like https://blog.example.org")
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_of(SITE_URL=value)
