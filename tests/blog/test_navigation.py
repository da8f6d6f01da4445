"""Finding one's way around: About, the hashtag and series indexes, Subscribe, previous /
next and related posts, the comment count and skip link at the top of a post, one search
box on the search page, the favicon, and citations whose authors lack a full stop."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Page
from tests.factories import (
    CitationFactory,
    CommentFactory,
    PaperFactory,
    PostFactory,
    SeriesFactory,
)
from tests.html import page, text_of

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def test_the_about_page_shows_what_staff_wrote(client):
    about = Page.objects.get(slug="about")  # made by the migration
    about.body = "We are **neurologists**.\n\nWrite to us."
    about.save()

    soup = page(client, reverse("blog:about"))

    assert about.get_absolute_url() == "/about/"
    assert text_of(soup.h1) == "About"
    assert soup.select_one("main strong").get_text() == "neurologists"
    assert "Write to us." in text_of(soup.main)


def test_other_pages_have_their_own_address(client):
    Page.objects.create(title="Comment policy", slug="comments", body="Be kind.")

    soup = page(client, reverse("blog:page", kwargs={"slug": "comments"}))

    assert text_of(soup.h1) == "Comment policy"
    assert client.get(reverse("blog:page", kwargs={"slug": "nothing"})).status_code == 404


def test_every_page_links_the_indexes_about_and_subscribe(client, post):
    soup = page(client, post.get_absolute_url())

    nav = {text_of(a): a["href"] for a in soup.select("header .site-nav a")}
    assert nav == {
        "Latest posts": "/",
        "Hashtags": "/tags/",
        "Series": "/series/",
        "About": "/about/",
        "Subscribe": "#subscribe",
    }
    feeds = {text_of(a): a["href"] for a in soup.select("footer #subscribe a")}
    assert feeds == {
        "RSS feed": "/feed/",
        "Atom feed": "/feed/atom/",
        "A feed per hashtag": "/tags/",
    }


def test_hashtag_index_lists_tags_of_published_posts_with_counts(client):
    PostFactory(tags=["MSResearch", "ClinicSpeak"])
    PostFactory(tags=["MSResearch"])
    PostFactory(tags=["Secret"], status="draft")

    soup = page(client, reverse("blog:hashtag-list"))

    assert [text_of(li) for li in soup.select("main .index-list li")] == [
        "#ClinicSpeak 1 post",
        "#MSResearch 2 posts",
    ]


def test_a_hashtag_page_offers_its_feeds(client):
    PostFactory(tags=["MSResearch"])

    soup = page(client, reverse("blog:hashtag-detail", kwargs={"slug": "msresearch"}))

    links = [a["href"] for a in soup.select("main .tag-feeds a")]
    assert links[:2] == ["/tags/msresearch/feed/", "/tags/msresearch/feed/atom/"]


def test_series_index_lists_series_with_published_posts(client):
    clinic = SeriesFactory(name="ClinicSpeak", description="Clinical questions.")
    PostFactory(series=clinic)
    PostFactory(series=SeriesFactory(name="Empty"), status="draft")

    soup = page(client, reverse("blog:series-list"))

    assert [text_of(li) for li in soup.select("main .index-list li")] == [
        "ClinicSpeak 1 post Clinical questions."
    ]


def test_a_post_links_its_previous_and_next_posts(client, author):
    older = PostFactory(author=author, title="Older", published_at=days_ago(3))
    post = PostFactory(author=author, title="Middle", published_at=days_ago(2))
    newer = PostFactory(author=author, title="Newer", published_at=days_ago(1))
    PostFactory(author=author, title="Draft", status="draft", published_at=days_ago(1))

    soup = page(client, post.get_absolute_url())

    previous, following = soup.select("nav.post-nav a")
    assert (text_of(previous), previous["href"]) == (
        "Previous post Older",
        older.get_absolute_url(),
    )
    assert (text_of(following), following["href"]) == ("Next post Newer", newer.get_absolute_url())
    assert text_of(page(client, newer.get_absolute_url()).select_one("nav.post-nav")) == (
        "Previous post Middle"
    )


def test_related_posts_share_hashtags_or_papers_most_shared_first(client, author):
    paper = PaperFactory()
    post = PostFactory(author=author, tags=["MSResearch", "Alemtuzumab"])
    CitationFactory(post=post, paper=paper)
    both = PostFactory(author=author, title="Same tags and paper", tags=["MSResearch"])
    CitationFactory(post=both, paper=paper)
    PostFactory(author=author, title="Same tag", tags=["Alemtuzumab"])
    PostFactory(author=author, title="Unrelated", tags=["Diet"])

    soup = page(client, post.get_absolute_url())

    assert [text_of(a) for a in soup.select(".related-posts a")] == [
        "Same tags and paper",
        "Same tag",
    ]


def test_the_top_of_a_post_counts_comments_and_links_to_them(client, post):
    CommentFactory(post=post)
    CommentFactory(post=post)

    soup = page(client, post.get_absolute_url())

    link = soup.select_one(".post-header a.comment-count-link")
    assert (text_of(link), link["href"]) == ("2 comments", "#comments")
    skip = [a["href"] for a in soup.select("body > a.skip-link")]
    assert skip == ["#content", "#comments"]
    assert soup.select_one("#comments") is not None


def test_the_search_page_has_one_search_box(client, post):
    soup = page(client, reverse("blog:search") + "?q=paragraph")

    assert len(soup.select("input[type=search]")) == 1


def test_every_page_has_a_favicon(client, post):
    soup = page(client, "/")

    assert soup.select_one("link[rel=icon]")["href"].endswith("favicon.svg")


def test_citation_authors_without_a_full_stop_are_separated_from_the_title():
    paper = PaperFactory.build(
        authors="Cohen JA, Coles AJ, Greenberg SJ; CLARITY Study Group",
        title="A placebo-controlled trial",
    )

    assert paper.vancouver().startswith(
        "Cohen JA, Coles AJ, Greenberg SJ; CLARITY Study Group. A placebo-controlled trial."
    )
    assert PaperFactory.build(authors="Gelfand et al.").vancouver().startswith("Gelfand et al. A")
