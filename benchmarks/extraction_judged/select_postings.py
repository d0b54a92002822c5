"""Choose the real ML postings of the hand-judged extraction set from the 2025 Ashby postings.

Deterministic: ML / AI / data-science titles ordered by a hash of their id, outside the judged
ranking pool, one per company, the first 30. Postings 1-15 are the dev half (rules are tuned on
them), 16-30 the held-out half (measured, never tuned on).

    python benchmarks/extraction_judged/select_postings.py PATH/TO/postings.jsonl.gz
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

ML_TITLE = re.compile(r"\b(machine learning|ml|mlops|ai|data scien\w*|research (engineer|scientist)|"
                      r"applied scientist|deep learning|computer vision|nlp|llm|perception)\b", re.I)
COUNT = 30


def select(rows: list[dict], excluded: set[str]) -> list[str]:
    companies: set[str] = set()
    chosen: list[str] = []
    for row in sorted(rows, key=lambda r: hashlib.sha256(("extraction:" + r["id"]).encode()).hexdigest()):
        if (row["id"] in excluded or row["company_slug"] in companies or not ML_TITLE.search(row["title"])
                or len(row.get("description") or "") < 800):
            continue
        chosen.append(row["id"])
        companies.add(row["company_slug"])
        if len(chosen) == COUNT:
            break
    return chosen


def main(path: str) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    here = Path(__file__).parent
    pool = set((here.parent / "judged" / "pool.txt").read_text(encoding="utf-8").split())
    ids = select(rows, pool)
    (here / "postings.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")
    print(f"{len(ids)} postings chosen")


if __name__ == "__main__":
    main(sys.argv[1])
