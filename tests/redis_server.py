"""A real Redis server of the test's own, to stop and freeze: `redis-server` on 127.0.0.1
(bench.local_servers.RedisServer, which the fault benchmark shares).

It listens on a free port the system picks (or TEST_REDIS_SERVER_PORT, plus the xdist
worker's number so parallel workers never share one), keeps nothing on disk, and is always
stopped (and woken first if frozen) when the test ends. `snapshot_redis_server` also
saves snapshots (SAVE) into the test's temporary folder, to restart from.
"""

import os
import shutil
import socket

import pytest

from bench.local_servers import RedisServer


def server_port() -> int:
    """Return TEST_REDIS_SERVER_PORT plus this xdist worker's number, or a free port."""
    if configured := os.environ.get("TEST_REDIS_SERVER_PORT"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
        return int(configured) + int(worker)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(server_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def snapshot_redis_server(tmp_path):
    """A redis-server of the test's own that keeps its snapshots in a temporary folder."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(server_port(), directory=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
