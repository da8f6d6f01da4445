"""Gunicorn settings for production: `gunicorn -c config/gunicorn.py`.

Every value comes from the environment (GUNICORN_*), with defaults for one small server
behind a load balancer or reverse proxy on the same host. Django's own settings still come
from DJANGO_* and the other variables described in README.md.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


wsgi_app = "config.wsgi:application"
# Loopback by default: the proxy in front (nginx, the load balancer's agent) talks to it.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes for CPU (a page is mostly template rendering), threads to overlap the waits
# on PostgreSQL and Redis.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 2)
# Import Django once, before forking: faster start-up, shared memory pages.
preload_app = True
timeout = _int("GUNICORN_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers after this many requests (0: never); a guard against slow leaks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)
# Access log off unless asked for ("-" is stdout); the proxy in front keeps one anyway.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The heartbeat file lives in memory rather than on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No control socket (gunicorn 25+ opens one in the home directory by default, which two
# servers on one machine would share); use signals to reload or stop.
control_socket_disable = True
# Only the proxy on this host may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
