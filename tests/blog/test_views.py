"""The reader pages: the list of posts and the post page with its discussion."""

import datetime
import itertools

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from blog.importers import parse_post_document
from comments.models import Comment
from core.text import split_paragraphs
from tests.factories import (
    AbstractSectionFactory,
    CitationFactory,
    CommentFactory,
    HashtagFactory,
    PaperFactory,
    PostFactory,
    SeriesFactory,
)
from tests.html import page, text_of, warm_queries

pytestmark = pytest.mark.django_db

PUBLISHED = Comment.Status.PUBLISHED


def comment_articles(soup: BeautifulSoup):
    return soup.select("article.comment")


def direct_replies(article) -> list:
    """Return the comment articles directly inside this article's replies container."""
    replies = article.find("details", class_="replies", recursive=False)
    return replies.find_all("article", class_="comment", recursive=False) if replies else []


def add_comments(post, count: int) -> None:
    """Give the post `count` published comments quickly: threads three levels deep.

    Tree updates are switched off for the inserts and the tree rebuilt once after, in
    one transaction, as the mptt docs advise for bulk writes.
    """
    with transaction.atomic(), Comment.objects.disable_mptt_updates():
        parents: list[Comment | None] = []
        for n in range(count):
            # Every third comment starts a thread; the others reply somewhere above.
            parent = None if n % 3 == 0 else parents[n - 1 - (n % 2)]
            parents.append(CommentFactory(post=post, parent=parent))
    Comment.objects.rebuild()


@pytest.fixture
def full_post(post):
    """A post with a series, hashtags, and one cited paper with a labelled abstract."""
    post.series = SeriesFactory()
    post.conflict_of_interest = "multiple"
    post.save()
    for position, name in enumerate(["MSResearch", "MSBlog", "ClinicSpeak"]):
        post.post_hashtags.create(
            hashtag=HashtagFactory(name=name),
            position=position,
        )
    paper = PaperFactory()
    AbstractSectionFactory(paper=paper, position=0, label="OBJECTIVES", text="To describe.")
    AbstractSectionFactory(paper=paper, position=1, label="RESULTS", text="A & B <found>.")
    CitationFactory(post=post, paper=paper)
    return post


# The list of posts


def test_home_lists_published_posts_newest_first(client, author):
    now = timezone.now()
    older = PostFactory(author=author, published_at=now - datetime.timedelta(days=9))
    newer = PostFactory(author=author, published_at=now - datetime.timedelta(days=2))

    soup = page(client, reverse("blog:post-list"))

    titles = [text_of(h2) for h2 in soup.select("article.post-summary h2")]
    assert titles == [newer.title, older.title]


def test_home_leaves_out_drafts_and_future_posts(client, author):
    published = PostFactory(author=author)
    draft = PostFactory(author=author, status="draft")
    future = PostFactory(author=author, published_at=timezone.now() + datetime.timedelta(hours=1))

    html = client.get(reverse("blog:post-list")).content.decode()

    assert published.title in html
    assert draft.title not in html
    assert future.title not in html


def test_home_shows_link_teaser_author_date_and_published_comment_count(client, post):
    CommentFactory.create_batch(2, post=post)
    CommentFactory(post=post, status=Comment.Status.PENDING)
    CommentFactory(post=post, status=Comment.Status.SPAM)

    summary = page(client, "/").select_one("article.post-summary")

    assert summary.h2.a["href"] == post.get_absolute_url()
    assert text_of(summary.h2) == post.title
    assert post.teaser in text_of(summary)
    assert post.author.name in text_of(summary)
    published = timezone.localtime(post.published_at)
    assert summary.time["datetime"] == published.isoformat(timespec="seconds")
    assert "2 comments" in text_of(summary)


