"""Caching and conditional GET (blog/caching/): what is cached, what retires it, and
what every reader is told about keeping pages.

Counts below are per request. A warm cache means the versions, the slug's post, the
discussion and the sidebar are all cached; a cold one (just after a flush) has none.
"""

import datetime
import re

import feedparser
import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog import caching
from blog.caching.versions import post_key
from blog.importers import decode_document, parse_post_document
from blog.importers.writer import import_post
from blog.models import AbstractSection, Citation, Hashtag
from comments.models import Comment
from comments.services import comment_create, comment_delete, comment_move, comments_set_status
from comments.trees import find_tree_problems
from tests.conftest import SEED_PATH
from tests.factories import (
    AbstractSectionFactory,
    AuthorFactory,
    CitationFactory,
    CommentFactory,
    PaperFactory,
    PostFactory,
    SeriesFactory,
    bulk_thread,
)
from tests.html import text_of

pytestmark = pytest.mark.django_db


def queries(client, url: str, **headers) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def comment_ids(response) -> list[str]:
    return [a["id"] for a in soup_of(response).select("#comments article.comment[id]")]


def full_post(**kwargs):
    """A post as the seed is: series, hashtags, and a cited paper with an abstract."""
    post = PostFactory(series=SeriesFactory(), tags=["MSResearch", "NMO"], **kwargs)
    paper = PaperFactory()
    AbstractSectionFactory(paper=paper, position=0)
    CitationFactory(post=post, paper=paper)
    return post


# Queries: the same at any thread size, cold and warm


# Cold: the slug's post id with its version and the site versions (with the next
# scheduled post), the post with author and series, its hashtags, citations, papers and
# abstracts together, the comment page (its rows only, with the counts), the previous,
# next and related posts together, and the sidebar's three parts together. Was 11: the
# versions took two, the post's relations three, the sidebar three.
# Warm: the post's row alone (a reader with a personal cookie, whose page is assembled
# from the cached post parts, discussion, sidebar and neighbours; was 4, the post's
# hashtags, citations and abstracts being read each time). A reader without personal
# cookies gets the whole page from the cache: no query.
COLD, WARM, WHOLE_PAGE = 6, 1, 0


