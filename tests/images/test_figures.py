"""Figures in Markdown bodies and lead images, on the reader's pages."""

import pytest
from bs4 import BeautifulSoup

from blog.markup import image_references, render_post_body
from images.services import image_create
from tests.factories import PostFactory
from tests.images.conftest import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def mri():
    return image_create(
        data=image_bytes("JPEG", size=(2000, 1000)),
        alt_text="Axial MRI with a lesion",
        caption="The lesion at onset.",
        credit="Barts Health",
    )


def test_image_references_are_read_from_the_markdown():
    text = 'Intro\n\n![A](image:12 "one")\n\nand ![B](image:3) and ![C](https://x.org/c.png)'
    assert image_references(text) == [3, 12]


def test_a_figure_in_markdown_becomes_figure_with_picture_and_caption(mri):
    body = f'Before.\n\n![MRI, day 1](image:{mri.pk} "Day 1: *before* treatment")\n\nAfter.'
    post = PostFactory(body=body, body_format="markdown")
    soup = BeautifulSoup(post.body_html, "html.parser")
    figure = soup.find("figure")
    assert figure.parent.name == "[document]"  # not inside a <p>
    source = figure.find("source")
    assert source["type"] == "image/webp"
    assert source["srcset"].count("w, ") == 3  # four widths
    img = figure.find("img")
    assert img["alt"] == "MRI, day 1"
    assert (img["width"], img["height"]) == ("1600", "800")
    assert img["loading"] == "lazy"
    assert img["sizes"]
    assert img["srcset"].endswith(f"/media/{mri.folder}/1600.jpg 1600w")
    caption = figure.find("figcaption")
    assert caption.get_text(" ", strip=True) == "Day 1: *before* treatment Image: Barts Health"
    assert [p.get_text() for p in soup.find_all("p", recursive=False)] == ["Before.", "After."]


def test_a_figure_without_alt_or_title_uses_the_images_own(mri):
    html = render_post_body(f"![](image:{mri.pk})", "markdown", {mri.pk: mri.source()})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.img["alt"] == "Axial MRI with a lesion"
    assert soup.figcaption.get_text(" ", strip=True) == "The lesion at onset. Image: Barts Health"


def test_an_unknown_image_shows_its_alt_text_and_html_stays_text():
    html = render_post_body(
        '![<script>x</script>](image:999 "cap")\n\nText ![inline](image:1) here.', "markdown", {}
    )
    assert "<figure" not in html and "<img" not in html and "<script>" not in html
    assert "Text inline here." in html


def test_caption_and_alt_are_escaped(db):
    image = image_create(data=image_bytes("PNG", size=(300, 200)), alt_text='A "quoted" <b>alt</b>')
    html = render_post_body(
        f'![](image:{image.pk} "<img src=x onerror=alert(1)>")',
        "markdown",
        {image.pk: image.source()},
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.img["alt"] == 'A "quoted" <b>alt</b>'
    assert len(soup.find_all("img")) == 1
    assert soup.figcaption.get_text() == "<img src=x onerror=alert(1)>"


def test_the_post_page_shows_the_lead_image_and_the_figure(client, mri):
    lead = image_create(data=image_bytes("PNG", size=(1200, 630)), alt_text="Macrophages")
    post = PostFactory(status="published", lead_image=lead, body=f"Text.\n\n![](image:{mri.pk})")
    response = client.get(post.get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")
    figures = soup.select("article.post figure")
    assert len(figures) == 2
    lead_img = figures[0].img
    assert lead_img["alt"] == "Macrophages"
    assert lead_img.get("loading") is None and lead_img["fetchpriority"] == "high"
    assert figures[1].img["loading"] == "lazy"
    assert post.lead_image_file().url == f"/media/{lead.folder}/1200.png"
    assert (post.lead_image_file().width, post.lead_image_file().height) == (1200, 630)


def test_lists_show_the_lead_image_lazily_at_the_same_query_count(client, mri):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = PostFactory(status="published")
    with CaptureQueriesContext(connection) as without_image:
        client.get("/")
    first.lead_image = mri
    first.save()
    PostFactory(status="published", lead_image=mri)
    with CaptureQueriesContext(connection) as with_images:
        response = client.get("/")
    assert len(with_images) == len(without_image)
    soup = BeautifulSoup(response.content, "html.parser")
    images = soup.select(".post-summary .lead-image img")
    assert len(images) == 2
    assert images[0]["loading"] == "lazy"
    assert images[0]["alt"] == "Axial MRI with a lesion"


def test_media_is_served_by_django_only_in_development(settings):
    from config import urls

    names = [getattr(p, "name", None) for p in urls.urlpatterns]
    assert ("media" in names) is settings.SERVE_MEDIA


def test_editing_an_images_texts_rerenders_the_posts_placing_it(client, mri):
    post = PostFactory(status="published", body=f"![](image:{mri.pk})")
    other = PostFactory(status="published", body=f"![](image:{mri.pk}1)")
    assert "The lesion at onset." in client.get(post.get_absolute_url()).text
    mri.caption = "The lesion, six months on."
    mri.save()
    page = client.get(post.get_absolute_url()).text
    assert "The lesion, six months on." in page
    assert "The lesion at onset." not in page
    other.refresh_from_db()
    assert "<figure" not in other.body_html  # image 11, say, is not image 1
