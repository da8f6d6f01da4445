"""What one platform import did: counts, and everything not imported with the reason."""

from collections import Counter
from dataclasses import dataclass, field

from blog.platforms.source import SourceAttachment

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"


@dataclass
class ImportReport:
    posts: Counter = field(default_factory=Counter)  # created / updated / unchanged / skipped
    comments: Counter = field(default_factory=Counter)  # by status, every comment imported
    comments_created: int = 0
    comments_updated: int = 0
    authors_created: set[str] = field(default_factory=set)
    not_imported: list[str] = field(default_factory=list)  # "line N: what: why"
    notes: list[str] = field(default_factory=list)  # imported, but changed on the way
    attachments: list[SourceAttachment] = field(default_factory=list)
    written: list[tuple[int, str]] = field(default_factory=list)  # (post id, created/updated)
    dry_run: bool = False

    def skip(self, line: int, what: str, why: str) -> None:
        self.not_imported.append(f"line {line}: {what}: {why}")

    def note(self, line: int, what: str, message: str) -> None:
        self.notes.append(f"line {line}: {what}: {message}")

    @property
    def posts_seen(self) -> int:
        return sum(self.posts.values())

    def summary(self) -> list[str]:
        """Return the report as lines of text, for the command and the admin page."""
        would = "would be " if self.dry_run else ""
        posts = ", ".join(
            f"{self.posts[key]} {key}" for key in (CREATED, UPDATED, UNCHANGED, SKIPPED)
        )
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(self.comments.items()))
        lines = [
            f"Posts: {posts}{' (dry run: nothing saved)' if self.dry_run else ''}",
            f"Comments: {sum(self.comments.values())} ({statuses or 'none'}); "
            f"{self.comments_created} {would}added, {self.comments_updated} {would}updated",
            f"Authors {would}created: {', '.join(sorted(self.authors_created)) or 'none'}",
            f"Attachments listed (files not fetched): {len(self.attachments)}",
        ]
        lines += [
            f"  {a.url} ({a.title}, attached to {a.parent_id or 'nothing'})"
            for a in self.attachments
        ]
        lines.append(f"Not imported: {len(self.not_imported)}")
        lines += [f"  {entry}" for entry in self.not_imported]
        if self.notes:
            lines.append(f"Changed on the way: {len(self.notes)}")
            lines += [f"  {entry}" for entry in self.notes]
        return lines
