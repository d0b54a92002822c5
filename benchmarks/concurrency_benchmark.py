"""Concurrency: N jobmatch processes of mixed commands started together on a missing store.

    python benchmarks/concurrency_benchmark.py [--processes 10] [--repeat 20] [--postgres URL]

Each round makes a new, missing store (a SQLite file that does not exist yet, or an empty schema
of the PostgreSQL database behind --postgres / JOBMATCH_TEST_POSTGRES_URL) and a new, empty
JOBMATCH_HOME, then starts the processes at once: imports (one file twice), rank, report, extract,
postings list and export, and a crawl of the fixture boards on a local server (127.0.0.1). Real
processes, the real CLI, no mocks. After each round it checks:

  - every process exited 0;
  - SQLite: PRAGMA integrity_check is ok (the store, and the bundled-sample store in the cache);
  - the store holds exactly the postings imported and crawled: none lost, none twice;
  - one migration record per migration, one change-counter row, no extraction without its posting;
  - no temporary file left in the cache, every index cache readable.

Prints the counts and the time per round. tests/test_reliability_concurrency.py runs a smaller
round of the same code (10 processes x 2 rounds).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SERVER = REPO / "tests" / "fixtures" / "boards" / "board_server.py"
PROFILE = REPO / "examples" / "profile.yaml"
SAMPLE = Path(str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl"))
CRAWL_SETTINGS = {  # the server is local: no politeness delays, short timeouts
    "DOWNLOAD_TIMEOUT": "5", "RETRY_TIMES": "1", "JOBMATCH_RETRY_BACKOFF": "0.1", "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
}
SOURCES = """filter: default
sources:
  - {type: greenhouse, board: acme, base_url: "URL"}
  - {type: lever, site: acme, base_url: "URL", company_name: Acme}
  - {type: ashby, board: acme, base_url: "URL"}
  - {type: workable, company: acme, base_url: "URL"}
  - {type: remotive, base_url: "URL"}
  - {type: remoteok, base_url: "URL"}
"""
EXTRA_POSTINGS = 60


def load_board_server():
    if "board_server" in sys.modules:
        return sys.modules["board_server"]
    spec = importlib.util.spec_from_file_location("board_server", SERVER)
    module = importlib.util.module_from_spec(spec)
    sys.modules["board_server"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Inputs:
    folder: Path
    sources: Path
    extra: Path
    import_ids: set[str]
    crawl_ids: set[str] = field(default_factory=set)


def make_inputs(folder: Path, server_url: str, array: bool = True) -> Inputs:
    """The files the processes read: a sources file for the local server, and a JSON array (or,
    with ``array=False``, JSON Lines) of generated postings; the other import is the bundled sample,
    imported twice at once."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = folder / "sources.yaml"
    sources.write_text(SOURCES.replace("URL", server_url), encoding="utf-8")
    extra = folder / ("extra.json" if array else "extra.jsonl")
    records = [{"id": f"bench:{n}", "source": "bench", "title": f"Machine Learning Engineer {n}",
                "company": f"Company {n % 9}", "locations": [f"City {n % 5}"],
                "description": f"Posting {n}. Requirements: Python, PyTorch and SQL; {n % 7 + 1} years of MLOps."}
               for n in range(EXTRA_POSTINGS)]
    extra.write_text(json.dumps(records, indent=1) if array else "".join(json.dumps(r) + "\n" for r in records),
                     encoding="utf-8")
    sample = {json.loads(line)["id"] for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()}
    return Inputs(folder, sources, extra, sample | {record["id"] for record in records})


def crawl_command(sources: Path) -> list[str]:
    options = [item for name, value in CRAWL_SETTINGS.items() for item in ("-s", f"{name}={value}")]
    return ["crawl", "--sources", str(sources), "--format", "json", *options]


def commands(inputs: Inputs, out: Path, processes: int, light: bool = False) -> list[tuple[str, list[str]]]:
    """``processes`` commands, cycling through the mix (one crawl per round: a second would wait
    for none, it would exit 1 on the crawl lock, as designed). ``light`` (the test's round) lists
    postings instead of making a second report, the costliest command, and keeps every kind."""
    mix = [
        ("import sample", ["import", str(SAMPLE)]),
        ("rank", ["rank", str(PROFILE), "--format", "json", "--top", "3"]),
        ("crawl", crawl_command(inputs.sources)),
        ("import array", ["import", str(inputs.extra)]),
        ("report", ["report", str(PROFILE), "--top", "3", "-o", str(out / "report-{n}.html")]),
        ("extract", ["extract"]),
        ("postings list", ["postings", "list", "--format", "json"]),
        ("import sample again", ["import", str(SAMPLE)]),
        ("postings export", ["postings", "export"]),
        ("report json", ["report", str(PROFILE), "--top", "3", "--format", "json", "-o", str(out / "report-{n}.json")]),
    ]
    if light:
        mix[-1] = ("postings list", ["postings", "list", "--format", "json"])
    chosen = [mix[n % len(mix)] for n in range(processes)]
    crawls = [n for n, (label, _) in enumerate(chosen) if label == "crawl"]
    for n in crawls[1:]:
        chosen[n] = ("postings list", ["postings", "list", "--format", "json"])
    return [(label, [part.replace("{n}", str(n)) for part in argv]) for n, (label, argv) in enumerate(chosen)]


