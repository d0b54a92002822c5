"""The store on a real SQLite file: migrations, upserts, closing, duplicates, bad locations."""

from __future__ import annotations

import os
import sqlite3

import pytest
import sqlalchemy as sa

from jobmatch.crawler import schema
from jobmatch.crawler.errors import StoreError
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.store import Store


def _posting(n: int, **changes) -> Posting:
    fields = dict(title=f"ML Engineer {n}", company="Acme", description=f"Python and SQL, job {n}.",
                  source="greenhouse", source_id=str(n), locations=["Berlin"])
    fields.update(changes)
    return Posting(**fields)


def test_migrating_an_empty_database_creates_every_table_and_column(tmp_path):
    path = tmp_path / "store.db"
    Store(str(path)).close()
    connection = sqlite3.connect(path)
    tables = {row[0] for row in connection.execute("select name from sqlite_master where type='table'")}
    assert {"postings", "crawl_runs", "extractions", "report_runs", "schema_migrations"} <= tables
    columns = {row[1] for row in connection.execute("pragma table_info(postings)")}
    for name in ("id", "content_hash", "first_seen", "last_seen", "closed_at", "duplicate_of", "description"):
        assert name in columns
    applied = [row[0] for row in connection.execute("select number from schema_migrations order by number")]
    assert applied == [number for number, _, _ in sorted(schema.MIGRATIONS)]
    assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_migrations_run_once(tmp_path):
    path = str(tmp_path / "store.db")
    Store(path).close()
    store = Store(path)
    with store.engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(schema.schema_migrations)) == len(
            schema.MIGRATIONS)


def test_upsert_counts_new_updated_unchanged_and_reopens(tmp_path):
    store = Store(str(tmp_path / "store.db"))
    first = store.upsert_postings([_posting(1), _posting(2)], seen_at="2026-01-01T00:00:00Z")
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    assert store.close_missing("greenhouse", ["greenhouse:1"], closed_at="2026-01-02T00:00:00Z") == 1
    assert store.get_posting("greenhouse:2").closed_at == "2026-01-02T00:00:00Z"
    second = store.upsert_postings([_posting(1, description="Python, SQL and Docker."), _posting(2)],
                                   seen_at="2026-01-03T00:00:00Z")
    assert (second.new, second.updated, second.unchanged) == (0, 1, 1)
    reopened = store.get_posting("greenhouse:2")
    assert reopened.closed_at is None and reopened.first_seen == "2026-01-01T00:00:00Z"
    assert reopened.last_seen == "2026-01-03T00:00:00Z"


def test_same_content_under_another_id_is_not_stored_twice(tmp_path):
    store = Store(str(tmp_path / "store.db"))
    counts = store.upsert_postings([_posting(1), _posting(1, source_id="1-copy")])
    assert (counts.new, counts.duplicates) == (1, 1)
    assert store.count_postings() == 1


def test_same_job_on_two_boards_is_marked_duplicate(tmp_path):
    store = Store(str(tmp_path / "store.db"))
    store.upsert_postings([_posting(1)])
    store.upsert_postings([_posting(1, source="lever", source_id="abc", description="Same job, other words.")])
    assert store.count_postings() == 2
    unique = list(store.iter_postings(include_duplicates=False))
    assert [p.id for p in unique] == ["greenhouse:1"]


def test_store_in_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(str(tmp_path / "nowhere" / "store.db"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_store_in_a_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    with pytest.raises(StoreError, match="not writable"):
        Store(str(folder / "store.db"))


def test_data_version_changes_with_every_write_and_differs_between_stores(tmp_path):
    store = Store(str(tmp_path / "store.db"))
    versions = [store.data_version()]
    store.upsert_postings([_posting(1)])
    versions.append(store.data_version())
    store.close_missing("greenhouse", [])
    versions.append(store.data_version())
    store.save_extractions("v1", [(store.get_posting("greenhouse:1"), {"skills": []})])
    versions.append(store.data_version())
    assert len(set(versions)) == 4
    assert Store(str(tmp_path / "other.db")).data_version() != versions[0]
