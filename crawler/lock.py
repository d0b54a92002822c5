"""The crawl lock: one crawl per store at a time; a lock left by a killed crawl is taken over.

The lock is a file holding the owner's pid, host and start time, held with an exclusive ``flock``
while the crawl runs. The kernel drops the flock when its process dies, however it dies (SIGKILL
included), so a lock file whose flock can be taken again is stale, whatever it says.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from jobmatch.crawler.errors import CrawlerError
from jobmatch.crawler.store import utc_now

try:
    import fcntl
except ImportError:  # Windows: fall back to checking the pid
    fcntl = None  # type: ignore[assignment]


@contextmanager
def file_lock(path: Path, timeout: float = 120.0) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (made if missing) for the block; waits for it up to
    ``timeout`` seconds. For short set-up steps that several processes may start at once. The file
    stays (unlinking it would let a third process lock a new file while the second holds the old)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        if fcntl is not None:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise CrawlerError(f"waited {timeout:g} s for the lock file {path}; another jobmatch "
                                           "process holds it") from None
                    time.sleep(0.05)
        yield  # closing the file drops the flock


class CrawlLockedError(CrawlerError):
    """Another crawl of the same store is running."""


def lock_path_for(store_location: str, home: Path) -> Path:
    """Beside a SQLite file; under the home folder for a database URL."""
    if "://" in store_location:
        digest = hashlib.sha1(store_location.encode("utf-8")).hexdigest()[:12]
        return home / f"crawl-{digest}.lock"
    path = Path(store_location).expanduser()
    return path.with_name(path.name + ".crawl-lock")


class CrawlLock:
    """``with CrawlLock(path) as lock:``; ``lock.stale_owner`` tells whose stale lock was taken over."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.handle: IO[str] | None = None
        self.stale_owner: dict[str, Any] | None = None

    def acquire(self) -> CrawlLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(5):
            handle = self._try_acquire()
            # A crawl finishing in between unlinks the file we locked: lock the new one instead.
            if _same_file(handle, self.path):
                self.handle = handle
                return self
            handle.close()
        raise CrawlLockedError(f"cannot take the lock file {self.path}: it keeps being replaced")

    def _try_acquire(self) -> IO[str]:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open while locked
        try:
            handle.seek(0)
            previous = _read_owner(handle.read())
            if fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise CrawlLockedError(_busy_message(self.path, previous)) from None
            elif previous and _alive(previous):
                raise CrawlLockedError(_busy_message(self.path, previous))
            self.stale_owner = previous or None
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started_at": utc_now()}))
            handle.flush()
        except BaseException:
            handle.close()
            raise
        return handle

    def release(self) -> None:
        if self.handle is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            self.handle.close()  # closing drops the flock
            self.handle = None

    def __enter__(self) -> CrawlLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _same_file(handle: IO[str], path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        return False


def _read_owner(text: str) -> dict[str, Any]:
    try:
        owner = json.loads(text)
    except ValueError:
        return {"unreadable": text[:100]} if text.strip() else {}
    return owner if isinstance(owner, dict) else {}


def _alive(owner: dict[str, Any]) -> bool:
    if owner.get("host") != socket.gethostname() or not isinstance(owner.get("pid"), int):
        return False
    try:
        os.kill(owner["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _busy_message(path: Path, owner: dict[str, Any]) -> str:
    who = f"pid {owner.get('pid')} since {owner.get('started_at')}" if owner.get("pid") else "another process"
    return f"another crawl of this store is running ({who}; lock file {path})"


# Across hosts: PostgreSQL advisory locks ------------------------------------------------------
# pg_try_advisory_lock(class, key), session-level: PostgreSQL drops them when the holder's
# connection ends, however its process ends. The class says "jobmatch crawl"; the key is the
# schema (the whole crawl) or the schema and a source's name (one source of a distributed crawl).
CRAWL_LOCK_CLASS = 72078


class DatabaseCrawlLock:
    """One crawl of a PostgreSQL store at a time across every host, the file lock's rule.

    A whole crawl holds the store's crawl lock exclusively. A distributed crawl's task for one
    source holds it shared (so the sources of one distributed crawl run side by side, and never
    beside a whole crawl) and that source's lock exclusively (so no source is crawled twice at once).
    """

    def __init__(self, store_location: str, *, source: str | None = None):
        self.store_location = store_location
        self.source = source
        self.engine: Any = None
        self.connection: Any = None

    def acquire(self) -> DatabaseCrawlLock:
        import sqlalchemy as sa

        self.engine = sa.create_engine(self.store_location, poolclass=sa.pool.NullPool)
        try:
            self.connection = self.engine.connect()
            whole = "pg_try_advisory_lock_shared" if self.source is not None else "pg_try_advisory_lock"
            held = self.connection.scalar(sa.text(f"SELECT {whole}(:cls, hashtext(current_schema()))"),
                                          {"cls": CRAWL_LOCK_CLASS})
            self.connection.commit()
            if not held:
                raise CrawlLockedError("another crawl of this store is running on a host of the team "
                                       "(its PostgreSQL crawl lock is held)")
            if self.source is not None:
                mine = self.connection.scalar(
                    sa.text("SELECT pg_try_advisory_lock(:cls, hashtext(current_schema() || '/' || :source))"),
                    {"cls": CRAWL_LOCK_CLASS, "source": self.source})
                self.connection.commit()
                if not mine:
                    raise CrawlLockedError(f"source {self.source} is being crawled by another worker")
        except BaseException:
            self.release()
            raise
        return self

    def release(self) -> None:
        if self.connection is not None:
            self.connection.close()  # the session ends: PostgreSQL drops its advisory locks
            self.connection = None
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    def __enter__(self) -> DatabaseCrawlLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def crawl_locks(store_location: str, lock_path: Path, *, source: str | None = None) -> Any:
    """The locks a crawl holds: the file lock (per source for a distributed crawl's task), and on
    PostgreSQL the team-wide advisory lock as well."""
    from contextlib import ExitStack

    stack = ExitStack()
    path = lock_path if source is None else lock_path.with_name(
        f"{lock_path.name}.{hashlib.sha1(source.encode('utf-8')).hexdigest()[:12]}")
    try:
        file_lock_held = stack.enter_context(CrawlLock(path))
        if store_location.startswith("postgresql"):
            stack.enter_context(DatabaseCrawlLock(store_location, source=source))
    except BaseException:
        stack.close()
        raise
    return stack, file_lock_held