@dataclass
class RoundResult:
    seconds: float
    exit_codes: list[int]
    failures: list[str]  # "label: exit N: last stderr line"
    problems: list[str]  # store checks that failed
    postings: int
    extractions: int


def run_round(inputs: Inputs, db: str, home: Path, processes: int, timeout: float = 300,
              light: bool = False) -> RoundResult:
    """Start every command at once on ``db`` (missing) with an empty ``home``; wait; check."""
    home.mkdir(parents=True, exist_ok=True)
    out = home.parent / f"{home.name}-out"
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "JOBMATCH_HOME": str(home)}
    env.pop("JOBMATCH_DB", None)
    plan = commands(inputs, out, processes, light)
    started = time.perf_counter()
    running = []
    for label, argv in plan:
        log = open(out / f"{len(running)}.stderr", "w+", encoding="utf-8")  # noqa: SIM115 - closed below
        process = subprocess.Popen([sys.executable, "-m", "jobmatch.cli", "--db", db, *argv], env=env,
                                   stdout=subprocess.DEVNULL, stderr=log)
        running.append((label, process, log))
    codes, failures = [], []
    for label, process, log in running:
        try:
            code = process.wait(timeout=max(1.0, timeout - (time.perf_counter() - started)))
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
            failures.append(f"{label}: timed out")
        log.seek(0)
        lines = [line for line in log.read().splitlines() if line.strip()]
        log.close()
        codes.append(code)
        if code != 0:
            failures.append(f"{label}: exit {code}: {lines[-1] if lines else '(no output)'}")
    seconds = time.perf_counter() - started
    problems, postings, extractions = check_store(db, inputs)
    problems += check_home(home)
    return RoundResult(seconds, codes, failures, problems, postings, extractions)


def check_store(db: str, inputs: Inputs) -> tuple[list[str], int, int]:
    """Integrity, no posting lost or twice, one row per migration, no orphan extraction."""
    import sqlalchemy as sa

    from jobmatch.crawler import schema

    problems = []
    if "://" not in db:
        with sqlite3.connect(db) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            problems.append(f"integrity_check: {verdict}")
    engine = sa.create_engine(db if "://" in db else f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            ids = [row[0] for row in connection.execute(sa.select(schema.postings.c.id))]
            hashes = [row[0] for row in connection.execute(sa.select(schema.postings.c.content_hash))]
            migrations = [row[0] for row in connection.execute(sa.select(schema.schema_migrations.c.number))]
            counters = connection.scalar(sa.select(sa.func.count()).select_from(schema.store_changes))
            extractions = connection.scalar(sa.select(sa.func.count()).select_from(schema.extractions))
            orphans = connection.scalar(
                sa.select(sa.func.count()).select_from(schema.extractions).where(
                    schema.extractions.c.posting_id.not_in(sa.select(schema.postings.c.id))))
    finally:
        engine.dispose()
    expected = inputs.import_ids | inputs.crawl_ids
    twice = [key for key, count in Counter(ids).items() if count > 1]
    if twice:
        problems.append(f"{len(twice)} posting id(s) stored twice")
    same = sum(count - 1 for count in Counter(hashes).values() if count > 1)
    if same:
        problems.append(f"{same} posting(s) with the content of another")
    lost, extra = expected - set(ids), set(ids) - expected
    if lost:
        problems.append(f"{len(lost)} posting(s) lost, e.g. {sorted(lost)[:3]}")
    if extra:
        problems.append(f"{len(extra)} posting(s) not expected, e.g. {sorted(extra)[:3]}")
    if sorted(migrations) != sorted(number for number, _, _ in schema.MIGRATIONS):
        problems.append(f"schema_migrations holds {sorted(migrations)}")
    if counters != 1:
        problems.append(f"store_changes holds {counters} rows")
    if orphans:
        problems.append(f"{orphans} extraction(s) of no posting")
    return problems, len(ids), int(extractions or 0)


def check_home(home: Path) -> list[str]:
    """The sample store intact, no temp file left behind, each index cache with a readable header."""
    from jobmatch.matcher.index import PostingIndex

    problems = []
    cache = home / "cache"
    sample = cache / "sample.db"
    if sample.exists():
        with sqlite3.connect(sample) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            count, distinct = connection.execute("SELECT count(*), count(DISTINCT content_hash) FROM postings").fetchone()
        if verdict != "ok" or count != distinct or count != 40:
            problems.append(f"sample store: integrity {verdict}, {count} postings, {distinct} distinct")
    leftovers = [path.name for path in cache.glob("*.tmp")] if cache.is_dir() else []
    if leftovers:
        problems.append(f"temporary files left in the cache: {leftovers}")
    for path in cache.glob("index-*.pickle") if cache.is_dir() else []:
        if PostingIndex.read_header(path) is None:
            problems.append(f"unreadable index cache {path.name}")
    return problems


def reference_crawl_ids(inputs: Inputs) -> set[str]:
    """The ids a crawl of the fixture boards stores, from one crawl into a store of its own."""
    db = inputs.folder / "reference.db"
    env = {**os.environ, "JOBMATCH_HOME": str(inputs.folder / "reference-home")}
    result = subprocess.run([sys.executable, "-m", "jobmatch.cli", "--db", str(db), *crawl_command(inputs.sources)],
                            capture_output=True, text=True, env=env, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"the reference crawl failed: {result.stderr.strip()[-500:]}")
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("SELECT id FROM postings")}


