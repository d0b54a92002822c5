"""Extraction on the team queue: one worker against two on this machine, and the single process.

    python benchmarks/team_extraction_benchmark.py --url postgresql+psycopg://USER:PW@127.0.0.1/DB
        [--postings 20000] [--batch-size 200] [--workers 1 2]

The database is emptied (the store's tables dropped, the queue truncated): give one for
benchmarks. For each run the store is filled with the same N postings (made from the bundled
sample, each distinct), then:
- single: `jobmatch extract` in one process (no queue);
- N workers: `jobmatch extract --distributed` queues batches, N `jobmatch worker` processes start,
  and the clock runs from their start until the queue is drained (their start-up included).
Prints postings a second for each and the speed-up of two workers over one.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from jobmatch.cli.task_queue import EXTRACT, active_tasks, wait_for
from jobmatch.crawler import schema

REPO = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "jobmatch.cli"]
_spec = importlib.util.spec_from_file_location("team_postings", REPO / "tests" / "fixtures" / "team_postings.py")
team_postings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(team_postings)


def empty(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        schema.metadata.drop_all(connection)
        present = set(sa.inspect(connection).get_table_names())
        for table in ("pgqueuer", "pgqueuer_log", "pgqueuer_statistics"):
            if table in present:
                connection.execute(sa.text(f"TRUNCATE {table}"))
    engine.dispose()


def jobmatch(url: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([*COMMAND, "--db", url, *args], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"jobmatch {' '.join(args)} failed: {result.stderr[-1000:]}")
    return result


def extracted(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(sa.select(sa.func.count()).select_from(schema.extractions))
    engine.dispose()
    return int(count)


def run_single(url: str, postings: Path, env: dict[str, str]) -> tuple[float, int]:
    empty(url)
    jobmatch(url, env, "import", str(postings))
    started = time.perf_counter()
    jobmatch(url, env, "extract")
    return time.perf_counter() - started, extracted(url)


def run_workers(url: str, postings: Path, env: dict[str, str], workers: int, batch_size: int) -> tuple[float, int]:
    empty(url)
    jobmatch(url, env, "import", str(postings))
    jobmatch(url, env, "extract", "--distributed", "--batch-size", str(batch_size))
    ids = [job_id for job_id, _ in active_tasks(url, EXTRACT)]
    started = time.perf_counter()
    processes = [subprocess.Popen([*COMMAND, "--db", url, "worker"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, env=env) for _ in range(workers)]
    try:
        state = wait_for(url, ids, poll=0.2)
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=120)
    if state.failed:
        raise SystemExit(f"{len(state.failed)} task(s) failed: {state.failed[:3]}")
    return elapsed, extracted(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("JOBMATCH_BENCH_POSTGRES_URL"),
                        help="a PostgreSQL database the benchmark may empty (env JOBMATCH_BENCH_POSTGRES_URL)")
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if not args.url:
        raise SystemExit("give --url (a PostgreSQL database the benchmark may empty)")
    with tempfile.TemporaryDirectory() as folder:
        postings = Path(folder) / "postings.jsonl"
        team_postings.write_postings(postings, args.postings)
        env = {**os.environ, "JOBMATCH_HOME": str(Path(folder) / "home")}
        env.pop("JOBMATCH_DB", None)
        jobmatch(args.url, env, "taxonomy", "list")  # the parsed taxonomy cached once, outside the clock
        rows = []
        seconds, count = run_single(args.url, postings, env)
        rows.append(("single process (jobmatch extract)", seconds, count))
        for workers in args.workers:
            seconds, count = run_workers(args.url, postings, env, workers, args.batch_size)
            rows.append((f"{workers} worker(s), batches of {args.batch_size}", seconds, count))
    print(f"{'run':<40} {'seconds':>8} {'postings':>9} {'per s':>7}")
    for name, seconds, count in rows:
        print(f"{name:<40} {seconds:8.1f} {count:9d} {count / seconds:7.0f}")
    by_workers = {name.split()[0]: seconds for name, seconds, _ in rows[1:]}
    if "1" in by_workers and "2" in by_workers:
        print(f"speed-up of 2 workers over 1: {by_workers['1'] / by_workers['2']:.2f}x")


if __name__ == "__main__":
    main()
