"""Who said what to whom: per-thread anonymous labels, "in reply to NAME: “first words…”",
and names in a comment linking to that commenter's most recent earlier comment."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from comments.identity import anonymous_label
from comments.mentions import is_linkable_name, link_names, resolve_mentions
from comments.models import Comment
from comments.thread import build_thread, thread_comments
from tests.factories import CommentFactory
from tests.html import page, text_of

# Anonymous labels


def test_an_unnamed_commenter_keeps_one_label_per_thread():
    first = anonymous_label(1, "emma@example.org", "203.0.113.5")
    again = anonymous_label(1, " Emma@Example.org ", "198.51.100.7")  # same email, new address

    assert re.fullmatch(r"Anonymous [0-9A-Z]{6}", first)
    assert again == first


def test_labels_differ_between_people_and_between_threads():
    labels = {anonymous_label(1, f"reader{n}@example.org", None) for n in range(500)}

    assert len(labels) == 500
    assert anonymous_label(2, "reader1@example.org", None) != anonymous_label(
        1, "reader1@example.org", None
    )


def test_the_address_identifies_a_commenter_without_an_email():
    assert anonymous_label(1, "", "203.0.113.5") == anonymous_label(1, "", "203.0.113.5")
    assert anonymous_label(1, "", "203.0.113.5") != anonymous_label(1, "", "203.0.113.6")


def test_the_label_is_keyed_by_the_secret(settings):
    before = anonymous_label(1, "emma@example.org", None)
    settings.SECRET_KEY = "another-secret-" + "x" * 40

    assert anonymous_label(1, "emma@example.org", None) != before


def test_a_comment_with_no_identity_stays_plain_anonymous():
    assert anonymous_label(1, "", None) == "Anonymous"


@pytest.mark.django_db
def test_imported_seed_comments_all_stay_anonymous(seed_post):
    names = {comment.display_name for comment in seed_post.comments.all()}

    assert names == {"Anonymous"}


@pytest.mark.django_db
def test_the_page_shows_each_persons_label_on_all_their_comments(client, post):
    one = CommentFactory(post=post, author_email="one@example.org")
    again = CommentFactory(post=post, author_email="one@example.org", parent=one)
    other = CommentFactory(post=post, author_email="two@example.org")

    soup = page(client, post.get_absolute_url())

    def author(comment):
        return text_of(soup.select_one(f"#comment-{comment.pk} > header .comment-author"))

    assert author(one) == author(again) == one.display_name
    assert author(other) != author(one)
    assert "one@example.org" not in soup.decode()


# "in reply to NAME: “first words…”"


@pytest.mark.django_db
def test_in_reply_to_quotes_the_parents_first_words(client, post):
    parent = CommentFactory(
        post=post, author_name="Dre", body="Doctors put drugs of which they know little\ninto us."
    )
    short = CommentFactory(post=post, author_name="Emma", body="Nonsense.", parent=parent)
    reply = CommentFactory(post=post, parent=short)
    to_parent = CommentFactory(post=post, parent=parent)

    soup = page(client, post.get_absolute_url())

    def in_reply_to(comment):
        return text_of(soup.select_one(f"#comment-{comment.pk} > header .comment-in-reply-to"))

    assert in_reply_to(short) == "in reply to Dre: “Doctors put drugs of which they…”"
    assert in_reply_to(reply) == "in reply to Emma: “Nonsense.”"
    assert in_reply_to(to_parent) == in_reply_to(short)


@pytest.mark.django_db
def test_seed_replies_quote_the_comment_they_answer(client, seed_post):
    voltaire = Comment.objects.get(source_ref="3")
    reply = Comment.objects.get(source_ref="3.1")
    words = " ".join(voltaire.body.split()[:6]).lstrip("“")  # its own quote mark dropped
    assert voltaire.body.startswith("“Doctors put drugs")

    soup = page(client, seed_post.get_absolute_url())

    link = soup.select_one(f"#comment-{reply.pk} > header .comment-in-reply-to")
    assert text_of(link) == f"in reply to Anonymous: “{words}…”"
    assert link["href"] == f"#comment-{voltaire.pk}"


# The name resolver


def said(pk, name, body):
    return SimpleNamespace(pk=pk, author_name=name, body=body)


NAMED_THREAD = [
    said(1, "Dre", "Doctors put drugs of which they know little into us."),
    said(2, "MD2", "Dre is like a bear with a sore head."),
    said(3, "Emma", "I agree with MD2. Also the doctor said so."),
    said(4, "Dre", "Thanks Emma, and MD2: read the paper."),
    said(5, "Anonymous", "Dre again? Emma, MD2 and Dre should talk."),
    said(6, "doctor", "Ask your doctor, Dre."),
    said(7, "The", "The drug works. Dre disagrees."),
    said(8, "Sam", "Sam here: Samantha and Dreams are not names here, nor dre."),
]


def test_names_link_to_the_commenters_most_recent_earlier_comment():
    resolved = resolve_mentions(NAMED_THREAD)

    assert resolved == {
        2: {"Dre": 1},
        3: {"MD2": 2},
        4: {"Emma": 3, "MD2": 2},  # Dre's own name would not link
        5: {"Dre": 4, "Emma": 3, "MD2": 2},  # Dre's latest before comment 5 is 4
        6: {"Dre": 4},
        7: {"Dre": 4},
    }


def test_ordinary_words_never_link():
    resolved = resolve_mentions(NAMED_THREAD)
    linked_names = {name for names in resolved.values() for name in names}

    assert linked_names == {"Dre", "MD2", "Emma"}
    assert not is_linkable_name("doctor")  # no capital: a word, not a name
    assert not is_linkable_name("The")  # one of the commonest words
    assert not is_linkable_name("Dr")
    assert not is_linkable_name("X")
    assert is_linkable_name("MD2") and is_linkable_name("Dre")


def test_a_name_said_before_its_commenter_arrived_does_not_link():
    thread = [said(1, "Ann", "Where is Bob?"), said(2, "Bob", "Here, Ann.")]

    assert resolve_mentions(thread) == {2: {"Ann": 1}}


def test_a_later_commenters_name_never_changes_an_earlier_comments_links():
    """Was: every name of the thread was matched at once, so "Ann Lee" joining later
    unlinked "Lee" in a comment written before she did (a comment's stored markup would
    have had to change with every new commenter)."""
    before = [said(1, "Lee", "First."), said(2, "Sam", "Ann Lee agrees.")]
    after = [*before, said(3, "Ann Lee", "I do.")]

    assert resolve_mentions(before) == {2: {"Lee": 1}}
    assert resolve_mentions(after) == {2: {"Lee": 1}}


def test_a_commenters_own_name_is_not_read_as_a_shorter_one():
    thread = [said(1, "MSer", "First."), said(2, "Anon MSer", "Anon MSer here.")]

    assert resolve_mentions(thread) == {}


def test_link_names_links_the_first_mention_outside_existing_links():
    html = (
        '<p>See <a href="https://example.org/Dre">Dre</a>, then Dre &amp; Emma.</p>'
        "<p>Dre again.</p>"
    )

    linked = link_names(html, {"Dre": 1, "Emma": 3}, lambda pk: f"#comment-{pk}")

    assert linked == (
        '<p>See <a href="https://example.org/Dre">Dre</a>, then '
        '<a class="commenter-mention" href="#comment-1">Dre</a> &amp; '
        '<a class="commenter-mention" href="#comment-3">Emma</a>.</p>'
        "<p>Dre again.</p>"
    )


@pytest.mark.django_db
def test_nothing_links_on_the_seed(client, seed_post):
    thread = build_thread(thread_comments(seed_post))

    assert resolve_mentions(node.comment for node in thread) == {}
    soup = page(client, seed_post.get_absolute_url())
    assert soup.select("a.commenter-mention") == []


@pytest.mark.django_db
def test_the_post_page_links_names_to_earlier_comments(client, post):
    dre = CommentFactory(post=post, author_name="Dre", body="Doctors know little.")
    md2 = CommentFactory(post=post, author_name="MD2", body="Dre is like a bear.", parent=dre)

    soup = page(client, post.get_absolute_url())

    [mention] = soup.select(f"#comment-{md2.pk} .comment-body a.commenter-mention")
    assert (mention.get_text(), mention["href"]) == ("Dre", f"#comment-{dre.pk}")


# Badges: only for signed-in accounts, never for a typed name


@pytest.mark.django_db
def test_the_posts_author_and_staff_get_badges_readers_typing_names_do_not(
    client, post, django_user_model, relaxed_limits
):
    author_user = django_user_model.objects.create_user("profg", is_staff=True)
    post.author.user = author_user
    post.author.save()
    staffer = django_user_model.objects.create_user("moderator", is_staff=True)
    url = reverse("comments:post", kwargs={"post_pk": post.pk})
    origin = {"Origin": "http://testserver"}

    def send(body, name="", user=None):
        client.logout()
        if user is not None:
            client.force_login(user)
        client.post(url, {"name": name, "body": body}, headers=origin)
        return Comment.objects.get(body=body)

    own = send("From the author.", name="Prof G", user=author_user)
    team = send("From the team.", name="Moderator", user=staffer)
    # An author's own name is reserved for staff (comments.names); a staffer's is not.
    impostor = send("I am the moderator, honestly.", name="Moderator")
    client.logout()

    assert (own.badge, team.badge, impostor.badge) == ("author", "team", "")
    soup = page(client, post.get_absolute_url())

    def badges(comment):
        return [text_of(b) for b in soup.select(f"#comment-{comment.pk} > header .comment-badge")]

    assert badges(own) == ["Author"]
    assert badges(team) == ["Team"]
    assert badges(impostor) == []
