"""fixtures/clinicspeak.json holds exactly what importing the seed document produces."""

import pytest
from django.core.management import call_command

from blog.importers import decode_document, parse_post_document
from blog.importers.writer import import_post
from blog.models import Post
from comments.models import Comment
from tests.snapshot import post_content

pytestmark = pytest.mark.django_db


def test_loaddata_yields_the_same_content_as_import(seed_path):
    call_command("loaddata", "clinicspeak", verbosity=0)
    loaded = post_content(Post.objects.get())
    Comment.objects.all().delete()
    Post.objects.all().delete()

    parsed = parse_post_document(decode_document(seed_path.read_bytes()))
    imported = post_content(import_post(parsed, source_ref=seed_path.stem).post)

    assert loaded == imported


def test_loaded_fixture_is_recognised_by_a_later_import(seed_path):
    call_command("loaddata", "clinicspeak", verbosity=0)

    parsed = parse_post_document(decode_document(seed_path.read_bytes()))
    result = import_post(parsed, source_ref=seed_path.stem)

    assert result.action == "unchanged"


def test_loaded_comment_tree_is_valid():
    call_command("loaddata", "clinicspeak", verbosity=0)

    assert Comment.objects.count() == 13
    roots = Comment.objects.root_nodes()
    assert [root.get_descendant_count() for root in roots] == [0, 0, 9, 0]


def test_loaded_fixture_carries_what_the_post_page_reads(client):
    """The fixture holds each comment's stored position, counts and markup
    (comments.thread_store), so its post page shows the whole discussion."""
    call_command("loaddata", "clinicspeak", verbosity=0)

    response = client.get(Post.objects.get().get_absolute_url())

    assert response.content.decode().count('class="comment p-comment h-entry"') == 13
