"""RSS 2.0 and Atom documents that carry an item's full HTML and, for replies, what they
answer.

- RSS: the summary stays in `<description>`; the full HTML goes in `<content:encoded>`
  (the RSS content module, http://purl.org/rss/1.0/modules/content/).
- Atom: the summary in `<summary type="html">`, the full HTML in `<content type="html">`,
  and a reply's `<thr:in-reply-to ref=… href=…/>` (RFC 4685, Atom Threading Extensions).

Every value is written as text by Django's XML generator, so HTML reaches the reader
escaped once, as both formats require for HTML carried in a text element.
"""

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
THREADING_NS = "http://purl.org/syndication/thread/1.0"


class FullTextRssFeed(Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class FullTextAtomFeed(Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:thr": THREADING_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        if reply_to := item.get("in_reply_to"):
            ref, href = reply_to
            handler.addQuickElement(
                "thr:in-reply-to", "", {"ref": ref, "href": href, "type": "text/html"}
            )
