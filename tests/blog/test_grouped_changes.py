"""An import bumps each post's version once, at its end (blog/caching/changes.py), and
readers see the imported post, comments and all, as soon as it is committed."""

from dataclasses import replace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from blog.caching import changes_grouped, comments_changed, posts_changed
from blog.caching.versions import ALL_TREES, post_version
from blog.importers import decode_document, parse_post_document
from blog.importers.writer import import_post
from blog.models import PostVersion
from tests.conftest import SEED_PATH
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def counter(post) -> int:
    return PostVersion.objects.get(post=post).counter


def version_queries(captured) -> int:
    return sum("blog_postversion" in query["sql"] for query in captured)


def test_a_post_is_bumped_once_for_all_its_imported_comments(client):
    parsed = parse_post_document(decode_document(SEED_PATH.read_bytes()))
    with CaptureQueriesContext(connection) as captured:
        post = import_post(parsed, source_ref=SEED_PATH.stem).post

    assert len(parsed.comments) == 13
    assert counter(post) == 1  # was one bump per comment and per post write
    assert version_queries(captured) <= 6
    # Committed (the test's transaction stands for it), the page shows all of it.
    assert client.get(post.get_absolute_url()).content.count(b"<article") == 14  # post + 13


def test_a_second_import_with_a_changed_comment_retires_the_page(client, seed_post):
    page = client.get(seed_post.get_absolute_url())
    before = post_version(seed_post.pk).token
    assert b"Prof G" in page.content

    parsed = parse_post_document(decode_document(SEED_PATH.read_bytes()))
    comments = list(parsed.comments)
    comments[0] = replace(comments[0], body=comments[0].body + " A grouped change.")
    import_post(replace(parsed, comments=comments), source_ref=SEED_PATH.stem)

    assert post_version(seed_post.pk).token != before
    assert b"A grouped change." in client.get(seed_post.get_absolute_url()).content


def test_comment_changes_keep_the_earliest_tree_and_a_post_change_covers_them():
    quiet, busy = PostFactory(), PostFactory()
    quiet_before, busy_before = counter(quiet), counter(busy)
    trees_before = [tree for tree, _ in PostVersion.objects.get(post=busy).threads]
    assert trees_before == [ALL_TREES]  # made with the post
    with transaction.atomic(), changes_grouped():
        comments_changed([busy.pk], from_tree=7)
        comments_changed([busy.pk, quiet.pk], from_tree=3)
        comments_changed([busy.pk], from_tree=5)
        posts_changed([quiet.pk])
        with changes_grouped():  # nested: the outer block announces
            comments_changed([busy.pk], from_tree=9)
        assert (counter(quiet), counter(busy)) == (quiet_before, busy_before)

    assert (counter(quiet), counter(busy)) == (quiet_before + 1, busy_before + 1)
    busy_marks = PostVersion.objects.get(post=busy).threads
    assert [tree for tree, _ in busy_marks] == [ALL_TREES, 3]  # one mark added, the earliest
    quiet_marks = PostVersion.objects.get(post=quiet).threads
    assert [tree for tree, _ in quiet_marks] == [ALL_TREES]


def test_a_block_that_fails_bumps_nothing():
    post = PostFactory()
    before = counter(post)
    with pytest.raises(ValueError), transaction.atomic(), changes_grouped():
        posts_changed([post.pk])
        raise ValueError("the import failed")

    assert counter(post) == before
    posts_changed([post.pk])  # and the next change, outside a block, is not grouped
    assert counter(post) == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_block_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="needs a transaction"), changes_grouped():
        pass


def test_a_dry_run_marked_for_rollback_announces_nothing():
    post = PostFactory()
    before = counter(post)
    with transaction.atomic():
        with changes_grouped():
            posts_changed([post.pk])
            transaction.set_rollback(True)
        transaction.set_rollback(False)  # only to read the counter in this test's transaction
        assert counter(post) == before
