"""The 404 and 500 pages look like the site; the 500 page needs no database or context."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.template import loader
from django.test import RequestFactory, override_settings
from django.views.defaults import server_error

from tests.settings_probe import settings_of


def test_missing_page_is_a_404_in_the_sites_look(client, db):
    assert settings.DEBUG is False  # pytest-django turns DEBUG off: Django renders 404.html

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "en-GB"
    assert [h1.get_text() for h1 in soup.find_all("h1")] == ["Page not found"]
    assert settings.BLOG_NAME in soup.select_one("header .site-name").get_text()
    assert soup.main.find("a", rel="home")["href"] == "/"
    assert soup.select_one("header search input[name=q]")
    assert soup.find("aside", class_="site-sidebar")
    assert soup.find("a", class_="skip-link")["href"] == f"#{soup.main['id']}"


@pytest.mark.parametrize(
    "url",
    ["/authors/nobody/", "/tags/nothing/", "/2014/", "/2014/10/missing-post/", "/?page=99"],
)
def test_unknown_objects_and_empty_pages_get_the_404_page(client, db, url):
    response = client.get(url)

    assert response.status_code == 404
    assert b"Page not found" in response.content


# These tests have no database access: pytest-django makes any query raise.


def test_500_page_renders_without_context_or_queries():
    html = loader.get_template("500.html").render()

    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "en-GB"
    assert [h1.get_text() for h1 in soup.find_all("h1")] == ["Something went wrong"]
    assert "MS Research Blog" in soup.select_one(".site-name").get_text()
    assert soup.find("a", rel="home")["href"] == "/"
    assert soup.find("a", class_="skip-link")["href"] == f"#{soup.main['id']}"


def test_server_error_view_uses_the_500_page():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_under_debug_a_missing_page_is_still_the_sites_own_404(client, db):
    middleware = [*settings.MIDDLEWARE, "config.middleware.SiteNotFoundPageMiddleware"]
    with override_settings(DEBUG=True, MIDDLEWARE=middleware):
        response = client.get("/no/such/page/")

    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert [h1.get_text() for h1 in soup.find_all("h1")] == ["Page not found"]
    assert "DJANGO_DEBUG_ROUTES=true" in soup.select_one(".debug-note").get_text()
    assert "Content-Security-Policy" in response.headers  # the other middleware still apply


def test_settings_add_the_404_middleware_only_under_debug_without_routes():
    def added(**env) -> bool:
        return "config.middleware.SiteNotFoundPageMiddleware" in settings_of(**env)["middleware"]

    assert added(DJANGO_DEBUG="true") is True
    assert added(DJANGO_DEBUG="true", DJANGO_DEBUG_ROUTES="true") is False
