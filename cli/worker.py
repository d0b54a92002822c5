"""``jobmatch worker``: run the team queue's tasks (cli/task_queue.py) on this host.

A worker is one process per core asked for (``--concurrency N``, spawned, supervised, restarted if
one dies). Each runs PgQueuer's event loop (the queue, the running tasks' heartbeats) and hands
its extraction and report tasks, one at a time, to a task process of its own, which holds the
taxonomy, the extractor, the store and, for reports, the skill matrix, loaded once and kept while
the store does not change; it holds up to two more waiting (HELD_TASKS). A crawl task waits on the
network in a crawl process of its own, beside the others.

The guarantees come from the tasks and the queue together:
- every task is idempotent: an extraction batch reads only its postings that still lack the key
  and saves with an upsert; a report task carries the digest's start ("new since") read when it
  was queued, so a repeat writes the same file; a crawl of one source is a crawl, which a repeat
  only refreshes;
- a worker killed midway loses nothing: its task's heartbeat stops and another worker picks it
  again after the heartbeat timeout (JOBMATCH_WORKER_HEARTBEAT seconds, 30 by default);
- a PostgreSQL that goes away: the task in hand is retried later, the worker waits and connects
  again (one line when it goes, one when it is back);
- a kind of task this version does not know stays queued for a newer worker (said once).
No click here: the command in worker_command.py parses the options and calls ``run_workers``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from pathlib import Path
from typing import Any

from jobmatch.cli import task_queue
from jobmatch.cli.operations import (
    RankingSession,
    Workspace,
    extract_batch,
    prepare_ranking,
    write_report,
)

log = logging.getLogger("jobmatch.worker")
RETRY_DELAY = timedelta(seconds=10)
LOCKED_DELAY = timedelta(seconds=60)
MAX_ATTEMPTS = 8  # a task that keeps meeting an unreachable store is held as failed after this many
RESTART_DELAY = 5.0
# Tasks a worker holds at once: one running in the task process and two waiting (PgQueuer picks
# again on a tick of about a second after a task ends: with one waiting, a batch of 200 postings
# in 0.8 s left the task process idle 0.5 s a task; with two, 0.04 s). Crawl tasks run beside them.
HELD_TASKS = 3


def heartbeat_timeout() -> timedelta:
    """How long a picked task may go without a heartbeat before another worker takes it."""
    try:
        seconds = float(os.environ.get("JOBMATCH_WORKER_HEARTBEAT", "30"))
    except ValueError:
        seconds = 30.0
    return timedelta(seconds=max(seconds, 1.0))


# Supervising the processes -------------------------------------------------------------------

def run_workers(workspace: Workspace, concurrency: int) -> int:
    """Run ``concurrency`` worker processes until SIGTERM or SIGINT; returns the exit code."""
    task_queue.queue_dsn(workspace.store_location)  # a SQLite store is refused before anything starts
    task_queue.require_team_extra()
    _configure_logging()
    if concurrency == 1:
        return serve(workspace)
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no reactor, no inherited engine
    stopping = threading.Event()

    def stop(_signum: int, _frame: Any) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    processes: list[Any] = [None] * concurrency
    restart_at = [0.0] * concurrency
    try:
        while not stopping.is_set():
            for slot in range(concurrency):
                process = processes[slot]
                if process is not None and process.exitcode is not None:
                    log.warning("worker process %s exited with code %s; starting another in %g s",
                                process.pid, process.exitcode, RESTART_DELAY)
                    processes[slot], restart_at[slot] = None, time.monotonic() + RESTART_DELAY
                if processes[slot] is None and time.monotonic() >= restart_at[slot]:
                    processes[slot] = context.Process(target=serve, args=(workspace,), daemon=False,
                                                      name=f"jobmatch-worker-{slot + 1}")
                    processes[slot].start()
            stopping.wait(0.5)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for process in processes:
            if process is not None and process.exitcode is None:
                process.terminate()
        for process in processes:
            if process is not None:
                process.join(timeout=60)
    return 0


class OneLineFormatter(logging.Formatter):
    """A record a line: an exception adds its first line, not its traceback (JOBMATCH_WORKER_TRACEBACKS=1
    or `jobmatch --traceback worker` shows them)."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and not os.environ.get("JOBMATCH_WORKER_TRACEBACKS"):
            error = record.exc_info[1]
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None,
                                            "msg": f"{record.getMessage()}: {_first_line(error)}"
                                            if error is not None else record.getMessage(), "args": ()})
        return super().format(record)


