"""Restore a post's older version: its text comes back as a new version; nothing is lost.

What a version restores is the writing: title, teaser, body (and its format), the
conflict-of-interest line and the hashtags. Where and whether the post is published
(status, time, URL slug), its series, author and cited papers stay as they are now:
restoring wording must not unpublish a post or move its address.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from blog.models import Hashtag, Post, PostHashtag, PostRevision, hashtag_slug
from blog.revisions import record_post_revision, unrecorded_stored_version

RESTORED_FIELDS = ("title", "teaser", "body_format", "body", "conflict_of_interest")


@transaction.atomic
def post_restore_revision(
    *, post: Post, revision: PostRevision, user: AbstractBaseUser | None = None
) -> PostRevision | None:
    """Put `revision`'s writing back on the post and record it as the newest version.

    Return the new version, or None when the post already reads as that version.
    """
    before = unrecorded_stored_version(post.pk)
    snapshot = revision.snapshot
    for name in RESTORED_FIELDS:
        if name in snapshot:
            setattr(post, name, snapshot[name])
    post.full_clean(exclude=["slug"])
    post.save()
    if "hashtags" in snapshot:
        post.post_hashtags.all().delete()
        for position, name in enumerate(snapshot["hashtags"]):
            tag = Hashtag.objects.filter(slug=hashtag_slug(name)).first()
            tag = tag or Hashtag.objects.create(name=name)
            PostHashtag.objects.create(post=post, hashtag=tag, position=position)
    return record_post_revision(
        post, user=user, origin=f"restore of version {revision.number}", before=before
    )


class RestoreVersionMixin:
    """PostAdmin's Restore button on a version's page (templates/.../revision.html)."""

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.restore_view))
        name = f"{self.opts.app_label}_{self.opts.model_name}_restore"
        # Before the default URLs, whose "<path:object_id>/" would catch this one.
        return [
            path("<path:object_id>/history/<int:number>/restore/", view, name=name),
            *super().get_urls(),
        ]

    def restore_view(self, request, object_id, number):
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404("No such post.")
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        revision = get_object_or_404(post.revisions, number=number)
        restored = post_restore_revision(post=post, revision=revision, user=request.user)
        if restored is None:
            self.message_user(request, f"The post already reads as version {number}.")
        else:
            self.log_change(
                request, post, f"Restored version {number} as version {restored.number}."
            )
            self.message_user(
                request,
                f"Version {number} restored as version {restored.number}; "
                "every earlier version is still in the history.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[post.pk])
        )
