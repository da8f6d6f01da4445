"""Serving in production: static files, database connections, the shared cache, replicas,
gunicorn. Settings are read once per process: production values are read by running
config/settings.py afresh in a production environment (`settings_of`), and what needs
Django set up with them (collectstatic, serving, `check --deploy`) runs in a subprocess
with that environment, as tests/test_settings.py does."""

import json
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

from blog.models import Post
from comments.models import Comment
from config.env import cache_from_url
from config.routers import PrimaryReplicaRouter
from tests.settings_probe import probe, settings_of
from tests.test_settings import PRODUCTION, manage

BASE_DIR = Path(__file__).resolve().parent.parent


# --- static files ---------------------------------------------------------------------


def test_whitenoise_serves_static_files_right_after_the_security_middleware():
    middleware = settings.MIDDLEWARE
    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
    assert middleware[1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_development_and_tests_use_plain_static_storage():
    assert settings.STORAGES["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    assert settings_of()["staticfiles"] == settings.STORAGES["staticfiles"]["BACKEND"]


def test_production_uses_compressed_hashed_static_files():
    assert settings_of(**PRODUCTION)["staticfiles"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


STATIC_PROBE = """
import django
django.setup()
from django.templatetags.static import static
from django.test import Client
hashed = static("css/site.css")
print(hashed)
for path in (hashed, "/static/css/site.css"):
    response = Client().get(path, secure=True, headers={"host": "blog.example.org"})
    print(response.status_code, response.headers.get("Cache-Control"))
gzipped = Client().get(
    hashed, secure=True, headers={"host": "blog.example.org", "accept-encoding": "gzip"}
)
print(gzipped.headers.get("Content-Encoding"))
"""


def test_collectstatic_writes_hashed_compressed_files_served_with_long_cache(tmp_path):
    static_root = tmp_path / "static"
    env = {
        **PRODUCTION,
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    collected = manage("collectstatic", "--noinput", **env)

    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed_name = manifest["paths"]["css/site.css"]
    assert hashed_name != "css/site.css"
    assert (static_root / hashed_name).exists()
    assert (static_root / f"{hashed_name}.gz").exists()

    served = probe(STATIC_PROBE, **env)

    assert served.returncode == 0, served.stderr
    url, hashed, plain, encoding = served.stdout.strip().split("\n")
    assert url == f"/static/{hashed_name}"
    assert hashed == "200 max-age=315360000, public, immutable"
    # A name without a hash can change under the same URL: cached for a minute only.
    assert plain == "200 max-age=60, public"
    assert encoding == "gzip"


# --- database connections and replicas ------------------------------------------------


def test_production_keeps_database_connections_with_health_checks():
    database = settings_of(**PRODUCTION)["databases"]["default"]

    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_connection_age_and_health_checks_come_from_the_environment():
    development = settings_of()["databases"]["default"]
    tuned = settings_of(
        **PRODUCTION, DATABASE_CONN_MAX_AGE="300", DATABASE_CONN_HEALTH_CHECKS="false"
    )["databases"]["default"]

    assert development["CONN_MAX_AGE"] == 0
    assert (tuned["CONN_MAX_AGE"], tuned["CONN_HEALTH_CHECKS"]) == (300, False)


def test_replica_urls_become_replica_databases_behind_the_router():
    configured = settings_of(
        **PRODUCTION,
        DATABASE_URL="postgres://blog@primary.internal:5432/blog",
        DATABASE_REPLICA_URLS="postgres://blog@replica-a.internal:5432/blog, "
        "postgres://blog@replica-b.internal:5432/blog",
    )

    databases = configured["databases"]
    assert list(databases) == ["default", "replica_1", "replica_2"]
    assert databases["replica_1"]["HOST"] == "replica-a.internal"
    assert databases["replica_2"]["HOST"] == "replica-b.internal"
    assert databases["replica_2"]["CONN_MAX_AGE"] == 60
    # The test runner uses the primary for them rather than creating test replicas.
    assert databases["replica_1"]["TEST"]["MIRROR"] == "default"
    assert configured["replicas"] == ["replica_1", "replica_2"]
    assert configured["routers"] == ["config.routers.PrimaryReplicaRouter"]


def test_without_replicas_there_is_no_router():
    configured = settings_of(**PRODUCTION)

    assert list(configured["databases"]) == ["default"]
    assert configured["routers"] == []


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica_1", "replica_2"]
    settings.DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    return settings.DATABASE_REPLICAS


def test_reads_go_to_the_replicas_and_writes_to_the_primary(replicas):
    used = {Post.objects.all().db for _ in range(200)}

    assert used == {"replica_1", "replica_2"}  # both replicas share the reads
    assert Comment.objects.filter(pk=1).db in replicas
    assert PrimaryReplicaRouter().db_for_write(Post) == DEFAULT_DB_ALIAS
    assert Post.objects.select_for_update().db == DEFAULT_DB_ALIAS  # locking reads are writes


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(replicas):
    with transaction.atomic():
        assert Post.objects.all().db == DEFAULT_DB_ALIAS


def test_migrations_run_on_the_primary_only_and_relations_are_allowed(replicas):
    router = PrimaryReplicaRouter()
    on_replica, on_primary = Post(), Comment()
    on_replica._state.db, on_primary._state.db = "replica_1", DEFAULT_DB_ALIAS
    elsewhere = Comment()
    elsewhere._state.db = "archive"

    assert router.allow_migrate(DEFAULT_DB_ALIAS, "blog") is True
    assert router.allow_migrate("replica_1", "blog") is False
    assert router.allow_relation(on_replica, on_primary) is True
    assert router.allow_relation(on_replica, elsewhere) is None


def test_without_replicas_the_router_reads_from_the_primary(settings):
    settings.DATABASE_REPLICAS = []

    assert PrimaryReplicaRouter().db_for_read(Post) == DEFAULT_DB_ALIAS


# --- the shared cache -----------------------------------------------------------------


# Redis errors and timeouts become misses (config/cache.py).
REDIS = "config.cache.ResilientRedisCache"


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("redis://cache.internal:6379/1", REDIS, "redis://cache.internal:6379/1"),
        ("rediss://cache.internal:6380/0", REDIS, "rediss://cache.internal:6380/0"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", ""),
        ("locmem://pages", "django.core.cache.backends.locmem.LocMemCache", "pages"),
    ],
)
def test_cache_urls(url, backend, location):
    cache = cache_from_url(url)

    assert cache["BACKEND"] == backend
    assert cache["LOCATION"] == location
    assert "KEY_PREFIX" not in cache


def test_unknown_cache_url_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://127.0.0.1:11211")


def test_cache_url_wins_over_redis_url_which_still_works():
    both = settings_of(CACHE_URL="locmem://shared", REDIS_URL="redis://old.internal:6379/0")
    alias = settings_of(REDIS_URL="redis://old.internal:6379/0", CACHE_KEY_PREFIX="blog")

    assert both["cache"]["LOCATION"] == "shared"
    assert alias["cache"]["LOCATION"] == "redis://old.internal:6379/0"
    assert alias["cache"]["KEY_PREFIX"] == "blog"


def test_production_defaults_to_local_redis_and_development_to_local_memory():
    assert settings_of(**PRODUCTION)["cache"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert settings_of()["cache"]["BACKEND"].endswith("LocMemCache")


def test_a_bad_cache_url_refuses_to_start():
    done = manage("check", **PRODUCTION, CACHE_URL="memcached://127.0.0.1")

    assert done.returncode != 0
    assert "CACHE_URL must start with" in done.stderr


def test_check_deploy_is_clean_with_replicas_and_a_shared_cache():
    done = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DATABASE_REPLICA_URLS="postgres://blog@replica.internal:5432/blog",
        CACHE_URL="redis://cache.internal:6379/0",
        CACHE_KEY_PREFIX="blog",
    )

    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


# --- gunicorn -------------------------------------------------------------------------


def test_gunicorn_config_comes_from_the_environment(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    defaults = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.py"))
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")
    tuned = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.py"))

    assert defaults["bind"] == "127.0.0.1:8000"
    assert defaults["wsgi_app"] == "config.wsgi:application"
    assert defaults["preload_app"] is True
    assert defaults["accesslog"] is None
    assert defaults["workers"] >= 2
    assert (tuned["bind"], tuned["workers"], tuned["threads"]) == ("127.0.0.1:9001", 3, 4)
    assert tuned["accesslog"] == "-"


def test_gunicorn_refuses_a_bad_number(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "many")

    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be an integer"):
        runpy.run_path(str(BASE_DIR / "config" / "gunicorn.py"))
