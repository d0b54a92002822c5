"""The store: postings, crawl runs and extraction results, on SQLAlchemy Core.

A SQLite file by default (WAL, so a report reads while a crawl writes); any SQLAlchemy URL
(``postgresql://...``) runs the same code. Writes are batched: one transaction per batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from jobmatch.crawler import schema
from jobmatch.crawler.errors import StoreError
from jobmatch.crawler.posting import Posting

BATCH_SIZE = 500


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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


def database_url(location: str) -> str:
    """A SQLAlchemy URL from a ``--db`` value: a URL as it is, else a SQLite file path."""
    if "://" in location:
        return location
    path = Path(location).expanduser()
    if path.is_dir():
        raise StoreError(f"store {location}: is a directory, not a database file")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise StoreError(f"store {location}: folder {folder} does not exist")
    if not path.exists() and not os.access(folder, os.W_OK):
        raise StoreError(f"store {location}: folder {folder} is not writable")
    if path.exists() and not os.access(path, os.R_OK):
        raise StoreError(f"store {location}: file is not readable")
    return f"sqlite:///{path.resolve()}"


class Store:
    """Postings and crawl history in one database."""

    def __init__(self, location: str):
        self.location = location
        url = database_url(location)
        try:
            self.engine = sa.create_engine(url)
        except (SQLAlchemyError, ImportError, ValueError) as error:
            raise StoreError(f"store {location}: {error}") from None
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            with self.engine.begin() as connection:
                schema.migrate(connection, utc_now())
        except SQLAlchemyError as error:
            raise StoreError(f"store {location}: cannot open: {_reason(error)}") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        total = UpsertCounts()
        batch: list[Posting] = []
        for item in items:
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
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
        try:
            with self.engine.begin() as connection:
                # Each posting's hash and duplicate key, computed once (both hash the text).
                digest_of = {id(p): p.content_hash for p in batch}
                key_of = {id(p): p.duplicate_key for p in batch}
                ids = list({p.id for p in batch})
                existing: dict[str, str] = {  # id -> content hash, kept current through the batch
                    row.id: row.content_hash for row in connection.execute(
                        sa.select(table.c.id, table.c.content_hash).where(table.c.id.in_(ids)))
                }
                hashes = list(set(digest_of.values()))
                by_hash = {
                    row.content_hash: row.id for row in connection.execute(
                        sa.select(table.c.id, table.c.content_hash).where(table.c.content_hash.in_(hashes)))
                }
                keys = list(set(key_of.values()))
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
        except SQLAlchemyError as error:
            raise StoreError(f"store {self.location}: cannot write postings: {_reason(error)}") from None
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
        with self.engine.begin() as connection:
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
        with self.engine.connect() as connection:
            result = connection.execution_options(yield_per=1000).execute(query)
            for row in result:
                yield _posting(row, with_description)

    def get_posting(self, posting_id: str) -> Posting | None:
        table = schema.postings
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(table).where(table.c.id == posting_id)).first()
        return _posting(row, True) if row else None

    def count_postings(self, *, include_closed: bool = True) -> int:
        table = schema.postings
        query = sa.select(sa.func.count()).select_from(table)
        if not include_closed:
            query = query.where(table.c.closed_at.is_(None))
        with self.engine.connect() as connection:
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
        with self.engine.connect() as connection:
            return [_posting(row, True) for row in connection.execute(query)]

    def save_extractions(self, taxonomy_version: str, results: Iterable[tuple[Posting, dict[str, Any]]]) -> int:
        """Store extraction results (``Extraction.to_dict()``), replacing older ones; batched."""
        table = schema.extractions
        saved = 0
        now = utc_now()
        rows = (
            {"posting_id": posting.id, "taxonomy_version": taxonomy_version, "content_hash": posting.content_hash,
             "education": result.get("education"), "education_or_equivalent": result.get("education_or_equivalent"),
             "years_experience": result.get("years_experience"), "seniority": result.get("seniority"),
             "skills": result.get("skills", []), "extracted_at": now}
            for posting, result in results
        )
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            with self.engine.begin() as connection:
                for chunk in _chunks([row["posting_id"] for row in batch], 900):
                    connection.execute(table.delete().where(
                        table.c.taxonomy_version == taxonomy_version, table.c.posting_id.in_(chunk)))
                connection.execute(table.insert(), batch)
                _count_change(connection)

        try:
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    flush()
                    saved += len(batch)
                    batch = []
            if batch:
                flush()
                saved += len(batch)
        except SQLAlchemyError as error:
            raise StoreError(f"store {self.location}: cannot write extractions: {_reason(error)}") from None
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
        with self.engine.connect() as connection:
            for row in connection.execution_options(yield_per=2000).execute(query):
                yield dict(row._mapping)

    def extraction_results(self, key: str, posting_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """The stored extractions under ``key`` of these postings: id -> (content hash, result)."""
        e = schema.extractions
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(list(posting_ids), 900):
                for row in connection.execute(sa.select(e).where(e.c.taxonomy_version == key,
                                                                 e.c.posting_id.in_(chunk))):
                    found[row.posting_id] = (row.content_hash, {
                        "skills": row.skills, "education": row.education,
                        "education_or_equivalent": row.education_or_equivalent,
                        "years_experience": row.years_experience, "seniority": row.seniority})
        return found

    def save_taxonomy_snapshot(self, key: str, signature: dict[str, Any]) -> None:
        table = schema.taxonomy_snapshots
        with self.engine.begin() as connection:
            if connection.execute(sa.select(table.c.key).where(table.c.key == key)).first() is None:
                connection.execute(table.insert().values(key=key, signature=signature, created_at=utc_now()))

    def latest_taxonomy_snapshot(self, suffix: str, other_than: str) -> tuple[str, dict[str, Any]] | None:
        """The newest snapshot whose key ends with ``suffix`` (same rules), other than ``other_than``."""
        table = schema.taxonomy_snapshots
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(table.c.key, table.c.signature)
                .where(table.c.key.like(f"%{suffix}"), table.c.key != other_than)
                .order_by(table.c.created_at.desc(), table.c.key)).first()
        return (row.key, row.signature) if row else None

    def data_version(self) -> str:
        """Changes whenever postings or extractions change: a key for caches built from the store."""
        table = schema.store_changes
        with self.engine.connect() as connection:
            token, generation = connection.execute(sa.select(table.c.store_token, table.c.generation)).one()
        return f"{token}#{generation}"

    def has_open_postings(self) -> bool:
        table = schema.postings
        with self.engine.connect() as connection:
            return connection.execute(sa.select(table.c.id).where(table.c.closed_at.is_(None)).limit(1)).first() \
                is not None

    # Crawl runs ----------------------------------------------------------------------------

    def start_run(self, sources: list[dict[str, Any]]) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(schema.crawl_runs.insert().values(
                started_at=utc_now(), status="running", sources=sources, totals={}))
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, status: str, sources: list[dict[str, Any]], totals: dict[str, int]) -> None:
        table = schema.crawl_runs
        with self.engine.begin() as connection:
            connection.execute(table.update().where(table.c.id == run_id).values(
                finished_at=utc_now(), status=status, sources=sources, totals=totals))

    def crawl_runs(self) -> list[dict[str, Any]]:
        table = schema.crawl_runs
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.select(table).order_by(table.c.id))]

    # Report runs ---------------------------------------------------------------------------

    def last_report_at(self, profile_key: str) -> str | None:
        """When the last report for this profile was made (ISO, UTC), or None if never."""
        table = schema.report_runs
        with self.engine.connect() as connection:
            return connection.scalar(sa.select(table.c.last_report_at).where(table.c.profile_key == profile_key))

    def record_report(self, profile_key: str, at: str | None = None) -> str:
        """Remember that a report for this profile was made at ``at`` (default: now); returns it."""
        at = at or utc_now()
        table = schema.report_runs
        try:
            with self.engine.begin() as connection:
                connection.execute(table.delete().where(table.c.profile_key == profile_key))
                connection.execute(table.insert().values(profile_key=profile_key, last_report_at=at))
        except SQLAlchemyError as error:
            raise StoreError(f"store {self.location}: cannot record the report: {_reason(error)}") from None
        return at


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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception:  # a read-only file still opens for reading
        pass
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return str(original or error).splitlines()[0]
