"""Many profiles against one loaded PostingIndex: one ranking per profile, each the one a single
Matcher gives (same order, same scores, same explanations).

Everything that does not depend on the person (the asks' weights and totals, the not-a-job mask,
the parsed place of each distinct location, the filter masks, the role and place penalties of each
distinct preference, ...) lives in the index's ranking.IndexScoring, built once and shared; a
single Matcher uses the same one, so a batch and a single ranking run the same code. Per profile
what remains is its credit per skill, its credit per ask and coverage per posting (one gather and
one weighted count over the asks, in C), its penalties, and the explanations of its top rows.

Measured on 1,000 profiles x 100,000 synthetic postings (benchmarks/batch_rank_benchmark.py).
Computing coverage for a chunk of profiles at once, as a sparse (profiles x skills) credit
matrix times the index's ask matrices, was slower there (34 ms a profile to build and order the
product, against 6 ms for the gather and weighted count) and would sum each posting's asks in
another order than a single Matcher, so profiles are scored one at a time: memory is one
profile's arrays at a time, plus what the rankings keep.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from jobmatch.matcher.index import PostingIndex
from jobmatch.matcher.profile import Profile
from jobmatch.matcher.ranking import IndexScoring, Matcher, Ranking
from jobmatch.taxonomy.model import Taxonomy


def rank_many(index: PostingIndex, taxonomy: Taxonomy, profiles: Sequence[Profile], *, top: int,
              filters: Mapping[str, Any] | None = None,
              statuses: Sequence[dict[str, dict[str, Any]] | None] | None = None,
              show_tracked: bool = False, keep_scores: bool = True) -> list[Ranking]:
    """The ranking of every profile, in order. ``filters`` are Matcher.apply_filters' keywords;
    ``statuses`` (one per profile, or None) what each person tracked (Matcher.apply_statuses).

    ``keep_scores=False`` leaves out each Ranking's ``scores`` (every posting's score, 8 bytes a
    posting: 0.8 GB for 1,000 profiles over 100,000 postings) when only the matches are wanted."""
    return list(rank_each(index, taxonomy, profiles, top=top, filters=filters, statuses=statuses,
                          show_tracked=show_tracked, keep_scores=keep_scores))


def rank_each(index: PostingIndex, taxonomy: Taxonomy, profiles: Iterable[Profile], *, top: int,
              filters: Mapping[str, Any] | None = None,
              statuses: Sequence[dict[str, dict[str, Any]] | None] | None = None,
              show_tracked: bool = False, keep_scores: bool = True) -> Iterator[Ranking]:
    """rank_many one ranking at a time, as each is ready (to write results as they come)."""
    scoring = IndexScoring.of(index, taxonomy)
    options = dict(filters or {})
    for number, profile in enumerate(profiles):
        matcher = Matcher(index, taxonomy, profile, scoring=scoring)
        matcher.apply_filters(**options)
        tracked = statuses[number] if statuses is not None else None
        if tracked is not None:
            matcher.apply_statuses(tracked, show_tracked=show_tracked)
        ranking = matcher.rank(top)
        if not keep_scores:
            ranking.scores = None
        yield ranking
