"""The store's schema, owned here and changed only through the numbered migrations below.

Each migration is a function run once, in order, inside one transaction that holds the store's
write lock; the applied ones are recorded in ``schema_migrations``. Add a new migration at the end;
never edit an old one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa

metadata = sa.MetaData()

postings = sa.Table(
    "postings", metadata,
    sa.Column("id", sa.String(300), primary_key=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("source_id", sa.String(300)),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("company", sa.Text),
    sa.Column("locations", sa.JSON, nullable=False),
    sa.Column("remote", sa.Boolean),
    sa.Column("salary_min", sa.Float),
    sa.Column("salary_max", sa.Float),
    sa.Column("salary_currency", sa.String(10)),
    sa.Column("salary_period", sa.String(20)),
    sa.Column("employment_type", sa.String(100)),
    sa.Column("seniority", sa.String(50)),
    sa.Column("posted_at", sa.String(40)),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("structured", sa.JSON, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("duplicate_key", sa.String(64), nullable=False),
    sa.Column("duplicate_of", sa.String(300)),
    sa.Column("first_seen", sa.String(40), nullable=False),
    sa.Column("last_seen", sa.String(40), nullable=False),
    sa.Column("closed_at", sa.String(40)),
    sa.Index("ix_postings_source", "source"),
    sa.Index("ix_postings_content_hash", "content_hash"),
    sa.Index("ix_postings_duplicate_key", "duplicate_key"),
)

crawl_runs = sa.Table(
    "crawl_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),
    sa.Column("status", sa.String(20), nullable=False),  # running | healthy | unhealthy | failed
    sa.Column("sources", sa.JSON, nullable=False),  # [{name, type, new, updated, unchanged, closed, failed, error}]
    sa.Column("totals", sa.JSON, nullable=False),  # {new, updated, unchanged, closed, failed}
)

# Extraction results, one row per posting and taxonomy version. ``content_hash`` says which text
# was read, so a changed posting is extracted again.
extractions = sa.Table(
    "extractions", metadata,
    sa.Column("posting_id", sa.String(300), primary_key=True),
    sa.Column("taxonomy_version", sa.String(64), primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("education", sa.String(20)),
    sa.Column("education_or_equivalent", sa.Boolean),
    sa.Column("years_experience", sa.Float),
    sa.Column("seniority", sa.String(50)),
    sa.Column("skills", sa.JSON, nullable=False),  # [{id, requirement, years, spans}]
    sa.Column("extracted_at", sa.String(40), nullable=False),
    sa.Index("ix_extractions_version", "taxonomy_version"),
)

# When a report was last made for a profile: "new since last report" digests.
report_runs = sa.Table(
    "report_runs", metadata,
    sa.Column("profile_key", sa.String(64), primary_key=True),
    sa.Column("last_report_at", sa.String(40), nullable=False),
)

# One row whose generation goes up with every write to postings or extractions: a cheap key for
# caches built from the store (the ranking's skill matrix).
store_changes = sa.Table(
    "store_changes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("store_token", sa.String(32), nullable=False),  # random: a re-created store is another store
    sa.Column("generation", sa.Integer, nullable=False),
)

schema_migrations = sa.Table(
    "schema_migrations", metadata,
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

Migration = Callable[[sa.Connection], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(number: int, name: str) -> Callable[[Migration], Migration]:
    def register(function: Migration) -> Migration:
        MIGRATIONS.append((number, name, function))
        return function
    return register


@migration(1, "postings, crawl runs and extractions")
def _m001(connection: sa.Connection) -> None:
    for table in (postings, crawl_runs, extractions):
        table.create(connection)


@migration(2, "report runs for new-since-last-report digests")
def _m002(connection: sa.Connection) -> None:
    report_runs.create(connection)


@migration(3, "a change counter for caches built from the store")
def _m003(connection: sa.Connection) -> None:
    store_changes.create(connection)
    connection.execute(store_changes.insert().values(id=1, store_token=uuid.uuid4().hex, generation=0))


# The skill names each extraction key was made with: a new taxonomy version re-extracts only
# postings that mention a skill that changed.
taxonomy_snapshots = sa.Table(
    "taxonomy_snapshots", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("signature", sa.JSON, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)


@migration(4, "taxonomy snapshots for partial re-extraction")
def _m004(connection: sa.Connection) -> None:
    taxonomy_snapshots.create(connection)


# What a person did with a posting (interested, applied, dismissed, ...), per profile: the same
# dismissed or applied-to jobs do not come back every morning.
posting_status = sa.Table(
    "posting_status", metadata,
    sa.Column("profile_key", sa.String(64), primary_key=True),
    sa.Column("posting_id", sa.String(300), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("note", sa.String(500)),
    sa.Column("updated_at", sa.String(40), nullable=False),
)


@migration(5, "what a person did with a posting (application tracking)")
def _m005(connection: sa.Connection) -> None:
    posting_status.create(connection)


def applied_migrations(connection: sa.Connection) -> set[int] | None:
    """The numbers of the migrations this database has, or None when it has no jobmatch schema yet."""
    if not sa.inspect(connection).has_table(schema_migrations.name):
        return None
    return set(connection.scalars(sa.select(schema_migrations.c.number)))


def known_migrations() -> set[int]:
    return {number for number, _, _ in MIGRATIONS}


def migrate(connection: sa.Connection, now: str) -> list[int]:
    """Apply every migration not applied yet; returns the numbers applied.

    The caller holds the store's write lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
    PostgreSQL), so two processes opening a new store at once never both create a table: the
    second finds the first one's migrations applied and does nothing.
    """
    schema_migrations.create(connection, checkfirst=True)
    done = set(connection.scalars(sa.select(schema_migrations.c.number)))
    applied = []
    for number, name, function in sorted(MIGRATIONS, key=lambda m: m[0]):
        if number in done:
            continue
        function(connection)
        connection.execute(schema_migrations.insert().values(number=number, name=name, applied_at=now))
        applied.append(number)
    return applied
