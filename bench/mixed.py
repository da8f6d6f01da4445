"""`python -m bench.mixed` (`make bench-mixed`): readers while comments keep arriving.

A scratch site (as `python -m bench`: a scratch database, this run's own key prefix in
Redis) under gunicorn on 127.0.0.1, a port in 8170-8179. For each comment rate (default
0, 1, 5 and 20 a second), for a bounded time: reader threads fetch, in turn, the hot post
without cookies, the hot post with a harmless cookie, the home page and the other posts,
while writer threads post comments to the hot post through the comment form at that rate
(a share of them, --replies, replies to comments on its first comment page, which the
readers read; the rest new threads, which land on its last page). Reported per rate:
reader requests/s, p50/p95/p99, reader errors, builds per new version of comment pages
and of whole pages (counted in the server by bench.instrument), and comments acknowledged
(a redirect to the comment) against comments stored (counted in the database afterwards).
Prints the table and writes it into BENCHMARKS.md under "Mixed load".
"""

import argparse
import http.client
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from argparse import Namespace
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench import server
from bench.report import pipe_table, write_section
from bench.run import BASE_DIR, HELLO, environment, gunicorn_shape, log
from bench.scratch import ScratchDatabase

PORTS = range(8170, 8180)
SECTION = "## Mixed load"
COOKIE = {"Cookie": "theme=dark"}


@dataclass
class RateResult:
    rate: float
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    reader_errors: int = 0
    acknowledged: int = 0
    write_errors: int = 0
    stored: int = 0
    replies: float = 0.0
    parents: list[int] = field(default_factory=list)
    builds: int = 0
    versions: int = 0
    page_builds: int = 0
    page_versions: int = 0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def row(self) -> list[str]:
        return [
            f"{self.rate:g}",
            f"{len(self.latencies_ms) / self.seconds:.1f}",
            *(f"{self.percentile(share):.0f}" for share in (0.5, 0.95, 0.99)),
            str(self.reader_errors),
            per_version(self.builds, self.versions),
            per_version(self.page_builds, self.page_versions),
            f"{self.acknowledged} / {self.stored}",
            str(self.write_errors),
        ]


def per_version(builds: int, versions: int) -> str:
    return f"{builds} / {versions} = {builds / versions:.2f}" if versions else f"{builds} / 0 = -"


HEADER = [
    "comments/s",
    "reader req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "reader errors",
    "discussion builds / versions",
    "whole-page builds / versions",
    "comments acknowledged / stored",
    "write errors",
]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.mixed", description=__doc__)
    parser.add_argument("--database-url", help="PostgreSQL server (scratch db made on it).")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--rates", default="0,1,5,20", help="Comments per second, per run.")
    parser.add_argument("--duration", type=float, default=20.0, help="Seconds per rate.")
    parser.add_argument("--readers", type=int, default=8, help="Reader threads.")
    parser.add_argument("--hot-comments", type=int, default=1000)
    parser.add_argument(
        "--replies",
        type=float,
        default=0.5,
        help="Share of comments that reply to a comment on the hot post's first page.",
    )
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--output", default=str(BASE_DIR / "BENCHMARKS.md"), type=Path)
    args = parser.parse_args(argv)
    args.rates = [float(part) for part in args.rates.split(",") if part.strip()]
    if not args.cache_url.startswith("redis"):
        parser.error("the workers must share one cache: give a redis:// --cache-url")
    if not 0 < args.duration <= 120:
        parser.error("--duration must be in (0, 120] seconds")
    return args


def request(port: int, method: str, path: str, headers=None, body: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={**server.HTTPS, **(headers or {})})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def read_loop(port, targets, stop, result, lock):
    index = 0
    while not stop.is_set():
        path, headers = targets[index % len(targets)]
        index += 1
        started = time.perf_counter()
        try:
            status = request(port, "GET", path, headers)
        except OSError:
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            if 200 <= status < 400:
                result.latencies_ms.append(elapsed)
            else:
                result.reader_errors += 1


def write_loop(port, post_path, comment_path, rate, deadline, offset, step, result, lock):
    """Post comments at `rate`/s in all (this writer takes every `step`-th slot): a share
    (`result.replies`) replies to one of `result.parents`, the rest new threads."""
    started = time.monotonic()
    slot = offset
    rng = random.Random(offset)
    while (due := started + slot / rate) < deadline:
        time.sleep(max(0.0, due - time.monotonic()))
        slot += step
        mark = uuid.uuid4().hex[:12]
        fields = {"name": f"Writer {mark}", "email": f"{mark}@example.org", "body": f"Take {mark}."}
        if result.parents and rng.random() < result.replies:
            fields["parent"] = rng.choice(result.parents)
        body = urlencode(fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Sec-Fetch-Site": "same-origin",
            "Referer": post_path,
        }
        try:
            status = request(port, "POST", comment_path, headers, body)
        except OSError:
            status = 0
        with lock:
            if status in (302, 303):
                result.acknowledged += 1
            else:
                result.write_errors += 1


