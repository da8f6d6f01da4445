"""A real Redis server of the test's own, to stop and freeze: `redis-server` on 127.0.0.1.

`redis_server` listens on TEST_REDIS_SERVER_PORT (8141 by default) and keeps nothing on
disk; `snapshot_redis_server` listens on a free port and saves snapshots (SAVE) into the
test's temporary folder, to restart from. Both are always stopped (and woken first if
frozen) when the test ends.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest


class RedisServer:
    """With `directory`, SAVE writes a snapshot there (dump.rdb) and `start` loads it."""

    def __init__(self, port: int, directory: Path | None = None):
        self.port = port
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        on_disk = ["--dir", str(self.directory)] if self.directory else []
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                *on_disk,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(5)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections are accepted, nothing is answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def snapshot(self) -> bytes:
        """Write the data set to disk (SAVE) and return the snapshot's bytes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"SAVE\r\n")
            if not sock.recv(16).startswith(b"+OK"):
                raise RuntimeError("redis-server did not save")
        return (self.directory / "dump.rdb").read_bytes()

    def restart_from(self, snapshot: bytes) -> None:
        """Stop the server and start it again from an earlier snapshot, as a restore does."""
        self.stop()
        (self.directory / "dump.rdb").write_bytes(snapshot)
        self.start()


def free_port(first: int = 9200, last: int = 9299) -> int:
    """Return a port in [first, last] that nothing on 127.0.0.1 listens on now."""
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


@pytest.fixture
def snapshot_redis_server(tmp_path):
    """A redis-server of the test's own that keeps its snapshots in a temporary folder."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(free_port(), directory=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(int(os.environ.get("TEST_REDIS_SERVER_PORT", "8141")))
    server.start()
    try:
        yield server
    finally:
        server.stop()
