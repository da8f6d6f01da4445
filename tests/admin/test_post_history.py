"""A post's version history: who changed what and when, with readable diffs."""

import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.importers import decode_document, parse_post_document
from blog.importers.writer import import_post
from blog.models import Post, PostRevision
from blog.revisions import (
    ORIGIN_ADMIN,
    ORIGIN_BASELINE,
    ORIGIN_IMPORT,
    changed_fields,
    post_snapshot,
    record_post_revision,
    revision_diff,
)
from tests.comments.test_concurrency import run_concurrently
from tests.factories import AuthorFactory, CitationFactory, PaperFactory, PostFactory
from tests.html import form_data, page, text_of

pytestmark = pytest.mark.django_db

TYPO = "did alemtuzumab work in this patient and dos it work in NMO?"
FIXED = "did alemtuzumab work in this patient and does it work in NMO?"


def _change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def _version_url(post, number):
    return reverse("admin:blog_post_revision", args=[post.pk, number])


def _history_url(post):
    return reverse("admin:blog_post_history", args=[post.pk])


def _form(client, url) -> dict[str, list[str]]:
    """Read the post form as the admin renders it, inline management forms included."""
    return form_data(page(client, url).find("form", id="post_form"))


def _submit(client, url, data):
    response = client.post(url, data)
    if response.status_code != 302:
        context = response.context
        errors = [context["adminform"].form.errors] + [
            inline.formset.errors for inline in context["inline_admin_formsets"]
        ]
        pytest.fail(f"the admin refused the form: {errors}")
    return response


def _edit(client, post, **changes):
    """Post the change form as it stands, with `changes` (field name: value) applied."""
    data = _form(client, _change_url(post))
    data.update({name: [value] for name, value in changes.items()})
    return _submit(client, _change_url(post), data)


def _editor(django_user_model):
    return django_user_model.objects.get(username="editor")


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _numbers(post):
    return list(post.revisions.values_list("number", "origin"))


# --- Recording ------------------------------------------------------------------------


def test_import_records_the_first_version(seed_post):
    revision = seed_post.revisions.get()

    assert (revision.number, revision.origin, revision.user) == (1, ORIGIN_IMPORT, None)
    assert revision.snapshot["title"] == seed_post.title
    assert revision.snapshot["hashtags"] == ["MSResearch", "MSBlog", "ClinicSpeak"]
    assert revision.snapshot["papers"][0].startswith("Gelfand et al. Massive CNS monocytic")


def test_editing_a_post_in_the_admin_records_version_2_by_the_editor(
    staff_client, django_user_model, seed_post
):
    data = _form(staff_client, _change_url(seed_post))
    data["title"] = ["ClinicSpeak: what alemtuzumab did in NMO"]
    data["body"] = [data["body"][0].replace(TYPO, FIXED)]
    _submit(staff_client, _change_url(seed_post), data)

    latest = seed_post.revisions.order_by("-number").first()
    assert _numbers(seed_post) == [(2, ORIGIN_ADMIN), (1, ORIGIN_IMPORT)]
    assert latest.user == _editor(django_user_model)
    assert latest.snapshot["title"] == "ClinicSpeak: what alemtuzumab did in NMO"
    assert FIXED in latest.snapshot["body"]
    # Django's own admin log keeps its entry as well.
    assert LogEntry.objects.filter(object_id=str(seed_post.pk)).count() == 1


def test_saving_without_changes_records_nothing(staff_client, seed_post):
    _edit(staff_client, seed_post)  # textareas come back with CRLF, as from a browser

    assert _numbers(seed_post) == [(1, ORIGIN_IMPORT)]


def test_a_post_added_in_the_admin_starts_at_version_1(staff_client, django_user_model, author):
    url = reverse("admin:blog_post_add")
    data = _form(staff_client, url)
    data.update(
        title=["Remyelination news"],
        slug=["remyelination-news"],
        author=[str(author.pk)],
        body=["First paragraph.\r\n\r\nSecond paragraph."],
        published_at_0=["2026-03-01"],
        published_at_1=["12:00:00"],
    )
    _submit(staff_client, url, data)

    post = Post.objects.get(slug="remyelination-news")
    revision = post.revisions.get()
    assert (revision.number, revision.user) == (1, _editor(django_user_model))
    assert revision.snapshot["body"] == "First paragraph.\n\nSecond paragraph."


def test_a_post_older_than_the_history_keeps_its_earlier_version(staff_client, author):
    post = PostFactory(author=author, title="Before the history")

    _edit(staff_client, post, title="After the first edit")

    first, second = post.revisions.order_by("number")
    assert (first.number, first.origin, first.user) == (1, ORIGIN_BASELINE, None)
    assert first.snapshot["title"] == "Before the history"
    assert (second.number, second.origin) == (2, ORIGIN_ADMIN)
    assert second.snapshot["title"] == "After the first edit"


def test_an_unchanged_save_of_a_post_older_than_the_history_records_nothing(staff_client, author):
    post = PostFactory(author=author)

    _edit(staff_client, post)

    assert not post.revisions.exists()


