"""The mixed-load benchmark's pure parts: its table row and where it writes its section.

The run itself is `make bench-mixed` (it needs gunicorn, Redis and minutes of CPU).
"""

from bench.instrument import counting, counting_pages
from bench.mixed import SECTION, RateResult, write_section


def test_a_row_reports_throughput_percentiles_builds_and_comments():
    result = RateResult(rate=5, seconds=10, latencies_ms=[float(n) for n in range(1, 101)])
    result.builds, result.versions, result.acknowledged, result.stored = 12, 10, 50, 49
    result.page_builds, result.page_versions = 0, 0
    row = result.row()
    assert row[:5] == ["5", "10.0", "51", "96", "100"]
    assert row[6] == "12 / 10 = 1.20"
    assert row[7] == "0 / 0 = -"
    assert row[8] == "50 / 49"


def test_the_section_replaces_its_old_self_and_leaves_the_rest(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(
        f"# Benchmarks\n\n## Results\n\nold\n\n{SECTION}\n\nfirst\n\n## Notes\n\nkept\n"
    )
    write_section(path, f"{SECTION}\n\nsecond\n")
    text = path.read_text()
    assert "first" not in text
    assert text.count(SECTION) == 1
    assert "## Results\n\nold" in text and "## Notes\n\nkept" in text and "second" in text


def test_the_counter_counts_discussion_builds_per_version_only(db):
    from django.core.cache import cache

    from bench.instrument import BUILDS, VERSIONS

    wrapped = counting(lambda key, build, **kwargs: build())
    for key, lock in [("1:x", "v1"), ("1:x", "v1"), ("1:x", "v2"), ("blog:sidebar", None)]:
        if lock:
            wrapped(f"blog:comment-page:{key}", lambda: "html", lock=f"{key}:building:{lock}")
        else:
            wrapped(key, lambda: "html")
    assert (cache.get(BUILDS), cache.get(VERSIONS)) == (3, 2)


def test_the_page_counter_counts_whole_page_builds_per_version(db, rf):
    """Was missing: under a stream of comments that leave the readers' comment page
    alone, the discussion counter read 0 / 0 while every comment retired the whole page
    (`PostPageCaching.store`), which is what the readers wait for. Pages that are not
    stored (a personal reader's) are not builds of the whole page."""
    from django.core.cache import cache

    from bench.instrument import PAGE_BUILDS, PAGE_VERSIONS
    from blog.caching.versions import Version

    stored = []
    wrapped = counting_pages(lambda caching, response: stored.append(response))

    class Caching:
        def __init__(self, path, post_token, storable=True):
            self.request = rf.get(path)
            self.versions = (Version(post_token, 0.0), Version("s1", 0.0))
            self._storable = storable

    class Response:
        status_code = 200

    calls = [("/a/", "v1", True), ("/a/", "v1", True), ("/a/", "v2", True), ("/b/", "v1", True)]
    for path, token, storable in [*calls, ("/c/", "v1", False)]:
        wrapped(Caching(path, token, storable), Response())
    assert (cache.get(PAGE_BUILDS), cache.get(PAGE_VERSIONS)) == (4, 3)
    assert len(stored) == 5


def test_the_instruments_attach_to_the_site_they_count(monkeypatch):
    """Was broken: renaming what they wrap made `make bench-mixed` fail at start-up."""
    import bench
    from bench.instrument import InstrumentConfig
    from blog.caching import post_page

    monkeypatch.setenv("BENCH_COUNT_BUILDS", "1")
    monkeypatch.setattr(post_page, "cached", post_page.cached)  # restored afterwards
    monkeypatch.setattr(post_page.PostPageCaching, "store", post_page.PostPageCaching.store)
    real_store = post_page.PostPageCaching.store

    InstrumentConfig("bench", bench).ready()

    assert post_page.PostPageCaching.store is not real_store
