"""How well `jobmatch rank` orders real postings for six job seekers, against two simple baselines.

The judged set lives in benchmarks/judged/: six personas (profiles), the 180 posting ids of the
pool, two independent readers' grades (0-3, RUBRIC.md) and each persona's learn-next list. The
posting texts are the real 2025 Ashby postings, read from the shared data folder when this runs
(``--data``, default ``../shared/data/ashby-2025/postings.jsonl.gz`` beside the checkout); nothing
from them is stored in the project.

For each persona the pool is ranked three ways:

- jobmatch: the postings imported into a fresh store and ranked with `jobmatch rank --format json`;
- raw-text TF-IDF: scikit-learn's TfidfVectorizer over the raw posting text (title and description;
  jobmatch.matcher.baselines, so scikit-learn stays in matcher/), cosine against the profile's skill names;
- keyword share: the share of a posting's distinct words that appear in the profile's skill names.

NDCG@10 (gain 2^grade - 1) and P@10 (grade >= 2 counts as relevant) are reported per persona and on
average, on the whole pool and on its two halves by company (dev: tune on it; held-out: do not).
With ``--gaps`` it also scores `jobmatch gaps`: overlap@5 with the persona's learn-next list and the
number of non-learnable items in the top 5.

    python benchmarks/ranking_quality.py [--data PATH] [--gaps] [--format table|json]
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).parent / "judged"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ashby-2025" / "postings.jsonl.gz"
WORD = re.compile(r"[a-z0-9+#.]+")


def split_of(company: str) -> str:
    return "dev" if int(hashlib.sha256(company.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def consensus_grades() -> dict[str, dict[str, int]]:
    """persona -> posting id -> grade: the two readers' mean rounded half up where both graded."""
    grades: dict[tuple[str, str], list[int]] = {}
    for path in sorted((HERE / "grades").glob("judge-*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                grades.setdefault((row["persona"], row["posting_id"]), []).append(int(row["grade"]))
    result: dict[str, dict[str, int]] = {}
    for (persona, posting), values in grades.items():
        result.setdefault(persona, {})[posting] = math.floor(sum(values) / len(values) + 0.5)
    return result


def read_pool(data: Path) -> list[dict]:
    wanted = (HERE / "pool.txt").read_text(encoding="utf-8").split()
    rows = {}
    with gzip.open(data, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["id"] in wanted:
                rows[row["id"]] = row
    return [rows[i] for i in wanted if i in rows]


def as_import_row(row: dict) -> dict:
    locations = [row["location"]] if row.get("location") not in (None, "None", "") else []
    try:
        extra = ast.literal_eval(row.get("secondary_locations") or "[]")
    except (ValueError, SyntaxError):
        extra = []
    extra = extra if isinstance(extra, list) else []
    locations += [place for place in extra if isinstance(place, str)]
    remote = {"True": True, "False": False}.get(str(row.get("is_remote")))
    return {"id": row["id"], "source": "ashby", "url": row["url"], "title": row["title"],
            "company": row["company_slug"], "locations": locations, "remote": remote,
            "employment_type": row.get("employment_type"), "posted_at": row.get("published_at"),
            "description": row["description"]}


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    def dcg(values: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))
    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(p, 0) for p in ranked]) / ideal if ideal else 0.0


def precision_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    return sum(grades.get(p, 0) >= 2 for p in ranked[:k]) / k


def profile_names(profile_path: Path) -> list[str]:
    data = yaml.safe_load(profile_path.read_text(encoding="utf-8"))
    skills = data.get("skills") or []
    return list(skills) if isinstance(skills, list) else list(skills.keys())


def tfidf_baseline(pool: list[dict], names: list[str]) -> list[str]:
    from jobmatch.matcher.baselines import raw_text_similarity

    scores = raw_text_similarity([f"{row['title']}\n{row['description']}" for row in pool], " ".join(names))
    return [row["id"] for _, row in sorted(zip(-scores, pool, strict=True), key=lambda item: (item[0], item[1]["id"]))]


def keyword_baseline(pool: list[dict], names: list[str]) -> list[str]:
    vocabulary = {word for name in names for word in WORD.findall(name.lower())}

    def share(row: dict) -> float:
        words = set(WORD.findall(f"{row['title']} {row['description']}".lower()))
        return len(words & vocabulary) / len(words) if words else 0.0
    return [row["id"] for row in sorted(pool, key=lambda row: (-share(row), row["id"]))]


