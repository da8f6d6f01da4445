"""What a benchmark run says about itself: the machine it ran on and how it measured."""

import datetime
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

from bench import load, server

BASE_DIR = Path(__file__).resolve().parent.parent


def git_commit() -> str:
    def git(*command: str) -> str:
        done = subprocess.run(
            ["git", *command], cwd=BASE_DIR, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" (with uncommitted changes)" if git("status", "--porcelain") else "")


def describe_machine(scratch, workdir, cache_url: str, load_tool: str, loads) -> dict:
    """Say what the run ran on: hardware, software, database, cache and load."""
    import django
    from django.core.cache import cache
    from django.db import connection

    load_start, load_end = loads
    cores = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    if scratch.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        database = f"PostgreSQL {version} (scratch database {scratch.name}, dropped after)"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (scratch file under {workdir})"
    if cache_url.startswith("redis"):
        client = cache._cache.get_client(None)
        cache_text = (
            f"Redis {client.info('server')['redis_version']} at {cache_url} "
            f"(keys under this run's prefix only)"
        )
    else:
        cache_text = "local memory (one per process)"
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "CPU": f"{server.cpu_model()}, {cores} cores ({usable} usable by this run)",
        "RAM": f"{server.machine_memory_kib() / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "whitenoise": importlib.metadata.version("whitenoise"),
        "load tool": {"wrk": f"wrk {load.wrk_version()}", "python": "Python client"}.get(
            load_tool, "none"
        ),
        "database": database,
        "cache": cache_text,
        "load average": (
            f"{load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end (1-minute)"
        ),
    }


def describe_method(args, load_tool: str, sizes: list[int], workers: int, threads: int) -> dict:
    """Say how each kind of row was measured."""
    return {
        "settings": (
            "production (DJANGO_DEBUG=false; config.bench_settings adds only /bench/hello/ "
            "and in-memory email), persistent database connections (CONN_MAX_AGE 60)"
        ),
        "data": (
            f"the seed post imported, then one copy of it per size ({', '.join(map(str, sizes))}"
            f" comments) filled by generate_comments (seed {args.seed})"
        ),
        "in process": (
            f"django.test.Client over HTTPS through the full middleware stack; "
            f"{args.warmup} warm-up request(s), then {args.repeat} timed (fewer once a row "
            f"takes over {args.budget:g} s, at least 5); median and p90; queries counted "
            f"on one more request"
        ),
        "cold": "the cache is emptied before every request",
        "warm": (
            "the same request again and again, so whatever the site caches is cached (a "
            "reader without cookies gets the whole page from the cache)"
        ),
        "warm, reader with a CSRF cookie": (
            "the same, with a cookie that changes nothing on the page (the CSRF cookie an "
            "earlier comment left): the whole page from the cache too"
        ),
        "warm, reader with a session cookie": (
            "the same, with a personal cookie (a session, never read by the post page): "
            "the page is built around the cached discussion, sidebar and neighbours"
        ),
        "conditional GET": (
            "sends back the ETag (If-None-Match) and Last-Modified (If-Modified-Since) of an "
            "earlier answer; the status column shows what the site answered"
        ),
        "reply insert": (
            "comment_submit (the service behind the comment form, abuse rules included): a "
            "reply to a random published comment, committed; after all page measurements"
        ),
        "throughput": (
            f"gunicorn -c config/gunicorn.py: {workers} workers x {threads} threads, preload, "
            f"access log off; "
            + (
                f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration:g}s"
                if load_tool == "wrk"
                else f"{args.connections} Python connections for {args.duration:g} s"
            )
            + " with X-Forwarded-Proto: https, against 127.0.0.1, after a warm-up of one "
            "request per server thread; a slow page runs longer (three rounds of all the "
            "connections at its warm-up speed, up to 120 s); each run starts once the "
            "workers are idle; latency columns are the load tool's p50 and p90; the "
            "largest post runs last of the pages and peak RSS is the largest VmHWM among "
            "the workers after it; the hello view runs first and again at the end, and "
            "shares are of the faster of the two runs"
            if load_tool != "none"
            else "not measured (--load-tool none)"
        ),
    }
