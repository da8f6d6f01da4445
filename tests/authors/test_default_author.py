"""The blog's default author: created on first use, reused, and marked in the admin."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from authors.models import Author
from authors.services import author_default, is_default_author
from tests.html import text_of

pytestmark = pytest.mark.django_db


def test_the_default_author_is_created_on_first_use_then_reused(settings):
    settings.BLOG_DEFAULT_AUTHOR = "The MS blog team"

    first = author_default()
    again = author_default()

    assert (first.name, first.slug) == ("The MS blog team", "the-ms-blog-team")
    assert again == first
    assert Author.objects.count() == 1
    assert is_default_author(first)
    assert not is_default_author(Author.objects.create(name="Prof G", slug="prof-g"))


def test_a_default_author_without_letters_is_a_configuration_error(settings):
    settings.BLOG_DEFAULT_AUTHOR = "!!!"

    with pytest.raises(ImproperlyConfigured, match="BLOG_DEFAULT_AUTHOR '!!!' has no letters"):
        author_default()
    assert Author.objects.count() == 0


def test_the_admin_author_list_marks_the_default_author(staff_client, settings):
    settings.BLOG_DEFAULT_AUTHOR = "The editors"
    author_default()
    Author.objects.create(name="Prof G", slug="prof-g")

    page = BeautifulSoup(
        staff_client.get(reverse("admin:authors_author_changelist")).content, "html.parser"
    )

    headers = [text_of(th) for th in page.select("#result_list thead th")]
    assert "Default author for imports" in headers
    column = headers.index("Default author for imports")
    marks = {
        text_of(row.select("th, td")[1]): row.select("th, td")[column].img["alt"]
        for row in page.select("#result_list tbody tr")
    }
    assert marks == {"The editors": "True", "Prof G": "False"}
