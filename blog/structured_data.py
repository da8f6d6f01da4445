"""schema.org JSON-LD for the post and paper pages, and a safe way to embed it in HTML."""

import json
import re

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from blog import social_cards
from blog.citations import abstract_text, partial_iso_date
from blog.markup import post_body_text
from blog.models import Paper, Post
from blog.papers.names import display_name
from comments.thread import REMOVED_TEXT, ThreadNode, ThreadPage
from core.site import absolute_url
from core.text import split_paragraphs

# Inside <script> the HTML parser only looks for "</script"; escaping these three keeps any
# text (a comment containing </script> or <!--) inside the JSON string where it belongs.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# The end of a sentence: . ! ? or … and any closing quotes or brackets, then a space and
# what starts a sentence (so "i.e. extensive" does not end one).
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u2019\u201d)\]]*(?=\s+[\"'\u2018\u201c(\[]?[A-Z0-9])")
DESCRIPTION_LENGTH = 200


class RawJson(str):
    """JSON text already serialized (and escaped for <script>) by `serialize_json_ld`."""


def serialize_json_ld(value) -> RawJson:
    """Return `value` as JSON text safe inside <script>, to keep and splice in later."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return RawJson(text.translate(_SCRIPT_ESCAPES))


def json_ld_script(data: dict) -> SafeString:
    """Return data as a <script type="application/ld+json"> element, safe to put in a page.

    Top-level members whose value is `RawJson` (a cached comment page's comments) are
    spliced in as they are, not serialized again.
    """
    raw = {key: value for key, value in data.items() if isinstance(value, RawJson)}
    text = serialize_json_ld({key: value for key, value in data.items() if key not in raw})
    if raw:
        members = "".join(f", {json.dumps(key)}: {value}" for key, value in raw.items())
        text = text[:-1] + members + "}" if text != "{}" else "{" + members[2:] + "}"
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # escaped for <script> by serialize_json_ld
    )


def post_description(post: Post) -> str:
    """Return a summary of the post: its teaser, else the first sentence of its body."""
    text = post.teaser
    if not text:
        first = split_paragraphs(post_body_text(post.body, post.body_format))[:1]
        text = " ".join(first[0].split()) if first else ""
        if match := _SENTENCE_END.search(text):
            text = text[: match.end()]
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)


def publisher_json_ld() -> dict:
    """Describe the blog's publisher: an Organization with its logo."""
    return {
        "@type": "Organization",
        "@id": absolute_url(reverse("blog:post-list")) + "#publisher",
        "name": settings.BLOG_NAME,
        "url": absolute_url(reverse("blog:post-list")),
        "logo": image_json_ld(social_cards.logo_image()),
    }


def image_json_ld(image: "social_cards.CardImage") -> dict:
    return {
        "@type": "ImageObject",
        "url": image.url,
        "width": image.width,
        "height": image.height,
    }


def blog_json_ld() -> dict:
    return {
        "@type": "Blog",
        "name": settings.BLOG_NAME,
        "url": absolute_url(reverse("blog:post-list")),
    }


def blog_posting_json_ld(post: Post) -> dict:
    """Describe a post and its cited papers as a BlogPosting; each comment page adds its
    own URL, the thread's count and its comments (`blog.post_parts.PostParts`), so this
    part is built once per post version.

    The page it is the main entity of carries the breadcrumb trail to it, so the page
    needs only one JSON-LD block.

    Kept light: the body is not copied (`articleBody` is optional for BlogPosting, the
    page carries the text, and the copy was a third of what a post page weighed); each
    comment page lists only its own comments (a reply whose parent is on an earlier page
    names it by `parentItem`), so no comment is repeated on any other page. The
    comments keep their text (what Google reads of a Comment in a discussion: text,
    author, datePublished, url) and come serialized with the cached comment page
    (`blog.discussion`): built once per page, spliced into every request's script.

    `post` should come from `Post.objects.for_detail()`, or this runs queries.
    """
    url = absolute_url(post.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "breadcrumb": breadcrumb_json_ld(post)},
        "headline": post.title,
        "description": post_description(post),
        "image": image_json_ld(social_cards.post_card_image(post)),
        "author": {
            "@type": "Person",
            "name": post.author.name,
            "description": post.author.bio,
            "url": absolute_url(post.author.get_absolute_url()),
        },
        "publisher": publisher_json_ld(),
        "datePublished": timezone.localtime(post.published_at).isoformat(),
        "dateModified": timezone.localtime(post.changed_at).isoformat(),
        "isPartOf": blog_json_ld(),
        "keywords": [hashtag.name for hashtag in post.hashtag_list()],
        "citation": [paper_json_ld(paper) for paper in post.paper_list()],
    }
    if post.series:
        data["articleSection"] = post.series.name
    return data


HOME_CRUMB = "Home"  # the label the page's visible breadcrumb trail starts with


def breadcrumb_json_ld(post: Post) -> dict:
    """Describe the way to a post as the page shows it: Home, then its series if it has
    one, then the post (its title, the page's h1)."""
    crumbs = [(HOME_CRUMB, reverse("blog:post-list"))]
    if post.series:
        crumbs.append((post.series.name, post.series.get_absolute_url()))
    crumbs.append((post.title, post.get_absolute_url()))
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute_url(path),
            }
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def collection_page_json_ld(*, name: str, path: str, description: str, posts, about=None) -> dict:
    """Describe a list page (home, archive, tag, series, author) as a CollectionPage
    whose main entity is the ItemList of the posts it shows, in order."""
    url = absolute_url(path)
    data = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "@id": url,
        "url": url,
        "name": name,
        "description": description,
        "isPartOf": blog_json_ld(),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": len(posts),
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "url": absolute_url(post.get_absolute_url()),
                    "name": post.title,
                }
                for position, post in enumerate(posts, start=1)
            ],
        },
    }
    if about is not None:
        data["about"] = about
    return data


