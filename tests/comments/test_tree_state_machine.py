"""Random sequences of comment-tree writes keep every tree sound (a Hypothesis state machine).

The machine creates threads and replies on two posts, marks comments removed, deletes
them (with their replies) and moves them, and keeps its own model of who replies to
whom. After every step the nested sets must be sound (find_tree_problems() == []) and the
stored parent links, posts, depths, statuses and reply order must match the model.
"""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from comments.models import Comment
from comments.services import comment_create, comment_delete, comment_move, comments_set_status
from comments.trees import find_tree_problems
from tests.factories import PostFactory
from tests.thorough import examples, property_test

BODIES = st.sampled_from(["First!", "A reply.", "Two lines\nof text.", "Para one.\n\nPara two."])


class CommentTreeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # The model: comment pk -> post pk, parent pk (None for a thread), status; and
        # each comment's replies in order (mptt adds and moves to the last place).
        self.post_of: dict[int, int] = {}
        self.parent_of: dict[int, int | None] = {}
        self.status_of: dict[int, str] = {}
        self.replies: dict[int, list[int]] = {}

    @initialize()
    def two_posts(self) -> None:
        Comment.objects.all().delete()  # examples share the test's transaction
        self.posts = [PostFactory(), PostFactory()]

    # -- the model ---------------------------------------------------------------------

    def add(self, comment: Comment, parent: int | None) -> None:
        self.post_of[comment.pk] = comment.post_id
        self.parent_of[comment.pk] = parent
        self.status_of[comment.pk] = comment.status
        self.replies[comment.pk] = []
        if parent is not None:
            self.replies[parent].append(comment.pk)

    def subtree(self, pk: int) -> list[int]:
        found = [pk]
        for reply in self.replies[pk]:
            found.extend(self.subtree(reply))
        return found

    def depth(self, pk: int) -> int:
        parent = self.parent_of[pk]
        return 0 if parent is None else 1 + self.depth(parent)

    def detach(self, pk: int) -> None:
        parent = self.parent_of[pk]
        if parent is not None:
            self.replies[parent].remove(pk)

    def pick(self, data) -> int:
        return data.draw(st.sampled_from(sorted(self.post_of)), label="comment")

    # -- rules -------------------------------------------------------------------------

    @rule(post=st.integers(0, 1), body=BODIES)
    def start_thread(self, post: int, body: str) -> None:
        comment = comment_create(post=self.posts[post], body=body)
        self.add(comment, None)

    @precondition(lambda self: self.post_of)
    @rule(data=st.data(), body=BODIES)
    def reply(self, data, body: str) -> None:
        parent = Comment.objects.get(pk=self.pick(data))
        comment = comment_create(post=parent.post, parent=parent, body=body)
        self.add(comment, parent.pk)

    @precondition(lambda self: self.post_of)
    @rule(data=st.data())
    def remove(self, data) -> None:
        pk = self.pick(data)
        comments_set_status(Comment.objects.filter(pk=pk), Comment.Status.REMOVED)
        self.status_of[pk] = Comment.Status.REMOVED

    @precondition(lambda self: self.post_of)
    @rule(data=st.data())
    def delete(self, data) -> None:
        pk = self.pick(data)
        comment_delete(Comment.objects.get(pk=pk))
        self.detach(pk)
        for gone in self.subtree(pk):
            del self.post_of[gone], self.parent_of[gone], self.status_of[gone]
            del self.replies[gone]

    @precondition(lambda self: self.post_of)
    @rule(data=st.data())
    def move(self, data) -> None:
        pk = self.pick(data)
        own = set(self.subtree(pk))
        same_post = [other for other, post in self.post_of.items() if post == self.post_of[pk]]
        targets = [None, *sorted(other for other in same_post if other not in own)]
        target = data.draw(st.sampled_from(targets), label="new parent")
        comment_move(
            Comment.objects.get(pk=pk),
            new_parent=None if target is None else Comment.objects.get(pk=target),
        )
        self.detach(pk)
        self.parent_of[pk] = target
        if target is not None:
            self.replies[target].append(pk)

    @precondition(lambda self: self.post_of)
    @rule(data=st.data())
    def refuse_move_under_own_thread_or_other_post(self, data) -> None:
        pk = self.pick(data)
        wrong = set(self.subtree(pk)) | {
            other for other, post in self.post_of.items() if post != self.post_of[pk]
        }
        target = data.draw(st.sampled_from(sorted(wrong)), label="invalid new parent")
        with pytest.raises(ValueError):
            comment_move(Comment.objects.get(pk=pk), new_parent=Comment.objects.get(pk=target))

    # -- invariants --------------------------------------------------------------------

    @invariant()
    def trees_are_sound(self) -> None:
        assert find_tree_problems() == []

    @invariant()
    def stored_threads_match_the_model(self) -> None:
        if not hasattr(self, "posts"):
            return
        stored = {
            pk: (post, parent, status, level)
            for pk, post, parent, status, level in Comment.objects.values_list(
                "pk", "post_id", "parent_id", "status", "level"
            )
        }
        expected = {
            pk: (self.post_of[pk], self.parent_of[pk], self.status_of[pk], self.depth(pk))
            for pk in self.post_of
        }
        assert stored == expected
        for pk, replies in self.replies.items():
            assert (
                list(
                    Comment.objects.filter(parent_id=pk)
                    .order_by("lft")
                    .values_list("pk", flat=True)
                )
                == replies
            )


@property_test
@pytest.mark.django_db
def test_random_comment_tree_writes_keep_the_trees_sound():
    run_state_machine_as_test(
        CommentTreeMachine,
        settings=settings(
            max_examples=examples(30, 8),
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
