"""Many profiles against one loaded PostingIndex: one ranking per profile, each the one a single
Matcher gives (same order, same scores)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jobmatch.matcher.index import PostingIndex
from jobmatch.matcher.profile import Profile
from jobmatch.matcher.ranking import Matcher, Ranking
from jobmatch.taxonomy.model import Taxonomy


def rank_many(index: PostingIndex, taxonomy: Taxonomy, profiles: Sequence[Profile], *, top: int,
              filters: Mapping[str, Any] | None = None,
              statuses: Sequence[dict[str, dict[str, Any]] | None] | None = None,
              show_tracked: bool = False) -> list[Ranking]:
    """The ranking of every profile, in order. ``filters`` are Matcher.apply_filters' keywords;
    ``statuses`` (one per profile, or None) what each person tracked (Matcher.apply_statuses)."""
    rankings = []
    for number, profile in enumerate(profiles):
        matcher = Matcher(index, taxonomy, profile)
        matcher.apply_filters(**dict(filters or {}))
        tracked = statuses[number] if statuses is not None else None
        if tracked is not None:
            matcher.apply_statuses(tracked, show_tracked=show_tracked)
        rankings.append(matcher.rank(top))
    return rankings
