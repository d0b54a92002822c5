"""Scoring postings for a profile, explaining each score, and finding the gaps worth closing.

score = fit x (1 - penalties). Fit blends skill coverage, the TF-IDF weighted share of what the
posting asks for that the profile holds (a related skill earns partial credit), with the TF-IDF
cosine similarity of posting and profile; both decompose into per-skill contributions. Penalties come from
years and education asked versus held, and from the preferences (location, remote, salary,
titles); excluded companies are filtered out. Every part is reported, so a score can be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jobmatch.matcher.index import EDUCATION_CODES, LEVEL_NAMES, PostingIndex
from jobmatch.matcher.profile import Profile
from jobmatch.taxonomy.model import Taxonomy

RELATED_CREDIT = 0.5
# How much of the fit is TF-IDF cosine similarity (is the posting about what you know?) rather than
# coverage (do you have what it asks for?). Measured on SkillSpan: 0.3 lifts the DevOps role
# profile's precision at 5 from 0.6 to 0.8 and MRR from 0.908 to 0.913.
SIMILARITY_SHARE = 0.3
# A score (0..1) that counts as a match for "over threshold" and "unlocks": a posting scoring 0.4
# has most of what it asks for weighted by how telling each skill is, after its penalties.
MATCH_THRESHOLD = 0.4


@dataclass
class Contribution:
    skill: str
    requirement: str
    points: float  # share of the final score, 0..100
    credit: float  # 1 held, <1 related or fewer years
    via: str | None = None  # the held skill that earned partial credit


@dataclass
class Match:
    rank: int
    index: int
    id: str
    title: str
    company: str
    url: str
    score: float  # 0..100
    fit: float  # 0..100 before penalties: the blend of coverage and similarity
    skill_coverage: float  # 0..100: share of the posting's weighted asks you have
    similarity: float  # 0..100: cosine of the posting's and your TF-IDF vectors
    matched: list[str]
    partial: list[Contribution]
    missing_required: list[str]
    missing_preferred: list[str]
    missing_other: list[str]
    contributions: list[Contribution]
    penalties: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "id": self.id, "title": self.title, "company": self.company, "url": self.url,
            "score": self.score, "matched": self.matched, "missing_required": self.missing_required,
            "missing_preferred": self.missing_preferred, "missing_unspecified": self.missing_other,
            "fit": self.fit, "skill_coverage": self.skill_coverage, "similarity": self.similarity,
            "partial": [{"id": c.skill, "via": c.via, "credit": c.credit} for c in self.partial],
            "contributions": [{"id": c.skill, "requirement": c.requirement, "points": c.points, "credit": c.credit,
                               **({"via": c.via} if c.via else {})} for c in self.contributions],
            "penalties": self.penalties,
        }


@dataclass
class Ranking:
    matches: list[Match]
    considered: int
    filtered: dict[str, int] = field(default_factory=dict)
    scores: np.ndarray | None = None  # every posting's final score (0..1), filtered ones at -1


class Matcher:
    """Scores one profile against a PostingIndex. Deterministic: ties break on posting id."""

    def __init__(self, index: PostingIndex, taxonomy: Taxonomy, profile: Profile):
        self.index = index
        self.taxonomy = taxonomy
        self.profile = profile
        self.credit, self.via = self._credit_vector()
        self.multiplier, self.penalty_parts, self.excluded = self._penalties()
        self.coverage = self._coverage()
        self.similarity = self._similarity()
        self.fit = (1 - SIMILARITY_SHARE) * self.coverage + SIMILARITY_SHARE * self.similarity
        self.scores = np.where(self.excluded, -1.0, self.fit * self.multiplier)

    # Skills ---------------------------------------------------------------------------------

    def _credit_vector(self) -> tuple[np.ndarray, dict[str, str]]:
        """Per skill column: 1 for a held skill (scaled by level), partial for a linked one."""
        credit = np.zeros(len(self.index.skill_ids))
        via: dict[str, str] = {}
        held = self.profile.skills
        for skill_id, skill in held.items():
            column = self.index.column.get(skill_id)
            if column is not None:
                credit[column] = max(credit[column], skill.strength)
        for skill_id, skill in sorted(held.items()):
            for neighbour in sorted(self.taxonomy.neighbours(skill_id)):
                column = self.index.column.get(neighbour)
                if column is not None and neighbour not in held and credit[column] < RELATED_CREDIT * skill.strength:
                    credit[column] = RELATED_CREDIT * skill.strength
                    via[neighbour] = skill_id
        return credit, via

    def _similarity(self) -> np.ndarray:
        """Cosine of the TF-IDF posting and profile vectors: how much the posting is about what you know."""
        weights = self.index.weights
        self._row_norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
        self._profile = self.index.idf * self.credit
        self._profile_norm = float(np.linalg.norm(self._profile))
        if weights.shape[1] == 0 or self._profile_norm == 0:
            return np.zeros(weights.shape[0])
        dot = np.asarray(weights @ self._profile).ravel()
        scale = self._row_norms * self._profile_norm
        return np.divide(dot, scale, out=np.zeros_like(dot), where=scale > 0)

    def _coverage(self) -> np.ndarray:
        weights = self.index.weights
        coverage = np.asarray(weights @ self.credit).ravel()
        # A skill asked for with more years than the profile holds earns less.
        for skill_id, skill in self.profile.skills.items():
            column = self.index.column.get(skill_id)
            if column is None or skill.years is None:
                continue
            asked = self.index.skill_years[:, column].tocoo()
            short = asked.data > skill.years
            if not short.any():
                continue
            rows = asked.row[short]
            factor = 0.5 + 0.5 * skill.years / asked.data[short]
            cell = np.asarray(weights[rows, column].todense()).ravel()
            coverage[rows] -= cell * self.credit[column] * (1 - factor)
        return np.clip(coverage, 0.0, 1.0)

    # Penalties and filters ----------------------------------------------------------------

    def _penalties(self) -> tuple[np.ndarray, list[tuple[str, np.ndarray, str]], np.ndarray]:
        index, profile, prefs = self.index, self.profile, self.profile.preferences
        n = len(index)
        parts: list[tuple[str, np.ndarray, str]] = []
        if profile.years_experience is not None:
            gap = np.nan_to_num(index.years - profile.years_experience, nan=0.0)
            parts.append(("experience", np.clip(0.06 * gap, 0.0, 0.3), "asks {years:g}+ years; you have "
                          f"{profile.years_experience:g}"))
        if profile.education is not None:
            held = EDUCATION_CODES[profile.education]
            below = (index.education > held) & (index.education >= 0)
            parts.append(("education", np.where(below, np.where(index.equivalent, 0.05, 0.15), 0.0),
                          "asks for a {education} degree"))
        if prefs.locations or prefs.remote:
            # One penalty for where the job is: fine when remote (and you take remote) or in your places.
            remote_ok = (index.remote == 1) & (prefs.remote is not False)
            in_place = self._location_ok() if prefs.locations else np.zeros(n, dtype=bool)
            known = (np.diff(index.location_matrix.indptr) > 0) | (index.remote >= 0)
            reason = ("neither remote nor in your locations" if prefs.remote and prefs.locations
                      else "not remote" if prefs.remote else "outside your locations")
            parts.append(("location", np.where(known & ~remote_ok & ~in_place, 0.25, 0.0), reason))
        if prefs.min_salary is not None:
            parts.append(("salary", np.where(self._salary_below(), 0.2, 0.0), "pays below your minimum"))
        if prefs.titles:
            fits_value = np.zeros(len(index.title_values), dtype=bool)
            for wanted in prefs.titles:
                fits_value |= index.titles_with_words(set(_words(wanted)))
            fits = fits_value[index.title_codes] if len(index) else np.zeros(0, dtype=bool)
            parts.append(("title", np.where(fits, 0.0, 0.1), "title is not one you asked for"))
        multiplier = np.ones(n)
        for _, penalty, _ in parts:
            multiplier *= 1.0 - penalty
        excluded = np.zeros(n, dtype=bool)
        if prefs.exclude_companies:
            names = {_fold(c) for c in prefs.exclude_companies}
            excluded_value = np.array([_fold(c) in names for c in index.company_values], dtype=bool)
            excluded = excluded_value[index.company_codes] if len(index) else excluded
        return multiplier, parts, excluded

    def _location_ok(self) -> np.ndarray:
        wanted = [_fold(loc) for loc in self.profile.preferences.locations]
        if not wanted:
            return np.ones(len(self.index), dtype=bool)
        folded = [_fold(loc) for loc in self.index.location_values]
        ok_value = np.array([bool(f) and any(w in f or f in w for w in wanted) for f in folded], dtype=np.int8)
        return np.asarray(self.index.location_matrix @ ok_value).ravel() > 0

    def _salary_below(self) -> np.ndarray:
        prefs = self.profile.preferences
        top = np.where(np.isnan(self.index.salary_max), self.index.salary_min, self.index.salary_max)
        top = top * self.index.salary_yearly
        if prefs.min_salary_currency:
            same_value = np.array([c in ("", prefs.min_salary_currency) for c in self.index.currency_values],
                                  dtype=bool)
            same = same_value[self.index.currency_codes] if len(self.index) else np.zeros(0, dtype=bool)
        else:
            same = np.ones(len(self.index), dtype=bool)
        return ~np.isnan(top) & same & (top < prefs.min_salary)

    def score_with(self, column: int, rows: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """The scores of ``rows`` (whose weights in ``column`` are ``cells``) if the profile held that skill."""
        missing_credit = 1.0 - self.credit[column]
        coverage = np.minimum(self.coverage[rows] + cells * missing_credit, 1.0)
        idf = self.index.idf[column]
        norm = float(np.sqrt(self._profile_norm ** 2 - self._profile[column] ** 2 + idf ** 2))
        dot = self.similarity[rows] * self._row_norms[rows] * self._profile_norm + cells * idf * missing_credit
        scale = self._row_norms[rows] * norm
        similarity = np.divide(dot, scale, out=np.zeros_like(dot), where=scale > 0)
        fit = (1 - SIMILARITY_SHARE) * coverage + SIMILARITY_SHARE * similarity
        return fit * self.multiplier[rows]

    # Results ----------------------------------------------------------------------------------

    def rank(self, top: int | None = 20) -> Ranking:
        considered = int((self.scores >= 0).sum())
        chosen = self.top_rows(top if top is not None else considered)
        matches = [self.explain(row, rank) for rank, row in enumerate(chosen, start=1)]
        return Ranking(matches=matches, considered=considered,
                       filtered={"excluded_company": int(self.excluded.sum())}, scores=self.scores)

    def top_rows(self, count: int) -> list[int]:
        """The best ``count`` postings, best first; equal scores (to 6 places) in id order."""
        scores = np.round(self.scores, 6)
        eligible = np.flatnonzero(scores >= 0)
        if eligible.size > count > 0:
            cutoff = np.partition(scores[eligible], -count)[-count]
            eligible = eligible[scores[eligible] >= cutoff]
        id_rank = np.empty(len(self.index), dtype=np.int64)
        id_rank[self.index.order_ids] = np.arange(len(self.index))
        ordered = eligible[np.lexsort((id_rank[eligible], -scores[eligible]))]
        return [int(row) for row in ordered[:count]]

    def explain(self, row: int, rank: int = 0) -> Match:
        index = self.index
        start, end = index.levels.indptr[row], index.levels.indptr[row + 1]
        columns = index.levels.indices[start:end]
        codes = index.levels.data[start:end]
        weights = index.weights[row].toarray().ravel()
        multiplier = float(self.multiplier[row])
        contributions, partial = [], []
        matched, missing = [], {"required": [], "preferred": [], "unspecified": []}
        for column, code in sorted(zip(columns, codes, strict=True), key=lambda cc: (-weights[cc[0]], cc[0])):
            skill_id = index.skill_ids[column]
            level = LEVEL_NAMES[int(code)]
            credit = float(self.credit[column])
            if credit <= 0:
                missing[level].append(skill_id)
                continue
            asked_years = float(index.skill_years[row, column])
            held = self.profile.skills.get(skill_id)
            if held and held.years is not None and asked_years > held.years:
                credit *= 0.5 + 0.5 * held.years / asked_years
            coverage_part = weights[column] * credit
            scale = self._row_norms[row] * self._profile_norm
            similarity_part = weights[column] * self._profile[column] / scale if scale else 0.0
            fit = (1 - SIMILARITY_SHARE) * coverage_part + SIMILARITY_SHARE * similarity_part
            contribution = Contribution(skill_id, level, round(100 * fit * multiplier, 2), round(credit, 3),
                                        self.via.get(skill_id))
            contributions.append(contribution)
            if skill_id in self.profile.skills:
                matched.append(skill_id)
            else:
                partial.append(contribution)
        contributions.sort(key=lambda c: (-c.points, c.skill))
        partial.sort(key=lambda c: (-c.points, c.skill))
        penalties = []
        for name, values, template in self.penalty_parts:
            if values[row] > 0:
                reason = template.format(years=float(index.years[row]) if not np.isnan(index.years[row]) else 0,
                                         education=_education_name(int(index.education[row])))
                penalties.append({"kind": name, "reason": reason, "factor": round(1 - float(values[row]), 3)})
        return Match(
            rank=rank, index=row, id=index.ids[row], title=index.titles[row], company=index.companies[row],
            url=index.urls[row], score=round(100 * max(float(self.scores[row]), 0.0), 2),
            fit=round(100 * float(self.fit[row]), 2), skill_coverage=round(100 * float(self.coverage[row]), 2),
            similarity=round(100 * float(self.similarity[row]), 2), matched=matched, partial=partial,
            missing_required=missing["required"], missing_preferred=missing["preferred"],
            missing_other=missing["unspecified"], contributions=contributions, penalties=penalties,
        )


@dataclass
class Gap:
    id: str
    label: str
    category: str
    postings: int  # open postings that ask for it
    required_by: int
    unlocks: int  # postings that would pass the threshold with it
    gain: float  # total score the ranking would gain, in points
    resources: list[dict[str, Any]]
    prerequisite_of: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "category": self.category, "postings": self.postings,
                "required_by": self.required_by, "unlocks": self.unlocks, "gain": self.gain,
                "resources": self.resources, "prerequisite_of": self.prerequisite_of}


@dataclass
class Readiness:
    overall: float
    by_category: dict[str, float]
    guide_categories: list[str]
    demand_by_category: dict[str, float]


def find_gaps(matcher: Matcher, *, threshold: float = MATCH_THRESHOLD, limit: int = 15) -> list[Gap]:
    """Missing skills ordered by how many postings each would lift over the threshold."""
    index, taxonomy = matcher.index, matcher.taxonomy
    weights = index.weights.tocsc()
    levels = index.levels.tocsc()
    scores = matcher.scores
    active = ~matcher.excluded
    gaps = []
    for column, skill_id in enumerate(index.skill_ids):
        if skill_id in matcher.profile.skills or skill_id not in taxonomy.skills:
            continue
        start, end = weights.indptr[column], weights.indptr[column + 1]
        rows = weights.indices[start:end]
        keep = active[rows]
        rows = rows[keep]
        if rows.size == 0:
            continue
        before = scores[rows]
        after = matcher.score_with(column, rows, weights.data[start:end][keep])
        added = after - before
        unlocks = int(((before < threshold) & (after >= threshold)).sum())
        required = int((levels.data[levels.indptr[column]:levels.indptr[column + 1]][keep] == 3).sum())
        skill = taxonomy.skills[skill_id]
        gaps.append(Gap(skill_id, skill.label, skill.category, int(rows.size), required, unlocks,
                        round(float(100 * added.sum()), 2), [r.to_dict() for r in skill.resources]))
    gaps.sort(key=lambda g: (-g.unlocks, -g.gain, g.id))
    return _prerequisites_first(gaps[:limit], taxonomy)


def _prerequisites_first(gaps: list[Gap], taxonomy: Taxonomy) -> list[Gap]:
    """Move a gap's broader skill (its prerequisite) in front of it when both are gaps."""
    by_id = {g.id: g for g in gaps}
    ordered: list[Gap] = []
    placed: set[str] = set()

    def place(gap: Gap, trail: tuple[str, ...] = ()) -> None:
        if gap.id in placed or gap.id in trail:
            return
        for broader in taxonomy.skills[gap.id].broader:
            if broader in by_id:
                by_id[broader].prerequisite_of.append(gap.id)
                place(by_id[broader], (*trail, gap.id))
        placed.add(gap.id)
        ordered.append(gap)

    for gap in gaps:
        place(gap)
    return ordered


