"""A corpus of XSS payloads posted as name and body never becomes executable markup."""

import itertools
import json

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from comments.names import invisible_character

pytestmark = pytest.mark.django_db

HANDWRITTEN = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(document.cookie)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert`1`>",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<IMG SRC="jav&#x09;ascript:alert(1);">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">tab</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "javascript:alert(1)",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<script>alert(1)</script>",
    'http://x.example/?q="><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=alert(1) src>">',
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<div style="background:url(javascript:alert(1))">',
    '<div style="width:expression(alert(1))">',
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<form action=javascript:alert(1)><input type=submit>",
    "<isindex action=javascript:alert(1) type=submit>",
    "<table background=javascript:alert(1)>",
    "<x onclick=alert(1)>click",
    "<a onmouseover=alert(1)>hover</a>",
    "<div onpointerenter=alert(1)>x</div>",
    "<p/onclick=alert(1)>x",
    "<img/src/onerror=alert(1)>",
    "<img\nsrc=x\nonerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><script>alert(1)</script>',
    "{{7*7}} {% debug %} ${alert(1)}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "＜script＞alert(1)＜/script＞",
    "<ſcript>alert(1)</ſcript>",
    "<scrİpt>alert(1)</scrİpt>",
    "\u202e<script>alert(1)</script>",
    "\u200b<script\u200b>alert(1)</script>",
    "<img src=x onerror=\u0061lert(1)>",
    '<a href="&#x6A;avascript:alert(1)">entity</a>',
    '<a href="javas&#99;ript:alert(1)">entity2</a>',
    '<a href="%6A%61%76%61%73%63%72%69%70%74:alert(1)">pct</a>',
    "<a href=javascript&colon;alert(1)>colon</a>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    "<img src=`x` onerror=alert(1)>",
    "'';!--\"<XSS>=&{()}",
    '"onmouseover=alert(1) x="',
    "' onfocus=alert(1) autofocus '",
    "</p><p onclick=alert(1)>",
    "</article><script>alert(1)</script>",
    "</details><script>alert(1)</script>",
    "</main><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    "<plaintext><script>alert(1)</script>",
    "<xmp><script>alert(1)</script></xmp>",
    "<listing><img src=x onerror=alert(1)></listing>",
    "<keygen autofocus onfocus=alert(1)>",
    "<frameset onload=alert(1)>",
    "<applet code=javascript:alert(1)>",
    "<bgsound src=javascript:alert(1)>",
]

GENERATED = [
    f"<{tag} {event}=alert({n})>"
    for n, (tag, event) in enumerate(
        itertools.product(
            ["img src=x", "svg", "video", "div tabindex=1", "a href=#"],
            ["onerror", "onload", "onfocus", "onmouseover"],
        )
    )
]

PAYLOADS = list(dict.fromkeys(HANDWRITTEN + GENERATED))
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "background",
    "data",
    "srcdoc",
}


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 100


def post_every_payload(client, seed_post, settings) -> str:
    """Post every payload as a comment's name and body; return the post page."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 0
    settings.COMMENTS_MAX_LINKS = 100
    cache.clear()
    url = reverse("comments:post", kwargs={"post_pk": seed_post.pk})
    for n, payload in enumerate(PAYLOADS):
        name = " ".join(payload.split())[:100]  # a name is one line: no tabs or newlines
        # ...and has no invisible or bidi characters (refused: tests/comments/test_names.py)
        name = "".join(char for char in name if invisible_character(char) is None)
        response = client.post(url, {"name": name, "body": f"{payload}\n#{n}", "website": ""})
        assert response.status_code == 302, payload
    return client.get(seed_post.get_absolute_url()).content.decode()


def test_posted_payloads_are_shown_as_typed_and_never_run(client, seed_post, settings):
    # One page with every payload serves all three checks (posting them is the slow part).
    page = post_every_payload(client, seed_post, settings)
    soup = BeautifulSoup(page, "html.parser")

    assert_no_executable_markup(soup)
    assert_every_payload_is_shown_as_typed(soup)
    assert_payloads_in_json_ld_stay_inside_the_script(soup)


def assert_no_executable_markup(soup):

    scripts = soup.find_all("script")
    # Structured data, and comments.js from the static files (no inline code): nothing else.
    assert all(
        script.get("type") == "application/ld+json"
        or (script.get("src") == "/static/js/comments.js" and not script.string)
        for script in scripts
    )
    for element in soup.find_all(True):
        for attribute, value in element.attrs.items():
            assert not attribute.lower().startswith("on"), (element.name, attribute)
            if attribute.lower() in URL_ATTRIBUTES:
                compact = "".join(str(value).split()).lower()
                assert not compact.startswith(UNSAFE_SCHEMES), (element.name, attribute, value)
    section = soup.find(id="comments")
    for tag in ["iframe", "object", "embed", "svg", "math", "img", "style", "link", "base", "meta",
                "form", "input", "button", "textarea", "select", "template", "video", "audio"]:  # fmt: skip
        forbidden = [
            t for t in section.find_all(tag) if not t.find_parent("form", class_="comment-form")
        ]
        assert forbidden == [], tag


def assert_every_payload_is_shown_as_typed(soup):
    bodies = {
        comment.body: comment.pk for comment in Comment.objects.exclude(source_ref__regex=r".")
    }

    for body, pk in bodies.items():
        article = soup.find(id=f"comment-{pk}")
        shown = article.find(class_="comment-body").get_text()
        assert shown.strip() == body.strip(), body


def assert_payloads_in_json_ld_stay_inside_the_script(soup):
    [script] = [s for s in soup.find_all("script") if "BlogPosting" in (s.string or "")]

    data = json.loads(script.string)
    graph = data.get("@graph", [data])
    [posting] = [node for node in graph if node["@type"] == "BlogPosting"]
    texts = {reply["text"] for reply in posting["comment"]}
    assert f"{PAYLOADS[0]}\n#0" in texts