def with_cookies(client):
    """Make the client a reader with a personal cookie (a session, never read by the post
    page): pages are built around the cached parts, not copied."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    return client


@pytest.mark.parametrize("size", [0, 10, 100, 1000])
def test_post_page_queries_do_not_depend_on_the_thread(client, size):
    post = full_post()
    if size <= 100:
        for n in range(size):  # one at a time, through the tree manager
            CommentFactory(post=post, parent=None if n % 3 == 0 else Comment.objects.last())
    else:
        bulk_thread(post, size, seed=size)
        assert find_tree_problems(Comment.objects.filter(post=post)) == []
    assert post.comments.count() == size
    url = post.get_absolute_url()

    cache.clear()
    cold_response, cold = queries(client, url)
    whole_response, whole = queries(client, url)
    warm_response, warm = queries(with_cookies(client), url)

    assert (cold, whole, warm) == (COLD, WHOLE_PAGE, WARM)
    assert whole_response.content == cold_response.content
    assert comment_ids(cold_response) == comment_ids(warm_response)
    assert len(comment_ids(warm_response)) == min(size, 200)  # COMMENTS_PER_PAGE


def test_ten_thousand_comments_change_nothing_but_the_page_count(client):
    post = full_post()
    bulk_thread(post, 10_000, seed=4)
    url = post.comments_page_url(50)

    cache.clear()
    _, cold = queries(client, url)
    _, whole = queries(client, url)
    response, warm = queries(with_cookies(client), url)

    assert (cold, whole, warm) == (COLD, WHOLE_PAGE, WARM)
    assert len(comment_ids(response)) == 200
    assert client.get(post.comments_page_url(51)).status_code == 404


def test_signed_in_readers_cost_no_more(admin_client):
    post = full_post()
    bulk_thread(post, 50)
    url = post.get_absolute_url()
    admin_client.get(url)

    _, warm = queries(admin_client, url)

    assert warm == WARM  # the page never asks who they are


# The sidebar


def test_sidebar_is_cached_until_a_post_or_comment_changes_it(client, author):
    post = PostFactory(author=author, title="First post")
    CommentFactory(post=post, body="Early words")
    client.get("/search/")  # a page whose only queries are the sidebar's

    _, warm = queries(client, "/search/")
    assert warm == 0

    PostFactory(author=author, title="Second post")
    response, cold = queries(client, "/search/")
    assert cold == 2  # the sidebar's three parts together, the site version (next scheduled post)
    assert "Second post" in text_of(soup_of(response).select_one("aside.site-sidebar"))

    CommentFactory(post=post, body="Later words")
    response = client.get("/search/")
    assert "Later words" in text_of(soup_of(response).select_one("aside.site-sidebar"))


def test_a_scheduled_post_enters_the_sidebar_when_it_is_due(client, author):
    now = timezone.now()
    PostFactory(author=author, title="Out already", published_at=now - datetime.timedelta(days=1))
    PostFactory(author=author, title="Due soon", published_at=now + datetime.timedelta(hours=2))
    with time_machine.travel(now, tick=False):
        first = text_of(soup_of(client.get("/search/")).select_one("aside.site-sidebar"))
        assert queries(client, "/search/")[1] == 0  # cached, with nothing written since

    with time_machine.travel(now + datetime.timedelta(hours=2, minutes=1), tick=False):
        later = text_of(soup_of(client.get("/search/")).select_one("aside.site-sidebar"))

    assert "Out already" in first and "Due soon" not in first
    assert "Due soon" in later


# The discussion: each comment page cached until a comment change reaches it


def test_discussion_is_built_once_per_version(client, discussions_built):
    post = full_post()
    CommentFactory(post=post)

    for _ in range(3):
        client.get(post.get_absolute_url())

    assert discussions_built == [(post.pk, 1)]


def test_a_comment_on_one_post_leaves_another_posts_discussion_cached(client, discussions_built):
    a, b = full_post(), full_post()
    for post in (a, b):
        CommentFactory(post=post)
        client.get(post.get_absolute_url())
    discussions_built.clear()

    comment_create(post=a, body="Only about A.")
    a_page = client.get(a.get_absolute_url())
    b_page = client.get(b.get_absolute_url())

    assert discussions_built == [(a.pk, 1)]
    assert "Only about A." in text_of(soup_of(a_page).select_one("#comments"))
    assert "Only about A." not in text_of(soup_of(b_page).select_one("#comments"))


def test_each_comment_page_is_cached_on_its_own(client, settings, discussions_built):
    settings.COMMENTS_PER_PAGE = 5
    post = full_post()
    bulk_thread(post, 12)

    for url in [post.get_absolute_url(), post.comments_page_url(2), post.get_absolute_url()]:
        client.get(url)

    assert discussions_built == [(post.pk, 1), (post.pk, 2)]


def test_a_version_is_retired_again_when_the_transaction_commits(
    client, django_capture_on_commit_callbacks
):
    post = full_post()
    client.get(post.get_absolute_url())
    before = caching.post_version(post.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        comment_create(post=post, body="Arriving.")
        assert caching.versions.version_in(cache.get(post_key(post.pk))) is None  # at once
        # A reader on another connection, before the commit, reads the old counter again...
        caching.versions._keep(post_key(post.pk), before, 30)
    for callback in callbacks:
        callback()  # ...which the commit retires, so no reader keeps what it read.

    assert caching.post_version(post.pk).counter == before.counter + 1


# Every write retires exactly what it changes


def admin_form(admin_client, url: str) -> dict:
    """Return what the admin change form at `url` sends when saved as it is."""
    form = soup_of(admin_client.get(url)).find("form", id=re.compile(r"_form$"))
    data: dict = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "textarea":
            data[name] = field.get_text().removeprefix("\n")
        elif field.name == "select":
            chosen = [option["value"] for option in field.find_all("option", selected=True)]
            data[name] = chosen if field.has_attr("multiple") else (chosen or [""])[0]
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


def save_in_admin(admin_client, obj, **changes) -> None:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    response = admin_client.post(url, {**admin_form(admin_client, url), **changes})
    assert response.status_code == 302, soup_of(response).select(".errorlist")


def page_text(client, post) -> str:
    return text_of(soup_of(client.get(post.get_absolute_url())).main)


def etag(client, post) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response["ETag"]


def _new_comment(post, comment, admin_client):
    comment_create(post=post, parent=comment, body="A brand new reply.")
    return "A brand new reply."


def _submitted(post, comment, admin_client):
    Client().post(
        reverse("comments:post", kwargs={"post_pk": post.pk}),
        {"body": "Posted by a reader.", "name": "", "email": "", "website": ""},
    )
    return "Posted by a reader."


def _status_update(post, comment, admin_client):
    comments_set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.SPAM)
    return "-Watched words"


def _admin_action(post, comment, admin_client):
    admin_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "spam", "_selected_action": [comment.pk]},
    )
    return "-Watched words"


def _admin_comment_edit(post, comment, admin_client):
    save_in_admin(admin_client, comment, body="Edited by a moderator.")
    return "Edited by a moderator."


def _deleted(post, comment, admin_client):
    comment_delete(comment)
    return "-Watched words"


def _post_saved(post, comment, admin_client):
    post.title = "A new title"
    post.save()
    return "A new title"


def _post_in_admin(post, comment, admin_client):
    save_in_admin(admin_client, post, title="Retitled in the admin")
    return "Retitled in the admin"


def _hashtag_renamed(post, comment, admin_client):
    tag = post.post_hashtags.first().hashtag
    tag.name = "Neuromyelitis"
    tag.save()
    return "#Neuromyelitis"


def _paper_edited(post, comment, admin_client):
    paper = post.citations.first().paper
    save_in_admin(admin_client, paper, title="A retitled paper")
    return "A retitled paper"


def _abstract_edited(post, comment, admin_client):
    AbstractSection.objects.filter(paper__citations__post=post).update(text="unused")
    section = AbstractSection.objects.get(paper__citations__post=post)
    section.text = "A rewritten abstract."
    section.save()
    return "A rewritten abstract."


def _citation_removed(post, comment, admin_client):
    Citation.objects.get(post=post).delete()
    return "-Old abstract."


def _author_edited(post, comment, admin_client):
    post.author.bio = "Now writes about myelin."
    post.author.save()
    return "Now writes about myelin."


def _series_renamed(post, comment, admin_client):
    post.series.name = "NewsSpeak"
    post.series.save()
    return "NewsSpeak"


WRITES = [
    _new_comment,
    _submitted,
    _status_update,
    _admin_action,
    _admin_comment_edit,
    _deleted,
    _post_saved,
    _post_in_admin,
    _hashtag_renamed,
    _paper_edited,
    _abstract_edited,
    _citation_removed,
    _author_edited,
    _series_renamed,
]


def test_readers_without_cookies_get_the_whole_page_from_the_cache(client):
    post = full_post()
    CommentFactory(post=post, body="Seen by everyone")
    url = post.get_absolute_url()
    built, _ = queries(client, url)

    copied, count = queries(client, url)

    assert count == 0
    assert copied.content == built.content
    assert copied["ETag"] == built["ETag"]
    assert copied["Cache-Control"] == built["Cache-Control"]
    assert "Seen by everyone" in page_text(client, post)


def test_a_new_comment_replaces_the_whole_page_at_once(client):
    post = full_post()
    url = post.get_absolute_url()
    client.get(url)

    comment_create(post=post, body="Arrived after the page was cached")
    response, count = queries(client, url)

    assert count > 0
    assert "Arrived after the page was cached" in text_of(soup_of(response))


def test_a_stored_page_serves_only_the_post_version_it_was_built_under(client):
    post = full_post()
    url = post.get_absolute_url()
    client.get(url)

    caching.comments_changed([post.pk])  # a new post version, the site posts version unchanged
    _, count = queries(client, url)

    assert count > 1  # the version read again, and the page built


def test_a_page_with_a_query_string_is_built_not_copied(client):
    post = full_post()
    url = post.get_absolute_url() + "?utm_source=newsletter"
    client.get(url)

    _, count = queries(client, url)

    assert count == WARM


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_every_write_shows_at_once_and_changes_the_etag(
    client, admin_client, settings, discussions_built, write
):
    settings.COMMENTS_FLOOD_SECONDS = settings.COMMENTS_RATE_LIMIT = 0
    post = full_post()
    other = PostFactory(tags=["Elsewhere"])  # nothing shared with the post written to
    CitationFactory(post=other)
    AbstractSection.objects.filter(paper__citations__post=post).update(text="Old abstract.")
    comment = CommentFactory(post=post, body="Watched words")
    CommentFactory(post=other)
    before = etag(client, post)
    client.get(other.get_absolute_url())
    discussions_built.clear()

    expected = write(post, comment, admin_client)

    text = page_text(client, post)
    if expected.startswith("-"):
        assert expected[1:] not in text
    else:
        assert expected in text
    assert etag(client, post) != before
    client.get(other.get_absolute_url())
    assert (other.pk, 1) not in discussions_built  # the other post's thread stays cached


def test_a_moved_comment_shows_where_it_went(client):
    post = full_post()
    first, second = CommentFactory(post=post), CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=first)
    client.get(post.get_absolute_url())

    comment_move(reply, new_parent=second)

    soup = soup_of(client.get(post.get_absolute_url()))
    assert soup.find(id=f"comment-{reply.pk}").find_parent("article")["id"] == second.anchor


def test_reimporting_an_edited_document_shows_the_edit(client, seed_post):
    client.get(seed_post.get_absolute_url())
    edited = decode_document(SEED_PATH.read_bytes()).replace(
        "What does the pathology", "What, in the end, does the pathology"
    )

    import_post(parse_post_document(edited), source_ref=SEED_PATH.stem)

    assert "What, in the end, does the pathology" in page_text(client, seed_post)


def test_reimport_that_only_adds_rows_in_bulk_still_changes_the_etags(client, seed_post):
    other = PostFactory()
    paper = seed_post.citations.get().paper
    CitationFactory(post=other, paper=paper)  # another post citing the same paper
    seed_post.post_hashtags.all().delete()
    paper.abstract_sections.all().delete()
    before = {post.pk: etag(client, post) for post in (seed_post, other)}

    import_post(
        parse_post_document(decode_document(SEED_PATH.read_bytes())), source_ref=SEED_PATH.stem
    )  # puts the hashtags and the abstract back with bulk inserts, which send no signals

    for post in (seed_post, other):
        url = post.get_absolute_url()
        response = client.get(url, headers={"if_none_match": before[post.pk]})
        assert response.status_code == 200
        assert "OBJECTIVES" in text_of(soup_of(response).main)
    tags = soup_of(client.get(seed_post.get_absolute_url())).select(".post-header a.hashtag")
    assert "/tags/msresearch/" in [a["href"] for a in tags]


def sidebar_text(response) -> str:
    return text_of(soup_of(response).select_one("aside.site-sidebar"))


def test_a_comment_elsewhere_leaves_the_page_its_etag_and_its_discussion(
    client, discussions_built, django_assert_num_queries
):
    """Was "changes the page through its sidebar only": a comment on B retired the site
    version, so A's ETag and stored page changed. Now only A's sidebar list may lag."""
    a, b = full_post(), full_post()
    url = a.get_absolute_url()
    before = client.get(url)
    discussions_built.clear()

    comment_create(post=b, body="Fresh in the sidebar.")
    with django_assert_num_queries(0):
        after = client.get(url)

    assert after.status_code == 200
    assert after["ETag"] == before["ETag"]
    assert client.get(url, headers={"if_none_match": before["ETag"]}).status_code == 304
    assert discussions_built == []


def test_a_comment_reaches_other_pages_sidebars_within_the_stated_bound(client, settings):
    settings.BLOG_RECENT_COMMENTS_STALE_SECONDS = 10
    a, b = full_post(), full_post()
    url = a.get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        before = client.get(url)
        comment_create(post=b, body="Fresh in the sidebar.")
        traveller.shift(datetime.timedelta(seconds=9))
        assert "Fresh in the sidebar." not in sidebar_text(client.get(url))  # stored copy

        traveller.shift(datetime.timedelta(seconds=2))
        rebuilt = client.get(url)
        assert "Fresh in the sidebar." in sidebar_text(rebuilt)
        assert rebuilt["ETag"] == before["ETag"]
        assert "Fresh in the sidebar." in sidebar_text(client.get(url))  # stored again


def test_cookies_that_change_nothing_on_the_page_get_the_whole_page_from_the_cache(client):
    """Was: any cookie (the CSRF cookie an earlier comment left, an analytics cookie)
    had the page built for that reader, 44-80 ms on the 1,000-comment post."""
    post = full_post()
    CommentFactory(post=post, body="Seen by everyone")
    url = post.get_absolute_url()
    built = client.get(url)
    client.cookies["csrftoken"] = "x" * 32
    client.cookies["_ga"] = "GA1.1.123.456"

    copied, count = queries(client, url)

    assert count == 0
    assert copied.content == built.content
    assert copied["Cache-Control"] == "private, no-cache"  # never a shared copy for them


def test_the_cookie_of_a_reader_who_just_wrote_is_personal():
    from blog.caching import http
    from config import routers

    assert http.WROTE_COOKIE == routers.WROTE_COOKIE


def test_readers_with_cookies_see_a_comment_elsewhere_in_the_sidebar_at_once(client):
    a, b = full_post(), full_post()
    with_cookies(client)
    client.get(a.get_absolute_url())
    comment_create(post=b, body="Fresh in the sidebar.")
    assert "Fresh in the sidebar." in sidebar_text(client.get(a.get_absolute_url()))


def test_a_comment_shows_at_once_on_its_own_post_with_its_sidebar(client):
    a = full_post()
    url = a.get_absolute_url()
    client.get(url)
    comment_create(post=a, body="Right here, right now.")
    response = client.get(url)
    assert "Right here, right now." in text_of(soup_of(response).select_one("#comments"))
    assert "Right here, right now." in sidebar_text(response)


# Conditional GET


def test_an_unchanged_page_is_answered_304_without_a_query(client):
    post = full_post()
    bulk_thread(post, 30)
    url = post.get_absolute_url()
    first = client.get(url)
    assert first["ETag"].startswith('W/"')

    revalidated, count = queries(client, url, if_none_match=first["ETag"])

    assert (revalidated.status_code, count) == (304, 0)
    assert revalidated.content == b""
    for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        assert revalidated[header] == first[header], header


def test_if_modified_since_is_answered_304_until_something_changes(client):
    post = full_post()
    url = post.get_absolute_url()
    last_modified = client.get(url)["Last-Modified"]

    assert client.get(url, headers={"if_modified_since": last_modified}).status_code == 304
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        comment_create(post=post, body="Later.")
        response = client.get(url, headers={"if_modified_since": last_modified})
    assert response.status_code == 200
    assert response["Last-Modified"] != last_modified


def test_a_changed_comment_changes_the_etag(client):
    post = full_post()
    comment = CommentFactory(post=post, body="Before")
    old = etag(client, post)

    comment.body = "After"
    comment.save()

    response = client.get(post.get_absolute_url(), headers={"if_none_match": old})
    assert response.status_code == 200
    assert response["ETag"] != old
    assert "After" in response.content.decode()


def test_generated_comments_retire_the_page_through_the_comments_signal(client):
    from comments.generator import comments_generate

    post = full_post()
    old = etag(client, post)

    comments_generate(post=post, count=3, seed=1)  # bulk inserts: no model signals

    response = client.get(post.get_absolute_url(), headers={"if_none_match": old})
    assert response.status_code == 200
    assert "3 comments" in response.content.decode()


def test_each_comment_page_has_its_own_etag(client, settings):
    settings.COMMENTS_PER_PAGE = 5
    post = full_post()
    bulk_thread(post, 12)

    first = client.get(post.get_absolute_url())["ETag"]
    second = client.get(post.comments_page_url(2))["ETag"]

    assert first != second
    assert (
        client.get(post.comments_page_url(2), headers={"if_none_match": first}).status_code == 200
    )


def test_an_unpublished_post_is_not_found_even_for_a_reader_with_its_etag(client):
    post = full_post()
    old = etag(client, post)

    post.status = "draft"
    post.save()

    assert client.get(post.get_absolute_url(), headers={"if_none_match": old}).status_code == 404


def test_head_requests_get_the_same_validators(client):
    post = full_post()
    get = client.get(post.get_absolute_url())

    head = client.head(post.get_absolute_url())

    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert (
        client.head(post.get_absolute_url(), headers={"if_none_match": get["ETag"]}).status_code
        == 304
    )


# Cache-Control: what browsers and shared caches may keep


def cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_pages_for_readers_without_cookies_may_be_kept_by_a_cdn(client, settings):
    settings.BLOG_CDN_MAX_AGE = 90
    post = full_post()

    response = client.get(post.get_absolute_url())

    assert cache_control(response) == {"public", "max-age=0", "s-maxage=90"}
    assert "Cookie" in response["Vary"]
    assert not response.cookies  # no CSRF cookie, no session: one page for everyone
    assert b"csrfmiddlewaretoken" not in response.content
    again = client.get(post.get_absolute_url())
    # No per-request nonce: the policy is the same for every copy.
    assert response["Content-Security-Policy"] == again["Content-Security-Policy"]
    assert "nonce" not in response["Content-Security-Policy"]


def test_readers_with_cookies_get_pages_only_their_browser_keeps(client):
    post = full_post()
    client.cookies["csrftoken"] = "k" * 32  # e.g. a reader who has commented

    response = client.get(post.get_absolute_url())

    assert cache_control(response) == {"private", "no-cache"}
    assert response["ETag"]
    assert (
        client.get(post.get_absolute_url(), headers={"if_none_match": response["ETag"]}).status_code
        == 304
    )


def test_signed_in_readers_get_pages_no_cache_keeps(client, admin_client):
    post = full_post()
    public_etag = etag(client, post)

    response = admin_client.get(post.get_absolute_url(), headers={"if_none_match": public_etag})

    assert response.status_code == 200  # never revalidated against the shared copy
    assert {"private", "no-store"} <= cache_control(response)
    assert not response.has_header("ETag")
    assert "Cookie" in response["Vary"]


def test_a_page_showing_a_held_comment_is_never_stored(client, settings):
    settings.COMMENTS_MODERATION_KEYWORDS = ["miracle"]
    settings.COMMENTS_FLOOD_SECONDS = settings.COMMENTS_RATE_LIMIT = 0
    post = full_post()
    public_etag = etag(client, post)

    response = client.post(
        reverse("comments:post", kwargs={"post_pk": post.pk}),
        {"body": "A miracle cure?", "name": "", "email": "", "website": ""},
        follow=True,
    )

    assert "awaiting moderation" in response.content.decode()
    assert {"private", "no-store"} <= cache_control(response)
    later = client.get(post.get_absolute_url(), headers={"if_none_match": public_etag})
    assert later.status_code == 200  # never a 304 for the shared copy, which lacks it
    assert "A miracle cure?" in later.content.decode()
    assert "A miracle cure?" not in Client().get(post.get_absolute_url()).content.decode()


def test_the_form_page_and_the_reply_page_are_never_stored(client):
    post = full_post()
    comment = CommentFactory(post=post)

    reply = client.get(reverse("comments:reply", kwargs={"pk": comment.pk}))
    errors = client.post(reverse("comments:post", kwargs={"post_pk": post.pk}), {"body": ""})

    for response in (reply, errors):
        assert {"private", "no-store"} <= cache_control(response)


def test_staff_preview_is_never_cached(admin_client):
    draft = full_post(status="draft")

    response = admin_client.get(reverse("blog:post-preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)
    assert not response.has_header("ETag")


# The comment form on a page with no CSRF token: the browser's word on its origin, or a
# confirmation page with a token when the browser says nothing (comments.origin).


def test_a_comment_sent_without_a_token_comes_back_to_be_confirmed(settings):
    settings.COMMENTS_FLOOD_SECONDS = settings.COMMENTS_RATE_LIMIT = 0
    post = full_post()
    strict = Client(enforce_csrf_checks=True)
    url = reverse("comments:post", kwargs={"post_pk": post.pk})
    page = soup_of(strict.get(post.get_absolute_url()))
    assert page.select_one("form.comment-form input[name=csrfmiddlewaretoken]") is None

    refused = strict.post(url, {"name": "Emma", "body": "Sent without script."})

    assert refused.status_code == 403
    assert not Comment.objects.filter(body="Sent without script.").exists()
    form = soup_of(refused).select_one("form.comment-form")
    assert form.find("textarea").get_text().strip() == "Sent without script."
    assert form.find("input", attrs={"name": "name"})["value"] == "Emma"
    assert "not posted yet" in text_of(soup_of(refused).main)
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    assert {"private", "no-store"} <= cache_control(refused)

    sent = strict.post(
        url, {"name": "Emma", "body": "Sent without script.", "csrfmiddlewaretoken": token}
    )

    assert sent.status_code == 302
    assert Comment.objects.filter(body="Sent without script.", author_name="Emma").exists()


def test_a_wrong_token_is_refused_outright():
    post = full_post()
    strict = Client(enforce_csrf_checks=True)
    strict.get(reverse("comments:reply", kwargs={"pk": CommentFactory(post=post).pk}))

    refused = strict.post(
        reverse("comments:post", kwargs={"post_pk": post.pk}),
        {"body": "Forged.", "csrfmiddlewaretoken": "x" * 64},
    )

    assert refused.status_code == 403
    assert b"comment-form" not in refused.content
    assert not Comment.objects.filter(body="Forged.").exists()


# Feeds


def feed_titles(response) -> list[str]:
    assert response.status_code == 200
    return [entry.title for entry in feedparser.parse(response.content).entries]


def test_site_feed_is_cached_and_shows_a_new_post_at_once(client, author):
    PostFactory(author=author, title="Old news")
    client.get("/feed/")

    cached_response, count = queries(client, "/feed/")
    assert count == 0
    assert feed_titles(cached_response) == ["Old news"]

    PostFactory(author=author, title="Fresh news")
    assert feed_titles(client.get("/feed/")) == ["Fresh news", "Old news"]


def test_post_comment_feed_follows_the_post_and_answers_304(client):
    post = full_post()
    CommentFactory(post=post, author_name="Dre")
    url = reverse("blog:post-comments-feed", kwargs=post._url_kwargs())
    first = client.get(url)

    assert client.get(url, headers={"if_none_match": first["ETag"]}).status_code == 304
    comment_create(post=post, body="New!", author_name="Emma")
    changed = client.get(url, headers={"if_none_match": first["ETag"]})
    assert changed.status_code == 200
    assert any(title.startswith("Emma on") for title in feed_titles(changed))


def test_hashtag_and_author_feeds_follow_their_posts(client):
    author = AuthorFactory(name="Prof K", slug="prof-k")
    post = PostFactory(author=author, title="Tagged later")
    PostFactory(title="Tagged first", tags=["Cladribine"])
    tag_feed = reverse("blog:hashtag-feed", kwargs={"slug": "cladribine"})
    author_feed = reverse("blog:author-feed", kwargs={"slug": "prof-k"})
    assert feed_titles(client.get(tag_feed)) == ["Tagged first"]
    assert feed_titles(client.get(author_feed)) == ["Tagged later"]

    post.post_hashtags.create(hashtag=Hashtag.objects.get(slug="cladribine"), position=0)
    assert set(feed_titles(client.get(tag_feed))) == {"Tagged later", "Tagged first"}

    post.title = "Retitled"
    post.save()
    assert feed_titles(client.get(author_feed)) == ["Retitled"]


# Other reader pages: revalidated against the site version


@pytest.mark.parametrize(
    "url", ["/", "/2014/", "/2014/10/", "/tags/msresearch/", "/authors/prof-g/", "/search/?q=nmo"]
)
def test_reader_pages_answer_304_without_a_query_until_anything_changes(client, seed_post, url):
    first = client.get(url)
    assert cache_control(first) == {"public", "max-age=0", "s-maxage=60"}

    revalidated, count = queries(client, url, if_none_match=first["ETag"])
    assert (revalidated.status_code, count) == (304, 0)

    comment_create(post=seed_post, body="Counts change on every list.")
    assert client.get(url, headers={"if_none_match": first["ETag"]}).status_code == 200


def test_a_paper_page_follows_edits_of_the_paper(client, seed_post):
    paper = seed_post.citations.get().paper
    url = paper.get_absolute_url()
    old = client.get(url)["ETag"]

    paper.title = "Retitled"
    paper.save()

    response = client.get(url, headers={"if_none_match": old})
    assert response.status_code == 200
    assert "Retitled" in response.content.decode()


# The same rules on Redis, the production cache


def test_caching_rules_hold_on_redis(redis_cache, client, discussions_built):
    post = full_post()
    bulk_thread(post, 40)
    url = post.get_absolute_url()

    first, cold = queries(client, url)
    revalidated, none = queries(client, url, if_none_match=first["ETag"])
    copied, whole = queries(client, url)
    second, warm = queries(with_cookies(client), url)

    assert (cold, whole, warm) == (COLD, WHOLE_PAGE, WARM)
    assert (revalidated.status_code, none) == (304, 0)
    assert copied.content == first.content
    assert comment_ids(first) == comment_ids(second)
    assert discussions_built == [(post.pk, 1)]

    comment_create(post=post, body="Stored in Redis too.")
    changed = client.get(url, headers={"if_none_match": first["ETag"]})
    assert changed.status_code == 200
    assert "Stored in Redis too." in text_of(soup_of(changed).select_one("#comments"))
