"""Any commands at once, and kills: real processes on a real SQLite file (and PostgreSQL where
JOBMATCH_TEST_POSTGRES_URL is set), a real local board server, no mocks.

The full measurement (10 processes x 20 rounds on each database) is
``benchmarks/concurrency_benchmark.py``; this runs the same code smaller.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "concurrency_benchmark.py"
_spec = importlib.util.spec_from_file_location("concurrency_benchmark", BENCHMARK)
concurrency = importlib.util.module_from_spec(_spec)
sys.modules["concurrency_benchmark"] = concurrency  # dataclasses look their module up while it loads
_spec.loader.exec_module(concurrency)

POSTGRES = os.environ.get("JOBMATCH_TEST_POSTGRES_URL")


@pytest.fixture(scope="module")
def boards(tmp_path_factory):
    """The fixture boards on 127.0.0.1, the input files, and the ids one crawl of them stores."""
    board_server = concurrency.load_board_server()
    folder = tmp_path_factory.mktemp("concurrency")
    with board_server.BoardServer(board_server.fixture_routes()) as server:
        inputs = concurrency.make_inputs(folder / "inputs", server.url)
        inputs.crawl_ids = concurrency.reference_crawl_ids(inputs)
        yield inputs


def _assert_clean(outcome, inputs, processes: int = 10) -> None:
    assert outcome.failures == [], outcome.failures
    assert outcome.problems == [], outcome.problems  # integrity, none lost, none twice, one row per migration
    assert outcome.exit_codes == [0] * processes
    assert outcome.postings == len(inputs.import_ids | inputs.crawl_ids) > 40 + concurrency.EXTRA_POSTINGS


@pytest.mark.slow
def test_ten_mixed_processes_at_once_on_a_missing_sqlite_store(boards, tmp_path):
    for number in range(2):
        db = tmp_path / f"round-{number}" / "store.db"
        db.parent.mkdir()
        _assert_clean(concurrency.run_round(boards, str(db), tmp_path / f"home-{number}", 10, light=True), boards)


@pytest.mark.slow
@pytest.mark.skipif(not POSTGRES, reason="JOBMATCH_TEST_POSTGRES_URL is not set (.ci/run sets it)")
def test_ten_mixed_processes_at_once_on_an_empty_postgresql_schema(boards, tmp_path):
    schemas = concurrency.PostgresSchemas(POSTGRES)  # a fresh schema of the test database: a missing store
    try:
        _assert_clean(concurrency.run_round(boards, schemas.new(), tmp_path / "home", 10, light=True), boards)
    finally:
        schemas.drop_all()


def _write_postings(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({
                "id": f"kill:{n}", "source": "kill", "title": f"Machine Learning Engineer {n}",
                "company": f"Company {n % 97}", "locations": [f"City {n % 13}"],
                "description": f"Posting {n}. We need Python, PyTorch and SQL, and {n % 11} years of MLOps."}) + "\n")


def _count(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not made yet


def _kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the command finished before it could be killed"
        assert time.monotonic() < deadline, "the command never got far enough to be killed"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.slow
def test_sigkill_during_an_import_of_50000_postings_keeps_the_store_and_the_rerun_adds_up(tmp_path, jobmatch_command):
    source = tmp_path / "postings.jsonl"
    total = 50_000
    _write_postings(source, total)
    db = tmp_path / "store.db"
    process = subprocess.Popen([*jobmatch_command, "--db", str(db), "import", str(source)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when(process, lambda: _count(db, "postings") >= 2_000)
    assert process.returncode == -signal.SIGKILL
    assert _integrity(db) == "ok"
    committed = _count(db, "postings")
    assert 2_000 <= committed < total and committed % 500 == 0  # whole batches, nothing half-written

    rerun = subprocess.run([*jobmatch_command, "--db", str(db), "import", str(source)],
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    new, unchanged = (int(n) for n in re.search(r"(\d+) new, 0 updated, (\d+) unchanged", rerun.stderr).groups())
    assert (new, unchanged) == (total - committed, committed)
    assert _count(db, "postings") == total and _integrity(db) == "ok"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(DISTINCT id), count(DISTINCT content_hash) FROM postings").fetchone() \
            == (total, total)


@pytest.mark.slow
def test_sigkill_during_extract_keeps_the_store_and_the_rerun_extracts_the_rest(tmp_path, jobmatch_command):
    source = tmp_path / "postings.jsonl"
    total = 1_500
    _write_postings(source, total)
    db = tmp_path / "store.db"
    env = {**os.environ, "JOBMATCH_BATCH_SIZE": "50"}  # small batches: the kill lands mid-run
    subprocess.run([*jobmatch_command, "--db", str(db), "import", str(source)], check=True, env=env,
                   capture_output=True, timeout=120)
    process = subprocess.Popen([*jobmatch_command, "--db", str(db), "extract"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when(process, lambda: _count(db, "extractions") >= 100)
    assert _integrity(db) == "ok"
    committed = _count(db, "extractions")
    assert 100 <= committed < total and committed % 50 == 0

    rerun = subprocess.run([*jobmatch_command, "--db", str(db), "extract"], capture_output=True, text=True,
                           timeout=300, env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert f"Extracted {total - committed} posting(s)" in rerun.stderr
    assert _count(db, "extractions") == total and _integrity(db) == "ok"  # each posting once, none lost
