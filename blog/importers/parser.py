"""Parse a saved post page (plain text) into a ParsedPost. Pure: no database, no settings.

The grammar is written down in docs/import-format.md. In short, a document is, in order:

    [date line]  title  [teaser #Tags]  body paragraphs
    [citation  abstract sections]...  [CoI: ...]  [About the author  name  bio]
    [comments heading]  comment bullets...  page chrome (By X, Labels:, Recent Posts, ...)

Structure is read with U+00A0 treated as a space; text is otherwise kept exactly.
"""

import dataclasses
import datetime
import re
from dataclasses import dataclass

from blog.hashtags import HASHTAG_NAME
from blog.importers.document import (
    ImportFormatError,
    ParsedAbstractSection,
    ParsedAuthor,
    ParsedComment,
    ParsedPaper,
    ParsedPost,
)

NBSP = "\u00a0"
SPACES = " \t" + NBSP

MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}

DATE_LINE_FORMATS = (
    "%A, %d %B %Y",
    "%d %B %Y",
    "%A, %B %d, %Y",
    "%B %d, %Y",
    "%Y-%m-%d",
)

# Unicode category Cc (C0, DEL and C1) less tab; line breaks are split off before the check.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")

TITLE_MAX_LENGTH = 300
AUTHOR_NAME_MAX_LENGTH = 120

TAG = rf"#{HASHTAG_NAME}"
HASHTAG = re.compile(rf"(?<![\w#&])#({HASHTAG_NAME})")
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

