"""The store: postings, crawl runs and extraction results, on SQLAlchemy Core.

A SQLite file by default (WAL, so a report reads while a crawl writes); any SQLAlchemy URL
(``postgresql+psycopg://...``) runs the same code. Writes are batched: one transaction per batch.

Any number of jobmatch processes may use one store at once. Every write transaction holds the
store's one write lock: ``BEGIN IMMEDIATE`` on SQLite (a writer waits up to JOBMATCH_BUSY_TIMEOUT
seconds for another to commit), a transaction-scoped advisory lock on PostgreSQL. Migrations run
under the same lock, so processes opening a new store together set it up once. Reads take no lock.
A SQLite file that cannot be written (a read-only file or folder) opens read-only: reading works,
writing is one clear error.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from jobmatch.crawler import schema
from jobmatch.crawler.errors import StoreError
from jobmatch.crawler.posting import Posting

BATCH_SIZE = 500  # postings or extractions per transaction; JOBMATCH_BATCH_SIZE overrides
BUSY_TIMEOUT = 60.0  # seconds a SQLite writer waits for another's commit; JOBMATCH_BUSY_TIMEOUT overrides
SQLITE_HEADER = b"SQLite format 3\x00"
# pg_advisory_xact_lock(class, key): the class says "jobmatch store write", the key is the schema.
_PG_WRITE_LOCK = sa.text("SELECT pg_advisory_xact_lock(72077, hashtext(current_schema()))")


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def batch_size() -> int:
    return _positive_env("JOBMATCH_BATCH_SIZE", BATCH_SIZE, int)


def busy_timeout() -> float:
    return _positive_env("JOBMATCH_BUSY_TIMEOUT", BUSY_TIMEOUT, float)


def _positive_env(name: str, default: Any, kind: type) -> Any:
    try:
        value = kind(os.environ.get(name) or default)
    except ValueError:
        raise StoreError(f"{name} must be a positive number, not {os.environ.get(name)!r}") from None
    if value <= 0:
        raise StoreError(f"{name} must be a positive number, not {os.environ.get(name)!r}")
    return value


@dataclass
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # same content as a posting stored under another id
    ids: list[str] = field(default_factory=list)  # every id seen, in order

    def add(self, other: UpsertCounts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.duplicates += other.duplicates
        self.ids.extend(other.ids)


def is_url(location: str) -> bool:
    return "://" in location


def display_location(location: str) -> str:
    """The store as messages name it: a path as given, a URL without its password."""
    if not is_url(location):
        return location
    try:
        return sa.engine.make_url(location).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return location.split("://", 1)[0] + "://..."


def store_identity(location: str) -> str:
    """One name per store, however it is spelled: the resolved file path, or the URL without its
    password. Caches built from a store are filed under it."""
    if is_url(location):
        return display_location(location)
    return str(Path(location).expanduser().resolve())


def _check_sqlite_path(location: str) -> Path:
    path = Path(location).expanduser()
    if path.is_dir():
        raise StoreError(f"store {location}: is a directory, not a database file")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise StoreError(f"store {location}: folder {folder} does not exist")
    if not path.exists():
        if not os.access(folder, os.W_OK):
            raise StoreError(f"store {location}: folder {folder} is not writable")
        return path.resolve()
    if not path.is_file():
        raise StoreError(f"store {location}: is not a regular file")
    if not os.access(path, os.R_OK):
        raise StoreError(f"store {location}: file is not readable")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"store {location}: cannot read: {error.strerror or error}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(f"store {location}: is not a SQLite database file (give a new path, or a jobmatch store)")
    return path.resolve()


def peek_data_version(path: str | Path) -> str | None:
    """A SQLite store's data version (``Store.data_version``), read without opening it as a Store
    (no migration, no write); None when the file is missing or is not a readable jobmatch store."""
    path = Path(path)
    if not path.is_file():
        return None
    for mode in ("mode=ro", "immutable=1"):
        try:
            connection = sqlite3.connect(f"file:{quote(str(path))}?{mode}", uri=True, timeout=5)
            try:
                row = connection.execute("SELECT store_token, generation FROM store_changes").fetchone()
            finally:
                connection.close()
        except sqlite3.Error:
            continue
        return f"{row[0]}#{row[1]}" if row else None
    return None


class Store:
    """Postings and crawl history in one database.

    ``create=False`` refuses to make a new store where there is none (``store info``).
    """

    def __init__(self, location: str, *, create: bool = True):
        self.location = location
        self.name = display_location(location)
        self.identity = store_identity(location)
        self.read_only = False
        self.path: Path | None = None
        if is_url(location):
            self.engine = self._url_engine(location)
        else:
            self.path = _check_sqlite_path(location)
            self.engine = self._sqlite_engine(self.path)
        if not create and self.path is not None and (not self.path.exists() or self.path.stat().st_size == 0):
            self.engine.dispose()
            raise StoreError(f"store {self.name}: does not exist (yet): `jobmatch crawl` or `jobmatch import` makes it")
        self.dialect = self.engine.dialect.name
        self._writer = self.engine.execution_options(jobmatch_write=True)
        try:
            self._migrate()
        except BaseException:
            self.engine.dispose()
            raise

    def _url_engine(self, location: str) -> sa.Engine:
        try:
            engine = sa.create_engine(location, pool_pre_ping=True)
        except ImportError as error:
            raise StoreError(f"store {self.name}: the database driver is not installed ({error}); for PostgreSQL "
                             'use a postgresql+psycopg:// URL and pip install "psycopg[binary]"') from None
        except (SQLAlchemyError, ValueError) as error:
            raise StoreError(f"store {self.name}: not a usable database URL: {_reason(error)}") from None
        if engine.dialect.name == "sqlite":  # sqlite:///path given as a URL: the same set-up as a path
            database = engine.url.database
            engine.dispose()
            if not database or database == ":memory:":
                raise StoreError(f"store {self.name}: give a SQLite file path, not an in-memory database")
            self.path = _check_sqlite_path(database)
            self.identity = str(self.path)
            return self._sqlite_engine(self.path)
        return engine

    def _sqlite_engine(self, path: Path) -> sa.Engine:
        folder_writable = os.access(path.parent, os.W_OK)
        if not path.exists():
            target, self.read_only = f"file:{quote(str(path))}?mode=rwc", False
        elif os.access(path, os.W_OK) and folder_writable:
            target, self.read_only = f"file:{quote(str(path))}?mode=rw", False
        elif folder_writable or Path(f"{path}-shm").exists():
            target, self.read_only = f"file:{quote(str(path))}?mode=ro", True
        else:
            # A WAL store in a read-only folder: SQLite cannot make its -shm file, so it reads the
            # file as immutable (nobody can be writing it: a writer would need that folder too).
            target, self.read_only = f"file:{quote(str(path))}?immutable=1", True
        timeout = busy_timeout()

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(target, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)

        engine = sa.create_engine(f"sqlite:///{path}", creator=connect)
        sa.event.listen(engine, "connect", lambda connection, _record: _sqlite_pragmas(connection, timeout))
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine

    def _migrate(self) -> None:
        try:
            with self.engine.connect() as connection:
                applied = schema.applied_migrations(connection)
                foreign = applied is None and self.dialect == "sqlite" and bool(sa.inspect(connection).get_table_names())
        except SQLAlchemyError as error:
            raise StoreError(f"store {self.name}: cannot open: {_reason(error)}") from None
        if foreign:
            raise StoreError(f"store {self.name}: is a SQLite database of another program (it has tables, but not "
                             "jobmatch's); give another path")
        known = schema.known_migrations()
        newer = (applied or set()) - known
        if newer:
            raise StoreError(f"store {self.name}: was made by a newer jobmatch (schema {max(newer)}; this one knows "
                             f"up to {max(known)}): upgrade jobmatch")
        if applied is not None and known <= applied:
            return
        if self.read_only:
            state = "is empty" if applied is None else "needs its schema upgraded"
            raise StoreError(f"store {self.name}: {state} but is read-only; open it once with write access")
        with self._write("set up the store") as connection:
            schema.migrate(connection, utc_now())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Transactions --------------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[sa.Connection]:
        """A write transaction holding the store's write lock; any database error is one line."""
        if self.read_only:
            raise StoreError(f"store {self.name}: is read-only (the file or its folder cannot be written); "
                             f"cannot {what}")
        try:
            with self._writer.begin() as connection:
                if self.dialect == "postgresql":
                    connection.execute(_PG_WRITE_LOCK)
                yield connection
        except SQLAlchemyError as error:
            raise StoreError(f"store {self.name}: cannot {what}: {_reason(error)}") from None

    @contextmanager
    def _read(self, what: str = "read it") -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as error:
            raise StoreError(f"store {self.name}: cannot {what}: {_reason(error)}") from None

    # Postings ------------------------------------------------------------------------------

    def upsert_postings(self, items: Iterable[Posting], seen_at: str | None = None,
                        by_source: dict[str, UpsertCounts] | None = None) -> UpsertCounts:
        """Add new postings, update changed ones, touch unchanged ones; one transaction a batch.

        A posting whose content equals one already stored under another id is not stored again
        (counted as a duplicate). A closed posting that comes back is reopened. The same job seen
        on another source is stored but marked ``duplicate_of`` the first, so rankings show it once.
        ``by_source``, when given, also receives the counts per posting source (for crawl summaries).
        """
        seen_at = seen_at or utc_now()
        size = batch_size()
        total = UpsertCounts()
        batch: list[Posting] = []
        for item in items:
            batch.append(item)
            if len(batch) >= size:
                total.add(self._upsert_batch(batch, seen_at, by_source))
                batch = []
        if batch:
            total.add(self._upsert_batch(batch, seen_at, by_source))
        return total

    def _upsert_batch(self, batch: Sequence[Posting], seen_at: str,
                      by_source: dict[str, UpsertCounts] | None = None) -> UpsertCounts:
        counts = UpsertCounts()
        outcomes: list[tuple[str, str]] = []  # (source, new|updated|unchanged|duplicates)
        table = schema.postings
        # Each posting's hash and duplicate key, computed once (both hash the text) and before the
        # write lock is taken, so the lock is held only for the database's own work.
        digest_of = {id(p): p.content_hash for p in batch}
        key_of = {id(p): p.duplicate_key for p in batch}
        ids = list({p.id for p in batch})
        hashes = list(set(digest_of.values()))
        keys = list(set(key_of.values()))
        with self._write("write postings") as connection:
            existing: dict[str, str] = {  # id -> content hash, kept current through the batch
                row.id: row.content_hash for row in connection.execute(
                    sa.select(table.c.id, table.c.content_hash).where(table.c.id.in_(ids)))
            }
            by_hash = {
                row.content_hash: row.id for row in connection.execute(
                    sa.select(table.c.id, table.c.content_hash).where(table.c.content_hash.in_(hashes)))
            }
            by_key: dict[str, tuple[str, str]] = {}
            for row in connection.execute(
                    sa.select(table.c.id, table.c.source, table.c.duplicate_key)
                    .where(table.c.duplicate_key.in_(keys), table.c.duplicate_of.is_(None))
                    .order_by(table.c.first_seen)):
                by_key.setdefault(row.duplicate_key, (row.id, row.source))
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            touched: list[str] = []
            for posting in batch:
                digest, key = digest_of[id(posting)], key_of[id(posting)]
                counts.ids.append(posting.id)
                if posting.id in existing:
                    if existing[posting.id] == digest:
                        counts.unchanged += 1
                        outcomes.append((posting.source, "unchanged"))
                        touched.append(posting.id)
                    else:
                        counts.updated += 1
                        outcomes.append((posting.source, "updated"))
                        updates.append(_row(posting, digest, key) | {"b_id": posting.id, "last_seen": seen_at})
                        existing[posting.id] = digest
                    continue
                if digest in by_hash:
                    counts.duplicates += 1
                    outcomes.append((posting.source, "duplicates"))
                    continue
                row = _row(posting, digest, key) | {
                    "id": posting.id, "first_seen": posting.first_seen or seen_at,
                    "last_seen": posting.last_seen or seen_at, "closed_at": posting.closed_at}
                first = by_key.get(key)
                row["duplicate_of"] = first[0] if first and first[1] != posting.source else None
                if first is None:
                    by_key[key] = (posting.id, posting.source)
                inserts.append(row)
                by_hash[digest] = posting.id
                existing[posting.id] = digest
                counts.new += 1
                outcomes.append((posting.source, "new"))
            if inserts:
                connection.execute(table.insert(), inserts)
            if updates:
                columns = {name: sa.bindparam(name) for name in updates[0] if name != "b_id"}
                connection.execute(
                    table.update().where(table.c.id == sa.bindparam("b_id")).values(closed_at=None, **columns),
                    updates)
            for chunk in _chunks(touched, 900):
                connection.execute(
                    table.update().where(table.c.id.in_(chunk)).values(last_seen=seen_at, closed_at=None))
            _count_change(connection)
        if by_source is not None:
            for source, outcome in outcomes:
                tally = by_source.setdefault(source, UpsertCounts())
                setattr(tally, outcome, getattr(tally, outcome) + 1)
        return counts

    def close_missing(self, source: str, seen_ids: Iterable[str], closed_at: str | None = None) -> int:
        """Mark open postings of ``source`` that a complete crawl did not see as closed."""
        seen = set(seen_ids)
        table = schema.postings
        closed_at = closed_at or utc_now()
        with self._write("close postings") as connection:
            open_ids = connection.scalars(
                sa.select(table.c.id).where(table.c.source == source, table.c.closed_at.is_(None))).all()
            gone = [posting_id for posting_id in open_ids if posting_id not in seen]
            for chunk in _chunks(gone, 900):
                connection.execute(table.update().where(table.c.id.in_(chunk)).values(closed_at=closed_at))
            if gone:
                _count_change(connection)
        return len(gone)

    def iter_postings(self, *, include_closed: bool = True, include_duplicates: bool = True,
                      with_description: bool = True) -> Iterator[Posting]:
        """Every posting in id order, streamed."""
        table = schema.postings
        query = sa.select(table).order_by(table.c.id)
        if not include_closed:
            query = query.where(table.c.closed_at.is_(None))
        if not include_duplicates:
            query = query.where(table.c.duplicate_of.is_(None))
        with self._read("read postings") as connection:
            result = connection.execution_options(yield_per=1000).execute(query)
            for row in result:
                yield _posting(row, with_description)

    def get_posting(self, posting_id: str) -> Posting | None:
        table = schema.postings
        with self._read("read postings") as connection:
            row = connection.execute(sa.select(table).where(table.c.id == posting_id)).first()
        return _posting(row, True) if row else None

    def postings_by_id(self, posting_ids: Sequence[str]) -> list[Posting]:
        """These postings (those still stored), in the order asked."""
        table = schema.postings
        found: dict[str, Posting] = {}
        with self._read("read postings") as connection:
            for chunk in _chunks(list(posting_ids), 900):
                for row in connection.execute(sa.select(table).where(table.c.id.in_(chunk))):
                    found[row.id] = _posting(row, True)
        return [found[posting_id] for posting_id in posting_ids if posting_id in found]

    def count_postings(self, *, include_closed: bool = True) -> int:
        table = schema.postings
        query = sa.select(sa.func.count()).select_from(table)
        if not include_closed:
            query = query.where(table.c.closed_at.is_(None))
        with self._read("count postings") as connection:
            return int(connection.scalar(query) or 0)

    # Extractions ---------------------------------------------------------------------------

    def postings_without_extraction(self, taxonomy_version: str, *, include_closed: bool = False) -> list[Posting]:
        """Postings with no extraction for this taxonomy version, or one made from older text."""
        p, e = schema.postings, schema.extractions
        join = p.outerjoin(e, sa.and_(e.c.posting_id == p.c.id, e.c.taxonomy_version == taxonomy_version))
        query = (sa.select(p).select_from(join)
                 .where(sa.or_(e.c.posting_id.is_(None), e.c.content_hash != p.c.content_hash))
                 .order_by(p.c.id))
        if not include_closed:
            query = query.where(p.c.closed_at.is_(None))
        with self._read("read postings") as connection:
            return [_posting(row, True) for row in connection.execute(query)]

    def save_extractions(self, taxonomy_version: str, results: Iterable[tuple[Posting, dict[str, Any]]]) -> int:
        """Store extraction results (``Extraction.to_dict()``), replacing older ones; batched.

        An upsert: two processes extracting the same postings at once both succeed (the later wins).
        """
        table = schema.extractions
        saved = 0
        now = utc_now()
        size = batch_size()
        rows = (
            {"posting_id": posting.id, "taxonomy_version": taxonomy_version, "content_hash": posting.content_hash,
             "education": result.get("education"), "education_or_equivalent": result.get("education_or_equivalent"),
             "years_experience": result.get("years_experience"), "seniority": result.get("seniority"),
             "skills": result.get("skills", []), "extracted_at": now}
            for posting, result in results
        )
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            with self._write("write extractions") as connection:
                _upsert(connection, table, batch, ("posting_id", "taxonomy_version"))
                _count_change(connection)

        for row in rows:
            batch.append(row)
            if len(batch) >= size:
                flush()
                saved += len(batch)
                batch = []
        if batch:
            flush()
            saved += len(batch)
        return saved

    def extractions(self, taxonomy_version: str, *, include_closed: bool = False,
                    include_duplicates: bool = False) -> Iterator[dict[str, Any]]:
        """Each posting's metadata with its extraction for this taxonomy version (postings without
        one are left out), streamed in id order."""
        p, e = schema.postings, schema.extractions
        query = (sa.select(p.c.id, p.c.title, p.c.company, p.c.url, p.c.locations, p.c.remote, p.c.salary_min,
                           p.c.salary_max, p.c.salary_currency, p.c.salary_period, p.c.employment_type,
                           p.c.first_seen, p.c.closed_at, e.c.education, e.c.education_or_equivalent,
                           e.c.years_experience, e.c.seniority, e.c.skills)
                 .select_from(p.join(e, sa.and_(e.c.posting_id == p.c.id, e.c.taxonomy_version == taxonomy_version,
                                                 e.c.content_hash == p.c.content_hash)))
                 .order_by(p.c.id))
        if not include_closed:
            query = query.where(p.c.closed_at.is_(None))
        if not include_duplicates:
            query = query.where(p.c.duplicate_of.is_(None))
        with self._read("read extractions") as connection:
            for row in connection.execution_options(yield_per=2000).execute(query):
                yield dict(row._mapping)

    def extraction_results(self, key: str, posting_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """The stored extractions under ``key`` of these postings: id -> (content hash, result)."""
        e = schema.extractions
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        with self._read("read extractions") as connection:
            for chunk in _chunks(list(posting_ids), 900):
                for row in connection.execute(sa.select(e).where(e.c.taxonomy_version == key,
                                                                 e.c.posting_id.in_(chunk))):
                    found[row.posting_id] = (row.content_hash, {
                        "skills": row.skills, "education": row.education,
                        "education_or_equivalent": row.education_or_equivalent,
                        "years_experience": row.years_experience, "seniority": row.seniority})
        return found

    def save_taxonomy_snapshot(self, key: str, signature: dict[str, Any]) -> None:
        """Remember the skill names of ``key``; the first process to save one wins, the rest do nothing
        (and a store that already has it is not written, so a read-only store ranks)."""
        table = schema.taxonomy_snapshots
        with self._read("read taxonomy snapshots") as connection:
            if connection.execute(sa.select(table.c.key).where(table.c.key == key)).first() is not None:
                return
        with self._write("save the taxonomy snapshot") as connection:
            _insert_new(connection, table, [{"key": key, "signature": signature, "created_at": utc_now()}], ("key",))

    def latest_taxonomy_snapshot(self, suffix: str, other_than: str) -> tuple[str, dict[str, Any]] | None:
        """The newest snapshot whose key ends with ``suffix`` (same rules), other than ``other_than``."""
        table = schema.taxonomy_snapshots
        with self._read("read taxonomy snapshots") as connection:
            row = connection.execute(
                sa.select(table.c.key, table.c.signature)
                .where(table.c.key.endswith(suffix, autoescape=True), table.c.key != other_than)
                .order_by(table.c.created_at.desc(), table.c.key)).first()
        return (row.key, row.signature) if row else None

    def data_version(self) -> str:
        """Changes whenever postings or extractions change: a key for caches built from the store."""
        table = schema.store_changes
        with self._read() as connection:
            token, generation = connection.execute(sa.select(table.c.store_token, table.c.generation)).one()
        return f"{token}#{generation}"

    def has_open_postings(self) -> bool:
        table = schema.postings
        with self._read("read postings") as connection:
            return connection.execute(sa.select(table.c.id).where(table.c.closed_at.is_(None)).limit(1)).first() \
                is not None

    # Browsing: `postings list` and `postings show` ---------------------------------------------

    def browse_postings(self, *, search: str | None = None, status: str = "all", source: str | None = None,
                        limit: int | None = None) -> tuple[list[Posting], int]:
        """A page of postings for a listing, newest first (first seen, then id), without their
        descriptions, and how many match in all.

        ``search`` matches the title, the company or a location case-insensitively, as a bound
        parameter in which ``%`` and ``_`` are plain characters. (On SQLite a letter beyond ASCII
        matches only where the stored text has it in lower case: "MÜNCHEN" finds "München".)
        ``status`` is ``open``, ``closed`` or ``all``; ``limit`` None is no limit.
        """
        table = schema.postings
        conditions = []
        if status == "open":
            conditions.append(table.c.closed_at.is_(None))
        elif status == "closed":
            conditions.append(table.c.closed_at.is_not(None))
        elif status != "all":
            raise ValueError(f"status must be open, closed or all, not {status!r}")
        if source:
            conditions.append(table.c.source == source)
        needle = (search or "").strip().lower()  # lowered here too: SQLite's lower() folds ASCII only
        if needle:
            locations = sa.cast(table.c.locations, sa.Text)
            matches = [table.c.title.icontains(needle, autoescape=True),
                       table.c.company.icontains(needle, autoescape=True),
                       locations.icontains(needle, autoescape=True)]
            escaped = json.dumps(needle)[1:-1]  # the locations are JSON text: "M\u00fcnchen"
            if escaped != needle:
                matches.append(locations.icontains(escaped, autoescape=True))
            conditions.append(sa.or_(*matches))
        columns = [column for column in table.c if column.name != "description"]
        query = (sa.select(*columns).where(*conditions)
                 .order_by(table.c.first_seen.desc(), table.c.id))
        if limit is not None:
            query = query.limit(limit)
        counting = sa.select(sa.func.count()).select_from(table).where(*conditions)
        with self._read("read postings") as connection:
            postings = [_posting(row, False) for row in connection.execute(query)]
            total = int(connection.scalar(counting) or 0)
        return postings, total

    def posting_ids_like(self, fragment: str, limit: int = 6) -> list[str]:
        """Ids that start with ``fragment`` or whose board id (after the source) is ``fragment``: what
        a person typing a shortened id may mean. At most ``limit``, in id order."""
        table = schema.postings
        query = (sa.select(table.c.id)
                 .where(sa.or_(table.c.id.startswith(fragment, autoescape=True),
                               table.c.id.endswith(f":{fragment}", autoescape=True)))
                 .order_by(table.c.id).limit(limit))
        with self._read("read postings") as connection:
            return list(connection.scalars(query))

    def posting_extraction(self, posting_id: str, taxonomy_version: str) -> dict[str, Any] | None:
        """The extraction of one posting under this taxonomy version, if it was made from the
        posting's current text (else None)."""
        p, e = schema.postings, schema.extractions
        query = (sa.select(e.c.education, e.c.education_or_equivalent, e.c.years_experience, e.c.seniority,
                           e.c.skills, e.c.extracted_at)
                 .select_from(p.join(e, sa.and_(e.c.posting_id == p.c.id, e.c.content_hash == p.c.content_hash)))
                 .where(p.c.id == posting_id, e.c.taxonomy_version == taxonomy_version))
        with self._read("read extractions") as connection:
            row = connection.execute(query).first()
        return dict(row._mapping) if row else None

    # Crawl runs ----------------------------------------------------------------------------

    def start_run(self, sources: list[dict[str, Any]]) -> int:
        with self._write("record the crawl run") as connection:
            result = connection.execute(schema.crawl_runs.insert().values(
                started_at=utc_now(), status="running", sources=sources, totals={}))
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, status: str, sources: list[dict[str, Any]], totals: dict[str, int]) -> None:
        table = schema.crawl_runs
        with self._write("record the crawl run") as connection:
            connection.execute(table.update().where(table.c.id == run_id).values(
                finished_at=utc_now(), status=status, sources=sources, totals=totals))

    def crawl_runs(self) -> list[dict[str, Any]]:
        table = schema.crawl_runs
        with self._read("read crawl runs") as connection:
            return [dict(row._mapping) for row in connection.execute(sa.select(table).order_by(table.c.id))]

    # Report runs ---------------------------------------------------------------------------

    def last_report_at(self, profile_key: str) -> str | None:
        """When the last report for this profile was made (ISO, UTC), or None if never."""
        table = schema.report_runs
        with self._read("read report runs") as connection:
            return connection.scalar(sa.select(table.c.last_report_at).where(table.c.profile_key == profile_key))

    def record_report(self, profile_key: str, at: str | None = None) -> str:
        """Remember that a report for this profile was made at ``at`` (default: now); returns it."""
        at = at or utc_now()
        with self._write("record the report") as connection:
            _upsert(connection, schema.report_runs, [{"profile_key": profile_key, "last_report_at": at}],
                    ("profile_key",))
        return at

    # Application tracking -----------------------------------------------------------------

    def set_status(self, profile_key: str, posting_id: str, status: str | None, note: str | None = None) -> None:
        """Record what the person did with a posting (None forgets it)."""
        table = schema.posting_status
        with self._write("record the posting's status") as connection:
            if status is None:
                connection.execute(table.delete().where(table.c.profile_key == profile_key,
                                                        table.c.posting_id == posting_id))
                return
            _upsert(connection, table, [{"profile_key": profile_key, "posting_id": posting_id, "status": status,
                                         "note": (note or None) and note[:500], "updated_at": utc_now()}],
                    ("profile_key", "posting_id"))

    def statuses(self, profile_key: str) -> dict[str, dict[str, Any]]:
        """posting id -> {status, note, updated_at} for one profile."""
        table = schema.posting_status
        with self._read("read posting statuses") as connection:
            rows = connection.execute(sa.select(table).where(table.c.profile_key == profile_key))
            return {row.posting_id: {"status": row.status, "note": row.note, "updated_at": row.updated_at}
                    for row in rows}

    # Housekeeping --------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """What ``jobmatch store info`` shows: counts, the last crawl, extractions per taxonomy key."""
        p, e, runs = schema.postings, schema.extractions, schema.crawl_runs
        with self._read("read the store") as connection:
            total, closed, duplicates = connection.execute(sa.select(
                sa.func.count(), sa.func.count(p.c.closed_at), sa.func.count(p.c.duplicate_of))).one()
            extractions = {row[0]: int(row[1]) for row in connection.execute(
                sa.select(e.c.taxonomy_version, sa.func.count()).group_by(e.c.taxonomy_version))}
            run_count = int(connection.scalar(sa.select(sa.func.count()).select_from(runs)) or 0)
            last = connection.execute(sa.select(runs.c.id, runs.c.started_at, runs.c.finished_at, runs.c.status,
                                                runs.c.totals).order_by(runs.c.id.desc()).limit(1)).first()
        return {
            "postings": int(total), "open": int(total) - int(closed), "closed": int(closed),
            "duplicates": int(duplicates), "extractions": extractions, "crawl_runs": run_count,
            "last_crawl": dict(last._mapping) if last else None,
        }

    def size_bytes(self) -> int | None:
        """The store's size on disk: the SQLite file with its -wal and -shm, or the PostgreSQL tables."""
        if self.path is not None:
            return sum(Path(f"{self.path}{suffix}").stat().st_size
                       for suffix in ("", "-wal", "-shm") if Path(f"{self.path}{suffix}").exists())
        if self.dialect == "postgresql":
            names = [table.name for table in schema.metadata.sorted_tables] + [schema.schema_migrations.name]
            query = sa.text("SELECT sum(pg_total_relation_size(to_regclass(quote_ident(name)))) "
                            "FROM unnest(CAST(:names AS text[])) AS name")
            with self._read("measure the store") as connection:
                return int(connection.scalar(query, {"names": sorted(set(names))}) or 0)
        return None

    def closed_before(self, before: str) -> int:
        """How many postings were closed before ``before`` (ISO, UTC): what ``delete_closed`` would delete."""
        p = schema.postings
        with self._read("count postings") as connection:
            return int(connection.scalar(sa.select(sa.func.count()).where(
                p.c.closed_at.is_not(None), p.c.closed_at < before)) or 0)

    def delete_closed(self, before: str) -> tuple[int, int]:
        """Delete postings closed before ``before`` and their extractions; returns (postings, extractions).

        Copies of a deleted posting on other boards (``duplicate_of`` it) are re-pointed at the
        oldest remaining copy, which becomes the one rankings show. One batch per transaction.
        """
        p, e = schema.postings, schema.extractions
        size = min(batch_size(), 900)  # ids in one IN (...)
        deleted_postings = deleted_extractions = 0
        while True:
            with self._write("delete closed postings") as connection:
                doomed = list(connection.scalars(
                    sa.select(p.c.id).where(p.c.closed_at.is_not(None), p.c.closed_at < before)
                    .order_by(p.c.id).limit(size)))
                if not doomed:
                    return deleted_postings, deleted_extractions
                deleted_extractions += connection.execute(e.delete().where(e.c.posting_id.in_(doomed))).rowcount
                deleted_postings += connection.execute(p.delete().where(p.c.id.in_(doomed))).rowcount
                orphans = connection.execute(
                    sa.select(p.c.id, p.c.source, p.c.duplicate_of).where(p.c.duplicate_of.in_(doomed))
                    .order_by(p.c.duplicate_of, p.c.first_seen, p.c.id)).all()
                primaries: dict[str, tuple[str, str]] = {}
                for row in orphans:
                    primary = primaries.setdefault(row.duplicate_of, (row.id, row.source))
                    target = None if primary[0] == row.id or primary[1] == row.source else primary[0]
                    connection.execute(p.update().where(p.c.id == row.id).values(duplicate_of=target))
                _count_change(connection)

    def delete_extractions_except(self, keep: Iterable[str]) -> int:
        """Delete the extractions made under any taxonomy key but ``keep``; returns how many."""
        e = schema.extractions
        keep = list(keep)
        with self._write("delete old extractions") as connection:
            count = connection.execute(e.delete().where(e.c.taxonomy_version.not_in(keep))).rowcount
            if count:
                _count_change(connection)
        return int(count or 0)

    def vacuum(self) -> None:
        """Give the space of deleted rows back to the file system (SQLite VACUUM, PostgreSQL VACUUM)."""
        if self.read_only:
            raise StoreError(f"store {self.name}: is read-only; cannot vacuum it")
        try:
            if self.dialect == "sqlite":  # outside any transaction (pysqlite's own BEGIN is off)
                raw = self.engine.raw_connection()
                try:
                    raw.cursor().execute("VACUUM")
                finally:
                    raw.close()
            else:
                with self.engine.connect() as connection:
                    connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                    connection.exec_driver_sql("VACUUM")
        except sqlite3.Error as error:
            raise StoreError(f"store {self.name}: cannot vacuum: {_reason(error)}") from None
        except SQLAlchemyError as error:
            raise StoreError(f"store {self.name}: cannot vacuum: {_reason(error)}") from None


