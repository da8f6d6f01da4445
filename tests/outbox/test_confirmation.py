"""An address gets a commenter's text only after its owner confirmed it, by a signed link
sent once per address: nobody can make the site mail their text to a stranger."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from comments.models import Comment
from outbox.models import Address
from outbox.services import confirmation_token, messages_send_due

pytestmark = pytest.mark.django_db

VICTIM = "stranger@example.org"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 0
    settings.SITE_URL = "https://blog.example.org"


def submit(client, post, **fields):
    data = {"name": "", "email": "", "body": "A comment.", "website": "", **fields}
    return client.post(reverse("comments:post", kwargs={"post_pk": post.pk}), data)


def deliver() -> list:
    mail.outbox.clear()
    messages_send_due(limit=100)
    return list(mail.outbox)


def test_a_strangers_address_gets_one_confirmation_and_never_the_spammers_text(client, seed_post):
    submit(client, seed_post, email=VICTIM, notify="on", body="Innocent question.")
    submit(client, seed_post, email=VICTIM.upper(), notify="on", body="Asking again.")
    [confirmation] = deliver()  # once per address, however often it is given
    assert confirmation.to == [VICTIM]
    assert "Innocent question." not in confirmation.body  # only the site's own words
    assert "/email/confirm/" in confirmation.body

    question = Comment.objects.get(body="Innocent question.")
    submit(client, seed_post, name="Spammer", body="BUY PILLS at pills.example", parent=question.pk)

    assert deliver() == []  # the reply's text never goes to the unconfirmed address
    assert Address.objects.get(email=VICTIM).confirmed_at is None


def test_confirming_by_the_link_lets_reply_emails_through(client, seed_post):
    submit(client, seed_post, email="asker@example.org", notify="on", body="Question?")
    [confirmation] = deliver()
    path = re.search(r"https://blog\.example\.org(/email/confirm/\S+/)", confirmation.body)[1]

    page = client.get(path)  # a mail scanner following the link confirms nothing
    assert page.status_code == 200
    assert "Confirm this address" in page.content.decode()
    assert not Address.objects.get(email="asker@example.org").is_confirmed

    done = client.post(path)
    assert done.status_code == 200
    assert Address.objects.get(email="asker@example.org").is_confirmed

    question = Comment.objects.get(body="Question?")
    submit(client, seed_post, name="MD2", body="An answer.", parent=question.pk)
    [reply] = deliver()
    assert reply.to == ["asker@example.org"]
    assert "An answer." in reply.body


def test_a_confirmed_address_is_not_asked_again(client, seed_post):
    Address.objects.create(email="known@example.org", confirmed_at="2026-01-01T00:00Z")
    submit(client, seed_post, email="known@example.org", notify="on", body="Hello again.")
    assert deliver() == []


@pytest.mark.parametrize(
    "token",
    ["nonsense", confirmation_token("a@example.org")[:-3] + "abc"],
    ids=["nonsense", "bad-signature"],  # stable ids: the signed token holds the time
)
def test_a_forged_confirmation_link_is_refused(client, token):
    response = client.post(reverse("outbox:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    assert not Address.objects.filter(confirmed_at__isnull=False).exists()


def test_spam_does_not_even_get_a_confirmation_sent(client, seed_post):
    submit(client, seed_post, email=VICTIM, notify="on", website="http://bot", body="Bot.")
    assert deliver() == []
