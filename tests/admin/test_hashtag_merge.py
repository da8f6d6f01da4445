"""Merging hashtags: the editor picks the one to keep; every post keeps all its tags."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Hashtag, PostHashtag
from blog.revisions import ORIGIN_BASELINE, ORIGIN_MERGE
from blog.services import hashtags_merge
from tests.factories import HashtagFactory, PostFactory
from tests.html import text_of

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


CHANGELIST = reverse("admin:blog_hashtag_changelist")


def _ask(client, *tags, **extra):
    """Choose the merge action on the hashtag list with `tags` selected."""
    data = {"action": "merge", "_selected_action": [tag.pk for tag in tags], **extra}
    return client.post(CHANGELIST, data)


def _confirm(client, *tags, target):
    return _ask(client, *tags, confirm="yes", target=target.pk)


def test_merge_action_asks_which_hashtag_to_keep(staff_client, author, tags):
    for name in ["MS", "MultipleSclerosis", "MultipleSclerosis", "MultipleSclerosis"]:
        _link(PostFactory(author=author), tags[name], 0)

    response = _ask(staff_client, tags["MultipleSclerosis"], tags["MS"])

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    fieldset = soup.find(id="content-main").form.fieldset
    assert text_of(fieldset.legend) == "Keep this hashtag"
    radios = fieldset.find_all("input", type="radio")
    labels = [text_of(soup.find("label", attrs={"for": radio["id"]})) for radio in radios]
    assert labels == ["#MS (1 post)", "#MultipleSclerosis (3 posts)"]
    assert [radio["value"] for radio in radios] == [
        str(tags["MS"].pk),
        str(tags["MultipleSclerosis"].pk),
    ]
    assert Hashtag.objects.count() == 4  # nothing merged yet


def test_confirming_merges_into_the_chosen_hashtag(staff_client, author, tags):
    post = PostFactory(author=author)
    _link(post, tags["MS"], 0)
    _link(post, tags["NMO"], 1)
    other = PostFactory(author=author)
    _link(other, tags["MultipleSclerosis"], 0)

    response = _confirm(
        staff_client, tags["MS"], tags["MultipleSclerosis"], target=tags["MultipleSclerosis"]
    )

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert _tags(post) == [("MultipleSclerosis", 0), ("NMO", 1)]
    assert _tags(other) == [("MultipleSclerosis", 0)]
    assert not Hashtag.objects.filter(name="MS").exists()
    page = staff_client.get(response["Location"]).content.decode()
    assert "Merged #MS into #MultipleSclerosis (1 post(s) relinked)." in page


def test_merging_logs_the_change_and_the_deletions(staff_client, tags):
    _confirm(staff_client, tags["MS"], tags["NMO"], tags["Other"], target=tags["NMO"])

    entries = {
        (entry.object_repr, entry.action_flag, entry.get_change_message())
        for entry in LogEntry.objects.all()
    }
    assert entries == {
        ("#NMO", CHANGE, "Merged #MS, #Other into this hashtag."),
        ("#MS", DELETION, ""),
        ("#Other", DELETION, ""),
    }


def test_each_relinked_post_gets_a_version_by_the_editor(staff_client, author, tags):
    post = PostFactory(author=author)
    _link(post, tags["NMO"], 0)
    _link(post, tags["MultipleSclerosis"], 1)
    untouched = PostFactory(author=author)
    _link(untouched, tags["MS"], 0)

    _confirm(staff_client, tags["MS"], tags["MultipleSclerosis"], target=tags["MS"])

    before, after = post.revisions.order_by("number")
    assert (before.origin, before.snapshot["hashtags"]) == (
        ORIGIN_BASELINE,
        ["NMO", "MultipleSclerosis"],
    )
    assert (after.origin, after.user.username, after.snapshot["hashtags"]) == (
        ORIGIN_MERGE,
        "editor",
        ["NMO", "MS"],
    )
    assert not untouched.revisions.exists()


def test_a_target_outside_the_selection_is_refused(staff_client, author, tags):
    post = PostFactory(author=author)
    _link(post, tags["MS"], 0)
    _link(post, tags["MultipleSclerosis"], 1)

    response = _confirm(staff_client, tags["MS"], tags["MultipleSclerosis"], target=tags["NMO"])

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Select a valid choice" in text_of(soup.find("fieldset").find(class_="errorlist"))
    assert Hashtag.objects.count() == 4
    assert _tags(post) == [("MS", 0), ("MultipleSclerosis", 1)]


def test_confirming_without_a_choice_is_refused(staff_client, tags):
    response = _ask(staff_client, tags["MS"], tags["NMO"], confirm="yes")

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Hashtag.objects.count() == 4


def test_cancel_goes_back_to_the_list_as_it_was(staff_client, tags):
    url = f"{CHANGELIST}?q=M"
    response = staff_client.post(
        url, {"action": "merge", "_selected_action": [tags["MS"].pk, tags["NMO"].pk]}
    )

    cancel = BeautifulSoup(response.content, "html.parser").find("a", class_="cancel-link")
    assert text_of(cancel) == "No, take me back"
    assert cancel["href"] == url
    assert staff_client.get(cancel["href"]).status_code == 200
    assert Hashtag.objects.count() == 4


def test_selecting_one_hashtag_merges_nothing(staff_client, tags):
    response = _ask(staff_client, tags["MS"])

    assert response.status_code == 302
    assert Hashtag.objects.count() == 4


def _confirmation_queries(client, tags) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = _ask(client, *tags)
    assert response.status_code == 200
    assert "Keep this hashtag" in response.content.decode()
    return len(queries)


def test_confirmation_page_runs_a_constant_number_of_queries(
    staff_client, author, tags, django_assert_max_num_queries
):
    for tag in tags.values():
        _link(PostFactory(author=author), tag, 0)
    with django_assert_max_num_queries(10):
        two = _confirmation_queries(staff_client, [tags["MS"], tags["NMO"]])
    many = [HashtagFactory(name=f"Many{n}") for n in range(15)]
    for tag in many:
        for _ in range(3):
            _link(PostFactory(author=author), tag, 0)

    assert _confirmation_queries(staff_client, many) == two
