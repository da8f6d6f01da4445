"""Real SMTP servers on 127.0.0.1 for the mail worker's tests (they live in
bench.local_servers, which the fault benchmark shares), and the setting that uses one."""

from bench.local_servers import (  # noqa: F401  (re-exported for the tests)
    closed_port,
    refusing_smtp,
    smtp_sink,
    stalling_smtp,
)


def smtp_mailers(port: int, *, timeout: float = 1) -> dict:
    """A MAILERS setting that sends through 127.0.0.1:port, as production does (no TLS)."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": timeout},
        }
    }
