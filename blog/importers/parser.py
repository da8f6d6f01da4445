"""Parse a saved post page (plain text) into a ParsedPost. Pure: no database, no settings.

The grammar is written down in docs/import-format.md. In short, a document is, in order:

    [date line]  title  [teaser #Tags]  body paragraphs
    [citation  abstract sections]...  [CoI: ...]  [About the author  name  bio]
    [comments heading]  comment bullets...  page chrome (By X, Labels:, Recent Posts, ...)

Sections are found by their place in that order: an indented list above a later section
(a citation, the CoI line, the author box) is body text, not the comments; lines outside
every section are page chrome (see blog/importers/chrome.py). Structure is read with
U+00A0 treated as a space; text is otherwise kept exactly.
"""

import dataclasses
import datetime

from blog.importers.chrome import (
    POSTED_BY,
    SIGN_OFF,
    is_chrome_shaped,
    is_known_chrome,
    labels_of,
)
from blog.importers.document import (
    ImportFormatError,
    ParsedAuthor,
    ParsedPost,
    dedupe_tags,
)
from blog.importers.limits import DEFAULT_LIMITS, Limits, check_counts, check_line_lengths
from blog.importers.lines import SPACES, Line, Paragraph, decode_document, split_lines
from blog.importers.sections import (
    AUTHOR_NAME_MAX_LENGTH,
    COI,
    SERIES_PREFIX,
    TITLE_MAX_LENGTH,
    ReadSoFar,
    add_abstract_paragraph,
    body_text,
    citation_of,
    is_author_heading,
    last_section_start,
    opens_section,
    parse_date_line,
    shorten,
    split_hashtags,
)
from blog.importers.thread import COMMENT_MARKER, COMMENTS_HEADING, opens_comments, read_thread
from blog.importers.vancouver import parse_citation

__all__ = ["decode_document", "parse_citation", "parse_post_document"]


def parse_post_document(
    text: str, *, allow_unterminated: bool = False, limits: Limits = DEFAULT_LIMITS
) -> ParsedPost:
    """Parse the text of a saved post page. Raise ImportFormatError naming the line at fault.

    A page whose comments run to its end, with no page chrome after them, is refused as
    cut off unless `allow_unterminated` says it is complete. A page holding more than
    `limits` allow (blog.importers.limits) is refused too.
    """
    lines = split_lines(text)
    if all(line.blank for line in lines):
        raise ImportFormatError("the document is empty", 1)
    check_line_lengths(lines, limits)
    parsed = _Parser(lines, allow_unterminated=allow_unterminated).parse()
    check_counts(parsed, lines, limits)
    return parsed


