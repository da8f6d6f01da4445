"""The post page embeds schema.org JSON-LD: the post, its cited papers and its discussion."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from blog.structured_data import json_ld_script
from comments.models import Comment
from tests.factories import (
    AbstractSectionFactory,
    CitationFactory,
    CommentFactory,
    PaperFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db


def json_ld(client, post) -> dict:
    """Return the page's one JSON-LD block, parsed."""
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    scripts = BeautifulSoup(response.content, "html.parser").find_all(
        "script", type="application/ld+json"
    )
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def texts(comments: list[dict]) -> list[str]:
    return [comment["text"] for comment in comments]


def test_post_is_a_blog_posting_with_author_date_and_keywords(client, author):
    post = PostFactory(
        author=author,
        title="Alemtuzumab & NMO",
        published_at=datetime.datetime(2014, 10, 9, 8, 30, tzinfo=datetime.UTC),
        tags=["MSResearch", "MSBlog"],
    )

    data = json_ld(client, post)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Alemtuzumab & NMO"
    assert data["url"] == f"{settings.SITE_URL}{post.get_absolute_url()}"
    assert data["author"] == {
        "@type": "Person",
        "name": "Prof G",
        "description": author.bio,
        "url": f"{settings.SITE_URL}/authors/prof-g/",
    }
    assert data["datePublished"] == "2014-10-09T09:30:00+01:00"
    assert datetime.datetime.fromisoformat(data["datePublished"]) == post.published_at
    assert data["keywords"] == ["MSResearch", "MSBlog"]
    assert "articleBody" not in data  # the page carries the text
    assert data["citation"] == []
    assert data["commentCount"] == 0
    assert data["comment"] == []


def test_cited_papers_are_scholarly_articles(client, post):
    paper = PaperFactory(
        authors="Gelfand et al.",
        title="Massive CNS monocytic infiltration",
        journal="Neurol Neuroimmunol Neuroinflamm",
        published_on=datetime.date(2014, 10, 9),
        volume="1",
        issue="3",
        pages="e34",
        doi="10.1212/NXI.0000000000000034",
        pmid="25340086",
    )
    AbstractSectionFactory(paper=paper)
    bare = PaperFactory(
        journal="Lancet",
        published_on=datetime.date(2012, 11, 1),
        date_precision="month",
        volume="",
        issue="",
        pages="",
    )
    CitationFactory(post=post, paper=paper, position=0)
    CitationFactory(post=post, paper=bare, position=1)

    first, second = json_ld(client, post)["citation"]

    assert first == {
        "@type": "ScholarlyArticle",
        "name": "Massive CNS monocytic infiltration",
        "headline": "Massive CNS monocytic infiltration",
        "author": [{"@type": "Person", "name": "Gelfand", "familyName": "Gelfand"}],
        "datePublished": "2014-10-09",
        "pagination": "e34",
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": "3",
            "isPartOf": {
                "@type": "PublicationVolume",
                "volumeNumber": "1",
                "isPartOf": {"@type": "Periodical", "name": "Neurol Neuroimmunol Neuroinflamm"},
            },
        },
        "identifier": [
            {
                "@type": "PropertyValue",
                "propertyID": "DOI",
                "value": "10.1212/NXI.0000000000000034",
            },
            {"@type": "PropertyValue", "propertyID": "PMID", "value": "25340086"},
        ],
        "sameAs": [
            "https://doi.org/10.1212/NXI.0000000000000034",
            "https://pubmed.ncbi.nlm.nih.gov/25340086/",
        ],
    }
    assert second["isPartOf"] == {"@type": "Periodical", "name": "Lancet"}
    assert second["datePublished"] == "2012-11"
    assert "pagination" not in second
    assert "identifier" not in second


