"""Every post has a 1200x630 share card, drawn once per title and found from its page."""

import io

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from PIL import Image

from blog import social_cards
from tests.factories import PostFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def og(client, url: str) -> dict[str, str]:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return {tag["property"]: tag["content"] for tag in soup.find_all("meta", property=True)}


def fetch_image(client, url: str):
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200, url
    assert response["Content-Type"] == "image/png"
    return response, Image.open(io.BytesIO(response.content))


@pytest.fixture
def drawings(monkeypatch):
    """Count the cards actually drawn."""
    drawn = []
    real = social_cards.render_card

    def counting(text):
        drawn.append(text.title)
        return real(text)

    monkeypatch.setattr(social_cards, "render_card", counting)
    return drawn


def test_a_post_page_shares_its_own_1200_by_630_card(client, seed_post):
    tags = og(client, seed_post.get_absolute_url())

    response, image = fetch_image(client, tags["og:image"])

    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:alt"].startswith(seed_post.title)
    assert "By Prof G" in tags["og:image:alt"] and "ClinicSpeak" in tags["og:image:alt"]
    assert "immutable" in response["Cache-Control"]  # the address changes with the card


def test_a_card_is_drawn_once_then_served_from_the_cache(client, post, drawings):
    url = og(client, post.get_absolute_url())["og:image"]

    first, _ = fetch_image(client, url)
    second, _ = fetch_image(client, url)

    assert drawings == [post.title]
    assert first.content == second.content


def test_a_new_title_gets_a_new_card_at_a_new_address(client, post, drawings):
    before = og(client, post.get_absolute_url())["og:image"]
    fetch_image(client, before)

    post.title = "A new title for the card"
    post.save()
    after = og(client, post.get_absolute_url())["og:image"]
    fetch_image(client, after)

    assert after != before
    assert drawings == [drawings[0], "A new title for the card"]
    old_share, _ = fetch_image(client, before)  # an old share gets today's card, briefly
    assert "immutable" not in old_share["Cache-Control"]


def test_long_titles_and_words_still_make_a_card_of_the_right_size(post):
    post.title = "Natalizumab" * 30 + " and " + "word " * 80
    post.series = SeriesFactory(name="A series with a rather long name")

    image = Image.open(io.BytesIO(social_cards.render_card(social_cards.post_card_text(post))))

    assert image.size == (1200, 630)


def test_drafts_have_no_card(client, author):
    draft = PostFactory(author=author, status="draft")

    url = social_cards.post_card_image(draft).url.removeprefix(settings.SITE_URL)

    assert client.get(url).status_code == 404


def test_other_reader_pages_share_the_site_card_and_publisher_logo_is_square(client, seed_post):
    tags = og(client, seed_post.author.get_absolute_url())
    _, card = fetch_image(client, tags["og:image"])
    _, logo = fetch_image(client, social_cards.logo_image().url)

    assert card.size == (1200, 630)
    assert logo.size == (512, 512)
