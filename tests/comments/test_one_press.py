"""One press posts a comment from a cached page: the browser's Origin / Sec-Fetch-Site
stand in for a CSRF token (comments.origin); errors come back in place; a held comment is
shown to its writer where they land."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client, RequestFactory
from django.urls import reverse

from comments.held import HELD_COOKIE
from comments.models import Comment
from comments.origin import Verdict, request_origin
from tests.html import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relaxed_limits")]

OWN = "http://testserver"


def post_url(post) -> str:
    return reverse("comments:post", kwargs={"post_pk": post.pk})


def send(post, *, client=None, headers=None, **fields):
    strict = client or Client(enforce_csrf_checks=True)
    data = {"name": "", "email": "", "body": "One press.", "website": "", **fields}
    return strict.post(post_url(post), data, headers=headers or {})


# The origin check, on its own


@pytest.mark.parametrize(
    ("headers", "verdict"),
    [
        ({"Sec-Fetch-Site": "same-origin"}, Verdict.SAME_ORIGIN),
        ({"Sec-Fetch-Site": "none"}, Verdict.SAME_ORIGIN),
        ({"Sec-Fetch-Site": "same-site"}, Verdict.CROSS_ORIGIN),
        ({"Sec-Fetch-Site": "cross-site"}, Verdict.CROSS_ORIGIN),
        # Fetch Metadata wins over Origin: a cross-site request cannot claim our origin.
        ({"Sec-Fetch-Site": "cross-site", "Origin": OWN}, Verdict.CROSS_ORIGIN),
        ({"Origin": OWN}, Verdict.SAME_ORIGIN),
        ({"Origin": "https://testserver"}, Verdict.CROSS_ORIGIN),  # another scheme
        ({"Origin": "http://evil.example"}, Verdict.CROSS_ORIGIN),
        ({"Origin": "http://testserver.evil.example"}, Verdict.CROSS_ORIGIN),
        ({"Origin": "null"}, Verdict.CROSS_ORIGIN),
        ({}, Verdict.UNKNOWN),
    ],
)
def test_request_origin_reads_what_the_browser_says(headers, verdict):
    request = RequestFactory().post("/", headers=headers)

    assert request_origin(request) is verdict


def test_a_trusted_origin_is_accepted(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org"]
    request = RequestFactory().post("/", headers={"Origin": "https://www.example.org"})

    assert request_origin(request) is Verdict.SAME_ORIGIN


# Posting


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": OWN}], ids=["fetch-site", "origin"]
)
def test_one_press_posts_without_a_token(seed_post, headers):
    response = send(seed_post, headers=headers, body="Posted in one press.")

    comment = Comment.objects.get(body="Posted in one press.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert not response.cookies  # no CSRF cookie: the reader's next pages stay shared


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": OWN},
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin", "forged-origin"],
)
def test_cross_origin_comments_are_refused_even_with_a_valid_token(seed_post, headers):
    strict = Client(enforce_csrf_checks=True)
    reply_page = strict.get(reverse("comments:reply", kwargs={"pk": seed_post.comments.first().pk}))
    token = reply_page.context["csrf_token"]

    response = send(
        seed_post, client=strict, headers=headers, body="Forged.", csrfmiddlewaretoken=str(token)
    )

    assert response.status_code == 403
    assert b"comment-form" not in response.content
    assert not Comment.objects.filter(body="Forged.").exists()


def test_a_browser_that_says_nothing_confirms_once_with_a_token(seed_post):
    strict = Client(enforce_csrf_checks=True)

    first = send(seed_post, client=strict, body="Old browser.")
    token = first.context["csrf_token"]
    second = send(seed_post, client=strict, body="Old browser.", csrfmiddlewaretoken=str(token))

    assert first.status_code == 403
    assert "press “Post comment” once more" in first.content.decode()
    assert second.status_code == 302
    assert Comment.objects.filter(body="Old browser.").count() == 1


# Errors in place


def test_errors_without_script_come_back_on_the_post_page_at_the_form(seed_post):
    response = send(seed_post, headers={"Origin": OWN}, name="Emma", body="", email="not-an-email")

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 400
    assert soup.h1.get_text() == seed_post.title  # the post itself, not a page of its own
    form = soup.select_one("#respond form.comment-form")
    assert form["action"].endswith("#respond")  # the browser opens the page at the form
    assert "Please write a comment before posting." in text_of(form)
    assert "Enter a valid email address." in text_of(form)
    assert form.find("input", attrs={"name": "name"})["value"] == "Emma"
    assert "no-store" in response["Cache-Control"]


def test_a_reply_with_errors_says_which_comment_it_answers(seed_post):
    parent = Comment.objects.get(source_ref="2")

    response = send(seed_post, headers={"Origin": OWN}, body="", parent=parent.pk)

    form = BeautifulSoup(response.content, "html.parser").select_one("#respond form")
    assert "Replying to Anonymous" in text_of(form)
    assert "“Thank you for the comprehensive review" in text_of(form)  # its first words
    assert form.find("input", attrs={"name": "parent"})["value"] == str(parent.pk)
    assert form.find("button", attrs={"type": "submit"}).get_text() == "Post reply"


def test_the_script_gets_errors_as_the_form_to_put_in_place(seed_post):
    response = send(
        seed_post,
        headers={"Sec-Fetch-Site": "same-origin", "X-Comment-Form": "inline"},
        name="Emma",
        body="",
    )

    assert response.status_code == 400
    html = response.json()["form"]
    assert html.strip().startswith('<form class="comment-form"')
    assert "Please write a comment before posting." in html
    assert 'value="Emma"' in html
    assert "csrfmiddlewaretoken" not in html


def test_the_script_is_told_where_the_new_comment_is(seed_post):
    response = send(
        seed_post,
        headers={"Sec-Fetch-Site": "same-origin", "X-Comment-Form": "inline"},
        body="Sent by script.",
    )

    comment = Comment.objects.get(body="Sent by script.")
    assert response.json() == {"location": f"/comments/{comment.pk}/#comment-{comment.pk}"}


# A held comment, shown to its writer alone


def test_a_held_comment_is_shown_to_its_writer_where_they_land(seed_post, settings):
    settings.COMMENTS_MODERATION_KEYWORDS = ["miracle"]
    parent = Comment.objects.get(source_ref="2")
    writer = Client()

    response = send(
        seed_post, client=writer, headers={"Origin": OWN}, body="A miracle?", parent=parent.pk
    )
    page = writer.get(response["Location"])

    assert response["Location"] == f"{seed_post.get_absolute_url()}#held-comment"
    held = BeautifulSoup(page.content, "html.parser").select_one("#held-comment")
    assert "Your comment is awaiting moderation" in text_of(held)
    assert "A miracle?" in text_of(held)
    assert "in reply to Anonymous" in text_of(held)
    assert "no-store" in page["Cache-Control"]
    assert b"A miracle?" not in Client().get(seed_post.get_absolute_url()).content


def test_a_held_comment_leaves_the_writers_page_once_moderated(seed_post, settings):
    settings.COMMENTS_MODERATION_KEYWORDS = ["miracle"]
    writer = Client()
    send(seed_post, client=writer, headers={"Origin": OWN}, body="A miracle?")
    Comment.objects.filter(body="A miracle?").update(status=Comment.Status.PUBLISHED)

    page = writer.get(seed_post.get_absolute_url()).content.decode()

    assert 'id="held-comment"' not in page
    assert page.count("A miracle?") >= 1  # now in the discussion, for everyone


def test_a_forged_held_cookie_shows_nothing(seed_post, settings):
    settings.COMMENTS_MODERATION_KEYWORDS = ["miracle"]
    send(seed_post, client=Client(), headers={"Origin": OWN}, body="Someone's miracle.")
    held = Comment.objects.get(body="Someone's miracle.")
    snoop = Client()
    snoop.cookies[HELD_COOKIE] = str(held.pk)  # unsigned

    assert b"Someone's miracle." not in snoop.get(seed_post.get_absolute_url()).content
