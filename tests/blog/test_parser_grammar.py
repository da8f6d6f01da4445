"""Property test: a document built from the grammar's pieces parses to what it was built from.

Each example picks the optional sections (date line, series, teaser, a body list, papers
with structured or unstructured abstracts, CoI, author box), page chrome before and after
the comments (known phrasings and short label-like lines), a comment tree of any shape,
U+00A0 or space indentation, CRLF and a BOM; the parse must give back exactly the
structure put in, with no chrome in it. Pure, no database.
"""

import datetime
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from blog.importers import ParsedPost, decode_document, parse_post_document
from tests.thorough import examples, property_test

WORDS = ["relapse", "trial", "cohort", "lesion", "nerve", "clinic", "scan", "dose", "nurse"]
DATE_FORMATS = ["%A, %d %B %Y", "%d %B %Y", "%A, %B %d, %Y", "%B %d, %Y", "%Y-%m-%d"]
CITATIONS = {
    "Haverford P et al. Sleep disorders and fatigue in a multiple sclerosis cohort. "
    "Sleep Med. 2015 Feb;16(2):233-41.": (
        "Sleep disorders and fatigue in a multiple sclerosis cohort"
    ),
    "Epub: Osei K, Daly R. A receptor antagonist promotes remyelination in mice. Nat Neurosci. "
    "2015 Feb 9. doi: 10.1038/nn.3950. [Epub ahead of print] PMID: 25664913.": (
        "A receptor antagonist promotes remyelination in mice"
    ),
    "Lindgren M, Salo T. Did high-dose cholecalciferol slow atrophy? Mult Scler J. 2014 "
    "Dec;20(14):1890-3.": "Did high-dose cholecalciferol slow atrophy?",
}
LABELS = ["BACKGROUND", "OBJECTIVE", "METHODS", "RESULTS", "CONCLUSIONS"]
# Page chrome the platforms print: known phrasings, and short lines that are not sentences.
KNOWN_CHROME = [
    "Posted by MouseDoctor at 06:00",
    "Labels: alpha, beta gamma",
    "Leave a Reply to Anonymous Cancel reply",
    "Share this:",
    "3 thoughts on “The post”",
    "Email This BlogThis! Share to Twitter Share to Facebook",
]
FOOTER_CHROME = [
    "Post a Comment",
    "Newer Post Older Post Home",
    "Subscribe to: Post Comments (Atom)",
    "Please note that all comments are moderated and any personal or marketing-related "
    "submissions will not be shown.",
    "Your email address will not be published. Required fields are marked *",
    "Recent Posts",
    "By Prof G",
]
SHAPED_CHROME = ["Related posts", "Follow the blog on Mastodon", "Load more comments", "Reply"]


@st.composite
def sentence(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=7))
    return " ".join(words).capitalize() + draw(st.sampled_from([".", "?", "!"]))


@st.composite
def prose(draw, max_sentences: int = 3) -> str:
    return " ".join(draw(st.lists(sentence(), min_size=1, max_size=max_sentences)))


@dataclass
class Built:
    """A document's blocks (joined by blank lines) and the structure they must parse to."""

    blocks: list[str] = field(default_factory=list)
    expected: dict = field(default_factory=dict)


def comment_tree(draw, indent_char: str) -> tuple[list[str], list[tuple[str, str | None, str]]]:
    """Return a thread's lines and its comments as (ref, parent ref, body)."""
    lines: list[str] = []
    comments: list[tuple[str, str | None, str]] = []
    path: list[int] = []  # the ref of the last comment, as numbers
    for _ in range(draw(st.integers(1, 7))):
        depth = draw(st.integers(0, len(path))) if path else 0
        path = path[:depth]
        siblings = sum(
            1
            for ref, *_ in comments
            if ref.count(".") == depth
            and (depth == 0 or ref.startswith(".".join(map(str, path)) + "."))
        )
        path.append(siblings + 1)
        ref = ".".join(map(str, path))
        parent = ".".join(map(str, path[:-1])) or None
        paragraphs = draw(
            st.lists(st.lists(sentence(), min_size=1, max_size=2), min_size=1, max_size=2)
        )
        body = "\n\n".join("\n".join(p) for p in paragraphs)
        bullet = indent_char * (2 + 2 * depth)
        marker = draw(st.sampled_from(["•", "◦", "▪", "‣"]))
        first, *rest = body.split("\n")
        lines.append(f"{bullet}{marker} {first}")
        lines.extend(f"{bullet}  {line}" if line else "" for line in rest)
        lines.append("")
        comments.append((ref, parent, body))
    return lines, comments