def _configure_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(OneLineFormatter("%(asctime)s %(processName)s: %(message)s", "%Y-%m-%dT%H:%M:%S"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    logging.getLogger("pgqueuer").setLevel(logging.WARNING)


# One worker process ------------------------------------------------------------------------

def serve(workspace: Workspace) -> int:
    """One worker process: connect, take tasks, reconnect when the database comes back; until a
    SIGTERM or SIGINT, which lets the task in hand finish first."""
    _configure_logging()
    runner = TaskRunner(workspace)
    try:
        asyncio.run(_serve(runner))
    finally:
        runner.close()
    return 0


class TaskRunner:
    """Runs the tasks of one worker process in a child process of its own, one at a time.

    The worker process keeps PgQueuer's event loop (the queue, heartbeats, notifications); the
    task process does the work. In a thread beside that loop extraction ran a third slower (the
    loop's polling takes the GIL); a process has no such contention, and a task that crashes its
    process (out of memory) breaks only that process: the task is retried and a new one started.
    """

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.dsn = task_queue.queue_dsn(workspace.store_location)
        self.unknown_said: set[str] = set()
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_task_process, initargs=(self.workspace,))

    async def run(self, kind: str, payload: dict[str, Any]) -> tuple[str, float]:
        loop = asyncio.get_running_loop()
        if kind == task_queue.CRAWL:
            return await loop.run_in_executor(None, crawl_task, self.workspace, payload)
        try:
            return await loop.run_in_executor(self.executor, _run_task, kind, payload)
        except BrokenProcessPool:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._start()
            raise

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class TaskState:
    """What a task process keeps between tasks: the taxonomy, the store, the extractor and the
    ranking session (rebuilt when the store changes)."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.taxonomy = workspace.load_taxonomy()
        self.store = workspace.open_store()
        self._extractor: Any = None
        self._session: RankingSession | None = None
        self._session_made_for = ""  # the store's data version and taxonomy key it was built at

    def extractor(self):
        """The extractor, made once."""
        if self._extractor is None:
            from jobmatch.taxonomy.extraction import SkillExtractor

            self._extractor = SkillExtractor(self.taxonomy)
        return self._extractor

    def ranking_session(self) -> RankingSession:
        """The skill matrix, rebuilt when the store has changed since it was loaded."""
        from jobmatch.taxonomy.versions import extraction_key

        current = f"{self.store.data_version()}|{extraction_key(self.taxonomy)}"
        if self._session is None or self._session_made_for != current:
            if self._session is not None:
                self._session.close()
            self._session = prepare_ranking(self.workspace, taxonomy=self.taxonomy, notify=log.info)
            # read again: extracting what was missing changed the store's version
            self._session_made_for = f"{self.store.data_version()}|{extraction_key(self.taxonomy)}"
        return self._session


_TASK_STATE: TaskState | None = None


def _start_task_process(workspace: Workspace) -> None:
    """In the task process: SIGTERM and SIGINT are the worker's to handle (it lets the task in hand
    finish, then stops this process), and the state is loaded once."""
    global _TASK_STATE
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()
    _configure_logging()
    _TASK_STATE = TaskState(workspace)


def exit_with_parent() -> None:
    """End this process when the one that started it is gone (killed with SIGKILL, say): its task
    is taken again by another worker, and nothing is left running for nobody."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="jobmatch-parent-watch", daemon=True).start()