CITATION = re.compile(
    r"""^
    (?P<epub_prefix>Epub\s*:\s*)?
    (?P<authors>[^.]+?\bet\ al\.|[^.]+?\.)\s*
    (?P<title>.+?[.?!])\s*
    (?P<journal>[A-Z][^.;:]*?)\.\s*
    (?P<year>(?:18|19|20)\d\d)
    (?:\s+(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?:\s+(?P<day>\d{1,2}))?)?
    (?:;(?P<volume>[^(:;.\s]+)?(?:\((?P<issue>[^)]+)\))?(?::(?P<pages>[^;\s]+?))?)?
    \.?
    (?:\s*pii\s*:\s*\S+?\.)?
    (?:\s*doi\s*:\s*(?P<doi>10\.\d{4,9}/\S+?))?\.?
    (?:\s*\[?(?P<epub_suffix>Epub\ ahead\ of\ print)\]?\.?)?
    (?:\s*PMID\s*:\s*(?P<pmid>\d{1,10})\.?)?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)

BULLETS = ("•", "◦", "▪", "‣")
COMMENT_MARKER = re.compile(
    r"^[ \t\u00a0]*(?P<marker>[•◦▪‣]|\d{1,4}[.)])[ \t\u00a0]+(?P<text>\S.*)$"
)
COMMENTS_HEADING = re.compile(r"^(?:\d+\s+comments?|comments?)\s*:?$", re.IGNORECASE)

# "By X" signs the post off, but "By …" also opens sentences, so it only counts as page
# chrome when it stands apart from prose (see _Parser._is_chrome).
SIGN_OFF = re.compile(r"^By\s+(?P<name>[^.!?:;]{1,80})$", re.IGNORECASE)
# Other page chrome: lines of the blog platform, not of the post. Once chrome starts the
# footer, only chrome (or blank lines) may follow.
FOOTER_LINES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^Posted by .{1,80}$",
        r"^Recent Posts$",
        r"^Recent Comments$",
        r"^Labels?:.*$",
        r"^(?:Newer Post|Older Post|Home)(?:\s+(?:Newer Post|Older Post|Home))*$",
        r"^Subscribe to:.*$",
        r"^Post a Comment$",
        r"^(?:Note: )?only a member of this blog may post a comment\.?$",
        r"^Comments? (?:are|is) (?:moderated|closed).*$",
        r"^.{0,80}\bcomments? (?:will|may) (?:be|appear) .*moderat.*$",
    )
]


@dataclass
class _Line:
    number: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip(SPACES)

    @property
    def indent(self) -> int:
        """Return the width of the leading white space (tabs to 4, U+00A0 as a space)."""
        width = 0
        for char in self.text:
            if char in (" ", NBSP):
                width += 1
            elif char == "\t":
                width += 4 - width % 4
            else:
                break
        return width

    @property
    def stripped(self) -> str:
        return self.text.strip(SPACES)

    @property
    def plain(self) -> str:
        """Return the stripped text with U+00A0 as a space, for matching structure."""
        return self.stripped.replace(NBSP, " ")


@dataclass
class _Paragraph:
    lines: list[_Line]

    @property
    def number(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        """Return the paragraph with hard-wrapped lines joined by single spaces."""
        return " ".join(line.stripped for line in self.lines)


@dataclass
class _CommentDraft:
    """A comment being read: its place in the thread, its columns and its lines so far."""

    ref: str
    parent_ref: str | None
    depth: int
    line: int
    bullet_indent: int
    text_column: int
    lines: list[str]
    replies: int = 0


def decode_document(data: bytes) -> str:
    """Decode a document's bytes as UTF-8 (a BOM is allowed); name the line of a bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Everything before the first bad byte is valid: count lines and columns in it the way
        # the parser does, so the position matches what an editor shows.
        before = _normalise_newlines(data[: error.start].decode("utf-8").removeprefix("\ufeff"))
        lines = before.split("\n")
        raise ImportFormatError(
            f"invalid UTF-8 (byte 0x{data[error.start]:02x}); save the document as UTF-8",
            len(lines),
            len(lines[-1]) + 1,
        ) from None
    return text.removeprefix("\ufeff")


def parse_post_document(text: str) -> ParsedPost:
    """Parse the text of a saved post page. Raise ImportFormatError naming the line at fault."""
    lines = _split_lines(text)
    if all(line.blank for line in lines):
        raise ImportFormatError("the document is empty", 1)
    return _Parser(lines).parse()


def parse_citation(text: str, line: int) -> ParsedPaper | None:
    """Parse a Vancouver-style citation paragraph; return None if it is not one."""
    # Match on a copy with U+00A0 as a space; the spans are the same in the original.
    match = CITATION.match(text.replace(NBSP, " "))
    if not match:
        return None

    def group(name: str) -> str:
        start, end = match.span(name)
        return text[start:end].strip(SPACES) if start >= 0 else ""

    year = int(match["year"])
    month = MONTHS[match["month"].title()] if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    try:
        published_on = datetime.date(year, month or 1, day or 1)
    except ValueError:
        raise ImportFormatError(
            f"the citation's date {year} {match['month']} {day} does not exist", line
        ) from None
    title = group("title")
    return ParsedPaper(
        authors=group("authors"),
        title=title.removesuffix("."),
        journal=group("journal"),
        published_on=published_on,
        date_precision="day" if day else "month" if month else "year",
        volume=group("volume"),
        issue=group("issue"),
        pages=group("pages"),
        doi=group("doi"),
        pmid=group("pmid"),
        epub_ahead_of_print=bool(match["epub_prefix"] or match["epub_suffix"]),
        abstract=(),
        line=line,
    )


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_lines(text: str) -> list[_Line]:
    """Split the text into numbered lines; refuse control characters other than tab."""
    lines = []
    for number, raw in enumerate(
        _normalise_newlines(text.removeprefix("\ufeff")).split("\n"), start=1
    ):
        if control := CONTROL_CHARACTER.search(raw):
            char = control.group()
            name = "NUL" if char == "\0" else f"U+{ord(char):04X}"
            raise ImportFormatError(
                f"control character {name} is not allowed", number, control.start() + 1
            )
        lines.append(_Line(number, raw.rstrip(" \t")))
    return lines


def _is_footer_line(line: _Line) -> bool:
    return any(pattern.match(line.plain) for pattern in FOOTER_LINES)


def _parse_date_line(text: str) -> datetime.date | None:
    for fmt in DATE_LINE_FORMATS:
        try:
            return datetime.datetime.strptime(text.replace(NBSP, " "), fmt).date()
        except ValueError:
            continue
    return None


def _split_hashtags(text: str) -> tuple[str, list[str]] | None:
    """Return the text without its trailing run of #tags and every #tag in it, in order.

    Return None if the text does not end in a run of #tags.
    """
    trailing = TRAILING_HASHTAGS.search(text)
    if not trailing:
        return None
    return text[: trailing.start(1)].rstrip(SPACES), HASHTAG.findall(text)


def _dedupe(tags: list[str]) -> tuple[str, ...]:
    """Drop repeated tags (ignoring case), keeping the first spelling and the order."""
    seen: set[str] = set()
    unique = []
    for tag in tags:
        if tag.lower() not in seen:
            seen.add(tag.lower())
            unique.append(tag)
    return tuple(unique)


def _add_abstract_paragraph(sections: list[ParsedAbstractSection], paragraph: _Paragraph) -> None:
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


def _is_author_heading(paragraph: _Paragraph) -> bool:
    return bool(ABOUT_AUTHOR.match(paragraph.lines[0].plain))


def _opens_section(paragraph: _Paragraph) -> bool:
    """Return True for an author box heading, a CoI line or a citation."""
    return bool(
        _is_author_heading(paragraph)
        or COI.match(paragraph.text)
        or parse_citation(paragraph.text, paragraph.number)
    )


def _column_of(text: str, index: int) -> int:
    """Return the display column (0-based, tabs to 4) of text[index]."""
    return len(text[:index].replace(NBSP, " ").expandtabs(4))


def _dedent(text: str, column: int) -> str:
    """Remove up to `column` columns of leading white space (U+00A0 counts as a space)."""
    removed = 0
    index = 0
    while index < len(text) and removed < column and text[index] in SPACES:
        removed += 4 - removed % 4 if text[index] == "\t" else 1
        index += 1
    return text[index:]


class _Parser:
    """Read the lines in a single forward pass, section by section."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.position = 0

    # -- line navigation -------------------------------------------------------------

    def _skip_blank(self) -> None:
        while self.position < len(self.lines) and self.lines[self.position].blank:
            self.position += 1

    def _at_end(self) -> bool:
        self._skip_blank()
        return self.position >= len(self.lines)

    def _peek(self) -> _Line:
        self._skip_blank()
        return self.lines[self.position]

    def _take_paragraph(self) -> _Paragraph:
        """Take the next paragraph; a comments start or chrome line ends it early."""
        self._skip_blank()
        taken = []
        while self.position < len(self.lines) and not self.lines[self.position].blank:
            line = self.lines[self.position]
            if taken and (self._starts_comments(line) or self._is_chrome(line)):
                break
            taken.append(line)
            self.position += 1
        return _Paragraph(taken)

    # -- line kinds ------------------------------------------------------------------

    def _starts_comments(self, line: _Line) -> bool:
        """Return True for a comments heading, an indented bullet or an indented "1."."""
        if COMMENTS_HEADING.match(line.plain):
            return True
        marker = COMMENT_MARKER.match(line.text)
        return bool(marker and line.indent > 0 and marker["marker"] in (*BULLETS, "1.", "1)"))

    def _is_chrome(self, line: _Line) -> bool:
        """Return True if the line is page chrome: a footer line, or a sign-off on its own."""
        if _is_footer_line(line):
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
            or _is_footer_line(line)
            or SIGN_OFF.match(line.plain)
            or COMMENT_MARKER.match(line.text)
        )

    # -- the document ----------------------------------------------------------------

    def parse(self) -> ParsedPost:
        """Read the whole document; raise ImportFormatError at the first fault."""
        published_on = None
        first = self._take_paragraph()
        if len(first.lines) == 1 and (date := _parse_date_line(first.lines[0].stripped)):
            published_on = date
            if self._at_end():
                raise ImportFormatError("the document has a date line but no title", first.number)
            first = self._take_paragraph()
        title_line = first.lines[0]
        if len(first.lines) > 1:
            raise ImportFormatError(
                "the title must be a line of its own, followed by a blank line",
                first.lines[1].number,
            )
        if self._starts_comments(title_line) or self._is_chrome(title_line):
            raise ImportFormatError(
                "the document has no title before its comments or page footer", title_line.number
            )
        title = title_line.stripped
        if len(title) > TITLE_MAX_LENGTH:
            raise ImportFormatError(
                f"the title is {len(title)} characters long; "
                f"at most {TITLE_MAX_LENGTH} are allowed",
                title_line.number,
            )

        hashtags: list[str] = []
        series = ""
        if prefix := SERIES_PREFIX.match(title):
            series = prefix["name"]
            if prefix["hash"]:
                hashtags.append(series)

        teaser = ""
        body: list[_Paragraph] = []
        papers: list[tuple[ParsedPaper, list[ParsedAbstractSection]]] = []
        coi_text, coi_line = "", 0
        author: ParsedAuthor | None = None
        signed_by = ""
        comments: tuple[ParsedComment, ...] = ()
        stage = "teaser"  # teaser -> body -> papers -> coi -> author -> comments -> footer

        def require_body(line: int) -> None:
            if not body:
                raise ImportFormatError(
                    "the post has no body text: a paragraph must come between the title "
                    "(or teaser) and this line",
                    line,
                )

        while not self._at_end():
            line = self._peek()
            if self._starts_comments(line):
                require_body(line.number)
                if stage == "comments":
                    raise ImportFormatError(
                        f"a second comments heading (the comments start on line "
                        f"{comments[0].line})",
                        line.number,
                    )
                comments = self._parse_comments()
                stage = "comments"
                continue
            if self._is_chrome(line):
                require_body(line.number)
                signed_by = self._parse_footer()
                break
            if stage == "comments":
                raise ImportFormatError(
                    "unexpected text after the comments: "
                    "comment text must be indented under its bullet",
                    line.number,
                )
            paragraph = self._take_paragraph()
            text = paragraph.text

            if _is_author_heading(paragraph):
                require_body(paragraph.number)
                if stage == "author":
                    raise ImportFormatError("a second “About the author” box", paragraph.number)
                author = self._parse_author_box(paragraph)
                stage = "author"
                continue
            if stage == "author":
                raise ImportFormatError(
                    "unexpected text after the author box: the post's content must come before it",
                    paragraph.number,
                )
            if coi_match := COI.match(text):
                require_body(paragraph.number)
                if coi_line:
                    raise ImportFormatError(
                        f"a second CoI line (the first is on line {coi_line})", paragraph.number
                    )
                coi_text = coi_match["text"].strip(SPACES)
                if not coi_text:
                    raise ImportFormatError(
                        "the CoI line is empty; write “CoI: none” or leave it out",
                        paragraph.number,
                    )
                coi_line = paragraph.number
                stage = "coi"
                continue
            if stage == "coi":
                raise ImportFormatError(
                    "unexpected text after the CoI line: the body and cited papers come before it",
                    paragraph.number,
                )
            if paper := parse_citation(text, paragraph.number):
                require_body(paragraph.number)
                papers.append((paper, []))
                stage = "papers"
                continue
            if stage == "papers":
                _add_abstract_paragraph(papers[-1][1], paragraph)
                continue
            if stage == "teaser":
                stage = "body"
                if (split := _split_hashtags(text)) is not None:
                    teaser, tags = split
                    hashtags.extend(tags)
                    continue
            body.append(paragraph)

        if not body:
            raise ImportFormatError(
                "the post has no body text: write at least one paragraph after the title",
                title_line.number,
            )
        return ParsedPost(
            title=title,
            title_line=title_line.number,
            series=series,
            teaser=teaser,
            hashtags=_dedupe(hashtags),
            body_paragraphs=tuple(p.text for p in body),
            body_line=body[0].number,
            papers=tuple(
                dataclasses.replace(paper, abstract=tuple(sections)) for paper, sections in papers
            ),
            conflict_of_interest=coi_text,
            author=author,
            signed_by=signed_by,
            published_on=published_on,
            comments=comments,
        )

    # -- sections --------------------------------------------------------------------

    def _parse_author_box(self, heading: _Paragraph) -> ParsedAuthor:
        """Read the name and bio after “About the author”; either may be missing."""
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
        bio = [" ".join(line.stripped for line in bio_lines)] if bio_lines else []
        while not self._author_box_ends():
            bio.append(self._take_paragraph().text)
        return ParsedAuthor(name=name_line.stripped, bio="\n\n".join(bio), line=name_line.number)

    def _author_box_ends(self) -> bool:
        """Return True at the end, the comments, the footer or a paragraph opening a section."""
        if self._at_end():
            return True
        line = self._peek()
        if self._starts_comments(line) or self._is_chrome(line):
            return True
        start = self.position
        paragraph = self._take_paragraph()
        self.position = start
        return _opens_section(paragraph)

    def _parse_footer(self) -> str:
        """Consume the page chrome to the end; return the “By X” sign-off name, if any."""
        signed_by = ""
        end_of_post = self._peek()
        while not self._at_end():
            line = self._peek()
            if not self._is_chrome(line):
                raise ImportFormatError(
                    f"content after the end of the post (the page footer starts at line "
                    f"{end_of_post.number}: “{end_of_post.stripped}”)",
                    line.number,
                )
            if not signed_by and (sign_off := SIGN_OFF.match(line.plain)):
                signed_by = sign_off["name"].strip()
            self.position += 1
        return signed_by

    def _parse_comments(self) -> tuple[ParsedComment, ...]:
        """Read the thread: bullets (or numbers) nest by indentation; text keeps its line breaks."""
        if COMMENTS_HEADING.match(self._peek().plain):
            self.position += 1
        start = self.position
        region_end = start
        while region_end < len(self.lines):
            line = self.lines[region_end]
            if (
                not line.blank
                and line.indent == 0
                and not COMMENT_MARKER.match(line.text)
                and (self._is_chrome(line) or COMMENTS_HEADING.match(line.plain))
            ):
                break  # the footer, or another comments heading: the thread ends here
            region_end += 1
        markers = [line for line in self.lines[start:region_end] if COMMENT_MARKER.match(line.text)]
        if not markers:
            raise ImportFormatError(
                "a comments heading with no comments under it", self.lines[start - 1].number
            )
        # The top-level bullets are the least indented ones; the thread ends at the first
        # line that is neither a bullet nor indented deeper than them.
        base_indent = min(line.indent for line in markers)

        drafts: list[_CommentDraft] = []
        # The comments a deeper line may belong to, outermost first.
        open_comments: list[_CommentDraft] = []
        top_level_count = 0
        pending_blank = False
        while self.position < len(self.lines):
            line = self.lines[self.position]
            if line.blank:
                pending_blank = bool(open_comments)
                self.position += 1
                continue
            marker = COMMENT_MARKER.match(line.text)
            if not marker and line.indent <= base_indent:
                break  # the end of the discussion: the footer, or text out of place
            if marker:
                indent = line.indent
                if indent > base_indent and not open_comments:
                    raise ImportFormatError(
                        "a reply bullet with no comment above it to reply to",
                        line.number,
                        indent + 1,
                    )
                while open_comments and indent < open_comments[-1].bullet_indent:
                    open_comments.pop()
                if open_comments and indent == open_comments[-1].bullet_indent:
                    open_comments.pop()  # a sibling of the comment on top
                elif open_comments and indent > open_comments[-1].text_column:
                    parent = open_comments[-1]
                    raise ImportFormatError(
                        f"this bullet skips a nesting level: it is indented {indent} columns, "
                        f"but a reply to the comment on line {parent.line} is indented at most "
                        f"{parent.text_column}",
                        line.number,
                        indent + 1,
                    )
                if open_comments:
                    parent = open_comments[-1]
                    parent.replies += 1
                    ref, parent_ref = f"{parent.ref}.{parent.replies}", parent.ref
                else:
                    top_level_count += 1
                    ref, parent_ref = str(top_level_count), None
                draft = _CommentDraft(
                    ref=ref,
                    parent_ref=parent_ref,
                    depth=len(open_comments),
                    line=line.number,
                    bullet_indent=indent,
                    text_column=_column_of(line.text, marker.start("text")),
                    lines=[marker["text"].rstrip(SPACES)],
                )
                drafts.append(draft)
                open_comments.append(draft)
            elif not open_comments:
                raise ImportFormatError(
                    "text before the first comment: each comment starts with a bullet or number",
                    line.number,
                    line.indent + 1,
                )
            else:
                current = open_comments[-1]
                if pending_blank:
                    current.lines.append("")
                current.lines.append(_dedent(line.text, current.text_column))
            pending_blank = False
            self.position += 1
        return tuple(
            ParsedComment(
                ref=draft.ref,
                parent_ref=draft.parent_ref,
                depth=draft.depth,
                author_name="",
                body="\n".join(draft.lines),
                line=draft.line,
            )
            for draft in drafts
        )
