"""Kills: SIGKILL an ``import`` of 50,000 postings and an ``extract`` at several points, then check
the store and run the command again.

    python benchmarks/kill_benchmark.py [--postings 50000] [--extract-postings 3000]

For each kill point (a share of the work committed), a fresh SQLite store: the command is started,
killed with SIGKILL once that much is committed, ``PRAGMA integrity_check`` is run, the committed
rows are counted (whole batches only), the command is run again and its counts checked (import: the
committed postings come back "unchanged", the rest "new"; extract: only the rest is extracted).
Prints one line per kill and the timings. tests/test_reliability_concurrency.py runs one kill of each.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JOBMATCH = [sys.executable, "-m", "jobmatch.cli"]


def write_postings(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({
                "id": f"kill:{n}", "source": "kill", "title": f"Machine Learning Engineer {n}",
                "company": f"Company {n % 97}", "locations": [f"City {n % 13}"],
                "description": f"Posting {n}. We need Python, PyTorch and SQL, and {n % 11} years of MLOps."}) + "\n")


def count(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def kill_at(argv: list[str], db: Path, table: str, rows: int, env: dict[str, str]) -> tuple[float, int]:
    """Start ``argv``, SIGKILL it once ``table`` has ``rows`` rows; returns (seconds, rows committed)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while count(db, table) < rows:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(argv[3:])} finished before {rows} {table} rows were committed")
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return time.perf_counter() - started, count(db, table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--extract-postings", type=int, default=3_000)
    parser.add_argument("--points", default="0.05,0.25,0.5,0.9", help="shares of the work committed at the kill")
    args = parser.parse_args()
    points = [float(p) for p in args.points.split(",")]
    ok = True
    with tempfile.TemporaryDirectory(prefix="jobmatch-kill-") as folder:
        folder = Path(folder)
        env = {**os.environ, "JOBMATCH_HOME": str(folder / "home")}
        source = folder / "postings.jsonl"
        write_postings(source, args.postings)
        for share in points:
            db = folder / f"import-{share}.db"
            seconds, committed = kill_at([*JOBMATCH, "--db", str(db), "import", str(source)], db, "postings",
                                         int(args.postings * share), env)
            verdict = integrity(db)
            started = time.perf_counter()
            rerun = subprocess.run([*JOBMATCH, "--db", str(db), "import", str(source)], env=env, capture_output=True,
                                   text=True)
            again = time.perf_counter() - started
            found = re.search(r"(\d+) new, (\d+) updated, (\d+) unchanged", rerun.stderr)
            new, updated, unchanged = (int(n) for n in found.groups()) if found else (-1, -1, -1)
            total = count(db, "postings")
            good = (verdict == "ok" and rerun.returncode == 0 and committed % 500 == 0 and new == args.postings - committed
                    and unchanged == committed and updated == 0 and total == args.postings and integrity(db) == "ok")
            ok &= good
            print(f"import of {args.postings:,}: killed after {seconds:.1f} s with {committed:,} committed; integrity "
                  f"{verdict}; rerun {again:.1f} s: {new:,} new + {unchanged:,} unchanged = {total:,} stored "
                  f"{'OK' if good else 'WRONG'}")

        source = folder / "extract.jsonl"
        write_postings(source, args.extract_postings)
        batch_env = {**env, "JOBMATCH_BATCH_SIZE": "100"}
        for share in points:
            db = folder / f"extract-{share}.db"
            subprocess.run([*JOBMATCH, "--db", str(db), "import", str(source)], env=batch_env, check=True,
                           capture_output=True)
            seconds, committed = kill_at([*JOBMATCH, "--db", str(db), "extract"], db, "extractions",
                                         max(100, int(args.extract_postings * share)), batch_env)
            verdict = integrity(db)
            started = time.perf_counter()
            rerun = subprocess.run([*JOBMATCH, "--db", str(db), "extract"], env=batch_env, capture_output=True,
                                   text=True)
            again = time.perf_counter() - started
            found = re.search(r"Extracted (\d+) posting", rerun.stderr)
            extracted = int(found.group(1)) if found else -1
            total = count(db, "extractions")
            good = (verdict == "ok" and rerun.returncode == 0 and committed % 100 == 0
                    and extracted == args.extract_postings - committed and total == args.extract_postings)
            ok &= good
            print(f"extract of {args.extract_postings:,}: killed after {seconds:.1f} s with {committed:,} committed; "
                  f"integrity {verdict}; rerun {again:.1f} s extracted {extracted:,}, {total:,} stored "
                  f"{'OK' if good else 'WRONG'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