def test_reordered_hashtags_and_an_added_paper_make_a_version(staff_client, author):
    post = PostFactory(author=author, tags=["NMO", "Alemtuzumab"])
    first = CitationFactory(post=post, position=0).paper
    added = PaperFactory(title="Alemtuzumab in NMO: a second case")
    record_post_revision(post)

    data = _form(staff_client, _change_url(post))
    data["post_hashtags-0-position"], data["post_hashtags-1-position"] = ["1"], ["0"]
    data["citations-TOTAL_FORMS"] = ["2"]
    data.update({"citations-1-paper": [str(added.pk)], "citations-1-position": ["1"]})
    _submit(staff_client, _change_url(post), data)

    old, new = (r.snapshot for r in post.revisions.order_by("number"))
    assert new["hashtags"] == ["Alemtuzumab", "NMO"]
    assert new["papers"] == [first.vancouver(), added.vancouver()]
    diffs = {diff.key: diff for diff in revision_diff(old, new)}
    assert set(diffs) == {"hashtags", "papers"}
    assert diffs["hashtags"].reordered and not diffs["hashtags"].added
    assert (diffs["papers"].added, diffs["papers"].removed) == ([added.vancouver()], [])

    soup = page(staff_client, _version_url(post, 2))
    changes = soup.find("section", class_="revision-changes")
    assert "The order changed." in text_of(changes)
    assert [text_of(ins) for ins in changes.find_all("ins")] == [f"+ Added: {added.vancouver()}"]


def test_reimporting_an_unchanged_document_records_nothing(seed_post, seed_path):
    parsed = parse_post_document(decode_document(seed_path.read_bytes()))

    assert import_post(parsed, source_ref=seed_path.stem).action == "unchanged"
    assert _numbers(seed_post) == [(1, ORIGIN_IMPORT)]


def test_importing_a_changed_document_records_a_version_by_its_user(
    seed_post, seed_text, seed_path, django_user_model
):
    importer = django_user_model.objects.create_user("importer")
    parsed = parse_post_document(seed_text.replace(TYPO, FIXED))

    import_post(parsed, source_ref=seed_path.stem, user=importer)

    latest = seed_post.revisions.order_by("-number").first()
    assert (latest.number, latest.origin, latest.user) == (2, ORIGIN_IMPORT, importer)
    assert changed_fields(seed_post.revisions.get(number=1).snapshot, latest.snapshot) == ["Body"]


def test_snapshot_ignores_line_endings_and_time_zones(post):
    plain = post_snapshot(post)
    post.body = post.body.replace("\n", "\r\n")
    post.published_at = post.published_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))

    assert post_snapshot(post) == plain


# --- Diffs ----------------------------------------------------------------------------


def test_body_diff_shows_the_removed_and_added_line_with_context():
    old = {"body": "One.\n\nTwo has a tpyo.\n\nThree.\n\nFour.\n\nFive.\n\nSix."}
    new = {"body": "One.\n\nTwo has a typo.\n\nThree.\n\nFour.\n\nFive.\n\nSix."}

    (diff,) = revision_diff(old, new)

    assert diff.kind == "text"
    assert [(line.kind, line.old_number, line.new_number, line.text) for line in diff.hunks[0]] == [
        ("context", 1, 1, "One."),
        ("context", 2, 2, ""),
        ("removed", 3, None, "Two has a tpyo."),
        ("added", None, 3, "Two has a typo."),
        ("context", 4, 4, ""),
        ("context", 5, 5, "Three."),
    ]
    removed, added = diff.hunks[0][2:4]
    assert [(s.text, s.changed) for s in removed.segments] == [
        ("Two has a ", False),
        ("tpyo", True),
        (".", False),
    ]
    assert [(s.text, s.changed) for s in added.segments] == [
        ("Two has a ", False),
        ("typo", True),
        (".", False),
    ]


def test_a_rewritten_line_is_marked_whole_not_word_by_word():
    (diff,) = revision_diff({"teaser": "What does NMO teach us?"}, {"teaser": "Alemtuzumab fails."})

    assert [[(s.text, s.changed) for s in line.segments] for line in diff.hunks[0]] == [
        [("What does NMO teach us?", True)],
        [("Alemtuzumab fails.", True)],
    ]


def test_short_fields_show_before_and_after():
    (diff,) = revision_diff(
        {"title": "Old title", "status": "draft"}, {"title": "New title", "status": "draft"}
    )

    assert (diff.label, diff.kind, diff.before, diff.after) == (
        "Title",
        "value",
        "Old title",
        "New title",
    )


def test_lists_show_what_was_removed_and_added():
    (diff,) = revision_diff({"hashtags": ["MS", "NMO"]}, {"hashtags": ["NMO", "Alemtuzumab"]})

    assert (diff.removed, diff.added, diff.reordered) == (["MS"], ["Alemtuzumab"], False)


