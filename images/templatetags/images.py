from django import template
from django.utils.safestring import SafeString

from images.html import figure_html, picture_html
from images.models import Image

register = template.Library()


@register.simple_tag
def picture(image: Image, lazy: bool = True) -> SafeString:
    """Render the image as <picture> with its renditions (no query: they are on the row)."""
    return picture_html(image.source(), lazy=lazy)


@register.simple_tag
def figure(image: Image, lazy: bool = True) -> SafeString:
    """Render the image as <figure>, with its caption and credit."""
    return figure_html(image.source(), lazy=lazy)
