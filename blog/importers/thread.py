"""Read the discussion: bullets (or numbers) that nest by indentation, text with its line breaks."""

import re
from dataclasses import dataclass, field

from blog.importers.document import ImportFormatError, ParsedComment
from blog.importers.lines import SPACES, Line, column_of, dedent

BULLETS = ("•", "◦", "▪", "‣")
COMMENT_MARKER = re.compile(
    r"^[ \t\u00a0]*(?P<marker>[•◦▪‣]|\d{1,4}[.)])[ \t\u00a0]+(?P<text>\S.*)$"
)
COMMENTS_HEADING = re.compile(r"^(?:\d+\s+comments?|comments?)\s*:?$", re.IGNORECASE)


def opens_comments(line: Line) -> bool:
    """Return True for a comments heading, an indented bullet or an indented "1."."""
    if COMMENTS_HEADING.match(line.plain):
        return True
    marker = COMMENT_MARKER.match(line.text)
    return bool(marker and line.indent > 0 and marker["marker"] in (*BULLETS, "1.", "1)"))


@dataclass
class _Draft:
    """A comment being read: its place in the thread, its columns and its lines so far."""

    ref: str
    parent_ref: str | None
    depth: int
    line: int
    bullet_indent: int
    text_column: int
    lines: list[str]
    replies: int = 0


@dataclass
class _Thread:
    """The comments read so far and those a deeper line may still belong to (outermost first)."""

    base_indent: int
    drafts: list[_Draft] = field(default_factory=list)
    open: list[_Draft] = field(default_factory=list)
    top_level_count: int = 0

    def add_comment(self, line: Line, marker: re.Match) -> None:
        """Place a marker line in the thread by its indentation."""
        indent = line.indent
        if indent > self.base_indent and not self.open:
            raise ImportFormatError(
                "a reply bullet with no comment above it to reply to", line.number, indent + 1
            )
        while self.open and indent < self.open[-1].bullet_indent:
            self.open.pop()
        if self.open and indent == self.open[-1].bullet_indent:
            self.open.pop()  # a sibling of the comment on top
        elif self.open and indent > self.open[-1].text_column:
            parent = self.open[-1]
            raise ImportFormatError(
                f"this bullet skips a nesting level: it is indented {indent} columns, "
                f"but a reply to the comment on line {parent.line} is indented at most "
                f"{parent.text_column}",
                line.number,
                indent + 1,
            )
        if self.open:
            parent = self.open[-1]
            parent.replies += 1
            ref, parent_ref = f"{parent.ref}.{parent.replies}", parent.ref
        else:
            self.top_level_count += 1
            ref, parent_ref = str(self.top_level_count), None
        draft = _Draft(
            ref=ref,
            parent_ref=parent_ref,
            depth=len(self.open),
            line=line.number,
            bullet_indent=indent,
            text_column=column_of(line.text, marker.start("text")),
            lines=[marker["text"].rstrip(SPACES)],
        )
        self.drafts.append(draft)
        self.open.append(draft)

    def add_text(self, line: Line, *, after_blank: bool) -> None:
        """Continue the most recent comment with a deeper, non-marker line."""
        if not self.open:
            raise ImportFormatError(
                "text before the first comment: each comment starts with a bullet or number",
                line.number,
                line.indent + 1,
            )
        current = self.open[-1]
        if after_blank:
            current.lines.append("")
        current.lines.append(dedent(line.text, current.text_column))

    def comments(self) -> tuple[ParsedComment, ...]:
        return tuple(
            ParsedComment(
                ref=draft.ref,
                parent_ref=draft.parent_ref,
                depth=draft.depth,
                author_name="",
                body="\n".join(draft.lines),
                line=draft.line,
            )
            for draft in self.drafts
        )


def read_thread(lines: list[Line], start: int, end: int) -> tuple[tuple[ParsedComment, ...], int]:
    """Read the comments from lines[start] on; return them and the index where the thread ends.

    `end` bounds the region (the footer, or another comments heading). The least indented
    marker lines are the top-level comments; the thread ends at the first line that is
    neither a marker line nor indented deeper than them.
    """
    markers = [line for line in lines[start:end] if COMMENT_MARKER.match(line.text)]
    if not markers:
        raise ImportFormatError(
            "a comments heading with no comments under it", lines[start - 1].number
        )
    thread = _Thread(base_indent=min(line.indent for line in markers))
    position = start
    pending_blank = False
    while position < len(lines):
        line = lines[position]
        if line.blank:
            pending_blank = bool(thread.open)
            position += 1
            continue
        marker = COMMENT_MARKER.match(line.text)
        if marker:
            thread.add_comment(line, marker)
        elif line.indent <= thread.base_indent:
            break  # the end of the discussion: the footer, or text out of place
        else:
            thread.add_text(line, after_blank=pending_blank)
        pending_blank = False
        position += 1
    return thread.comments(), position
