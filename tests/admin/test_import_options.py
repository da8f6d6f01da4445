"""The admin import page's options: drafts, complete pages, the default author, the format page."""

import pytest
from django.urls import reverse

from blog.models import Post
from tests.admin.test_import import IMPORT_URL, document, results, soup, upload
from tests.html import text_of

pytestmark = pytest.mark.django_db

FORMAT_URL = reverse("admin:blog_post_import_format")
# Comments that run to the end of the file: the page looks cut off.
CUT_OFF = "A page saved in a hurry\n\nBody text.\n\n  • A comment that stops mid-wo\n"
ANONYMOUS = "A page with no author\n\nBody text.\n\nLabels: NMO, alemtuzumab\n"


def test_import_as_drafts_saves_the_posts_as_drafts(staff_client, seed_text):
    response = upload(staff_client, document("seed.txt", seed_text), draft="on")

    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert not post.is_published()
    assert "Saved as a draft" in results(response)["seed.txt"]


def test_a_cut_off_page_is_refused_unless_the_editor_says_it_is_complete(staff_client):
    refused = upload(staff_client, document("hurried.txt", CUT_OFF))

    assert results(refused)["hurried.txt"] == (
        "hurried.txt Error hurried.txt:5: the page ends inside the comment that starts on "
        "line 5; was it saved completely?"
    )
    assert Post.objects.count() == 0

    accepted = upload(staff_client, document("hurried.txt", CUT_OFF), allow_unterminated="on")

    assert "Created" in results(accepted)["hurried.txt"]
    assert Post.objects.get().comments.get().body == "A comment that stops mid-wo"


def test_a_page_naming_no_author_is_filed_under_the_default_author(staff_client, settings):
    settings.BLOG_DEFAULT_AUTHOR = "The MS blog team"

    response = upload(staff_client, document("anonymous.txt", ANONYMOUS))

    post = Post.objects.get()
    assert post.author.name == "The MS blog team"
    assert [tag.name for tag in post.hashtag_list()] == ["NMO", "alemtuzumab"]
    row = results(response)["anonymous.txt"]
    assert "The document names no author: filed under the default author, The MS blog team" in row
    help_text = text_of(soup(staff_client.get(IMPORT_URL)).find(id="id_author_helptext"))
    assert "the blog's default author, “The MS blog team”" in help_text


@pytest.mark.parametrize(
    "content",
    [CUT_OFF, "#MSBlog #ClinicSpeak\n\nBody.\n", "Title\n\n!!!\n\n  • x\n\nBy -\n", b"\xff"],
)
def test_the_page_speaks_the_forms_language_not_the_commands(staff_client, content):
    response = upload(staff_client, document("page.txt", content))

    page = text_of(soup(response).find(id="content"))
    assert "Error" in page
    assert "--" not in page


def test_the_help_links_to_a_format_page_the_editor_can_open(staff_client):
    link = soup(staff_client.get(IMPORT_URL)).select_one("#content-main > p a")

    assert link["href"] == FORMAT_URL
    page = soup(staff_client.get(FORMAT_URL))
    assert text_of(page.h1) == "The post document format"
    headings = [text_of(h) for h in page.select("#content-main article h2")]
    assert "The post document format" in headings
    subheadings = [text_of(h) for h in page.select("#content-main h3, #content-main h4")]
    assert "Page chrome" in subheadings
    assert not page.select("#content-main script")


def test_the_format_page_needs_the_import_permission(client, django_user_model):
    moderator = django_user_model.objects.create_user("mod", is_staff=True)
    client.force_login(moderator)

    assert client.get(FORMAT_URL).status_code == 403