def _run_task(kind: str, payload: dict[str, Any]) -> tuple[str, float]:
    """In the task process: one task; what it did and how long it took."""
    if _TASK_STATE is None:
        raise RuntimeError("the task process was not started with its state")
    started = time.perf_counter()
    said = HANDLERS[kind](_TASK_STATE, payload)
    return said, time.perf_counter() - started


async def _serve(runner: TaskRunner) -> None:
    import psycopg
    from pgqueuer import Queries, QueueManager

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    down_since: float | None = None
    log.info("worker %s on %s: taking %s", os.getpid(), socket.gethostname(), ", ".join(KINDS))
    while not stop.is_set():
        try:
            connection = await task_queue.connect(runner.dsn)
        except (psycopg.OperationalError, OSError) as error:
            if down_since is None:
                down_since = time.monotonic()
                log.warning("the team's PostgreSQL is unreachable (%s); trying again every %g s",
                            _first_line(error), RESTART_DELAY)
            await _sleep_unless(stop, RESTART_DELAY)
            continue
        if down_since is not None:
            log.warning("the team's PostgreSQL is back after %.0f s; taking tasks again", time.monotonic() - down_since)
            down_since = None
        try:
            await task_queue.ensure_installed(connection)
            manager = QueueManager(Queries.from_psycopg_connection(connection))
            for kind in KINDS:
                manager.entrypoint(kind, on_failure="hold")(_entrypoint(runner, kind))
            log.info("worker %s connected as queue manager %s", os.getpid(), manager.queue_manager_id)
            watchers = [asyncio.create_task(_stop_on(stop, manager)),
                        asyncio.create_task(_say_unknown_kinds(runner, connection))]
            try:
                await manager.run(dequeue_timeout=timedelta(seconds=5), batch_size=1, max_concurrent_tasks=HELD_TASKS,
                                  heartbeat_timeout=heartbeat_timeout())
            finally:
                for watcher in watchers:
                    watcher.cancel()
        except (psycopg.OperationalError, psycopg.InterfaceError, OSError) as error:
            if not stop.is_set():
                down_since = time.monotonic()
                log.warning("lost the team's PostgreSQL (%s); trying again every %g s", _first_line(error),
                            RESTART_DELAY)
                await _sleep_unless(stop, RESTART_DELAY)
        finally:
            try:
                await connection.close()
            except Exception:  # noqa: BLE001 - a connection already gone cannot be closed more
                pass


async def _stop_on(stop: asyncio.Event, manager: Any) -> None:
    await stop.wait()
    log.info("worker %s stopping: the tasks in hand finish first", os.getpid())
    manager.shutdown.set()


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def _say_unknown_kinds(runner: TaskRunner, connection: Any) -> None:
    """A task kind this version does not know stays queued for a newer worker: said once a kind."""
    while True:
        try:
            cursor = await connection.execute(
                "SELECT entrypoint, count(*) FROM pgqueuer WHERE status = 'queued' AND NOT (entrypoint = ANY(%s)) "
                "GROUP BY entrypoint", (list(KINDS),))
            for kind, count in await cursor.fetchall():
                if kind not in runner.unknown_said:
                    runner.unknown_said.add(kind)
                    log.warning("the queue holds %d task(s) of kind %r, which this jobmatch does not know "
                                "(queued by a newer version?): left for a worker that does", count, kind)
        except Exception:  # noqa: BLE001 - a lost connection is the main loop's to handle
            return
        await asyncio.sleep(60)


