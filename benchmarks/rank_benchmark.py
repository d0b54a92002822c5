"""`jobmatch rank` end to end over a large store: wall time and peak memory.

    python benchmarks/rank_benchmark.py --postings 100000 [--keep DIR]

Builds a SQLite store of N synthetic postings with extracted skills (skills drawn from the bundled
taxonomy with a long-tailed popularity, 6-20 per posting, mixed requirement levels), then runs
`jobmatch rank examples/profile.yaml --format json` as a separate process three times: cold (the
skill matrix is built from the store and cached), then warm twice (the cache is read), then
`gaps` and `plan` warm. Prints the wall time and that process's own peak RSS for each run.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jobmatch.crawler.posting import Posting
from jobmatch.crawler.store import Store
from jobmatch.taxonomy.loading import load_taxonomy
from jobmatch.taxonomy.versions import extraction_key

REPO = Path(__file__).resolve().parents[1]
LEVELS = ["required", "required", "preferred", "unspecified"]


def build_store(path: Path, count: int, seed: int = 7) -> None:
    taxonomy = load_taxonomy()
    rng = random.Random(seed)
    skills = sorted(taxonomy.skills)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(skills))]
    rng.shuffle(skills)
    store = Store(str(path))
    chunk = 20_000
    for start in range(0, count, chunk):
        postings, results = [], []
        for number in range(start, min(count, start + chunk)):
            posting = Posting(title=f"Machine Learning Engineer {number}", company=f"Company {number % 5000}",
                              description=f"Synthetic posting {number}.", source="bench", source_id=str(number),
                              locations=[rng.choice(["Berlin", "London", "Remote", "New York", "Toronto"])],
                              remote=rng.random() < 0.4)
            chosen = set(rng.choices(skills, weights=weights, k=rng.randint(6, 20)))
            result = {"skills": [{"id": s, "requirement": rng.choice(LEVELS),
                                  "years": rng.choice([None, None, 2, 3, 5]), "spans": []} for s in sorted(chosen)],
                      "education": rng.choice([None, "bachelor", "master", "phd"]),
                      "education_or_equivalent": rng.random() < 0.5,
                      "years_experience": rng.choice([None, 1, 2, 3, 5, 8]), "seniority": None}
            postings.append(posting)
            results.append((posting, result))
        store.upsert_postings(postings)
        store.save_extractions(extraction_key(taxonomy), results)
        print(f"  stored {min(count, start + chunk):,} postings", file=sys.stderr)
    store.close()


# Runs the CLI, then reports its own peak memory (KB) on the last line of stderr.
CHILD = """
import resource, runpy, sys
sys.argv = ["jobmatch", *sys.argv[1:]]
try:
    runpy.run_module("jobmatch.cli", run_name="__main__")
except SystemExit as done:
    if done.code:
        raise
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def run_rank(db: Path, home: Path, command: str = "rank") -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `jobmatch rank` (or gaps, plan) process."""
    env = dict(os.environ, JOBMATCH_HOME=str(home))
    extra = ["--top", "20"] if command == "rank" else []
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "--db", str(db), command, str(REPO / "examples/profile.yaml"),
                           "--format", "json", *extra], check=True, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Folder to keep (and reuse) the store in.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="jobmatch-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"store-{args.postings}.db"
    if not db.exists():
        started = time.perf_counter()
        build_store(db, args.postings)
        print(f"built a store of {args.postings:,} postings in {time.perf_counter() - started:.0f} s "
              f"({db.stat().st_size / 2**20:.0f} MB)")
    home = folder / "home"
    for cache in (home / "cache").glob("index-*.pickle"):
        cache.unlink()
    for label in ("cold (builds the cache)", "warm", "warm"):
        elapsed, peak = run_rank(db, home)
        print(f"rank over {args.postings:,} postings, {label}: {elapsed:.2f} s wall, peak RSS {peak:.0f} MB")
    for command in ("gaps", "plan"):
        elapsed, peak = run_rank(db, home, command)
        print(f"{command} over {args.postings:,} postings, warm: {elapsed:.2f} s wall, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
