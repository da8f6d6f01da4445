"""Import post documents from the admin: check every file, then import all or none."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from authors.models import Author
from blog.forms import DOCUMENT_MAX_BYTES
from blog.models import (
    AbstractSection,
    Citation,
    Hashtag,
    Paper,
    Post,
    PostHashtag,
    PostRevision,
    Series,
)
from comments.models import Comment
from tests.html import text_of

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:blog_post_import")
CHANGELIST_URL = reverse("admin:blog_post_changelist")
SEED_NAME = "clinicspeak-alemtuzumab-nmo.txt"
SEED_TITLE = "ClinicSpeak: macrophages infiltrates after alemtuzumab in a patient with NMO"
MODELS = [
    Post,
    Comment,
    Author,
    Series,
    Hashtag,
    PostHashtag,
    Paper,
    AbstractSection,
    Citation,
    PostRevision,
    LogEntry,
]


@pytest.fixture(autouse=True)
def imports_in_the_request(settings):
    """These uploads are imported in the request; larger ones go to the worker, which
    tests/platforms/test_import_jobs.py tests."""
    settings.IMPORT_INLINE_MAX_BYTES = 4 * DOCUMENT_MAX_BYTES


def document(name: str, content: str | bytes) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/plain")


def upload(client, *files, **fields):
    return client.post(IMPORT_URL, {"documents": list(files), **fields})


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def results(response) -> dict[str, str]:
    """Map each document's name to the text of its row in the results table."""
    rows = soup(response).select("#import-results tbody tr")
    return {text_of(row.th): text_of(row) for row in rows}


def edit_lines(text: str, edit) -> str:
    lines = text.split("\n")
    edit(lines)
    return "\n".join(lines)


def first_comment_index(lines: list[str]) -> int:
    return next(n for n, line in enumerate(lines) if line.startswith("  • "))


@pytest.fixture
def seed_upload(seed_text):
    return lambda name=SEED_NAME: document(name, seed_text)


