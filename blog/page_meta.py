"""What a reader page tells crawlers and social networks about itself, in its <head>:
its canonical URL, its neighbours in a paginated list, and OpenGraph / Twitter cards.

Every URL here is absolute from SITE_URL (`core.site`). Views build a `PageMeta`;
`templates/includes/page_meta.html` writes it out.
"""

from dataclasses import dataclass

from blog.social_cards import CardImage, site_card_image
from core.site import absolute_url


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    url: str  # the canonical URL
    image: CardImage
    type: str = "website"  # og:type
    previous_url: str = ""
    next_url: str = ""


def list_page_url(path: str, number: int) -> str:
    """Return the canonical URL of page `number` of a list: page 1 is the bare path."""
    return absolute_url(path if number == 1 else f"{path}?page={number}")


def list_page_meta(path: str, page_obj, *, title: str, description: str) -> PageMeta:
    """Describe page `page_obj` of a paginated list of posts at `path`."""
    number = page_obj.number if page_obj is not None else 1
    previous_url = next_url = ""
    if page_obj is not None and page_obj.has_previous():
        previous_url = list_page_url(path, page_obj.previous_page_number())
    if page_obj is not None and page_obj.has_next():
        next_url = list_page_url(path, page_obj.next_page_number())
    return PageMeta(
        title=title if number == 1 else f"{title}, page {number}",
        description=description,
        url=list_page_url(path, number),
        image=site_card_image(),
        previous_url=previous_url,
        next_url=next_url,
    )
