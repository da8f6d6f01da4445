"""Reading settings from the environment, for config/settings.py.

Typed values that refuse anything unclear with ImproperlyConfigured (healthchecks'
`envbool`), and the settings that come as a URL or a group of variables: the cache, the
site's origin, the mail server and the media store.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment; refuse anything that is not clearly one."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list from the environment."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read an integer from the environment; refuse anything else."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def cache_from_url(
    url: str, *, key_prefix: str = "", socket_timeout: float = 0.25, retry_after: float = 5
) -> dict:
    """Return a CACHES entry for `redis://…` (or `rediss://…`) or `locmem://[name]`.

    A Redis connect or command may take `socket_timeout` seconds (then it counts as a
    miss), and a process then serves without Redis for `retry_after` seconds before
    trying it again.
    """
    scheme, _, rest = url.partition("://")
    if scheme in {"redis", "rediss"}:
        cache = {
            # Errors and timeouts become misses (logged): see config/cache.py.
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                # A frozen Redis costs at most this long, then the page is built without it.
                "socket_connect_timeout": socket_timeout,
                "socket_timeout": socket_timeout,
                "RETRY_AFTER": retry_after,
            },
        }
    elif scheme == "locmem":
        cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with redis://, rediss:// or locmem://, got {url!r}"
        )
    if key_prefix:
        cache["KEY_PREFIX"] = key_prefix
    return cache


def site_url(raw: str) -> str:
    """Check the site's canonical origin: a scheme and a host, no path (no trailing slash)."""
    value = raw.strip().rstrip("/")
    scheme, _, rest = value.partition("://")
    if scheme not in {"http", "https"} or not rest or any(c in rest for c in "/?#@ "):
        raise ImproperlyConfigured(
            f"SITE_URL must look like https://blog.example.org (no path), got {raw!r}"
        )
    return value


def mailers(*, debug: bool) -> dict:
    """Return MAILERS: the console in development unless EMAIL_HOST is set, else SMTP.

    Every SMTP mailer gets a timeout: seconds any one connect, read or write may take
    before the attempt fails (EMAIL_TIMEOUT; Django 6.1 refuses the old EMAIL_TIMEOUT
    setting beside MAILERS, so it is the mailer's `timeout` option).
    """
    timeout = env_int("EMAIL_TIMEOUT", 10)
    if timeout <= 0:
        raise ImproperlyConfigured("EMAIL_TIMEOUT must be a positive number of seconds.")
    if debug and not os.environ.get("EMAIL_HOST"):
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_USER", ""),
                "password": os.environ.get("EMAIL_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": timeout,
            },
        }
    }


def media_storage() -> dict:
    """Return STORAGES["default"]: an S3-compatible bucket if one is named, else the disk."""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": os.environ.get("AWS_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_S3_SECRET_ACCESS_KEY") or None,
        "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
        # Public images: plain URLs (no expiring signatures) that a CDN can cache.
        "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
        "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {key: value for key, value in options.items() if value is not None},
    }
