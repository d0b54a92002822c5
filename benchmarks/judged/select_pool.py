"""Choose the postings of the judged ranking set from the real 2025 Ashby postings.

Deterministic and blind to jobmatch: postings are ordered by a hash of their id, then the first
120 whose title names an ML, AI or data role and the first 60 of the rest are taken, at most four
per company. The ids are written to pool.txt; the grades in grades/ are keyed by these ids.

    python benchmarks/judged/select_pool.py PATH/TO/postings.jsonl.gz
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ML_OR_DATA_TITLE = re.compile(
    r"\b(machine learning|ml|mlops|ai|a\.i\.|artificial intelligence|data scien\w*|data analy\w*|"
    r"data engineer\w*|analytics|research (engineer|scientist)|applied scientist|deep learning|"
    r"computer vision|nlp|llm|genai|perception|inference|quant\w*)\b", re.I)
ML_COUNT, OTHER_COUNT, PER_COMPANY = 120, 60, 4


def order_key(posting_id: str) -> str:
    return hashlib.sha256(posting_id.encode()).hexdigest()


def select(rows: list[dict]) -> list[str]:
    per_company: Counter[str] = Counter()
    chosen_ml: list[str] = []
    chosen_other: list[str] = []
    for row in sorted(rows, key=lambda r: order_key(r["id"])):
        if len(row.get("description") or "") < 400 or per_company[row["company_slug"]] >= PER_COMPANY:
            continue
        wanted = chosen_ml if ML_OR_DATA_TITLE.search(row["title"]) else chosen_other
        limit = ML_COUNT if wanted is chosen_ml else OTHER_COUNT
        if len(wanted) < limit:
            wanted.append(row["id"])
            per_company[row["company_slug"]] += 1
    return chosen_ml + chosen_other


def main(path: str) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    ids = select(rows)
    Path(__file__).with_name("pool.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")
    print(f"{len(ids)} postings chosen")


if __name__ == "__main__":
    main(sys.argv[1])
