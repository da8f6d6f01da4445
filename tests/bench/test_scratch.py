"""The harness's scratch database: always new, and only what it created is removed."""

import os

import pytest

from bench.scratch import ScratchDatabase, ScratchError


def test_sqlite_scratch_is_a_new_file_removed_afterwards(tmp_path):
    scratch = ScratchDatabase.create(None, tmp_path)

    assert scratch.vendor == "sqlite"
    assert scratch.path == tmp_path / "bench.sqlite3"
    assert scratch.path.exists()
    assert scratch.url == f"sqlite:///{scratch.path}"
    scratch.drop()
    assert not scratch.path.exists()


def test_an_existing_sqlite_file_is_never_used(tmp_path):
    someones = tmp_path / "db.sqlite3"
    someones.write_bytes(b"precious")

    with pytest.raises(ScratchError, match="exists"):
        ScratchDatabase.create(f"sqlite:///{someones}", tmp_path)
    assert someones.read_bytes() == b"precious"


def test_a_given_new_sqlite_path_is_created_and_removed(tmp_path):
    wanted = tmp_path / "sub" / "bench.sqlite3"

    scratch = ScratchDatabase.create(f"sqlite:///{wanted}", tmp_path)
    scratch.drop()
    scratch.drop()  # a second drop does nothing

    assert not wanted.exists()
    assert wanted.parent.exists()


def test_other_databases_are_refused(tmp_path):
    with pytest.raises(ScratchError, match="mysql"):
        ScratchDatabase.create("mysql://root@127.0.0.1/blog", tmp_path)


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    return url


def database_names(url: str) -> set[str]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        return {row[0] for row in connection.execute("SELECT datname FROM pg_database")}


@pytest.mark.postgres
def test_postgres_scratch_is_a_new_database_dropped_afterwards(tmp_path):
    server = postgres_url()
    before = database_names(server)

    scratch = ScratchDatabase.create(server, tmp_path)

    assert scratch.name.startswith("msblog_bench_")
    assert scratch.name not in before
    assert scratch.url.endswith(f"/{scratch.name}")
    assert scratch.name in database_names(server)
    scratch.drop()
    assert scratch.name not in database_names(server)