class _Parser:
    """Read the lines in a single forward pass, section by section."""

    def __init__(self, lines: list[Line], *, allow_unterminated: bool) -> None:
        self.lines = lines
        self.position = 0
        self.allow_unterminated = allow_unterminated
        self.content_end = last_section_start(lines)

    # -- line navigation -------------------------------------------------------------

    def _skip_blank(self) -> None:
        while self.position < len(self.lines) and self.lines[self.position].blank:
            self.position += 1

    def _at_end(self) -> bool:
        self._skip_blank()
        return self.position >= len(self.lines)

    def _peek(self) -> Line:
        self._skip_blank()
        return self.lines[self.position]

    def _take_paragraph(self) -> Paragraph:
        """Take the next paragraph; a comments start or chrome line ends it early."""
        self._skip_blank()
        taken = []
        while self.position < len(self.lines) and not self.lines[self.position].blank:
            line = self.lines[self.position]
            if taken and (self._starts_comments(line) or self._is_chrome(line)):
                break
            taken.append(line)
            self.position += 1
        return Paragraph(taken)

    def _peek_paragraph(self) -> Paragraph:
        start = self.position
        paragraph = self._take_paragraph()
        self.position = start
        return paragraph

    # -- line kinds ------------------------------------------------------------------

    def _starts_comments(self, line: Line) -> bool:
        """Return True where the comments start: never above a later section."""
        return line.number > self.content_end and opens_comments(line)

    def _is_chrome(self, line: Line) -> bool:
        """Return True if the line is page chrome: a known line, or a sign-off on its own."""
        if is_known_chrome(line):
            return True
        if not SIGN_OFF.match(line.plain):
            return False
        # "By …" also opens sentences: a hard-wrapped body line is not a sign-off.
        return not (self._is_prose(line.number - 1) or self._is_prose(line.number + 1))

    def _is_prose(self, number: int) -> bool:
        """Return True if line `number` is unindented running text (a body line, say)."""
        if not 1 <= number <= len(self.lines):
            return False
        line = self.lines[number - 1]
        return not (
            line.blank
            or line.indent > 0
            or is_known_chrome(line)
            or SIGN_OFF.match(line.plain)
            or COMMENT_MARKER.match(line.text)
        )

    # -- the document ----------------------------------------------------------------

    def parse(self) -> ParsedPost:
        """Read the whole document; raise ImportFormatError at the first fault."""
        published_on, title_line = self._read_title()
        title = title_line.stripped
        content = ReadSoFar()
        series = ""
        if prefix := SERIES_PREFIX.match(title):
            series = prefix["name"]
            if prefix["hash"]:
                content.hashtags.append(series)

        while not self._at_end():
            line = self._peek()
            if self._starts_comments(line):
                self._read_comments(content, line)
            elif self._is_chrome(line):
                self._read_chrome_line(content, line)
            else:
                self._read_paragraph(content, self._take_paragraph())

        if not content.body:
            raise ImportFormatError(
                "the post has no body text: write at least one paragraph after the title",
                title_line.number,
            )
        return ParsedPost(
            title=title,
            title_line=title_line.number,
            series=series,
            teaser=content.teaser,
            hashtags=dedupe_tags(content.hashtags),
            body_paragraphs=tuple(body_text(p) for p in content.body),
            body_line=content.body[0].number,
            papers=tuple(
                dataclasses.replace(paper, abstract=tuple(sections))
                for paper, sections in content.papers
            ),
            conflict_of_interest=content.coi_text,
            author=content.author,
            signed_by=content.signed_by,
            published_on=published_on,
            comments=content.comments,
            labels=tuple(content.labels),
        )

    def _read_title(self) -> tuple[datetime.date | None, Line]:
        """Read the optional date line and the title; refuse a document that has no title."""
        published_on = None
        first = self._take_paragraph()
        if len(first.lines) == 1 and (date := parse_date_line(first.lines[0].stripped)):
            published_on = date
            if self._at_end():
                raise ImportFormatError("the document has a date line but no title", first.number)
            first = self._take_paragraph()
        title_line = first.lines[0]
        if found := self._not_a_title(first):
            raise ImportFormatError(
                f"the document has no title: it starts with {found}", title_line.number
            )
        if len(first.lines) > 1:
            raise ImportFormatError(
                "the title must be a line of its own, followed by a blank line",
                first.lines[1].number,
            )
        if len(title_line.stripped) > TITLE_MAX_LENGTH:
            raise ImportFormatError(
                f"the title is {len(title_line.stripped)} characters long; "
                f"at most {TITLE_MAX_LENGTH} are allowed",
                title_line.number,
            )
        return published_on, title_line

    def _not_a_title(self, paragraph: Paragraph) -> str:
        """Name the later section a would-be title paragraph is (empty if it is a title)."""
        line = paragraph.lines[0]
        if opens_comments(line):
            return "the comments"
        if self._is_chrome(line):
            return f"the page footer (“{line.stripped}”)"
        if is_author_heading(paragraph):
            return "the author box (“About the author”)"
        if COI.match(paragraph.text):
            return "the CoI line"
        if citation_of(paragraph):
            return f"a citation (“{shorten(paragraph.text)}”)"
        # A title and a teaser with no blank line between them are not a missing title.
        teaser = line.stripped if len(paragraph.lines) > 1 else paragraph.text
        if split_hashtags(teaser) is not None:
            return f"the teaser, which ends in hashtags (“{shorten(teaser)}”)"
        return ""

    # -- sections --------------------------------------------------------------------

    def _read_comments(self, content: ReadSoFar, start: Line) -> None:
        """Read the discussion; refuse a page that ends inside it (cut off when saved)."""
        content.require_body(start.number)
        if content.comments:
            raise ImportFormatError(
                f"a second comments heading (the comments start on line "
                f"{content.comments[0].line})",
                start.number,
            )
        if COMMENTS_HEADING.match(start.plain):
            self.position += 1
        first = self.position
        end = first
        while end < len(self.lines):
            line = self.lines[end]
            if (
                not line.blank
                and line.indent == 0
                and not COMMENT_MARKER.match(line.text)
                and (self._is_chrome(line) or COMMENTS_HEADING.match(line.plain))
            ):
                break  # the footer, or another comments heading: the thread ends here
            end += 1
        content.comments, self.position = read_thread(self.lines, first, end)
        content.stage, content.chrome_start = "comments", None
        if self._at_end() and not self.allow_unterminated:
            last = next(line for line in reversed(self.lines) if not line.blank)
            raise ImportFormatError(
                f"the page ends inside the comment that starts on line "
                f"{content.comments[-1].line}; was it saved completely?",
                last.number,
            )

    def _read_chrome_line(self, content: ReadSoFar, line: Line) -> None:
        """Skip a line of page chrome, keeping the sign-off's name and the labels."""
        content.require_body(line.number)
        self._enter_chrome(content, line)
        byline = SIGN_OFF.match(line.plain) or POSTED_BY.match(line.plain)
        if not content.signed_by and byline:
            content.signed_by = byline["name"].strip()
        content.labels.extend(labels_of(line))
        self.position += 1

    def _enter_chrome(self, content: ReadSoFar, line: Line) -> None:
        content.stage = "footer" if content.stage in ("comments", "footer") else "chrome"
        content.chrome_start = content.chrome_start or line

    def _read_paragraph(self, content: ReadSoFar, paragraph: Paragraph) -> None:
        """Place a paragraph that is neither comments nor a known chrome line."""
        stage = content.stage
        if stage in ("chrome", "comments", "footer"):
            # Outside every section: only page chrome may stand here.
            if is_chrome_shaped(paragraph) and not opens_section(paragraph):
                self._enter_chrome(content, paragraph.lines[0])
                return
            if stage == "comments":
                raise ImportFormatError(
                    "unexpected text after the comments: "
                    "comment text must be indented under its bullet",
                    paragraph.number,
                )
            raise content.after_the_end(paragraph.number)
        if is_author_heading(paragraph):
            content.require_body(paragraph.number)
            if stage == "author":
                raise ImportFormatError("a second “About the author” box", paragraph.number)
            content.author = self._read_author_box(paragraph)
            content.stage = "author"
        elif stage == "author":
            raise ImportFormatError(
                "unexpected text after the author box: the post's content must come before it",
                paragraph.number,
            )
        elif coi := COI.match(paragraph.text):
            self._read_coi(content, paragraph, coi["text"].strip(SPACES))
        elif stage == "coi":
            if is_chrome_shaped(paragraph) and not citation_of(paragraph):
                self._enter_chrome(content, paragraph.lines[0])
                return
            raise ImportFormatError(
                "unexpected text after the CoI line: the body and cited papers come before it",
                paragraph.number,
            )
        else:
            self._read_post_text(content, paragraph)

    def _read_coi(self, content: ReadSoFar, paragraph: Paragraph, text: str) -> None:
        content.require_body(paragraph.number)
        if content.coi_line:
            raise ImportFormatError(
                f"a second CoI line (the first is on line {content.coi_line})", paragraph.number
            )
        if not text:
            raise ImportFormatError(
                "the CoI line is empty; write “CoI: none” or leave it out", paragraph.number
            )
        content.coi_text, content.coi_line, content.stage = text, paragraph.number, "coi"

    def _read_post_text(self, content: ReadSoFar, paragraph: Paragraph) -> None:
        """Read a teaser, body, citation or abstract paragraph."""
        if paper := citation_of(paragraph):
            content.require_body(paragraph.number)
            content.papers.append((paper, []))
            content.stage = "papers"
        elif content.stage == "papers":
            add_abstract_paragraph(content.papers[-1][1], paragraph)
        elif content.stage == "teaser" and (split := split_hashtags(paragraph.text)):
            content.teaser, tags = split
            content.hashtags.extend(tags)
            content.stage = "body"
        else:
            content.body.append(paragraph)
            content.stage = "body"

    def _read_author_box(self, heading: Paragraph) -> ParsedAuthor:
        """Read the name and bio after “About the author”; either may be missing.

        Short lines that are not sentences between the bio and the comments or the page
        footer (a comment form's “Leave a Reply to X Cancel reply”, a share widget) are page
        chrome, not the bio; the first paragraph of the bio is always the bio.
        """
        rest = heading.lines[1:]
        if not rest:
            if self._author_box_ends():
                return ParsedAuthor(name="", bio="", line=heading.number)
            rest = self._take_paragraph().lines
        name_line, bio_lines = rest[0], rest[1:]
        if len(name_line.stripped) > AUTHOR_NAME_MAX_LENGTH:
            raise ImportFormatError(
                f"the author's name is over {AUTHOR_NAME_MAX_LENGTH} characters; "
                "is a blank line missing?",
                name_line.number,
            )
        bio = [Paragraph(bio_lines)] if bio_lines else []
        while not self._author_box_ends():
            bio.append(self._take_paragraph())
        if not self._at_end() and self._starts_comments_or_chrome(self._peek()):
            while len(bio) > 1 and is_chrome_shaped(bio[-1]):
                bio.pop()  # chrome between the author box and the comments or footer
        return ParsedAuthor(
            name=name_line.stripped,
            bio="\n\n".join(paragraph.text for paragraph in bio),
            line=name_line.number,
        )

    def _author_box_ends(self) -> bool:
        """Return True at the end, the comments, the footer or a paragraph opening a section."""
        if self._at_end():
            return True
        if self._starts_comments_or_chrome(self._peek()):
            return True
        return opens_section(self._peek_paragraph())

    def _starts_comments_or_chrome(self, line: Line) -> bool:
        return self._starts_comments(line) or self._is_chrome(line)
