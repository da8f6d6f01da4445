"""Real-browser tests: Playwright driving Debian's Chromium against the live test server.

Outside CI they skip with a message when Chromium or Playwright is missing; in CI
(CI=true) a missing browser is a failure, so the suite cannot silently pass without them.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The rule sets checked: WCAG 2 A and AA, and axe's best practices unless a test says not.
AXE_RULES = ("wcag2a", "wcag2aa", "best-practice")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# A browser test that waits on something that never comes (Playwright's evaluate has no
# timeout of its own) fails after this many seconds instead of holding the run (pytest-timeout).
TIMEOUT_SECONDS = 120


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.timeout(TIMEOUT_SECONDS))


def _missing() -> str:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make install)"
    return ""


def _skip_or_fail(reason: str) -> None:
    """Skip outside CI; in CI a missing tool is a failure."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


class OneAppCallAtATimeServer(ThreadedWSGIServer):
    """Django's threaded test server, running one request through the site at a time.

    On SQLite the test database lives in memory, and every request thread of the live
    server uses the test's one connection to it. Two requests at once on that connection
    (a page's two admin requests, say) can block each other inside SQLite for good: a
    hang seen in CI. The browser still opens as many connections as it likes; only the
    site's code runs one request at a time.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server; on in-memory SQLite, one request at a time."""
    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"), start=False)
    if server.thread.connections_override:  # read by LiveServerThread._create_server
        server.thread.server_class = OneAppCallAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if reason := _missing():
        _skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow its ORM calls meanwhile.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def require_axe() -> None:
    if not AXE.exists():
        _skip_or_fail(f"axe-core is missing at {AXE} (run `npm ci`)")


@pytest.fixture
def axe_page(browser):
    """A page for axe-core, which is injected as an inline script the site's CSP rightly blocks."""
    require_axe()
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def axe_problems(page, selector: str = "document", rules=AXE_RULES) -> list[str]:
    """Run axe-core on the page as it is now; return its serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    context = "document" if selector == "document" else repr(selector)
    result = page.evaluate(f"async () => await axe.run({context}, {{runOnly: {list(rules)!r}}})")
    return [
        f"{v['impact']}: {v['id']} ({len(v['nodes'])}x) {v['help']} "
        f"{[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
