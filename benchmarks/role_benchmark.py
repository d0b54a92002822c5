"""Role benchmark: how well ``jobmatch.matcher.roles`` reads real 2025 titles, and how fast.

    python benchmarks/role_benchmark.py [--data PATH] [--show-held-out]

Reads the Ashby 2025 postings (gzip JSON lines with title, department, team, description) from
``../shared/data/ashby-2025/postings.jsonl.gz`` beside the repository, or ``--data``, or
``$JOBMATCH_ASHBY_POSTINGS``; exits 0 with a message when they are absent (nothing is copied into
the project). Reports:

- accuracy of family and seniority against ``benchmarks/judged/role_labels.csv``: 150 titles
  labelled by reading, before the classifier was written (90 drawn uniformly, 60 from titles with
  a data/ML/AI word, so the ML families are not a handful), split by position into 75 dev (even
  rows, the ones tuned on; their errors are listed) and 75 held-out (odd rows, counted only);
- a weak check against the board's own department field (sales departments should be
  non_technical, engineering ones technical, and so on), on every posting;
- how many real postings ``looks_like_not_a_job`` would drop (it must be none);
- titles per second, and the family and seniority distribution.

``--sample`` prints the deterministic sample the labels were written for (random.Random(12)).
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
import os
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "ashby-2025" / "postings.jsonl.gz"
LABELS = REPO / "benchmarks" / "judged" / "role_labels.csv"
SAMPLE_SEED = 12
UNIFORM, STRATUM = 90, 60
ML_WORDS = re.compile(r"\b(data|ml|machine|ai|learning|research|scien\w*|model\w*|llm|analyt\w*|mlops|nlp|"
                      r"vision|genai|inference|intelligence)\b", re.I)

# Department words -> the coarse group its postings should fall in (a weak signal: boards file a
# recruiter under "Engineering" now and then).
DEPARTMENT_GROUPS = [
    (re.compile(r"\b(sales|marketing|revenue|gtm|go to market|finance|accounting|legal|people|talent|"
                r"recruit\w*|hr|human resources|customer success|support|operations|partnerships?|growth|"
                r"business development|translators?|linguists?|annotation)\b", re.I), "non_technical"),
    (re.compile(r"\b(machine learning|ml|ai|research|applied ai|modell?ing)\b", re.I), "ml"),
    (re.compile(r"\b(data|analytics)\b", re.I), "data"),
    (re.compile(r"\b(engineering|technology|software|platform|infrastructure|r&d|product engineering)\b", re.I),
     "technical"),
]
GROUP_OF_FAMILY = {
    "ml_engineer": {"ml", "technical", "data"}, "ai_engineer": {"ml", "technical"},
    "research_scientist": {"ml", "technical", "data"}, "mlops": {"ml", "technical"},
    "data_scientist": {"data", "ml", "technical"}, "data_engineer": {"data", "technical"},
    "data_analyst": {"data", "technical"}, "software_engineer": {"technical", "ml", "data"},
    "other_technical": {"technical"}, "non_technical": {"non_technical"},
}


def load_postings(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return sorted(rows, key=lambda r: r["id"])


def sample(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    rng = random.Random(SAMPLE_SEED)
    uniform = rng.sample(rows, UNIFORM)
    taken = {r["id"] for r in uniform}
    stratum = [r for r in rows if ML_WORDS.search(r["title"]) and r["id"] not in taken]
    return uniform + rng.sample(stratum, STRATUM)


def read_labels() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("JOBMATCH_ASHBY_POSTINGS", DEFAULT_DATA)))
    parser.add_argument("--show-held-out", action="store_true", help="also list the held-out errors")
    parser.add_argument("--sample", action="store_true", help="print the labelled sample and stop")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"role benchmark skipped: no postings at {args.data} (the Ashby 2025 set lives beside the repo "
              "in ../shared/data/ashby-2025/; pass --data)")
        return 0
    from jobmatch.matcher.roles import classify_role, looks_like_not_a_job

    rows = load_postings(args.data)
    by_id = {r["id"]: r for r in rows}
    if args.sample:
        for i, r in enumerate(sample(rows)):
            print(i, r["id"], "|", r["title"], "|", r["department"], "|", r["team"])
        return 0

    labels = read_labels()
    drawn = [r["id"] for r in sample(rows)]
    if [label["posting_id"] for label in labels] != drawn:
        print("warning: role_labels.csv is not the sample drawn from this data file", file=sys.stderr)
    splits = {"dev": labels[0::2], "held-out": labels[1::2]}
    print(f"Role benchmark on {args.data.name}: {len(rows)} postings, {len(labels)} labelled titles\n")
    print("| split | titles | family accuracy | seniority accuracy | both |")
    print("|---|---|---|---|---|")
    errors: dict[str, list[str]] = {}
    for name, part in splits.items():
        family_ok = seniority_ok = both = 0
        errors[name] = []
        for label in part:
            posting = by_id.get(label["posting_id"], {"title": label["title"]})
            guess = classify_role(posting["title"])
            f_ok = guess.family == label["family"]
            s_ok = (guess.seniority or "") == label["seniority"]
            family_ok += f_ok
            seniority_ok += s_ok
            both += f_ok and s_ok
            if not (f_ok and s_ok):
                errors[name].append(f"  {label['title'][:70]!r}: got {guess.family}/{guess.seniority or '-'}, "
                                    f"labelled {label['family']}/{label['seniority'] or '-'}  ({guess.evidence})")
        n = len(part)
        print(f"| {name} | {n} | {family_ok / n:.3f} ({family_ok}/{n}) | {seniority_ok / n:.3f} ({seniority_ok}/{n}) "
              f"| {both / n:.3f} |")
    ml = [label for label in labels if label["family"] not in ("non_technical", "other_technical",
                                                                 "software_engineer")]
    ml_ok = sum(classify_role(by_id.get(x["posting_id"], x)["title"]).family == x["family"] for x in ml)
    print(f"\nML and data families only (both splits): {ml_ok}/{len(ml)} = {ml_ok / len(ml):.3f}")
    print(f"\nDev errors ({len(errors['dev'])}):")
    print("\n".join(errors["dev"]) or "  none")
    if args.show_held_out:
        print(f"\nHeld-out errors ({len(errors['held-out'])}):")
        print("\n".join(errors["held-out"]) or "  none")

    start = time.perf_counter()
    guesses = [classify_role(r["title"]) for r in rows]
    elapsed = time.perf_counter() - start
    print(f"\nAll {len(rows)} titles classified in {elapsed:.2f} s ({len(rows) / elapsed:,.0f} titles/s)")
    print("families:", dict(collections.Counter(g.family for g in guesses).most_common()))
    print("seniority:", dict(collections.Counter(g.seniority or "-" for g in guesses).most_common()))

    agree = total = 0
    disagreements: collections.Counter[str] = collections.Counter()
    for row, guess in zip(rows, guesses, strict=True):
        department = f"{row.get('department') or ''} {row.get('team') or ''}"
        group = next((g for pattern, g in DEPARTMENT_GROUPS if pattern.search(department)), None)
        if group is None:
            continue
        total += 1
        if group in GROUP_OF_FAMILY[guess.family]:
            agree += 1
        else:
            disagreements[f"{group} dept -> {guess.family}"] += 1
    print(f"\nDepartment check (weak signal): {agree}/{total} = {agree / max(total, 1):.3f} of postings with a "
          "recognisable department agree with the family")
    print("  most common disagreements:", dict(disagreements.most_common(6)))

    start = time.perf_counter()
    dropped = [(r["title"], reason) for r in rows
               if (reason := looks_like_not_a_job(r["title"], r.get("description") or "", 5)) is not None]
    dropped_no_skills = [(r["title"], reason) for r in rows
                         if (reason := looks_like_not_a_job(r["title"], r.get("description") or "", 0)) is not None]
    elapsed = time.perf_counter() - start
    print(f"\nNot-a-job check on {len(rows)} real postings ({elapsed:.2f} s for both runs): "
          f"{len(dropped)} flagged with 5 asked skills, {len(dropped_no_skills)} with none (each should be 0)")
    for title, reason in (dropped_no_skills or dropped)[:10]:
        print(f"  {title!r}: {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