def jobmatch(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "jobmatch.cli", *args], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"jobmatch {' '.join(args)} failed: {done.stderr.strip().splitlines()[-1:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--gaps", action="store_true", help="also score `jobmatch gaps` against the learn-next lists")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    options = parser.parse_args()
    if not options.data.exists():
        raise SystemExit(f"skipped: the judged postings are read from {options.data}, which is absent")
    pool = read_pool(options.data)
    grades = consensus_grades()
    split = {row["id"]: split_of(row["company_slug"]) for row in pool}
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, JOBMATCH_HOME=home, JOBMATCH_DB=str(Path(home) / "judged.db"))
        postings_file = Path(home) / "pool.jsonl"
        postings_file.write_text("".join(json.dumps(as_import_row(row)) + "\n" for row in pool), encoding="utf-8")
        jobmatch("import", str(postings_file), env=env)
        learn_next = yaml.safe_load((HERE / "learn_next.yaml").read_text(encoding="utf-8")) if options.gaps else {}
        for persona_file in sorted((HERE / "personas").glob("*.yaml")):
            persona = persona_file.stem
            ranked = [row["id"] for row in json.loads(
                jobmatch("rank", str(persona_file), "--top", str(len(pool)), "--format", "json", env=env))]
            names = profile_names(persona_file)
            orders = {"jobmatch": ranked, "tfidf": tfidf_baseline(pool, names), "keywords": keyword_baseline(pool, names)}
            entry: dict = {}
            for part in ("all", "dev", "heldout"):
                judged = {p: g for p, g in grades[persona].items() if part == "all" or split.get(p) == part}
                for method, order in orders.items():
                    order = [p for p in order if part == "all" or split.get(p) == part]
                    entry[f"{part}:{method}"] = {"ndcg10": round(ndcg_at(order, judged), 3),
                                                 "p10": round(precision_at(order, judged), 3)}
            if options.gaps:
                entry["gaps"] = score_gaps(persona_file, learn_next[persona]["learn_next"], env)
            results[persona] = entry
    report(results, options.format)


def score_gaps(persona_file: Path, wanted: list[str], env: dict[str, str]) -> dict:
    data = json.loads(jobmatch("gaps", str(persona_file), "--format", "json", env=env))
    top = data["gaps"][:5]
    from jobmatch.taxonomy.loading import load_taxonomy

    taxonomy = load_taxonomy()
    wanted_ids = {taxonomy.resolve(name) for name in wanted} - {None}
    return {"top5": [gap["id"] for gap in top],
            "overlap5": sum(gap["id"] in wanted_ids for gap in top),
            "not_learnable5": sum(not gap.get("learnable", True) for gap in top)}


def report(results: dict[str, dict], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(results, indent=2))
        return
    methods = ("jobmatch", "tfidf", "keywords")
    for part in ("all", "dev", "heldout"):
        print(f"\n{part}: NDCG@10 (P@10)")
        print(f"{'persona':<18}" + "".join(f"{m:>18}" for m in methods))
        sums = dict.fromkeys(methods, 0.0)
        for persona, entry in results.items():
            cells = [entry[f"{part}:{m}"] for m in methods]
            for m, cell in zip(methods, cells, strict=True):
                sums[m] += cell["ndcg10"]
            print(f"{persona:<18}" + "".join(f"{c['ndcg10']:>10.3f} ({c['p10']:.1f})" for c in cells))
        print(f"{'mean':<18}" + "".join(f"{sums[m] / len(results):>18.3f}" for m in methods))
    if any("gaps" in entry for entry in results.values()):
        print("\ngaps: overlap@5 with the learn-next list, non-learnable items in the top 5")
        for persona, entry in results.items():
            gaps = entry["gaps"]
            print(f"{persona:<18}{gaps['overlap5']:>3} {gaps['not_learnable5']:>3}  {', '.join(gaps['top5'])}")
        mean = sum(e["gaps"]["overlap5"] for e in results.values()) / len(results)
        print(f"{'mean overlap@5':<18}{mean:.2f}")


if __name__ == "__main__":
    main()