def test_home_is_paginated(client, author, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    now = timezone.now()
    posts = [
        PostFactory(author=author, published_at=now - datetime.timedelta(days=n))
        for n in range(1, 6)
    ]

    first = page(client, "/")
    third = page(client, "/?page=3")

    assert [h2.a["href"] for h2 in first.select("article.post-summary h2")] == [
        p.get_absolute_url() for p in posts[:2]
    ]
    assert [h2.a["href"] for h2 in third.select("article.post-summary h2")] == [
        posts[4].get_absolute_url()
    ]
    assert first.select_one('a[rel="next"]')["href"] == "?page=2"
    assert third.select_one('a[rel="prev"]')["href"] == "?page=2"
    assert client.get("/?page=4").status_code == 404


def test_home_query_count_does_not_grow_with_posts(client, author):
    PostFactory.create_batch(2, author=author, tags=["MSResearch"])
    # count, posts, their hashtags (with the links); the sidebar comes from the cache
    assert warm_queries(client, "/") == 3

    for post in PostFactory.create_batch(8, author=author, tags=["MSResearch", "NMO"]):
        CommentFactory(post=post)
    assert warm_queries(client, "/") == 3


# The post page


def test_post_page_is_at_its_absolute_url(client, post):
    local = timezone.localtime(post.published_at)

    assert post.get_absolute_url() == f"/{local:%Y}/{local:%m}/{post.slug}/"
    assert client.get(post.get_absolute_url()).status_code == 200


def test_post_url_uses_the_local_month(client, author):
    # 23:30 UTC on 30 September 2014 is already 1 October in London (BST).
    post = PostFactory(
        author=author, published_at=datetime.datetime(2014, 9, 30, 23, 30, tzinfo=datetime.UTC)
    )

    assert post.get_absolute_url() == f"/2014/10/{post.slug}/"
    assert client.get(f"/2014/10/{post.slug}/").status_code == 200
    assert client.get(f"/2014/09/{post.slug}/").status_code == 404


def test_post_page_is_not_found_under_another_month_or_year(client, author):
    post = PostFactory(
        author=author, published_at=datetime.datetime(2014, 10, 9, 9, tzinfo=datetime.UTC)
    )

    assert client.get(f"/2014/11/{post.slug}/").status_code == 404
    assert client.get(f"/2015/10/{post.slug}/").status_code == 404
    assert client.get(f"/2014/10/{post.slug}-nope/").status_code == 404


def test_post_page_month_must_have_two_digits(client, author):
    post = PostFactory(
        author=author, published_at=datetime.datetime(2014, 3, 9, 9, tzinfo=datetime.UTC)
    )

    assert client.get(f"/2014/03/{post.slug}/").status_code == 200
    assert client.get(f"/2014/3/{post.slug}/").status_code == 404
    assert client.get(f"/2014/13/{post.slug}/").status_code == 404


def test_draft_post_page_is_not_found(client, author):
    draft = PostFactory(author=author, status="draft")

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_future_post_page_is_not_found(client, author):
    future = PostFactory(author=author, published_at=timezone.now() + datetime.timedelta(days=1))

    assert client.get(future.get_absolute_url()).status_code == 404


def test_post_page_has_landmarks_a_skip_link_and_one_h1(client, full_post):
    soup = page(client, full_post.get_absolute_url())

    assert soup.html["lang"] == "en-GB"
    assert soup.find("meta", attrs={"name": "viewport"})
    assert full_post.title in soup.title.string
    assert soup.find("header", class_="site-header")
    assert soup.find("nav")
    assert soup.find("footer")
    main = soup.find("main")
    skip = soup.find("a", class_="skip-link")
    assert skip["href"] == f"#{main['id']}"
    assert [text_of(h1) for h1 in soup.find_all("h1")] == [full_post.title]


def test_post_page_headings_are_in_order(client, full_post):
    CommentFactory(post=full_post)

    soup = page(client, full_post.get_absolute_url())

    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))
    sections = [text_of(h2) for h2 in soup.main.find_all("h2")]
    assert sections == ["Reference", "About the author", "1 comment", "Leave a comment"]


def test_post_page_shows_teaser_hashtags_body_paper_coi_and_author(client, full_post):
    soup = page(client, full_post.get_absolute_url())

    teaser = soup.select_one(".post-header .teaser")
    assert text_of(teaser) == f"{full_post.teaser} #MSResearch #MSBlog #ClinicSpeak"
    assert teaser.find("a", string="#MSResearch")["href"] == "/tags/msresearch/"
    assert [text_of(p) for p in soup.select(".post-body p")] == [
        "First paragraph.",
        "Second paragraph.",
    ]
    paper = full_post.paper_list()[0]
    references = soup.select_one("section.references")
    assert text_of(references.select_one(".citation")) == paper.vancouver()
    assert [text_of(s) for s in references.select(".abstract strong")] == ["OBJECTIVES", "RESULTS"]
    assert "A & B <found>." in [text_of(p) for p in references.select(".abstract p")]
    assert text_of(soup.select_one(".coi")) == "CoI: multiple"
    author_box = soup.select_one(".author-box")
    assert text_of(author_box.h2) == "About the author"
    assert full_post.author.name in text_of(author_box)
    assert full_post.author.bio in text_of(author_box)