@pytest.fixture
def user_in(django_user_model):
    def make(group: str):
        user = django_user_model.objects.create_user(group.lower(), is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


# --- The page -------------------------------------------------------------------------


def test_page_renders_in_the_admin_with_a_bounded_query_count(
    staff_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = staff_client.get(IMPORT_URL)

    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Import post documents"
    assert [text_of(li) for li in page.select(".breadcrumbs li")] == [
        "Home",
        "Blog",
        "Posts",
        "Import documents",
    ]
    form = page.find("form", id="import-form")
    assert form["enctype"] == "multipart/form-data"
    assert form.find("input", {"name": "csrfmiddlewaretoken"})


def test_every_field_is_labelled_and_the_file_input_takes_several_files(staff_client):
    page = soup(staff_client.get(IMPORT_URL))

    labels = {label["for"]: text_of(label) for label in page.select("#import-form label[for]")}
    assert labels == {
        "id_documents": "Documents:",
        "id_dry_run": "Dry run",
        "id_draft": "Import as drafts",
        "id_allow_unterminated": "The pages are complete",
        "id_published": "Publication date:",
        "id_author": "Author:",
    }
    documents = page.find("input", id="id_documents")
    assert documents["type"] == "file"
    assert documents.has_attr("multiple")
    assert page.find(id=documents["aria-describedby"]) is not None  # the help text


def test_changelist_links_to_the_import_page(staff_client):
    page = soup(staff_client.get(CHANGELIST_URL))

    link = page.select_one(".object-tools").find("a", string="Import documents")
    assert link["href"] == IMPORT_URL


# --- Importing ------------------------------------------------------------------------


def test_uploading_the_seed_creates_the_post_with_its_comments_and_logs_it(
    staff_client, seed_upload
):
    response = upload(staff_client, seed_upload())

    assert response.status_code == 200
    post = Post.objects.get()
    assert post.title == SEED_TITLE
    assert post.source_ref == "clinicspeak-alemtuzumab-nmo"
    assert post.comments.count() == 13
    row = results(response)[SEED_NAME]
    assert "Created" in row
    assert "13 comments in the document: 13 added" in row
    page = soup(response)
    assert page.find("a", href=reverse("admin:blog_post_change", args=[post.pk]))
    assert page.find("a", href=post.get_absolute_url(), string="View on site")
    assert "Imported 1 document." in text_of(page.select_one(".messagelist"))
    entry = LogEntry.objects.get()
    assert entry.action_flag == ADDITION
    assert entry.user.username == "editor"
    assert entry.object_id == str(post.pk)
    assert entry.get_change_message() == f"Imported from {SEED_NAME}"


def test_the_import_shows_in_the_post_history(staff_client, seed_upload):
    upload(staff_client, seed_upload())
    post = Post.objects.get()

    history = staff_client.get(reverse("admin:blog_post_history", args=[post.pk]))

    assert f"Imported from {SEED_NAME}" in history.content.decode()


def test_the_import_records_a_post_version_by_the_uploading_editor(staff_client, seed_upload):
    upload(staff_client, seed_upload())
    post = Post.objects.get()

    revision = post.revisions.get()

    assert (revision.number, revision.origin) == (1, "import")
    assert revision.user.username == "editor"
    assert revision.snapshot["title"] == SEED_TITLE


def test_a_dry_run_records_no_version(staff_client, seed_upload):
    upload(staff_client, seed_upload(), dry_run="on")

    assert not PostRevision.objects.exists()


def test_uploading_the_same_document_again_is_unchanged(staff_client, seed_upload):
    upload(staff_client, seed_upload())
    before = row_counts()

    response = upload(staff_client, seed_upload())

    assert "Unchanged" in results(response)[SEED_NAME]
    assert row_counts() == before  # no second post, no new log entry


def test_an_edited_document_updates_its_post_and_lists_what_changed(
    staff_client, seed_post, seed_text
):
    edited = seed_text.replace(SEED_TITLE, "ClinicSpeak: what an autopsy says about alemtuzumab")
    edited = edited.replace("I think the case will scare more", "I fear the case will scare more")

    response = upload(staff_client, document(SEED_NAME, edited))

    row = results(response)[SEED_NAME]
    assert "Updated" in row
    assert "Post title changed" in row
    assert "13 comments in the document: 1 edited" in row
    seed_post.refresh_from_db()
    assert seed_post.title == "ClinicSpeak: what an autopsy says about alemtuzumab"
    entry = LogEntry.objects.get()
    assert entry.action_flag == CHANGE
    assert entry.object_id == str(seed_post.pk)


def test_a_comment_dropped_from_the_document_is_counted_as_removed(
    staff_client, seed_post, seed_text
):
    def drop_last_comment(lines):
        last = next(n for n, line in enumerate(lines) if line.startswith("  • Now I'm confused"))
        del lines[last : last + 2]

    response = upload(staff_client, document(SEED_NAME, edit_lines(seed_text, drop_last_comment)))

    assert "12 comments in the document: 1 removed" in results(response)[SEED_NAME]
    assert seed_post.comments.get(source_ref="4").status == Comment.Status.REMOVED


def test_two_good_documents_are_both_imported(staff_client, seed_text):
    other = seed_text.replace(SEED_TITLE, "ClinicSpeak: a second post from the same page")

    response = upload(staff_client, document("one.txt", seed_text), document("two.txt", other))

    assert set(Post.objects.values_list("source_ref", flat=True)) == {"one", "two"}
    assert ["Created" in row for row in results(response).values()] == [True, True]
    assert LogEntry.objects.count() == 2


def test_publication_date_and_author_options_apply_as_on_the_command_line(staff_client, seed_text):
    # Without the author box and the sign-off the document names no author.
    lines = seed_text.split("\n")
    start = lines.index("About the author")
    anonymous = "\n".join(lines[:start] + lines[start + 6 :]).replace("\nBy Prof G\n", "\n")

    upload(
        staff_client,
        document("anonymous.txt", anonymous),
        published="2014-11-03",
        author="Dr Mouse",
    )

    post = Post.objects.get()
    assert post.author.name == "Dr Mouse"
    assert post.get_absolute_url().startswith("/2014/11/")


def test_a_bad_publication_date_is_an_error_on_its_field(staff_client, seed_upload):
    response = upload(staff_client, seed_upload(), published="last week")

    page = soup(response)
    field = page.find("input", id="id_published")
    assert field["aria-invalid"] == "true"
    assert "id_published_error" in field["aria-describedby"].split()
    assert "Enter a date such as 2014-10-14" in text_of(page.find(id="id_published_error"))
    assert Post.objects.count() == 0


# --- Dry run --------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_shows_what_would_be_created(staff_client, seed_upload):
    before = row_counts()

    response = upload(staff_client, seed_upload(), dry_run="on")

    assert row_counts() == before
    row = results(response)[SEED_NAME]
    assert "Would create" in row
    assert SEED_TITLE in row
    assert "13 comments in the document: 13 added" in row
    page = soup(response)
    assert not page.select("#import-results a")  # no post to link to yet
    assert "Dry run: what would change" in text_of(page.find(id="import-results-heading"))
    assert "nothing was saved" in text_of(page.select_one(".messagelist"))
    assert page.find("input", id="id_dry_run").has_attr("checked")


def test_dry_run_on_an_edited_document_lists_the_changes_and_keeps_the_post(
    staff_client, seed_post, seed_text
):
    edited = seed_text.replace(SEED_TITLE, "ClinicSpeak: a new title")
    before = row_counts()

    response = upload(staff_client, document(SEED_NAME, edited), dry_run="on")

    row = results(response)[SEED_NAME]
    assert "Would update" in row
    assert "Post title changed" in row
    links = [a["href"] for a in soup(response).select("#import-results a")]
    assert links == [reverse("admin:blog_post_change", args=[seed_post.pk])]
    assert row_counts() == before
    seed_post.refresh_from_db()
    assert seed_post.title == SEED_TITLE


# --- Errors ---------------------------------------------------------------------------


def _orphan_reply(lines):
    lines.insert(first_comment_index(lines), "    • a reply with no comment above it")


def _title_over_two_lines(lines):
    del lines[1]


def _no_title(lines):
    del lines[: first_comment_index(lines)]


BROKEN = {
    "orphan-reply": (
        _orphan_reply,
        "broken.txt:40:5: a reply bullet with no comment above it to reply to",
    ),
    "title-over-two-lines": (
        _title_over_two_lines,
        "broken.txt:2: the title must be a line of its own, followed by a blank line",
    ),
    "no-title": (
        _no_title,
        "broken.txt:1: the document has no title: it starts with the comments",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_one_broken_document_stops_the_whole_upload(staff_client, seed_upload, seed_text, case):
    edit, message = BROKEN[case]
    before = row_counts()

    response = upload(
        staff_client, seed_upload(), document("broken.txt", edit_lines(seed_text, edit))
    )

    assert response.status_code == 200
    assert row_counts() == before  # neither document was written
    rows = results(response)
    assert message in rows["broken.txt"]
    assert "No errors; not imported" in rows[SEED_NAME]
    page = soup(response)
    assert "nothing was imported" in text_of(page.find(id="import-results-heading"))
    assert "Nothing was saved, not even the documents without errors" in text_of(
        page.select_one("#import-results-heading ~ .errornote")
    )
    assert "Nothing was imported: 1 of 2 documents has errors." in text_of(
        page.select_one(".messagelist")
    )
    assert not page.find("input", id="id_dry_run").has_attr("checked")


def test_invalid_utf8_is_reported_with_line_and_column(staff_client, seed_upload, seed_text):
    data = seed_text.encode().split(b"\n")
    data[4] = data[4][:10] + b"\xff" + data[4][11:]  # line 5, after “ and 7 letters

    response = upload(staff_client, seed_upload(), document("latin1.txt", b"\n".join(data)))

    assert (
        "latin1.txt:5:9: invalid UTF-8 (byte 0xff); save the document as UTF-8"
        in results(response)["latin1.txt"]
    )
    assert Post.objects.count() == 0


def test_a_binary_file_is_refused_as_not_utf8(staff_client):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

    response = upload(staff_client, document("photo.png", png))

    assert "photo.png:1:1: invalid UTF-8 (byte 0x89)" in results(response)["photo.png"]
    assert Post.objects.count() == 0


def test_a_clash_found_only_when_writing_also_stops_the_upload(staff_client, seed_text):
    # Two names, one title: the second would take the first one's URL.
    response = upload(staff_client, document("a.txt", seed_text), document("b.txt", seed_text))

    assert "b.txt:1: another post" in results(response)["b.txt"]
    assert "already uses the URL slug" in results(response)["b.txt"]
    assert Post.objects.count() == 0


def test_errors_keep_the_dry_run_checkbox_and_the_options(staff_client, seed_text):
    broken = edit_lines(seed_text, _title_over_two_lines)

    response = upload(staff_client, document("broken.txt", broken), dry_run="on", author="Prof G")

    page = soup(response)
    assert "broken.txt:2:" in results(response)["broken.txt"]
    assert page.find("input", id="id_dry_run").has_attr("checked")
    assert page.find("input", id="id_author")["value"] == "Prof G"


def test_an_oversized_file_is_refused_before_it_is_read(staff_client, seed_text):
    padding = "\n" * (DOCUMENT_MAX_BYTES - len(seed_text.encode()) + 1)

    response = upload(staff_client, document("huge.txt", seed_text + padding), dry_run="on")

    assert response.status_code == 200
    page = soup(response)
    field = page.find("input", id="id_documents")
    assert field["aria-invalid"] == "true"
    assert "id_documents_error" in field["aria-describedby"].split()
    assert text_of(page.find(id="id_documents_error")) == (
        "huge.txt is 1.0 MB; a document may be at most 1.0 MB."
    )
    assert page.find("input", id="id_dry_run").has_attr("checked")
    assert not page.find(id="import-results")
    assert Post.objects.count() == 0


def test_a_file_at_the_size_limit_is_accepted(staff_client, seed_text):
    padding = "\n" * (DOCUMENT_MAX_BYTES - len(seed_text.encode()))

    upload(staff_client, document(SEED_NAME, seed_text + padding))

    assert Post.objects.count() == 1


def test_two_files_for_the_same_post_are_refused(staff_client, seed_text):
    response = upload(
        staff_client, document("post.txt", seed_text), document("post.text", seed_text)
    )

    error = text_of(soup(response).find(id="id_documents_error"))
    assert error.startswith("post.txt and post.text would import into the same post")
    assert Post.objects.count() == 0


def test_submitting_no_file_asks_for_one(staff_client):
    response = staff_client.post(IMPORT_URL, {"dry_run": "on"})

    assert text_of(soup(response).find(id="id_documents_error")) == "This field is required."


# --- Who may import -------------------------------------------------------------------


def test_an_editor_may_import(client, user_in, seed_upload):
    client.force_login(user_in("Editors"))

    assert client.get(IMPORT_URL).status_code == 200
    assert soup(client.get(CHANGELIST_URL)).find("a", href=IMPORT_URL)
    upload(client, seed_upload())
    assert Post.objects.count() == 1


def test_a_moderator_may_not_import(client, user_in, seed_upload):
    client.force_login(user_in("Moderators"))

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, seed_upload()).status_code == 403
    assert Post.objects.count() == 0
    # Moderators see the post list (view only) without the button.
    changelist = client.get(CHANGELIST_URL)
    assert changelist.status_code == 200
    assert not soup(changelist).find("a", href=IMPORT_URL)


def test_adding_without_changing_is_not_enough(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("adder", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="add_post"), Permission.objects.get(codename="view_post")
    )
    client.force_login(user)

    assert client.get(IMPORT_URL).status_code == 403


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_upload_without_the_csrf_token_is_refused(django_user_model, seed_upload):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.org", "pw"))

    response = upload(client, seed_upload())

    assert response.status_code == 403
    assert Post.objects.count() == 0
