"""`python -m bench`: build a scratch site, measure it, print the table, write BENCHMARKS.md.

The harness chooses its database, cache and settings before Django starts, which is why
it is a module of its own rather than a management command (manage.py would already have
configured the developer's database).
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import runpy
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import load, report, server
from bench.scratch import ScratchDatabase, ScratchError

BASE_DIR = Path(__file__).resolve().parent.parent
SIZES = (0, 10, 100, 1_000, 10_000)
QUICK_SIZES = (0, 10, 100)
HELLO = "/bench/hello/"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Benchmark the post page at growing comment counts, in process and under "
            "gunicorn, in a scratch database; print a table and write BENCHMARKS.md."
        ),
    )
    parser.add_argument("--quick", action="store_true", help="Small sizes, short runs (tests).")
    parser.add_argument("--sizes", help="Comma-separated comment counts (default 0,10,…,10000).")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL server (a scratch database is created on it and dropped after) or a "
        "new SQLite path; default: a SQLite file in a new directory under /tmp.",
    )
    parser.add_argument(
        "--cache-url",
        help="Cache for the site (redis://… or locmem://); default: Redis on 127.0.0.1:6379 "
        "if it answers (under a key prefix of this run), else local memory.",
    )
    parser.add_argument("--output", default=str(BASE_DIR / "BENCHMARKS.md"), type=Path)
    parser.add_argument("--json", type=Path, help="Also write the raw results here.")
    parser.add_argument("--repeat", type=int, help="Timed requests per row (default 30).")
    parser.add_argument("--warmup", type=int, help="Untimed requests first (default 3).")
    parser.add_argument(
        "--budget", type=float, help="Seconds per row after which to stop (once 5 are taken)."
    )
    parser.add_argument(
        "--load-tool",
        choices=["auto", "wrk", "python", "none"],
        default="auto",
        help="Throughput under gunicorn with wrk, the Python client, or not at all "
        "(auto: wrk if installed).",
    )
    parser.add_argument("--duration", type=float, help="Seconds per load run (default 10).")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--workers", type=int, help="Gunicorn workers (default: GUNICORN_WORKERS or the config)."
    )
    parser.add_argument(
        "--threads", type=int, help="Threads per worker (default: GUNICORN_THREADS or the config)."
    )
    parser.add_argument(
        "--rss-limit-mb",
        type=int,
        default=report.RSS_LIMIT_MIB,
        help=f"Peak RSS per worker the memory target allows (default {report.RSS_LIMIT_MIB}).",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--note", action="append", default=[], help="A line for BENCHMARKS.md.")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    args = parser.parse_args(argv)
    if args.sizes:
        try:
            args.sizes = sorted({int(part) for part in args.sizes.split(",") if part.strip()})
        except ValueError:
            parser.error("--sizes must be comma-separated integers")
    else:
        args.sizes = list(QUICK_SIZES if args.quick else SIZES)
    if len(args.sizes) < 2 or min(args.sizes) < 0:
        parser.error("--sizes needs at least two non-negative sizes")
    defaults = (5, 1, 5.0, 2.0) if args.quick else (30, 3, 30.0, 10.0)
    for name, default in zip(("repeat", "warmup", "budget", "duration"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    if args.repeat < 1 or args.warmup < 0 or args.duration <= 0:
        parser.error("--repeat must be ≥ 1, --warmup ≥ 0 and --duration > 0")
    return args


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def environment(args, scratch: ScratchDatabase, workdir: Path, cache_url: str) -> dict:
    """The production environment the site runs in, pointed at this run's own resources."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_"))
        and key not in {"REDIS_URL", "GUNICORN_BIND", "GUNICORN_ACCESS_LOG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.bench_settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_LOG_LEVEL="ERROR",
        DATABASE_URL=scratch.url,
        DATABASE_CONN_MAX_AGE="60",
        CACHE_URL=cache_url,
        CACHE_KEY_PREFIX=f"msblog-bench-{secrets.token_hex(4)}",
        PYTHONPATH=str(BASE_DIR),
    )
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    return env


def git_commit() -> str:
    def git(*command: str) -> str:
        done = subprocess.run(
            ["git", *command], cwd=BASE_DIR, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" (with uncommitted changes)" if git("status", "--porcelain") else "")


