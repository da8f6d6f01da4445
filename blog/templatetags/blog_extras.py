from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from blog.structured_data import json_ld_script
from blog.text import plain_text_to_html

register = template.Library()


@register.filter
def paragraphs(text: str) -> SafeString:
    """Render plain text as escaped HTML paragraphs, keeping its line breaks."""
    # plain_text_to_html escapes every character of the text itself.
    return mark_safe(plain_text_to_html(text or ""))


@register.simple_tag
def json_ld(data: dict) -> SafeString:
    """Embed structured data as a <script type="application/ld+json"> element."""
    return json_ld_script(data)


@register.filter
def iso_datetime(value) -> str:
    """Return an aware datetime as local ISO 8601 to the second, for <time datetime>."""
    # HTML allows at most three decimals of a second; `date:"c"` would give six.
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""
