"""Throughput under gunicorn: serve the scratch site and load it, one page at a time."""

from collections.abc import Callable
from dataclasses import dataclass

from bench import load, report, server

# What Chromium and Firefox send: every reader's browser takes a compressed page.
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


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


def throughput(
    args, env, workdir, load_tool, posts, reference, largest, slots: int, *, hello: str, log
):
    """Serve the scratch site with gunicorn and load it; the largest post goes last.

    `slots` is how many requests the server works on at once (workers times threads);
    `hello` is the framework-ceiling view's path, `log` reports progress.
    """
    results = []
    with server.Gunicorn(env, workdir / "gunicorn.log", hello) as gunicorn:
        pids = gunicorn.worker_pids()
        log(f"gunicorn on port {gunicorn.port}, workers {pids}")
        reference_path = posts[reference].get_absolute_url()
        _, headers, _ = server.fetch(gunicorn.port, reference_path)
        validators = {}
        if "ETag" in headers:
            validators["If-None-Match"] = headers["ETag"]
        if "Last-Modified" in headers:
            validators["If-Modified-Since"] = headers["Last-Modified"]
        runs = [
            ("hello", "gunicorn: hello view", hello, {}),
            (
                f"post-cached-{reference}",
                f"gunicorn: post page, {reference:,} comments, warm",
                reference_path,
                {},
            ),
            (
                f"post-cached-browser-{reference}",
                f"gunicorn: post page, {reference:,} comments, warm, as a browser asks",
                reference_path,
                BROWSER,
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
            ("hello-end", "gunicorn: hello view, again at the end", hello, {}),
        ]
        for key, label, path, extra in runs:
            notes = []
            if key.startswith("conditional-") and not validators:
                notes.append("the site sent no ETag or Last-Modified: plain GETs")
            page = _Page(key, label, path, extra, heavy=key == f"post-{largest}")
            results.append(_load_one(args, gunicorn, load_tool, slots, page, notes, log))
            # The load tool stops at its deadline; requests it gave up on still run.
            server.wait_until_idle(gunicorn.worker_pids())
    return results


@dataclass(frozen=True)
class _Page:
    key: str
    label: str
    path: str
    extra_headers: dict
    heavy: bool  # the largest post: measure the workers' peak memory around it


def _load_one(args, gunicorn, load_tool, slots, page: _Page, notes: list[str], log: Callable):
    """Warm one page up, load it, and return its row (with peak RSS if it is heavy)."""
    key, label, path, extra, heavy = page.key, page.label, page.path, page.extra_headers, page.heavy
    if heavy:
        before = {pid: server.memory_kib(pid)["VmHWM"] for pid in gunicorn.worker_pids()}
    status, _, _ = server.fetch(gunicorn.port, path, extra)
    url, headers = gunicorn.url(path), {**server.HTTPS, **extra}
    # Warm-up: as many requests as the server has threads, each waited for, so every
    # worker has compiled its templates and opened its connections.
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
    return row
