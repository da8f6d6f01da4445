"""Stream an untrusted export safely: lxml's iterparse with every dangerous feature off.

- no DTD loading, no entity expansion (`resolve_entities=False`), no network, and any
  DOCTYPE at all is refused: neither WordPress nor Blogger writes one, and it is where
  billion-laughs and external-entity attacks live;
- libxml2's limits for untrusted input stay on (`huge_tree=False`): no text over 10 MB
  and no nesting deeper than 256, so one hostile post cannot take the memory;
- elements are cleared once read, so memory follows the largest post, not the file.
"""

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from blog.platforms.source import ImportFormatError


def split_tag(tag: str) -> tuple[str, str]:
    """Return (namespace, local name) of a Clark-notation tag."""
    if tag[:1] == "{":
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def text_of(element) -> str:
    return element.text or ""


def iter_elements(source: str | BinaryIO, *, kind: str) -> Iterator[tuple[str, etree._Element]]:
    """Yield ("start", root) once, then ("end", element) for every element, safely.

    `kind` names what the file should be, for messages ("a WordPress export (WXR)").
    Raises ImportFormatError naming the line on malformed XML or a DOCTYPE.
    """
    events = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    started = False
    try:
        for event, element in events:
            if not started:
                started = True
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise ImportFormatError(
                        f"the file declares a DOCTYPE; {kind} never has one, and its entities "
                        "are not expanded here",
                        element.sourceline or 1,
                    )
                yield "start", element
            elif event == "end":
                yield "end", element
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0) or 1
        message = error.msg or str(error)
        if "huge" in message.lower() or "too big" in message.lower():
            message += " (a single text over 10 MB is refused in untrusted XML)"
        raise ImportFormatError(f"not well-formed XML: {message}", line) from None


def forget(element) -> None:
    """Free a finished element and the siblings read before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
