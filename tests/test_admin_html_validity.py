"""The admin pages staff use every day are valid HTML (Nu HTML Checker, vnu.jar).

These pages are Django's admin around the project's own templates (the post's discussion,
history and revisions, the import page, the hashtag merge); the checker must find no error
on any of them, e.g. no `<time datetime>` with microseconds.
"""

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import HashtagFactory
from tests.test_html_validity import html_errors, require_checker

pytestmark = pytest.mark.django_db

# Django's own AutocompleteSelect widget (the post's author and series) writes an empty
# <option> with no label, and a required select without an empty first option; neither is
# in this project's templates. These two messages, and only they, are Django's to fix.
DJANGO_AUTOCOMPLETE_ERRORS = (
    "Element “option” without attribute “label” must not be empty.",
    "The first “option” element in a “select” element with a “required” attribute",
)


def admin_pages(post) -> dict[str, str]:
    comment = Comment.objects.filter(post=post).first()
    revision = post.revisions.order_by("-number").first()
    return {
        "index": reverse("admin:index"),
        "posts": reverse("admin:blog_post_changelist"),
        "post": reverse("admin:blog_post_change", args=[post.pk]),  # with its Discussion
        "post-history": reverse("admin:blog_post_history", args=[post.pk]),
        "post-revision": reverse("admin:blog_post_revision", args=[post.pk, revision.number]),
        "import": reverse("admin:blog_post_import"),
        "comments": reverse("admin:comments_comment_changelist"),
        "comments-of-post": reverse("admin:comments_comment_changelist")
        + f"?post__id__exact={post.pk}",
        "comment": reverse("admin:comments_comment_change", args=[comment.pk]),
        "paper": reverse("admin:blog_paper_change", args=[post.paper_list()[0].pk]),
        "hashtags": reverse("admin:blog_hashtag_changelist"),
    }


def test_admin_pages_staff_use_have_no_html_errors(staff_client, seed_post, tmp_path):
    require_checker()
    HashtagFactory(name="msresearch2")
    files = []
    for name, url in admin_pages(seed_post).items():
        response = staff_client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)

    errors = [
        error
        for error in html_errors(files)
        if not error.split(": ", 1)[-1].startswith(DJANGO_AUTOCOMPLETE_ERRORS)
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) == 11
