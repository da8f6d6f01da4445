"""Run the site under gunicorn (config/gunicorn.py) on a free loopback port, and watch it."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy in front would say


def free_port() -> int:
    """Return a free loopback port: the first free one in BENCH_PORTS ("8250-8299") if
    set (machines where each user has a range of ports), else any the system gives."""
    first, _, last = os.environ.get("BENCH_PORTS", "").partition("-")
    for port in range(int(first), int(last or first) + 1) if first else ():
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    if first:
        raise RuntimeError(f"no free port in BENCH_PORTS={first}-{last or first}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(
    port: int,
    path: str,
    headers: dict[str, str] | None = None,
    *,
    method: str = "GET",
    body: bytes | None = None,
    timeout: float = 120,
):
    """Send a request (a GET unless told) to the local server; return (status, headers,
    body). Raises OSError or http.client.HTTPException when no answer comes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={**HTTPS, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Gunicorn:
    """A gunicorn master this run started; stopped (by its own pid only) on exit."""

    def __init__(
        self, env: dict[str, str], log_path: Path, ready_path: str, port: int | None = None
    ):
        self.port = port or free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.env.pop("GUNICORN_ACCESS_LOG", None)  # access log off for the run
        self.env.setdefault("GUNICORN_LOG_LEVEL", "warning")
        self.log_path = log_path
        self.ready_path = ready_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "config" / "gunicorn.py")],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                status, _, _ = fetch(self.port, self.ready_path)
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return self
            raise RuntimeError(f"gunicorn answered {status} on {self.ready_path}:\n{self.log()}")
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not start within 60 s:\n{self.log()}")

    def __exit__(self, *exc) -> None:
        stop_process(self.process)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return child_pids(self.process.pid)


def stop_process(process: subprocess.Popen | None, timeout: float = 30) -> None:
    """Stop a process this run started, by its own pid: SIGTERM, then SIGKILL after
    `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def child_pids(parent: int) -> list[int]:
    """Return the pids of a process's children (from /proc)."""
    children_file = Path(f"/proc/{parent}/task/{parent}/children")
    if children_file.exists():
        return [int(pid) for pid in children_file.read_text().split()]
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def cpu_ticks(pids: list[int]) -> int:
    """Return the CPU time (user + system, in clock ticks) the processes have used."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def wait_until_idle(pids: list[int], *, timeout: float = 180.0, window: float = 0.5) -> float:
    """Wait until the processes stop using CPU (requests a load tool gave up on are still
    being served after it exits); return how long that took."""
    started = time.monotonic()
    last = cpu_ticks(pids)
    while time.monotonic() - started < timeout:
        time.sleep(window)
        now = cpu_ticks(pids)
        if now - last <= 1:
            break
        last = now
    return time.monotonic() - started


def memory_kib(pid: int) -> dict[str, int]:
    """Return VmRSS and VmHWM (peak resident set) of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            values[name] = int(rest.split()[0])
    return values


def machine_memory_kib() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return 0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return "unknown"


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()
