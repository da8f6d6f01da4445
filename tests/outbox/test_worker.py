"""The mail worker against real SMTP servers on 127.0.0.1: one that refuses, one that
accepts and never answers, one that works. A reader's request never touches any of them."""

import datetime
import logging
import os
import signal
import time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from outbox import services
from outbox.models import Message
from outbox.services import SendReport, message_enqueue, messages_send_due
from tests.smtp_servers import (
    closed_port,
    refusing_smtp,
    smtp_mailers,
    smtp_sink,
    stalling_smtp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_with_email(seed_post, django_user_model, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    user = django_user_model.objects.create_user("profg", "profg@example.org", "pw")
    seed_post.author.user = user
    seed_post.author.save()
    return user


def submit(client, post, body):
    data = {"name": "Emma", "email": "", "body": body, "website": ""}
    started = time.monotonic()
    response = client.post(reverse("comments:post", kwargs={"post_pk": post.pk}), data)
    return response, time.monotonic() - started


def later(seconds: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds), tick=False)


def test_a_stalled_mail_server_never_holds_the_readers_request(
    client, seed_post, author_with_email, settings
):
    with stalling_smtp() as stalled:
        settings.MAILERS = smtp_mailers(stalled.port, timeout=1)

        response, took = submit(client, seed_post, "Posted while mail is stuck.")

        assert response.status_code == 302
        assert took < 1  # it never waits for the mail server...
        assert stalled.connections == 0  # ...nor even connects to it
        assert Comment.objects.filter(body="Posted while mail is stuck.").exists()
        [message] = Message.objects.all()
        assert message.status == Message.Status.QUEUED

        started = time.monotonic()
        report = messages_send_due()
        took = time.monotonic() - started

    assert stalled.connections == 1
    assert 0.9 < took < 5  # the worker gave up after the mailer's timeout
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert message.attempts == 1
    assert "timed out" in message.last_error
    assert message.next_attempt_at > timezone.now()


@pytest.mark.parametrize("server", ["closed port", "554 greeting"])
def test_a_refusing_mail_server_means_a_retry_and_the_reader_never_knows(
    client, seed_post, author_with_email, settings, server
):
    with refusing_smtp() as refusing:
        port = closed_port() if server == "closed port" else refusing.port
        settings.MAILERS = smtp_mailers(port)

        response, _ = submit(client, seed_post, "Posted while mail is down.")
        again, _ = submit(client, seed_post, "And another one.")

        assert (response.status_code, again.status_code) == (302, 302)
        report = messages_send_due()

    assert (report.sent, report.retrying) == (0, 2)
    assert all(m.last_error for m in Message.objects.all())


def test_retries_deliver_once_the_server_is_back(client, seed_post, author_with_email, settings):
    settings.MAILERS = smtp_mailers(closed_port())
    submit(client, seed_post, "Delivered in the end.")
    assert messages_send_due().retrying == 1
    assert messages_send_due().retrying == 0  # backing off: not due yet

    with smtp_sink() as sink, later(settings.OUTBOX_RETRY_SECONDS + 1):
        settings.MAILERS = smtp_mailers(sink.port)
        report = messages_send_due()

    assert report.sent == 1
    [(recipients, email)] = sink.messages
    assert recipients == ["profg@example.org"]
    assert "Delivered in the end." in email.get_payload(decode=True).decode()
    message = Message.objects.get()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    assert message.sent_at is not None


def test_the_worker_gives_up_after_the_last_attempt_and_logs_it(settings, caplog):
    settings.MAILERS = smtp_mailers(closed_port())
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = message_enqueue(to=["a@example.org"], subject="Hello", body="Hi")

    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        for attempt in range(3):
            with later(3600 * (attempt + 1)):
                messages_send_due()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 3)
    assert "gave up on message" in caplog.text


def test_a_message_claimed_by_a_killed_worker_is_sent_after_the_claim_expires(settings):
    message = message_enqueue(to=["a@example.org"], subject="Hello", body="Hi")
    from outbox.services import _claim_due

    assert _claim_due(10) == [message]  # a worker took it, then died before sending
    assert messages_send_due().sent == 0

    with later(settings.OUTBOX_CLAIM_SECONDS + 1):
        assert messages_send_due().sent == 1


def test_a_message_sent_while_the_database_failed_is_marked_sent_not_sent_again(
    settings, monkeypatch
):
    message = message_enqueue(to=["a@example.org"], subject="Hello", body="Hi")
    real = services._record_sent

    def database_down(pk, sent_at):
        raise OperationalError("the database went away after the server took the message")

    with smtp_sink() as sink:
        settings.MAILERS = smtp_mailers(sink.port)
        monkeypatch.setattr(services, "_record_sent", database_down)
        with pytest.raises(OperationalError):
            messages_send_due()
        monkeypatch.setattr(services, "_record_sent", real)
        # The worker's next round, even after the claim ran out, marks it and sends nothing.
        with later(settings.OUTBOX_CLAIM_SECONDS + 1):
            assert messages_send_due().sent == 0

    assert len(sink.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert message.sent_at is not None


def test_the_message_is_written_in_the_comments_transaction(
    client, seed_post, author_with_email, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the outbox insert failed")

    monkeypatch.setattr("comments.notifications.message_enqueue", broken)
    before = Comment.objects.count()

    with pytest.raises(RuntimeError):
        submit(client, seed_post, "Neither or both.")

    assert Comment.objects.count() == before  # no comment without its notifications


def test_send_outbox_command_sends_what_is_due_and_reports(settings):
    message_enqueue(to=["a@example.org"], subject="Hello", body="Hi")
    out = StringIO()

    with smtp_sink() as sink:
        settings.MAILERS = smtp_mailers(sink.port)
        call_command("send_outbox", "--once", stdout=out)

    assert len(sink.messages) == 1
    assert "sent 1, retrying 0, failed 0" in out.getvalue()


def test_every_smtp_mailer_has_a_timeout():
    from django.conf import settings as live

    for name, mailer in live.MAILERS.items():
        if mailer["BACKEND"].endswith("smtp.EmailBackend"):
            assert mailer["OPTIONS"]["timeout"] > 0, name


def test_the_worker_loop_survives_a_database_outage_and_stops_on_sigterm(monkeypatch):
    calls = []

    def flaky(limit):
        calls.append(limit)
        if len(calls) == 1:
            raise OperationalError("the database is restarting")
        os.kill(os.getpid(), signal.SIGTERM)  # the process manager stops the worker
        return SendReport(sent=1)

    monkeypatch.setattr("outbox.management.commands.run_worker.messages_send_due", flaky)
    monkeypatch.setattr("outbox.management.commands.run_worker.time.sleep", lambda s: None)
    before = signal.getsignal(signal.SIGTERM)

    call_command("send_outbox", "--interval", "0", stdout=StringIO())

    assert len(calls) == 2  # it carried on after the outage, then stopped cleanly
    assert signal.getsignal(signal.SIGTERM) is before
