"""WordPress content to clean HTML (pure): autop, shortcodes, sanitising; comment text."""

import pytest

from blog.markup import post_body_text, render_post_body
from blog.platforms.wp_html import autop, clean_wordpress_html, comment_text


def test_autop_makes_paragraphs_and_line_breaks_but_keeps_html_blocks():
    assert autop("one\ntwo\n\n<ul>\n<li>x</li>\n</ul>\n\nthree<br />") == (
        "<p>one<br>\ntwo</p>\n<ul>\n<li>x</li>\n</ul>\n<p>three</p>"
    )


def test_autop_keeps_blank_lines_inside_pre():
    assert autop("<pre>a\n\nb</pre>\n\nc") == "<pre>a\n\nb</pre>\n<p>c</p>"


def test_a_caption_becomes_a_figure_whose_image_is_a_link():
    cleaned = clean_wordpress_html(
        '[caption id="attachment_9" align="alignleft" width="300"]'
        '<a href="/big.png"><img src="/small.png" alt="An MRI" /></a> The MRI[/caption]'
    )
    assert cleaned.html == (
        '<figure><a href="/small.png" rel="noopener">An MRI</a>'
        "<figcaption>The MRI</figcaption></figure>"
    )


def test_media_shortcodes_are_dropped_and_named_other_brackets_stay():
    cleaned = clean_wordpress_html(
        '[gallery ids="1,2"]\n\n[video src="x.mp4"][/video]\n\nSee [1] and [embed]https://example.org/v[/embed]'
    )
    assert cleaned.dropped == ("gallery", "video")
    assert cleaned.html == (
        '<p>See [1] and <a href="https://example.org/v" rel="noopener">'
        "https://example.org/v</a></p>"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
        '<iframe src="https://evil.example/"></iframe>',
        "<svg><script>alert(1)</script></svg>",
        '<form action="/x"><input name="a"></form>',
    ],
)
def test_nothing_executable_survives(hostile):
    html = render_post_body(clean_wordpress_html(hostile).html, "html")
    for needle in ("<script", "javascript:", "onerror", "onclick", "<iframe", "<form", "<svg"):
        assert needle not in html.lower()


def test_html_bodies_render_through_the_sanitiser_and_read_as_text():
    body = '<p>a <b>bold</b> <span class="x">move</span> &amp; <a href="/x">link</a></p>'
    assert render_post_body(body, "html") == (
        '<p>a bold move &amp; <a href="/x" rel="noopener">link</a></p>'
    )
    assert post_body_text("<p>one &amp; two</p>\n<ul><li>three</li></ul>", "html") == (
        "one & two\n\nthree"
    )


def test_b_and_i_become_strong_and_em():
    assert clean_wordpress_html("<b>x</b> <i>y</i>").html == "<p><strong>x</strong> <em>y</em></p>"


def test_comment_html_becomes_plain_text_keeping_link_addresses():
    assert (
        comment_text(
            '<p>Hi &amp; thanks</p><p>see <a href="https://ex.org/a?b=1&amp;c=2">this</a><br/>'
            'and <a href="https://ex.org/">https://ex.org/</a> <b>now</b></p>'
        )
        == "Hi & thanks\n\nsee this (https://ex.org/a?b=1&c=2)\nand https://ex.org/ now"
    )
    assert comment_text("&amp;lt;b&amp;gt; is <em>literal</em>") == "&lt;b&gt; is literal"
