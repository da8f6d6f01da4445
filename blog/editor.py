"""The post editor's live preview: the body rendered exactly as readers will see it.

One small endpoint (`PostAdmin.get_urls` mounts it at /admin/blog/post/preview/, behind
`admin_view`, so staff only and CSRF-protected): it takes the form's body and format,
unsaved, and returns the HTML `render_post_body` makes (the same call `Post.save()`
makes, figures included) with a word count and the reading time.
"""

import functools
import math
import re

from django import forms
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from blog.markup import post_body_text
from blog.models import Post

# Adults read continuous prose at about 200-250 words a minute; research writing with
# terms and figures is slower, so the lower figure.
WORDS_PER_MINUTE = 200
_WORD = re.compile(r"\w+(?:[-'\u2019]\w+)*")


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False)
    body_format = forms.ChoiceField(choices=Post.BodyFormat.choices)
    teaser = forms.CharField(required=False)


def word_count(text: str) -> int:
    """Return the number of words a reader reads (hyphenated words count once)."""
    return len(_WORD.findall(text))


def reading_minutes(words: int) -> int:
    """Return the reading time in whole minutes, at least one for any text."""
    return math.ceil(words / WORDS_PER_MINUTE) if words else 0


@require_POST
def preview_view(request, *, model_admin):
    """Return the unsaved body rendered, with its word count and reading time, as JSON."""
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        return JsonResponse({"error": "You may not write posts."}, status=403)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": form.errors.get_json_data()}, status=400)
    body = form.cleaned_data["body"].replace("\r\n", "\n")
    body_format = form.cleaned_data["body_format"]
    post = Post(body=body, body_format=body_format, teaser=form.cleaned_data["teaser"])
    post.body_html = post.render_body()
    text = "\n\n".join(filter(None, [post.teaser, post_body_text(body, body_format)]))
    words = word_count(text)
    return JsonResponse(
        {
            "html": render_to_string("admin/blog/post/preview_body.html", {"post": post}),
            "words": words,
            "reading_minutes": reading_minutes(words),
        }
    )


class PostEditorMixin:
    """The editor's parts of PostAdmin: the preview URL, its script and its settings."""

    class Media:
        css = {"all": ["css/admin-post-editor.css"]}
        js = ["js/post-editor.js"]

    def get_urls(self):
        preview = self.admin_site.admin_view(functools.partial(preview_view, model_admin=self))
        # Before the default URLs, whose "<path:object_id>/" would catch this one.
        return [
            path("preview/", preview, name="blog_post_body_preview"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["post_editor_config"] = {
            "previewUrl": reverse("admin:blog_post_body_preview", current_app=self.admin_site.name),
            "post": obj.pk if obj else None,
            # The server's version of the post: autosaved drafts begun on an older one
            # are never restored without saying so.
            "serverVersion": obj.updated_at.isoformat() if obj else None,
        }
        return super().render_change_form(request, context, add, change, form_url, obj)
