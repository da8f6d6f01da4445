"""Compress pages and feeds (brotli or gzip) for clients that accept it.

Two paths, one rule for which encoding a request gets (`chosen_encoding`):

- `CompressionMiddleware` compresses any other text response per request (fast levels);
- the whole-page and feed caches (`blog.caching`) store `encoded_variants(content)` at
  stronger levels, and hand each later reader the copy their `Accept-Encoding` asks for
  (`use_variant`): a cached copy is never compressed again. A feed stores every
  encoding when it is made; a whole page only its builder's reader's encoding, and each
  other one when first asked for (`PostPageCaching._encode_stored_page`).

Every compressible response says `Vary: Accept-Encoding`, so no shared cache hands a
compressed copy to a client that cannot read it. Static files are WhiteNoise's: it
serves its own precompressed copies.

The levels were chosen by measuring, on 2026-11-30, the benchmark's post page
(`python -m bench`: the seed post with generated comments) with 1,000 comments all on one
page (1.77 MB of HTML) and at 200 a page (382 KB): CPU ms (time.process_time, best of 3,
load average 5 to 9 on 2 cores) and size as a fraction of the page.

Stored copies (`compress(strong=True)`) are made on the request that builds the page, so
their cost is that reader's wait: brotli 9 and gzip 9, the levels before, took 98 ms of
a cold 1,000-comment page, for copies 7-13 % smaller than brotli 5's and 1-2 % smaller
than gzip 6's. Per-request copies (a page built for a reader with cookies) cost every
such request: brotli 4 took 11.5 ms of a 1.77 MB page, brotli 3 half that for 10 %
more bytes. So a time budget by size: the stronger levels up to STRONG_MAX_SIZE (under
10 ms for both stored copies at 382 KB, 2 ms per request), the cheaper ones above it
(35 ms stored, 6 ms per request at 1.77 MB):

| level | 1.77 MB page | 382 KB page |
| --- | --- | --- |
| brotli 3 (per request, large) | 5.8 ms, 0.066 | 1.2 ms, 0.086 |
| brotli 4 (per request, up to 512 KB) | 11.5 ms, 0.060 | 1.9 ms, 0.081 |
| brotli 5 (stored, large) | 20.9 ms, 0.053 | 3.9 ms, 0.072 |
| brotli 6 (stored, up to 512 KB) | 26.6 ms, 0.051 | 4.6 ms, 0.069 |
| brotli 9 (stored, before) | 77.3 ms, 0.046 | 30.8 ms, 0.067 |
| gzip 5 (per request, large) | 10.4 ms, 0.071 | 2.5 ms, 0.092 |
| gzip 6 (per request up to 512 KB; stored, large) | 13.9 ms, 0.066 | 3.5 ms, 0.088 |
| gzip 9 (stored up to 512 KB; before, all) | 20.3 ms, 0.065 | 5.0 ms, 0.087 |
"""

import gzip
import re

import brotli
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

COMPRESSIBLE_TYPES = (
    "text/html",
    "text/plain",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
)
MIN_SIZE = 200  # smaller bodies grow when compressed
# Preferred first: brotli is some 15-20 % smaller than gzip on these pages.
ENCODINGS = ("br", "gzip")
# (brotli quality, gzip level) for pages up to STRONG_MAX_SIZE, then for larger ones
# (measured in the module docstring).
STRONG_MAX_SIZE = 512 * 1024
STORED_LEVELS = ((6, 9), (5, 6))
PER_REQUEST_LEVELS = ((4, 6), (3, 5))
_ACCEPTED = re.compile(r"(?:^|,)\s*([a-z*]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?")


def chosen_encoding(request) -> str | None:
    """Return the encoding to send this request ("br", "gzip") or None for identity."""
    header = request.META.get("HTTP_ACCEPT_ENCODING", "").lower()
    accepted = {}
    for name, quality in _ACCEPTED.findall(header):
        try:
            accepted[name] = float(quality) if quality else 1.0
        except ValueError:
            accepted[name] = 0.0
    for encoding in ENCODINGS:
        if accepted.get(encoding, accepted.get("*", 0.0)) > 0:
            return encoding
    return None


def compress(content: bytes, encoding: str, *, strong: bool = False) -> bytes:
    """Compress content; `strong` for copies made once and served many times (levels
    measured in the module docstring)."""
    levels = STORED_LEVELS if strong else PER_REQUEST_LEVELS
    quality, level = levels[len(content) > STRONG_MAX_SIZE]
    if encoding == "br":
        return brotli.compress(content, quality=quality)
    return gzip.compress(content, compresslevel=level, mtime=0)


def compressible(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type in COMPRESSIBLE_TYPES


def encoded_variants(content: bytes, encodings=ENCODINGS) -> dict[str, bytes]:
    """Return the content as sent to each kind of client: "identity", and each of
    `encodings` ("br", "gzip") unless the content is too small to compress."""
    variants = {"identity": content}
    if len(content) >= MIN_SIZE:
        for encoding in encodings:
            variants[encoding] = compress(content, encoding, strong=True)
    return variants


def use_variant(request, response, variants: dict[str, bytes]) -> HttpResponse:
    """Give the response the stored copy this request accepts, with its headers."""
    encoding = chosen_encoding(request)
    if encoding in variants:
        response.content = variants[encoding]
        response.headers["Content-Encoding"] = encoding
    else:
        response.content = variants["identity"]
    response.headers["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ["Accept-Encoding"])
    _weaken_etag(response)
    return response


def variant_response(request, variants: dict[str, bytes], content_type: str) -> HttpResponse:
    """Answer from a stored set of variants."""
    return use_variant(request, HttpResponse(content_type=content_type), variants)


def _weaken_etag(response) -> None:
    # A strong ETag names exact bytes; the compressed bytes differ (RFC 9110 8.8.1).
    etag = response.get("ETag")
    if etag and not etag.startswith("W/"):
        response.headers["ETag"] = "W/" + etag


class CompressionMiddleware:
    """Compress text responses that no cache compressed already (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 304:  # says what the full answer would have varied on
            patch_vary_headers(response, ["Accept-Encoding"])
        if response.streaming or not compressible(response):
            return response
        patch_vary_headers(response, ["Accept-Encoding"])
        if response.has_header("Content-Encoding") or len(response.content) < MIN_SIZE:
            return response
        encoding = chosen_encoding(request)
        if encoding is None:
            return response
        compressed = compress(response.content, encoding)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Encoding"] = encoding
        response.headers["Content-Length"] = str(len(compressed))
        _weaken_etag(response)
        return response
