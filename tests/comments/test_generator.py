"""generate_comments: large realistic threads, written in bulk, that are sound trees."""

import dataclasses
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from comments import generator
from comments.models import Comment
from comments.rendering import render_comment_body
from comments.services import comment_create
from comments.trees import find_tree_problems

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_comments", *args, stdout=out)
    return out.getvalue()


def shape(post) -> list[tuple]:
    """Everything about a post's comments that does not depend on ids or the tree numbering."""
    return list(
        Comment.objects.filter(post=post)
        .order_by("tree_id", "lft")
        .values_list("level", "lft", "rght", "author_name", "author_email", "body", "created_at")
    )


def test_generates_500_comments_in_sound_realistic_trees():
    output = generate("--comments", "500", "--new-post", "--seed", "3")

    post = Post.objects.get()
    comments = Comment.objects.filter(post=post)
    assert comments.count() == 500
    assert find_tree_problems() == []
    call_command("check_comment_trees", stdout=StringIO())  # raises CommandError if unsound
    levels = set(comments.values_list("level", flat=True))
    assert max(levels) <= 5
    assert {0, 1, 2, 3} <= levels
    roots = comments.filter(parent=None).count()
    assert 50 < roots < 400
    assert comments.filter(status=Comment.Status.PUBLISHED).count() == 500
    assert "500 comments" in output
    assert post.is_published()


def test_generated_bodies_are_rendered_as_saving_renders_them():
    generate("--comments", "200", "--new-post", "--seed", "5")

    rows = list(Comment.objects.values_list("body", "body_html"))
    assert all(html == render_comment_body(body) for body, html in rows)
    lengths = sorted(len(body) for body, _ in rows)
    assert lengths[0] < 120 < lengths[-1] / 4  # short remarks and long essays
    assert any("\n\n" in body for body, _ in rows)
    assert len({body for body, _ in rows}) > 150


def test_comments_are_named_mostly_by_regulars_and_sometimes_anonymous():
    generate("--comments", "400", "--new-post", "--seed", "8")

    names = list(Comment.objects.values_list("author_name", flat=True))
    assert "" in names
    distinct = {name for name in names if name}
    assert 10 < len(distinct) < 300
    assert all(" " in name or name in generator.HANDLES for name in distinct)


def test_the_same_seed_gives_the_same_comments():
    generate("--comments", "300", "--new-post", "--seed", "11")
    generate("--comments", "300", "--new-post", "--seed", "11")
    generate("--comments", "300", "--new-post", "--seed", "12")
    first, second, other = Post.objects.order_by("pk")

    assert shape(first)
    # Times count from each post's publication, so compare them relative to it.
    relative = [
        [(*row[:-1], row[-1] - post.published_at) for row in shape(post)]
        for post in (first, second, other)
    ]
    assert relative[0] == relative[1]
    assert relative[0] != relative[2]


def test_new_threads_take_tree_ids_beyond_existing_ones(post):
    existing = comment_create(post=post, body="Already here.")
    comment_create(post=post, parent=existing, body="A reply.")

    generate("--comments", "100", "--post", post.slug, "--seed", "1")

    generated = Comment.objects.filter(post=post).exclude(tree_id=existing.tree_id)
    assert generated.count() == 100
    assert min(generated.values_list("tree_id", flat=True)) > existing.tree_id
    assert Comment.objects.filter(tree_id=existing.tree_id).count() == 2
    assert find_tree_problems() == []


def test_the_site_keeps_writing_sound_trees_after_a_generated_thread(post):
    generate("--comments", "150", "--post", post.slug, "--seed", "2")
    deepest = Comment.objects.filter(post=post).order_by("-level", "pk").first()
    root = Comment.objects.filter(post=post, parent=None).order_by("-rght").first()

    comment_create(post=post, parent=deepest, body="Deep reply.")
    comment_create(post=post, parent=root, body="Reply to a big thread.")
    comment_create(post=post, body="A new thread.")

    assert Comment.objects.filter(post=post).count() == 153
    assert find_tree_problems() == []


def test_max_depth_limits_nesting():
    generate("--comments", "200", "--new-post", "--seed", "4", "--max-depth", "2")

    assert set(Comment.objects.values_list("level", flat=True)) == {0, 1}
    assert find_tree_problems() == []


def test_unsound_plan_is_rolled_back(post, monkeypatch):
    numbered = generator.number_nested_sets

    def off_by_one(parents, first_tree_id):
        numbers, order = numbered(parents, first_tree_id)
        numbers[-1] = dataclasses.replace(numbers[-1], rght=numbers[-1].rght + 1)
        return numbers, order

    monkeypatch.setattr(generator, "number_nested_sets", off_by_one)

    with pytest.raises(RuntimeError, match="not sound"):
        generator.comments_generate(post=post, count=50, seed=1)
    assert not Comment.objects.exists()


def test_unknown_post_and_bad_counts_are_refused(post):
    with pytest.raises(CommandError, match="no post"):
        generate("--comments", "10", "--post", "no-such-post")
    with pytest.raises(CommandError, match="negative"):
        generate("--comments", "-1", "--post", post.slug)
    with pytest.raises(CommandError):
        generate("--comments", "10")  # neither --post nor --new-post


def test_zero_comments_is_a_no_op(post):
    generate("--comments", "0", "--post", post.slug)

    assert not Comment.objects.exists()
