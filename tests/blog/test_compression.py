"""Pages and feeds go out compressed to clients that accept it; cached pages are compressed
once, when stored, never per request."""

import gzip

import brotli
import pytest
from django.urls import reverse
from django.utils.cache import has_vary_header

from blog import compression
from comments.services import comment_create

pytestmark = pytest.mark.django_db


def decoded(response) -> bytes:
    encoding = response.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(response.content)
    if encoding == "br":
        return brotli.decompress(response.content)
    assert encoding is None
    return response.content


@pytest.fixture
def compressions(monkeypatch):
    """Count the compressions actually made."""
    made = []
    real = compression.compress

    def counting(content, encoding, **kwargs):
        made.append(encoding)
        return real(content, encoding, **kwargs)

    monkeypatch.setattr(compression, "compress", counting)
    return made


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("identity", None),
        ("", None),
        ("*", "br"),
        ("gzip;q=0, *;q=0", None),
    ],
)
def test_the_encoding_follows_accept_encoding(rf, accept, expected):
    assert compression.chosen_encoding(rf.get("/", HTTP_ACCEPT_ENCODING=accept)) == expected


def test_a_post_page_is_sent_compressed_and_reads_back_the_same(client, seed_post):
    url = seed_post.get_absolute_url()
    plain = client.get(url, HTTP_COOKIE="c=1")  # with a cookie: built per request

    for accept in ("gzip", "br"):
        response = client.get(url, HTTP_ACCEPT_ENCODING=accept, HTTP_COOKIE="c=1")

        assert response["Content-Encoding"] == accept
        assert has_vary_header(response, "Accept-Encoding")
        assert decoded(response) == plain.content
        assert len(response.content) < 0.35 * len(plain.content)
        assert int(response["Content-Length"]) == len(response.content)
    assert has_vary_header(plain, "Accept-Encoding")  # a shared cache must not mix them


def test_the_whole_page_cache_compresses_each_encoding_once(
    client, seed_post, compressions, django_assert_num_queries
):
    url = seed_post.get_absolute_url()
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert compressions == ["gzip"]  # when the page was stored: only what its reader takes
    compressions.clear()

    with django_assert_num_queries(0):  # no rebuild for another encoding
        again = [
            client.get(url, HTTP_ACCEPT_ENCODING=accept) for accept in ("gzip", "br", "", "br")
        ]

    assert compressions == ["br"]  # made once, for the first reader who asked for it
    assert [r.get("Content-Encoding") for r in again] == ["gzip", "br", None, "br"]
    assert again[0].content == first.content
    assert again[1].content == again[3].content
    assert {decoded(r) for r in again} == {decoded(first)}
    assert all(has_vary_header(r, "Accept-Encoding") for r in again)


def test_feeds_are_compressed_and_cached_compressed(client, seed_post, compressions):
    url = reverse("blog:post-feed-atom")
    plain = client.get(url)
    compressions.clear()

    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert compressions == []
    assert response["Content-Encoding"] == "gzip"
    assert decoded(response) == plain.content
    assert has_vary_header(response, "Accept-Encoding")


def test_list_pages_are_compressed_per_request(client, seed_post):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in decoded(response)


def test_revalidations_and_images_are_left_alone(client, seed_post):
    first = client.get(seed_post.get_absolute_url())
    not_modified = client.get(
        seed_post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"], HTTP_ACCEPT_ENCODING="br"
    )
    card = client.get(reverse("blog:site-card"), HTTP_ACCEPT_ENCODING="br")

    assert not_modified.status_code == 304
    assert has_vary_header(not_modified, "Accept-Encoding")
    assert "Content-Encoding" not in card


def test_large_pages_are_compressed_at_cheaper_levels_and_read_back_the_same(
    client, seed_post, monkeypatch
):
    url = seed_post.get_absolute_url()
    personal = "sessionid=not-a-session"  # a page built per request, never stored
    plain = client.get(url, HTTP_COOKIE=personal).content
    monkeypatch.setattr(compression, "STRONG_MAX_SIZE", len(plain) - 1)  # the page is large

    stored = client.get(url, HTTP_ACCEPT_ENCODING="br")  # no cookie: the stored copy
    built = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_COOKIE=personal)

    assert decoded(stored) == decoded(built) == plain
    (_, (stored_quality, _)), (_, (_, built_level)) = (
        compression.STORED_LEVELS,
        compression.PER_REQUEST_LEVELS,
    )
    assert stored.content == brotli.compress(plain, quality=stored_quality)
    assert built.content == gzip.compress(plain, compresslevel=built_level, mtime=0)


def test_a_retired_page_is_never_compressed_into_another_encoding(client, seed_post):
    url = seed_post.get_absolute_url()
    client.get(url)  # stored uncompressed only
    comment_create(post=seed_post, body="A comment made after the page was stored.")

    fresh = client.get(url, HTTP_ACCEPT_ENCODING="br")

    assert fresh["Content-Encoding"] == "br"
    assert b"A comment made after the page was stored." in decoded(fresh)
