"""Compress pages and feeds (brotli or gzip) for clients that accept it.

Two paths, one rule for which encoding a request gets (`chosen_encoding`):

- `CompressionMiddleware` compresses any other text response per request (fast levels);
- the whole-page and feed caches (`blog.caching`) store `encoded_variants(content)` once,
  at build time, at stronger levels, and hand each later reader the copy their
  `Accept-Encoding` asks for (`variant_response`): a cached page is never compressed
  again.

Every compressible response says `Vary: Accept-Encoding`, so no shared cache hands a
compressed copy to a client that cannot read it. Static files are WhiteNoise's: it
serves its own precompressed copies.
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
    """Compress content; `strong` for copies made once and served many times."""
    if encoding == "br":
        return brotli.compress(content, quality=9 if strong else 4)
    return gzip.compress(content, compresslevel=9 if strong else 6, mtime=0)


def compressible(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type in COMPRESSIBLE_TYPES


def encoded_variants(content: bytes) -> dict[str, bytes]:
    """Return the content as sent to each kind of client: "identity", "br", "gzip"."""
    variants = {"identity": content}
    if len(content) >= MIN_SIZE:
        for encoding in ENCODINGS:
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
