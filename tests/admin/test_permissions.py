"""Staff groups from the data migration: what Editors and Moderators may open in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from authors.models import Author
from blog.models import (
    AbstractSection,
    Citation,
    Hashtag,
    Page,
    Paper,
    Post,
    PostHashtag,
    Series,
)
from comments.models import Comment
from images.models import Image
from images.services import image_create
from tests.factories import (
    AbstractSectionFactory,
    CitationFactory,
    CommentFactory,
    HashtagFactory,
    SeriesFactory,
)
from tests.images.conftest import image_bytes

pytestmark = pytest.mark.django_db

# Models with their own admin pages; the others are edited through inlines.
ADMIN_MODELS = [Post, Paper, Hashtag, Series, Author, Comment, Image]
EDITOR_MODELS = {
    Post,
    Paper,
    AbstractSection,
    Citation,
    PostHashtag,
    Hashtag,
    Series,
    Author,
    Page,
    Image,
}


def _expected(group, model, page):
    if group == "Editors":
        if model is Comment:
            return 403
        return 200
    if group == "Moderators":
        if model is Comment:
            return 403 if page == "add" else 200  # comments are never added in the admin
        if model is Post:
            return 403 if page == "add" else 200  # view only
        return 403
    return 403  # staff with no group


CASES = [
    (group, model, page)
    for group in ["Editors", "Moderators", None]
    for model in ADMIN_MODELS
    for page in ["changelist", "add", "change"]
]


@pytest.fixture
def content(db):
    image_create(data=image_bytes("PNG", size=(60, 40)), alt_text="A figure")
    citation = CitationFactory()
    AbstractSectionFactory(paper=citation.paper)
    CommentFactory(post=citation.post)
    return citation


@pytest.mark.parametrize(
    ("group", "model", "page"),
    CASES,
    ids=[f"{g or 'nogroup'}-{m.__name__}-{p}" for g, m, p in CASES],
)
def test_group_permission_matrix(client, django_user_model, content, group, model, page):
    HashtagFactory()
    SeriesFactory()
    user = django_user_model.objects.create_user("staffer", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    meta = model._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{page}"
    args = [model.objects.first().pk] if page == "change" else []

    response = client.get(reverse(name, args=args))

    assert response.status_code == _expected(group, model, page)


def test_editors_hold_every_permission_on_the_content_models():
    perms = {
        (p.content_type.model, p.codename.split("_")[0])
        for p in Group.objects.get(name="Editors").permissions.select_related("content_type")
    }

    assert perms == {
        (m._meta.model_name, action)
        for m in EDITOR_MODELS
        for action in ["add", "change", "delete", "view"]
    }


def test_moderators_change_comments_and_view_posts_only():
    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )

    assert codenames == {"view_comment", "change_comment", "view_post"}
