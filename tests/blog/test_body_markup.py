"""Post bodies: plain text renders exactly as written, Markdown renders to sanitised HTML."""

import itertools
import json
import re

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from blog import markup
from blog.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, post_body_text, render_post_body
from blog.models import Post
from blog.search import add_snippets, search_posts
from core.text import split_paragraphs
from tests.comments.test_xss import PAYLOADS
from tests.factories import PostFactory
from tests.html import page

MARKDOWN = Post.BodyFormat.MARKDOWN
TEXT = Post.BodyFormat.TEXT

LITERAL = "#MSResearch is *not* _emphasis_, <b>bold</b> or [a link](https://example.org)."


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def tags_of(html: str) -> list[str]:
    return [element.name for element in soup_of(html).find_all(True)]


# Plain text: the imported documents


@pytest.mark.django_db
def test_seed_post_body_renders_each_paragraph_exactly_as_the_document_writes_it(
    client, seed_post, seed_text
):
    # The document: title, teaser line, the body, then the cited paper's citation line.
    blocks = split_paragraphs(seed_text)
    citation = seed_post.paper_list()[0].authors
    body_end = next(n for n, block in enumerate(blocks) if block.startswith(citation))
    document_paragraphs = blocks[2:body_end]

    body = page(client, seed_post.get_absolute_url()).select_one(".post-body")

    assert seed_post.body_format == TEXT
    assert len(document_paragraphs) == 9
    assert [p.get_text() for p in body.find_all("p")] == document_paragraphs
    assert [child.name for child in body.find_all(True)] == ["p"] * 9


def test_text_keeps_markup_characters_and_html_literal():
    text = f"{LITERAL}\n# Not a heading\n\n- not a list\n* nor this\n\n| not | a table |"

    soup = soup_of(render_post_body(text, TEXT))

    assert [element.name for element in soup.find_all(True)] == ["p", "br", "p", "br", "p"]
    assert [p.get_text() for p in soup.find_all("p")] == [
        f"{LITERAL}\n# Not a heading",
        "- not a list\n* nor this",
        "| not | a table |",
    ]


def test_text_body_on_the_post_page_still_links_its_hashtags(client, author):
    post = PostFactory(author=author, body_format=TEXT, body=LITERAL, tags=["MSResearch"])

    body = page(client, post.get_absolute_url()).select_one(".post-body")

    assert body.get_text().strip() == LITERAL
    assert [(a.get_text(), a["href"]) for a in body.find_all("a")] == [
        ("#MSResearch", "/tags/msresearch/")
    ]


# Markdown: posts written here


def test_hashtag_at_the_start_of_a_markdown_paragraph_is_not_a_heading():
    soup = soup_of(render_post_body("#MSResearch and #MSBlog\n\n# A heading", MARKDOWN))

    assert [element.name for element in soup.find_all(True)] == ["p", "h2"]
    assert soup.p.get_text() == "#MSResearch and #MSBlog"


def test_markdown_renders_emphasis_links_lists_quotes_and_code():
    text = (
        "Some *emphasis*, **strong**, ~~struck~~ and `code <b>` with "
        '[a link](https://example.org/a?b=1 "Title"), <https://example.org/auto>, '
        "[mail](mailto:g@example.org) and [relative](/tags/msresearch/).\n"
        "A second line.\n\n"
        "- one\n- two\n\n"
        "3. three\n4. four\n\n"
        "> quoted\n\n"
        "```\n<script>literal</script>\n```\n\n"
        "***"
    )

    soup = soup_of(render_post_body(text, MARKDOWN))

    assert soup.em.get_text() == "emphasis"
    assert soup.strong.get_text() == "strong"
    assert soup.s.get_text() == "struck"
    assert soup.p.code.get_text() == "code <b>"
    assert soup.p.find("br") is not None  # a single newline is a line break
    assert [(a.get_text(), a["href"], a.get("title"), a["rel"]) for a in soup.find_all("a")] == [
        ("a link", "https://example.org/a?b=1", "Title", ["noopener"]),
        ("https://example.org/auto", "https://example.org/auto", None, ["noopener"]),
        ("mail", "mailto:g@example.org", None, ["noopener"]),
        ("relative", "/tags/msresearch/", None, ["noopener"]),
    ]
    assert [li.get_text() for li in soup.ul.find_all("li")] == ["one", "two"]
    assert soup.ol["start"] == "3"
    assert [li.get_text() for li in soup.ol.find_all("li")] == ["three", "four"]
    assert soup.blockquote.get_text().strip() == "quoted"
    assert soup.pre.code.get_text() == "<script>literal</script>\n"
    assert soup.find("script") is None
    assert soup.find("hr") is not None