def _upsert(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    """Insert ``rows``, replacing the rows with the same ``keys`` (one statement on SQLite and PostgreSQL)."""
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        statement = insert(table)
        update = {name: statement.excluded[name] for name in rows[0] if name not in keys}
        connection.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=update), rows)
        return
    for row in rows:  # another database: delete and insert, under the write lock
        connection.execute(table.delete().where(*(table.c[key] == row[key] for key in keys)))
    connection.execute(table.insert(), rows)


def _insert_new(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    """Insert the ``rows`` whose ``keys`` are not stored yet; leave the others as they are."""
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        connection.execute(insert(table).on_conflict_do_nothing(index_elements=list(keys)), rows)
        return
    for row in rows:
        exists = connection.execute(sa.select(*(table.c[key] for key in keys))
                                    .where(*(table.c[key] == row[key] for key in keys))).first()
        if exists is None:
            connection.execute(table.insert(), [row])



def _row(posting: Posting, content_hash: str | None = None, duplicate_key: str | None = None) -> dict[str, Any]:
    return {
        "source": posting.source, "source_id": posting.source_id, "url": posting.url,
        "title": posting.title, "company": posting.company, "locations": list(posting.locations),
        "remote": posting.remote, "salary_min": posting.salary_min, "salary_max": posting.salary_max,
        "salary_currency": posting.salary_currency, "salary_period": posting.salary_period,
        "employment_type": posting.employment_type, "seniority": posting.seniority,
        "posted_at": posting.posted_at, "description": posting.description,
        "structured": posting.structured or {}, "content_hash": content_hash or posting.content_hash,
        "duplicate_key": duplicate_key or posting.duplicate_key,
    }


def _posting(row: Any, with_description: bool) -> Posting:
    m = row._mapping
    return Posting(
        id=m["id"], source=m["source"], source_id=m["source_id"], url=m["url"], title=m["title"],
        company=m["company"], locations=list(m["locations"] or []), remote=m["remote"],
        salary_min=m["salary_min"], salary_max=m["salary_max"], salary_currency=m["salary_currency"],
        salary_period=m["salary_period"], employment_type=m["employment_type"], seniority=m["seniority"],
        posted_at=m["posted_at"], description=m["description"] if with_description else "",
        structured=dict(m["structured"] or {}), first_seen=m["first_seen"], last_seen=m["last_seen"],
        closed_at=m["closed_at"],
    )


def _count_change(connection: sa.Connection) -> None:
    table = schema.store_changes
    connection.execute(table.update().values(generation=table.c.generation + 1))


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _sqlite_pragmas(dbapi_connection: Any, timeout: float) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # First, so every later statement (turning WAL on included) waits for a busy store.
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError:  # a read-only file still opens for reading
            pass
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    """Our own BEGIN (pysqlite's is off): IMMEDIATE for writes, so a writer takes the write lock
    before it reads, and waits for it instead of failing on a snapshot another writer made stale."""
    write = connection.get_execution_options().get("jobmatch_write")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# What SQLite and PostgreSQL say, in the words a user can act on.
_PLAIN_REASONS = (
    ("database is locked", "another jobmatch process kept the store busy for longer than JOBMATCH_BUSY_TIMEOUT "
                           "({timeout:g} s); try again"),
    ("attempt to write a readonly database", "the store is read-only"),
    ("file is not a database", "not a SQLite database file"),
    ("database disk image is malformed", "the file is damaged (database disk image is malformed)"),
    ("database or disk is full", "the disk is full"),
    ("unable to open database file", "cannot open the database file (check the path and its permissions)"),
)


def _reason(error: BaseException) -> str:
    """The first line of the database's own message: no SQL text, no exception class."""
    original = getattr(error, "orig", None) or error
    text = (str(original).strip().splitlines() or [""])[0].strip()
    lowered = text.lower()
    for needle, plain in _PLAIN_REASONS:
        if needle in lowered:
            return plain.format(timeout=busy_timeout())
    if "[SQL:" in text:
        text = text.split("[SQL:", 1)[0].strip()
    if text.startswith("(") and ")" in text:  # "(sqlite3.OperationalError) ..." from SQLAlchemy itself
        text = text.split(")", 1)[1].strip()
    return text[:300] or "database error"