@st.composite
def document(draw) -> Built:
    built = Built()
    e = built.expected
    if draw(st.booleans()):
        day = draw(st.dates(datetime.date(2005, 1, 1), datetime.date(2025, 12, 31)))
        built.blocks.append(day.strftime(draw(st.sampled_from(DATE_FORMATS))))
        e["published_on"] = day
    series = draw(st.sampled_from(["", "ClinicSpeak", "ResearchSpeak"]))
    title = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))).capitalize()
    built.blocks.append(f"{series}: {title}" if series else title)
    e["title"], e["series"] = built.blocks[-1], series
    e["hashtags"], e["teaser"] = (), ""
    if draw(st.booleans()):
        tags = draw(
            st.lists(st.sampled_from(["MSBlog", "MSResearch", "Trials"]), min_size=1, unique=True)
        )
        e["teaser"] = draw(sentence())
        built.blocks.append(e["teaser"] + " " + " ".join(f"#{t}" for t in tags))
        e["hashtags"] = tuple(tags)
    e["body"] = draw(st.lists(prose(), min_size=1, max_size=3))
    built.blocks.extend(e["body"])
    body_end = len(built.blocks)

    e["papers"] = []
    for citation in draw(st.lists(st.sampled_from(sorted(CITATIONS)), max_size=2, unique=True)):
        built.blocks.append(citation)
        if draw(st.booleans()):  # structured: one paragraph per labelled section
            labels = draw(st.lists(st.sampled_from(LABELS), max_size=4, unique=True))
            sections = [(label, draw(prose())) for label in labels]
            built.blocks.extend(f"{label}: {text}" for label, text in sections)
        else:  # unstructured, with an editorial aside in parentheses
            paragraphs = draw(st.lists(prose(), max_size=2))
            paragraphs = [f"{p} (MD: {draw(sentence())})" for p in paragraphs]
            built.blocks.extend(paragraphs)
            sections = [("", "\n\n".join(paragraphs))] if paragraphs else []
        e["papers"].append((CITATIONS[citation], sections))
    e["coi"] = ""
    if draw(st.booleans()):
        e["coi"] = draw(st.sampled_from(["none", "multiple", "see the disclosures page"]))
        built.blocks.append(f"CoI: {e['coi']}")
    e["author"] = None
    if draw(st.booleans()):
        name = draw(st.sampled_from(["Prof G", "MouseDoctor", "Nurse Aoife"]))
        bio = draw(st.lists(prose(), max_size=2))
        built.blocks.extend(["About the author", name, *bio])
        e["author"] = (name, "\n\n".join(bio))
    # An indented list is body text when a later section follows it.
    if (e["papers"] or e["coi"] or e["author"]) and draw(st.booleans()):
        items = draw(st.lists(sentence(), min_size=1, max_size=3))
        nested = draw(st.lists(sentence(), max_size=2))
        listing = [f"  {n}. {item}" for n, item in enumerate(items, start=1)]
        listing[1:1] = [f"    • {item}" for item in nested]
        built.blocks.insert(body_end, "\n".join(listing))
        e["body"] = [*e["body"], "\n".join(line.strip() for line in listing)]
    return built


def chrome_before_comments(draw, *, shaped_allowed: bool) -> list[str]:
    lines = draw(st.lists(st.sampled_from(KNOWN_CHROME), max_size=3))
    if shaped_allowed:
        lines += draw(st.lists(st.sampled_from(SHAPED_CHROME), max_size=2))
    return lines


@st.composite
def page(draw) -> tuple[str, Built]:
    built = draw(document())
    e = built.expected
    indent_char = draw(st.sampled_from([" ", "\u00a0"]))
    # Chrome before the comments: label-like lines only where no section can take them in
    # (after a bio paragraph or the CoI line); known lines after any section.
    shaped_before = bool((e["author"] and e["author"][1]) or (e["coi"] and not e["author"]))
    before = chrome_before_comments(draw, shaped_allowed=shaped_before)
    e["comments"] = []
    thread = []
    if draw(st.booleans()):
        thread, e["comments"] = comment_tree(draw, indent_char)
        if draw(st.booleans()):
            before.append(f"{len(e['comments'])} comments:")
    # After the comments, anything that is not a sentence is chrome; without comments the
    # footer starts with a line the platforms are known to print.
    after = draw(st.lists(st.sampled_from(FOOTER_CHROME), min_size=1, max_size=3))
    after += draw(st.lists(st.sampled_from(SHAPED_CHROME), max_size=2))
    if thread and draw(st.booleans()):
        after.insert(0, draw(st.sampled_from(SHAPED_CHROME)))
    blocks = [*built.blocks, *before]
    if thread:
        blocks.append("\n".join(thread).rstrip("\n"))
    blocks.extend(after)
    e["chrome"] = [*before, *after]
    text = "\n\n".join(blocks) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = ("\ufeff" if draw(st.booleans()) else "") + text
    return data, built


def structure(post: ParsedPost) -> dict:
    return {
        "published_on": post.published_on,
        "title": post.title,
        "series": post.series,
        "teaser": post.teaser,
        "hashtags": post.hashtags,
        "body": list(post.body_paragraphs),
        "papers": [(p.title, [(s.label, s.text) for s in p.abstract]) for p in post.papers],
        "coi": post.conflict_of_interest,
        "author": (post.author.name, post.author.bio) if post.author else None,
        "comments": [(c.ref, c.parent_ref, c.body) for c in post.comments],
    }


@property_test
@settings(max_examples=examples(100, 25), deadline=None)
@given(built=page())
def test_a_document_built_from_the_grammar_parses_to_its_structure(built):
    data, plan = built
    expected = {key: value for key, value in plan.expected.items() if key != "chrome"}
    expected.setdefault("published_on", None)

    post = parse_post_document(decode_document(data.encode("utf-8")))

    assert structure(post) == expected
    stored = [post.title, post.teaser, *post.body_paragraphs, post.conflict_of_interest]
    stored += [c.body for c in post.comments]
    stored += [s.text for p in post.papers for s in p.abstract]
    stored += [post.author.bio] if post.author else []
    for line in plan.expected["chrome"]:
        assert not any(line in text for text in stored), line
