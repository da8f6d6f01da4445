"""#Tags written in a post's teaser and body become its hashtags on save."""

import pytest

from blog.markup import hashtag_names
from blog.models import Hashtag, Post
from blog.services import post_hashtags_from_text
from tests.factories import HashtagFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_names_are_read_in_order_and_deduplicated_case_insensitively():
    text = "On #MSResearch and #NMO.\n\nAgain #msresearch, not a#b, not &#39; or /x#y, #ClinicSpeak"
    assert hashtag_names(text) == ["MSResearch", "NMO", "ClinicSpeak"]


def test_markdown_prose_counts_but_not_code_links_or_headings():
    text = (
        "# Heading\n\nSee `#NotATag` and [a link](https://x.org/#frag) about #Real.\n\n"
        "```\n#InCode\n```\n\n## Second #InHeading"
    )
    assert hashtag_names(text, "markdown") == ["Real", "InHeading"]


def test_text_tags_follow_the_posts_own_in_the_order_written():
    HashtagFactory(name="NMO")  # exists, differently cased in the text
    post = PostFactory(
        tags=["ClinicSpeak"],
        teaser="Macrophages after alemtuzumab #MSResearch",
        body="In #nmo, as in #MSResearch and #clinicspeak, #Alemtuzumab.",
        body_format=Post.BodyFormat.MARKDOWN,
    )
    added = post_hashtags_from_text(post=post)
    assert added == ["MSResearch", "NMO", "Alemtuzumab"]
    links = list(post.post_hashtags.order_by("position").select_related("hashtag"))
    assert [(link.position, link.hashtag.name) for link in links] == [
        (0, "ClinicSpeak"),
        (1, "MSResearch"),
        (2, "NMO"),
        (3, "Alemtuzumab"),
    ]
    assert Hashtag.objects.filter(slug="nmo").count() == 1
    assert post_hashtags_from_text(post=post) == []  # saving again changes nothing


def test_saving_in_the_admin_adds_the_text_tags_and_keeps_the_rows_order(staff_client, post):
    HashtagFactory(name="First")
    second = HashtagFactory(name="Second")
    first = Hashtag.objects.get(name="First")
    data = {
        "title": post.title,
        "slug": post.slug,
        "teaser": "A #Teaser tag",
        "body": "Body with #Second and #NewOne",
        "body_format": "markdown",
        "author": post.author.pk,
        "published_at_0": "2014-10-20",
        "published_at_1": "10:00:00",
        "status": "published",
        "post_hashtags-TOTAL_FORMS": "2",
        "post_hashtags-INITIAL_FORMS": "0",
        # Rows added on the page, positions left to the server.
        "post_hashtags-0-hashtag": second.pk,
        "post_hashtags-0-position": "0",
        "post_hashtags-1-hashtag": first.pk,
        "post_hashtags-1-position": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    response = staff_client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [tag.name for tag in Post.objects.get(pk=post.pk).hashtag_list()] == [
        "Second",
        "First",
        "Teaser",
        "NewOne",
    ]


def test_the_hashtag_rows_have_no_position_to_type_and_read_as_tags(staff_client):
    post = PostFactory(title="Alemtuzumab in NMO", tags=["MSResearch"])
    page = staff_client.get(f"/admin/blog/post/{post.pk}/change/").text
    assert 'type="hidden" name="post_hashtags-__prefix__-position"' in page
    row = page[page.index('<td class="original">') :]
    assert row[: row.index("</p>")].split() == ["<td", 'class="original">', "<p>", "#MSResearch"]
    assert "Alemtuzumab in NMO #MSResearch" not in page


def test_the_post_page_lists_after_the_teaser_only_the_tags_it_does_not_write(client):
    post = PostFactory(teaser="What an autopsy shows #NMO", tags=["NMO", "MSResearch"])
    page = client.get(post.get_absolute_url()).text
    teaser = page[page.index('<p class="teaser">') :]
    teaser = teaser[: teaser.index("</p>")]
    assert teaser.count(">#NMO</a>") == 1
    assert teaser.count(">#MSResearch</a>") == 1
