"""The team queue's edges: SQLite refused, a task kind from a newer version left queued, a
PostgreSQL that goes away and comes back while a worker runs, a distributed crawl, the crawl lock
across hosts, and profile folders with nothing to read.

The PostgreSQL tests run where JOBMATCH_TEST_POSTGRES_URL names a database they may empty.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from importlib.resources import files
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from jobmatch.cli.main import cli
from jobmatch.crawler import schema

URL = os.environ.get("JOBMATCH_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(not URL, reason="JOBMATCH_TEST_POSTGRES_URL is not set (.ci/run sets it)")
REPO = Path(__file__).resolve().parents[1]
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")
COMMAND = [sys.executable, "-m", "jobmatch.cli"]
FIXTURES = Path(__file__).parent / "fixtures" / "boards"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))




def worker_env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "JOBMATCH_HOME": str(home), "JOBMATCH_WORKER_HEARTBEAT": "3", **extra}
    env.pop("JOBMATCH_DB", None)
    return env


def wait_until(condition, timeout: float = 120, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


# No PostgreSQL needed ------------------------------------------------------------------------

def test_workers_and_distributed_work_refuse_a_sqlite_store(tmp_path):
    db = str(tmp_path / "store.db")
    for args in (["worker"], ["extract", "--distributed"], ["crawl", "--distributed"],
                 ["report", "--profiles", str(REPO / "examples"), "--out", str(tmp_path / "out"), "--distributed"]):
        result = run("--db", db, *args)
        assert result.exit_code == 1, args
        assert result.stderr.strip().splitlines() == [
            f"Error: workers need a PostgreSQL store (JOBMATCH_DB=postgresql+psycopg://...); {db} is a SQLite file"]
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_profile_folders_with_nothing_to_read_are_one_line_errors(tmp_path):
    db = str(tmp_path / "store.db")
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("not a profile", encoding="utf-8")
    (other / "cv.pdf").write_bytes(b"%PDF-1.4")
    cases = {
        str(empty): "no profile files (*.yaml, *.yml) in the folder (it is empty)",
        str(other): "no profile files (*.yaml, *.yml) in the folder (2 other file(s))",
        str(other / "*"): "no profile files (*.yaml, *.yml) match (2 other file(s) do)",
    }
    for pattern, reason in cases.items():
        for command in ("rank", "report"):
            result = run("--db", db, command, "--profiles", pattern, "--out", str(tmp_path / "out"))
            assert result.exit_code == 1, (command, pattern, result.output)
            assert result.stderr.strip() == f"Error: --profiles {pattern}: {reason}"
    assert not (tmp_path / "out").exists()


def test_report_profiles_writes_each_digest_and_skips_a_bad_profile(tmp_path):
    db = str(tmp_path / "store.db")
    assert run("--db", db, "import", SAMPLE).exit_code == 0
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for example in sorted((REPO / "examples").glob("*.yaml")):
        shutil.copy(example, profiles / example.name)
    (profiles / "broken.yaml").write_text("skills: [python\n", encoding="utf-8")
    (profiles / "README.txt").write_text("the learners' profiles", encoding="utf-8")
    out = tmp_path / "digests"
    first = run("--db", db, "report", "--profiles", str(profiles), "--out", str(out), "--new-only")
    assert first.exit_code == 1 and "Skipped" in first.stderr and "broken.yaml" in first.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.stem + ".md" for p in (REPO / "examples").glob("*.yaml"))
    single = run("--db", str(tmp_path / "other.db"), "import", SAMPLE)
    assert single.exit_code == 0
    alone = run("--db", str(tmp_path / "other.db"), "report", str(profiles / "profile.yaml"), "--new-only")
    digest = (out / "profile.md").read_text(encoding="utf-8")
    strip = [line for line in alone.stdout.splitlines() if not line.startswith("Generated ")]
    assert [line for line in digest.splitlines() if not line.startswith("Generated ")] == strip
    second = run("--db", db, "report", "--profiles", str(profiles), "--out", str(out), "--new-only")
    assert "No new postings since the last report." in (out / "profile.md").read_text(encoding="utf-8")
    assert second.exit_code == 1  # the broken profile is still said


# On PostgreSQL -------------------------------------------------------------------------------

def enqueue(url: str, kind: str, payload: dict, key: str) -> list[int]:
    from jobmatch.cli.task_queue import Task
    from jobmatch.cli.task_queue import enqueue as put

    return put(url, [Task(kind, payload, key)]).ids


@needs_postgres
def test_a_task_kind_from_a_newer_version_stays_queued_and_is_said_once(team_url, tmp_path):
    from jobmatch.cli.task_queue import queue_counts

    home = tmp_path / "home"
    assert run("--db", team_url, "import", SAMPLE).exit_code == 0
    enqueue(team_url, "jobmatch.summarise/9", {"anything": 1}, "future-1")
    enqueue(team_url, "jobmatch.summarise/9", {"anything": 2}, "future-2")
    log = tmp_path / "worker.log"
    worker = subprocess.Popen([*COMMAND, "--db", team_url, "worker"], stderr=log.open("w"),
                              stdout=subprocess.DEVNULL, env=worker_env(home))
    try:
        queued = subprocess.run([*COMMAND, "--db", team_url, "extract", "--distributed", "--wait"],
                                capture_output=True, text=True, timeout=300, env=worker_env(home))
        assert queued.returncode == 0, queued.stderr
        wait_until(lambda: "does not know" in log.read_text(encoding="utf-8"), what="the unknown kind said")
    finally:
        stop(worker)
    text = log.read_text(encoding="utf-8")
    assert text.count("jobmatch.summarise/9") == 1 and "2 task(s) of kind 'jobmatch.summarise/9'" in text
    assert queue_counts(team_url).get(("jobmatch.summarise/9", "queued")) == 2


class Outage:
    """A TCP relay on 127.0.0.1 in front of PostgreSQL that can be cut (every connection dropped,
    nothing listening) and restored on the same port: the database going away, as a worker sees it."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        with self.lock:
            if self.listener is not None:
                try:
                    self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
                except OSError:
                    pass
                self.listener.close()
                self.listener = None
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@needs_postgres
def test_a_worker_waits_while_postgresql_is_gone_and_loses_nothing(team_url, tmp_path):
    from sqlalchemy.engine import make_url

    from jobmatch.cli.task_queue import EXTRACT, active_tasks, wait_for

    home = tmp_path / "home"
    assert run("--db", team_url, "import", SAMPLE).exit_code == 0
    real = make_url(team_url)
    outage = Outage((real.host or "127.0.0.1", real.port or 5432))
    outage.up()
    relayed = real.set(host="127.0.0.1", port=outage.port).render_as_string(hide_password=False)
    log = tmp_path / "worker.log"
    worker = subprocess.Popen([*COMMAND, "--db", relayed, "worker"], stderr=log.open("w"),
                              stdout=subprocess.DEVNULL, env=worker_env(home))
    try:
        wait_until(lambda: "connected as queue manager" in log.read_text(encoding="utf-8"), what="the worker")
        outage.down()
        queued = subprocess.run([*COMMAND, "--db", team_url, "extract", "--distributed", "--batch-size", "5"],
                                capture_output=True, text=True, timeout=120, env=worker_env(home))
        assert queued.returncode == 0, queued.stderr
        wait_until(lambda: "unreachable" in log.read_text(encoding="utf-8")
                   or "lost the team's PostgreSQL" in log.read_text(encoding="utf-8"), what="the outage said")
        time.sleep(2)
        outage.up()
        ids = [job_id for job_id, _ in active_tasks(team_url, EXTRACT)]
        state = wait_for(team_url, ids, timeout=180)
        assert state.failed == [] and state.remaining == 0
        assert worker.poll() is None
    finally:
        stop(worker)
        outage.down()
    text = log.read_text(encoding="utf-8")
    assert "is back after" in text and "Traceback" not in text
    engine = sa.create_engine(team_url)
    with engine.connect() as connection:
        extracted = connection.scalar(sa.select(sa.func.count()).select_from(schema.extractions))
        open_postings = connection.scalar(sa.select(sa.func.count()).select_from(schema.postings)
                                          .where(schema.postings.c.closed_at.is_(None)))
    engine.dispose()
    assert extracted == open_postings > 0


