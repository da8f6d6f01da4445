"""A local HTTP server standing in for PubMed and Crossref, for the lookup's tests.

It answers with the recorded real responses in fixtures/lookup/ (see its README) under
`/ok/`, and slowly (`/slow/`), with an error (`/error/`) or with malformed XML
(`/malformed/`). It binds 127.0.0.1 on TEST_HTTP_PORT (0, any free port, unless set).
"""

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "lookup"


class Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        self.requests.append({"path": url.path, "query": parse_qs(url.query), **self.headers})
        mode, _, rest = url.path.strip("/").partition("/")
        if mode == "slow":
            time.sleep(1.5)
            return self._send(200, b"<PubmedArticleSet/>")
        if mode == "error":
            return self._send(503, b"Service Unavailable")
        if mode == "malformed":
            return self._send(200, b"<PubmedArticleSet><PubmedArticle><MedlineCitation>")
        if rest == "efetch":
            pmid = parse_qs(url.query)["id"][0]
            path = RECORDED / "pubmed" / f"{pmid}.xml"
            body = path.read_bytes() if path.exists() else b"<PubmedArticleSet></PubmedArticleSet>"
            return self._send(200, body)
        if rest.startswith("works/"):
            doi = unquote(rest.removeprefix("works/"))
            path = RECORDED / "crossref" / f"{doi.replace('/', '_')}.json"
            if path.exists():
                return self._send(200, path.read_bytes())
            return self._send(404, b"Resource not found.")
        return self._send(404, b"")

    def _send(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="session")
def lookup_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("TEST_HTTP_PORT", "0"))), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def lookup_services(lookup_server, settings):
    """Point the client at the local server's recorded answers."""
    Handler.requests.clear()

    def at(mode: str = "ok"):
        settings.PUBMED_EFETCH_URL = f"{lookup_server}/{mode}/efetch"
        settings.CROSSREF_WORKS_URL = f"{lookup_server}/{mode}/works/"
        settings.PAPER_LOOKUP_TIMEOUT = 1
        settings.PAPER_LOOKUP_CONTACT = "editor@example.org"

    at()
    return at
