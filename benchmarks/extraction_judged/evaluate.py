"""Extraction measured against 30 real 2025 ML postings judged skill by skill (gold.yaml).

gold.yaml was written by reading each posting: every skill it asks of the candidate with its
level, the "any of" groups, the education and years asked, and the skills its title names. This
script runs the project's extractor on the same postings (read from the shared data folder when
it runs) and reports, for the dev half (postings 1-15, which rules may be tuned on) and the
held-out half (16-30):

- precision: reported skills (degrees aside) that the gold list holds;
- recall: gold skills the extractor reported (a gold skill the taxonomy cannot name is a miss);
- level accuracy: matched skills whose level (required / preferred / unspecified) agrees;
- education: postings whose required degree level agrees; years: overall years agree.

    python benchmarks/extraction_judged/evaluate.py [--data PATH] [--misses]
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

import yaml

from jobmatch.taxonomy.extraction import SkillExtractor
from jobmatch.taxonomy.loading import load_taxonomy

HERE = Path(__file__).parent
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ashby-2025" / "postings.jsonl.gz"


def resolve(taxonomy, name: str) -> str | None:
    for candidate in (name, name.rstrip("s"), name.replace("-", " ")):
        skill_id = taxonomy.resolve(candidate)
        if skill_id:
            return skill_id
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--misses", action="store_true", help="list false positives and misses per posting")
    options = parser.parse_args()
    if not options.data.exists():
        raise SystemExit(f"skipped: the judged postings are read from {options.data}, which is absent")
    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))["postings"]
    wanted = {entry["id"] for entry in gold}
    texts = {}
    with gzip.open(options.data, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["id"] in wanted:
                texts[row["id"]] = row
    taxonomy = load_taxonomy()
    extractor = SkillExtractor(taxonomy)
    counts = {part: Counter() for part in ("dev", "heldout")}
    unresolved: Counter[str] = Counter()
    false_positives: Counter[str] = Counter()
    for number, entry in enumerate(gold, 1):
        part = "dev" if number <= 15 else "heldout"
        row = texts[entry["id"]]
        result = extractor.extract(row["description"], title=row["title"])
        # Skills only the title names are scored apart (gold lists them as title_skills).
        reported = {s.id: s for s in result.skills if not taxonomy.skills[s.id].degree_level and s.spans}
        gold_skills: dict[str, str] = {}
        missing_names = []
        for item in entry.get("skills") or []:
            skill_id = resolve(taxonomy, item["name"])
            if skill_id is None:
                unresolved[item["name"].lower()] += 1
                missing_names.append(item["name"])
            elif skill_id not in gold_skills:
                gold_skills[skill_id] = item.get("level", "unspecified")
        c = counts[part]
        c["gold"] += len(gold_skills) + len(missing_names)
        c["reported"] += len(reported)
        hits = [skill_id for skill_id in reported if skill_id in gold_skills]
        c["correct"] += len(hits)
        c["level_right"] += sum(reported[s].requirement == gold_skills[s] for s in hits)
        education = entry.get("education") or {}
        c["postings"] += 1
        c["education_right"] += (result.education_required or "none") == (education.get("required") or "none")
        c["years_right"] += result.years_experience == entry.get("years_experience")
        fps = sorted(set(reported) - set(gold_skills))
        false_positives.update(fps)
        if options.misses:
            print(f"\n#{number} {row['title']}  education {result.education_detail()} vs {education}; "
                  f"years {result.years_experience} vs {entry.get('years_experience')}")
            print("  false positives:", ", ".join(fps))
            print("  missed (in taxonomy):", ", ".join(sorted(set(gold_skills) - set(reported))))
            print("  missed (taxonomy lacks):", ", ".join(missing_names))
            print("  level wrong:", ", ".join(f"{s} {reported[s].requirement}!={gold_skills[s]}"
                                              for s in hits if reported[s].requirement != gold_skills[s]))
    print(f"{'half':<9}{'precision':>10}{'recall':>8}{'level':>7}{'education':>11}{'years':>7}")
    for part, c in counts.items():
        print(f"{part:<9}{c['correct'] / max(1, c['reported']):>10.3f}{c['correct'] / max(1, c['gold']):>8.3f}"
              f"{c['level_right'] / max(1, c['correct']):>7.3f}{c['education_right']:>8}/{c['postings']:<2}"
              f"{c['years_right']:>5}/{c['postings']}")
    if options.misses:
        print("\nmost common gold names the taxonomy lacks:", unresolved.most_common(40))
        print("most common false positives:", false_positives.most_common(30))


if __name__ == "__main__":
    main()
