"""Rows the migrations make (the staff groups, the About page) are there for every test, in
any order: a transactional test empties every table when it ends, and tests/conftest.py
loads the migrated rows back (serialized rollback) so the tests after it, on the same
xdist worker, still find them."""

import pytest
from django.contrib.auth.models import Group

from blog.models import Page


def migrated_rows() -> dict:
    return {
        "groups": {
            group.name: set(group.permissions.values_list("codename", flat=True))
            for group in Group.objects.prefetch_related("permissions")
        },
        "pages": list(Page.objects.values_list("slug", flat=True)),
    }


def assert_as_migrated(rows: dict) -> None:
    assert set(rows["groups"]) == {"Editors", "Moderators"}
    assert {"add_post", "change_paper", "add_image", "change_page"} <= rows["groups"]["Editors"]
    assert {"view_comment", "change_comment"} <= rows["groups"]["Moderators"]
    assert rows["pages"] == ["about"]


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_finds_the_migrated_rows():
    assert_as_migrated(migrated_rows())


@pytest.mark.django_db(transaction=True)
def test_a_second_transactional_test_finds_them_after_the_first_emptied_the_tables():
    assert_as_migrated(migrated_rows())


@pytest.mark.django_db
def test_a_test_in_a_transaction_finds_them_whatever_ran_before():
    assert_as_migrated(migrated_rows())
