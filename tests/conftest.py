from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from blog.caching.local_pages import forget_local_pages
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
    """Give every transactional test a serialized rollback; start the slow tests first.

    A transactional test empties every table when it ends, taking with it the rows the
    migrations made (the staff groups, the About page). With `serialized_rollback` the
    test database is serialized once after migrating and the test's closing flush leaves
    the tables empty (not half-refilled by post_migrate); `pytest_runtest_teardown` below
    then loads the copy back, so the tests after it, in any order and on any xdist worker,
    find the database as migrated.

    Tests marked `slow` (tens of seconds) go first, so that under xdist (`make test`) one
    worker starts on them while the others share the rest, rather than one finishing last.
    """
    for item in items:
        if is_transactional(item):
            item.add_marker(serialized_rollback(item), append=False)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def serialized_rollback(item: pytest.Item) -> pytest.MarkDecorator:
    """Return the test's django_db mark with a serialized rollback."""
    marker = item.get_closest_marker("django_db")
    _, reset_sequences, databases, _, available_apps = (
        validate_django_db(marker) if marker else (False, False, None, False, None)
    )
    return pytest.mark.django_db(
        transaction=True,
        reset_sequences=reset_sequences,
        databases=databases,
        serialized_rollback=True,
        available_apps=available_apps,
    )


# The test databases as migrated, serialized (alias: JSON), once pytest-django made them.
MIGRATED: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the serialized copies Django made of the test databases.

    They hang on the connection objects, and those are not the only ones a test meets:
    once Playwright has run its event loop in this thread, Django hands out other
    connection objects to the same database (asgiref's storage for async code).
    """
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents:
            MIGRATED[alias] = contents
    yield
    # The test databases go next; the connections point at the real ones again.
    MIGRATED.clear()


def restore_migrated_rows() -> None:
    """Load the migrated rows back into the emptied test databases.

    A flush through a connection object without the serialized copy re-ran post_migrate
    (content types and permissions, under new ids): empty the tables again first. The copy
    then goes on the connection in use, for Django's next serialized rollback.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    for alias, contents in MIGRATED.items():
        connection = connections[alias]
        if ContentType.objects.using(alias).exists():
            call_command(
                "flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True
            )
        connection._test_serialized_contents = contents
        connection.creation.deserialize_db_from_string(contents)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, load back what the migrations made."""
    try:
        return (yield)
    finally:
        if is_transactional(item) and MIGRATED and nextitem is not None:
            with item.config.stash[blocking_manager_key].unblock():
                restore_migrated_rows()


@pytest.fixture(autouse=True)
def empty_caches():
    """Start every test with empty caches: cached pages are keyed by post ids, which a
    rolled-back test database hands out again."""
    for alias in settings.CACHES:
        caches[alias].clear()
    forget_local_pages()  # a worker's own copies of whole pages (blog.caching.local_pages)


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
