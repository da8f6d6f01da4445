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
