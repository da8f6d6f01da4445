"""The corpus of saved pages in fixtures/samples/corpus/: each imports to its known structure.

Every positive document has its expected structure written out here (title, author,
hashtags, labels, papers with their abstract labels, the comment tree as refs, the number
of body paragraphs) and none of its page chrome may appear in anything stored. Every
document in refused/ is refused at its line with its reason. Pure tests, except the last,
which imports the whole folder with `manage.py import_post DIR` and reads the pages.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from blog.importers import ImportFormatError, ParsedPost, decode_document, parse_post_document
from blog.models import Post
from tests.conftest import SAMPLES_DIR

CORPUS = SAMPLES_DIR / "corpus"
REFUSED = CORPUS / "refused"

# name: title, author (as the document names it; "" for the default author), hashtags,
# labels, papers [(title start, abstract labels)], comment refs, body paragraphs, chrome.
EXPECTED = {
    "after-comments-label-lines.txt": {
        "title": "ClinicSpeak: the cost of a wheelchair",
        "author": "Prof G",
        "hashtags": ("ClinicSpeak",),
        "comments": "1 1.1",
        "chrome": ["Load more comments", "Newer Post"],
    },
    "blogger-moderation-notice.txt": {
        "title": "ClinicSpeak: the new walking test in clinic",
        "author": "MouseDoctor",
        "hashtags": ("ClinicSpeak",),
        "comments": "1 2",
        "chrome": ["Posted by", "2 comments", "Post a Comment", "Please note", "Newer Post"],
    },
    "blogger-no-author.txt": {
        "title": "Guest post: what changed after my diagnosis",
        "author": "",
        "hashtags": ("GuestPost",),
        "labels": ("GuestPost", "swimming", "newly diagnosed"),
        "body": 2,
        "chrome": ["Labels", "newly diagnosed", "Subscribe to"],
    },
    "body-bullets-before-citation.txt": {
        "title": "ResearchSpeak: what the cohort found about sleep and fatigue",
        "author": "Prof G",
        "hashtags": ("ResearchSpeak", "MSResearch"),
        "papers": [
            ("Sleep disorders and fatigue", ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"])
        ],
        "body": 3,
        "chrome": ["By Prof G"],
    },
    "chrome-before-comments-labels.txt": {
        "title": "ClinicSpeak: heat, baths and Uhthoff",
        "author": "MouseDoctor",
        "hashtags": ("ClinicSpeak",),
        "labels": ("ClinicSpeak", "Uhthoff", "heat sensitivity"),
        "comments": "1 2 2.1 3 3.1",
        "chrome": ["Posted by", "Labels", "5 comments", "Post a Comment"],
    },
    "coi-variants.txt": {
        "title": "ResearchSpeak: exercise and cognition",
        "author": "MouseDoctor",
        "hashtags": ("ResearchSpeak",),
        "coi": "none declared",
        "bio": "A neuroscientist who cycles to work.",
    },
    "comment-quoting-citation.txt": {
        "title": "ResearchSpeak: smoking and progression",
        "author": "MouseDoctor",
        "hashtags": ("ResearchSpeak",),
        "papers": [("Continued cigarette smoking", [])],
        "comments": "1 1.1",
        "quoted": "Tanaka R et al. Smoking and disability in multiple sclerosis.",
    },
    "crlf-bom.txt": {
        "title": "ClinicSpeak: the DVLA and your driving licence",
        "author": "Prof G",
        "hashtags": ("ClinicSpeak", "MSBlog"),
        "comments": "1 1.1",
        "chrome": ["By Prof G", "Recent Posts", "\r", "\ufeff"],
    },
    "date-line-us.txt": {
        "title": "NewsSpeak: the trial newsletter is out",
        "author": "Prof G",
        "hashtags": ("NewsSpeak",),
        "date": "2015-03-04",
    },
    "deep-replies.txt": {
        "title": "ClinicSpeak: switching from injections to tablets",
        "author": "Prof G",
        "hashtags": ("ClinicSpeak",),
        "comments": "1 1.1 1.1.1 1.1.1.1 1.1.1.1.1 2",
    },
    "editorial-parentheses-abstract.txt": {
        "title": "ClinicSpeak: the rituximab dosing question",
        "author": "Prof G",
        "hashtags": ("ClinicSpeak",),
        "papers": [
            ("Extended interval rituximab", ["OBJECTIVE", "METHODS", "RESULTS", "CONCLUSIONS"])
        ],
    },
    "epub-pmid.txt": {
        "title": "NewsSpeak: a new target for remyelination",
        "author": "Prof G",
        "hashtags": ("NewsSpeak", "Remyelination"),
        "papers": [("A muscarinic receptor antagonist", [""])],
    },
    "hard-wrapped-abstract.txt": {
        "title": "ResearchSpeak: retinal thinning predicts disability",
        "author": "Prof G",
        "hashtags": ("ResearchSpeak", "OCT"),
        "papers": [("Retinal layer thinning predicts", ["OBJECTIVE", "RESULTS"])],
    },
    "label-like-lines-before-comments.txt": {
        "title": "ClinicSpeak: the flu jab this winter",
        "author": "Prof G",
        "hashtags": ("ClinicSpeak",),
        "comments": "1",
        "bio": "Professor of Neurology at the Royal London Hospital.",
        "chrome": ["Follow the blog on Mastodon", "Related posts"],
    },
    "multi-paragraph-comments.txt": {
        "title": "ClinicSpeak: stopping treatment at sixty",
        "author": "Prof G",
        "hashtags": ("ClinicSpeak",),
        "comments": "1 1.1 2",
    },
    "nbsp-indentation.txt": {
        "title": "ClinicSpeak: bladder training apps",
        "author": "Nurse Aoife",
        "hashtags": ("ClinicSpeak",),
        "comments": "1 1.1 2",
        "bio": "",
    },
    "no-comments-footer.txt": {
        "title": "ClinicSpeak: the clinic is moving",
        "author": "Nurse Aoife",
        "hashtags": ("ClinicSpeak",),
        "bio": "Aoife runs the infusion day unit.",
        "chrome": ["Posted by", "Newer Post", "Subscribe to"],
    },
    "numbered-body-list.txt": {
        "title": "ClinicSpeak: five things to check before your infusion day",
        "author": "Nurse Aoife",
        "hashtags": ("ClinicSpeak", "MSBlog"),
        "comments": "1 1.1 2",
        "body": 3,
        "list": "1. Bring your latest blood results, or ask us to look them up before you arrive.\n"
        "• A full blood count taken within the last month.\n"
        "• Liver tests if you have had them in the last three months.\n"
        "2. Tell us about any infection, even a cold sore.\n"
        "3. Eat breakfast and drink plenty of water.",
        "chrome": ["3 comments", "By Nurse Aoife", "Recent Posts"],
    },
    "numbered-comments-blogger.txt": {
        "title": "NewsSpeak: the patient panel is recruiting",
        "author": "Prof G",
        "hashtags": ("NewsSpeak",),
        "comments": "1 1.1 2",
        "chrome": ["Posted by", "2 comments", "Post a Comment", "moderated"],
    },
    "series-hash-title-labels.txt": {
        "title": "#NewsSpeak: the conference in pictures",
        "author": "MouseDoctor",
        "hashtags": ("NewsSpeak", "MSBlog"),
        "labels": ("NewsSpeak", "conference", "MSBlog"),
        "chrome": ["Labels", "Posted by"],
    },
    "share-widgets-after-comments.txt": {
        "title": "ClinicSpeak: vaccines and DMTs",
        "author": "",
        "hashtags": ("ClinicSpeak",),
        "comments": "1 1.1",
        "coi": "multiple",
        "chrome": ["BlogThis", "Share to", "Newer Post", "Subscribe to"],
    },
    "tab-indented-comments.txt": {
        "title": "ClinicSpeak: bone health on steroids",
        "author": "Prof G",
        "hashtags": ("ClinicSpeak",),
        "comments": "1 1.1 2",
    },
    "teaser-only-hashtags.txt": {
        "title": "#ResearchSpeak: the biobank turns five",
        "author": "Prof G",
        "hashtags": ("ResearchSpeak", "MSResearch", "Biobank"),
        "teaser": "",
        "body": 2,
    },
    "two-papers-mixed-abstracts.txt": {
        "title": "ResearchSpeak: two views on vitamin D",
        "author": "MouseDoctor",
        "hashtags": ("ResearchSpeak", "VitaminD"),
        "papers": [
            (
                "Serum vitamin D and relapse risk",
                ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"],
            ),
            ("High-dose cholecalciferol did not", [""]),
        ],
    },
    "wordpress-leave-reply.txt": {
        "title": "ClinicSpeak: when to worry about a new symptom",
        "author": "Dr Lerato",
        "hashtags": ("ClinicSpeak", "MSBlog"),
        "comments": "1 1.1 2",
        "body": 2,
        "bio": "Lerato is a clinical fellow in neuroimmunology.\n\nShe tweets about trial design.",
        "chrome": ["Leave a Reply", "Cancel reply", "email address", "Share this"],
    },
    "wordpress-thoughts-heading.txt": {
        "title": "ClinicSpeak: cooling vests in the summer",
        "author": "Prof G",
        "hashtags": ("ClinicSpeak",),
        "comments": "1 1.1 1.1.1",
        "chrome": ["thoughts on", "Leave a Reply"],
    },
}

REFUSALS = {
    "content-after-footer.txt": (
        13,
        "content after the end of the post (the page footer starts at line 9: “By Prof G”)",
    ),
    "cut-off-mid-comment.txt": (
        15,
        "the page ends inside the comment that starts on line 15; was it saved completely?",
    ),
    "cut-off-mid-reply.txt": (
        11,
        "the page ends inside the comment that starts on line 11; was it saved completely?",
    ),
    "missing-title-author-box.txt": (
        1,
        "the document has no title: it starts with the author box (“About the author”)",
    ),
    "missing-title-citation.txt": (
        1,
        "the document has no title: it starts with a citation "
        "(“Ramsay E et al. Continued ci … Neurol. 2015 Jan;72(1):70-7.”)",
    ),
    "missing-title-comments.txt": (1, "the document has no title: it starts with the comments"),
    "missing-title-date-then-teaser.txt": (
        3,
        "the document has no title: it starts with the teaser, which ends in hashtags "
        "(“What does a negative lumbar puncture tell us? #ClinicSpeak”)",
    ),
    "missing-title-teaser.txt": (
        1,
        "the document has no title: it starts with the teaser, which ends in hashtags "
        "(“What does a negative lumbar … ell us? #ClinicSpeak #MSBlog”)",
    ),
    "skipped-level.txt": (
        9,
        "this bullet skips a nesting level: it is indented 8 columns, but a reply to the "
        "comment on line 7 is indented at most 4",
    ),
}


def parse(path) -> ParsedPost:
    return parse_post_document(decode_document(path.read_bytes()))


def stored_texts(post: ParsedPost) -> list[str]:
    """Every text the post would store or show."""
    texts = [post.title, post.teaser, *post.body_paragraphs, post.conflict_of_interest]
    texts += [c.body for c in post.comments]
    if post.author:
        texts += [post.author.name, post.author.bio]
    for paper in post.papers:
        texts += [paper.title, paper.journal, *(s.text for s in paper.abstract)]
    return texts


def test_the_corpus_holds_every_document_listed_here():
    assert len(EXPECTED) >= 25
    assert sorted(p.name for p in CORPUS.glob("*.txt")) == sorted(EXPECTED)
    assert sorted(p.name for p in REFUSED.glob("*.txt")) == sorted(REFUSALS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_imports_to_its_expected_structure(name):
    expected = EXPECTED[name]
    post = parse(CORPUS / name)

    assert post.title == expected["title"]
    assert post.author_name == expected["author"]
    assert post.hashtags == expected["hashtags"]
    assert post.labels == expected.get("labels", ())
    assert [
        (p.title[: len(t)], [s.label for s in p.abstract])
        for p, (t, _) in zip(post.papers, expected.get("papers", []), strict=False)
    ] == [(title, labels) for title, labels in expected.get("papers", [])]
    assert len(post.papers) == len(expected.get("papers", []))
    assert " ".join(c.ref for c in post.comments) == expected.get("comments", "")
    assert all(c.depth == c.ref.count(".") for c in post.comments)
    assert len(post.body_paragraphs) == expected.get("body", 1)
    for text in stored_texts(post):
        for chrome in expected.get("chrome", []):
            assert chrome not in text, (chrome, text)


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("coi-variants.txt", "conflict_of_interest", "none declared"),
        ("share-widgets-after-comments.txt", "conflict_of_interest", "multiple"),
        ("teaser-only-hashtags.txt", "teaser", ""),
    ],
)
def test_fields_read_from_their_sections(name, field, value):
    assert getattr(parse(CORPUS / name), field) == value


@pytest.mark.parametrize("name", [n for n in sorted(EXPECTED) if "bio" in EXPECTED[n]])
def test_the_bio_holds_no_chrome(name):
    assert parse(CORPUS / name).author.bio == EXPECTED[name]["bio"]


def test_a_numbered_list_above_the_coi_line_is_body_text_with_its_lines():
    post = parse(CORPUS / "numbered-body-list.txt")

    assert post.body_paragraphs[1] == EXPECTED["numbered-body-list.txt"]["list"]
    assert post.comments[0].body == "This list would have saved me a wasted journey last March."


def test_a_comment_quoting_a_citation_keeps_it_as_comment_text():
    post = parse(CORPUS / "comment-quoting-citation.txt")

    assert len(post.papers) == 1
    assert EXPECTED["comment-quoting-citation.txt"]["quoted"] in post.comments[0].body


def test_a_us_date_line_dates_the_post():
    assert str(parse(CORPUS / "date-line-us.txt").published_on) == "2015-03-04"


def test_crlf_and_bom_read_as_the_same_document_with_lf():
    data = (CORPUS / "crlf-bom.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data

    lf = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").decode()
    assert parse_post_document(lf) == parse(CORPUS / "crlf-bom.txt")


def test_no_break_space_indentation_nests_the_comments():
    text = (CORPUS / "nbsp-indentation.txt").read_text(encoding="utf-8")
    assert "\u00a0\u00a0\u00a0\u00a0•" in text

    post = parse(CORPUS / "nbsp-indentation.txt")
    assert [(c.ref, c.parent_ref) for c in post.comments] == [
        ("1", None),
        ("1.1", "1"),
        ("2", None),
    ]


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_each_refused_document_is_refused_at_its_line_for_its_reason(name):
    line, message = REFUSALS[name]

    with pytest.raises(ImportFormatError) as caught:
        parse(REFUSED / name)

    assert (caught.value.line, caught.value.message) == (line, message)


@pytest.mark.parametrize("name", ["cut-off-mid-comment.txt", "cut-off-mid-reply.txt"])
def test_a_cut_off_page_imports_when_the_editor_says_it_is_complete(name):
    text = decode_document((REFUSED / name).read_bytes())

    post = parse_post_document(text, allow_unterminated=True)

    assert post.comments[-1].body.endswith(text.rstrip().split()[-1])


@pytest.mark.django_db
def test_the_whole_corpus_imports_from_its_folder_and_no_chrome_reaches_a_page(client, settings):
    settings.BLOG_DEFAULT_AUTHOR = "The editors"
    out = io.StringIO()
    call_command("import_post", str(CORPUS), stdout=out, stderr=io.StringIO())

    assert out.getvalue().splitlines()[-1] == (
        f"{len(EXPECTED)} documents: {len(EXPECTED)} created, 0 updated, 0 unchanged, 0 refused"
    )
    # The site prints some of the same words itself ("Recent Posts", "2 comments"): only
    # the chrome a page without comments or footer does not show is looked for.
    plain = Post.objects.get(source_ref="date-line-us")
    site_words = client.get(plain.get_absolute_url()).content.decode()
    checked = 0
    for name, expected in EXPECTED.items():
        post = Post.objects.get(source_ref=name.removesuffix(".txt"))
        assert post.author.name == (expected["author"] or "The editors")
        # What readers are shown: the body (the head's share-card alt text names the author).
        page = client.get(post.get_absolute_url()).content.decode().partition("<body")[2]
        for chrome in expected.get("chrome", []):
            if chrome.strip() and chrome not in site_words and not chrome[0].isdigit():
                assert chrome not in page, (name, chrome)
                checked += 1
    assert checked >= 25  # the filter leaves most of the chrome to look for
    with pytest.raises(CommandError, match=f"{len(REFUSALS)} of {len(REFUSALS)} document"):
        call_command("import_post", str(REFUSED), stdout=io.StringIO(), stderr=io.StringIO())
