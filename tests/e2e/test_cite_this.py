"""The paper page's Cite this block in Chromium: Copy buttons appear with script and copy."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_copy_button_copies_the_citation_text(browser, live_server, seed_post):
    paper = seed_post.paper_list()[0]
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + paper.get_absolute_url())
        button = page.locator("button[data-copy='cite-ama']")
        button.click()

        page.get_by_role("status").filter(has_text="Copied the citation.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("Gelfand. Massive CNS monocytic infiltration at autopsy")
        assert copied == " ".join(page.locator("#cite-ama").inner_text().split())
    finally:
        context.close()
