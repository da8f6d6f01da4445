"""Comment field lengths come from the model; COMMENTS_MAX_*_LENGTH may only lower them."""

import pytest
from django.urls import reverse

from comments.forms import CommentForm
from comments.models import Comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relaxed_limits")]


def submit(client, post, **fields):
    data = {"name": "", "email": "", "body": "Hello.", "website": "", **fields}
    return client.post(reverse("comments:post", kwargs={"post_pk": post.pk}), data)


def test_a_raised_setting_cannot_pass_the_models_limit(client, post, settings):
    settings.COMMENTS_MAX_NAME_LENGTH = 500
    most = Comment._meta.get_field("author_name").max_length

    response = submit(client, post, name="N" * (most + 1))

    assert response.status_code == 400  # the form says so; no 500 from full_clean
    assert f"at most {most} characters" in response.content.decode()
    assert submit(client, post, name="N" * most).status_code == 302


def test_a_lowered_setting_applies(client, post, settings):
    settings.COMMENTS_MAX_NAME_LENGTH = 20

    assert submit(client, post, name="N" * 21).status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("field", "model_field"), [("name", "author_name"), ("email", "author_email"), ("body", "body")]
)
def test_the_form_shows_each_limit_to_the_browser(post, settings, field, model_field):
    settings.COMMENTS_MAX_NAME_LENGTH = settings.COMMENTS_MAX_EMAIL_LENGTH = 10**6
    settings.COMMENTS_MAX_BODY_LENGTH = 10**6
    form = CommentForm(post=post)

    most = Comment._meta.get_field(model_field).max_length
    assert form.fields[field].widget.attrs["maxlength"] == str(most)
