"""Settings for the MS research blog, read from the environment.

Every value has a safe development default; production sets DJANGO_DEBUG=false and
supplies DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (see .env.example).
Several app servers can share one PostgreSQL primary (plus read replicas) and one Redis
cache; nothing is kept on the app server itself but collected static files. Reading and
checking the environment (typed values, the cache URL, mail, media) is config/env.py's.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import (
    cache_from_url,
    env_bool,
    env_int,
    env_list,
    mailers,
    media_storage,
    site_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

if not DEBUG:
    # Refuse to start a production process with development secrets or open hosts.
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY to a long random value when DEBUG is off."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Set DJANGO_ALLOWED_HOSTS to the site's host names when DEBUG is off."
        )

INSTALLED_APPS = [
    "config.apps.BlogAdminConfig",  # django.contrib.admin, with the blog's name
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so runserver serves static files as production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # The stored search vector (blog.Post.search_vector); harmless on SQLite.
    "django.contrib.postgres",
    "mptt",
    "authors",
    "images",
    "blog",
    "comments",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after the HTTPS redirect: no session, no database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside all the rest: compresses what they have finished (blog.compression); static
    # files never reach it (WhiteNoise serves its own precompressed copies).
    "blog.compression.CompressionMiddleware",
    "config.middleware.RefuseNulInAdminMiddleware",
    "config.routers.ReadYourWritesMiddleware",
    # A post page from the cache (a 304, or the stored page) skips everything below.
    "blog.caching.middleware.PostPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

# Under `make run` (DEBUG) a missing page shows the site's own 404 page, with a note;
# DJANGO_DEBUG_ROUTES=true brings back Django's debug 404, which lists every route.
DEBUG_ROUTES = env_bool("DJANGO_DEBUG_ROUTES", False)
if DEBUG and not DEBUG_ROUTES:
    MIDDLEWARE.append("config.middleware.SiteNotFoundPageMiddleware")

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "blog.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Persistent connections in production (a connection per request costs a PostgreSQL
# backend start-up); checked before reuse so a restarted server is not an error page.
DATABASE_OPTIONS = {
    "conn_max_age": env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
    "conn_health_checks": env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", **DATABASE_OPTIONS
    )
}

if os.environ.get("DATABASE_TEST_NAME"):
    # Lets two test runs share one PostgreSQL server without dropping each other's database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}

# Read replicas (comma-separated URLs) become replica_1, replica_2, ...; the router sends
# reads to them and everything else to the primary. Tests use the primary instead.
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    alias = f"replica_{number}"
    DATABASES[alias] = dj_database_url.parse(url, **DATABASE_OPTIONS)
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS.append(alias)
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"] if DATABASE_REPLICAS else []
# How long a reader who wrote keeps reading from the primary (config.routers).
DATABASE_REPLICA_LAG_SECONDS = env_int("DATABASE_REPLICA_LAG_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The admin is the only place to sign in: a login whose `?next=` is refused as unsafe (another
# host, say) lands on the admin index, not on Django's default /accounts/profile/ (a 404).
LOGIN_REDIRECT_URL = "admin:index"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Media: uploaded images ---------------------------------------------------------------
# The local filesystem by default (MEDIA_ROOT, served by Django only in development); any
# S3-compatible object store when AWS_STORAGE_BUCKET_NAME is set (django-storages), which
# serves the files itself or through a CDN (AWS_S3_CUSTOM_DOMAIN).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
# Decided when settings load, as for static files: tests turn DEBUG off later.
SERVE_MEDIA = DEBUG

# Uploads: the largest file and the most pixels accepted (a 40-megapixel camera photo is
# fine; a "decompression bomb" claiming far more is refused before it is decoded).
IMAGES_MAX_UPLOAD_BYTES = env_int("IMAGES_MAX_UPLOAD_BYTES", 25 * 1000 * 1000)
IMAGES_MAX_PIXELS = env_int("IMAGES_MAX_PIXELS", 60 * 1000 * 1000)
# Where images are served from when not this site (the bucket's or the CDN's origin, e.g.
# https://cdn.example.org), for the Content Security Policy's img-src.
IMAGES_ORIGINS = env_list("IMAGES_ORIGINS", [])

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# Production serves files collected with content hashes in their names (cached for a
# year by browsers and CDNs) and pre-compressed; development serves the source files.
STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Decided when settings load: the test runner turns DEBUG off later, but tests should
# serve static files as development does (from the source folders, no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The blog's identity, used in page titles, feeds and structured data.
BLOG_NAME = os.environ.get("BLOG_NAME", "MS Research Blog")
BLOG_TAGLINE = os.environ.get(
    "BLOG_TAGLINE", "Multiple sclerosis research, explained by the people doing it"
)
BLOG_POSTS_PER_PAGE = env_int("BLOG_POSTS_PER_PAGE", 10)
# The most one imported document may hold (blog.importers.limits); past them it is refused
# with the line at fault, and nothing is written.
IMPORT_MAX_HASHTAGS = env_int("IMPORT_MAX_HASHTAGS", 100)
IMPORT_MAX_PAPERS = env_int("IMPORT_MAX_PAPERS", 50)
IMPORT_MAX_COMMENTS = env_int("IMPORT_MAX_COMMENTS", 20_000)
IMPORT_MAX_LINE_LENGTH = env_int("IMPORT_MAX_LINE_LENGTH", 100_000)
# An admin upload larger than this (all its files together) is not imported in the
# request: it is stored and queued for the worker, and the editor watches its progress.
# 32 KB keeps a request to a few seconds at worst (a document of 680 one-line comments).
IMPORT_INLINE_MAX_BYTES = env_int("IMPORT_INLINE_MAX_BYTES", 32 * 1024)
# PostgreSQL cancels a search statement that runs longer than this (milliseconds).
BLOG_SEARCH_TIMEOUT_MS = env_int("BLOG_SEARCH_TIMEOUT_MS", 2000)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health view over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content Security Policy: scripts only from this site (or inline with the per-request
# nonce), no plugins, no framing, forms post only here. Style attributes stay allowed for
# django-mptt's admin tree indentation; <style> elements must come from this site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src-elem": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *IMAGES_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
# A comment sent from a cached post page without JavaScript has no CSRF token yet: it
# comes back, filled in, with one (comments.views.csrf_failure); other refusals are 403.
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Caches ----------------------------------------------------------------------------
# A shared cache (Redis) makes rate limits and cached pages hold across processes and
# servers; local memory (one process only) is for development and tests.

# Seconds a Redis connect or command may take (then it counts as a miss), and how long a
# process then serves without Redis before trying it again.
CACHE_SOCKET_TIMEOUT = float(os.environ.get("CACHE_SOCKET_TIMEOUT", "0.25"))
CACHE_RETRY_AFTER = float(os.environ.get("CACHE_RETRY_AFTER", "5"))
# CACHE_URL wins; REDIS_URL is the older name for the same thing.
CACHE_URL = (
    os.environ.get("CACHE_URL")
    or os.environ.get("REDIS_URL")
    or ("locmem://" if DEBUG else "redis://127.0.0.1:6379/0")
)
# Lets several sites (or a benchmark) share one Redis without reading each other's keys.
CACHES = {
    "default": cache_from_url(
        CACHE_URL,
        key_prefix=os.environ.get("CACHE_KEY_PREFIX", ""),
        socket_timeout=CACHE_SOCKET_TIMEOUT,
        retry_after=CACHE_RETRY_AFTER,
    )
}
# Cached pages and fragments are keyed by version tokens (blog/caching/), so a change
# retires them at once; this only bounds how long unused entries stay (seconds).
BLOG_CACHE_SECONDS = env_int("BLOG_CACHE_SECONDS", 24 * 60 * 60)
# How long the cache may keep a version token read from the database before reading it
# again (seconds): the bound on serving stale pages after the cache loses writes (restored
# from a snapshot, a lagging replica promoted), blog/caching/versions.py.
BLOG_CACHE_VERSION_SECONDS = env_int("BLOG_CACHE_VERSION_SECONDS", 30)
# How long a shared cache (a CDN) may serve a page to readers without cookies (s-maxage).
BLOG_CDN_MAX_AGE = env_int("BLOG_CDN_MAX_AGE", 60)
# How far a stored post page's sidebar "recent comments" may lag a comment on another post
# (seconds): other posts' pages are not retired by each comment (blog/caching/post_page.py).
BLOG_RECENT_COMMENTS_STALE_SECONDS = env_int("BLOG_RECENT_COMMENTS_STALE_SECONDS", 10)
# How long a reader waits for another process building the same cached entry (seconds).
BLOG_BUILD_WAIT_SECONDS = float(os.environ.get("BLOG_BUILD_WAIT_SECONDS", "1"))
# While one request rebuilds a retired whole post page, other readers without personal
# cookies get the copy stored before, with its own validators, if its versions were read
# less than this long ago (seconds): it misses no change older than that
# (blog/caching/post_page.py). 0: they wait for the builder instead.
BLOG_PAGE_STALE_SECONDS = float(os.environ.get("BLOG_PAGE_STALE_SECONDS", "5"))
# How many bytes of the whole pages it served last a worker keeps in its own memory, so
# that serving one again fetches only its versions from the cache, not its bytes
# (blog/caching/local_pages.py). 0: none.
BLOG_LOCAL_PAGE_BYTES = env_int("BLOG_LOCAL_PAGE_BYTES", 8 * 1024 * 1024)

# --- Email ---------------------------------------------------------------------------
# Development prints emails to the console; production sends through SMTP at EMAIL_HOST.
# Mail is never sent inside a request: it is queued in the database (outbox.Message) in
# the transaction that causes it and sent by the worker, `manage.py send_outbox`.
# Every SMTP mailer has a timeout (EMAIL_TIMEOUT seconds, config.env.mailers).
MAILERS = mailers(debug=DEBUG)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "blog@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The worker retries a failed message with exponential back-off from OUTBOX_RETRY_SECONDS
# (at most an hour apart) and gives up after OUTBOX_MAX_ATTEMPTS; a message a worker
# claimed is offered again after OUTBOX_CLAIM_SECONDS if that worker died.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)
OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 600)
# How long a link confirming a reader's email address stays valid.
OUTBOX_CONFIRM_DAYS = env_int("OUTBOX_CONFIRM_DAYS", 30)
# Jobs the same worker runs (outbox.jobs: large admin imports). A job runs at most
# JOBS_TIME_LIMIT_SECONDS; a worker's claim on it lasts JOBS_LEASE_SECONDS past its last
# progress report, after which another worker takes it over; a job that fails (or whose
# worker dies) JOBS_MAX_ATTEMPTS times is marked failed.
JOBS_TIME_LIMIT_SECONDS = env_int("JOBS_TIME_LIMIT_SECONDS", 3600)
JOBS_LEASE_SECONDS = env_int("JOBS_LEASE_SECONDS", 300)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)

# The author of imported pages that name none (no author box, no "By X" sign-off); the
# author is created on first use (authors.services.author_default).
BLOG_DEFAULT_AUTHOR = os.environ.get("BLOG_DEFAULT_AUTHOR", "").strip() or "The editors"

# --- Comments: limits and abuse rules (WordPress-like defaults) ---------------------------
# Field lengths: the model's limits (100, 254, 10,000) are the most; these may lower them.
COMMENTS_MAX_NAME_LENGTH = env_int("COMMENTS_MAX_NAME_LENGTH", 100)
COMMENTS_MAX_EMAIL_LENGTH = env_int("COMMENTS_MAX_EMAIL_LENGTH", 100)
COMMENTS_MAX_BODY_LENGTH = env_int("COMMENTS_MAX_BODY_LENGTH", 10_000)
# Replies deeper than this attach at the maximum depth, as WordPress does (1 = no replies).
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 6)
# Held for moderation: more links than this, a moderation keyword, or (optionally) a
# first-time commenter. Marked as spam: a disallowed keyword or a filled honeypot.
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
COMMENTS_MODERATION_KEYWORDS = env_list("COMMENTS_MODERATION_KEYWORDS", [])
COMMENTS_DISALLOWED_KEYWORDS = env_list("COMMENTS_DISALLOWED_KEYWORDS", [])
COMMENTS_HOLD_FIRST_TIME = env_bool("COMMENTS_HOLD_FIRST_TIME", False)
# Flood control: the same client or email may not post again within this many seconds.
COMMENTS_FLOOD_SECONDS = env_int("COMMENTS_FLOOD_SECONDS", 15)
# Rate limit per client across all processes: at most N comments per window.
COMMENTS_RATE_LIMIT = env_int("COMMENTS_RATE_LIMIT", 10)
COMMENTS_RATE_WINDOW_SECONDS = env_int("COMMENTS_RATE_WINDOW_SECONDS", 3600)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: trust none).
COMMENTS_TRUSTED_PROXY_COUNT = env_int("COMMENTS_TRUSTED_PROXY_COUNT", 0)
COMMENTS_MODERATOR_EMAILS = env_list("COMMENTS_MODERATOR_EMAILS", [])
# A post's comments are shown in pages of this many (in tree order; page 1 is the post).
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 200)
# The page a comment sent without JavaScript comes back on when its form has errors: the
# post's own page with the form at #respond. Named here because the blog app owns that
# page and comments may not import the blog (apps depend one way: README, Architecture).
COMMENTS_POST_PAGE = "blog.views.render_post_page"
if COMMENTS_PER_PAGE < 1:
    raise ImproperlyConfigured("COMMENTS_PER_PAGE must be at least 1.")
# Paper lookup (blog/papers/lookup.py): PubMed E-utilities efetch and Crossref works.
# Both ask for a contact address in the User-Agent (and NCBI as `email`); say whose it is.
PAPER_LOOKUP_CONTACT = os.environ.get("PAPER_LOOKUP_CONTACT", DEFAULT_FROM_EMAIL)
PAPER_LOOKUP_TIMEOUT = env_int("PAPER_LOOKUP_TIMEOUT", 5)
PAPER_LOOKUP_CACHE_SECONDS = env_int("PAPER_LOOKUP_CACHE_SECONDS", 7 * 24 * 3600)
PUBMED_EFETCH_URL = os.environ.get(
    "PUBMED_EFETCH_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
)
CROSSREF_WORKS_URL = os.environ.get("CROSSREF_WORKS_URL", "https://api.crossref.org/works/")


# The canonical origin of every absolute URL the site writes: canonical links, OpenGraph,
# JSON-LD, feeds, the sitemap, robots.txt and emails (core.site.absolute_url), never the
# request's Host header. BLOG_BASE_URL is its older name. Production defaults to https on
# the first allowed host name.
SITE_URL = site_url(
    os.environ.get("SITE_URL")
    or os.environ.get("BLOG_BASE_URL")
    or ("http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0]}")
)
