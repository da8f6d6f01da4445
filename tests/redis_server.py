"""A real Redis server of the test's own, to stop and freeze: `redis-server` on 127.0.0.1
(bench.local_servers.RedisServer, which the fault benchmark shares).

It listens on TEST_REDIS_SERVER_PORT (8141 by default), keeps nothing on disk, and is
always stopped (and woken first if frozen) when the test ends.
"""

import os
import shutil

import pytest

from bench.local_servers import RedisServer


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
