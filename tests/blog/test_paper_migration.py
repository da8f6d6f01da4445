"""Migration 0004 turns today's author and page strings into people and a page range.

Run forwards on rows written under 0003, in every author shape the importer accepts
(docs/import-format.md: names up to the first full stop, or ending in `et al.`).
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blog.papers.convert import citation_text_fields
from blog.papers.names import vancouver_authors

BEFORE = [("blog", "0004_post_html_body_and_platform_ids")]
AFTER = [("blog", "0005_paper_people")]

# (authors, pages) as 0003 stored them -> (people, et al., first page, last page, authors).
SHAPES = [
    ("Gelfand et al.", "e34", [{"family": "Gelfand"}], True, "e34", "", "Gelfand et al."),
    (
        "Lindqvist K et al.",
        "",
        [{"family": "Lindqvist", "given": "K."}],
        True,
        "",
        "",
        "Lindqvist K et al.",
    ),
    (
        "Smith J, Jones K.",
        "591-9",
        [{"family": "Smith", "given": "J."}, {"family": "Jones", "given": "K."}],
        False,
        "591",
        "599",
        "Smith J, Jones K.",
    ),
    (
        "Cree BAC, Hauser SL, et al.",
        "1009-1016",
        [{"family": "Cree", "given": "B. A. C."}, {"family": "Hauser", "given": "S. L."}],
        True,
        "1009",
        "1016",
        "Cree BAC, Hauser SL, et al.",
    ),
    (
        "The IFNB Multiple Sclerosis Study Group.",
        "655-61",
        [{"literal": "The IFNB Multiple Sclerosis Study Group"}],
        False,
        "655",
        "661",
        "The IFNB Multiple Sclerosis Study Group.",
    ),
    (
        "Gelfand JM, Cree BA.",
        "1605-17",
        [{"family": "Gelfand", "given": "J. M."}, {"family": "Cree", "given": "B. A."}],
        False,
        "1605",
        "1617",
        "Gelfand JM, Cree BA.",
    ),
]


@pytest.mark.parametrize("shape", SHAPES, ids=[shape[0] for shape in SHAPES])
def test_each_shape_converts_and_writes_back_the_same_vancouver_authors(shape):
    authors, pages, people, et_al, first, last, written = shape

    fields = citation_text_fields(authors=authors, pages_text=pages)

    assert fields == {
        "author_list": people,
        "authors_et_al": et_al,
        "first_page": first,
        "last_page": last,
    }
    assert vancouver_authors(people, et_al) == written == authors


@pytest.mark.django_db(transaction=True)
def test_migration_0004_parses_the_stored_strings():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldPaper = old_apps.get_model("blog", "Paper")
    for number, (authors, pages, *_rest) in enumerate(SHAPES):
        OldPaper.objects.create(
            authors=authors,
            pages=pages,
            title=f"Paper {number}",
            journal="Mult Scler",
            published_on=datetime.date(2014, 10, 9),
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    NewPaper = new_apps.get_model("blog", "Paper")

    for number, (_authors, _pages, people, et_al, first, last, written) in enumerate(SHAPES):
        paper = NewPaper.objects.get(title=f"Paper {number}")
        assert paper.author_list == people
        assert paper.authors_et_al is et_al
        assert (paper.first_page, paper.last_page) == (first, last)
        assert paper.authors == written
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
