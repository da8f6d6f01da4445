"""The share images: a post's social card, the site's card and the blog's logo (PNG).

Their addresses carry `?v=<digest>` of what they show, so a response for the current
digest may be kept for a year; any other (an old share) gets today's image, briefly.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from blog import social_cards
from blog.models import Post

YEAR = 365 * 24 * 60 * 60


def _png(request, body: bytes, digest: str) -> HttpResponse:
    response = HttpResponse(body, content_type="image/png")
    if request.GET.get("v") == digest:
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response


@require_safe
def post_card(request, year: int, month: int, slug: str) -> HttpResponse:
    """A published post's 1200x630 card (one query; drawn once per title, cached)."""
    post = get_object_or_404(
        Post.objects.published().select_related("author", "series"),
        published_at__year=year,
        published_at__month=month,
        slug=slug,
    )
    text = social_cards.post_card_text(post)
    return _png(request, social_cards.card_png(text), text.digest)


@require_safe
def site_card(request) -> HttpResponse:
    """The card of every page that is not a post: the blog's name and tagline."""
    text = social_cards.site_card_text()
    return _png(request, social_cards.card_png(text), text.digest)


@require_safe
def logo(request) -> HttpResponse:
    """The publisher's logo in structured data (512x512)."""
    return _png(request, social_cards.logo_png(), social_cards.logo_digest())
