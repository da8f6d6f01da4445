"""Servers a benchmark or a test starts for itself on 127.0.0.1, to break on purpose.

- SMTP, each in a thread: `smtp_sink()` speaks enough SMTP for Django's backend (EHLO,
  MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps what it receives; `refusing_smtp()`
  answers every connection with 554 and hangs up; `stalling_smtp()` accepts connections
  and never says a word; `switchable_smtp()` is a sink that `stall()` turns into the
  stalling kind until `recover()`.
- `RedisServer`: a redis-server of its own, nothing on disk, to stop, start again,
  freeze (SIGSTOP) and wake.
- `PostgresCluster`: a PostgreSQL cluster of its own (initdb into a new directory,
  pg_ctl on a given port), to stop and start again.

Only processes started here are ever signalled, each by its own pid.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from email import message_from_bytes
from pathlib import Path


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler, port: int = 0):
        super().__init__(("127.0.0.1", port), handler)
        self.connections = 0
        self.messages = []
        self.stop_event = threading.Event()
        self.stalling = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.shutdown()
        self.server_close()

    def stall(self) -> None:
        """From now on accept connections and say nothing (switchable_smtp only)."""
        self.stalling.set()

    def recover(self) -> None:
        self.stalling.clear()


class _SinkHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.server.connections += 1
        self.reply("220 sink.test ESMTP")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink.test")
            elif command.startswith("MAIL FROM"):
                recipients = []
                self.reply("250 OK")
            elif command.startswith("RCPT TO"):
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append((recipients, message_from_bytes(data)))
                self.reply("250 OK queued")
            elif command in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _RefusingHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.connections += 1
        self.request.sendall(b"554 5.3.2 No SMTP service here\r\n")


class _StallingHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.connections += 1
        self.server.stop_event.wait(30)  # accept, then say nothing until the test ends


class _SwitchableHandler(_SinkHandler):
    def handle(self):
        if not self.server.stalling.is_set():
            return super().handle()
        self.server.connections += 1
        # Say nothing while the stall lasts (or the server stops), then hang up.
        while self.server.stalling.is_set() and not self.server.stop_event.wait(0.1):
            pass


def smtp_sink() -> _Server:
    return _Server(_SinkHandler)


def refusing_smtp() -> _Server:
    return _Server(_RefusingHandler)


def stalling_smtp() -> _Server:
    return _Server(_StallingHandler)


def switchable_smtp(port: int = 0) -> _Server:
    return _Server(_SwitchableHandler, port)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port(ports: range, taken: set[int]) -> int:
    """Return a port of `ports` that nothing listens on and `taken` does not hold (and
    add it to `taken`)."""
    for port in ports:
        if port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def _wait_for(check, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within {timeout:g} s")


class RedisServer:
    """redis-server on 127.0.0.1:port; stop() wakes it first if it is frozen.

    With `directory`, SAVE writes a snapshot there (dump.rdb) and `start` loads it.
    """

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
        _wait_for(self._pong, f"redis-server on port {self.port}", timeout=5)

    def _pong(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

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

    def version(self) -> str:
        done = subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
        return done.stdout.split(" v=")[-1].split()[0] if " v=" in done.stdout else "unknown"


PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class PostgresCluster:
    """A PostgreSQL cluster of its own: initdb into a new directory, served on 127.0.0.1.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres`
    user (its directory is made under /tmp, which that user can reach) and the tools run
    as that user. `remove()` stops it and deletes the directory.
    """

    def __init__(self, port: int, bin_dir: Path = PG_BIN):
        self.port = port
        self.bin_dir = bin_dir
        self.as_root = os.geteuid() == 0
        self.directory = Path(
            tempfile.mkdtemp(prefix="msblog-pg-", dir="/tmp" if self.as_root else None)
        )
        self.data = self.directory / "data"
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"

    @staticmethod
    def available(bin_dir: Path = PG_BIN) -> bool:
        return (bin_dir / "initdb").exists() and (not os.geteuid() or shutil.which("runuser"))

    def _run(self, tool: str, *args: str, timeout: float = 120) -> str:
        command = [str(self.bin_dir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")
        return done.stdout

    def init(self) -> None:
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\n"
            )

    def start(self) -> None:
        log = self.directory / "postgresql.log"
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(log))

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` rolls back open transactions and closes every session."""
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.data))

    def version(self) -> str:
        found = re.search(r"\(PostgreSQL\) (\S+)", self._run("postgres", "--version"))
        return found.group(1) if found else "unknown"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
