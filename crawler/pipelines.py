"""The store pipeline: postings into the store in batches (one transaction per batch, grouped by
source so counts stay per source), then jobs missing from a complete board response closed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from jobmatch.crawler.boards.base import DETAIL_MISSING
from jobmatch.crawler.errors import StoreError
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.store import Store, UpsertCounts, utc_now

STATS_PREFIX = "jobmatch/store/"


def default_store_location() -> str:
    """JOBMATCH_DB, else jobmatch.db under JOBMATCH_HOME (the CLI passes its own --db instead)."""
    if os.environ.get("JOBMATCH_DB"):
        return os.environ["JOBMATCH_DB"]
    home = os.environ.get("JOBMATCH_HOME")
    if not home:
        raise RuntimeError("set JOBMATCH_STORE (-s), JOBMATCH_DB or JOBMATCH_HOME to say where the store is")
    Path(home).mkdir(parents=True, exist_ok=True)
    return str(Path(home) / "jobmatch.db")


class StorePipeline:
    """Buffers postings; flushes every JOBMATCH_BATCH_SIZE and at the end; closes what vanished."""

    def __init__(self, store_location: str, batch_size: int, seen_at: str | None = None):
        self.store_location = store_location
        self.batch_size = max(batch_size, 1)
        self.seen_at = seen_at or utc_now()
        self.buffer: list[Posting] = []
        self.counts: dict[str, UpsertCounts] = {}
        self.errors: dict[str, list[str]] = {}
        self.store: Store | None = None
        self.crawler: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        pipeline = cls(settings.get("JOBMATCH_STORE") or default_store_location(),
                       settings.getint("JOBMATCH_BATCH_SIZE", 500), settings.get("JOBMATCH_SEEN_AT"))
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        self.store = Store(self.store_location)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Posting):
            if item.structured.get(DETAIL_MISSING) and self._stored(item.id):
                return item  # its detail failed tonight: keep the stored text rather than blank it
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self.flush()
        return item

    def _stored(self, posting_id: str | None) -> bool:
        try:
            return bool(posting_id) and self.store is not None and self.store.get_posting(posting_id) is not None
        except StoreError:
            return False

    def flush(self) -> None:
        """Write the buffer in one transaction; counts are kept per source."""
        if not self.buffer or self.store is None:
            return
        postings, self.buffer = self.buffer, []
        by_source: dict[str, UpsertCounts] = {}
        try:
            self.store.upsert_postings(postings, seen_at=self.seen_at, by_source=by_source)
        except StoreError as error:
            for source in dict.fromkeys(posting.source for posting in postings):
                count = sum(1 for posting in postings if posting.source == source)
                self.errors.setdefault(source, []).append(f"{count} posting(s) not stored: {error}")
            return
        for source, counts in by_source.items():
            self.counts.setdefault(source, UpsertCounts()).add(counts)

    def close_spider(self, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        try:
            self.flush()
            for name, progress in getattr(spider, "progress", {}).items():
                counts = self.counts.get(name, UpsertCounts())
                errors = self.errors.get(name, [])
                closed = 0
                if progress.complete and not errors and self.store is not None:
                    try:
                        closed = self.store.close_missing(name, progress.seen_ids, closed_at=self.seen_at)
                    except (StoreError, SQLAlchemyError) as error:  # the store raises StoreError, one line
                        errors = [*errors, f"closing missing postings failed: {str(error).splitlines()[0]}"]
                self.crawler.stats.set_value(STATS_PREFIX + name, {
                    "new": counts.new, "updated": counts.updated, "unchanged": counts.unchanged,
                    "duplicates": counts.duplicates, "closed": closed, "store_errors": errors})
        finally:
            if self.store is not None:
                self.store.close()
