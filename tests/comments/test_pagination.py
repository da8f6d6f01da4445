"""Long discussions come in comment pages: runs of COMMENTS_PER_PAGE comments in tree order.

Page 1 is the post's own address; later pages are `…/<slug>/comment-page-N/`. A page that
starts inside a sub-thread shows where it continues from, and a comment's stable address
(`/comments/<pk>/`) leads to the page that holds it, counted in SQL.
"""

import json
import random

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_create
from comments.thread import build_thread, paginate_thread, thread_comments
from comments.trees import find_tree_problems
from tests.factories import CommentFactory, PostFactory, bulk_thread
from tests.html import page, text_of, warm_queries

pytestmark = pytest.mark.django_db

PUBLISHED = Comment.Status.PUBLISHED
PENDING = Comment.Status.PENDING
SPAM = Comment.Status.SPAM
REMOVED = Comment.Status.REMOVED


@pytest.fixture
def per_page(settings):
    settings.COMMENTS_PER_PAGE = 4
    return 4


def chain(post, length: int, parent=None) -> list[Comment]:
    """Add `length` comments, each replying to the one before (the first to `parent`)."""
    comments = []
    for _ in range(length):
        parent = CommentFactory(post=post, parent=parent)
        comments.append(parent)
    return comments


def shown_ids(soup) -> list[str]:
    return [a["id"] for a in soup.select("#comments article.comment[id]")]


def own_meta(article):
    return article.find("header", class_="comment-meta", recursive=False)


def json_ld(soup) -> dict:
    [script] = soup.find_all("script", type="application/ld+json")
    return json.loads(script.string)


# Cutting the thread into pages


def test_pages_are_contiguous_runs_of_the_thread_in_tree_order(post, per_page):
    first = chain(post, 3)  # 0-2
    second = chain(post, 3)  # 3-5
    reply = CommentFactory(post=post, parent=first[0])  # tree order: 0 1 2 r | 3 4 5
    thread = build_thread(thread_comments(post))

    pages = [paginate_thread(thread, n, per_page) for n in (1, 2)]

    order = [*first, reply, *second]
    assert [[node.comment.pk for node in p.nodes] for p in pages] == [
        [c.pk for c in order[:4]],
        [c.pk for c in order[4:]],
    ]
    assert [p.num_pages for p in pages] == [2, 2]
    assert [p.comment_count for p in pages] == [7, 7]


def test_a_page_that_starts_inside_a_sub_thread_opens_the_comments_it_continues(post, per_page):
    root, child, grandchild, deepest, fifth = chain(post, 5)
    thread = build_thread(thread_comments(post))

    second = paginate_thread(thread, 2, per_page)

    assert [node.comment.pk for node in second.nodes] == [fifth.pk]
    assert [node.comment.pk for node in second.context] == [
        root.pk,
        child.pk,
        grandchild.pk,
        deepest.pk,
    ]
    assert second.nodes[0].closes == 4  # closes the four context comments again
    first = paginate_thread(thread, 1, per_page)
    assert first.replies_continue  # the last comment's reply is on the next page
    assert not first.nodes[-1].opens_replies
    assert first.nodes[-1].closes == 3


@pytest.mark.parametrize("number", [0, 3, "x"])
def test_a_page_past_either_end_does_not_exist(post, per_page, number):
    from django.core.paginator import InvalidPage

    chain(post, 5)

    with pytest.raises(InvalidPage):
        paginate_thread(build_thread(thread_comments(post)), number, per_page)


def test_a_thread_without_comments_has_one_empty_page(post, per_page):
    only = paginate_thread([], 1, per_page)

    assert (only.nodes, only.num_pages, only.comment_count) == ([], 1, 0)


# The pages readers see