class PostgresSchemas:
    """A fresh, empty schema per round in the database behind ``url`` (the store's tables go there
    through the connection's search_path), dropped afterwards."""

    def __init__(self, url: str):
        import sqlalchemy as sa

        self.url = url
        self.engine = sa.create_engine(url)
        self.made: list[str] = []

    def new(self) -> str:
        import sqlalchemy as sa

        name = f"jobmatch_concurrency_{uuid.uuid4().hex[:10]}"
        with self.engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        self.made.append(name)
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}options=-csearch_path%3D{name}"

    def drop_all(self) -> None:
        import sqlalchemy as sa

        with self.engine.begin() as connection:
            for name in self.made:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        self.made = []
        self.engine.dispose()


def run(processes: int, repeat: int, postgres: str | None, folder: Path, log=print,
        array: bool = True) -> dict[str, list[RoundResult]]:
    board_server = load_board_server()
    results: dict[str, list[RoundResult]] = {}
    with board_server.BoardServer(board_server.fixture_routes()) as server:
        inputs = make_inputs(folder / "inputs", server.url, array)
        inputs.crawl_ids = reference_crawl_ids(inputs)
        targets = ["sqlite"] + (["postgresql"] if postgres else [])
        for target in targets:
            schemas = PostgresSchemas(postgres) if target == "postgresql" else None
            rounds = results.setdefault(target, [])
            try:
                for number in range(repeat):
                    db = schemas.new() if schemas else str(folder / target / f"round-{number}" / "store.db")
                    if not schemas:
                        Path(db).parent.mkdir(parents=True, exist_ok=True)
                    outcome = run_round(inputs, db, folder / target / f"home-{number}", processes)
                    rounds.append(outcome)
                    log(f"{target} round {number + 1}/{repeat}: {outcome.exit_codes.count(0)}/{processes} exit 0, "
                        f"{outcome.postings} postings, {outcome.extractions} extractions, {outcome.seconds:.1f} s"
                        + "".join(f"\n  FAILED {line}" for line in outcome.failures)
                        + "".join(f"\n  PROBLEM {line}" for line in outcome.problems))
            finally:
                if schemas:
                    schemas.drop_all()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("JOBMATCH_TEST_POSTGRES_URL"),
                        help="a PostgreSQL URL whose database may hold scratch schemas (default: "
                             "JOBMATCH_TEST_POSTGRES_URL); without one only SQLite is measured")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jobmatch-concurrency-") as folder:
        results = run(args.processes, args.repeat, args.postgres, Path(folder))
    print()
    for target, rounds in results.items():
        runs = sum(len(r.exit_codes) for r in rounds)
        ok = sum(r.exit_codes.count(0) for r in rounds)
        clean = sum(1 for r in rounds if not r.problems)
        seconds = sorted(r.seconds for r in rounds)
        print(f"{target}: {len(rounds)} rounds x {args.processes} processes: {ok}/{runs} processes exited 0; "
              f"{clean}/{len(rounds)} rounds with the store intact and every posting once "
              f"({rounds[0].postings if rounds else 0} postings); round time median {seconds[len(seconds) // 2]:.1f} s, "
              f"max {seconds[-1]:.1f} s")


if __name__ == "__main__":
    main()
