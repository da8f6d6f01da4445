"""Small real SMTP servers on 127.0.0.1 for the mail worker's tests, each in a thread.

`smtp_sink()` speaks enough SMTP for Django's backend (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT) and keeps what it receives; `refusing_smtp()` answers every connection with 554 and
hangs up; `stalling_smtp()` accepts connections and never says a word.
"""

import socket
import socketserver
import threading
from email import message_from_bytes


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.connections = 0
        self.messages = []
        self.stop_event = threading.Event()

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


def smtp_sink() -> _Server:
    return _Server(_SinkHandler)


def refusing_smtp() -> _Server:
    return _Server(_RefusingHandler)


def stalling_smtp() -> _Server:
    return _Server(_StallingHandler)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_mailers(port: int, *, timeout: float = 1) -> dict:
    """A MAILERS setting that sends through 127.0.0.1:port, as production does (no TLS)."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": timeout},
        }
    }
