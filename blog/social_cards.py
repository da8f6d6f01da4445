"""Social cards: the 1200x630 image a share of a page shows (og:image, twitter:image).

A post's card shows its title, its series, its author and the blog's name; every other
page shares the site's card (the blog's name and tagline). Cards are drawn with Pillow
(`render_card`, pure: text in, PNG bytes out) in the font Pillow ships, so no system
font is needed, and cached under a digest of what they show: a new title (or series,
author, blog name) is a new digest, so the card is drawn again once, and its address
(`?v=<digest>`) changes too, which makes social networks fetch the new one.
"""

import hashlib
import io
import textwrap
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

from blog.caching import cached
from core.site import absolute_url

CARD_WIDTH, CARD_HEIGHT = 1200, 630
LOGO_SIZE = 512
# Part of every digest: change it when the drawing changes, and every card is redrawn.
CARD_STYLE = "2026-11-1"
MARGIN = 80
BACKGROUND = (23, 52, 94)  # the site's dark blue
ACCENT = (240, 176, 40)
TEXT = (255, 255, 255)
MUTED = (200, 214, 235)


@dataclass(frozen=True)
class CardText:
    """What a card shows: a title, a line above it (the series), a byline, the site."""

    title: str
    kicker: str
    byline: str
    site: str

    @property
    def digest(self) -> str:
        parts = [CARD_STYLE, self.title, self.kicker, self.byline, self.site]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CardImage:
    """An image's absolute URL, size and text alternative, for meta tags and JSON-LD."""

    url: str
    width: int
    height: int
    alt: str


def post_card_text(post) -> CardText:
    """Return what the post's card shows (no query if author and series are loaded)."""
    return CardText(
        title=post.title,
        kicker=post.series.name if post.series else "",
        byline=f"By {post.author.name}",
        site=settings.BLOG_NAME,
    )


def site_card_text() -> CardText:
    return CardText(
        title=settings.BLOG_NAME, kicker="", byline=settings.BLOG_TAGLINE, site=settings.SITE_URL
    )


def post_card_image(post) -> CardImage:
    text = post_card_text(post)
    path = reverse("blog:post-card", kwargs=post._url_kwargs())  # its permalink's parts
    return CardImage(
        url=f"{absolute_url(path)}?v={text.digest}",
        width=CARD_WIDTH,
        height=CARD_HEIGHT,
        alt=_alt(text),
    )


def site_card_image() -> CardImage:
    text = site_card_text()
    return CardImage(
        url=f"{absolute_url(reverse('blog:site-card'))}?v={text.digest}",
        width=CARD_WIDTH,
        height=CARD_HEIGHT,
        alt=_alt(text),
    )


def logo_image() -> CardImage:
    return CardImage(
        url=f"{absolute_url(reverse('blog:logo'))}?v={logo_digest()}",
        width=LOGO_SIZE,
        height=LOGO_SIZE,
        alt=f"{settings.BLOG_NAME} logo",
    )


def _alt(text: CardText) -> str:
    parts = [text.title, text.kicker, text.byline, text.site]
    return " · ".join(part for part in parts if part)


def logo_digest() -> str:
    return hashlib.sha256(f"{CARD_STYLE}\n{settings.BLOG_NAME}".encode()).hexdigest()[:16]


def card_png(text: CardText) -> bytes:
    """Return the card's PNG, drawn once per digest (cached)."""
    return cached(f"blog:card:{text.digest}", lambda: render_card(text))


def logo_png() -> bytes:
    return cached(f"blog:logo:{logo_digest()}", render_logo)


# --- Drawing ---------------------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> list[str]:
    """Break text into lines no wider than `width` pixels at this font size."""
    font = _font(size)
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            # A word wider than the card is cut into pieces that fit.
            while draw.textlength(word, font=font) > width and len(word) > 1:
                cut = max(1, int(len(word) * width / draw.textlength(word, font=font)) - 1)
                lines.append(word[:cut])
                word = word[cut:]
            lines.append(word)
    return lines


def _fit_title(draw, title: str, width: int, max_height: int) -> tuple[list[str], int]:
    """Return the title's lines and the largest font size (72 down to 36) that fits;
    at the smallest size, a title still too long ends in an ellipsis."""
    for size in range(72, 35, -6):
        lines = _wrap(draw, title, size, width)
        if len(lines) * size * 1.2 <= max_height:
            return lines, size
    size = 36
    keep = int(max_height // (size * 1.2))
    lines = _wrap(draw, title, size, width)
    if len(lines) > keep:
        lines = [*lines[: keep - 1], textwrap.shorten(lines[keep - 1], 60, placeholder="") + " …"]
    return lines, size


def render_card(text: CardText) -> bytes:
    """Draw a 1200x630 PNG card: the kicker, the title, the byline and the site's name."""
    image = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = CARD_WIDTH - 2 * MARGIN
    draw.rectangle([0, 0, CARD_WIDTH, 16], fill=ACCENT)
    y = MARGIN
    if text.kicker:
        draw.text((MARGIN, y), text.kicker.upper(), font=_font(32), fill=ACCENT)
        y += 60
    lines, size = _fit_title(draw, text.title, width, CARD_HEIGHT - y - 190)
    for line in lines:
        draw.text((MARGIN, y), line, font=_font(size), fill=TEXT)
        y += int(size * 1.2)
    byline = _wrap(draw, text.byline, 34, width)[:1]
    draw.text((MARGIN, CARD_HEIGHT - 150), " ".join(byline), font=_font(34), fill=MUTED)
    draw.line([MARGIN, CARD_HEIGHT - 95, CARD_WIDTH - MARGIN, CARD_HEIGHT - 95], fill=MUTED)
    draw.text((MARGIN, CARD_HEIGHT - 80), text.site, font=_font(30), fill=TEXT)
    return _png(image)


def render_logo() -> bytes:
    """Draw the blog's square logo: its initials on the site's colours."""
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    initials = "".join(word[0] for word in settings.BLOG_NAME.split()[:3]).upper()
    font = _font(200)
    left, top, right, bottom = draw.textbbox((0, 0), initials, font=font)
    position = ((LOGO_SIZE - (right - left)) / 2 - left, (LOGO_SIZE - (bottom - top)) / 2 - top)
    draw.text(position, initials, font=font, fill=TEXT)
    draw.rectangle([0, LOGO_SIZE - 24, LOGO_SIZE, LOGO_SIZE], fill=ACCENT)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
