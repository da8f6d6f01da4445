"""A database the site cannot reach is an outage, not a bug: readers and commenters get
the 503 page ("try again shortly", Retry-After) instead of the 500 page. Found by
`python -m bench.faults` (PostgreSQL stopped under load answered 500s)."""

import pytest
from bs4 import BeautifulSoup
from django.db import InterfaceError, OperationalError, connection
from django.template import loader
from django.urls import reverse

from config.errors import RETRY_AFTER_SECONDS, database_unavailable
from tests.test_html_validity import html_errors, require_checker

pytestmark = pytest.mark.django_db


def refuse(execute, sql, params, many, context):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


@pytest.fixture
def unanswered(client):
    """The test client as a browser sees the site: errors become the error pages."""
    client.raise_request_exception = False
    return client


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-cache" in response["Cache-Control"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert [h1.get_text() for h1 in soup.find_all("h1")] == ["Temporarily unavailable"]
    assert soup.title.get_text() == "Temporarily unavailable · MS Research Blog"


def test_a_post_page_answers_503_while_the_database_is_unreachable(unanswered, seed_post):
    with connection.execute_wrapper(refuse):
        response = unanswered.get(seed_post.get_absolute_url())

    assert_unavailable_page(response)


def test_a_comment_sent_while_the_database_is_unreachable_answers_503(unanswered, seed_post):
    url = reverse("comments:post", kwargs={"post_pk": seed_post.pk})
    data = {"name": "Ann", "email": "", "body": "Sent during the outage.", "website": ""}

    with connection.execute_wrapper(refuse):
        response = unanswered.post(url, data, headers={"Sec-Fetch-Site": "same-origin"})

    assert_unavailable_page(response)
    assert not seed_post.comments.filter(body="Sent during the outage.").exists()


def test_other_failures_still_get_the_500_page(unanswered, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("config.health._database_status", broken)

    response = unanswered.get("/health/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert "Retry-After" not in response


def test_a_database_error_behind_another_counts_as_the_outage():
    try:
        try:
            raise InterfaceError("connection already closed")
        except InterfaceError as error:
            raise ValueError("while rendering") from error
    except ValueError as outer:
        assert database_unavailable(outer)
    assert not database_unavailable(ValueError("alone"))
    assert not database_unavailable(None)


def test_the_503_page_is_valid_html_without_context_or_queries(tmp_path):
    require_checker()
    page = tmp_path / "503.html"
    page.write_text(loader.get_template("503.html").render())

    assert html_errors([page]) == []
