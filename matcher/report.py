"""The match report's content, assembled once as plain data (dicts, lists, numbers, strings).

Every output format (JSON, Markdown, CSV, HTML) renders this one structure, so they never
disagree. Pure: it reads a Matcher (and through it the index and taxonomy) and returns data; it
neither touches the store nor prints. The JSON report is exactly this structure (see
docs/reports.md for its fields).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from jobmatch.matcher.ranking import MATCH_THRESHOLD, Match, Matcher, gap_report, readiness

REPORT_FORMAT = 1
MARKET_SKILLS = 15
EXCERPT_CHARS = 280


def build_report(matcher: Matcher, *, top: int = 20, threshold: float = 100 * MATCH_THRESHOLD, gap_limit: int = 10,
                 new_since: str | None = None, new_only: bool = False, generated_at: str = "",
                 sample: bool = False, market_limit: int = MARKET_SKILLS,
                 description_of: Callable[[str], str | None] | None = None) -> dict[str, Any]:
    """The report for one profile.

    ``threshold`` is a score out of 100. ``new_since`` (an ISO time, the previous report's) marks
    postings first seen since then as new; with ``new_only`` only those are ranked. Without a
    ``new_since`` every posting counts as new (there was no earlier report). ``description_of``
    looks a posting's description up by id, for a short excerpt beside each match.
    """
    index, taxonomy = matcher.index, matcher.taxonomy
    new_mask = new_postings(index.first_seen, new_since)
    if new_only:
        matches = rank_rows(matcher, new_mask, top)
    else:
        matches = matcher.rank(top).matches
    ranked = matcher.scores >= 0
    learn = gap_report(matcher, threshold=threshold / 100, limit=gap_limit)
    gaps = learn.gaps
    top_value = max((gap.gain for gap in gaps), default=0.0) or 1.0
    ready = readiness(matcher)
    labels: dict[str, str] = {}

    def label(skill_id: str) -> str:
        skill = taxonomy.skills.get(skill_id)
        labels[skill_id] = skill.label if skill else skill_id
        return labels[skill_id]

    match_items = [_match_item(match, index, bool(new_mask[match.index]), label) for match in matches]
    for item in match_items:
        item["excerpt"] = excerpt(description_of(item["id"]) if description_of else None)
    areas = []
    for category, share in sorted(ready.by_category.items(), key=lambda kv: (-ready.demand_by_category[kv[0]], kv[0])):
        info = taxonomy.categories.get(category)
        areas.append({"id": category, "label": info.label if info else category, "covered": share,
                      "demand": ready.demand_by_category[category],
                      "from_guide": category in ready.guide_categories})
    market = market_skills(matcher, market_limit)
    for item in market:
        item["label"] = label(item["id"])
    for skill_id in matcher.profile.skills:
        label(skill_id)
    for gap in gaps:
        label(gap.id)
    return {
        "report": REPORT_FORMAT,
        "generated_at": generated_at,
        "profile": {"name": matcher.profile.name, "skills": sorted(matcher.profile.skills)},
        "sample": sample,
        "threshold": threshold,
        "new_only": new_only,
        "new_since": new_since,
        "summary": {
            "open_postings": int(ranked.sum()),
            "excluded": int(matcher.excluded.sum()),
            "over_threshold": int((matcher.scores >= threshold / 100).sum()),
            "new_postings": int((new_mask & ranked).sum()),
            "shown": len(match_items),
            "readiness": ready.overall,
        },
        "matches": match_items,
        "gaps": [dict(gap.to_dict(), why=(gap.why(threshold / 100, learn.top) if gap.postings else
                                          "first step for " + ", ".join(label(s) for s in gap.prerequisite_of))
                      + ("; learn first: " + ", ".join(label(s) for s in gap.prerequisites) if gap.prerequisites else ""),
                      value=round(gap.gain / top_value, 3)) for gap in gaps],
        "also_asked": [{"id": gap.id, "label": label(gap.id), "postings": gap.postings,
                        "required_by": gap.required_by, "category": gap.category} for gap in learn.also_asked],
        "target_postings": learn.target_postings,
        "readiness": {"overall": ready.overall, "areas": areas},
        "market": market,
        "labels": dict(sorted(labels.items())),
    }


def rank_rows(matcher: Matcher, keep: np.ndarray, top: int | None) -> list[Match]:
    """The Matcher's own ranking (order and explanations), restricted to the rows where ``keep``."""
    everything = matcher.top_rows(int((matcher.scores >= 0).sum()))
    chosen = [row for row in everything if keep[row]]
    chosen = chosen if top is None else chosen[:top]
    return [matcher.explain(row, rank) for rank, row in enumerate(chosen, start=1)]


def new_postings(first_seen: list[str], since: str | None) -> np.ndarray:
    """True for each posting first seen at or after ``since`` (all of them when there is no ``since``).

    At, not only after: the store keeps whole seconds, so a posting that arrives in the same second as
    the previous report may show in two digests, but never in none.
    """
    if since is None:
        return np.ones(len(first_seen), dtype=bool)
    cutoff = parse_instant(since)
    if cutoff is None:
        return np.ones(len(first_seen), dtype=bool)
    seen = [parse_instant(value) for value in first_seen]
    return np.array([when is not None and when >= cutoff for when in seen], dtype=bool)


def report_watermark(started: str, first_seen: list[str], now: str) -> str:
    """The time to record for a report that started at ``started``: the next report's ``since``.

    A posting dated after ``now`` (a clock ahead of ours) was still seen by this report, so the
    watermark moves past it; otherwise it is the start, so nothing arriving during the report is lost.
    """
    instants = [when for when in map(parse_instant, first_seen) if when is not None]
    latest, current = (max(instants) if instants else None), parse_instant(now)
    if latest is not None and current is not None and latest > current:
        return format_instant(latest + timedelta(seconds=1))
    return started


def parse_instant(value: str | None) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime (a time without zone is taken as UTC), else None."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def format_instant(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The start of a description on one line, cut at a word and marked when cut."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,.;:-") + "…"


def market_skills(matcher: Matcher, limit: int = MARKET_SKILLS) -> list[dict[str, Any]]:
    """The skills the most ranked postings ask for, each with how the profile covers it."""
    index = matcher.index
    active = matcher.scores >= 0
    levels = index.levels[active]
    total = int(active.sum())
    if total == 0 or levels.shape[1] == 0:
        return []
    asked = np.asarray((levels > 0).sum(axis=0)).ravel()
    required = np.asarray((levels == 3).sum(axis=0)).ravel()
    order = sorted(np.flatnonzero(asked), key=lambda c: (-int(asked[c]), index.skill_ids[c]))[:limit]
    items = []
    for column in order:
        skill_id = index.skill_ids[column]
        credit = float(matcher.credit[column])
        coverage = "have" if skill_id in matcher.profile.skills else "partial" if credit > 0 else "missing"
        items.append({"id": skill_id, "postings": int(asked[column]), "share": round(int(asked[column]) / total, 3),
                      "required_by": int(required[column]), "coverage": coverage, "credit": round(min(credit, 1.0), 3),
                      "via": matcher.via.get(skill_id) if coverage == "partial" else None})
    return items


def _match_item(match: Match, index, is_new: bool, label) -> dict[str, Any]:
    item = match.to_dict()
    for skill_id in (*match.matched, *match.missing_required, *match.missing_preferred, *match.missing_other):
        label(skill_id)
    for contribution in match.contributions:
        label(contribution.skill)
        if contribution.via:
            label(contribution.via)
    item["locations"] = index.locations_of(match.index)
    item["first_seen"] = index.first_seen[match.index]
    item["new"] = is_new
    item["lost_to_penalties"] = round(max(match.fit - match.score, 0.0), 2)
    return item