def test_page_two_continues_the_thread_with_links_back(client, post, per_page):
    root = CommentFactory(post=post, author_name="Dre")
    replies = [CommentFactory(post=post, parent=root, author_name=f"R{n}") for n in range(5)]
    # Tree order: root r0 r1 r2 | r3 r4: page 2 continues the root's replies.
    page_two = post.comments_page_url(2)
    assert page_two == f"{post.get_absolute_url()}comment-page-2/"

    soup = page(client, page_two)

    assert shown_ids(soup) == [f"comment-{c.pk}" for c in replies[3:]]
    context = soup.select_one("#comments article.comment-context")
    note = context.select_one(".comment-context-note")
    assert text_of(note) == "Continued from a comment by Dre on page 1"
    assert note.a["href"] == f"{post.get_absolute_url()}#comment-{root.pk}"
    assert text_of(context.find("summary")) == "5 replies"
    # The replies nest inside the context, and name the comment they answer.
    details = context.find("details", recursive=False)
    nested = details.find_all("article", class_="comment", recursive=False)
    assert [a["id"] for a in nested] == [f"comment-{c.pk}" for c in replies[3:]]
    link = own_meta(nested[0]).select_one("a.comment-in-reply-to")
    assert (text_of(link).split(":")[0], link["href"]) == (
        "in reply to Dre",
        f"{post.get_absolute_url()}#comment-{root.pk}",
    )
    assert text_of(soup.select_one("#comments h2")) == "6 comments"


def test_replies_that_start_the_next_page_are_announced(client, post, per_page):
    root = CommentFactory(post=post)
    for _ in range(2):
        CommentFactory(post=post)
    parent = CommentFactory(post=post)  # the fourth: last on page 1
    CommentFactory(post=post, parent=parent)  # its reply opens page 2

    soup = page(client, post.get_absolute_url())

    last = soup.find("article", id=f"comment-{parent.pk}")
    note = last.select_one(".comment-replies-continue a")
    assert text_of(note) == "Replies continue on page 2"
    assert note["href"] == post.comments_page_url(2)
    assert last.find("details") is None
    assert soup.find("article", id=f"comment-{root.pk}") is not None


def test_every_page_nests_balanced_markup(client, post, settings):
    settings.COMMENTS_PER_PAGE = 7
    rows = bulk_thread(post, 60, seed=3)
    parent_of = {c.pk: c.parent_id for c in rows}

    seen = []
    for number in range(1, 10):
        soup = page(client, post.comments_page_url(number))
        for article in soup.select("#comments article.comment[id]"):
            pk = int(article["id"].removeprefix("comment-"))
            around = article.find_parent("article", class_="comment")
            if around is None:
                assert parent_of[pk] is None
            elif around.get("id"):
                assert around["id"] == f"comment-{parent_of[pk]}"
            else:  # a context line stands for the parent, which is on an earlier page
                href = around.select_one(".comment-context-note a")["href"]
                assert href.endswith(f"#comment-{parent_of[pk]}")
            seen.append(pk)
    assert seen == [c.pk for c in rows]
    assert client.get(post.comments_page_url(10)).status_code == 404


def test_page_links_are_labelled_and_say_which_page_this_is(client, post, per_page):
    chain(post, 9)  # three pages

    soup = page(client, post.comments_page_url(2))

    nav = soup.find("nav", attrs={"aria-label": "Comment pages"})
    prev, nxt = nav.find("a", rel="prev"), nav.find("a", rel="next")
    assert prev["href"] == f"{post.get_absolute_url()}#comments"
    assert nxt["href"] == f"{post.comments_page_url(3)}#comments"
    current = nav.find("a", attrs={"aria-current": "page"})
    assert text_of(current) == "Page 2"
    assert [text_of(a) for a in nav.find_all("li")] == ["Page 1", "Page 2", "Page 3"]
    head = soup.head
    assert head.find("link", rel="prev")["href"] == f"{settings.SITE_URL}{post.get_absolute_url()}"
    assert head.find("link", rel="next")["href"] == (
        f"{settings.SITE_URL}{post.comments_page_url(3)}"
    )


def test_canonical_urls_page_one_is_the_post_and_later_pages_are_their_own(client, post, per_page):
    chain(post, 5)

    first = page(client, post.get_absolute_url())
    second = page(client, post.comments_page_url(2))

    assert first.head.find("link", rel="canonical")["href"] == (
        f"{settings.SITE_URL}{post.get_absolute_url()}"
    )
    assert first.head.find("link", rel="prev") is None
    assert second.head.find("link", rel="canonical")["href"] == (
        f"{settings.SITE_URL}{post.comments_page_url(2)}"
    )
    assert second.head.find("link", rel="next") is None


