"""Team scale on CI's real PostgreSQL: `jobmatch worker` processes take the queue's tasks.

Three workers extract a store of 2,000 postings and write every profile's report; one is killed
with SIGKILL in the middle of the extraction. Every open posting is extracted once (one row a
posting, equal to a single-process run on SQLite), and the reports equal that run's.

Runs where JOBMATCH_TEST_POSTGRES_URL names a database it may empty (`.ci/run` sets it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from jobmatch.crawler import schema

_spec = importlib.util.spec_from_file_location("team_postings", Path(__file__).parent / "fixtures" / "team_postings.py")
team_postings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(team_postings)
write_postings = team_postings.write_postings

URL = os.environ.get("JOBMATCH_TEST_POSTGRES_URL")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not URL, reason="JOBMATCH_TEST_POSTGRES_URL is not set (.ci/run sets it)")]
REPO = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "jobmatch.cli"]




def jobmatch(db: str, home: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "JOBMATCH_HOME": str(home), "JOBMATCH_WORKER_HEARTBEAT": "3"}
    env.pop("JOBMATCH_DB", None)
    result = subprocess.run([*COMMAND, "--db", db, *args], capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, f"{args}: {result.stderr[-2000:]}"
    return result


def start_worker(db: str, home: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "JOBMATCH_HOME": str(home), "JOBMATCH_WORKER_HEARTBEAT": "3"}
    env.pop("JOBMATCH_DB", None)
    return subprocess.Popen([*COMMAND, "--db", db, "worker"], stdout=subprocess.DEVNULL,
                            stderr=log.open("w", encoding="utf-8"), env=env)


def extractions(db: str) -> dict[str, dict]:
    """What is stored for each posting, without when (one row a posting and taxonomy version)."""
    engine = sa.create_engine(db if "://" in db else f"sqlite:///{db}")
    table = schema.extractions
    with engine.connect() as connection:
        rows = connection.execute(sa.select(*(c for c in table.c if c.name != "extracted_at"))).all()
    engine.dispose()
    found: dict[str, dict] = {}
    for row in rows:
        values = dict(row._mapping)
        assert values["posting_id"] not in found, "a posting has two extractions"
        found[values["posting_id"]] = values
    return found


def picked_by(db: str, manager: str) -> int:
    engine = sa.create_engine(db)
    with engine.connect() as connection:
        count = connection.scalar(sa.text("SELECT count(*) FROM pgqueuer WHERE status = 'picked' "
                                          "AND queue_manager_id = CAST(:manager AS uuid)"), {"manager": manager})
    engine.dispose()
    return int(count)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def manager_of(log: Path) -> str | None:
    found = re.findall(r"connected as queue manager ([0-9a-f-]{36})", log.read_text(encoding="utf-8"))
    return found[-1] if found else None


def comparable(report: dict) -> dict:
    """A JSON report without the moment it was made."""
    report = json.loads(json.dumps(report))
    report.pop("generated_at", None)
    report.get("summary", {}).pop("generated_at", None)
    return report


def test_three_workers_one_killed_extract_once_and_report_like_one_process(team_url, tmp_path):
    postings = tmp_path / "postings.jsonl"
    write_postings(postings, 2000)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for example in sorted((REPO / "examples").glob("*.yaml")):
        (profiles / example.name).write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    home = tmp_path / "home"

    # The single-process run on SQLite: what the team's run must equal.
    sqlite_db = str(tmp_path / "single.db")
    jobmatch(sqlite_db, tmp_path / "single-home", "import", str(postings))
    jobmatch(sqlite_db, tmp_path / "single-home", "extract")
    jobmatch(sqlite_db, tmp_path / "single-home", "report", "--profiles", str(profiles), "--out",
             str(tmp_path / "single-reports"), "--format", "json", "--new-only")

    single = extractions(sqlite_db)
    open_postings = len(single)  # the sample's closed postings are not extracted
    assert open_postings > 1500

    jobmatch(team_url, home, "import", str(postings))
    queued = jobmatch(team_url, home, "extract", "--distributed", "--batch-size", "25")
    assert f"Queued {-(-open_postings // 25)} extraction task(s)." in queued.stderr, queued.stderr
    logs = [tmp_path / f"worker-{number}.log" for number in range(3)]
    workers = [start_worker(team_url, home, log) for log in logs]
    try:
        # Kill the first worker while it holds a task, once a tenth of the postings are done.
        deadline = time.monotonic() + 300
        killed_holding = 0
        while time.monotonic() < deadline:
            done = len(extractions(team_url))
            manager = manager_of(logs[0])
            if manager and done >= 200:
                killed_holding = picked_by(team_url, manager)
                if killed_holding:
                    task_processes = children_of(workers[0].pid)
                    workers[0].send_signal(signal.SIGKILL)
                    workers[0].wait(timeout=30)
                    break
            time.sleep(0.05)
        assert killed_holding, "the first worker never held a task to be killed with"
        assert task_processes, "the worker had no task process"
        deadline = time.monotonic() + 30  # its task process ends with it
        while any(alive(pid) for pid in task_processes):
            assert time.monotonic() < deadline, "the killed worker's task process is still running"
            time.sleep(0.2)
        assert len(extractions(team_url)) < open_postings, "the extraction ended before the kill"
        # Queued again, the same extraction queues nothing twice and waits for what is queued,
        # the killed worker's task included: taken again once its heartbeat is stale (3 s here).
        again = jobmatch(team_url, home, "extract", "--distributed", "--wait")
        assert re.search(r"Queued 0 extraction task\(s\); \d+ were queued already", again.stderr), again.stderr
        assert "Done:" in again.stderr and "failed" not in again.stderr
        reports = jobmatch(team_url, home, "report", "--profiles", str(profiles), "--out",
                           str(tmp_path / "team-reports"), "--format", "json", "--new-only", "--distributed",
                           "--wait")
        assert "Done: 3 of 3 report task(s)." in reports.stderr, reports.stderr
        assert all(worker.poll() is None for worker in workers[1:]), "a surviving worker died"
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()

    team = extractions(team_url)
    assert len(team) == open_postings and team.keys() == single.keys()
    assert all(team[posting_id] == single[posting_id] for posting_id in single)
    expected = sorted(p.stem + ".json" for p in profiles.glob("*.yaml"))
    assert sorted(p.name for p in (tmp_path / "team-reports").glob("*.json")) == expected
    for name in expected:
        mine = json.loads((tmp_path / "team-reports" / name).read_text(encoding="utf-8"))
        theirs = json.loads((tmp_path / "single-reports" / name).read_text(encoding="utf-8"))
        assert comparable(mine) == comparable(theirs), name
    survivors = "".join(log.read_text(encoding="utf-8") for log in logs[1:])
    assert "Traceback" not in survivors
