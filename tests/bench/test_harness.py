"""`python -m bench --quick` works end to end: a scratch site is built, every row measured
(in process and under gunicorn), the report written, and the scratch resources removed.
Timings are not asserted: this proves the harness works, not how fast the site is."""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches

from bench.inprocess import clear_caches
from tests.redis_server import redis_server  # noqa: F401  (a fixture)

BASE_DIR = Path(__file__).resolve().parents[2]

# The quick run is the suite's longest fixture: made once per module, which `make test`
# (--dist loadscope) keeps on one worker, and started first.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("bench")
    command = [
        sys.executable,
        "-m",
        "bench",
        "--quick",
        "--repeat",
        "3",
        "--load-tool",
        "python",
        "--duration",
        "0.5",
        "--connections",
        "4",
        "--output",
        str(workdir / "BENCHMARKS.md"),
        "--json",
        str(workdir / "bench.json"),
    ]
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        command += ["--database-url", database_url]
    # The Redis the tests may use (TEST_REDIS_URL), never a shared one found on 6379.
    command += ["--cache-url", os.environ.get("TEST_REDIS_URL") or "locmem://"]
    # The harness makes its scratch directory under TMPDIR: here, inside this test's folder.
    env = {**os.environ, "TMPDIR": str(workdir)}
    done = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {
        "stdout": done.stdout,
        "stderr": done.stderr,
        "markdown": (workdir / "BENCHMARKS.md").read_text(),
        "data": json.loads((workdir / "bench.json").read_text()),
        "workdir": workdir,
        "database_url": database_url,
    }


def test_every_in_process_row_is_measured(quick_run):
    timings = {row["key"]: row for row in quick_run["data"]["timings"]}

    assert set(timings) == {
        "hello",
        *(
            f"post-{kind}-{n}"
            for kind in ("cold", "cached", "cookie", "shell")
            for n in (0, 10, 100)
        ),
        "one-page-cold-10",
        "conditional-10",
        "reply-10",
        "reply-100",
    }
    assert all(len(row["samples_ms"]) == 3 for row in timings.values())
    assert all(row["median_ms"] > 0 for row in timings.values())
    assert timings["hello"]["queries"] == 0
    assert timings["hello"]["status"] == 200
    pages = [row for key, row in timings.items() if key.startswith("post-")]
    assert all(row["status"] == 200 for row in pages)
    # Built pages query; a reader without cookies may get the whole page from the cache.
    assert all(row["queries"] > 0 for key, row in timings.items() if key.startswith("post-cold"))
    assert all(row["queries"] > 0 for key, row in timings.items() if key.startswith("post-shell"))
    # A cookie that changes nothing on the page does not stop the stored page.
    assert all(row["queries"] == 0 for key, row in timings.items() if key.startswith("post-cookie"))
    assert timings["conditional-10"]["status"] in (200, 304)
    assert timings["one-page-cold-10"]["status"] == 200
    assert timings["one-page-cold-10"]["queries"] > 0
    assert timings["reply-100"]["queries"] > 0


def test_gunicorn_throughput_and_memory_are_measured(quick_run):
    loads = {row["key"]: row for row in quick_run["data"]["throughputs"]}

    assert set(loads) == {
        "hello",
        "hello-end",
        "post-cached-10",
        "post-cached-browser-10",
        "conditional-10",
        "post-100",
    }
    for row in loads.values():
        assert row["tool"] == "python"
        assert row["completed"] > 0
        assert row["errors"] == 0
        assert row["requests_per_second"] > 0
    assert loads["hello"]["status"] == 200
    assert loads["conditional-10"]["status"] in (200, 304)
    assert loads["post-100"]["peak_rss_kib"] > 10 * 1024


def test_the_table_and_targets_are_printed_and_written(quick_run):
    document = quick_run["markdown"]

    for heading in ("## Machine", "## Method", "## Results", "## Targets"):
        assert heading in document
    for fact in ("- CPU: ", "- RAM: ", "- Python: ", "- Django: 6.", "- database: ", "- cache: "):
        assert fact in document
    assert "| hello view (framework ceiling) | 200 |" in document
    assert "| post page, 100 comments, cold | 200 |" in document
    assert "| gunicorn: post page, 100 comments | 200 |" in document
    verdicts = re.findall(r"^- \*\*(MET|NOT MET|NOT MEASURED)\*\*: ", document, re.MULTILINE)
    assert len(verdicts) == 9
    assert "Quick run" in document
    assert "measurement" in quick_run["stdout"] and "median ms" in quick_run["stdout"]
    assert len(re.findall(r"^(MET|NOT MET|NOT MEASURED): ", quick_run["stdout"], re.M)) == 9


def test_scratch_resources_are_removed(quick_run):
    assert not list(quick_run["workdir"].glob("msblog-bench-*"))
    database = re.search(r"scratch database (\S+);", quick_run["stderr"]).group(1)
    prefix = re.search(r"under the key prefix (\S+);", quick_run["stderr"]).group(1)
    if database.startswith("postgres"):
        import psycopg

        name = database.rsplit("/", 1)[1]
        server = quick_run["database_url"].replace("postgres://", "postgresql://", 1)
        with psycopg.connect(server) as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            assert found.fetchone() is None
    else:
        assert not Path(database.removeprefix("sqlite:///")).exists()
    cache_url = re.search(r"; cache (\S+) under", quick_run["stderr"]).group(1)
    if cache_url.startswith("redis://"):
        import redis

        client = redis.Redis.from_url(cache_url)
        assert not list(client.scan_iter(match=f"{prefix}:*"))


@pytest.fixture
def shared_redis(redis_server, settings):  # noqa: F811
    """A Redis other sites use too: the tests' own server, never one found on 6379."""
    location = redis_server.url
    mine, theirs = f"bench-test-{uuid.uuid4().hex}", f"other-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": mine,
        },
    }
    from django.core.cache.backends.redis import RedisCache

    other = RedisCache(location, {"KEY_PREFIX": theirs})
    yield other
    other.delete_many(["kept"])


def test_clearing_the_cache_leaves_other_users_of_a_shared_redis_alone(shared_redis):
    caches["default"].set_many({"page": "cached", "count": 3})
    shared_redis.set("kept", "someone else's")

    clear_caches()

    assert caches["default"].get_many(["page", "count"]) == {}
    assert shared_redis.get("kept") == "someone else's"


def test_a_shared_redis_without_a_key_prefix_is_never_cleared(shared_redis, settings):
    location = settings.CACHES["default"]["LOCATION"]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    }
    shared_redis.set("kept", "someone else's")

    with pytest.raises(RuntimeError, match="key prefix"):
        clear_caches()
    assert shared_redis.get("kept") == "someone else's"
