"""Page chrome: the blog platform's lines around a post, which are never content.

Chrome is recognised by where a line stands (see the parser) and by its shape: a short
unindented line that is not a sentence (a label, a button, a link list) is chrome when it
stands outside every section. The known phrasings below are a fast path that also covers
platform sentences (moderation notices) and lines anywhere after the body.
"""

import re

from blog.importers.lines import Line, Paragraph

# "By X" signs the post off, but "By …" also opens sentences, so it only counts as page
# chrome when it stands apart from prose (see the parser's _is_chrome).
SIGN_OFF = re.compile(r"^By\s+(?P<name>[^.!?:;]{1,80})$", re.IGNORECASE)
# Blogger's byline under a post: "Posted by Prof G at 06:00".
POSTED_BY = re.compile(r"^Posted by (?P<name>[^.!?:;]{1,80}?)(?: at \S.*)?$", re.IGNORECASE)
LABELS = re.compile(r"^Labels?\s*:\s*(?P<labels>.*)$", re.IGNORECASE)
KNOWN_CHROME = [
    re.compile(p, re.IGNORECASE)
    for p in (
        POSTED_BY.pattern,
        r"^Recent (?:Posts|Comments)$",
        LABELS.pattern,
        r"^(?:Newer Post|Older Post|Home)(?:\s+(?:Newer Post|Older Post|Home))*$",
        r"^Subscribe to:.*$",
        r"^Post a Comment$",
        r"^(?:Note: )?only a member of this blog may post a comment\.?$",
        # Moderation notices, however the platform words them.
        r"^.{0,80}\bcomments? (?:are|is|will be|may be) (?:moderated|closed)\b.*$",
        r"^.{0,80}\bcomments? (?:will|may) (?:be|appear) .*moderat.*$",
        # WordPress's comment form and share widgets.
        r"^Leave a (?:Reply|Comment)(?: to .{1,80}?)?(?:\s+Cancel reply)?$",
        r"^Cancel reply$",
        r"^Your email address will not be published\..{0,80}$",
        r"^\d+ (?:thoughts?|responses?|replies|comments?) (?:on|to) [“\"«].{1,300}$",
        r"^(?:Share|Like) this:.{0,200}$",
        r"^Powered by \S+\.?$",
        r"^Email This\s*BlogThis!.*$",
    )
]
# A sentence ends in . ! ? or … (perhaps inside closing quotes or brackets); chrome does not.
SENTENCE_END = re.compile(r"[.!?…][\"'\u201d\u2019)\]]*$")
CHROME_MAX_LENGTH = 120


def is_known_chrome(line: Line) -> bool:
    """Return True for a line the blog platforms are known to print around a post."""
    return any(pattern.match(line.plain) for pattern in KNOWN_CHROME)


def is_chrome_shaped(paragraph: Paragraph) -> bool:
    """Return True for one short unindented line that is not a sentence: a label or a button."""
    if len(paragraph.lines) != 1:
        return False
    line = paragraph.lines[0]
    return (
        line.indent == 0
        and len(line.stripped) <= CHROME_MAX_LENGTH
        and not SENTENCE_END.search(line.plain)
    )


def labels_of(line: Line) -> tuple[str, ...]:
    """Return the labels of a `Labels: a, b, c` line (none for any other line)."""
    if not (match := LABELS.match(line.plain)):
        return ()
    return tuple(label.strip() for label in match["labels"].split(",") if label.strip())