def person_json_ld(author) -> dict:
    return {
        "@type": "Person",
        "name": author.name,
        "description": author.bio,
        "url": absolute_url(author.get_absolute_url()),
    }


def paper_page_json_ld(paper: Paper) -> dict:
    """Describe the paper page's paper as a ScholarlyArticle, with its abstract.

    Runs a query for the abstract unless `abstract_sections` was prefetched.
    """
    url = absolute_url(paper.get_absolute_url())
    data = {"@context": "https://schema.org", **paper_json_ld(paper), "@id": url}
    data["mainEntityOfPage"] = url
    if abstract := abstract_text(paper):
        data["abstract"] = abstract
    return data


def paper_json_ld(paper: Paper) -> dict:
    """Describe a cited paper as a ScholarlyArticle inside its issue, volume and journal."""
    container = {"@type": "Periodical", "name": paper.journal}
    if paper.volume:
        container = {
            "@type": "PublicationVolume",
            "volumeNumber": paper.volume,
            "isPartOf": container,
        }
    if paper.issue:
        container = {"@type": "PublicationIssue", "issueNumber": paper.issue, "isPartOf": container}
    data = {
        "@type": "ScholarlyArticle",
        "name": paper.title,
        "headline": paper.title,
        "author": [_person_json_ld(person) for person in paper.author_list],
        "isPartOf": container,
        "datePublished": partial_iso_date(paper),
    }
    if paper.last_page:
        data["pageStart"], data["pageEnd"] = paper.first_page, paper.last_page
        data["pagination"] = f"{paper.first_page}-{paper.last_page}"
    elif paper.first_page:  # an article number (e34) is no page to start on
        data["pagination"] = paper.first_page
    identifiers = [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in (("DOI", paper.doi), ("PMID", paper.pmid), ("PMCID", paper.pmcid))
        if value
    ]
    if identifiers:
        data["identifier"] = identifiers
        links = (paper.doi_url, paper.pubmed_url, paper.pmc_url)
        data["sameAs"] = [link for link in links if link]
    return data


def _person_json_ld(person: dict) -> dict:
    """Describe an author as a schema.org Person, or a collective author as an Organization."""
    if person.get("literal"):
        return {"@type": "Organization", "name": person["literal"]}
    data = {"@type": "Person", "name": display_name(person), "familyName": person["family"]}
    if person.get("given"):
        data["givenName"] = person["given"]
    return data


def comments_json_ld(page: ThreadPage, page_url) -> list[dict]:
    """Describe a page of comments as schema.org Comments, each reply inside its parent.

    A reply whose parent is on an earlier page names it as its `parentItem` instead.
    `page_url(number)` must return absolute URLs.
    """
    top_level: list[dict] = []
    items: dict[int, dict] = {}
    here = page_url(page.number)
    zone = timezone.get_current_timezone()
    for node in page.nodes:
        item = _comment_json_ld(node, here, zone)
        if page.on_page(node.parent_index):
            items[node.parent_index].setdefault("comment", []).append(item)
        else:
            if node.parent_index is not None:
                parent_page = page_url(page.page_of(node.parent_index))
                item["parentItem"] = {
                    "@type": "Comment",
                    "url": f"{parent_page}#{node.parent_anchor}",
                }
            top_level.append(item)
        items[node.index] = item
    return top_level


def _comment_json_ld(node: ThreadNode, page_url: str, zone) -> dict:
    comment = node.comment
    item = {"@type": "Comment", "url": f"{page_url}#{comment.anchor}"}
    if node.removed:
        item["text"] = REMOVED_TEXT
        return item
    item["text"] = comment.body
    item["author"] = {"@type": "Person", "name": comment.display_name}
    if comment.created_at:
        item["datePublished"] = comment.created_at.astimezone(zone).isoformat()
    return item
