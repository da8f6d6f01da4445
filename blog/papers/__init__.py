"""Cited papers as bibliographic records: identifiers, authors as people, page ranges,
CSL-JSON and the formats built from it, pasted citations and the PubMed/Crossref lookup.

The pure modules (identifiers, names, pages, paste) import no models; `models` holds Paper
and AbstractSection, which `blog.models` re-exports.
"""
