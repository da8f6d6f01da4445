"""Helpers for reading rendered pages in tests."""

from bs4 import BeautifulSoup


def page(client, url: str) -> BeautifulSoup:
    """GET a URL, check it answered 200, and return the parsed page."""
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text_of(element) -> str:
    """Return an element's text with runs of white space folded to single spaces."""
    return " ".join(element.get_text(" ").split())


def warm_queries(client, url: str, data=None) -> int:
    """GET a URL twice and return how many queries the second request ran.

    The first request fills the caches (sidebar, site and post versions, the cached
    discussion), so the count is what every later reader pays until something changes;
    a cold cache adds a constant few, counted in tests/blog/test_caching.py. Checks
    both requests answer 200.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url, data).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data).status_code == 200, url
    return len(captured)
