"""The post page for readers and the machines that read it: head tags, breadcrumbs,
hashtag links, cited papers for reference managers, and the discussion."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from blog import citations
from comments.models import Comment
from comments.thread_store import thread_refresh
from tests.factories import (
    CitationFactory,
    CommentFactory,
    PaperFactory,
    PostFactory,
    SeriesFactory,
)
from tests.html import page, text_of, warm_queries

pytestmark = pytest.mark.django_db

SEED_URL = "/2014/10/clinicspeak-macrophages-infiltrates-after-alemtuzumab-in-a-patient-with-nmo/"
SEED_TITLE = "ClinicSpeak: macrophages infiltrates after alemtuzumab in a patient with NMO"
SEED_TEASER = "What does the pathology of a case of NMO teach us about alemtuzumab?"


def meta(soup: BeautifulSoup, key: str) -> list[str]:
    """Return the content of every <meta> whose property or name is key."""
    return [
        tag["content"]
        for tag in soup.head.find_all("meta")
        if key in (tag.get("property"), tag.get("name"))
    ]


def json_ld(soup: BeautifulSoup) -> dict:
    [script] = soup.find_all("script", type="application/ld+json")
    return json.loads(script.string)


def render(template: str, **context) -> str:
    return Template("{% load blog_extras %}" + template).render(Context(context))


# The head


def test_seed_post_head_has_title_description_canonical_open_graph_and_twitter_tags(
    client, seed_post
):
    soup = page(client, seed_post.get_absolute_url())

    canonical = f"{settings.SITE_URL}{SEED_URL}"
    assert soup.title.string == f"{SEED_TITLE} · MS Research Blog"
    assert meta(soup, "description") == [SEED_TEASER]
    assert [link["href"] for link in soup.head.find_all("link", rel="canonical")] == [canonical]
    assert meta(soup, "og:type") == ["article"]
    assert meta(soup, "og:title") == [SEED_TITLE]
    assert meta(soup, "og:description") == [SEED_TEASER]
    assert meta(soup, "og:url") == [canonical]
    assert meta(soup, "og:site_name") == ["MS Research Blog"]
    published = meta(soup, "article:published_time")
    assert published == [timezone.localtime(seed_post.published_at).isoformat()]
    assert published[0].startswith("2014-10-09")
    assert meta(soup, "article:author") == [f"{settings.SITE_URL}/authors/prof-g/"]
    assert meta(soup, "article:section") == ["ClinicSpeak"]
    assert meta(soup, "article:tag") == ["MSResearch", "MSBlog", "ClinicSpeak"]
    assert meta(soup, "twitter:card") == ["summary_large_image"]
    assert meta(soup, "twitter:title") == [SEED_TITLE]
    assert meta(soup, "twitter:description") == [SEED_TEASER]


def test_description_without_a_teaser_is_the_first_sentence_of_the_body(client, author):
    post = PostFactory(
        author=author,
        teaser="",
        body="“Alemtuzumab depletes, i.e. kills, white cells.” It then recovers.\n\nMore.",
    )

    soup = page(client, post.get_absolute_url())

    first_sentence = "“Alemtuzumab depletes, i.e. kills, white cells.”"
    assert meta(soup, "description") == [first_sentence]
    assert meta(soup, "og:description") == [first_sentence]
    assert meta(soup, "twitter:description") == [first_sentence]
    assert json_ld(soup)["description"] == first_sentence


def test_description_of_a_long_first_sentence_is_shortened(client, author):
    post = PostFactory(author=author, teaser="", body="word " * 100)

    [description] = meta(page(client, post.get_absolute_url()), "description")

    assert len(description) == 200
    assert description.endswith("…")


def test_head_values_are_escaped(client, author):
    post = PostFactory(author=author, title='"Quotes" & <tags>', teaser='Is 1 < 2 & "so"?')

    response = client.get(post.get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")

    assert meta(soup, "og:title") == ['"Quotes" & <tags>']
    assert meta(soup, "description") == ['Is 1 < 2 & "so"?']
    assert b'content="&quot;Quotes&quot; &amp; &lt;tags&gt;"' in response.content


def test_post_without_series_or_hashtags_has_no_section_or_tag_meta(client, post):
    soup = page(client, post.get_absolute_url())

    assert meta(soup, "article:section") == []
    assert meta(soup, "article:tag") == []


# Breadcrumbs


def test_breadcrumbs_lead_home_then_to_the_series_then_to_the_post(client, seed_post):
    soup = page(client, seed_post.get_absolute_url())

    breadcrumb = json_ld(soup)["mainEntityOfPage"]["breadcrumb"]
    assert breadcrumb == {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "name": "Home",  # as the visible trail says
                "item": f"{settings.SITE_URL}/",
            },
            {
                "@type": "ListItem",
                "position": 2,
                "name": "ClinicSpeak",
                "item": f"{settings.SITE_URL}/series/clinicspeak/",
            },
            {
                "@type": "ListItem",
                "position": 3,
                "name": SEED_TITLE,
                "item": f"{settings.SITE_URL}{SEED_URL}",
            },
        ],
    }
    nav = soup.find("nav", attrs={"aria-label": "Breadcrumb"})
    assert [(text_of(a), a["href"]) for a in nav.find_all("a")] == [
        ("Home", "/"),
        ("ClinicSpeak", "/series/clinicspeak/"),
    ]


def test_breadcrumbs_of_a_post_outside_a_series_skip_the_series(client, post):
    soup = page(client, post.get_absolute_url())

    items = json_ld(soup)["mainEntityOfPage"]["breadcrumb"]["itemListElement"]
    assert [(item["position"], item["name"]) for item in items] == [
        (1, "Home"),
        (2, post.title),
    ]


# Inline #hashtags


def test_inline_hashtags_in_teaser_and_body_link_to_their_tag_page(client, author):
    post = PostFactory(
        author=author,
        teaser="Does it work in #NMO? Ask #MSResearch.",
        body="It's early for #MSResearch & '#MS_Blog'.\n\nSee https://example.org/a#Results now.",
        tags=["NMO", "MSResearch", "MS_Blog"],
    )

    soup = page(client, post.get_absolute_url())

    teaser = soup.select_one(".post-header .teaser")
    body = soup.select_one(".post-body")
    assert teaser.get_text().startswith("Does it work in #NMO? Ask #MSResearch.")
    assert [(a.string, a["href"], a["rel"]) for a in teaser.find_all("a")][:2] == [
        ("#NMO", "/tags/nmo/", ["tag"]),
        ("#MSResearch", "/tags/msresearch/", ["tag"]),
    ]
    assert [p.get_text() for p in body.find_all("p")] == [
        "It's early for #MSResearch & '#MS_Blog'.",
        "See https://example.org/a#Results now.",
    ]
    assert [(a.string, a["href"]) for a in body.find_all("a")] == [
        ("#MSResearch", "/tags/msresearch/"),
        ("#MS_Blog", "/tags/ms_blog/"),
    ]


def test_hashtags_without_a_tag_page_stay_plain_text(client, author):
    post = PostFactory(author=author, body="Only #Tagged links, not #Untagged.", tags=["Tagged"])

    body = page(client, post.get_absolute_url()).select_one(".post-body")

    assert body.get_text().strip() == "Only #Tagged links, not #Untagged."
    assert [a["href"] for a in body.find_all("a")] == ["/tags/tagged/"]


def test_link_hashtags_leaves_references_urls_and_tags_alone():
    html = (
        "<p>It&#x27;s &#39;#Tag&#39; &amp;#NotATag x#NotATag 1#No /#No ##No #1No"
        " https://example.org/#NoFragment www.example.org/page#No</p>"
    )

    linked = render("{{ html|safe|link_hashtags }}", html=html)

    assert linked == html.replace("#Tag", '<a class="hashtag" href="/tags/tag/" rel="tag">#Tag</a>')


def test_link_hashtags_escapes_plain_text_first():
    assert render("{{ text|link_hashtags }}", text="<b>#Bold</b> & #Tag") == (
        '&lt;b&gt;<a class="hashtag" href="/tags/bold/" rel="tag">#Bold</a>&lt;/b&gt;'
        ' &amp; <a class="hashtag" href="/tags/tag/" rel="tag">#Tag</a>'
    )


# Cited papers for reference managers


def test_each_cited_paper_carries_coins_and_download_links(client, post):
    first = PaperFactory(doi="10.1212/NXI.0000000000000034", pmid="25340086")
    second = PaperFactory(title="Risk & benefit <revisited>")
    CitationFactory(post=post, paper=first, position=0)
    CitationFactory(post=post, paper=second, position=1)

    soup = page(client, post.get_absolute_url())

    papers = soup.select("section.references .paper")
    assert [p.select_one("span.Z3988")["title"] for p in papers] == [
        citations.coins(first),
        citations.coins(second),
    ]
    links = {text_of(a): a["href"] for a in papers[0].find_all("a")}
    assert links == {
        "DOI: 10.1212/NXI.0000000000000034": "https://doi.org/10.1212/NXI.0000000000000034",
        "PubMed: 25340086": "https://pubmed.ncbi.nlm.nih.gov/25340086/",
        "About this paper": first.get_absolute_url(),
        "Download RIS": f"/papers/{first.pk}/ris/",
        "Download BibTeX": f"/papers/{first.pk}/bibtex/",
    }


# The discussion


def article(soup: BeautifulSoup, comment: Comment):
    return soup.find("article", id=comment.anchor)


def own_meta(article_tag):
    return article_tag.find("header", class_="comment-meta", recursive=False)


def test_each_comment_shows_author_time_and_permalink(client, post):
    when = datetime.datetime(2014, 10, 9, 17, 15, tzinfo=datetime.UTC)
    dated = CommentFactory(post=post, author_name="Dre", created_at=when)
    undated = CommentFactory(post=post, created_at=None)

    soup = page(client, post.get_absolute_url())

    header = own_meta(article(soup, dated))
    assert header.select_one(".comment-author").string == "Dre"
    assert header.time["datetime"] == "2014-10-09T18:15:00+01:00"
    assert text_of(header.time) == "9 October 2014, 18:15"
    # The stable address, which finds the comment's page however the thread grows.
    assert header.select_one(".comment-permalink")["href"] == f"/comments/{dated.pk}/"
    header = own_meta(article(soup, undated))
    assert header.select_one(".comment-author").string == "Anonymous"
    assert header.time is None


def test_replies_link_to_the_comment_they_answer(client, post):
    first = CommentFactory(post=post, author_name="Dre")
    reply = CommentFactory(post=post, parent=first, author_name="")
    reply_to_reply = CommentFactory(post=post, parent=reply, author_name="MD2")

    soup = page(client, post.get_absolute_url())

    def in_reply_to(comment):
        links = own_meta(article(soup, comment)).select("a.comment-in-reply-to")
        return [(text_of(a).split(":")[0], a["href"]) for a in links]  # name, not words

    assert in_reply_to(first) == []
    assert in_reply_to(reply) == [("in reply to Dre", f"#{first.anchor}")]
    assert in_reply_to(reply_to_reply) == [("in reply to Anonymous", f"#{reply.anchor}")]


def test_reply_to_a_removed_comment_does_not_name_its_author(client, post):
    removed = CommentFactory(post=post, author_name="Mallory", status=Comment.Status.REMOVED)
    reply = CommentFactory(post=post, parent=removed)

    soup = page(client, post.get_absolute_url())

    link = own_meta(article(soup, reply)).select_one("a.comment-in-reply-to")
    assert (text_of(link), link["href"]) == ("in reply to a removed comment", f"#{removed.anchor}")
    assert "Mallory" not in soup.decode()


def test_seed_thread_folds_the_nine_replies_in_one_open_details(client, seed_post):
    soup = page(client, seed_post.get_absolute_url())

    section = soup.find("section", id="comments")
    top_level = section.find_all("article", class_="comment", recursive=False)
    assert len(top_level) == 4
    folds = [a.find_all("details", recursive=False) for a in top_level]
    assert [len(f) for f in folds] == [0, 0, 1, 0]
    [details] = folds[2]
    assert details.has_attr("open")
    assert details.summary is details.find(recursive=False)  # the summary comes first
    assert text_of(details.summary) == "9 replies"
    replies = details.find_all("article", class_="comment", recursive=False)
    assert len(replies) == 9
    assert len(section.find_all("details")) == 1
    third = top_level[2]["id"]
    assert {
        (text_of(link).split(":")[0], link["href"])
        for reply in replies
        for link in own_meta(reply).select("a.comment-in-reply-to")
    } == {("in reply to Anonymous", f"#{third}")}


def test_reply_count_counts_replies_at_every_depth(client, post):
    first = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=first)
    CommentFactory(post=post, parent=reply)
    CommentFactory(post=post, parent=first)
    CommentFactory(post=post, parent=first, status=Comment.Status.PENDING)

    soup = page(client, post.get_absolute_url())

    summaries = [text_of(s) for s in soup.select("#comments summary")]
    assert summaries == ["3 replies", "1 reply"]
    assert article(soup, reply).find("details", recursive=False).has_attr("open")


def test_comment_body_comes_from_the_html_stored_with_it(client, post):
    comment = CommentFactory(post=post, body="Written")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Stored <em>at save</em></p>")
    thread_refresh([post.pk])  # the comment's markup, from its stored HTML

    soup = page(client, post.get_absolute_url())

    body = article(soup, comment).select_one(".comment-body")
    assert body.decode_contents() == "<p>Stored <em>at save</em></p>"


def test_a_page_is_assembled_from_the_markup_stored_with_each_comment(client, post):
    comment = CommentFactory(post=post, body="Written")
    stored = Comment.objects.get(pk=comment.pk).markup
    Comment.objects.filter(pk=comment.pk).update(
        markup=stored.replace("<p>Written</p>", "<p>Assembled, not rendered</p>")
    )

    soup = page(client, post.get_absolute_url())

    body = article(soup, comment).select_one(".comment-body")
    assert body.decode_contents() == "<p>Assembled, not rendered</p>"


def test_script_in_a_comment_is_shown_as_text_not_run(client, post):
    body = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    comment = CommentFactory(post=post, author_name="<b>Mallory</b>", body=body)

    soup = page(client, post.get_absolute_url())

    shown = article(soup, comment)
    assert text_of(shown.select_one(".comment-body")) == body
    assert shown.select_one(".comment-author").string == "<b>Mallory</b>"
    assert shown.find(["script", "img", "b"]) is None
    # The only scripts: the structured data, and comments.js loaded from the static files.
    inline = [s for s in soup.find_all("script") if not s.get("src")]
    assert [s.get("type") for s in inline] == ["application/ld+json"]
    assert [s["src"] for s in soup.find_all("script", src=True)] == ["/static/js/comments.js"]


def test_series_post_page_query_count_does_not_grow_with_papers_or_folds(client, author):
    def queries(post) -> int:
        return warm_queries(client, post.get_absolute_url())

    small = PostFactory(author=author, series=SeriesFactory(), tags=["MSResearch"])
    CitationFactory(post=small)
    large = PostFactory(author=author, series=SeriesFactory(), tags=["MSResearch", "NMO"])
    for position in range(5):
        CitationFactory(post=large, position=position)
    parent = CommentFactory(post=large)
    for _ in range(3):
        parent = CommentFactory(post=large, parent=parent)

    assert queries(small) == queries(large)
