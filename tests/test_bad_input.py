"""Malformed dates and parameters get 404 or 400, never a server error (500)."""

import pytest
from django.urls import reverse

from blog.models import Hashtag

pytestmark = pytest.mark.django_db


@pytest.fixture
def raising_client(client):
    client.raise_request_exception = False  # see the status a visitor would get
    return client


@pytest.mark.parametrize("year", ["0000", "9999"])
@pytest.mark.parametrize("tail", ["", "comment-page-2/", "comments/feed/", "comments/feed/atom/"])
def test_impossible_or_far_dates_in_post_addresses_are_not_found(
    raising_client, seed_post, year, tail
):
    response = raising_client.get(f"/{year}/01/{seed_post.slug}/{tail}")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/0000/", "/0000/01/", "/9999/12/"])
def test_impossible_archive_dates_are_not_found(raising_client, seed_post, path):
    assert raising_client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=99999999999999999999",
        "published_at__year=0",
        "published_at__month=13&published_at__year=2014",
        "status__exact=%00",
        "q=%00",
    ],
)
def test_bad_post_list_filters_in_the_admin_are_not_server_errors(staff_client, seed_post, query):
    staff_client.raise_request_exception = False
    response = staff_client.get(reverse("admin:blog_post_changelist") + "?" + query)
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("term", ["%00", "ms%00research"])
def test_admin_autocomplete_with_a_nul_is_a_bad_request(staff_client, seed_post, term):
    staff_client.raise_request_exception = False
    response = staff_client.get(
        f"/admin/autocomplete/?app_label=blog&model_name=posthashtag&field_name=hashtag&term={term}"
    )
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("selected", ["abc", "1.5", "%00"])
def test_hashtag_merge_with_garbage_ids_is_a_bad_request(staff_client, seed_post, selected):
    staff_client.raise_request_exception = False
    first, second = Hashtag.objects.all()[:2]
    response = staff_client.post(
        reverse("admin:blog_hashtag_changelist"),
        {"action": "merge", "_selected_action": [str(first.pk), selected]},
    )
    assert response.status_code in (302, 400)
    assert Hashtag.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_a_nul_in_a_readers_search_still_gets_the_search_page(client, seed_post):
    assert client.get("/search/?q=nul%00byte").status_code == 200
