from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from tests.factories import AuthorFactory, PostFactory

# The stand-in for PubMed and Crossref (tests/blog/test_lookup.py, tests/admin/test_paper_admin.py).
from tests.lookup_server import lookup_server, lookup_services  # noqa: F401

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
SEED_PATH = FIXTURES_DIR / "clinicspeak-alemtuzumab-nmo.txt"
SAMPLES_DIR = FIXTURES_DIR / "samples"


def pytest_configure(config):
    """Hash test passwords with MD5: the default PBKDF2 costs about two seconds a test on
    this machine, and no test is about the strength of the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def is_transactional(item: pytest.Item) -> bool:
    """Return True if the test runs outside a rolled-back transaction (pytest-django's rule):
    such a test ends by emptying every table."""
    marker = item.get_closest_marker("django_db")
    if marker:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(items):
    """Give every transactional test a serialized rollback.

    A transactional test empties every table when it ends, taking with it the rows the
    migrations made (the staff groups, the About page). With `serialized_rollback` the
    test database is serialized once after migrating, the test starts from that copy and
    its closing flush leaves the tables empty rather than half-refilled by post_migrate;
    `pytest_runtest_teardown` below then loads the copy back, so the tests after it (in
    any order, on any xdist worker) find the database as migrated.
    """
    for item in items:
        if not is_transactional(item):
            continue
        marker = item.get_closest_marker("django_db")
        _, reset_sequences, databases, _, available_apps = (
            validate_django_db(marker) if marker else (False, False, None, False, None)
        )
        serialized = pytest.mark.django_db(
            transaction=True,
            reset_sequences=reset_sequences,
            databases=databases,
            serialized_rollback=True,
            available_apps=available_apps,
        )
        item.add_marker(serialized, append=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, load back what the migrations made."""
    try:
        return (yield)
    finally:
        if is_transactional(item):
            with item.config.stash[blocking_manager_key].unblock():
                for connection in connections.all():
                    contents = getattr(connection, "_test_serialized_contents", None)
                    if contents:
                        connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def empty_caches():
    """Start every test with empty caches: cached pages are keyed by post ids, which a
    rolled-back test database hands out again."""
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files go to a temporary folder on the filesystem storage, never to media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def seed_path() -> Path:
    return SEED_PATH


@pytest.fixture
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def author(db):
    return AuthorFactory(name="Prof G", slug="prof-g")


@pytest.fixture
def post(db, author):
    return PostFactory(author=author)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def seed_post(db):
    """The ClinicSpeak post imported from the seed document (13 comments, 4 + 9 nested)."""
    from blog.importers import decode_document, parse_post_document
    from blog.importers.writer import import_post

    parsed = parse_post_document(decode_document(SEED_PATH.read_bytes()))
    return import_post(parsed, source_ref=SEED_PATH.stem).post
