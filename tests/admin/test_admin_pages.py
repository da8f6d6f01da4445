"""Every model registered in the admin: its changelist, add and change pages open for a
superuser, their query counts do not grow with the rows, and search and every filter
option work.

The models come from `admin.site._registry`, so a newly registered model is tested as
soon as it is registered (and fails `test_registered_models` until it has a builder here).
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Page, PostHashtag
from comments.models import Comment
from images.services import image_create
from outbox.models import Address, Job, Message
from outbox.services import message_enqueue
from tests.factories import (
    AbstractSectionFactory,
    AuthorFactory,
    CitationFactory,
    CommentFactory,
    HashtagFactory,
    PaperFactory,
    PostFactory,
    SeriesFactory,
)
from tests.images.conftest import image_bytes

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)
IDS = [m._meta.label for m in REGISTERED]

# A page whose count equals at 2 and 20 rows is constant; this catches it growing anyway.
MAX_QUERIES = 25


# Each builder adds the i-th row of its model. Rows after the first also hang related rows
# on the first one (the object whose change page is measured): hashtags, citations and
# replies on a post, sections and citing posts on a paper, groups on a user, and so on.
def _author(i, first):
    author = AuthorFactory(name=f"Writer {i}")
    PostFactory(author=first or author)
    return author


def _series(i, first):
    series = SeriesFactory(name=f"Series {i}")
    PostFactory(series=first or series)
    return series


def _hashtag(i, first):
    tag = HashtagFactory(name=f"Topic{i}")
    PostFactory(tags=[tag.name])
    return tag


def _paper(i, first):
    paper = PaperFactory()
    AbstractSectionFactory(paper=first or paper, position=i)
    CitationFactory(paper=first or paper)
    return paper


def _post(i, first):
    post = PostFactory(
        author=AuthorFactory(name=f"Writer {i}"),
        series=SeriesFactory(name=f"Series {i}"),
        tags=[f"Topic{i}"],
    )
    CommentFactory(post=post, author_name=f"Reader {i}")
    if first is not None:
        PostHashtag.objects.create(post=first, hashtag=HashtagFactory(name=f"Extra{i}"), position=i)
        CitationFactory(post=first, position=i)
        CommentFactory(post=first)
    return post


def _page(i, first):
    return Page.objects.create(title=f"Page {i}", slug=f"page-{i}", body=f"Text of page {i}.")


def _comment(i, first):
    return CommentFactory(
        post=first.post if first else PostFactory(),
        parent=first,
        author_name=f"Reader {i}",
        author_email=f"reader{i}@example.org",
    )


def _user(i, first):
    user = get_user_model().objects.create_user(
        f"staffer{i}", f"staffer{i}@example.org", is_staff=True
    )
    group = Group.objects.create(name=f"Team {i}")
    (first or user).groups.add(group)
    return user


def _group(i, first):
    group = Group.objects.create(name=f"Team {i}")
    permissions = Permission.objects.order_by("pk")
    (first or group).permissions.add(permissions[i])
    return group


def _message(i, first):
    return message_enqueue(to=[f"reader{i}@example.org"], subject=f"Subject {i}", body="Hi")


def _job(i, first):
    user = get_user_model().objects.create_user(f"importer{i}")
    return Job.objects.create(
        kind="blog.import_platform", name=f"export{i}.xml", due_at=timezone.now(), requested_by=user
    )


def _address(i, first):
    return Address.objects.create(email=f"reader{i}@example.org")


def _image(i, first):
    image = image_create(data=image_bytes("PNG", size=(60, 40)), alt_text=f"Figure {i}")
    PostFactory(lead_image=first or image, body=f"![](image:{image.pk})")
    return image


BUILDERS = {
    "auth.Group": _group,
    "auth.User": _user,
    "authors.Author": _author,
    "blog.Hashtag": _hashtag,
    "blog.Page": _page,
    "blog.Paper": _paper,
    "blog.Post": _post,
    "blog.Series": _series,
    "comments.Comment": _comment,
    "outbox.Address": _address,
    "outbox.Job": _job,
    "outbox.Message": _message,
    "images.Image": _image,
}


def _build(model, start, stop, first=None):
    build = BUILDERS[model._meta.label]
    for i in range(start, stop):
        obj = build(i, first)
        first = first or obj
    return first


def _url(model, page, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}", args=args)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_registered_models():
    assert set(IDS) == {
        "auth.Group",
        "auth.User",
        "authors.Author",
        "blog.Hashtag",
        "blog.Page",
        "blog.Paper",
        "blog.Post",
        "blog.Series",
        "comments.Comment",
        "outbox.Address",
        "outbox.Job",
        "outbox.Message",
        "images.Image",
    }


def test_admin_requires_login(client):
    response = client.get(reverse("admin:blog_post_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", REGISTERED, ids=IDS)
@pytest.mark.parametrize("page", ["changelist", "change"])
def test_page_queries_do_not_grow_with_rows(staff_client, model, page):
    first = _build(model, 0, 2)
    url = _url(model, page) if page == "changelist" else _url(model, page, first.pk)
    staff_client.get(url)  # warm per-process caches (content types) before counting
    two = _queries(staff_client, url)
    _build(model, 2, 20, first)

    twenty = _queries(staff_client, url)

    assert (two, twenty) == (two, two)
    assert two <= MAX_QUERIES


@pytest.mark.parametrize("model", REGISTERED, ids=IDS)
def test_add_page(staff_client, model, django_assert_max_num_queries):
    _build(model, 0, 20)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = staff_client.get(_url(model, "add"))

    # Comments come from readers and the importer; the admin moderates but never adds them.
    # Outgoing mail and jobs are queued by the site, never typed in.
    assert response.status_code == (403 if model in (Comment, Message, Job) else 200)


def _search_term(model_admin, obj):
    """Return the first non-blank value of the object's search fields."""
    for field in model_admin.search_fields:
        value = obj
        for part in field.lstrip("^=@").split("__"):
            value = getattr(value, part)
        if value:
            return str(value)
    raise AssertionError(f"{obj!r} has no searchable value")


@pytest.mark.parametrize(
    "model",
    [m for m in REGISTERED if admin.site._registry[m].search_fields],
    ids=lambda m: m._meta.label,
)
def test_search_finds_the_object(staff_client, model):
    first = _build(model, 0, 3)
    term = _search_term(admin.site._registry[model], first)

    response = staff_client.get(_url(model, "changelist"), {"q": term})

    assert response.status_code == 200
    assert first in response.context["cl"].result_list


@pytest.mark.parametrize(
    "model",
    [m for m in REGISTERED if admin.site._registry[m].list_filter],
    ids=lambda m: m._meta.label,
)
def test_every_filter_option_opens(staff_client, model):
    _build(model, 0, 3)
    url = _url(model, "changelist")
    cl = staff_client.get(url).context["cl"]
    options = [choice["query_string"] for spec in cl.filter_specs for choice in spec.choices(cl)]

    statuses = {query: staff_client.get(url + query).status_code for query in options}

    # Every filter offers at least its "All" option and one more.
    assert len(options) > len(cl.filter_specs)
    assert set(statuses.values()) == {200}, statuses
