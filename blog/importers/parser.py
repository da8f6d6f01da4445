"""Parse a saved post page (plain text) into a ParsedPost. Pure: no database, no settings.

The grammar is written down in docs/import-format.md. In short, a document is, in order:

    [date line]  title  [teaser #Tags]  body paragraphs
    [citation  abstract sections]...  [CoI: ...]  [About the author  name  bio]
    [comments heading]  comment bullets...  page chrome (By X, Labels:, Recent Posts, ...)

Structure is read with U+00A0 treated as a space; text is otherwise kept exactly.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

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

MONTHS = {name: number for number, name in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1
)}

DATE_LINE_FORMATS = (
    "%A, %d %B %Y",
    "%d %B %Y",
    "%A, %B %d, %Y",
    "%B %d, %Y",
    "%Y-%m-%d",
)

HASHTAG = re.compile(r"(?<![\w#&])#([A-Za-z][A-Za-z0-9_]*)")
TRAILING_HASHTAGS = re.compile(r"(?:^|\s)(#[A-Za-z][A-Za-z0-9_]*(?:\s+#[A-Za-z][A-Za-z0-9_]*)*)\s*$")
# A series is named by a title prefix that is one CamelCase word: "ClinicSpeak:", "#NewsSpeak:".
SERIES_PREFIX = re.compile(r"^(?P<hash>#?)(?P<name>(?=[A-Za-z0-9]*[a-z])[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*):\s+\S")

COI = re.compile(r"^(?:CoI|COI|Conflicts? of interest)\s*:\s*(?P<text>.*)$", re.IGNORECASE)
ABOUT_AUTHOR = re.compile(r"^About the author:?$", re.IGNORECASE)
ABSTRACT_LABEL = re.compile(r"^(?P<label>[A-Z][A-Z0-9 &,/()-]*[A-Z)])\s*:\s+(?P<text>\S.*)$", re.DOTALL)

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

COMMENT_MARKER = re.compile(r"^(?P<indent>[ \t\u00a0]*)(?P<marker>[•◦▪‣]|\d{1,4}[.)])[ \t\u00a0]+(?P<text>\S.*)$")
COMMENTS_HEADING = re.compile(r"^(?:\d+\s+comments?|comments?)\s*:?$", re.IGNORECASE)

# Page chrome: lines of the blog platform, not of the post. Once one of these starts the
# footer, only chrome (or blank lines) may follow.
CHROME = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^By [^.!?:;]{1,80}$",
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


@dataclass
class _Paragraph:
    lines: list[_Line]

    @property
    def number(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        """The paragraph with hard-wrapped lines joined by single spaces."""
        return " ".join(line.stripped for line in self.lines)


def decode_document(data: bytes) -> str:
    """Decode a document's bytes as UTF-8 (a BOM is allowed); name the line of a bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ImportFormatError(
            f"invalid UTF-8 (byte 0x{data[error.start]:02x}); save the document as UTF-8",
            line,
            column,
        ) from None
    return text.removeprefix("\ufeff")


def parse_post_document(text: str) -> ParsedPost:
    """Parse the text of a saved post page. Raise ImportFormatError naming the line at fault."""
    lines = _split_lines(text)
    if all(line.blank for line in lines):
        raise ImportFormatError("the document is empty", 1)
    return _Parser(lines).parse()


def _split_lines(text: str) -> list[_Line]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        for column, char in enumerate(raw, start=1):
            if char != "\t" and unicodedata.category(char) == "Cc":
                name = "NUL" if char == "\0" else f"U+{ord(char):04X}"
                raise ImportFormatError(f"control character {name} is not allowed", number, column)
        lines.append(_Line(number, raw.rstrip(" \t")))
    return lines


def _is_chrome(line: _Line) -> bool:
    return any(pattern.match(line.stripped) for pattern in CHROME)


def _parse_date_line(text: str) -> datetime.date | None:
    for fmt in DATE_LINE_FORMATS:
        try:
            return datetime.datetime.strptime(text.replace(NBSP, " "), fmt).date()
        except ValueError:
            continue
    return None


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
        raise ImportFormatError(f"the citation's date {year} {match['month']} {day} does not exist", line) from None
    precision = "day" if day else "month" if month else "year"
    title = group("title")
    return ParsedPaper(
        authors=group("authors"),
        title=title[:-1] if title.endswith(".") else title,
        journal=group("journal"),
        published_on=published_on,
        date_precision=precision,
        volume=group("volume"),
        issue=group("issue"),
        pages=group("pages"),
        doi=group("doi"),
        pmid=group("pmid"),
        epub_ahead_of_print=bool(match["epub_prefix"] or match["epub_suffix"]),
        abstract=(),
        line=line,
    )


def _split_hashtags(text: str) -> tuple[str, list[str]]:
    """Return the text without its trailing run of #tags, and every #tag it holds, in order."""
    tags = HASHTAG.findall(text)
    trailing = TRAILING_HASHTAGS.search(text)
    visible = text[: trailing.start(1)].rstrip(SPACES) if trailing else text
    return visible, tags


