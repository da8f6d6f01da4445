"""The sections of a post document, read paragraph by paragraph: pure helpers for the parser.

Dates, titles and series, teasers and hashtags, citations and abstracts, the CoI line and
the author box heading; and where the last of them stands, above which nothing is a comment.
"""

import dataclasses
import datetime
import re
from dataclasses import dataclass, field

from blog.hashtags import HASHTAG_NAME
from blog.importers.document import (
    HASHTAG,
    ImportFormatError,
    ParsedAbstractSection,
    ParsedAuthor,
    ParsedComment,
    ParsedPaper,
)
from blog.importers.lines import SPACES, Line, Paragraph
from blog.importers.thread import COMMENT_MARKER
from blog.importers.vancouver import parse_citation

DATE_LINE_FORMATS = (
    "%A, %d %B %Y",
    "%d %B %Y",
    "%A, %B %d, %Y",
    "%B %d, %Y",
    "%Y-%m-%d",
)

TITLE_MAX_LENGTH = 300
AUTHOR_NAME_MAX_LENGTH = 120

TAG = rf"#{HASHTAG_NAME}"
TRAILING_HASHTAGS = re.compile(rf"(?:^|\s)({TAG}(?:\s+{TAG})*)\s*$")
# A series is named by a title prefix that is one CamelCase word: "ClinicSpeak:", "#NewsSpeak:".
SERIES_PREFIX = re.compile(
    r"^(?P<hash>#?)(?P<name>(?=[A-Za-z0-9]*[a-z])[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*):\s+\S"
)

COI = re.compile(r"^(?:CoI|COI|Conflicts? of interest)\s*:\s*(?P<text>.*)$", re.IGNORECASE)
ABOUT_AUTHOR = re.compile(r"^About the author:?$", re.IGNORECASE)
ABSTRACT_LABEL = re.compile(
    r"^(?P<label>[A-Z][A-Z0-9 &,/()-]*[A-Z)])\s*:\s+(?P<text>\S.*)$", re.DOTALL
)


def parse_date_line(text: str) -> datetime.date | None:
    for fmt in DATE_LINE_FORMATS:
        try:
            return datetime.datetime.strptime(text.replace("\u00a0", " "), fmt).date()
        except ValueError:
            continue
    return None


def split_hashtags(text: str) -> tuple[str, list[str]] | None:
    """Return the text without its trailing run of #tags and every #tag in it, in order.

    Return None if the text does not end in a run of #tags.
    """
    trailing = TRAILING_HASHTAGS.search(text)
    if not trailing:
        return None
    return text[: trailing.start(1)].rstrip(SPACES), HASHTAG.findall(text)


def add_abstract_paragraph(sections: list[ParsedAbstractSection], paragraph: Paragraph) -> None:
    """Start a section at a LABEL: paragraph; add any other paragraph to the section above."""
    text = paragraph.text
    if labelled := ABSTRACT_LABEL.match(text):
        sections.append(
            ParsedAbstractSection(labelled["label"], labelled["text"], paragraph.number)
        )
    elif sections:
        # A further paragraph of the section above (or of an unstructured abstract).
        sections[-1] = dataclasses.replace(sections[-1], text=f"{sections[-1].text}\n\n{text}")
    else:
        sections.append(ParsedAbstractSection("", text, paragraph.number))


def is_author_heading(paragraph: Paragraph) -> bool:
    return bool(ABOUT_AUTHOR.match(paragraph.lines[0].plain))


def citation_of(paragraph: Paragraph) -> ParsedPaper | None:
    return parse_citation(paragraph.text, paragraph.number)


def opens_section(paragraph: Paragraph) -> bool:
    """Return True for an author box heading, a CoI line or a citation."""
    return bool(is_author_heading(paragraph) or COI.match(paragraph.text) or citation_of(paragraph))


def body_text(paragraph: Paragraph) -> str:
    """Return a body paragraph as one line; a list keeps one line per item."""
    if any(COMMENT_MARKER.match(line.text) for line in paragraph.lines):
        return "\n".join(line.stripped for line in paragraph.lines)
    return paragraph.text


def last_section_start(lines: list[Line]) -> int:
    """Return the line of the last unindented citation, CoI line or author box (0 if none).

    The comments come after every such section, so nothing above this line is a comment.
    """
    last = 0
    group: list[Line] = []
    for line in [*lines, Line(0, "")]:
        if not line.blank:
            group.append(line)
            continue
        if group and group[0].indent == 0:
            try:
                if opens_section(Paragraph(group)):
                    last = group[0].number
            except ImportFormatError:  # a citation with a bad date: a citation all the same
                last = group[0].number
        group = []
    return last


def shorten(text: str, limit: int = 60) -> str:
    """Return the text, or its start and end around an ellipsis if it is long."""
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return f"{text[:half].rstrip()} … {text[-half:].lstrip()}"


@dataclass
class ReadSoFar:
    """What the document has said so far, and which section it is in."""

    stage: str = "teaser"  # teaser body papers coi author chrome comments footer
    teaser: str = ""
    hashtags: list[str] = field(default_factory=list)
    body: list[Paragraph] = field(default_factory=list)
    papers: list[tuple[ParsedPaper, list[ParsedAbstractSection]]] = field(default_factory=list)
    coi_text: str = ""
    coi_line: int = 0
    author: ParsedAuthor | None = None
    signed_by: str = ""
    labels: list[str] = field(default_factory=list)
    comments: tuple[ParsedComment, ...] = ()
    chrome_start: Line | None = None  # the first chrome line since the last content

    def require_body(self, line: int) -> None:
        if not self.body:
            raise ImportFormatError(
                "the post has no body text: a paragraph must come between the title "
                "(or teaser) and this line",
                line,
            )

    def after_the_end(self, line: int) -> ImportFormatError:
        start = self.chrome_start
        return ImportFormatError(
            f"content after the end of the post (the page footer starts at line "
            f"{start.number}: “{start.stripped}”)",
            line,
        )
