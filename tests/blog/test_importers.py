"""The database writer: exact seed content, idempotency, updates in place, nothing on failure."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from authors.models import Author
from blog.importers import ImportFormatError, decode_document, parse_post_document
from blog.importers.writer import import_post
from blog.models import AbstractSection, Citation, Hashtag, Paper, Post, PostHashtag, Series
from comments.models import Comment
from tests.snapshot import post_content

pytestmark = pytest.mark.django_db

ALL_MODELS = [Author, Series, Hashtag, Paper, AbstractSection, Post, PostHashtag, Citation, Comment]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


@pytest.fixture
def parsed_seed(seed_path):
    return parse_post_document(decode_document(seed_path.read_bytes()))


def test_seed_import_creates_the_post_exactly(parsed_seed, seed_text):
    result = import_post(parsed_seed, source_ref="clinicspeak-alemtuzumab-nmo")

    post = result.post
    assert result.action == "created"
    assert (
        post.title == "ClinicSpeak: macrophages infiltrates after alemtuzumab in a patient with NMO"
    )
    assert post.series.name == "ClinicSpeak"
    assert post.teaser == "What does the pathology of a case of NMO teach us about alemtuzumab?"
    assert [tag.name for tag in post.hashtag_list()] == ["MSResearch", "MSBlog", "ClinicSpeak"]
    seed_lines = seed_text.split("\n")
    assert post.body.split("\n\n") == [seed_lines[n - 1] for n in range(5, 22, 2)]
    assert post.conflict_of_interest == "multiple"
    assert post.author.name == "Prof G"
    assert post.author.bio.startswith("Professor of Neurology, Barts & The London.")
    assert post.status == Post.Status.PUBLISHED
    assert post.is_published()


def test_seed_import_stores_the_cited_paper(parsed_seed):
    post = import_post(parsed_seed, source_ref="seed").post

    [paper] = post.paper_list()
    assert paper.authors == "Gelfand et al."
    assert paper.journal == "Neurol Neuroimmunol Neuroinflamm"
    assert (paper.published_on, paper.volume, paper.issue, paper.pages) == (
        datetime.date(2014, 10, 9),
        "1",
        "3",
        "e34",
    )
    assert paper.vancouver() == (
        "Gelfand et al. Massive CNS monocytic infiltration at autopsy in an alemtuzumab-treated "
        "patient with NMO. Neurol Neuroimmunol Neuroinflamm. 2014 Oct 9;1(3):e34."
    )
    labels = list(paper.abstract_sections.values_list("label", flat=True))
    assert labels == ["OBJECTIVES", "RESULTS", "CONCLUSIONS"]


def test_seed_import_builds_the_thread_4_plus_9(parsed_seed):
    post = import_post(parsed_seed, source_ref="seed").post

    comments = list(post.comments.order_by("tree_id", "lft"))
    roots = [c for c in comments if c.parent_id is None]
    assert len(comments) == 13
    assert len(roots) == 4
    voltaire = roots[2]
    assert voltaire.body.startswith("“Doctors put drugs of which they know little")
    assert [c.parent_id for c in comments if c.parent_id] == [voltaire.pk] * 9
    assert voltaire.get_descendant_count() == 9
    # Document order is tree order.
    assert [c.source_ref for c in comments] == [
        "1", "2", "3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "4",
    ]  # fmt: skip
    assert comments[3].body == (
        "Long time no hear Dre but still the same old material. It's getting a bit stale old son.\n"
        "The Voltaire quote is a good one but I suggest things have moved on a tad since the 18th "
        "century. He was a champion of the enlightenment and would probably not support your "
        "apparent nihilism.\nAnyway, welcome back."
    )
    assert all(c.author_name == "" and c.display_name == "Anonymous" for c in comments)


def test_undated_document_takes_the_newest_cited_papers_date(parsed_seed):
    post = import_post(parsed_seed, source_ref="seed").post

    assert timezone.localdate(post.published_at) == datetime.date(2014, 10, 9)
    assert post.get_absolute_url() == (
        "/2014/10/clinicspeak-macrophages-infiltrates-after-alemtuzumab-in-a-patient-with-nmo/"
    )


def test_explicit_published_date_wins_and_is_kept_on_reimport(parsed_seed):
    when = timezone.make_aware(datetime.datetime(2014, 11, 3, 9, 30))
    import_post(parsed_seed, source_ref="seed", published_at=when)

    result = import_post(parsed_seed, source_ref="seed")

    assert result.action == "unchanged"
    assert result.post.published_at == when


def test_reimporting_the_same_document_changes_nothing(parsed_seed):
    first = import_post(parsed_seed, source_ref="seed").post
    before = counts()
    stamp = Post.objects.get().updated_at

    result = import_post(parsed_seed, source_ref="seed")

    assert result.action == "unchanged"
    assert result.changes == []
    assert counts() == before
    assert result.post.pk == first.pk
    assert Post.objects.get().updated_at == stamp


def test_edited_document_updates_the_post_in_place(parsed_seed):
    original = import_post(parsed_seed, source_ref="seed").post
    edited = dataclasses.replace(
        parsed_seed,
        title="ClinicSpeak: macrophage infiltrates after alemtuzumab in NMO",
        hashtags=("MSResearch", "ClinicSpeak"),
        conflict_of_interest="none",
    )

    result = import_post(edited, source_ref="seed")

    assert result.action == "updated"
    assert result.post.pk == original.pk
    assert Post.objects.count() == 1
    post = Post.objects.get()
    assert post.title == "ClinicSpeak: macrophage infiltrates after alemtuzumab in NMO"
    assert post.slug == "clinicspeak-macrophage-infiltrates-after-alemtuzumab-in-nmo"
    assert [tag.name for tag in post.hashtag_list()] == ["MSResearch", "ClinicSpeak"]
    assert post.conflict_of_interest == "none"
    assert Hashtag.objects.count() == 3  # the dropped tag still exists for other posts


def test_edited_comment_is_updated_and_new_comment_appended(parsed_seed):
    import_post(parsed_seed, source_ref="seed")
    comments = list(parsed_seed.comments)
    comments[0] = dataclasses.replace(comments[0], body="An edited first comment.")
    last = comments[-1]
    comments.append(dataclasses.replace(last, ref="5", body="A fifth thread.", line=last.line + 2))

    result = import_post(
        dataclasses.replace(parsed_seed, comments=tuple(comments)), source_ref="seed"
    )

    assert result.changes == []
    assert (result.comments.added, result.comments.edited) == (("5",), ("1",))
    assert sorted(result.describe()) == ["comment 1 edited", "comment 5 added"]
    stored = list(Comment.objects.order_by("tree_id", "lft").values_list("source_ref", "body"))
    assert stored[0] == ("1", "An edited first comment.")
    assert stored[-1] == ("5", "A fifth thread.")
    assert len(stored) == 14


def test_comment_dropped_from_the_document_is_marked_removed_not_deleted(parsed_seed):
    import_post(parsed_seed, source_ref="seed")
    without_last = dataclasses.replace(parsed_seed, comments=parsed_seed.comments[:-1])

    result = import_post(without_last, source_ref="seed")

    assert result.describe() == ["comment 4 removed"]
    assert result.comments.counts() == {"removed": 1}
    assert Comment.objects.get(source_ref="4").status == Comment.Status.REMOVED
    assert Comment.objects.count() == 13


def test_comments_posted_on_the_site_survive_reimport(parsed_seed):
    post = import_post(parsed_seed, source_ref="seed").post
    voltaire = Comment.objects.get(source_ref="3")
    Comment.objects.create(post=post, parent=voltaire, body="A new reader's reply.")

    result = import_post(parsed_seed, source_ref="seed")

    assert result.action == "unchanged"
    assert Comment.objects.filter(body="A new reader's reply.").exists()


def test_shared_paper_is_not_duplicated_across_posts(parsed_seed):
    import_post(parsed_seed, source_ref="seed")
    other = dataclasses.replace(parsed_seed, title="NewsSpeak: another look at the same case")

    import_post(other, source_ref="other")

    assert Paper.objects.count() == 1
    assert Citation.objects.count() == 2


def test_slug_taken_by_another_post_is_refused_and_nothing_written(parsed_seed):
    import_post(parsed_seed, source_ref="seed")
    before = counts()

    with pytest.raises(ImportFormatError) as error:
        import_post(parsed_seed, source_ref="a-copy-under-another-name")

    assert error.value.line == 1
    assert "already uses the URL slug" in error.value.message
    assert counts() == before


def test_document_without_author_goes_to_the_default_author(parsed_seed, settings):
    settings.BLOG_DEFAULT_AUTHOR = "MS Blog editors"
    anonymous = dataclasses.replace(parsed_seed, author=None, signed_by="")

    result = import_post(anonymous, source_ref="seed")

    assert result.post.author.name == "MS Blog editors"
    assert result.post.author.slug == "ms-blog-editors"
    assert result.notes == [
        "the document names no author: filed under the default author, MS Blog editors"
    ]
    # Created on first use, then reused: a second page adds no second author.
    other = dataclasses.replace(anonymous, title="Another anonymous page")
    assert import_post(other, source_ref="other").post.author == result.post.author
    assert Author.objects.count() == 1


def test_author_option_wins_over_the_default_author(parsed_seed):
    anonymous = dataclasses.replace(parsed_seed, author=None, signed_by="")

    post = import_post(anonymous, source_ref="seed", author_name="Mouse Doctor").post

    assert post.author.slug == "mouse-doctor"


def test_author_from_sign_off_when_there_is_no_author_box(parsed_seed):
    signed = dataclasses.replace(parsed_seed, author=None, signed_by="Prof K")

    post = import_post(signed, source_ref="seed").post

    assert post.author.name == "Prof K"
    assert post.author.bio == ""


def test_invalid_field_is_reported_at_its_line_and_nothing_written(parsed_seed):
    paper = dataclasses.replace(parsed_seed.papers[0], journal="J" * 300)
    bad = dataclasses.replace(parsed_seed, papers=(paper,))

    with pytest.raises(ImportFormatError) as error:
        import_post(bad, source_ref="seed")

    assert error.value.line == 23
    assert "journal" in error.value.message
    assert counts() == dict.fromkeys(counts(), 0)


def test_failure_midway_rolls_back_everything(parsed_seed, monkeypatch):
    import comments.services

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("blog.importers.writer.comments_sync_imported", explode)
    with pytest.raises(RuntimeError):
        import_post(parsed_seed, source_ref="seed")

    assert comments.services  # the real service is untouched for other tests
    assert counts() == dict.fromkeys(counts(), 0)


def test_loaded_and_imported_content_snapshot_is_stable(parsed_seed):
    post = import_post(parsed_seed, source_ref="seed").post
    first = post_content(post)

    import_post(parsed_seed, source_ref="seed")

    assert post_content(Post.objects.get()) == first


def test_inline_body_hashtags_become_the_posts_tags(parsed_seed):
    body = (*parsed_seed.body_paragraphs, "More on this at #NMOResearch and #MSResearch.")
    post = import_post(
        dataclasses.replace(parsed_seed, body_paragraphs=body), source_ref="seed"
    ).post

    assert [tag.name for tag in post.hashtag_list()] == [
        "MSResearch", "MSBlog", "ClinicSpeak", "NMOResearch",
    ]  # fmt: skip


def test_one_word_labels_become_tags_after_the_others_and_longer_labels_are_reported(parsed_seed):
    labelled = dataclasses.replace(parsed_seed, labels=("NMO", "MSBlog", "heat sensitivity"))

    result = import_post(labelled, source_ref="seed")

    assert [tag.name for tag in result.post.hashtag_list()] == [
        "MSResearch", "MSBlog", "ClinicSpeak", "NMO",
    ]  # fmt: skip
    assert result.notes == [
        "labels of several words are not hashtags, so not kept: heat sensitivity"
    ]
