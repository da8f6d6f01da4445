"""Import saved post pages: parse (pure) -> validate -> write (one transaction)."""

from blog.importers.document import (
    ImportFormatError,
    ParsedAbstractSection,
    ParsedAuthor,
    ParsedComment,
    ParsedPaper,
    ParsedPost,
)
from blog.importers.parser import decode_document, parse_post_document

__all__ = [
    "ImportFormatError",
    "ParsedAbstractSection",
    "ParsedAuthor",
    "ParsedComment",
    "ParsedPaper",
    "ParsedPost",
    "decode_document",
    "parse_post_document",
]
