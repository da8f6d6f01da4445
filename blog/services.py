"""Multi-row writes on blog content, called by the admin and commands."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from blog.markup import TEXT, hashtag_names
from blog.models import Hashtag, Post, PostHashtag, hashtag_slug
from blog.revisions import ORIGIN_MERGE, record_post_revision, unrecorded_stored_version


@transaction.atomic
def hashtags_merge(
    *, target: Hashtag, sources: Iterable[Hashtag], user: AbstractBaseUser | None = None
) -> int:
    """Move every post of `sources` onto `target`, then delete the sources.

    Each post keeps its tags in their order: a source link takes the target's place at
    the source's position, and a post carrying both keeps the target's link once (at the
    earlier of the two positions). Each post relinked gets a version in its history, by
    `user`. Return the number of posts that carried a source.
    """
    source_ids = [tag.pk for tag in sources if tag.pk != target.pk]
    if not source_ids:
        return 0
    # Lock the links we rewrite so a concurrent edit cannot add a duplicate meanwhile.
    links = list(
        PostHashtag.objects.select_for_update()
        .filter(hashtag_id__in=[target.pk, *source_ids])
        .order_by("post_id", "position", "pk")
    )
    by_post: dict[int, list[PostHashtag]] = {}
    for link in links:
        by_post.setdefault(link.post_id, []).append(link)

    relinked = {
        post_id: post_links
        for post_id, post_links in by_post.items()
        if any(link.hashtag_id != target.pk for link in post_links)
    }
    # Taken before the links change, for posts saved before the history existed.
    before = {post_id: unrecorded_stored_version(post_id) for post_id in relinked}
    for post_links in relinked.values():
        keep = next((link for link in post_links if link.hashtag_id == target.pk), None)
        first = post_links[0]  # the earliest position among the merged tags
        keep = keep or first
        drop = [link.pk for link in post_links if link.pk != keep.pk]
        if drop:
            PostHashtag.objects.filter(pk__in=drop).delete()
        if keep.hashtag_id != target.pk or keep.position != first.position:
            keep.hashtag_id = target.pk
            keep.position = first.position
            keep.save(update_fields=["hashtag", "position"])
    Hashtag.objects.filter(pk__in=source_ids).delete()
    for post in Post.objects.filter(pk__in=relinked).select_related("series", "author"):
        record_post_revision(post, user=user, origin=ORIGIN_MERGE, before=before[post.pk])
    return len(relinked)


@transaction.atomic
def post_hashtags_from_text(*, post: Post) -> list[str]:
    """Give the post the #Hashtags its teaser and body write, after the ones it has.

    The post's own hashtags keep their order (the editor's); tags written in the text
    that it lacks follow, in the order written (teaser first), matched case-insensitively
    and created when new. Positions are renumbered 0, 1, 2, ... Return the names added.
    """
    links = list(post.post_hashtags.select_related("hashtag").order_by("position", "pk"))
    have = {link.hashtag.slug for link in links}
    added = []
    written = hashtag_names(post.teaser, TEXT) + hashtag_names(post.body, post.body_format)
    for name in written:
        slug = hashtag_slug(name)
        if slug in have:
            continue
        tag = Hashtag.objects.filter(slug=slug).first() or Hashtag.objects.create(name=name)
        links.append(PostHashtag(post=post, hashtag=tag))
        have.add(slug)
        added.append(tag.name)
    for position, link in enumerate(links):
        if link.pk is None:
            link.position = position
            link.save()
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position"])
    return added
