"""check_comment_trees finds every kind of broken nested set, and --repair mends it."""

import io

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from comments.services import comment_create, comment_delete
from comments.trees import find_tree_problems
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def check(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("check_comment_trees", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_seed_thread_is_sound(seed_post):
    assert find_tree_problems() == []
    assert "13 comments checked: every tree is sound." in check()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"lft": 40}, "lft/rght values are not exactly"),
        ({"level": 3}, "level is 3 but its depth is 1"),
        ({"rght": 2}, "rght - lft"),
        ({"parent": None}, "roots"),
    ],
    ids=["lft", "level", "rght", "second-root"],
)
def test_each_broken_invariant_is_reported(seed_post, change, expected):
    reply = Comment.objects.get(source_ref="3.4")
    Comment.objects.filter(pk=reply.pk).update(**change)

    problems = find_tree_problems()

    assert any(expected in problem.message for problem in problems), problems
    with pytest.raises(CommandError, match="problem"):
        check()


def test_parent_in_another_post_is_reported(seed_post):
    other = PostFactory(author=seed_post.author)
    reply = Comment.objects.get(source_ref="3.4")
    Comment.objects.filter(pk=reply.pk).update(post=other)

    messages = [problem.message for problem in find_tree_problems()]

    assert any("belongs to another post" in message for message in messages)


def test_shared_tree_id_is_reported(seed_post):
    first, second = Comment.objects.root_nodes()[:2]
    Comment.objects.filter(pk=second.pk).update(tree_id=first.tree_id)

    assert any("2 roots" in problem.message for problem in find_tree_problems())


def test_repair_rebuilds_and_keeps_document_order(seed_post):
    order = list(Comment.objects.order_by("tree_id", "lft").values_list("source_ref", flat=True))
    Comment.objects.filter(source_ref="3").update(rght=999)
    Comment.objects.filter(source_ref="3.4").update(level=5)
    assert find_tree_problems()

    output = check("--repair")

    assert "Repaired" in output
    assert find_tree_problems() == []
    assert (
        list(Comment.objects.order_by("tree_id", "lft").values_list("source_ref", flat=True))
        == order
    )


def test_services_keep_trees_sound_through_replies_and_deletes(seed_post):
    voltaire = Comment.objects.get(source_ref="3")
    reply = comment_create(post=seed_post, parent=voltaire, body="A late reply.")
    comment_create(post=seed_post, parent=reply, body="A reply to the reply.")
    comment_create(post=seed_post, body="A new thread.")
    comment_delete(Comment.objects.get(source_ref="3.2"))

    assert find_tree_problems() == []
    assert Comment.objects.get(pk=voltaire.pk).get_descendant_count() == 10


def test_reply_must_belong_to_the_parents_post(seed_post):
    other = PostFactory(author=seed_post.author)

    with pytest.raises(ValueError, match="parent's post"):
        comment_create(post=other, parent=Comment.objects.get(source_ref="1"), body="Wrong post.")


def test_moves_keep_trees_sound(seed_post):
    from comments.services import comment_move

    first = Comment.objects.get(source_ref="1")
    reply = Comment.objects.get(source_ref="3.2")

    moved = comment_move(reply, new_parent=first)
    assert moved.parent_id == first.pk
    promoted = comment_move(Comment.objects.get(source_ref="3.5"), new_parent=None)
    assert promoted.is_root_node()

    assert find_tree_problems() == []
    assert Comment.objects.get(pk=first.pk).get_descendant_count() == 1


def test_a_comment_cannot_move_under_its_own_reply(seed_post):
    from comments.services import comment_move

    voltaire = Comment.objects.get(source_ref="3")

    with pytest.raises(ValueError, match="under itself"):
        comment_move(voltaire, new_parent=Comment.objects.get(source_ref="3.1"))
    assert find_tree_problems() == []


def test_nested_set_numbers_for_a_forest_given_by_parents():
    from comments.trees import NestedSet, number_nested_sets

    # 0 ─ 1 ─ 3      tree 7
    #   └ 2
    # 4              tree 8
    numbers, order = number_nested_sets([None, 0, 0, 1, None], first_tree_id=7)

    assert order == [0, 1, 3, 2, 4]
    assert numbers == [
        NestedSet(7, 1, 8, 0),
        NestedSet(7, 2, 5, 1),
        NestedSet(7, 6, 7, 1),
        NestedSet(7, 3, 4, 2),
        NestedSet(8, 1, 2, 0),
    ]
