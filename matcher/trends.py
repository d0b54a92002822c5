"""How demand for skills moved across the crawl history.

At each finished crawl run, the postings open then (first seen by that time and not yet closed)
are counted, and for the most-asked skills the share of those postings that ask for each. Pure:
the caller hands in the runs and the postings' extractions from the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np
import scipy.sparse as sp

from jobmatch.matcher.report import format_instant, parse_instant
from jobmatch.taxonomy.model import Taxonomy


def skill_trends(runs: Iterable[dict[str, Any]], postings: Iterable[dict[str, Any]], taxonomy: Taxonomy,
                 *, top: int = 10) -> dict[str, Any]:
    """``runs``: the store's crawl runs; ``postings``: records with first_seen, closed_at and skills.

    Returns ``{"runs": [{id, at, status, open_postings}], "enough_history": bool,
    "skills": [{id, label, category, postings: [...], shares: [...], change}]}``, one entry in each
    skill's lists per run; ``change`` is the last share minus the first.
    """
    points: list[tuple[datetime, dict[str, Any]]] = []
    for run in runs:
        when = parse_instant(run.get("finished_at"))
        if when is not None:
            points.append((when, run))
    points.sort(key=lambda point: (point[0], point[1].get("id") or 0))
    firsts, closes, rows, columns = [], [], [], []
    column_of: dict[str, int] = {}
    for record in postings:
        first = parse_instant(record.get("first_seen"))
        if first is None:
            continue
        closed = parse_instant(record.get("closed_at"))
        for skill_id in {skill["id"] for skill in record.get("skills") or []}:
            rows.append(len(firsts))
            columns.append(column_of.setdefault(skill_id, len(column_of)))
        firsts.append(first.timestamp())
        closes.append(closed.timestamp() if closed else np.inf)
    first_at, closed_at = np.array(firsts, dtype=np.float64), np.array(closes, dtype=np.float64)
    asks = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(firsts), len(column_of)))
    open_counts: list[int] = []
    skill_counts = np.zeros((len(points), len(column_of)))
    for number, (when, _) in enumerate(points):
        t = when.timestamp()
        open_then = (first_at <= t) & (closed_at > t)
        open_counts.append(int(open_then.sum()))
        skill_counts[number] = asks.T @ open_then.astype(np.float64)
    skill_ids = sorted(column_of, key=column_of.get)
    overall = skill_counts.sum(axis=0)
    chosen = sorted(range(len(skill_ids)), key=lambda c: (-overall[c], skill_ids[c]))[:top]
    chosen = [c for c in chosen if overall[c] > 0]
    skills = []
    for column in chosen:
        skill_id = skill_ids[column]
        counts = [int(n) for n in skill_counts[:, column]]
        shares = [round(n / total, 3) if total else 0.0 for n, total in zip(counts, open_counts, strict=True)]
        skill = taxonomy.skills.get(skill_id)
        skills.append({"id": skill_id, "label": skill.label if skill else skill_id,
                       "category": skill.category if skill else None, "postings": counts, "shares": shares,
                       "change": round(shares[-1] - shares[0], 3) if shares else 0.0})
    return {
        "runs": [{"id": run.get("id"), "at": format_instant(when), "status": run.get("status"),
                  "open_postings": total} for (when, run), total in zip(points, open_counts, strict=True)],
        "enough_history": len(points) >= 2,
        "skills": skills,
    }
