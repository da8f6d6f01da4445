"""Every model is registered in the admin and its pages open for staff."""

import pytest
from django.contrib import admin
from django.urls import reverse

from authors.models import Author
from blog.models import Hashtag, Paper, Post, Series
from comments.models import Comment

pytestmark = pytest.mark.django_db

MODELS = [Author, Series, Hashtag, Paper, Post, Comment]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_model_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_pages_open(staff_client, seed_post, model):
    meta = model._meta
    changelist = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    add = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    obj = model.objects.first()
    change = staff_client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    )

    # Comments come from readers and the importer; the admin moderates but never adds them.
    expected_add = 403 if model is Comment else 200
    assert (changelist.status_code, add.status_code, change.status_code) == (200, expected_add, 200)


def test_post_changelist_shows_comment_count(staff_client, seed_post):
    response = staff_client.get(reverse("admin:blog_post_changelist"))

    assert response.context["cl"].result_list[0].comment_total == 13


def test_admin_requires_login(client):
    response = client.get(reverse("admin:blog_post_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