def test_post_page_links_resolve(client, full_post):
    soup = page(client, full_post.get_absolute_url())

    internal = {a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("/")}
    assert "/authors/prof-g/" in internal
    assert full_post.series.get_absolute_url() in internal
    paper = full_post.paper_list()[0]
    for url in [*internal, paper.get_absolute_url()]:
        assert client.get(url).status_code == 200, url


def test_each_comment_is_an_article_with_author_permalink_and_body(client, post):
    named = CommentFactory(post=post, author_name="Dre", body="First line\nsecond line\n\nNext")
    anonymous = CommentFactory(post=post, author_name="")

    soup = page(client, post.get_absolute_url())

    articles = comment_articles(soup)
    assert [a["id"] for a in articles] == [f"comment-{named.pk}", f"comment-{anonymous.pk}"]
    first = articles[0]
    assert first.select_one(".comment-author").string == "Dre"
    assert first.find("a", href=f"/comments/{named.pk}/")
    body = first.select_one(".comment-body")
    assert [str(p) for p in body.find_all("p")] == [
        "<p>First line<br/>\nsecond line</p>",
        "<p>Next</p>",
    ]
    assert articles[1].select_one(".comment-author").string == "Anonymous"
    assert text_of(soup.select_one("#comments h2")) == "2 comments"


def test_replies_are_nested_inside_their_parent_article(client, post):
    first = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=first)
    reply_to_reply = CommentFactory(post=post, parent=reply)
    second_reply = CommentFactory(post=post, parent=first)
    last = CommentFactory(post=post)

    soup = page(client, post.get_absolute_url())

    section = soup.find("section", id="comments")
    top_level = section.find_all("article", class_="comment", recursive=False)
    assert [a["id"] for a in top_level] == [first.anchor, last.anchor]
    assert [a["id"] for a in direct_replies(top_level[0])] == [reply.anchor, second_reply.anchor]
    assert [a["id"] for a in direct_replies(direct_replies(top_level[0])[0])] == [
        reply_to_reply.anchor
    ]
    assert direct_replies(top_level[1]) == []


def test_hidden_and_removed_comments(client, post):
    removed = CommentFactory(post=post, status=Comment.Status.REMOVED, body="Rude words")
    kept_reply = CommentFactory(post=post, parent=removed, body="A polite reply")
    pending = CommentFactory(post=post, status=Comment.Status.PENDING, body="Awaiting moderation")
    CommentFactory(post=post, parent=pending, body="Reply to the pending one")
    CommentFactory(post=post, status=Comment.Status.SPAM, body="Buy pills")
    CommentFactory(post=post, status=Comment.Status.REMOVED, body="Removed, no replies")

    soup = page(client, post.get_absolute_url())
    html = str(soup)

    assert [a["id"] for a in comment_articles(soup)] == [removed.anchor, kept_reply.anchor]
    placeholder = soup.find("article", id=removed.anchor)
    assert "This comment was removed." in text_of(placeholder)
    assert [a["id"] for a in direct_replies(placeholder)] == [kept_reply.anchor]
    for hidden in [
        "Rude words",
        "Awaiting moderation",
        "Reply to the pending",
        "Buy pills",
        "no replies",
    ]:
        assert hidden not in html
    assert text_of(soup.select_one("#comments h2")) == "1 comment"


def test_comment_text_is_escaped(client, post):
    CommentFactory(
        post=post,
        author_name="<b>Mallory</b>",
        body='<script>alert("x")</script> & <img src=x onerror=alert(1)>',
    )

    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")

    assert '<script>alert("x")</script>' not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html
    assert soup.find("img") is None
    # The only scripts: the structured data, and comments.js loaded from the static files.
    inline = [s for s in soup.find_all("script") if not s.get("src")]
    assert [s.get("type") for s in inline] == ["application/ld+json"]
    assert [s["src"] for s in soup.find_all("script", src=True)] == ["/static/js/comments.js"]


def test_post_page_without_comments_says_so(client, post):
    soup = page(client, post.get_absolute_url())

    assert text_of(soup.select_one("#comments h2")) == "0 comments"
    assert comment_articles(soup) == []


def detail_queries(client, url: str) -> int:
    return warm_queries(client, url)