def board_server_module():
    spec = importlib.util.spec_from_file_location("board_server", FIXTURES / "board_server.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["board_server"] = module
    spec.loader.exec_module(module)
    return module


@needs_postgres
def test_a_distributed_crawl_and_the_crawl_lock_across_hosts(team_url, tmp_path):
    from jobmatch.crawler.lock import CrawlLockedError, DatabaseCrawlLock

    board_server = board_server_module()
    home = tmp_path / "home"
    settings = ["-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=False"]
    with board_server.BoardServer(board_server.fixture_routes()) as server:
        sources = tmp_path / "sources.yaml"
        sources.write_text("filter: none\nsources:\n"
                           f"  - {{type: greenhouse, board: acme, base_url: \"{server.url}\"}}\n"
                           f"  - {{type: ashby, board: acme, base_url: \"{server.url}\"}}\n", encoding="utf-8")
        # A whole crawl holds the team's lock: a distributed source task waits (retried later), and
        # a second whole crawl is refused.
        with DatabaseCrawlLock(team_url):
            with pytest.raises(CrawlLockedError):
                DatabaseCrawlLock(team_url, source="greenhouse:acme").acquire()
            blocked = subprocess.run([*COMMAND, "--db", team_url, "crawl", "--sources", str(sources), *settings],
                                     capture_output=True, text=True, timeout=120, env=worker_env(home))
            assert blocked.returncode == 1
            assert "another crawl of this store is running on a host of the team" in blocked.stderr
        log = tmp_path / "worker.log"
        worker = subprocess.Popen([*COMMAND, "--db", team_url, "worker"], stderr=log.open("w"),
                                  stdout=subprocess.DEVNULL, env=worker_env(home))
        try:
            crawled = subprocess.run([*COMMAND, "--db", team_url, "crawl", "--sources", str(sources), "--distributed",
                                      "--wait", *settings], capture_output=True, text=True, timeout=300,
                                     env=worker_env(home))
            assert crawled.returncode == 0, crawled.stderr + log.read_text(encoding="utf-8")
            assert "Queued 2 crawl task(s)." in crawled.stderr and "Done: 2 of 2 crawl task(s)." in crawled.stderr
        finally:
            stop(worker)
    listed = run("--db", team_url, "postings", "export")
    sources_seen = {json.loads(line)["source"] for line in listed.stdout.splitlines() if line.strip()}
    assert {"greenhouse:acme", "ashby:acme"} <= sources_seen, sources_seen
    engine = sa.create_engine(team_url)
    with engine.connect() as connection:
        runs = connection.execute(sa.select(schema.crawl_runs.c.status, schema.crawl_runs.c.sources)).all()
    engine.dispose()
    assert sorted(source["name"] for _, sources in runs for source in sources) == ["ashby:acme", "greenhouse:acme"]
    assert all(status == "healthy" for status, _ in runs)


@needs_postgres
def test_worker_concurrency_runs_processes_that_share_the_work_and_stop_together(team_url, tmp_path):
    home = tmp_path / "home"
    assert run("--db", team_url, "import", SAMPLE).exit_code == 0
    log = tmp_path / "worker.log"
    worker = subprocess.Popen([*COMMAND, "--db", team_url, "worker", "--concurrency", "2"], stderr=log.open("w"),
                              stdout=subprocess.DEVNULL, env=worker_env(home))
    try:
        wait_until(lambda: log.read_text(encoding="utf-8").count("connected as queue manager") == 2,
                   what="two worker processes")
        queued = subprocess.run([*COMMAND, "--db", team_url, "extract", "--distributed", "--batch-size", "2", "--wait"],
                                capture_output=True, text=True, timeout=300, env=worker_env(home))
        assert queued.returncode == 0, queued.stderr
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=90) == 0
    text = log.read_text(encoding="utf-8")
    done_by = {line.split()[1] for line in text.splitlines() if "posting(s) read in" in line}
    assert done_by == {"jobmatch-worker-1:", "jobmatch-worker-2:"}, text
    assert text.count("stopping: the tasks in hand finish first") == 2 and "Traceback" not in text
