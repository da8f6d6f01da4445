"""The live server the browser tests use answers requests that arrive at once: on SQLite
they share one in-memory connection, which two requests at a time could block for good."""

from concurrent.futures import ThreadPoolExecutor
from urllib.request import urlopen

from django.urls import reverse


def test_requests_at_once_are_all_answered(live_server, seed_post):
    paths = [seed_post.get_absolute_url(), reverse("blog:post-list"), reverse("blog:post-feed")] * 4

    def fetch(path):
        with urlopen(live_server.url + path, timeout=30) as response:
            return response.status, len(response.read())

    with ThreadPoolExecutor(len(paths)) as pool:
        answers = list(pool.map(fetch, paths))

    assert [status for status, _ in answers] == [200] * len(paths)
    assert all(size > 0 for _, size in answers)
