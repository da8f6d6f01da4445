"""Throughput against a running server: wrk when installed, else a small Python client.

Both only ever talk to 127.0.0.1 and stop after the given duration.
"""

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_CONNECTIONS = 64
MAX_DURATION = 120.0


@dataclass
class LoadResult:
    tool: str
    requests_per_second: float
    completed: int
    errors: int  # failed connections, timeouts, and answers other than 2xx/3xx
    latency_p50_ms: float | None = None
    latency_p90_ms: float | None = None
    statuses: dict[int, int] = field(default_factory=dict)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str:
    path = wrk_path()
    if not path:
        return ""
    done = subprocess.run([path, "-v"], capture_output=True, text=True, check=False)
    match = re.search(r"wrk (\S+)", done.stdout + done.stderr)
    return match.group(1) if match else "unknown"


def _check_target(url: str) -> None:
    host = urlsplit(url).hostname
    if host != "127.0.0.1":
        raise ValueError(f"load is only ever sent to 127.0.0.1, not {host!r}")


def wrk_command(
    url: str, *, headers: dict[str, str], duration: float, connections: int, threads: int
) -> list[str]:
    _check_target(url)
    connections = max(1, min(connections, MAX_CONNECTIONS))
    command = [
        wrk_path() or "wrk",
        f"-t{max(1, min(threads, connections))}",  # wrk wants a connection per thread
        f"-c{connections}",
        f"-d{max(1, round(min(duration, MAX_DURATION)))}s",  # whole seconds only
        "--timeout",
        "60s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    return command


def run_wrk(
    url: str, *, headers: dict[str, str], duration: float, connections: int, threads: int
) -> LoadResult:
    command = wrk_command(
        url, headers=headers, duration=duration, connections=connections, threads=threads
    )
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=MAX_DURATION + 90
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    """Read requests per second, latency percentiles and errors from wrk's report."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rate or not total:
        raise ValueError(f"unexpected wrk output:\n{output}")
    percentiles = {
        int(p): _duration_ms(value)
        for p, value in re.findall(r"^\s+(50|90)%\s+(\S+)\s*$", output, re.MULTILINE)
    }
    errors = 0
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if bad:
        errors += int(bad.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return LoadResult(
        tool="wrk",
        requests_per_second=float(rate.group(1)),
        completed=int(total.group(1)),
        errors=errors,
        latency_p50_ms=percentiles.get(50),
        latency_p90_ms=percentiles.get(90),
    )


def run_python_client(
    url: str, *, headers: dict[str, str], duration: float, connections: int
) -> LoadResult:
    """Keep `connections` keep-alive connections busy for `duration` seconds (bounded)."""
    _check_target(url)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connections = max(1, min(connections, MAX_CONNECTIONS))
    deadline = time.monotonic() + min(duration, MAX_DURATION)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = [0]

    def worker() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if not 200 <= response.status < 400:
                    errors[0] += 1
        connection.close()

    elapsed = _run_threads(worker, connections)
    latencies.sort()
    return LoadResult(
        tool="python",
        requests_per_second=len(latencies) / elapsed if elapsed else 0.0,
        completed=len(latencies),
        errors=errors[0],
        latency_p50_ms=percentile(latencies, 50) if latencies else None,
        latency_p90_ms=percentile(latencies, 90) if latencies else None,
        statuses=statuses,
    )


def complete_requests(url: str, *, headers: dict[str, str], count: int, concurrency: int) -> float:
    """Send `count` requests, `concurrency` at a time, each waited for to the end; return
    the seconds it took. Warms up every worker without leaving requests behind."""
    _check_target(url)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    remaining = [count]
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
        try:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                connection.request("GET", path, headers=headers)
                connection.getresponse().read()
        finally:
            connection.close()

    return _run_threads(worker, concurrency)


def _run_threads(target, count: int) -> float:
    """Run `target` in `count` threads at once; return the seconds until all finished."""
    started = time.monotonic()
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        raise ValueError("no samples")
    rank = max(1, -(-len(ordered) * p // 100))  # ceil without floats drifting
    return ordered[int(rank) - 1]