def gunicorn_shape(env: dict[str, str]) -> tuple[int, int]:
    """Workers and threads config/gunicorn.py gives in this environment."""
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return config["workers"], config["threads"]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_tool = args.load_tool
    if load_tool == "auto":
        load_tool = "wrk" if load.wrk_path() else "python"
        if load_tool == "python":
            log("wrk is not installed: throughput with the Python client (slower, less exact)")
    elif load_tool == "wrk" and not load.wrk_path():
        log("wrk is not installed (make bench installs it with apt-get)")
        return 2

    load_start = server.load_average()
    workdir = Path(tempfile.mkdtemp(prefix="msblog-bench-"))
    try:
        scratch = ScratchDatabase.create(args.database_url, workdir)
    except ScratchError as error:
        log(str(error))
        shutil.rmtree(workdir, ignore_errors=True)
        return 2
    cache_url = args.cache_url or ("redis://127.0.0.1:6379/0" if redis_answers() else "locmem://")
    env = environment(args, scratch, workdir, cache_url)
    log(
        f"scratch database {scratch.url}; cache {cache_url} under the key prefix "
        f"{env['CACHE_KEY_PREFIX']}; work directory {workdir}"
    )
    os.environ.update(env)
    for key in list(os.environ):
        if key not in env and key.startswith(("DJANGO_", "DATABASE_", "CACHE_")):
            del os.environ[key]

    import django

    django.setup()
    from django.db import connections

    from bench import inprocess

    try:
        run = measure(args, env, workdir, load_tool, scratch, cache_url, load_start)
    finally:
        try:
            inprocess.clear_caches()
        except Exception as error:  # the report matters more than tidying the cache
            log(f"could not clear this run's cache keys: {error}")
        connections.close_all()
        if args.keep:
            log(f"kept the scratch database {scratch.url} and {workdir}")
        else:
            scratch.drop()
            shutil.rmtree(workdir, ignore_errors=True)

    targets = report.evaluate_targets(run, rss_limit_mib=args.rss_limit_mb)
    print(report.text_table(run))
    print()
    for line in report.target_lines(targets):
        print(line)
    args.output.write_text(report.markdown(run, targets), encoding="utf-8")
    log(f"wrote {args.output}")
    if args.json:
        data = run.as_dict()
        data["targets"] = [
            {"text": t.text, "verdict": t.verdict, "figure": t.figure} for t in targets
        ]
        args.json.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    return 0