def test_comments_nest_with_their_replies_and_keep_their_text(client, post):
    first = CommentFactory(
        post=post, author_name="Dre", body="Line one\nline two\n\nAnother paragraph"
    )
    reply = CommentFactory(post=post, parent=first, author_name="MD2", body="A reply")
    CommentFactory(post=post, parent=reply, body="A reply to the reply")
    CommentFactory(post=post, parent=first, status=Comment.Status.PENDING, body="Not yet")
    CommentFactory(post=post, body="Second thread")

    data = json_ld(client, post)

    assert data["commentCount"] == 4
    top = data["comment"]
    assert texts(top) == ["Line one\nline two\n\nAnother paragraph", "Second thread"]
    assert top[0]["@type"] == "Comment"
    assert top[0]["author"] == {"@type": "Person", "name": "Dre"}
    assert top[0]["url"] == f"{settings.SITE_URL}{post.get_absolute_url()}#{first.anchor}"
    assert texts(top[0]["comment"]) == ["A reply"]
    assert top[0]["comment"][0]["author"]["name"] == "MD2"
    assert texts(top[0]["comment"][0]["comment"]) == ["A reply to the reply"]
    assert top[0]["comment"][0]["comment"][0]["author"]["name"] == "Anonymous"
    assert "comment" not in top[1]


def test_removed_comment_with_replies_is_a_placeholder_without_its_text(client, post):
    removed = CommentFactory(post=post, status=Comment.Status.REMOVED, body="Rude words")
    CommentFactory(post=post, parent=removed, body="A polite reply")

    data = json_ld(client, post)

    assert data["commentCount"] == 1
    [placeholder] = data["comment"]
    assert placeholder["text"] == "This comment was removed."
    assert "author" not in placeholder
    assert texts(placeholder["comment"]) == ["A polite reply"]
    assert "Rude words" not in json.dumps(data)


def test_comment_cannot_break_out_of_the_script_element(client, post):
    body = 'Nice post</script><script>alert("pwned")</script><!-- & -->'
    CommentFactory(post=post, body=body, author_name="</script>")

    response = client.get(post.get_absolute_url())
    html = response.content.decode()

    assert "</script><script>alert" not in html
    assert "<!--" not in html
    data = json_ld(client, post)
    assert data["comment"][0]["text"] == body
    assert data["comment"][0]["author"]["name"] == "</script>"


def test_json_ld_script_escapes_html_significant_characters():
    script = json_ld_script({"text": "</script> & <b>"})

    assert script == (
        '<script type="application/ld+json">'
        '{"text": "\\u003C/script\\u003E \\u0026 \\u003Cb\\u003E"}'
        "</script>"
    )


def test_seed_post_json_ld(client, seed_post):
    data = json_ld(client, seed_post)

    assert (
        data["headline"]
        == "ClinicSpeak: macrophages infiltrates after alemtuzumab in a patient with NMO"
    )
    assert data["author"]["name"] == "Prof G"
    assert data["author"]["description"].startswith("Professor of Neurology, Barts & The London.")
    assert data["datePublished"].startswith("2014-10-09")
    assert data["keywords"] == ["MSResearch", "MSBlog", "ClinicSpeak"]
    [paper] = data["citation"]
    assert paper["name"] == (
        "Massive CNS monocytic infiltration at autopsy in an alemtuzumab-treated patient with NMO"
    )
    assert paper["author"] == [{"@type": "Person", "name": "Gelfand", "familyName": "Gelfand"}]
    assert paper["isPartOf"]["isPartOf"]["isPartOf"]["name"] == "Neurol Neuroimmunol Neuroinflamm"
    assert paper["datePublished"] == "2014-10-09"
    assert paper["pagination"] == "e34"

    assert data["commentCount"] == 13
    top = data["comment"]
    assert len(top) == 4
    assert [len(comment.get("comment", [])) for comment in top] == [0, 0, 9, 0]
    assert all("comment" not in reply for reply in top[2]["comment"])
    assert top[2]["text"].startswith("“Doctors put drugs of which they know little")
    assert top[2]["comment"][-1]["text"].endswith("he's in deep cover!")
    assert {comment["author"]["name"] for comment in top} == {"Anonymous"}
    stored = list(Comment.objects.for_post(seed_post).values_list("body", flat=True))
    assert [top[0]["text"], top[1]["text"], top[2]["text"]] == stored[:3]
    assert texts(top[2]["comment"]) == stored[3:12]
    assert top[3]["text"] == stored[12]
