"""Export a stored post as a document and import it again: the same post comes back.

parse -> import -> export -> parse -> import, compared with tests.snapshot.post_content.
"""

import datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from authors.models import Author
from blog.importers import ImportFormatError, decode_document, parse_post_document
from blog.importers.exporter import export_post_document
from blog.importers.writer import UNCHANGED, import_post
from blog.models import Hashtag, Paper, Post, Series
from comments.models import Comment
from tests.blog.test_parser_fuzz import mutated_seed
from tests.conftest import SEED_PATH
from tests.snapshot import post_content
from tests.thorough import examples, property_test

pytestmark = pytest.mark.django_db

DB_SETTINGS = settings(
    max_examples=examples(30, 10),  # each example writes and re-imports a post: the slowest
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def wipe() -> None:
    """Forget every post and what posts share, as a fresh database would."""
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Paper.objects.all().delete()
    Hashtag.objects.all().delete()
    Series.objects.all().delete()
    Author.objects.all().delete()


def content(post: Post) -> dict:
    """post_content, plus the PubMed ids it leaves out (a Vancouver citation has none)."""
    return {**post_content(post), "pmids": [paper.pmid for paper in post.paper_list()]}


def reimport(post: Post, source_ref: str) -> Post:
    """Export the post, wipe the database, and import the exported document."""
    document = export_post_document(post)
    wipe()
    result = import_post(parse_post_document(document), source_ref=source_ref)
    return Post.objects.get(pk=result.post.pk)


def test_exported_seed_imports_as_the_same_post():
    parsed = parse_post_document(decode_document(SEED_PATH.read_bytes()))
    post = import_post(parsed, source_ref=SEED_PATH.stem).post
    before = post_content(post)
    again = reimport(post, "exported-seed")
    assert again.source_ref == "exported-seed"
    assert post_content(again) == before
    assert len(before["comments"]) == 13


def test_an_author_name_that_cannot_sign_off_still_ends_the_page_after_its_comments():
    parsed = parse_post_document(decode_document(SEED_PATH.read_bytes()))
    post = import_post(parsed, source_ref=SEED_PATH.stem, author_name="x").post
    post.author.name = "Dr. Dre"  # a full stop: "By Dr. Dre" is not a sign-off
    post.author.save()

    document = export_post_document(post)

    assert document.endswith("\n\nPost a Comment\n")
    assert len(parse_post_document(document).comments) == 13  # not refused as cut off


def test_exported_seed_reimported_over_itself_is_unchanged():
    parsed = parse_post_document(decode_document(SEED_PATH.read_bytes()))
    post = import_post(parsed, source_ref=SEED_PATH.stem).post
    document = export_post_document(post)
    result = import_post(parse_post_document(document), source_ref=SEED_PATH.stem)
    assert result.action == UNCHANGED, result.changes


# -- generated posts ----------------------------------------------------------------------

# Words without "." ":" ";" ")" or bullets, so no paragraph reads as a citation, a CoI or
# label line, a comment marker or page chrome; every line starts with a word from PROSE.
PROSE = ["the", "we", "alemtuzumab", "patients", "some", "it", "in", "x"]
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüß\u2019'\"-0123456789"
word = st.one_of(
    st.text(LETTERS, min_size=1, max_size=8),
    st.sampled_from(["#MSBlog", "#ClinicSpeak", "#msblog", "and\u00a0so", "(NMO", "“quoted”"]),
)


@st.composite
def sentence(draw, max_words: int = 8) -> str:
    words = draw(st.lists(word, max_size=max_words))
    return " ".join([draw(st.sampled_from(PROSE)), *words])


@st.composite
def comment_body(draw) -> str:
    paragraphs = draw(
        st.lists(st.lists(sentence(4), min_size=1, max_size=3), min_size=1, max_size=3)
    )
    return "\n\n".join("\n".join(lines) for lines in paragraphs)


@st.composite
def comment_depths(draw) -> list[int]:
    """Depths of comments in document order: each at most one deeper than the one above."""
    depths: list[int] = []
    for _ in range(draw(st.integers(0, 7))):
        deepest = depths[-1] + 1 if depths else 0
        depths.append(draw(st.integers(0, min(deepest, 3))))
    return depths


CITATIONS = [
    "Gelfand et al. Massive CNS monocytic infiltration at autopsy in an alemtuzumab-treated"
    " patient with NMO.Neurol Neuroimmunol Neuroinflamm. 2014 Oct 9;1(3):e34.",
    "Epub: Lindqvist K et al. Cholecalciferol as add-on therapy in multiple sclerosis?"
    " Mult Scler. 2014 Oct 2. doi: 10.1177/1352458514553917.",
    "Smith J, Jones K. A trial of something! Lancet Neurol. 2013;12(4):100-9. PMID: 123456.",
]


@st.composite
def post_document(draw) -> str:
    blocks = [draw(st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31))).isoformat()]
    series = draw(st.sampled_from(["", "ClinicSpeak: ", "#NewsSpeak: "]))
    # A title ends in a plain word too: one ending in #tags would be read as the teaser.
    blocks.append(f"{series}{draw(sentence())} {draw(st.sampled_from(PROSE))}")
    tags = draw(st.lists(st.sampled_from(["#MSResearch", "#MSBlog", "#msblog", "#Tag_2"])))
    if tags:
        blocks.append(" ".join([draw(st.sampled_from(["", *PROSE])), *tags]).strip())
    # A body paragraph ends in a plain word: one ending in #tags would be read as the teaser.
    body = draw(st.lists(sentence(), min_size=1, max_size=4))
    blocks.extend(f"{paragraph} {draw(st.sampled_from(PROSE))}" for paragraph in body)
    for citation in draw(st.lists(st.sampled_from(CITATIONS), max_size=2, unique=True)):
        blocks.append(citation)
        for _ in range(draw(st.integers(0, 3))):
            label = draw(st.sampled_from(["", "OBJECTIVES: ", "RESULTS: ", "CONCLUSIONS: "]))
            blocks.append(label + draw(sentence()))
    if draw(st.booleans()):
        blocks.append("CoI: " + draw(sentence()))
    name = draw(st.sampled_from(["Prof G", "Dr Ruth Dobson", "MD2"]))
    blocks.append("About the author")
    blocks.append(name)
    blocks.extend(draw(st.lists(sentence(), max_size=2)))
    thread = []
    for depth in draw(comment_depths()):
        marker = draw(st.sampled_from(["•", "◦", "▪", "‣"]))
        first, *rest = draw(comment_body()).split("\n")
        column = 2 + 2 * depth
        thread.append(" " * column + f"{marker} {first}")
        thread.extend(" " * (column + 2) + line if line else "" for line in rest)
        thread.append("")
    if thread:
        blocks.append("\n".join(thread))
    blocks.append(f"By {name}")
    return "\n\n".join(blocks) + "\n"


@property_test
@DB_SETTINGS
@given(document=post_document())
def test_generated_posts_survive_export_and_reimport(document):
    wipe()
    try:
        parsed = parse_post_document(document)
    except ImportFormatError as error:  # the generator is meant to write only valid documents
        raise AssertionError(f"{error}\n{document}") from None
    post = import_post(parsed, source_ref="generated").post
    before = content(post)
    again = reimport(post, "generated-again")
    assert content(again) == before


@property_test
@DB_SETTINGS
@given(document=mutated_seed())
def test_any_mutated_seed_that_imports_is_unchanged_on_the_second_import(document):
    wipe()
    try:
        parsed = parse_post_document(document)
        first = import_post(parsed, source_ref="mutated", author_name="Fallback Author")
    except ImportFormatError:
        assume(False)
    before = post_content(first.post)
    second = import_post(
        parse_post_document(document), source_ref="mutated", author_name="Fallback Author"
    )
    assert second.action == UNCHANGED, second.changes
    assert post_content(Post.objects.get(pk=first.post.pk)) == before