def readiness(matcher: Matcher) -> Readiness:
    """The share of the market's demand (level-weighted) the profile covers, overall and per category."""
    index, taxonomy = matcher.index, matcher.taxonomy
    active = ~matcher.excluded
    levels = index.levels[active] if active.size else index.levels
    demand_matrix = levels.copy().astype(np.float64)
    demand_matrix.data = np.where(levels.data == 3, 1.0, np.where(levels.data == 2, 0.6, 0.35))
    demand = np.asarray(demand_matrix.sum(axis=0)).ravel()
    covered = demand * np.minimum(matcher.credit, 1.0)
    by_category: dict[str, float] = {}
    demand_by_category: dict[str, float] = {}
    categories = np.array([taxonomy.skills[s].category if s in taxonomy.skills else "" for s in index.skill_ids])
    for category in sorted(set(categories) - {""}):
        mask = categories == category
        total = demand[mask].sum()
        if total > 0:
            by_category[category] = round(float(covered[mask].sum() / total), 3)
            demand_by_category[category] = round(float(total), 1)
    overall = round(float(covered.sum() / demand.sum()), 3) if demand.sum() else 0.0
    guide = sorted(c.id for c in taxonomy.categories.values() if c.origin == "guide")
    return Readiness(overall, by_category, guide, demand_by_category)


def _education_name(code: int) -> str:
    return {value: key for key, value in EDUCATION_CODES.items()}.get(code, "")


_WORD = re.compile(r"[a-z0-9+#]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _fold(text: str) -> str:
    return " ".join(_words(text))
