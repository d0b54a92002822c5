"""The team's task queue: PgQueuer's tables in the store's own PostgreSQL database.

Why PgQueuer (read in its docs and source, version 1.6): a worker takes only the kinds of task it
registered (the dequeue query filters on them), so a task from a newer jobmatch stays queued for
a worker that knows it instead of failing; a picked task carries a heartbeat, and one whose
heartbeat goes stale (its worker was killed, or lost the database) is picked again by another
worker; dedupe keys make queueing the same task twice a no-op. Procrastinate marks a task it does
not know as failed and leaves stalled jobs to a periodic sweep the user writes; Celery needs a
broker the team would have to run. PgQueuer is an optional extra (``jobmatch[team]``) imported
only here and in the worker: SQLite users never load it.

Every task is a JSON payload under a versioned kind (``jobmatch.extract/1``): a change of payload
makes a new kind, and the old workers leave it alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jobmatch.cli.operations import OperationError

EXTRACT = "jobmatch.extract/1"  # {"key": extraction key, "ids": [posting ids]}
REPORT = "jobmatch.report/1"  # {"profile": path, "output": path, "format", "top", "threshold", "new_only", ...}
CRAWL = "jobmatch.crawl/1"  # {"sources": sources YAML text, "path": its file name, "source": name, "settings": {}}
KINDS = (EXTRACT, REPORT, CRAWL)
FINISHED = ("successful", "exception", "canceled", "deleted", "failed")
INSTALL_LOCK = 0x6A6F626D61746368  # "jobmatch": an advisory lock key for installing the queue's tables


def queue_dsn(store_location: str) -> str:
    """The libpq connection string of a PostgreSQL store's URL; any other store is a user error."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if "://" not in store_location:
        raise OperationError(f"workers need a PostgreSQL store (JOBMATCH_DB=postgresql+psycopg://...); "
                             f"{store_location} is a SQLite file")
    try:
        url = make_url(store_location)
    except ArgumentError as error:
        raise OperationError(f"not a usable database URL: {error}") from None
    if url.get_backend_name() != "postgresql":
        raise OperationError(f"workers need a PostgreSQL store (JOBMATCH_DB=postgresql+psycopg://...); "
                             f"this one is {url.get_backend_name()}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def require_team_extra() -> None:
    try:
        import pgqueuer  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError:
        raise OperationError('the team queue needs the team extra: pip install "jobmatch[team]"') from None


async def connect(dsn: str):  # -> psycopg.AsyncConnection, autocommit as PgQueuer requires
    import psycopg

    return await psycopg.AsyncConnection.connect(dsn, autocommit=True, connect_timeout=10)


async def ensure_installed(connection) -> None:
    """PgQueuer's tables, made once per database (an advisory lock keeps two hosts from racing)."""
    from pgqueuer import Queries

    queries = Queries.from_psycopg_connection(connection)
    await connection.execute("SELECT pg_advisory_lock(%s)", (INSTALL_LOCK,))
    try:
        if not await queries.schema_is_installed():
            await queries.install()
    finally:
        await connection.execute("SELECT pg_advisory_unlock(%s)", (INSTALL_LOCK,))


def dedupe_key(kind: str, parts: Sequence[str]) -> str:
    """Queueing the same task while it is still queued or running is a no-op."""
    return kind + ":" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


@dataclass
class Task:
    kind: str
    payload: dict[str, Any]
    dedupe: str


@dataclass
class Enqueued:
    ids: list[int]  # the queued tasks (new ones and the ones already queued with the same key)
    already: int  # how many were queued or running already


def enqueue(store_location: str, tasks: Sequence[Task], *, also_wait_for: Sequence[int] = ()) -> Enqueued:
    """Put tasks on the queue in one statement; ``also_wait_for``: tasks already queued that the
    caller's work includes (counted as already queued)."""
    require_team_extra()
    dsn = queue_dsn(store_location)
    queued = _run(_enqueue(dsn, list(tasks)))
    extra = [job_id for job_id in also_wait_for if job_id not in queued.ids]
    return Enqueued(queued.ids + extra, queued.already + len(extra))


async def _enqueue(dsn: str, tasks: list[Task]) -> Enqueued:
    from pgqueuer import Queries

    if not tasks:
        return Enqueued([], 0)
    connection = await _connect_or_explain(dsn)
    try:
        await ensure_installed(connection)
        queries = Queries.from_psycopg_connection(connection)
        ids = await queries.enqueue([t.kind for t in tasks], [json.dumps(t.payload).encode("utf-8") for t in tasks],
                                    [0] * len(tasks), dedupe_key=[t.dedupe for t in tasks], on_conflict="skip")
        skipped = [t.dedupe for t, job_id in zip(tasks, ids, strict=True) if job_id is None]
        existing: list[int] = []
        if skipped:
            cursor = await connection.execute(
                "SELECT id FROM pgqueuer WHERE dedupe_key = ANY(%s) AND status IN ('queued', 'picked')", (skipped,))
            existing = [row[0] for row in await cursor.fetchall()]
        return Enqueued([int(i) for i in ids if i is not None] + existing, len(skipped))
    finally:
        await connection.close()


async def _connect_or_explain(dsn: str):
    import psycopg

    try:
        return await connect(dsn)
    except psycopg.OperationalError as error:
        first = (str(error).strip().splitlines() or ["unreachable"])[0]
        raise OperationError(f"cannot reach the team's PostgreSQL: {first}") from None


def active_tasks(store_location: str, kind: str) -> list[tuple[int, dict[str, Any]]]:
    """The tasks of this kind still queued or running, with their payloads."""
    require_team_extra()
    return _run(_active_tasks(queue_dsn(store_location), kind))


async def _active_tasks(dsn: str, kind: str) -> list[tuple[int, dict[str, Any]]]:
    connection = await _connect_or_explain(dsn)
    try:
        await ensure_installed(connection)
        cursor = await connection.execute(
            "SELECT id, payload FROM pgqueuer WHERE entrypoint = %s AND status IN ('queued', 'picked') ORDER BY id",
            (kind,))
        found = []
        for job_id, payload in await cursor.fetchall():
            try:
                found.append((int(job_id), json.loads(bytes(payload or b"{}"))))
            except ValueError:
                continue
        return found
    finally:
        await connection.close()


@dataclass
class QueueState:
    remaining: int  # queued or running
    failed: list[str]  # one line per task that failed for good (held for a look)
    done: int
    running: int = 0


def task_states(store_location: str, ids: Sequence[int]) -> QueueState:
    require_team_extra()
    return _run(_task_states(queue_dsn(store_location), list(ids)))


async def _task_states(dsn: str, ids: list[int]) -> QueueState:
    connection = await _connect_or_explain(dsn)
    try:
        cursor = await connection.execute(
            "SELECT id, status::text, entrypoint FROM pgqueuer WHERE id = ANY(%s)", (ids,))
        live = {row[0]: (row[1], row[2]) for row in await cursor.fetchall()}
        failed = []
        if any(status == "failed" for status, _ in live.values()):
            cursor = await connection.execute(
                "SELECT job_id, traceback FROM pgqueuer_log WHERE job_id = ANY(%s) AND traceback IS NOT NULL "
                "ORDER BY id", ([i for i, (s, _) in live.items() if s == "failed"],))
            reasons = {row[0]: _reason(row[1]) for row in await cursor.fetchall()}
            failed = [f"task {i} ({kind}): {reasons.get(i, 'failed')}" for i, (s, kind) in sorted(live.items())
                      if s == "failed"]
        remaining = sum(1 for status, _ in live.values() if status in ("queued", "picked"))
        running = sum(1 for status, _ in live.values() if status == "picked")
        return QueueState(remaining, failed, len(ids) - remaining - len(failed), running)
    finally:
        await connection.close()


def _reason(traceback: Any) -> str:
    if isinstance(traceback, str):
        try:
            traceback = json.loads(traceback)
        except ValueError:
            return traceback.strip().splitlines()[-1][:300] if traceback.strip() else "failed"
    if isinstance(traceback, dict):
        text = str(traceback.get("exception_message") or traceback.get("exception_type") or "failed")
        return text.strip().splitlines()[0][:300] if text.strip() else "failed"
    return "failed"


IDLE_NOTE = 60.0  # seconds without a task running or done before saying no worker seems to run


def wait_for(store_location: str, ids: Sequence[int], *, on_progress: Callable[[int, int], None] | None = None,
             poll: float = 1.0, timeout: float | None = None,
             notify: Callable[[str], None] | None = None) -> QueueState:
    """Block until every one of these tasks is done or failed for good; ``on_progress(done, total)``.
    When no task has run for a minute, ``notify`` hears it once (no worker running?)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    moved_at, last, said = time.monotonic(), None, False
    while True:
        state = task_states(store_location, ids)
        if on_progress is not None:
            on_progress(len(ids) - state.remaining, len(ids))
        if state.remaining == 0:
            return state
        if state.running or (state.remaining, len(state.failed)) != last:
            moved_at, last = time.monotonic(), (state.remaining, len(state.failed))
        elif notify is not None and not said and time.monotonic() - moved_at > IDLE_NOTE:
            notify(f"No task has run for {IDLE_NOTE:g} s: is a worker running (jobmatch worker, same JOBMATCH_DB)? "
                   "Still waiting; Ctrl-C stops waiting, the tasks stay queued.")
            said = True
        if deadline is not None and time.monotonic() > deadline:
            raise OperationError(f"{state.remaining} task(s) still queued or running after {timeout:g} s; "
                                 "are workers running (jobmatch worker)?")
        time.sleep(poll)


def queue_counts(store_location: str) -> dict[tuple[str, str], int]:
    """How many tasks of each (kind, status) the queue holds."""
    require_team_extra()
    return _run(_queue_counts(queue_dsn(store_location)))


async def _queue_counts(dsn: str) -> dict[tuple[str, str], int]:
    from pgqueuer import Queries

    connection = await _connect_or_explain(dsn)
    try:
        await ensure_installed(connection)
        sizes = await Queries.from_psycopg_connection(connection).queue_size()
        counts: dict[tuple[str, str], int] = {}
        for size in sizes:
            key = (str(size.entrypoint), str(size.status))
            counts[key] = counts.get(key, 0) + size.count
        return counts
    finally:
        await connection.close()


def _run(coroutine):
    return asyncio.run(coroutine)
