"""Write a stored post back out as a post document (docs/import-format.md).

Importing what `export_post_document` writes gives the same post again: title, series,
teaser and hashtags, body, cited papers with their abstracts, CoI, author box and comment
thread. The comments' authors, statuses and times are not part of the format.
"""

import datetime

from django.utils import timezone

from blog.importers.chrome import SIGN_OFF
from blog.models import Post

BULLET = "•"
# Top-level bullets stand at column 3 (two spaces in), each level of replies two deeper.
COMMENT_INDENT = 2


def export_post_document(post: Post) -> str:
    """Return the post as the text of a post document, ending in a newline."""
    blocks: list[str] = []
    if date := _date_line(post.published_at):
        blocks.append(date)
    blocks.append(post.title)
    tags = " ".join(f"#{tag.name}" for tag in post.hashtag_list())
    if post.teaser or tags:
        blocks.append(" ".join(part for part in (post.teaser, tags) if part))
    blocks.extend(post.body.split("\n\n"))
    for paper in post.paper_list():
        blocks.append(_citation(paper))
        for section in paper.abstract_sections.order_by("position"):
            text = f"{section.label}: {section.text}" if section.label else section.text
            blocks.extend(text.split("\n\n"))
    if post.conflict_of_interest:
        blocks.append(f"CoI: {post.conflict_of_interest}")
    author = post.author
    blocks.append("About the author")
    blocks.append(author.name)
    if author.bio:
        blocks.extend(author.bio.split("\n\n"))
    comments = list(post.comments.order_by("tree_id", "lft"))
    if comments:
        blocks.append("\n".join(_comment_lines(comments)))
    if SIGN_OFF.match(f"By {author.name}"):
        blocks.append(f"By {author.name}")
    elif comments:
        # The page's end: without chrome after them, the comments would read as cut off.
        blocks.append("Post a Comment")
    return "\n\n".join(blocks) + "\n"


def _date_line(published_at: datetime.datetime | None) -> str:
    """Return a YYYY-MM-DD date line if the post was published at a local midnight."""
    if published_at is None:
        return ""
    local = timezone.localtime(published_at)
    if local.time() != datetime.time.min:
        return ""
    return local.date().isoformat()


def _citation(paper) -> str:
    citation = paper.vancouver()
    if paper.pmid:
        citation += f" PMID: {paper.pmid}."
    return citation


def _comment_lines(comments) -> list[str]:
    """Return the thread as indented bullets; a comment's text keeps its line breaks."""
    lines: list[str] = []
    for comment in comments:
        bullet_column = COMMENT_INDENT * (comment.level + 1)
        text_indent = " " * (bullet_column + 2)
        first, *rest = comment.body.split("\n")
        if lines:
            lines.append("")
        lines.append(f"{' ' * bullet_column}{BULLET} {first}")
        lines.extend(f"{text_indent}{line}" if line else "" for line in rest)
    return lines