def test_a_thread_on_one_page_has_no_page_links(client, post, per_page):
    chain(post, 4)

    soup = page(client, post.get_absolute_url())

    assert soup.find("nav", attrs={"aria-label": "Comment pages"}) is None
    assert soup.head.find("link", rel="next") is None


def test_page_one_has_one_address_and_missing_pages_are_not_found(client, post, per_page):
    chain(post, 5)
    first = reverse(
        "blog:post-comments-page",
        kwargs={**post._url_kwargs(), "page": 1},
    )

    response = client.get(first)

    assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())
    assert client.get(post.comments_page_url(3)).status_code == 404
    assert client.get(first.replace("comment-page-1", "comment-page-0")).status_code == 404


def test_structured_data_of_a_later_page_names_the_parent_on_an_earlier_one(client, post, per_page):
    root = CommentFactory(post=post, author_name="Dre")
    replies = [CommentFactory(post=post, parent=root) for _ in range(3)]
    late = CommentFactory(post=post, parent=replies[2], body="Deep and late")
    CommentFactory(post=post, parent=late, body="Deeper")

    data = json_ld(page(client, post.comments_page_url(2)))

    assert data["commentCount"] == 6
    [item] = data["comment"]
    base = f"{settings.SITE_URL}"
    assert item["text"] == "Deep and late"
    assert item["url"] == f"{base}{post.comments_page_url(2)}#comment-{late.pk}"
    assert item["parentItem"] == {
        "@type": "Comment",
        "url": f"{base}{post.get_absolute_url()}#comment-{replies[2].pk}",
    }
    assert [reply["text"] for reply in item["comment"]] == ["Deeper"]


def test_later_pages_run_as_many_queries_as_the_first(client, post, settings):
    settings.COMMENTS_PER_PAGE = 50
    bulk_thread(post, 400, seed=9)

    counts = {n: warm_queries(client, post.comments_page_url(n)) for n in (1, 2, 8)}

    assert counts == {1: 1, 2: 1, 8: 1}  # the post; its other parts are cached per version


# A comment's stable address


def test_stable_address_leads_to_the_page_holding_the_comment(client, post, per_page):
    comments = chain(post, 3) + chain(post, 6)  # pages: 0-3, 4-7, 8

    for index, comment in enumerate(comments):
        response = client.get(f"/comments/{comment.pk}/")
        assert response.status_code == 302
        assert response["Location"] == (
            f"{post.comments_page_url(index // per_page + 1)}#comment-{comment.pk}"
        )
        assert comment.get_absolute_url() == f"/comments/{comment.pk}/"


def test_stable_address_counts_only_what_readers_see_before_the_comment(client, post, per_page):
    a = CommentFactory(post=post)
    pending = CommentFactory(post=post, status=PENDING)
    CommentFactory(post=post, parent=pending)  # hidden with its parent
    spam = CommentFactory(post=post, status=SPAM)
    removed_alone = CommentFactory(post=post, status=REMOVED)  # not shown at all
    removed = CommentFactory(post=post, status=REMOVED)  # shown: it has a reply
    reply = CommentFactory(post=post, parent=removed)
    b = CommentFactory(post=post)  # shown index 3: the last of page 1
    c = CommentFactory(post=post)  # shown index 4: the first of page 2

    def location(comment) -> str:
        response = client.get(f"/comments/{comment.pk}/")
        return response["Location"] if response.status_code == 302 else response.status_code

    first, second = post.get_absolute_url(), post.comments_page_url(2)
    assert location(a) == f"{first}#comment-{a.pk}"
    assert location(removed) == f"{first}#comment-{removed.pk}"
    assert location(reply) == f"{first}#comment-{reply.pk}"
    assert location(b) == f"{first}#comment-{b.pk}"
    assert location(c) == f"{second}#comment-{c.pk}"
    for hidden in (pending, spam, removed_alone):
        assert location(hidden) == 404
    assert f"comment-{c.pk}" in shown_ids(page(client, second))


def test_stable_address_of_a_comment_on_an_unpublished_post_is_not_found(client, author):
    draft = PostFactory(author=author, status="draft")
    comment = CommentFactory(post=draft)

    assert client.get(f"/comments/{comment.pk}/").status_code == 404


