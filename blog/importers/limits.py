"""How much one document may hold. Pure: the numbers come in as a `Limits`.

An absurd document (33,000 hashtags, 20,000 comment bullets, a line of megabytes) is
refused at the parse step, naming the line where it goes past a limit, before anything
is written. Positions of a post's hashtags and papers are small integers in the database
(PositiveSmallIntegerField, at most 32,767): the limits keep far below that.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from blog.importers.chrome import labels_of
from blog.importers.document import HASHTAG, ONE_WORD, ImportFormatError, ParsedPost
from blog.importers.lines import Line


@dataclass(frozen=True)
class Limits:
    """The most a document may hold; the defaults are the settings' defaults."""

    hashtags: int = 100
    papers: int = 50
    comments: int = 20_000
    line_length: int = 100_000


def check_line_lengths(lines: list[Line], limits: Limits) -> None:
    """Refuse the first line longer than the limit, before reading any structure."""
    for line in lines:
        if len(line.text) > limits.line_length:
            raise ImportFormatError(
                f"the line is {len(line.text):,} characters long; "
                f"at most {limits.line_length:,} are allowed",
                line.number,
                limits.line_length + 1,
            )


def check_counts(parsed: ParsedPost, lines: list[Line], limits: Limits) -> None:
    """Refuse a document with more hashtags, papers or comments than the limits allow,
    naming the line of the first one past the limit."""
    if len(parsed.comments) > limits.comments:
        raise ImportFormatError(
            f"the document has {len(parsed.comments):,} comments; "
            f"at most {limits.comments:,} are allowed",
            parsed.comments[limits.comments].line,
        )
    if len(parsed.papers) > limits.papers:
        raise ImportFormatError(
            f"the document cites {len(parsed.papers):,} papers; "
            f"at most {limits.papers:,} are allowed",
            parsed.papers[limits.papers].line,
        )
    if len(parsed.tags) > limits.hashtags:
        raise ImportFormatError(
            f"the document has {len(parsed.tags):,} different hashtags; "
            f"at most {limits.hashtags:,} are allowed",
            _line_of_tag(lines, limits.hashtags + 1) or parsed.title_line,
        )


def _line_of_tag(lines: list[Line], count: int) -> int | None:
    """Return the number of the line where the `count`-th different tag appears."""
    seen: set[str] = set()
    for number, tag in _tags_by_line(lines):
        seen.add(tag.lower())
        if len(seen) == count:
            return number
    return None


def _tags_by_line(lines: list[Line]) -> Iterator[tuple[int, str]]:
    for line in lines:
        for tag in HASHTAG.findall(line.text):
            yield line.number, tag
        for label in labels_of(line):
            if ONE_WORD.fullmatch(label):
                yield line.number, label


DEFAULT_LIMITS = Limits()
