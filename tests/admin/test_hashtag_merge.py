"""Merging hashtags: every post keeps all its tags, once each, in its order."""

import pytest
from django.urls import reverse

from blog.models import Hashtag, PostHashtag
from blog.services import hashtags_merge
from tests.factories import HashtagFactory, PostFactory

pytestmark = pytest.mark.django_db


def _tags(post):
    return [(link.hashtag.name, link.position) for link in post.post_hashtags.order_by("position")]


@pytest.fixture
def tags():
    return {name: HashtagFactory(name=name) for name in ["MS", "MultipleSclerosis", "NMO", "Other"]}


def _link(post, tag, position):
    PostHashtag.objects.create(post=post, hashtag=tag, position=position)


def test_merge_keeps_every_posts_tags_without_duplicates(author, tags):
    only_source = PostFactory(author=author)
    _link(only_source, tags["NMO"], 0)
    _link(only_source, tags["MultipleSclerosis"], 1)
    both = PostFactory(author=author)
    _link(both, tags["MultipleSclerosis"], 0)
    _link(both, tags["Other"], 1)
    _link(both, tags["MS"], 2)
    only_target = PostFactory(author=author)
    _link(only_target, tags["MS"], 0)
    untouched = PostFactory(author=author)
    _link(untouched, tags["Other"], 0)

    relinked = hashtags_merge(target=tags["MS"], sources=[tags["MultipleSclerosis"]])

    assert relinked == 2
    assert _tags(only_source) == [("NMO", 0), ("MS", 1)]
    assert _tags(both) == [("MS", 0), ("Other", 1)]
    assert _tags(only_target) == [("MS", 0)]
    assert _tags(untouched) == [("Other", 0)]
    assert not Hashtag.objects.filter(name="MultipleSclerosis").exists()


def test_merge_of_several_sources_into_a_post_carrying_all(author, tags):
    post = PostFactory(author=author)
    for position, name in enumerate(["NMO", "MultipleSclerosis", "Other", "MS"]):
        _link(post, tags[name], position)

    hashtags_merge(target=tags["MS"], sources=[tags["MultipleSclerosis"], tags["Other"]])

    assert _tags(post) == [("NMO", 0), ("MS", 1)]
    assert set(Hashtag.objects.values_list("name", flat=True)) == {"MS", "NMO"}


def test_merge_ignores_the_target_among_sources(author, tags):
    post = PostFactory(author=author)
    _link(post, tags["MS"], 0)

    assert hashtags_merge(target=tags["MS"], sources=[tags["MS"]]) == 0
    assert _tags(post) == [("MS", 0)]


def test_admin_action_merges_into_the_first_alphabetically(staff_client, author, tags):
    post = PostFactory(author=author)
    _link(post, tags["MultipleSclerosis"], 0)
    _link(post, tags["NMO"], 1)

    response = staff_client.post(
        reverse("admin:blog_hashtag_changelist"),
        {"action": "merge", "_selected_action": [tags["MultipleSclerosis"].pk, tags["MS"].pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert _tags(post) == [("MS", 0), ("NMO", 1)]
    assert "Merged #MultipleSclerosis into #MS" in response.content.decode()
