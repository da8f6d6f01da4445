"""The document as numbered lines and paragraphs: decoding, line endings, indentation.

Structure is read with U+00A0 treated as a space; text is otherwise kept exactly.
"""

import re
from dataclasses import dataclass

from blog.importers.document import ImportFormatError

NBSP = "\u00a0"
SPACES = " \t" + NBSP

# Unicode category Cc (C0, DEL and C1) less tab; line breaks are split off before the check.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


@dataclass
class Line:
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
class Paragraph:
    lines: list[Line]

    @property
    def number(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        """Return the paragraph with hard-wrapped lines joined by single spaces."""
        return " ".join(line.stripped for line in self.lines)


def decode_document(data: bytes) -> str:
    """Decode a document's bytes as UTF-8 (a BOM is allowed); name the line of a bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Everything before the first bad byte is valid: count lines and columns in it the way
        # the parser does, so the position matches what an editor shows.
        before = normalise_newlines(data[: error.start].decode("utf-8").removeprefix("\ufeff"))
        lines = before.split("\n")
        raise ImportFormatError(
            f"invalid UTF-8 (byte 0x{data[error.start]:02x}); save the document as UTF-8",
            len(lines),
            len(lines[-1]) + 1,
        ) from None
    return text.removeprefix("\ufeff")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[Line]:
    """Split the text into numbered lines; refuse control characters other than tab."""
    lines = []
    for number, raw in enumerate(
        normalise_newlines(text.removeprefix("\ufeff")).split("\n"), start=1
    ):
        if control := CONTROL_CHARACTER.search(raw):
            char = control.group()
            name = "NUL" if char == "\0" else f"U+{ord(char):04X}"
            raise ImportFormatError(
                f"control character {name} is not allowed", number, control.start() + 1
            )
        lines.append(Line(number, raw.rstrip(" \t")))
    return lines


def column_of(text: str, index: int) -> int:
    """Return the display column (0-based, tabs to 4) of text[index]."""
    return len(text[:index].replace(NBSP, " ").expandtabs(4))


def dedent(text: str, column: int) -> str:
    """Remove up to `column` columns of leading white space (U+00A0 counts as a space)."""
    removed = 0
    index = 0
    while index < len(text) and removed < column and text[index] in SPACES:
        removed += 4 - removed % 4 if text[index] == "\t" else 1
        index += 1
    return text[index:]