def test_post_page_query_count_is_the_same_for_0_13_and_500_comments(client, full_post):
    url = full_post.get_absolute_url()
    # the post (with author and series); its hashtags, citations and abstracts, the
    # discussion and the sidebar come from the cache (tests/blog/test_caching.py)
    none = detail_queries(client, url)
    assert none == 1

    add_comments(full_post, 10)
    CommentFactory(post=full_post, status=Comment.Status.PENDING)
    CommentFactory(post=full_post, status=Comment.Status.REMOVED)
    CommentFactory(post=full_post, author_name="Dre")
    assert full_post.comments.count() == 13
    thirteen = detail_queries(client, url)

    add_comments(full_post, 487)
    assert full_post.comments.count() == 500
    five_hundred = detail_queries(client, url)

    assert none == thirteen == five_hundred


def test_five_hundred_comments_all_render_nested(client, post, settings):
    settings.COMMENTS_PER_PAGE = 500
    add_comments(post, 500)

    soup = page(client, post.get_absolute_url())

    articles = comment_articles(soup)
    assert len(articles) == 500
    assert text_of(soup.select_one("#comments h2")) == "500 comments"
    section = soup.find("section", id="comments")
    assert len(section.find_all("article", class_="comment", recursive=False)) == 167
    parent_of = {
        f"comment-{pk}": parent for pk, parent in post.comments.values_list("pk", "parent_id")
    }
    for article in articles:
        parent = article.find_parent("article", class_="comment")
        expected = f"comment-{parent_of[article['id']]}" if parent_of[article["id"]] else None
        assert (parent["id"] if parent else None) == expected


# Pages that posts link to


def test_author_series_hashtag_and_paper_pages_list_published_posts(client, full_post, author):
    draft = PostFactory(author=author, status="draft", series=full_post.series)
    paper = full_post.paper_list()[0]
    urls = [
        author.get_absolute_url(),
        full_post.series.get_absolute_url(),
        full_post.hashtag_list()[0].get_absolute_url(),
        paper.get_absolute_url(),
    ]

    for url in urls:
        soup = page(client, url)
        assert len(soup.find_all("h1")) == 1
        links = [h2.a["href"] for h2 in soup.select("article.post-summary h2")]
        assert links == [full_post.get_absolute_url()], url
        assert draft.title not in str(soup)


def test_unknown_author_series_hashtag_and_paper_are_not_found(client, db):
    for url in ["/authors/nobody/", "/series/nothing/", "/tags/nothing/", "/papers/999999/"]:
        assert client.get(url).status_code == 404


# The seed post, imported from fixtures/clinicspeak-alemtuzumab-nmo.txt


def test_seed_post_page_shows_the_whole_discussion_nested(client, seed_post):
    soup = page(client, seed_post.get_absolute_url())

    assert len(comment_articles(soup)) == 13
    section = soup.find("section", id="comments")
    top_level = section.find_all("article", class_="comment", recursive=False)
    assert len(top_level) == 4
    assert len(direct_replies(top_level[2])) == 9
    assert len(top_level[2].find_all("article", class_="comment")) == 9
    assert all(direct_replies(a) == [] for i, a in enumerate(top_level) if i != 2)
    assert text_of(section.h2) == "13 comments"


def test_seed_post_page_shows_the_document_verbatim(client, seed_post, seed_text):
    parsed = parse_post_document(seed_text)
    soup = page(client, seed_post.get_absolute_url())

    assert [text_of(h1) for h1 in soup.find_all("h1")] == [parsed.title]
    teaser = text_of(soup.select_one(".post-header .teaser"))
    assert teaser == f"{parsed.teaser} #MSResearch #MSBlog #ClinicSpeak"
    body_paragraphs = [p.get_text() for p in soup.select(".post-body p")]
    assert body_paragraphs == split_paragraphs(parsed.body)
    assert text_of(soup.select_one(".citation")) == seed_post.paper_list()[0].vancouver()
    labels = [text_of(s) for s in soup.select(".abstract strong")]
    assert labels == ["OBJECTIVES", "RESULTS", "CONCLUSIONS"]
    assert text_of(soup.select_one(".coi")) == "CoI: multiple"
    assert "Professor of Neurology, Barts & The London." in text_of(soup.select_one(".author-box"))
    comment_text = text_of(soup.select_one("section#comments"))
    assert "“Doctors put drugs of which they know little" in comment_text
    assert "Anon 6.15 pm Dre is certainly not a member of Team G" in comment_text


def test_seed_post_page_query_count_matches_a_post_without_comments(client, seed_post):
    with_comments = detail_queries(client, seed_post.get_absolute_url())
    seed_post.comments.all().delete()

    assert detail_queries(client, seed_post.get_absolute_url()) == with_comments