def test_markdown_tables_keep_their_cells_and_alignment():
    text = "| Drug | Relapses |\n|:-----|---------:|\n| alemtuzumab | 10 |\n| *none* | 2 |"

    soup = soup_of(render_post_body(text, MARKDOWN))

    assert [th.get_text() for th in soup.table.thead.find_all("th")] == ["Drug", "Relapses"]
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.table.tbody.find_all("tr")]
    assert rows == [["alemtuzumab", "10"], ["none", "2"]]
    assert soup.table.tbody.em.get_text() == "none"
    assert [th["style"] for th in soup.find_all("th")] == ["text-align:left", "text-align:right"]


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("# One\n\n## Two\n\n### Three\n\n#### Four", ["h2", "h3", "h4", "h5"]),
        ("## Two\n\n### Three", ["h2", "h3"]),  # written as under a title: already right
        ("### Three\n\n#### Four\n\n### Three", ["h2", "h3", "h2"]),
        ("# One\n\n###### Six", ["h2", "h6"]),  # there is no h7
        ("Setext\n======\n\nSub\n---", ["h2", "h3"]),
    ],
)
def test_markdown_headings_start_at_h2_below_the_page_title(text, levels):
    assert tags_of(render_post_body(text, MARKDOWN)) == levels


def test_markdown_images_become_links_to_the_image():
    text = '![MRI *scan*](https://example.org/mri.png "Axial") ![](/x.png)'

    soup = soup_of(render_post_body(text, MARKDOWN))
    assert soup.find("img") is None
    assert [(a.get_text(), a["href"], a.get("title")) for a in soup.find_all("a")] == [
        ("MRI scan", "https://example.org/mri.png", "Axial"),
        ("/x.png", "/x.png", None),
    ]


def test_unknown_body_format_is_refused():
    with pytest.raises(ValueError, match="unknown body format"):
        render_post_body("text", "rtf")
    with pytest.raises(ValueError, match="unknown body format"):
        post_body_text("text", "rtf")


def test_format_names_are_the_models_choices():
    assert {markup.MARKDOWN, markup.TEXT, markup.HTML} == set(Post.BodyFormat.values)


# Hostile Markdown: nothing an editor types becomes executable


MARKDOWN_PAYLOADS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](javas&#99;ript:alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    '[x][r]\n\n[r]: https://example.org "a" onmouseover="alert(1)"',
    '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    '[x](https://example.org "t>#MSResearch <img src=x onerror=alert(1)>")',
    '[x](https://example.org/"onmouseover="alert(1))',
    '<https://example.org/"onmouseover="alert(1)>',
    "**<img src=x onerror=alert(1)>**",
    "*<script>alert(1)</script>*",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "[![x](javascript:alert(1))](https://example.org)",
    "[![x](https://example.org/i.png)](javascript:alert(1))",
    "> - [x](javascript:alert(1))\n>   <script>alert(1)</script>",
    "| <script>alert(1)</script> | [x](javascript:alert(1)) |\n|---|---|\n| a | b |",
    '```"><script>alert(1)</script>\ncode\n```',
    "```js onerror=alert(1)\ncode\n```",
    "`<script>alert(1)</script>`",
    "<div onclick=alert(1)>\n\n*x*\n\n</div>",
    "<svg onload=alert(1)>\n# heading",
    "<!-- <script>alert(1)</script> -->",
    "# <img src=x onerror=alert(1)>",
    "1. <iframe src=javascript:alert(1)>",
]
SAFE_SCHEMES = {"http", "https", "mailto"}
# What a browser reads as a URL's scheme, after dropping the white space it ignores.
URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def assert_nothing_executable(html: str) -> None:
    for element in soup_of(html).find_all(True):
        assert element.name in ALLOWED_TAGS, element
        for attribute, value in element.attrs.items():
            allowed = ALLOWED_ATTRIBUTES.get(element.name, set()) | (
                {"rel"} if element.name == "a" else set()
            )
            assert attribute in allowed, (element.name, attribute, value)
        if href := element.get("href"):
            scheme = URL_SCHEME.match("".join(href.split()).lower())
            assert scheme is None or scheme[1] in SAFE_SCHEMES, href
        if style := element.get("style"):
            assert style in {"text-align:left", "text-align:right", "text-align:center"}


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS + PAYLOADS)
def test_hostile_markdown_yields_no_executable_markup(payload):
    assert_nothing_executable(render_post_body(payload, MARKDOWN))


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS + PAYLOADS)
def test_hostile_text_is_shown_exactly_as_typed(payload):
    soup = soup_of(render_post_body(payload, TEXT))

    assert {element.name for element in soup.find_all(True)} <= {"p", "br"}
    assert "\n\n".join(p.get_text() for p in soup.find_all("p")) == "\n\n".join(
        split_paragraphs(payload)
    )


