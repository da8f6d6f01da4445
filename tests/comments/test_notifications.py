"""Emails about comments are queued with the comment and sent by the worker: to the post's
author, to a commenter who asked to hear about replies and confirmed their address (with a
signed unsubscribe link), and to moderators."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from comments.models import Comment
from comments.notifications import unsubscribe_token
from outbox.models import Message
from outbox.services import address_confirm, messages_send_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(relaxed_limits, settings):
    settings.SITE_URL = "https://blog.example.org"


@pytest.fixture
def author_with_email(seed_post, django_user_model):
    user = django_user_model.objects.create_user("profg", "profg@example.org", "pw")
    seed_post.author.user = user
    seed_post.author.save()
    return user


def deliver() -> None:
    """Run the mail worker once, as `manage.py send_outbox --once` does."""
    messages_send_due(limit=100)


def submit(client, post, **fields):
    data = {"name": "", "email": "", "body": "A comment.", "website": "", **fields}
    return client.post(reverse("comments:post", kwargs={"post_pk": post.pk}), data)


def test_post_author_is_emailed_by_the_worker_not_the_request(client, seed_post, author_with_email):
    submit(client, seed_post, name="Emma", body="Great post.")
    assert mail.outbox == []  # the request only queued it
    assert Message.objects.filter(status=Message.Status.QUEUED).count() == 1

    deliver()

    [message] = mail.outbox
    comment = Comment.objects.get(body="Great post.")
    assert message.to == ["profg@example.org"]
    assert "New comment on “ClinicSpeak" in message.subject
    # The comment's stable address, which finds its comment page however the thread grows.
    assert f"https://blog.example.org/comments/{comment.pk}/" in message.body


def test_reply_notifies_a_commenter_who_opted_in_and_confirmed(client, seed_post):
    submit(client, seed_post, email="asker@example.org", notify="on", body="Does it work in NMO?")
    question = Comment.objects.get(body="Does it work in NMO?")
    assert question.notify_replies
    address_confirm(email="asker@example.org")
    deliver()
    mail.outbox.clear()

    submit(client, seed_post, name="MD2", body="Not as far as we know.", parent=question.pk)
    deliver()

    [message] = mail.outbox
    assert message.to == ["asker@example.org"]
    assert "MD2 replied to your comment" in message.body
    unsubscribe = re.search(r"https://blog\.example\.org(/comments/unsubscribe/\S+/)", message.body)
    assert unsubscribe
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe.group(0)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_reply_email_without_opt_in_or_to_oneself(client, seed_post):
    submit(client, seed_post, email="quiet@example.org", body="No emails please.")
    submit(client, seed_post, email="me@example.org", notify="on", body="Tell me.")
    quiet = Comment.objects.get(body="No emails please.")
    me = Comment.objects.get(body="Tell me.")
    address_confirm(email="me@example.org")
    deliver()
    mail.outbox.clear()

    submit(client, seed_post, body="A reply.", parent=quiet.pk)
    submit(client, seed_post, email="me@example.org", body="Replying to myself.", parent=me.pk)
    deliver()

    assert mail.outbox == []


def test_one_click_unsubscribe_stops_reply_emails(client, seed_post):
    comment = Comment.objects.create(
        post=seed_post, body="Subscribed.", author_email="a@example.org", notify_replies=True
    )
    url = reverse("comments:unsubscribe", kwargs={"token": unsubscribe_token(comment)})

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert Comment.objects.get(pk=comment.pk).notify_replies  # a GET changes nothing

    done = client.post(url)  # as a mail client's one-click POST, without a CSRF token

    assert done.status_code == 200
    assert "no longer be emailed" in done.content.decode()
    assert not Comment.objects.get(pk=comment.pk).notify_replies


def test_tampered_unsubscribe_token_is_refused(client, seed_post):
    comment = Comment.objects.create(
        post=seed_post, body="x", author_email="a@example.org", notify_replies=True
    )
    token = unsubscribe_token(comment)

    response = client.post(reverse("comments:unsubscribe", kwargs={"token": token[:-2] + "xx"}))

    assert response.status_code == 400
    assert Comment.objects.get(pk=comment.pk).notify_replies


def test_moderators_hear_about_held_comments(client, seed_post, settings, django_user_model):
    settings.COMMENTS_MODERATION_KEYWORDS = ["hold"]
    settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.org"]
    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")

    submit(client, seed_post, body="Please hold this one.")
    deliver()

    [message] = mail.outbox
    assert sorted(message.to) == ["boss@example.org", "mods@example.org"]
    assert "held for moderation" in message.subject
    assert "moderation keyword 'hold'" in message.body


def test_spam_sends_nothing(client, seed_post, author_with_email):
    submit(
        client,
        seed_post,
        body="Bot.",
        website="http://x.example",
        notify="on",
        email="victim@example.org",
    )
    deliver()

    assert mail.outbox == []