def run_rate(port, rate, args, targets, hot) -> RateResult:
    from django.core.cache import cache
    from django.urls import reverse

    from bench.instrument import COUNTERS
    from comments.models import Comment

    result, lock, stop = (
        RateResult(rate=rate, seconds=args.duration, replies=args.replies),
        threading.Lock(),
        threading.Event(),
    )
    stored_before = Comment.objects.filter(post=hot).count()
    result.parents = first_page_threads(hot)
    cache.delete_many(list(COUNTERS))
    comment_path = reverse("comments:post", kwargs={"post_pk": hot.pk})
    deadline = time.monotonic() + args.duration
    writers = min(4, max(1, int(rate // 5) + 1)) if rate else 0
    threads = [
        threading.Thread(target=read_loop, args=(port, targets, stop, result, lock))
        for _ in range(args.readers)
    ] + [
        threading.Thread(
            target=write_loop,
            args=(
                port,
                hot.get_absolute_url(),
                comment_path,
                rate,
                deadline,
                i,
                writers,
                result,
                lock,
            ),
        )
        for i in range(writers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, deadline - time.monotonic()))
    stop.set()
    for thread in threads:
        thread.join()
    result.stored = Comment.objects.filter(post=hot).count() - stored_before
    counts = cache.get_many(list(COUNTERS))
    result.builds, result.versions, result.page_builds, result.page_versions = (
        counts.get(key, 0) for key in COUNTERS
    )
    return result


def first_page_threads(post) -> list[int]:
    """Return the ids of the published comments starting a thread on the post's first
    comment page (any reader may reply to them)."""
    from django.conf import settings

    from comments.models import Comment

    shown = Comment.objects.visible().filter(post=post).order_by("tree_id", "lft")
    first_page = shown.values_list("pk", "level")[: settings.COMMENTS_PER_PAGE]
    return [pk for pk, level in first_page if level == 0]


def markdown(results: list[RateResult], args, commit: str, setup: str) -> str:
    lines = [
        SECTION,
        "",
        f"Written by `make bench-mixed` (`python -m bench.mixed`) on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} at commit {commit}: "
        f"{args.readers} reader threads for {args.duration:g} s per rate on a post with "
        f"{args.hot_comments:,} comments (the hot post, read with and without a cookie), "
        "the home page and two other posts, while writers post comments to the hot post "
        f"through the comment form at the given rate ({args.replies:.0%} of them replies "
        "to threads on its first comment page, which the readers read). Builds are "
        "counted on all posts: of comment pages (a version is one post version's comment "
        "page) and of whole pages for readers without personal cookies (a version is an "
        "address under one post version and site posts version).",
        "",
        f"Setup: {setup}.",
        "",
        *pipe_table(HEADER, [result.row() for result in results]),
    ]
    return "\n".join(lines) + "\n"


def free_port_in_range() -> int:
    if os.environ.get("BENCH_PORTS"):  # this machine's range for the user (bench.server)
        return server.free_port()
    for port in PORTS:
        try:
            request(port, "GET", "/")
        except OSError:
            return port
    raise RuntimeError("no free port in 8170-8179")


def main(argv=None) -> int:
    import subprocess

    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="msblog-bench-mixed-"))
    scratch = ScratchDatabase.create(args.database_url, workdir)
    env = environment(
        Namespace(workers=args.workers, threads=args.threads), scratch, workdir, args.cache_url
    )
    env.update(BENCH_COUNT_BUILDS="1", COMMENTS_FLOOD_SECONDS="0", COMMENTS_RATE_LIMIT="1000000")
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    from bench import dataset, inprocess

    try:
        source = dataset.prepare(log)
        posts = dataset.build_posts(source, [10, 100, args.hot_comments], seed=1, log=log)
        hot = posts[args.hot_comments]
        path = hot.get_absolute_url()
        targets = [(path, {}), (path, COOKIE), ("/", {})] + [
            (posts[size].get_absolute_url(), {}) for size in (10, 100)
        ]
        gunicorn = server.Gunicorn(env, workdir / "gunicorn.log", HELLO, port=free_port_in_range())
        results = []
        with gunicorn:
            log(f"gunicorn on 127.0.0.1:{gunicorn.port}")
            for rate in args.rates:
                log(f"{args.duration:g} s at {rate:g} comments/s")
                results.append(run_rate(gunicorn.port, rate, args, targets, hot))
                print("\t".join(results[-1].row()), flush=True)
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BASE_DIR
        ).stdout.strip()
        workers, threads = gunicorn_shape(env)
        setup = (
            f"{scratch.vendor} scratch database, cache {args.cache_url} (this run's key prefix), "
            f"gunicorn {workers} workers x {threads} threads, load average "
            f"{os.getloadavg()[0]:.1f} at the end on {os.cpu_count()} cores"
        )
        section = markdown(results, args, commit, setup)
        print(section)
        write_section(args.output, section)
        log(f"wrote the Mixed load section of {args.output}")
    finally:
        inprocess.clear_caches()
        connections.close_all()
        scratch.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