def test_raw_html_in_markdown_is_shown_as_text():
    soup = soup_of(render_post_body("Press <b>here</b> <script>alert(1)</script>", MARKDOWN))

    assert [element.name for element in soup.find_all(True)] == ["p"]
    assert soup.p.get_text() == "Press <b>here</b> <script>alert(1)</script>"


def test_unsafe_link_keeps_its_text_but_no_address():
    soup = soup_of(render_post_body("[x](data:text/html,hi) [y](javascript:alert(1))", MARKDOWN))

    assert "x" in soup.get_text()
    assert all(not a.get("href") for a in soup.find_all("a"))


MARKDOWNISH = st.lists(
    st.sampled_from(
        [*"ab #*_~`[]()<>!|-:=\"'/\n\\&;", "javascript:", "data:", " onerror=", "<img src=x"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_any_markdown_yields_only_allowed_markup(text):
    assert_nothing_executable(render_post_body(text, MARKDOWN))


# Saving a post


@pytest.mark.django_db
def test_new_post_is_markdown_and_renders_on_save(author):
    post = Post.objects.create(author=author, title="T", slug="t", body="*Hello*")

    assert post.body_format == MARKDOWN
    assert post.body_html == "<p><em>Hello</em></p>"


@pytest.mark.django_db
def test_switching_the_format_renders_the_body_again_on_save(author):
    post = PostFactory(author=author, body_format=TEXT, body="**Alemtuzumab** works")
    assert tags_of(post.body_html) == ["p"]

    post.body_format = MARKDOWN
    post.save()
    post.refresh_from_db()
    assert tags_of(post.body_html) == ["p", "strong"]

    post.body_format = TEXT
    post.save(update_fields=["body_format"])  # body_html is saved with it
    post.refresh_from_db()
    assert post.body_html == "<p>**Alemtuzumab** works</p>"


@pytest.mark.django_db
def test_editing_the_body_alone_renders_it_again(author):
    post = PostFactory(author=author, body="old")

    post.body = "## new"
    post.save(update_fields=["body"])
    post.refresh_from_db()

    assert post.body_html == "<h2>new</h2>"


# Pages


MARKDOWN_POST = (
    "#MSResearch asks: does *alemtuzumab* work in NMO?\n\n"
    "## What the case shows\n\n"
    "- [the paper](https://doi.org/10.1212/NXI.0000000000000034)\n"
    "- [#MSResearch elsewhere](https://example.org/ms) and `#MSResearch` in code\n\n"
    "### Counts\n\n"
    "| relapses | years |\n|---|---|\n| 10 | 4 |"
)


@pytest.mark.django_db
def test_post_page_shows_markdown_as_html_with_valid_heading_order(client, author):
    post = PostFactory(author=author, body=MARKDOWN_POST, tags=["MSResearch"])

    soup = page(client, post.get_absolute_url())

    body = soup.select_one(".post-body")
    assert body.p.get_text() == "#MSResearch asks: does alemtuzumab work in NMO?"
    assert body.em.get_text() == "alemtuzumab"
    assert [(a.get_text(), a["href"]) for a in body.find_all("a")] == [
        ("#MSResearch", "/tags/msresearch/"),  # linked as hashtags are in plain text
        ("the paper", "https://doi.org/10.1212/NXI.0000000000000034"),
        ("#MSResearch elsewhere", "https://example.org/ms"),  # not a link in a link
    ]
    assert body.code.get_text() == "#MSResearch"
    assert body.table.find("td").get_text() == "10"
    levels = [int(h.name[1]) for h in soup.main.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[:3] == [1, 2, 3]
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))


@pytest.mark.django_db
def test_hashtag_in_a_hostile_link_title_cannot_break_out_of_the_attribute(client, author):
    body = '[x](https://example.org "t>#MSResearch <img src=x onerror=alert(1)>") #MSResearch'
    post = PostFactory(author=author, body=body, tags=["MSResearch"])

    soup = page(client, post.get_absolute_url()).select_one(".post-body")

    assert soup.find("img") is None
    link, hashtag = soup.find_all("a")
    assert link["title"] == "t>#MSResearch <img src=x onerror=alert(1)>"
    assert (hashtag.get_text(), hashtag["href"]) == ("#MSResearch", "/tags/msresearch/")
    assert all(not name.startswith("on") for e in soup.find_all(True) for name in e.attrs)


def test_hashtags_in_attributes_links_and_code_stay_text():
    html = (
        '<p><span title="a>#Tag">x</span> <a href="/x" title="a>#Tag">see #Tag</a>'
        " <code>#Tag</code>"
        " <pre><code>#Tag</code></pre> #Tag</p>"
    )

    linked = Template("{% load blog_extras %}{{ html|safe|link_hashtags }}").render(
        Context({"html": html})
    )

    assert linked == html.replace(
        "> #Tag</p>", '> <a class="hashtag" href="/tags/tag/" rel="tag">#Tag</a></p>'
    )


@pytest.mark.django_db
def test_staff_preview_shows_a_markdown_draft_as_html(staff_client, author):
    draft = PostFactory(author=author, status=Post.Status.DRAFT, body="## Draft\n\n*soon*")

    soup = page(staff_client, reverse("blog:post-preview", kwargs={"pk": draft.pk}))

    body = soup.select_one(".post-body")
    assert body.h2.get_text() == "Draft"
    assert body.em.get_text() == "soon"


# Summaries, feeds and search read the text, not the markup


DESCRIBED = "**Alemtuzumab** [depletes](https://example.org) *white cells*. It recovers.\n\nMore."


@pytest.mark.django_db
def test_description_and_json_ld_of_a_markdown_post_show_no_markup(client, author):
    post = PostFactory(author=author, teaser="", body=DESCRIBED)

    soup = page(client, post.get_absolute_url())

    description = soup.head.find("meta", attrs={"name": "description"})["content"]
    assert description == "Alemtuzumab depletes white cells."
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["description"] == description
    assert "articleBody" not in data  # the page carries the text; JSON-LD stays light


@pytest.mark.django_db
def test_feed_item_of_a_markdown_post_shows_no_markup(client, author):
    PostFactory(author=author, teaser="", body=DESCRIBED)

    feed = feedparser.parse(client.get(reverse("blog:post-feed")).content)

    assert feed.entries[0].summary == "Alemtuzumab depletes white cells."  # as the description
    assert feed.entries[0].content[0].value.startswith("<p><strong>Alemtuzumab</strong>")


@pytest.mark.django_db
def test_search_snippet_of_a_markdown_post_shows_no_markup(author):
    PostFactory(author=author, teaser="", body="## Trial\n\n**Natalizumab** & [PML](/pml/) risk")

    posts = list(search_posts("natalizumab"))
    add_snippets(posts, "natalizumab")

    snippet = soup_of(str(posts[0].snippet))
    assert [m.get_text() for m in snippet.find_all("mark")] == ["Natalizumab"]
    text = " ".join(snippet.get_text().split())
    assert text.endswith("Trial Natalizumab & PML risk")
    assert not set("#*[]()") & set(text)


@pytest.mark.django_db
def test_search_snippet_shows_text_and_teaser_characters_as_written(author):
    teaser = "Literally &amp; natalizumab, 'quoted'"
    body = 'It\'s <b>natalizumab</b> & "more" here'
    PostFactory(author=author, teaser=teaser, body_format=TEXT, body=body)

    posts = list(search_posts("natalizumab"))
    add_snippets(posts, "natalizumab")

    snippet = soup_of(str(posts[0].snippet))
    shown = " ".join(snippet.get_text().split())
    # PostgreSQL shows fragments around the matches (trimmed at their edges), SQLite all.
    for fragment in shown.strip(" …").split(" … "):
        assert fragment in f"{teaser} {body}", shown
    assert "&amp; natalizumab" in shown
    assert 'natalizumab</b> & "more' in shown
    assert [m.get_text() for m in snippet.find_all("mark")] == ["natalizumab"] * 2


def test_body_text_of_markdown_keeps_words_and_drops_syntax():
    text = (
        "# Title\n\n"
        "Line *one*\nline `two` ![alt](x.png)\n\n"
        "- a\n- b\n\n"
        "| h1 | h2 |\n|---|---|\n| c1 | c2 |\n\n"
        "```\nraw **code**\n```"
    )

    assert post_body_text(text, MARKDOWN) == (
        "Title\n\nLine one\nline two alt\n\na\n\nb\n\nh1 | h2\n\nc1 | c2\n\nraw **code**"
    )
    assert post_body_text(LITERAL, TEXT) == LITERAL