def _dedupe(tags: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    unique = []
    for tag in tags:
        if tag.lower() not in seen:
            seen.add(tag.lower())
            unique.append(tag)
    return tuple(unique)


class _Parser:
    """A single forward pass over the lines, section by section."""

    def __init__(self, lines: list[_Line]):
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
        self._skip_blank()
        taken = []
        while self.position < len(self.lines) and not self.lines[self.position].blank:
            line = self.lines[self.position]
            if taken and (self._starts_comments(line) or _is_chrome(line)):
                break
            taken.append(line)
            self.position += 1
        return _Paragraph(taken)

    def _starts_comments(self, line: _Line) -> bool:
        if COMMENTS_HEADING.match(line.stripped):
            return True
        marker = COMMENT_MARKER.match(line.text)
        # An indented bullet, or "1." (indented), opens the discussion.
        return bool(marker and line.indent > 0 and marker["marker"] in ("•", "◦", "▪", "‣", "1.", "1)"))

    # -- the document ----------------------------------------------------------------

    def parse(self) -> ParsedPost:
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
                "the title must be a line of its own, followed by a blank line", first.lines[1].number
            )
        if self._starts_comments(title_line) or _is_chrome(title_line):
            raise ImportFormatError("the document has no title before its comments or page footer", title_line.number)
        title = title_line.stripped
        if len(title) > 300:
            raise ImportFormatError(f"the title is {len(title)} characters long; at most 300 are allowed", title_line.number)

        hashtags: list[str] = []
        series = ""
        if prefix := SERIES_PREFIX.match(title):
            series = prefix["name"]
            if prefix["hash"]:
                hashtags.append(series)

        teaser = ""
        body: list[_Paragraph] = []
        papers: list[dict] = []
        coi: _Paragraph | None = None
        author: ParsedAuthor | None = None
        signed_by = ""
        comments: tuple[ParsedComment, ...] = ()
        stage = "teaser"  # teaser -> body -> papers -> coi -> author -> comments -> footer

        while not self._at_end():
            line = self._peek()
            if self._starts_comments(line):
                comments = self._parse_comments()
                stage = "comments"
                continue
            if _is_chrome(line):
                signed_by = self._parse_footer() or signed_by
                break
            if stage == "comments":
                raise ImportFormatError(
                    "unexpected text after the comments: comment text must be indented under its bullet",
                    line.number,
                )
            paragraph = self._take_paragraph()
            text = paragraph.text

            if ABOUT_AUTHOR.match(text):
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
                if coi is not None:
                    raise ImportFormatError(f"a second CoI line (the first is on line {coi.number})", paragraph.number)
                if not coi_match["text"].strip(SPACES):
                    raise ImportFormatError("the CoI line is empty; write “CoI: none” or leave it out", paragraph.number)
                coi = paragraph
                stage = "coi"
                continue
            if stage == "coi":
                raise ImportFormatError(
                    "unexpected text after the CoI line: the body and cited papers come before it",
                    paragraph.number,
                )
            if paper := parse_citation(text, paragraph.number):
                papers.append({"paper": paper, "sections": []})
                stage = "papers"
                continue
            if stage == "papers":
                self._add_abstract_paragraph(papers[-1]["sections"], paragraph)
                continue
            if stage == "teaser":
                stage = "body"
                visible, tags = _split_hashtags(text)
                if TRAILING_HASHTAGS.search(text):
                    teaser = visible
                    hashtags.extend(tags)
                    continue
            body.append(paragraph)

        if not body:
            at = self.lines[-1].number if not (papers or coi) else (papers[0]["paper"].line if papers else coi.number)
            raise ImportFormatError("the post has no body text", at)

        if coi is not None:
            coi_text = COI.match(coi.text)["text"].strip(SPACES)
        else:
            coi_text = ""
        return ParsedPost(
            title=title,
            title_line=title_line.number,
            series=series,
            teaser=teaser,
            hashtags=_dedupe(hashtags),
            body_paragraphs=tuple(p.text for p in body),
            body_line=body[0].number,
            papers=tuple(self._finish_paper(entry) for entry in papers),
            conflict_of_interest=coi_text,
            author=author,
            signed_by=signed_by,
            published_on=published_on,
            comments=comments,
        )

    # -- sections --------------------------------------------------------------------

    @staticmethod
    def _add_abstract_paragraph(sections: list[dict], paragraph: _Paragraph) -> None:
        text = paragraph.text
        if labelled := ABSTRACT_LABEL.match(text):
            sections.append({"label": labelled["label"], "text": labelled["text"], "line": paragraph.number})
        elif sections:
            # A further paragraph of the section above (or of an unstructured abstract).
            sections[-1]["text"] += "\n\n" + text
        else:
            sections.append({"label": "", "text": text, "line": paragraph.number})

    @staticmethod
    def _finish_paper(entry: dict) -> ParsedPaper:
        paper: ParsedPaper = entry["paper"]
        sections = tuple(ParsedAbstractSection(**section) for section in entry["sections"])
        return ParsedPaper(**{**paper.__dict__, "abstract": sections})

    def _parse_author_box(self, heading: _Paragraph) -> ParsedAuthor:
        """Read the name and bio after “About the author”; either may be missing."""
        rest = heading.lines[1:]
        if not rest:
            if self._at_end() or self._starts_comments(self._peek()) or _is_chrome(self._peek()):
                return ParsedAuthor(name="", bio="", line=heading.number)
            rest = self._take_paragraph().lines
        name_line, bio_lines = rest[0], rest[1:]
        if len(name_line.stripped) > 120:
            raise ImportFormatError("the author's name is over 120 characters; is a blank line missing?", name_line.number)
        bio = [" ".join(line.stripped for line in bio_lines)] if bio_lines else []
        while not self._at_end():
            line = self._peek()
            if self._starts_comments(line) or _is_chrome(line):
                break
            bio.append(self._take_paragraph().text)
        return ParsedAuthor(name=name_line.stripped, bio="\n\n".join(bio), line=name_line.number)

    def _parse_footer(self) -> str:
        """Consume the page chrome to the end; return the “By X” sign-off name, if any."""
        signed_by = ""
        end_of_post = self._peek()
        while not self._at_end():
            line = self._peek()
            if not _is_chrome(line):
                raise ImportFormatError(
                    f"content after the end of the post (the page footer starts at line "
                    f"{end_of_post.number}: “{end_of_post.stripped}”)",
                    line.number,
                )
            if line.stripped.startswith("By ") and not signed_by:
                signed_by = line.stripped[3:].strip(SPACES)
            self.position += 1
        return signed_by

    def _parse_comments(self) -> tuple[ParsedComment, ...]:
        """Read the thread: bullets (or numbers) nest by indentation; text keeps its line breaks."""
        if COMMENTS_HEADING.match(self._peek().stripped):
            self.position += 1
        start = self.position
        region_end = start
        while region_end < len(self.lines):
            line = self.lines[region_end]
            if not line.blank and not COMMENT_MARKER.match(line.text) and line.indent == 0 and _is_chrome(line):
                break
            region_end += 1
        markers = [line for line in self.lines[start:region_end] if COMMENT_MARKER.match(line.text)]
        if not markers:
            raise ImportFormatError("a comments heading with no comments under it", self.lines[start - 1].number)
        base_indent = min(line.indent for line in markers)

        comments: list[dict] = []
        # The open comments, outermost first: each is (bullet indent, text column, comment).
        stack: list[tuple[int, int, dict]] = []
        top_level_count = 0
        pending_blank = False
        while self.position < len(self.lines):
            line = self.lines[self.position]
            if line.blank:
                pending_blank = bool(stack)
                self.position += 1
                continue
            marker = COMMENT_MARKER.match(line.text)
            if not marker and line.indent <= base_indent:
                break  # the end of the discussion: the footer, or text out of place
            if marker:
                indent = line.indent
                text_column = _column_of(line.text, marker.start("text"))
                if indent > base_indent and not stack:
                    raise ImportFormatError("a reply bullet with no comment above it to reply to", line.number, indent + 1)
                while stack and indent < stack[-1][0]:
                    stack.pop()
                if stack and indent == stack[-1][0]:
                    stack.pop()  # a sibling of the comment on top
                elif stack and indent > stack[-1][1]:
                    raise ImportFormatError(
                        f"this bullet skips a nesting level: it is indented {indent} columns, but a reply "
                        f"to the comment on line {stack[-1][2]['line']} is indented {stack[-1][1]}",
                        line.number,
                        indent + 1,
                    )
                elif stack and indent < stack[-1][0]:
                    raise ImportFormatError("this bullet's indentation matches no comment above it", line.number, indent + 1)
                elif not stack and indent != base_indent:
                    raise ImportFormatError("this bullet's indentation matches no comment above it", line.number, indent + 1)
                if stack:
                    parent = stack[-1][2]
                    parent["children"] += 1
                    ref = f"{parent['ref']}.{parent['children']}"
                    parent_ref = parent["ref"]
                else:
                    top_level_count += 1
                    ref, parent_ref = str(top_level_count), None
                comment = {
                    "ref": ref,
                    "parent_ref": parent_ref,
                    "depth": len(stack),
                    "lines": [marker["text"].rstrip(SPACES)],
                    "line": line.number,
                    "children": 0,
                }
                comments.append(comment)
                stack.append((indent, text_column, comment))
                pending_blank = False
            else:
                comment = stack[-1][2]
                text_column = stack[-1][1]
                if pending_blank:
                    comment["lines"].append("")
                comment["lines"].append(_dedent(line.text, text_column))
                pending_blank = False
            self.position += 1
        return tuple(
            ParsedComment(
                ref=c["ref"],
                parent_ref=c["parent_ref"],
                depth=c["depth"],
                author_name="",
                body="\n".join(c["lines"]),
                line=c["line"],
            )
            for c in comments
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
