"""Many profiles against one large store: `rank_many` in-process, `rank --profiles` through the CLI,
and the alternative of one `jobmatch rank` process per profile.

    python benchmarks/batch_rank_benchmark.py --postings 100000 --profiles 1000 [--keep DIR] [--repeat 3]

Builds (or reuses, with --keep) the synthetic store of benchmarks/rank_benchmark.py (its
``build_store``), writes ``--profiles`` varied synthetic profiles (YAML as in examples/: skills drawn
with the store's skill popularity, with years or levels; targets, education, years of experience,
locations, remote, salary, titles and excluded companies), then measures, each in a fresh process:

(a) ``rank_many`` on the loaded index (wall time of the call alone, and the process's peak RSS
    before and after it), with and without each Ranking's ``scores`` (keep_scores, when the
    code has it), and for comparison a single Matcher: the first on the index (it also builds
    what every profile shares) and the next ones;
(b) ``jobmatch --db STORE rank --profiles DIR --out OUT --top 20`` end to end (wall, peak RSS);
(c) ``--single`` separate ``jobmatch rank PROFILE --format json --top 20`` processes, scaled to
    ``--profiles`` (an estimate of ranking every profile in its own process).

Every subprocess runs with JOBMATCH_HOME in the benchmark's folder, so the user's cache is never
touched. Timings on a shared machine are noisy: each figure is measured ``--repeat`` times and
reported as best and median.

Measured on this 2-core machine, shared with other work (best / median of 3; before: the loop over
Matcher that rank_many was, and the CLI of that time, measured once):

    before                                           after
    a Matcher + rank(20), first / next: 0.42 / 0.13 s     0.26 / 0.026 s
    rank_many, 1,000 x 100k: 140.7 s (134 s), 1.27 GB     17.6 / 18.3 s, 1.13 GB (370 MB, keep_scores=False)
    rank --profiles, 1,000: 137 s, 1.26 GB                27.5 / 29.1 s, 1.15 GB; written as each is ready
                                                          (rank_each, no scores kept): 24.2 / 24.6 s, 332 MB
    1,000 `rank PROFILE` processes: ~1,430 s (1.43 s each)   ~1,540 / 1,620 s (1.54 / 1.62 s each, 291 MB)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rank_benchmark import CHILD, build_store  # noqa: E402  (the sibling benchmark's store and runner)

from jobmatch.taxonomy.loading import load_taxonomy  # noqa: E402

TOP = 20
TARGETS = ["ml_engineer", "ai_engineer", "data_scientist", "research_scientist", "mlops", "data_engineer",
           "data_analyst", "software_engineer"]
PLACES = ["Berlin", "London", "Remote", "New York", "Toronto", "Munich", "Paris", "Remote - EU",
          "San Francisco", "Germany", "United Kingdom", "Canada", "Amsterdam"]
TITLES = ["Machine Learning Engineer", "Junior Machine Learning Engineer", "Data Scientist", "MLOps Engineer",
          "Senior Machine Learning Engineer", "Data Engineer", "AI Engineer", "Research Scientist"]
LEVELS = ["beginner", "intermediate", "advanced", "expert"]

# In a fresh process: load the cached index, read the profiles, time a few single Matchers and then
# rank_many over all of them; print one JSON line of figures (peak RSS in KB from getrusage).
INPROCESS = """
import inspect, json, os, resource, sys, time
from pathlib import Path
from jobmatch.matcher.batch import rank_many
from jobmatch.matcher.index import PostingIndex
from jobmatch.matcher.places import set_gazetteer_cache
from jobmatch.matcher.profile import load_profile
from jobmatch.matcher.ranking import Matcher
from jobmatch.taxonomy.loading import load_taxonomy

