"""Helpers for reading rendered pages in tests."""

from bs4 import BeautifulSoup


def page(client, url: str) -> BeautifulSoup:
    """GET a URL, check it answered 200, and return the parsed page."""
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def listed(soup: BeautifulSoup) -> list[str]:
    """Return the addresses of the posts a list page shows, in order."""
    return [h2.a["href"] for h2 in soup.select("main article.post-summary h2")]


def text_of(element) -> str:
    """Return an element's text with runs of white space folded to single spaces."""
    return " ".join(element.get_text(" ").split())


def form_data(form) -> dict[str, list[str]]:
    """Return what a browser submits for a parsed <form> as it stands (no submit button).

    Textareas go with CRLF line endings, as browsers send them; the admin's empty inline
    templates (`__prefix__`) are left out.
    """
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or "__prefix__" in name or element.has_attr("disabled"):
            continue
        values = []
        if element.name == "input":
            kind = element.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind not in {"checkbox", "radio"} or element.has_attr("checked"):
                values = [element.get("value", "on" if kind in {"checkbox", "radio"} else "")]
        elif element.name == "textarea":
            # HTML drops a newline right after <textarea>; Django writes one there.
            text = element.get_text().removeprefix("\n")
            values = [text.replace("\r\n", "\n").replace("\n", "\r\n")]
        else:
            options = element.find_all("option")
            selected = [option for option in options if option.has_attr("selected")]
            if not selected and options and not element.has_attr("multiple"):
                selected = options[:1]
            values = [option.get("value", option.get_text()) for option in selected]
        data.setdefault(name, []).extend(values)
    return data


def warm_queries(client, url: str, data=None) -> int:
    """GET a URL twice and return how many queries the second request ran.

    The first request fills the caches (sidebar, site and post versions, the cached
    discussion), so the count is what every later reader pays until something changes;
    a cold cache adds a constant few, counted in tests/blog/test_caching.py. Checks
    both requests answer 200. The client carries a personal cookie (a session the page
    never reads), so a post page is built around its cached parts rather than copied
    whole (what readers without personal cookies get, with no query).
    """
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    assert client.get(url, data).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data).status_code == 200, url
    return len(captured)