def test_version_page_shows_the_changed_title_and_body_lines(staff_client, seed_post):
    old_title = seed_post.title
    data = _form(staff_client, _change_url(seed_post))
    data["title"] = ["ClinicSpeak: what alemtuzumab did in NMO"]
    data["body"] = [data["body"][0].replace(TYPO, FIXED)]
    _submit(staff_client, _change_url(seed_post), data)

    soup = page(staff_client, _version_url(seed_post, 2))

    changes = soup.find("section", class_="revision-changes")
    assert text_of(changes.h2) == "Changes from version 1 to version 2"
    assert [text_of(h3) for h3 in changes.find_all("h3")] == ["Title", "Body"]
    title = changes.find("section", attrs={"aria-labelledby": "diff-title"})
    assert text_of(title.find("del")) == f"Removed: {old_title}"
    assert text_of(title.find("ins")) == "Added: ClinicSpeak: what alemtuzumab did in NMO"
    body = changes.find("section", attrs={"aria-labelledby": "diff-body"})
    (removed,) = body.find_all("del")
    (added,) = body.find_all("ins")
    assert text_of(removed).startswith("\N{MINUS SIGN} Removed: “The interesting")
    assert text_of(added).startswith("+ Added: “The interesting")
    assert TYPO in text_of(removed) and FIXED in text_of(added)
    assert [text_of(mark) for mark in body.find_all("mark")] == ["dos", "does"]
    content = soup.find("section", class_="revision-content")
    assert FIXED in text_of(content) and TYPO not in text_of(content)


def test_first_version_page_says_there_is_nothing_to_compare(staff_client, seed_post):
    soup = page(staff_client, _version_url(seed_post, 1))

    assert "nothing earlier to compare" in text_of(soup.find("section", class_="revision-changes"))
    assert seed_post.title in text_of(soup.find("section", class_="revision-content"))


def _versions(post, count):
    """Give the post `count` versions, each with another title."""
    for number in range(1, count + 1):
        post.title = f"Title {number}"
        post.save()
        record_post_revision(post, origin=ORIGIN_ADMIN)


def test_any_two_versions_can_be_compared(staff_client, post):
    _versions(post, 3)

    soup = page(staff_client, _version_url(post, 3) + "?compare=1")

    changes = soup.find("section", class_="revision-changes")
    assert text_of(changes.h2) == "Changes from version 1 to version 3"
    assert text_of(changes.find("del")) == "Removed: Title 1"


def test_comparing_with_a_version_that_does_not_exist_is_refused(staff_client, post):
    _versions(post, 2)

    soup = page(staff_client, _version_url(post, 2) + "?compare=7")

    changes = soup.find("section", class_="revision-changes")
    assert "Select a valid choice" in text_of(changes.find(class_="errorlist"))
    assert text_of(changes.h2) == "Changes from version 1 to version 2"


def test_history_page_lists_versions_and_the_admin_log(staff_client, django_user_model, seed_post):
    _edit(staff_client, seed_post, title="ClinicSpeak: retitled")

    soup = page(staff_client, _history_url(seed_post))

    versions = soup.find("section", id="post-versions")
    rows = [
        [text_of(cell) for cell in row.find_all(["th", "td"])]
        for row in versions.tbody.find_all("tr")
    ]
    assert [(row[0], row[2], row[3], row[4]) for row in rows] == [
        ("Version 2", "editor", "admin", "Title"),
        ("Version 1", "—", "import", "First version"),
    ]
    link = versions.tbody.find("a")["href"]
    assert link == _version_url(seed_post, 2)
    log = soup.find("section", attrs={"aria-labelledby": "admin-log-heading"})
    assert "Changed Title." in text_of(log)


def test_a_missing_version_is_not_found(staff_client, post):
    assert staff_client.get(_version_url(post, 1)).status_code == 404


# --- Query counts ---------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [_history_url, lambda post: _version_url(post, 1)])
def test_history_pages_run_a_constant_number_of_queries(
    staff_client, post, url, django_assert_max_num_queries
):
    _versions(post, 1)
    with django_assert_max_num_queries(10):
        one = _queries(staff_client, url(post))
    _versions(post, 20)

    assert _queries(staff_client, url(post)) == one


# --- Permissions ----------------------------------------------------------------------


def _staff(client, django_user_model, *, group=None, permissions=()):
    user = django_user_model.objects.create_user("staffer", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ({"permissions": ["view_comment", "change_comment"]}, 403),
        ({}, 403),
        ({"group": "Editors"}, 200),
        # Moderators hold view_post (they open posts from the comment queue): reading only.
        ({"group": "Moderators"}, 200),
    ],
    ids=["comments-only", "no-permission", "editor", "moderator"],
)
def test_who_may_read_a_version(client, django_user_model, post, who, expected):
    _versions(post, 1)
    client = _staff(client, django_user_model, **who)

    assert client.get(_version_url(post, 1)).status_code == expected
    assert client.get(_history_url(post)).status_code == expected


# --- Concurrency ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_concurrent_writers_each_get_their_own_number():
    post = PostFactory(author=AuthorFactory())

    def write(n):
        copy = Post.objects.get(pk=post.pk)
        copy.title = f"Writer {n}"
        record_post_revision(copy, origin="test")

    errors = run_concurrently([(lambda n=n: write(n)) for n in range(8)])

    assert errors == []
    numbers = sorted(PostRevision.objects.filter(post=post).values_list("number", flat=True))
    assert numbers == list(range(1, 9))
