"""The post's own parts (blog.post_parts): what a post page shows of the post, read in one
query (`blog.querysets.read_detail`) and the same as when read through the prefetches."""

import datetime

import pytest

from blog.models import Post
from blog.post_parts import build_post_parts
from tests.factories import AbstractSectionFactory, CitationFactory, PaperFactory, PostFactory

pytestmark = pytest.mark.django_db


def cited_post(**kwargs) -> Post:
    """A post citing three papers (written out of order), with abstracts and hashtags."""
    post = PostFactory(tags=["MSResearch", "NMO", "Alemtuzumab"], **kwargs)
    for position, title in [(2, "Third cited"), (0, "First cited"), (1, "Second cited")]:
        paper = PaperFactory(title=title, published_on=datetime.date(2020, 1, 1 + position))
        for section in (1, 0):  # sections written out of order too
            AbstractSectionFactory(paper=paper, position=section, text=f"{title}, part {section}")
        CitationFactory(post=post, paper=paper, position=position)
    CitationFactory(post=post, paper=PaperFactory(title="No abstract"), position=3)
    return post


def parts_of(post: Post):
    parts = build_post_parts(post)
    return (parts.head, parts.article_start, parts.article_end, parts.json_ld, parts.card)


@pytest.mark.parametrize("make", [cited_post, PostFactory], ids=["cited", "bare"])
def test_one_query_reads_what_the_prefetches_read(make, django_assert_num_queries):
    post = make()
    prefetched = Post.objects.for_detail().get(pk=post.pk)
    plain = Post.objects.for_page().get(pk=post.pk)

    with django_assert_num_queries(1):
        parts = parts_of(plain)

    assert parts == parts_of(prefetched)


def test_citations_papers_and_abstracts_come_in_their_order():
    post = Post.objects.for_page().get(pk=cited_post().pk)

    build_post_parts(post)

    assert [tag.name for tag in post.hashtag_list()] == ["MSResearch", "NMO", "Alemtuzumab"]
    papers = post.paper_list()
    assert [paper.title for paper in papers] == [
        "First cited",
        "Second cited",
        "Third cited",
        "No abstract",
    ]
    assert [section.text for section in papers[2].abstract_sections.all()] == [
        "Third cited, part 0",
        "Third cited, part 1",
    ]
    assert papers[0].published_on == datetime.date(2020, 1, 1)
    assert papers[0].author_list == [{"family": "Gelfand"}]
    assert list(papers[3].abstract_sections.all()) == []