def test_stable_address_is_one_query(client, post, per_page, django_assert_num_queries):
    comments = chain(post, 6)

    with django_assert_num_queries(1):
        response = client.get(f"/comments/{comments[-1].pk}/")

    assert response.status_code == 302


def test_sql_positions_agree_with_the_thread_on_random_trees(settings):
    settings.COMMENTS_PER_PAGE = 6
    rng = random.Random(1014)
    posts = [PostFactory(), PostFactory()]
    statuses = {n: rng.choice([PENDING, SPAM, REMOVED, REMOVED]) for n in range(0, 90, 4)}
    for post in posts:
        bulk_thread(post, 90, seed=rng.randrange(1000), statuses=statuses)
    # More threads on the first post after the second's, so tree ids interleave.
    extra = comment_create(post=posts[0], body="A later thread.")
    comment_create(post=posts[0], parent=extra, body="Its reply.")
    assert find_tree_problems() == []

    for post in posts:
        thread = build_thread(thread_comments(post))
        expected = {node.comment.pk: node.index for node in thread}
        located = dict(
            Comment.objects.located().filter(post=post).values_list("pk", "thread_position")
        )
        assert located == expected
        assert 0 < len(expected) < post.comments.count()  # some are hidden


def test_new_comment_redirects_to_the_page_that_shows_it(client, post, per_page, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 0
    chain(post, 5)

    response = client.post(
        reverse("comments:post", kwargs={"post_pk": post.pk}),
        {"name": "", "email": "", "body": "Late to the party.", "website": ""},
    )

    comment = Comment.objects.get(body="Late to the party.")
    assert response["Location"] == f"/comments/{comment.pk}/#comment-{comment.pk}"
    landing = client.get(response["Location"])
    assert landing["Location"] == f"{post.comments_page_url(2)}#comment-{comment.pk}"
    soup = page(client, landing["Location"].split("#")[0])
    assert f"comment-{comment.pk}" in shown_ids(soup)


def test_replies_posted_before_the_redirect_is_followed_still_land_on_the_comment(
    client, post, per_page, settings
):
    """Was: the redirect named the page the comment was on when it was stored, so replies
    posted in between (earlier in tree order) could push it to a page the reader never
    reached. The redirect names the comment's stable address, which finds its page then."""
    settings.COMMENTS_FLOOD_SECONDS = settings.COMMENTS_RATE_LIMIT = 0
    first, second = CommentFactory(post=post), CommentFactory(post=post)
    response = client.post(
        reverse("comments:post", kwargs={"post_pk": post.pk}),
        {"name": "", "email": "", "body": "My answer.", "website": "", "parent": second.pk},
    )
    mine = Comment.objects.get(body="My answer.")
    assert client.get(f"/comments/{mine.pk}/")["Location"].startswith(post.get_absolute_url())

    for _ in range(per_page):  # others answer the first comment meanwhile: mine moves on
        comment_create(post=post, parent=first, body="Meanwhile.")

    landing = client.get(response["Location"], follow=True)
    target = landing.redirect_chain[-1][0] if landing.redirect_chain else response["Location"]
    assert target == f"{post.comments_page_url(2)}#comment-{mine.pk}"
    assert f"comment-{mine.pk}" in shown_ids(BeautifulSoup(landing.content, "html.parser"))


def test_reply_counts_stay_whole_thread_counts_across_pages(client, post, per_page):
    root = CommentFactory(post=post)
    for _ in range(6):
        CommentFactory(post=post, parent=root)

    first = page(client, post.get_absolute_url())
    second = page(client, post.comments_page_url(2))

    assert text_of(first.select_one(f"#comment-{root.pk} summary")) == "6 replies"
    assert text_of(second.select_one("article.comment-context summary")) == "6 replies"


def test_thousand_comment_thread_is_sound_and_pages_show_all_of_it_once(client, settings):
    settings.COMMENTS_PER_PAGE = 200
    post = PostFactory()
    rows = bulk_thread(post, 1000, seed=11)
    assert find_tree_problems(Comment.objects.filter(post=post)) == []

    shown = []
    for number in range(1, 6):
        soup = BeautifulSoup(client.get(post.comments_page_url(number)).content, "html.parser")
        shown.extend(shown_ids(soup))

    assert shown == [c.anchor for c in rows]
    assert client.get(post.comments_page_url(6)).status_code == 404