def _entrypoint(runner: TaskRunner, kind: str):
    """PgQueuer's async entrypoint around a task run in the task process; a store that cannot be
    reached (or a task process that died) asks for a retry instead of failing the task."""
    from pgqueuer import RetryRequested

    from jobmatch.crawler.errors import StoreError
    from jobmatch.crawler.lock import CrawlLockedError

    async def run(job: Any) -> None:
        payload = json.loads(job.payload or b"{}")
        try:
            said, seconds = await runner.run(kind, payload)
        except CrawlLockedError as error:
            log.info("%s task %s: %s; again in %s", kind, job.id, error, LOCKED_DELAY)
            raise RetryRequested(LOCKED_DELAY, str(error)) from None
        except (StoreError, BrokenProcessPool) as error:
            if job.attempts >= MAX_ATTEMPTS:
                raise
            reason = str(error) if isinstance(error, StoreError) else "the task process died"
            log.warning("%s task %s: %s; again in %s", kind, job.id, reason, RETRY_DELAY)
            raise RetryRequested(RETRY_DELAY, reason) from None
        except Exception as error:
            log.warning("%s task %s failed: %s", kind, job.id, _first_line(error))
            raise
        log.info("%s task %s: %s in %.1f s", kind, job.id, said, seconds)

    return run


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


# The tasks ---------------------------------------------------------------------------------

def extract_task(state: TaskState, payload: dict[str, Any]) -> str:
    ids = [str(i) for i in payload["ids"]]
    read = extract_batch(state.store, state.taxonomy, str(payload["key"]), ids, extractor=state.extractor())
    return f"{read} of {len(ids)} posting(s) read"


def report_task(state: TaskState, payload: dict[str, Any]) -> str:
    session = state.ranking_session()
    profile_path = str(payload["profile"])
    profile = session.load_profile(profile_path, strict=bool(payload.get("strict")), notify=log.warning)
    output = Path(payload["output"])
    output.parent.mkdir(parents=True, exist_ok=True)
    outcome = write_report(session, profile, profile_path, output, fmt=str(payload.get("format", "md")),
                           top=int(payload.get("top", 20)), threshold=float(payload.get("threshold", 50)),
                           new_only=bool(payload.get("new_only")), started=payload.get("started"),
                           new_since=payload.get("new_since"), use_new_since=True)
    return f"{output} written ({outcome.shown} posting(s))"


def crawl_task(workspace: Workspace, payload: dict[str, Any]) -> tuple[str, float]:
    """One source, crawled in a fresh process (Twisted's reactor runs once per process), waited
    for in a thread of the worker: crawls wait on the network, so they run beside other tasks."""
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    result = context.Queue()
    process = context.Process(target=_crawl_in_child, name="jobmatch-crawl",
                              args=(workspace, payload, result))
    process.start()
    outcome: dict[str, str] = {}
    while not outcome:  # read before join: a child blocks on exit until its queue is read
        try:
            outcome = result.get(timeout=1.0)
        except queue.Empty:
            if not process.is_alive():
                break
    process.join()
    if not outcome:
        outcome = {"error": f"the crawl process exited with code {process.exitcode}"}
    if "locked" in outcome:
        from jobmatch.crawler.lock import CrawlLockedError

        raise CrawlLockedError(outcome["locked"])
    if "error" in outcome:
        raise RuntimeError(outcome["error"])
    return outcome["said"], time.perf_counter() - started


def _crawl_in_child(workspace: Workspace, payload: dict[str, Any], result: Any) -> None:
    from jobmatch.cli.operations import crawl_source
    from jobmatch.crawler.lock import CrawlLockedError

    exit_with_parent()
    try:
        said = crawl_source(workspace, str(payload["sources"]), str(payload["source"]),
                            path=str(payload.get("path", "<sources>")), settings=payload.get("settings") or {})
    except CrawlLockedError as error:
        result.put({"locked": str(error)})
    except Exception as error:  # noqa: BLE001 - reported to the worker as the task's failure
        result.put({"error": _first_line(error)})
    else:
        result.put({"said": said})


HANDLERS: dict[str, Callable[[TaskState, dict[str, Any]], str]] = {  # run in the task process
    task_queue.EXTRACT: extract_task,
    task_queue.REPORT: report_task,
}
KINDS = (*HANDLERS, task_queue.CRAWL)  # every kind a worker takes
