"""`python -m bench`: build a scratch site, measure it, print the table, write BENCHMARKS.md.

The harness chooses its database, cache and settings before Django starts, which is why
it is a module of its own rather than a management command (manage.py would already have
configured the developer's database).
"""

import argparse
import json
import os
import runpy
import secrets
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from bench import load, report, server
from bench.describe import describe_machine, describe_method
from bench.scratch import ScratchDatabase, ScratchError
from bench.throughput import BROWSER, throughput

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


def environment(
    args, scratch: ScratchDatabase, workdir: Path, cache_url: str, *, quick: bool = False
) -> dict:
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
    if quick:  # config.bench_settings: static files without compressed copies
        env["BENCH_QUICK"] = "1"
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    return env


def use_environment(env: dict[str, str]) -> None:
    """Make `env` this process's environment for Django: the developer's own database,
    cache and Django settings (a replica URL, say) are dropped, not mixed in."""
    os.environ.update(env)
    for key in list(os.environ):
        if key not in env and key.startswith(("DJANGO_", "DATABASE_", "CACHE_")):
            del os.environ[key]


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
    env = environment(args, scratch, workdir, cache_url, quick=args.quick)
    log(
        f"scratch database {scratch.url}; cache {cache_url} under the key prefix "
        f"{env['CACHE_KEY_PREFIX']}; work directory {workdir}"
    )
    use_environment(env)

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
    report.write_report(args.output, report.markdown(run, targets))
    log(f"wrote {args.output}")
    if args.json:
        data = run.as_dict()
        data["targets"] = [
            {"text": t.text, "verdict": t.verdict, "figure": t.figure} for t in targets
        ]
        args.json.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    return 0


def measure(args, env, workdir, load_tool, scratch, cache_url, load_start) -> report.Run:
    """Build the posts, time them in process and under load, and describe the run."""
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

    run.timings += page_timings(measurer, posts, reference)

    if load_tool != "none":
        run.throughputs = throughput(
            args,
            env,
            workdir,
            load_tool,
            posts,
            reference,
            largest,
            workers * threads,
            hello=HELLO,
            log=log,
        )

    # Inserts last: every page above was measured with exactly its number of comments.
    for size in (reference, largest):
        log(f"in process: reply inserts at {size:,} comments")
        run.timings.append(measurer.reply_insert(posts[size], size=size))

    load_end = server.load_average()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    run.machine = describe_machine(scratch, workdir, cache_url, load_tool, (load_start, load_end))
    run.method = describe_method(args, load_tool, sizes, workers, threads)
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


# Readers with cookies: one that changes nothing on the page (a CSRF cookie an earlier
# comment left), served the stored page; one personal (a session the post page never
# reads), whose page is built per request around the cached parts (the shell).
SHELL_READERS = (
    ("post-cookie", "reader with a CSRF cookie", "csrftoken=" + "x" * 32),
    ("post-shell", "reader with a session cookie", "sessionid=not-a-session"),
)


def page_timings(measurer, posts: dict, reference: int) -> list:
    """Time the hello view, each post page cold, warm and with cookies, the reference
    post cold with all its comments on one page, and a conditional GET of the reference
    post, in process."""
    timings = []
    sizes = sorted(posts)
    log("in process: hello view")
    timings.append(measurer.get("hello", "hello view (framework ceiling)", HELLO))
    for size in sizes:
        path = posts[size].get_absolute_url()
        log(f"in process: post page with {size:,} comments")
        timings.append(
            measurer.get(
                f"post-cold-{size}",
                f"post page, {size:,} comments, cold",
                path,
                cold=True,
                size=size,
            )
        )
        timings.append(
            measurer.get(
                f"post-cached-{size}",
                f"post page, {size:,} comments, warm",
                path,
                size=size,
            )
        )
        for key, label, cookie in SHELL_READERS:
            timings.append(
                measurer.get(
                    f"{key}-{size}",
                    f"post page, {size:,} comments, warm, {label}",
                    path,
                    headers={"Cookie": cookie},
                    size=size,
                )
            )
    timings.append(one_page_timing(measurer, posts[reference], reference))
    log(f"in process: conditional GET at {reference:,} comments")
    timings.append(
        measurer.conditional(
            f"conditional-{reference}",
            f"conditional GET, {reference:,} comments",
            posts[reference].get_absolute_url(),
            size=reference,
        )
    )

    return timings


def one_page_timing(measurer, post, size: int):
    """Time `post` cold with all its `size` comments on one page, as a browser asks."""
    from django.test import override_settings  # once django.setup() has run (main)

    log(f"in process: all {size:,} comments on one page")
    with override_settings(COMMENTS_PER_PAGE=max(size, 1)):
        return measurer.get(
            f"one-page-cold-{size}",
            f"post page, all {size:,} comments on one page, cold, as a browser asks",
            post.get_absolute_url(),
            cold=True,
            headers=BROWSER,  # so the page is compressed for its reader, as it is stored
            size=size,
        )
