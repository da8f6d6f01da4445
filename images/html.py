"""The HTML of an image and of a figure: <picture> with WebP and the original format.

Pure: built from an `ImageSource` (URLs already resolved by the storage), so the
Markdown renderer, templates and tests share one way to write an image.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# The post column is at most 70ch (about 40rem at the body font); narrower screens use
# the whole width less the page margins.
POST_SIZES = "(min-width: 44rem) 40rem, calc(100vw - 2rem)"
SUMMARY_SIZES = POST_SIZES

MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class Source:
    url: str
    width: int
    height: int
    format: str


@dataclass(frozen=True)
class ImageSource:
    pk: int
    alt: str
    caption: str
    credit: str
    width: int
    height: int
    sources: tuple[Source, ...]
    fallback_format: str

    def in_format(self, image_format: str) -> list[Source]:
        return sorted((s for s in self.sources if s.format == image_format), key=lambda s: s.width)

    def fallback(self) -> Source:
        """Return the largest rendition in the image's own format."""
        return self.in_format(self.fallback_format)[-1]


def srcset(sources: list[Source]) -> str:
    return ", ".join(f"{source.url} {source.width}w" for source in sources)


def picture_html(
    image: ImageSource, *, alt: str | None = None, sizes: str = POST_SIZES, lazy: bool = True
) -> str:
    """Return <picture>: a WebP <source>, then an <img> in the image's own format.

    The <img> has the largest rendition's width and height, so the browser keeps its
    place (no layout shift) before it loads.
    """
    fallback = image.fallback()
    webp = image.in_format("WEBP") if image.fallback_format != "WEBP" else []
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', srcset(webp), sizes)
        if webp
        else ""
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" {}'
        ' decoding="async"></picture>',
        source,
        fallback.url,
        srcset(image.in_format(image.fallback_format)),
        sizes,
        fallback.width,
        fallback.height,
        image.alt if alt is None else alt,
        mark_safe('loading="lazy"' if lazy else 'fetchpriority="high"'),
    )


def figure_html(
    image: ImageSource, *, alt: str | None = None, caption: str | None = None, lazy: bool = True
) -> str:
    """Return <figure> with the picture and, if there is one, a caption and the credit."""
    caption = image.caption if caption is None else caption
    parts = []
    if caption:
        parts.append(format_html("{}", caption))
    if image.credit:
        parts.append(format_html('<small class="credit">Image: {}</small>', image.credit))
    figcaption = (
        format_html(
            "<figcaption>{}</figcaption>", format_html_join(" ", "{}", ((p,) for p in parts))
        )
        if parts
        else ""
    )
    return format_html(
        '<figure class="figure">{}{}</figure>',
        picture_html(image, alt=alt, lazy=lazy),
        figcaption,
    )