profiles_dir, top, singles, keep_scores = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
cache = Path(os.environ["JOBMATCH_HOME"]) / "cache"  # the CLI's cache folder (cli.common.cache_dir)
set_gazetteer_cache(cache)
taxonomy = load_taxonomy(None, str(cache))
path = max(cache.rglob("index-*.pickle"), key=lambda p: p.stat().st_mtime)  # cached by the warm-up run
index = PostingIndex.load(path, PostingIndex.read_header(path)["key"])
started = time.perf_counter()
profiles = [load_profile(str(p), taxonomy) for p in sorted(profiles_dir.glob("*.yaml"))]
loading = time.perf_counter() - started
loaded_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
times = []
for profile in profiles[:singles]:  # the first also builds what every profile shares
    started = time.perf_counter()
    Matcher(index, taxonomy, profile).rank(top)
    times.append(time.perf_counter() - started)
single_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
options = {"keep_scores": keep_scores} if "keep_scores" in inspect.signature(rank_many).parameters else {}
started = time.perf_counter()
rankings = rank_many(index, taxonomy, profiles, top=top, **options)
elapsed = time.perf_counter() - started
print(json.dumps({"postings": len(index), "profiles": len(rankings), "first": times[0],
                  "warm": sorted(times[1:])[len(times[1:]) // 2] if len(times) > 1 else times[0],
                  "batch": elapsed, "loading": loading, "loaded_rss": loaded_rss, "single_rss": single_rss,
                  "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def write_profiles(folder: Path, count: int, seed: int = 11) -> None:
    """``count`` varied profiles: skills weighted like the store's (build_store's popularity order)."""
    taxonomy = load_taxonomy()
    skills = sorted(taxonomy.skills)
    random.Random(7).shuffle(skills)  # build_store's order: the first are the most asked for
    skills = [s for s in skills if not taxonomy.skills[s].degree_level]
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(skills))]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        chosen = sorted(set(rng.choices(skills, weights=weights, k=rng.randint(5, 35))))
        entries: dict[str, object] = {}
        for skill_id in chosen:
            label = taxonomy.skills[skill_id].label
            kind = rng.random()
            if kind < 0.45:
                entries[label] = rng.choice([0.5, 1, 2, 3, 4, 6, 10])
            elif kind < 0.65:
                entries[label] = {"years": rng.choice([1, 2, 5]), "level": rng.choice(LEVELS)}
            elif kind < 0.8:
                entries[label] = rng.choice(LEVELS)
            else:
                entries[label] = None
        profile: dict[str, object] = {"name": f"Person {number}", "skills": entries}
        if rng.random() < 0.7:
            profile["targets"] = rng.sample(TARGETS, rng.randint(1, 3))
        if rng.random() < 0.8:
            profile["education"] = rng.choice(["none", "bachelor", "master", "phd"])
        if rng.random() < 0.85:
            profile["years_experience"] = rng.choice([0, 0.5, 1, 2, 3, 4, 5, 7, 10, 15])
        preferences: dict[str, object] = {}
        if rng.random() < 0.75:
            preferences["locations"] = rng.sample(PLACES, rng.randint(1, 3))
        if rng.random() < 0.6:
            preferences["remote"] = rng.random() < 0.7
        if rng.random() < 0.4:
            preferences["min_salary"] = rng.choice([40000, 60000, 80000, 120000])
            preferences["min_salary_currency"] = rng.choice(["EUR", "USD", "GBP"])
        if rng.random() < 0.4:
            preferences["titles"] = rng.sample(TITLES, rng.randint(1, 2))
        if rng.random() < 0.2:
            preferences["exclude_companies"] = [f"Company {rng.randrange(5000)}" for _ in range(rng.randint(1, 3))]
        if preferences:
            profile["preferences"] = preferences
        (folder / f"profile-{number:04d}.yaml").write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")


def cli_run(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `jobmatch ...` process (CHILD reports its own ru_maxrss)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"jobmatch {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024


def in_process(env: dict[str, str], profiles: Path, singles: int, keep_scores: bool = True) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", INPROCESS, str(profiles), str(TOP), str(max(2, singles)),
                           "1" if keep_scores else "0"], env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    return f"best {min(values):.{digits}f} {unit}, median {statistics.median(values):.{digits}f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="Folder to keep (and reuse) the store and profiles in.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each measurement.")
    parser.add_argument("--singles", type=int, default=10,
                        help="Single-profile runs: Matchers timed in-process, and separate `rank` processes.")
    parser.add_argument("--skip", choices=["inprocess", "cli", "processes"], action="append", default=[])
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="jobmatch-batch-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"store-{args.postings}.db"
    if not db.exists():
        started = time.perf_counter()
        build_store(db, args.postings)
        print(f"built a store of {args.postings:,} postings in {time.perf_counter() - started:.0f} s")
    profiles = folder / f"profiles-{args.profiles}"
    if not profiles.exists():
        write_profiles(profiles, args.profiles)
    paths = sorted(profiles.glob("*.yaml"))
    home = folder / "home"
    env = dict(os.environ, JOBMATCH_HOME=str(home))
    env.pop("JOBMATCH_DB", None)
    warm, _ = cli_run(env, "--db", str(db), "rank", str(paths[0]), "--format", "json", "--top", str(TOP))
    print(f"warm-up (fills or checks the index cache): {warm:.1f} s", file=sys.stderr)
    assert any((home / "cache").rglob("index-*.pickle")), "the warm-up run cached no index"

    rows: list[tuple[str, str, str]] = []
    if "inprocess" not in args.skip:
        runs = [in_process(env, profiles, args.singles) for _ in range(args.repeat)]
        light = [in_process(env, profiles, args.singles, keep_scores=False) for _ in range(args.repeat)]
        postings = f"{runs[0]['postings']:,}"
        rows.append((f"load {args.profiles:,} profile files (YAML)", spread([r["loading"] for r in runs], "s"), ""))
        rows.append((f"first Matcher + rank({TOP}) on a loaded index", spread([r["first"] for r in runs], "s", 3),
                     f"{max(r['single_rss'] for r in runs) / 1024:.0f} MB"))
        rows.append((f"next Matcher + rank({TOP}) (median of {max(2, args.singles) - 1})",
                     spread([r["warm"] for r in runs], "s", 3), ""))
        rows.append((f"rank_many, {args.profiles:,} profiles x {postings} postings", spread([r["batch"] for r in runs], "s"),
                     f"{max(r['peak_rss'] for r in runs) / 1024:.0f} MB "
                     f"(index and profiles loaded: {max(r['loaded_rss'] for r in runs) / 1024:.0f} MB)"))
        rows.append(("  = per profile", spread([r["batch"] / args.profiles * 1000 for r in runs], "ms", 1), ""))
        rows.append(("rank_many(..., keep_scores=False)", spread([r["batch"] for r in light], "s"),
                     f"{max(r['peak_rss'] for r in light) / 1024:.0f} MB"))
    if "cli" not in args.skip:
        figures = []
        for number in range(args.repeat):
            out = folder / f"out-{number}"
            figures.append(cli_run(env, "--db", str(db), "rank", "--profiles", str(profiles), "--out", str(out),
                                   "--top", str(TOP)))
            written = len(list(out.glob("*.json")))
            if written != len(paths):
                raise SystemExit(f"rank --profiles wrote {written} results for {len(paths)} profiles")
        rows.append((f"jobmatch rank --profiles ({args.profiles:,} profiles), one process",
                     spread([f[0] for f in figures], "s"), f"{max(f[1] for f in figures):.0f} MB"))
    if "processes" not in args.skip:
        sample = paths[:: max(1, len(paths) // args.singles)][:args.singles]
        times, peaks = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            for path in sample:
                _, peak = cli_run(env, "--db", str(db), "rank", str(path), "--format", "json", "--top", str(TOP))
                peaks.append(peak)
            times.append((time.perf_counter() - started) / len(sample))
        rows.append((f"jobmatch rank PROFILE, one process each (mean of {len(sample)})", spread(times, "s"),
                     f"{max(peaks):.0f} MB each"))
        rows.append((f"  x {args.profiles:,} profiles (estimate)",
                     spread([t * args.profiles for t in times], "s", 0), ""))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measurement':<{width}}  {'wall time':<36} peak RSS")
    for label, wall, memory in rows:
        print(f"{label:<{width}}  {wall:<36} {memory}")


if __name__ == "__main__":
    main()