def measure(args, env, workdir, load_tool, scratch, cache_url, load_start) -> report.Run:
    import django
    from django.core.cache import cache
    from django.db import connection

    from bench import dataset, inprocess

    source = dataset.prepare(log)
    posts = dataset.build_posts(source, args.sizes, seed=args.seed, log=log)
    inprocess.clear_caches()
    sizes = sorted(posts)
    largest = sizes[-1]
    reference = 1_000 if 1_000 in posts and largest != 1_000 else sizes[-2]
    measurer = inprocess.Measurer(
        repeat=args.repeat, warmup=args.warmup, budget_s=args.budget, seed=args.seed
    )
    workers, threads = gunicorn_shape(env)
    run = report.Run(machine={}, method={})

    log("in process: hello view")
    run.timings.append(measurer.get("hello", "hello view (framework ceiling)", HELLO))
    for size in sizes:
        path = posts[size].get_absolute_url()
        log(f"in process: post page with {size:,} comments")
        run.timings.append(
            measurer.get(
                f"post-cold-{size}",
                f"post page, {size:,} comments, cold",
                path,
                cold=True,
                size=size,
            )
        )
        run.timings.append(
            measurer.get(
                f"post-cached-{size}",
                f"post page, {size:,} comments, warm",
                path,
                size=size,
            )
        )
        run.timings.append(
            measurer.get(
                f"post-shell-{size}",
                f"post page, {size:,} comments, warm, reader with cookies",
                path,
                headers={"Cookie": "theme=dark"},
                size=size,
            )
        )
    log(f"in process: conditional GET at {reference:,} comments")
    run.timings.append(
        measurer.conditional(
            f"conditional-{reference}",
            f"conditional GET, {reference:,} comments",
            posts[reference].get_absolute_url(),
            size=reference,
        )
    )

    if load_tool != "none":
        run.throughputs = throughput(
            args, env, workdir, load_tool, posts, reference, largest, workers * threads
        )

    # Inserts last: every page above was measured with exactly its number of comments.
    for size in (reference, largest):
        log(f"in process: reply inserts at {size:,} comments")
        run.timings.append(measurer.reply_insert(posts[size], size=size))

    load_end = server.load_average()
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
    run.machine = {
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
    run.method = {
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
        "warm, reader with cookies": (
            "the same, with a harmless cookie: the page is built around the cached "
            "discussion and sidebar"
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
            "largest post runs last and peak RSS is the largest VmHWM among the workers "
            "after it"
            if load_tool != "none"
            else "not measured (--load-tool none)"
        ),
    }
    if load_start[0] >= 0.5 * usable or load_end[0] >= 0.5 * usable:
        run.notes.append(
            f"Busy machine: load average {load_start[0]:.1f} at the start and "
            f"{load_end[0]:.1f} at the end on {usable} usable cores; other work shared the "
            "CPU, so these timings are noisy."
        )
    if args.quick:
        run.notes.append("Quick run (--quick): small sizes and short runs; not for comparison.")
    run.notes.extend(args.note)
    return run


def generate_load(args, tool: str, url: str, headers: dict, duration: float) -> load.LoadResult:
    if tool == "wrk":
        return load.run_wrk(
            url,
            headers=headers,
            duration=duration,
            connections=args.connections,
            threads=args.wrk_threads,
        )
    return load.run_python_client(
        url, headers=headers, duration=duration, connections=args.connections
    )


def throughput(args, env, workdir, load_tool, posts, reference, largest, slots: int):
    """Serve the scratch site with gunicorn and load it; the largest post goes last.

    `slots` is how many requests the server works on at once (workers times threads).
    """
    results = []
    with server.Gunicorn(env, workdir / "gunicorn.log", HELLO) as gunicorn:
        pids = gunicorn.worker_pids()
        log(f"gunicorn on port {gunicorn.port}, workers {pids}")
        reference_path = posts[reference].get_absolute_url()
        status, headers, _ = server.fetch(gunicorn.port, reference_path)
        validators = {}
        if "ETag" in headers:
            validators["If-None-Match"] = headers["ETag"]
        if "Last-Modified" in headers:
            validators["If-Modified-Since"] = headers["Last-Modified"]
        runs = [
            ("hello", "gunicorn: hello view", HELLO, {}),
            (
                f"post-cached-{reference}",
                f"gunicorn: post page, {reference:,} comments, warm",
                reference_path,
                {},
            ),
            (
                f"conditional-{reference}",
                f"gunicorn: conditional GET, {reference:,} comments",
                reference_path,
                validators,
            ),
            (
                f"post-{largest}",
                f"gunicorn: post page, {largest:,} comments",
                posts[largest].get_absolute_url(),
                {},
            ),
        ]
        for key, label, path, extra in runs:
            heavy = key == f"post-{largest}"
            if heavy:
                before = {pid: server.memory_kib(pid)["VmHWM"] for pid in gunicorn.worker_pids()}
            status, _, _ = server.fetch(gunicorn.port, path, extra)
            url, headers = gunicorn.url(path), {**server.HTTPS, **extra}
            # Warm-up: as many requests as the server has threads, each waited for, so
            # every worker has compiled its templates and opened its connections.
            batch = load.complete_requests(url, headers=headers, count=slots, concurrency=slots)
            # A slow page gets a longer run: at least three rounds of all the connections.
            rounds = 3 * batch * max(1.0, args.connections / slots)
            duration = round(min(load.MAX_DURATION, max(args.duration, rounds)), 1)
            if load_tool == "wrk":
                duration = max(1, round(duration))  # wrk takes whole seconds
            log(f"load: {label} ({load_tool}, {duration:g} s)")
            result = generate_load(args, load_tool, url, headers, duration)
            row = report.Throughput(
                key=key,
                label=label,
                tool=result.tool,
                requests_per_second=result.requests_per_second,
                completed=result.completed,
                errors=result.errors,
                status=status,
                latency_p50_ms=result.latency_p50_ms,
                latency_p90_ms=result.latency_p90_ms,
            )
            notes = []
            if key.startswith("conditional-") and not validators:
                notes.append("the site sent no ETag or Last-Modified: plain GETs")
            if duration > args.duration:
                notes.append(f"a slow page: run for {duration:g} s instead of {args.duration:g}")
            if heavy:
                after = {pid: server.memory_kib(pid)["VmHWM"] for pid in gunicorn.worker_pids()}
                row.peak_rss_kib = max(after.values())
                row.rss_before_kib = max(before.values())
                notes.append(
                    f"peak RSS (VmHWM) per worker {row.rss_before_kib / 1024:.0f} MiB before "
                    f"this page was served, {row.peak_rss_kib / 1024:.0f} MiB after "
                    f"({len(after)} workers, {sum(after.values()) / 1024:.0f} MiB together)"
                )
            if result.errors:
                notes.append(f"{result.errors} errors or non-2xx/3xx answers")
            if not result.completed:
                notes.append(f"no request completed in {duration:g} s")
            row.note = "; ".join(notes)
            results.append(row)
            # The load tool stops at its deadline; requests it gave up on still run.
            server.wait_until_idle(gunicorn.worker_pids())
    return results
