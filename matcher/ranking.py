"""Scoring postings for a profile, explaining each score, and finding the gaps worth closing.

A posting is a list of asks: a skill, or a group of options ("AWS, GCP or Azure") that any one of
them satisfies. Each ask weighs by its level (required, unspecified, preferred), by its kind
(technical asks carry the score; soft skills weigh little; spoken languages and clearances are
requirements, not points), by how telling it is (scikit-learn's TF-IDF inverse document
frequency over the store's postings) and by whether the job title names it (the title says what
the job is). The fit is the weighted share of the asks the profile meets (a related skill earns
partial credit), so a profile that has everything a posting asks scores 100.

score = fit x (1 - penalty) for each penalty, every one shown with its reason: the role family
(outside the families the person targets), seniority and years asked versus held, the degree
required, where the job is (geography, not substrings), a required spoken language or clearance
the person lacks, pay below their minimum, and a posting that asks for too little to judge.
Excluded companies and texts that are not job postings are filtered out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from jobmatch.matcher.index import EDUCATION_CODES, LEVEL_NAMES, PostingIndex, split_place_key
from jobmatch.matcher.profile import Profile
from jobmatch.taxonomy.model import Taxonomy

RELATED_CREDIT = 0.5
# What a held skill builds on (Python for PyTorch) is held by implication: never a gap. It earns no
# credit in the ranking: measured on the judged dev half, crediting it (0.5, 0.8) ranked worse.
IMPLIED_CREDIT = 0.0
# Level weights of an ask: what a posting requires counts most.
LEVEL_WEIGHTS = {1: 0.35, 2: 0.6, 3: 1.0}
# Kind weights, by taxonomy category (1.0 for every technical category). Spoken languages and
# clearances score nothing: they are requirements (a penalty when missing), never points.
KIND_WEIGHTS = {"soft_skills": 0.1, "spoken_languages": 0.0, "credentials": 0.0, "industries": 0.25,
                "management": 0.4, "application_areas": 0.6, "degrees": 0.0, "education_fields": 0.0}
TITLE_WEIGHT = 2.0  # a skill the job title names is what the job is
# How much rarity counts: an ask's weight has the skill's inverse document frequency to this power
# (1 is plain TF-IDF; lower keeps a posting's rare stack mentions from outweighing its core asks).
IDF_POWER = 1.0
# Statuses a person gives postings (jobmatch track); the ones that take a posting out of the ranking.
STATUSES = ("interested", "applied", "interviewing", "offer", "rejected", "dismissed")
HIDDEN_STATUSES = frozenset({"applied", "interviewing", "offer", "rejected", "dismissed"})
# A score (0..1) that counts as a match for "over threshold" and "unlocks".
MATCH_THRESHOLD = 0.4
# Role fit: a posting outside the person's target families costs this share of its score.
ROLE_RELATED_PENALTY = 0.1  # the closest neighbour; farther neighbours up to the other-technical penalty
ROLE_OTHER_TECHNICAL_PENALTY = 0.45
ROLE_NON_TECHNICAL_PENALTY = 0.8
FAMILY_LABELS = {"ml_engineer": "machine-learning engineering", "ai_engineer": "AI engineering",
                 "research_scientist": "research", "data_scientist": "data-science", "mlops": "MLOps / ML platform",
                 "data_engineer": "data-engineering", "data_analyst": "data-analysis",
                 "software_engineer": "software-engineering", "other_technical": "technical",
                 "non_technical": "non-technical", "unknown": "unclear"}
# The years a seniority level expects (at least); a person far below pays per missing year.
SENIORITY_YEARS = {"intern": 0, "junior": 0, "mid": 2, "senior": 5, "staff": 8, "principal": 10, "manager": 6}
ENTRY_LEVEL = {"intern": 1, "junior": 2}  # at most this many years fit; far more is overqualified
YEAR_PENALTY = 0.13  # per year short (after the first half year); chosen on the judged set's dev half
MAX_EXPERIENCE_PENALTY = 0.7
OVERQUALIFIED_PENALTY = 0.3
# A title holding none of the words of the titles a person wants ("Platform Engineer" for a
# "Full Stack Engineer" posting of the same family) costs a little: the family is right, the job less so.
TITLE_MISMATCH_PENALTY = 0.1
_TITLE_FILLER = {"senior", "junior", "lead", "staff", "principal", "sr", "jr", "i", "ii", "iii", "the", "of", "and"}
INTERNSHIP_PENALTY = 0.5  # an internship for a person whose titles ask for none: internships are for students
LANGUAGE_PENALTY = 0.6
CLEARANCE_PENALTY = 0.6
# Fewer technical asks than THIN_POSTING_ASKS: too little to judge a fit on. The penalty grows as the
# count falls (a posting naming one skill you have is not a 100 fit in any useful sense).
THIN_POSTING_ASKS = 10
THIN_POSTING_PENALTY = 0.3  # at one ask; none at THIN_POSTING_ASKS
# A profile that names no targets (nor titles naming a family) is ranked for every technical family:
# the role of a posting then costs nothing unless it is not technical at all.
DEFAULT_TARGETS = ("ml_engineer", "ai_engineer", "data_scientist", "research_scientist", "mlops", "data_engineer",
                   "data_analyst", "software_engineer", "other_technical", "unknown")


@dataclass
class Contribution:
    skill: str
    requirement: str
    points: float  # share of the final score, 0..100
    credit: float  # 1 held, <1 related or fewer years
    via: str | None = None  # the held skill that earned partial credit
    options: list[str] | None = None  # the options of an "any of" ask ``skill`` met
    in_title: bool = False


@dataclass
class Match:
    rank: int
    index: int
    id: str
    title: str
    company: str
    url: str
    score: float  # 0..100
    fit: float  # 0..100 before penalties: the weighted share of the asks met
    skill_coverage: float  # 0..100: the same share (kept for the report's columns)
    role_family: str
    seniority: str | None
    matched: list[str]
    partial: list[Contribution]
    missing_required: list[str]
    missing_preferred: list[str]
    missing_other: list[str]
    missing_any_of: list[dict[str, Any]]  # [{"options": [...], "requirement": ...}]
    contributions: list[Contribution]
    penalties: list[dict[str, Any]]
    where: str = ""  # "Berlin, DE (hybrid); remote: EU"
    locations: list[str] = field(default_factory=list)
    remote: bool | None = None
    salary: dict[str, Any] | None = None  # {"min", "max", "currency", "period_per_year"} when known
    first_seen: str = ""
    status: str | None = None  # what the person did with it (jobmatch track)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "id": self.id, "title": self.title, "company": self.company, "url": self.url,
            "where": self.where, "locations": self.locations, "remote": self.remote, "salary": self.salary,
            "first_seen": self.first_seen, "status": self.status,
            "score": self.score, "matched": self.matched, "missing_required": self.missing_required,
            "missing_preferred": self.missing_preferred, "missing_unspecified": self.missing_other,
            "missing_any_of": self.missing_any_of,
            "fit": self.fit, "skill_coverage": self.skill_coverage,
            "role_family": self.role_family, "seniority": self.seniority,
            "partial": [{"id": c.skill, "via": c.via, "credit": c.credit} for c in self.partial],
            "contributions": [{"id": c.skill, "requirement": c.requirement, "points": c.points, "credit": c.credit,
                               **({"via": c.via} if c.via else {}), **({"any_of": c.options} if c.options else {}),
                               **({"in_title": True} if c.in_title else {})} for c in self.contributions],
            "penalties": self.penalties,
        }


@dataclass
class Ranking:
    matches: list[Match]
    considered: int
    filtered: dict[str, int] = field(default_factory=dict)
    scores: np.ndarray | None = None  # every posting's final score (0..1), filtered ones at -1


@dataclass
class _Penalty:
    kind: str
    values: np.ndarray  # per posting, 0..1: the share of the score it takes
    reasons: list[str] | None = None  # per distinct value of ``codes``, or one template for all
    codes: np.ndarray | None = None
    template: str = ""


class IndexScoring:
    """What scoring needs of one index and taxonomy, whoever the person is.

    The asks' kinds, weights and totals, each posting's count of technical asks (and so its
    thin-posting penalty) and whether it is a job are computed here once; lookups by skill column
    and posting id, the parsed place of each distinct location, the filter masks and the role,
    place, title and education penalties of each distinct preference are computed when first
    needed and kept. One per index and taxonomy (``IndexScoring.of``), shared by every Matcher of
    that index: a single Matcher and a batch of many (matcher.batch) run the same code.
    """

    MEMO_SIZE = 256  # per kind of memo (a target set, a place preference, a filter, ...)

    def __init__(self, index: PostingIndex, taxonomy: Taxonomy):
        self.index = index
        self.taxonomy = taxonomy
        n = len(index)
        self.ask_kind = _ask_kind(index, taxonomy)
        self.ask_weight = _ask_weights(index, taxonomy, self.ask_kind)
        self.ask_total = np.bincount(index.ask_posting, weights=self.ask_weight, minlength=n)
        self.technical_asks = np.bincount(
            index.ask_posting, weights=((self.ask_weight > 0) & (self.ask_kind >= 0.5)).astype(float), minlength=n)
        self.thin = THIN_POSTING_PENALTY * np.clip((THIN_POSTING_ASKS - np.maximum(self.technical_asks, 1.0))
                                                   / (THIN_POSTING_ASKS - 1), 0.0, 1.0)
        not_job_value = np.array([bool(v) for v in index.not_job_values], dtype=bool)
        self.not_job = not_job_value[index.not_job_codes] if n else np.zeros(0, dtype=bool)
        self._memos: dict[str, dict[Any, Any]] = {}
        self._places: dict[int, Any] = {}
        self._neighbours: dict[str, list[str]] = {}
        self._years_asked: dict[int, np.ndarray] = {}

    @classmethod
    def of(cls, index: PostingIndex, taxonomy: Taxonomy) -> IndexScoring:
        """The index's IndexScoring for ``taxonomy``, built on first use and kept with the index
        (not in its cache file: PostingIndex.__getstate__ leaves it out)."""
        scoring = index.__dict__.get("_scoring")
        if scoring is None or scoring.taxonomy is not taxonomy:
            scoring = cls(index, taxonomy)
            index._scoring = scoring
        return scoring

    def memo(self, kind: str, key: Any, make: Any) -> Any:
        """``make()``, kept under (kind, key); the oldest of a kind goes past MEMO_SIZE."""
        memo = self._memos.setdefault(kind, {})
        if key not in memo:
            if len(memo) >= self.MEMO_SIZE:
                del memo[next(iter(memo))]
            memo[key] = make()
        return memo[key]

    # Skills and asks ---------------------------------------------------------------------------

    def neighbours(self, skill_id: str) -> list[str]:
        """The taxonomy's neighbours of a skill, sorted (Taxonomy.neighbours scans every skill)."""
        found = self._neighbours.get(skill_id)
        if found is None:
            found = self._neighbours[skill_id] = sorted(self.taxonomy.neighbours(skill_id))
        return found

    @cached_property
    def _single_layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                      tuple[np.ndarray, np.ndarray]]:
        """Per ask its one skill column (``_single_columns``, -1 for none), the asks that are not
        single, the group asks with their members laid end to end (for a max per group), and the
        single asks grouped by column (ascending within a column)."""
        index = self.index
        single = _single_columns(index)
        members = index.ask_members
        counts = np.diff(members.indptr)
        not_single = np.flatnonzero(single < 0)
        in_group = counts >= 2
        groups = np.flatnonzero(in_group)
        group_columns = members.indices[np.repeat(in_group, counts)].astype(np.int64)
        group_starts = np.concatenate([[0], np.cumsum(counts[groups])[:-1]]).astype(np.int64) \
            if groups.size else np.zeros(0, np.int64)
        # The single asks grouped by column, ascending within one (a stable sort: radix on 16 bits)
        small = len(index.skill_ids) < np.iinfo(np.int16).max
        by_column = np.argsort(single.astype(np.int16) if small else single, kind="stable")
        column_ends = np.searchsorted(single[by_column], np.arange(len(index.skill_ids) + 1), side="left")
        if len(single) < np.iinfo(np.int32).max:
            by_column = by_column.astype(np.int32)
        return single, not_single, groups, group_columns, group_starts, (by_column, column_ends)

    def best_credit(self, credit: np.ndarray) -> np.ndarray:
        """Per ask: the best credit among the skills that satisfy it (0 for an ask none satisfies)."""
        single, not_single, groups, group_columns, group_starts, _ = self._single_layout
        best = np.take(credit, single, mode="clip")  # -1 (not a single ask) is set below
        if not_single.size:
            best[not_single] = 0.0
        if groups.size:
            best[groups] = np.maximum(np.maximum.reduceat(credit[group_columns], group_starts), 0.0)
        return best

    def single_asks(self, column: int) -> np.ndarray:
        """The asks that ``column`` alone satisfies, ascending."""
        by_column, ends = self._single_layout[5]
        return by_column[ends[column]:ends[column + 1]]

    def single_asks_of(self, columns: list[int], held: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The asks each of ``columns`` alone satisfies, one column after another, the years each
        asks of its skill, and beside each the value of ``held`` given for its column."""
        asks = [self.single_asks(c) for c in columns]
        asked = np.concatenate([self.years_asked(c) for c in columns])
        lengths = [len(a) for a in asks]
        return np.concatenate(asks), asked, np.repeat(np.array(held, dtype=float), lengths)

    def years_asked(self, column: int) -> np.ndarray:
        """The years each of ``single_asks(column)`` asks of its skill (0 when unstated), kept."""
        found = self._years_asked.get(column)
        if found is None:
            asks = self.single_asks(column)
            index = self.index
            found = np.asarray(index.skill_years[index.ask_posting[asks], column].todense()).ravel() \
                if asks.size else np.zeros(0)
            self._years_asked[column] = found
        return found

    # Postings -----------------------------------------------------------------------------------

    @cached_property
    def id_rank(self) -> np.ndarray:
        """Each posting's place in id order (ties break on it)."""
        index = self.index
        id_rank = np.empty(len(index), dtype=np.int64)
        id_rank[index.order_ids] = np.arange(len(index))
        return id_rank

    @cached_property
    def rows_by_id(self) -> dict[str, int] | None:
        """The row of each posting id, for statuses; None when ids repeat (then rows are scanned)."""
        rows = {posting_id: row for row, posting_id in enumerate(self.index.ids)}
        return rows if len(rows) == len(self.index) else None

    @cached_property
    def experience_base(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per posting: years asked (0 unstated), the years its seniority expects, the most years an
        entry-level role fits (99 for others), and whether it is an internship."""
        index = self.index
        n = len(index)
        asked = np.nan_to_num(index.years, nan=0.0)
        level_years = np.array([SENIORITY_YEARS.get(v, 0) for v in index.seniority_values], dtype=float)
        expected = level_years[index.seniority_codes] if n else np.zeros(0)
        entry_cap = np.array([ENTRY_LEVEL.get(v, 99) for v in index.seniority_values], dtype=float)
        cap = entry_cap[index.seniority_codes] if n else np.zeros(0)
        intern_value = np.array([v == "intern" for v in index.seniority_values], dtype=bool)
        internship = intern_value[index.seniority_codes] if n else np.zeros(0, dtype=bool)
        return asked, expected, cap, internship

    @cached_property
    def salary_top(self) -> np.ndarray:
        """Per posting: the top of its pay range a year (nan when not stated)."""
        index = self.index
        top = np.where(np.isnan(index.salary_max), index.salary_min, index.salary_max)
        return top * index.salary_yearly

    @cached_property
    def folded_companies(self) -> list[str]:
        return [_fold(c) for c in self.index.company_values]

    @cached_property
    def first_seen(self) -> np.ndarray:
        return np.array(list(self.index.first_seen), dtype=object)

    def posting_place(self, code: int):
        """The parsed place of a distinct location value (matcher.places.PostingPlace), kept."""
        from jobmatch.matcher.places import parse_posting_location

        place = self._places.get(code)
        if place is None:
            locations, remote = split_place_key(self.index.place_values[code])
            place = self._places[code] = parse_posting_location("; ".join(locations) or None, remote=remote)
        return place

    def requirement_columns(self, category: str) -> tuple[list[int], list[np.ndarray], np.ndarray]:
        """The skill columns of a requirement category (spoken languages, credentials), the postings
        that require each, and how many of them each posting requires."""
        def make() -> tuple[list[int], list[np.ndarray], np.ndarray]:
            index, taxonomy = self.index, self.taxonomy
            columns = [c for c, s in enumerate(index.skill_ids) if _category(taxonomy, s) == category]
            required = (index.levels[:, columns] == 3).tocsc() if columns else None
            rows = [required.indices[required.indptr[i]:required.indptr[i + 1]] for i in range(len(columns))] \
                if required is not None else []
            counts = np.zeros(len(index), dtype=np.int64)
            for asked in rows:
                counts[asked] += 1
            return columns, rows, counts

        return self.memo("requirement", category, make)

    # Per distinct preference ----------------------------------------------------------------------

    def role_values(self, targets: tuple[str, ...]) -> tuple[np.ndarray, list[str]]:
        """The role penalty and its reason per role family value, for these target families."""
        def make() -> tuple[np.ndarray, list[str]]:
            from jobmatch.matcher.roles import related_families

            wanted = set(targets)
            values, reasons = [], []
            for family in self.index.family_values:
                closeness = 0.0 if family == "unknown" else max(
                    (related_families(t).get(family, 0.0) for t in wanted if t != "unknown"), default=0.0)
                if family in wanted:
                    values.append(0.0)
                    reasons.append("")
                elif family == "unknown":
                    values.append(ROLE_RELATED_PENALTY)
                    reasons.append("the title names no role jobmatch knows")
                elif family == "non_technical":
                    values.append(ROLE_NON_TECHNICAL_PENALTY)
                    reasons.append("not a technical role")
                elif closeness > 0:
                    values.append(round(ROLE_RELATED_PENALTY + (ROLE_OTHER_TECHNICAL_PENALTY - ROLE_RELATED_PENALTY)
                                        * (1 - closeness), 4))
                    reasons.append(f"a {FAMILY_LABELS.get(family, family)} role, next to the roles you target")
                else:
                    values.append(ROLE_OTHER_TECHNICAL_PENALTY)
                    reasons.append(f"a {FAMILY_LABELS.get(family, family)} role, not one you target")
            return (np.array(values) if values else np.zeros(0)), reasons

        return self.memo("role", frozenset(targets), make)

    def place_values(self, locations: tuple[str, ...], takes_remote: bool | None) -> tuple[np.ndarray, list[str],
                                                                                             list[str]]:
        """The location penalty and its reason per place value, and the warnings of reading the
        person's places, for one ``preferences.locations`` and ``remote``."""
        def make() -> tuple[np.ndarray, list[str], list[str]]:
            from jobmatch.matcher.places import parse_person_places, place_fit

            person = parse_person_places(list(locations))
            values, reasons = [], []
            for code in range(len(self.index.place_values)):
                fit = place_fit(self.posting_place(code), person, takes_remote=takes_remote)
                values.append(round(1.0 - fit.factor, 4))
                reasons.append(fit.reason)
            return (np.array(values) if values else np.zeros(0)), reasons, list(person.warnings)

        return self.memo("place", (locations, takes_remote), make)

    def title_fits(self, wanted: str) -> np.ndarray:
        """For each distinct title, whether it holds every word of ``wanted`` (less the filler)."""
        words = frozenset(set(_words(wanted)) - _TITLE_FILLER)
        return self.memo("title", words, lambda: self.index.titles_with_words(set(words)))

    def education_values(self, held: int) -> np.ndarray:
        index = self.index

        def make() -> np.ndarray:
            below = (index.education > held) & (index.education >= 0)
            return np.where(below, np.where(index.equivalent, 0.05, 0.15), 0.0)

        return self.memo("education", held, make)

    def same_currency(self, currency: str) -> np.ndarray:
        index = self.index

        def make() -> np.ndarray:
            same_value = np.array([c in ("", currency) for c in index.currency_values], dtype=bool)
            return same_value[index.currency_codes] if len(index) else np.zeros(0, dtype=bool)

        return self.memo("currency", currency, make)

    # Filters (per posting, True: kept) ------------------------------------------------------------

    def remote_mask(self) -> np.ndarray:
        index = self.index

        def make() -> np.ndarray:
            values = np.array([bool(self.posting_place(code).remote) for code in range(len(index.place_values))],
                              dtype=bool)
            return values[index.place_codes] if len(index) else np.zeros(0, dtype=bool)

        return self.memo("filter", "remote", make)

    def place_mask(self, place: str) -> np.ndarray:
        index = self.index

        def make() -> np.ndarray:
            from jobmatch.matcher.places import parse_person_places, place_fit

            person = parse_person_places([place])
            values = np.array([place_fit(self.posting_place(code), person, takes_remote=True).factor >= 0.9
                               for code in range(len(index.place_values))], dtype=bool)
            return values[index.place_codes] if len(index) else np.zeros(0, dtype=bool)

        return self.memo("filter", ("place", place), make)

    def roles_mask(self, roles: tuple[str, ...]) -> np.ndarray:
        index = self.index

        def make() -> np.ndarray:
            values = np.array([family in roles for family in index.family_values], dtype=bool)
            return values[index.family_codes] if len(index) else np.zeros(0, dtype=bool)

        return self.memo("filter", ("roles", tuple(roles)), make)

    def since_mask(self, since: str) -> np.ndarray:
        return self.memo("filter", ("since", since), lambda: np.array(
            [bool(value) and value >= since for value in self.first_seen], dtype=bool))


class Matcher:
    """Scores one profile against a PostingIndex. Deterministic: ties break on posting id.

    What does not depend on the profile comes from the index's IndexScoring (``scoring``: built
    on first use and shared by every Matcher of the index)."""

    def __init__(self, index: PostingIndex, taxonomy: Taxonomy, profile: Profile, *,
                 include_not_jobs: bool = False, scoring: IndexScoring | None = None):
        if scoring is None:
            scoring = IndexScoring.of(index, taxonomy)
        elif scoring.index is not index or scoring.taxonomy is not taxonomy:
            raise ValueError("scoring was built for another index or taxonomy")
        self.index = index
        self.taxonomy = taxonomy
        self.profile = profile
        self.scoring = scoring
        self.targets = tuple(profile.targets) or DEFAULT_TARGETS
        self.credit, self.via = self._credit_vector()
        self.ask_kind = scoring.ask_kind
        self.ask_weight = scoring.ask_weight
        self.ask_total = scoring.ask_total
        self.ask_credit = self._ask_credit()
        self.covered = _covered(index, self.ask_weight, self.ask_credit)
        self.coverage = np.divide(self.covered, self.ask_total, out=np.zeros(len(index)), where=self.ask_total > 0)
        self.coverage = np.clip(self.coverage, 0.0, 1.0)
        self.fit = self.coverage
        self.penalty_parts = self._penalties()
        self.multiplier = np.ones(len(index))
        for part in self.penalty_parts:
            self.multiplier *= 1.0 - part.values
        self.excluded = self._excluded()
        self.not_job = np.zeros(len(index), dtype=bool)
        if not include_not_jobs and len(index):
            self.not_job = scoring.not_job & ~self.excluded
        self.scores = np.where(self.excluded | self.not_job, -1.0, self.fit * self.multiplier)

    # Skills ---------------------------------------------------------------------------------

    def _credit_vector(self) -> tuple[np.ndarray, dict[str, str]]:
        """Per skill column: 1 for a held skill (scaled by level), IMPLIED_CREDIT for what a held
        skill builds on (its prerequisites and broader skills), partial for a linked one."""
        credit = np.zeros(len(self.index.skill_ids))
        via: dict[str, str] = {}
        held = self.profile.skills
        self.implied = implied_skills(self.taxonomy, set(held))
        for skill_id, source in sorted(self.implied.items() if IMPLIED_CREDIT > 0 else ()):
            column = self.index.column.get(skill_id)
            if column is not None:
                credit[column] = IMPLIED_CREDIT * held[source].strength
                via[skill_id] = source
        for skill_id, skill in held.items():
            column = self.index.column.get(skill_id)
            if column is not None:
                credit[column] = max(credit[column], skill.strength)
                via.pop(skill_id, None)
        for skill_id, skill in sorted(held.items()):
            for neighbour in self.scoring.neighbours(skill_id):
                column = self.index.column.get(neighbour)
                if column is not None and neighbour not in held and credit[column] < RELATED_CREDIT * skill.strength:
                    credit[column] = RELATED_CREDIT * skill.strength
                    via[neighbour] = skill_id
        return credit, via

    def _ask_credit(self, credit: np.ndarray | None = None) -> np.ndarray:
        """Per ask: the best credit among the skills that satisfy it, less where years fall short."""
        index, scoring = self.index, self.scoring
        credit = self.credit if credit is None else credit
        if index.ask_members.shape[0] == 0:
            return np.zeros(0)
        best = scoring.best_credit(credit)
        columns, years = [], []
        for skill_id, skill in self.profile.skills.items():
            column = index.column.get(skill_id)
            if column is not None and skill.years is not None:
                columns.append(column)
                years.append(skill.years)
        if columns:
            # The single asks of each held skill with years, against the years the posting asks.
            asks, asked, held_years = scoring.single_asks_of(columns, years)
            short = asked > held_years
            if short.any():
                factor = 0.5 + 0.5 * held_years[short] / asked[short]
                best[asks[short]] = best[asks[short]] * factor
        return best

    # Penalties and filters ----------------------------------------------------------------

    def _penalties(self) -> list[_Penalty]:
        index, profile, prefs, scoring = self.index, self.profile, self.profile.preferences, self.scoring
        parts: list[_Penalty] = []
        parts.append(self._role_penalty())
        experience = self._experience_penalty()
        if experience is not None:
            parts.append(experience)
        if profile.education is not None:
            parts.append(_Penalty("education", scoring.education_values(EDUCATION_CODES[profile.education]),
                                  template="requires a {education} degree"))
        place = self._place_penalty()
        if place is not None:
            parts.append(place)
        parts.extend(self._requirement_penalties())
        if prefs.titles and TITLE_MISMATCH_PENALTY > 0:
            fits_value = np.zeros(len(index.title_values), dtype=bool)
            for wanted in prefs.titles:
                fits_value |= scoring.title_fits(wanted)
            fits = fits_value[index.title_codes] if len(index) else np.zeros(0, dtype=bool)
            parts.append(_Penalty("title", np.where(fits, 0.0, TITLE_MISMATCH_PENALTY),
                                  template="the title is none of the titles you want"))
        if prefs.min_salary is not None:
            parts.append(_Penalty("salary", np.where(self._salary_below(), 0.2, 0.0), template="pays below your minimum"))
        self._technical_asks = scoring.technical_asks
        parts.append(_Penalty("thin", scoring.thin,
                              template="names only {asks:g} technical skill(s): little to judge a fit on"))
        return parts

    def _role_penalty(self) -> _Penalty:
        """Outside the target families, a share of the score by how far the family is: a neighbour
        (data scientist for an ML engineer) costs little, another technical role more, a
        non-technical one most of it."""
        index = self.index
        per_value, reasons = self.scoring.role_values(self.targets)
        codes = index.family_codes
        return _Penalty("role", per_value[codes] if len(index) else np.zeros(0), reasons, codes)

    def _experience_penalty(self) -> _Penalty | None:
        """Years asked (overall) and the title's seniority against the years held: one penalty."""
        held = self.profile.years_experience
        if held is None:
            return None
        asked, expected, cap, internship = self.scoring.experience_base
        short = np.maximum(asked - held, expected - held)
        values = np.clip(YEAR_PENALTY * np.maximum(short - 0.5, 0.0) * (short > 0), 0.0, MAX_EXPERIENCE_PENALTY)
        over = held > cap + 3
        values = np.where(over, np.maximum(values, OVERQUALIFIED_PENALTY), values)
        wants_internship = any("intern" in title.lower() for title in self.profile.preferences.titles)
        if not wants_internship:
            values = np.where(internship & ~over, np.maximum(values, INTERNSHIP_PENALTY), values)
        self._internship = internship & ~over & (not wants_internship)
        self._experience_expected, self._experience_over = np.maximum(asked, expected), over
        return _Penalty("experience", values, template="")

    def _place_penalty(self) -> _Penalty | None:
        prefs = self.profile.preferences
        if not prefs.locations and prefs.remote is None:
            return None
        per_value, reasons, warnings = self.scoring.place_values(tuple(prefs.locations), prefs.remote)
        self.place_warnings = list(warnings)
        codes = self.index.place_codes
        return _Penalty("location", per_value[codes] if len(self.index) else np.zeros(0), reasons, codes)

    def _requirement_penalties(self) -> list[_Penalty]:
        """Required spoken languages and clearances the person lacks: requirements, not points."""
        index, taxonomy = self.index, self.taxonomy
        held = set(self.profile.skills)
        languages_held = {s for s in held if _category(taxonomy, s) == "spoken_languages"}
        if not languages_held:
            english = taxonomy.resolve("english")
            languages_held = {english} if english else set()
        parts = []
        self._requirement_columns = {}
        for kind, category, penalty in (("language", "spoken_languages", LANGUAGE_PENALTY),
                                        ("clearance", "credentials", CLEARANCE_PENALTY)):
            all_columns, rows, counts = self.scoring.requirement_columns(category)
            columns, lacking = [], counts
            for column, asked in zip(all_columns, rows, strict=True):
                skill_id = index.skill_ids[column]
                if skill_id not in held and skill_id not in languages_held:
                    columns.append(column)
                elif asked.size:
                    lacking = lacking.copy() if lacking is counts else lacking
                    lacking[asked] -= 1  # the postings that require it count one fewer the person lacks
            self._requirement_columns[kind] = columns
            if not columns:
                continue
            parts.append(_Penalty(kind, np.where(lacking > 0, penalty, 0.0), template=kind))
        return parts

    def _excluded(self) -> np.ndarray:
        index, prefs = self.index, self.profile.preferences
        excluded = np.zeros(len(index), dtype=bool)
        if prefs.exclude_companies:
            names = {_fold(c) for c in prefs.exclude_companies}
            excluded_value = np.array([folded in names for folded in self.scoring.folded_companies], dtype=bool)
            excluded = excluded_value[index.company_codes] if len(index) else excluded
        return excluded

    def _salary_below(self) -> np.ndarray:
        prefs = self.profile.preferences
        top = self.scoring.salary_top
        if prefs.min_salary_currency:
            same = self.scoring.same_currency(prefs.min_salary_currency)
        else:
            same = np.ones(len(self.index), dtype=bool)
        return ~np.isnan(top) & same & (top < prefs.min_salary)

    def scores_with(self, column: int) -> tuple[np.ndarray, np.ndarray]:
        """The postings that ask for the skill in ``column``, and their scores if the profile held it."""
        index = self.index
        asks = _asks_of_column(index)[column]
        if asks.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        rows = index.ask_posting[asks]
        gained = self.ask_weight[asks] * (1.0 - self.ask_credit[asks])
        postings, inverse = np.unique(rows, return_inverse=True)
        extra = np.bincount(inverse, weights=gained, minlength=len(postings))
        total = self.ask_total[postings]
        coverage = np.minimum(self.coverage[postings] + np.divide(extra, total, out=np.zeros(len(postings)),
                                                                   where=total > 0), 1.0)
        return postings, coverage * self.multiplier[postings]

    # Filters ----------------------------------------------------------------------------------

    def apply_filters(self, *, remote_only: bool = False, place: str | None = None, min_score: float | None = None,
                      since: str | None = None, roles: tuple[str, ...] = ()) -> dict[str, int]:
        """Leave out postings a person filtered away (scores set to -1); how many each filter took.

        ``place``: on-site or hybrid there, or remote open to it (by geography); ``min_score`` out
        of 100; ``since``: first seen at or after this ISO date or time; ``roles``: role families.
        """
        scoring = self.scoring
        taken: dict[str, int] = {}
        keep = self.scores >= 0

        def cut(name: str, mask: np.ndarray) -> None:
            nonlocal keep
            taken[name] = int((keep & ~mask).sum())
            keep = keep & mask

        if remote_only:
            cut("not_remote", scoring.remote_mask())
        if place:
            cut("elsewhere", scoring.place_mask(place))
        if roles:
            cut("other_roles", scoring.roles_mask(tuple(roles)))
        if since:
            cut("older", scoring.since_mask(since))
        if min_score is not None:
            cut("below_min_score", np.round(100 * self.scores, 2) >= min_score)
        self.scores = np.where(keep, self.scores, -1.0)
        self.filtered_out = taken
        return taken

    def apply_statuses(self, statuses: dict[str, dict[str, Any]], *, show_tracked: bool = False) -> int:
        """What the person did with postings (jobmatch track): postings they applied to, were
        turned down for or dismissed leave the ranking unless ``show_tracked``; every status shows."""
        self.statuses = statuses
        if not statuses or show_tracked:
            return 0
        rows_by_id = self.scoring.rows_by_id
        if rows_by_id is None:
            done = np.array([statuses.get(posting_id, {}).get("status") in HIDDEN_STATUSES
                             for posting_id in self.index.ids], dtype=bool)
        else:
            done = np.zeros(len(self.index), dtype=bool)
            for posting_id, tracked in statuses.items():
                row = rows_by_id.get(posting_id)
                if row is not None and tracked.get("status") in HIDDEN_STATUSES:
                    done[row] = True
        hidden = done & (self.scores >= 0)
        self.scores = np.where(hidden, -1.0, self.scores)
        self.__dict__.setdefault("filtered_out", {})["tracked"] = int(hidden.sum())
        return int(hidden.sum())

    def posting_place(self, code: int):
        """The parsed place of a distinct location value (matcher.places.PostingPlace), cached."""
        return self.scoring.posting_place(code)

    def where(self, row: int) -> str:
        """Where a posting is, for a table: "Berlin, DE (hybrid); remote: EU"."""
        return self.posting_place(int(self.index.place_codes[row])).label

    # Results ----------------------------------------------------------------------------------

    def rank(self, top: int | None = 20) -> Ranking:
        considered = int((self.scores >= 0).sum())
        chosen = self.top_rows(top if top is not None else considered)
        matches = [self.explain(row, rank) for rank, row in enumerate(chosen, start=1)]
        filtered = {"excluded_company": int(self.excluded.sum()), "not_a_job": int(self.not_job.sum())}
        filtered.update(getattr(self, "filtered_out", {}))
        return Ranking(matches=matches, considered=considered, filtered=filtered, scores=self.scores)

    def top_rows(self, count: int) -> list[int]:
        """The best ``count`` postings, best first. Equal scores (to 6 places): the posting that uses
        more of what you have first (the weight of its asks you meet), then id order."""
        scores = np.round(self.scores, 6)
        eligible = np.flatnonzero(scores >= 0)
        if eligible.size > count > 0:
            cutoff = np.partition(scores[eligible], -count)[-count]
            eligible = eligible[scores[eligible] >= cutoff]
        id_rank = self.scoring.id_rank
        used = np.round(self.covered[eligible], 6)
        ordered = eligible[np.lexsort((id_rank[eligible], -used, -scores[eligible]))]
        return [int(row) for row in ordered[:count]]

    def explain(self, row: int, rank: int = 0) -> Match:
        index = self.index
        multiplier = float(self.multiplier[row])
        total = float(self.ask_total[row])
        asks = _asks_of_posting(index, row)
        contributions, partial = [], []
        matched: list[str] = []
        missing: dict[str, list[str]] = {"required": [], "preferred": [], "unspecified": []}
        missing_groups: list[dict[str, Any]] = []
        members = index.ask_members
        # The posting's asks as Python values (its asks are consecutive): the same numbers, read once.
        weights, credits = self.ask_weight[asks].tolist(), self.ask_credit[asks].tolist()
        levels, titled = index.ask_level[asks].tolist(), index.ask_title[asks].tolist()
        bounds = members.indptr[asks[0]:asks[-1] + 2].tolist() if asks.size else [0]
        options = members.indices[bounds[0]:bounds[-1]].tolist()
        held = self.profile.skills
        for number in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
            columns = options[bounds[number] - bounds[0]:bounds[number + 1] - bounds[0]]
            ids = [index.skill_ids[c] for c in columns]
            level = LEVEL_NAMES[levels[number]]
            credit = credits[number]
            if weights[number] <= 0:
                # Spoken languages and clearances: requirements (a penalty when missing), never points.
                if credit > 0 and ids[0] in held:
                    matched.append(ids[0])
                continue
            if credit <= 0:
                if len(ids) > 1:
                    missing_groups.append({"options": ids, "requirement": level})
                else:
                    missing[level].append(ids[0])
                continue
            best = max(columns, key=lambda c: (self.credit[c], -c)) if len(columns) > 1 else columns[0]
            skill_id = index.skill_ids[best]
            points = float(100 * weights[number] * credit / total * multiplier) if total else 0.0
            contribution = Contribution(skill_id, level, round(points, 2), round(credit, 3), self.via.get(skill_id),
                                        ids if len(ids) > 1 else None, bool(titled[number]))
            contributions.append(contribution)
            if skill_id in held:
                matched.append(skill_id)
            else:
                partial.append(contribution)
        contributions.sort(key=lambda c: (-c.points, c.skill))
        partial.sort(key=lambda c: (-c.points, c.skill))
        return Match(
            rank=rank, index=row, id=index.ids[row], title=index.titles[row], company=index.companies[row],
            url=index.urls[row], score=round(100 * max(float(self.scores[row]), 0.0), 2),
            fit=round(100 * float(self.fit[row]), 2), skill_coverage=round(100 * float(self.coverage[row]), 2),
            role_family=index.family_values[index.family_codes[row]],
            seniority=index.seniority_values[index.seniority_codes[row]] or None,
            matched=list(dict.fromkeys(matched)), partial=partial,
            missing_required=missing["required"], missing_preferred=missing["preferred"],
            missing_other=missing["unspecified"], missing_any_of=missing_groups,
            contributions=contributions, penalties=self._penalties_of(row),
            where=self.where(row), locations=index.locations_of(row),
            remote=None if index.remote[row] < 0 else bool(index.remote[row]), salary=self._salary_of(row),
            first_seen=index.first_seen[row],
            status=getattr(self, "statuses", {}).get(index.ids[row], {}).get("status"),
        )

    def _salary_of(self, row: int) -> dict[str, Any] | None:
        index = self.index
        low, high = float(index.salary_min[row]), float(index.salary_max[row])
        if np.isnan(low) and np.isnan(high):
            return None
        currency = index.currency_values[index.currency_codes[row]] if len(index.currency_values) else ""
        return {"min": None if np.isnan(low) else low, "max": None if np.isnan(high) else high,
                "currency": currency or None, "per_year": float(index.salary_yearly[row])}

    def _penalties_of(self, row: int) -> list[dict[str, Any]]:
        index = self.index
        penalties = []
        for part in self.penalty_parts:
            value = float(part.values[row])
            if value <= 0:
                continue
            if part.reasons is not None and part.codes is not None:
                reason = part.reasons[int(part.codes[row])]
            elif part.kind == "experience":
                reason = self._experience_reason(row)
            elif part.kind in ("language", "clearance"):
                reason = self._requirement_reason(part.kind, row)
            else:
                reason = part.template.format(education=_education_name(int(index.education[row])),
                                              asks=float(self._technical_asks[row]))
            penalties.append({"kind": part.kind, "reason": reason, "factor": round(1 - value, 3)})
        return penalties

    def _experience_reason(self, row: int) -> str:
        held = self.profile.years_experience or 0
        seniority = self.index.seniority_values[self.index.seniority_codes[row]]
        if self._experience_over[row]:
            return f"an {seniority} role; you have {held:g} years"
        if self._internship[row]:
            return "an internship; the titles you want are not internships"
        asked = float(self._experience_expected[row])
        years = self.index.years[row]
        if not np.isnan(years) and years >= asked:
            return f"asks {years:g}+ years; you have {held:g}"
        return f"a {seniority} role (about {asked:g}+ years); you have {held:g}"

    def _requirement_reason(self, kind: str, row: int) -> str:
        columns = self._requirement_columns[kind]
        asked = [self.index.skill_ids[c] for c in columns if self.index.levels[row, c] == 3]
        labels = [self.taxonomy.skills[s].label if s in self.taxonomy.skills else s for s in asked]
        return f"requires {', '.join(labels)}" + (", which you do not list" if kind == "language" else "")


def implied_skills(taxonomy: Taxonomy, held: set[str]) -> dict[str, str]:
    """The skills a profile holds by implication, each with a held skill that implies it: every
    prerequisite of a held one and the broad areas it belongs to, transitively (PyTorch -> Python ->
    programming)."""
    implied: dict[str, str] = {}
    for source in sorted(held):
        stack = [source]
        seen = {source}
        while stack:
            skill = taxonomy.skills.get(stack.pop())
            if skill is None:
                continue
            # What it builds on, and the broad areas it belongs to (not a narrower field's parent:
            # knowing model deployment is not knowing MLOps).
            parents = [b for b in skill.broader if b in taxonomy.skills and taxonomy.skills[b].broad]
            for before in (*getattr(skill, "prerequisites", ()), *parents):
                if before in seen:
                    continue
                seen.add(before)
                stack.append(before)
                if before not in held:
                    implied.setdefault(before, source)
    return implied


def _category(taxonomy: Taxonomy, skill_id: str) -> str:
    skill = taxonomy.skills.get(skill_id)
    return skill.category if skill else ""


def _kind_vector(index: PostingIndex, taxonomy: Taxonomy) -> np.ndarray:
    return np.array([KIND_WEIGHTS.get(_category(taxonomy, s), 1.0) for s in index.skill_ids], dtype=float)


def _ask_kind(index: PostingIndex, taxonomy: Taxonomy) -> np.ndarray:
    """Per ask: the mean kind weight of the skills that satisfy it."""
    members = index.ask_members
    if members.shape[0] == 0:
        return np.zeros(0)
    counts = np.diff(members.indptr).astype(float)
    return np.asarray(members @ _kind_vector(index, taxonomy)).ravel() / np.maximum(counts, 1.0)


def _ask_weights(index: PostingIndex, taxonomy: Taxonomy, kinds: np.ndarray) -> np.ndarray:
    """Per ask: level x kind x inverse document frequency (the mean of its options') x title."""
    members = index.ask_members
    if members.shape[0] == 0:
        return np.zeros(0)
    counts = np.maximum(np.diff(members.indptr).astype(float), 1.0)
    idf = np.asarray(members @ index.idf ** IDF_POWER).ravel() / counts
    level = _LEVEL_LOOKUP[index.ask_level]
    title = np.where(index.ask_title, TITLE_WEIGHT, 1.0)
    return level * kinds * idf * title


def _covered(index: PostingIndex, ask_weight: np.ndarray, ask_credit: np.ndarray) -> np.ndarray:
    """Per posting: the weight of its asks the profile meets, summed in ask order."""
    return np.bincount(index.ask_posting, weights=ask_weight * ask_credit, minlength=len(index))


def _single_columns(index: PostingIndex) -> np.ndarray:
    """Per ask: the skill column of an ask with one option, -1 for a group."""
    cached = getattr(index, "_single_columns", None)
    if cached is None:
        members = index.ask_members
        counts = np.diff(members.indptr)
        cached = np.full(members.shape[0], -1, dtype=np.int64)
        singles = np.flatnonzero(counts == 1)
        cached[singles] = members.indices[members.indptr[singles]]
        index._single_columns = cached
    return cached


def _asks_of_column(index: PostingIndex) -> list[np.ndarray]:
    """Per skill column: the asks it satisfies."""
    cached = getattr(index, "_asks_of_column", None)
    if cached is None:
        by_column = index.ask_members.tocsc()
        cached = [by_column.indices[by_column.indptr[c]:by_column.indptr[c + 1]] for c in range(by_column.shape[1])]
        index._asks_of_column = cached
    return cached


def _asks_of_posting(index: PostingIndex, row: int) -> np.ndarray:
    """The asks of one posting (asks are stored in posting order)."""
    start, end = np.searchsorted(index.ask_posting, [row, row + 1])
    return np.arange(start, end)


_LEVEL_LOOKUP = np.array([0.0, LEVEL_WEIGHTS[1], LEVEL_WEIGHTS[2], LEVEL_WEIGHTS[3]])


# What to learn next ---------------------------------------------------------------------------


@dataclass
class Gap:
    id: str
    label: str
    category: str
    postings: int  # target postings that ask for it
    required_by: int
    preferred_by: int
    unlocks: int  # postings that would pass the threshold with it
    into_top: int  # postings that would enter the person's top N
    gain: float  # its value: demand among the target postings, weighted towards the top and by reach
    top_gain: float  # mean points it would add in the person's top N
    resources: list[dict[str, Any]]
    learnable: bool = True
    prerequisite_of: list[str] = field(default_factory=list)
    target_postings: int = 0
    prerequisites: list[str] = field(default_factory=list)  # what to learn first that the person lacks

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "category": self.category, "postings": self.postings,
                "required_by": self.required_by, "preferred_by": self.preferred_by, "unlocks": self.unlocks,
                "into_top": self.into_top, "gain": self.gain, "top_gain": self.top_gain,
                "target_postings": self.target_postings, "learnable": self.learnable,
                "resources": self.resources, "prerequisite_of": self.prerequisite_of,
                "prerequisites": self.prerequisites}

    def why(self, threshold: float, top: int) -> str:
        """The parts of its value, as a sentence."""
        parts = [f"asked by {self.postings} of your {self.target_postings} target postings"
                 + (f", required in {self.required_by}" if self.required_by else "")]
        if self.top_gain > 0:
            parts.append(f"+{self.top_gain:.1f} points on average in your top {top}")
        if self.unlocks:
            parts.append(f"{self.unlocks} more over {100 * threshold:g}")
        if self.into_top:
            parts.append(f"{self.into_top} more into your top {top}")
        return "; ".join(parts)


@dataclass
class GapReport:
    gaps: list[Gap]  # learnable, most valuable first, prerequisites brought along
    also_asked: list[Gap]  # soft skills, languages, degrees, clearances: asked, and you lack them
    target_postings: int
    top: int


TOP_N = 20


def target_rows(matcher: Matcher) -> np.ndarray:
    """The postings in the person's target role families that the ranking considers."""
    index = matcher.index
    eligible = matcher.scores >= 0
    if not len(index):
        return np.zeros(0, dtype=bool)
    in_target = np.array([family in matcher.targets for family in index.family_values], dtype=bool)
    rows = eligible & in_target[index.family_codes]
    return rows if rows.any() else eligible


def find_gaps(matcher: Matcher, *, threshold: float = MATCH_THRESHOLD, limit: int = 15,
              top: int = TOP_N) -> list[Gap]:
    return gap_report(matcher, threshold=threshold, limit=limit, top=top).gaps


def gap_report(matcher: Matcher, *, threshold: float = MATCH_THRESHOLD, limit: int = 15,
               top: int = TOP_N) -> GapReport:
    """The skills worth learning next.

    A gap's value is the demand for it among the person's target postings, each posting weighted
    by how near it is to the top of their ranking (1 / log2(rank + 2), as in NDCG) and by how
    reachable it is (its penalties: a job in a country they cannot work in counts little), each ask
    by its level and kind, less the credit a related skill already earns. Its parts are reported:
    how many postings ask for it (required, preferred), the points it would add in the top
    ``top``, how many postings it would lift over the threshold or into the top. Broad areas
    ("software engineering", "artificial intelligence") are not learn-next items: they are learnt
    through the specific skills; soft skills, languages, degrees and clearances go to
    ``also_asked``.
    """
    index, taxonomy = matcher.index, matcher.taxonomy
    targets = target_rows(matcher)
    scores = np.where(targets, matcher.scores, -1.0)
    order = np.lexsort((np.arange(len(index)), -scores))
    considered = int(targets.sum())
    position = np.full(len(index), len(index), dtype=np.int64)
    position[order] = np.arange(len(index))
    demand_weight = np.where(targets, matcher.multiplier / np.log2(position + 2.0), 0.0)
    kth = float(scores[order[top - 1]]) if considered >= top else -1.0
    top_mask = targets & (position < top)
    levels = index.levels.tocsc()
    kinds = _kind_vector(index, taxonomy)
    level_weight = np.array([0.0, LEVEL_WEIGHTS[1], LEVEL_WEIGHTS[2], LEVEL_WEIGHTS[3]])
    gaps, also = [], []
    for column, skill_id in enumerate(index.skill_ids):
        if skill_id in matcher.profile.skills or skill_id in matcher.implied or skill_id not in taxonomy.skills:
            continue  # held, or held by implication (what a held skill builds on)
        skill = taxonomy.skills[skill_id]
        if skill.degree_level:
            continue
        asked_rows = levels.indices[levels.indptr[column]:levels.indptr[column + 1]]
        asked_codes = levels.data[levels.indptr[column]:levels.indptr[column + 1]]
        in_target = targets[asked_rows]
        asked = int(in_target.sum())
        if asked == 0:
            continue
        learnable = _learnable(taxonomy, skill_id)
        if learnable:
            asks = _asks_of_column(index)[column]
            if asks.size and (matcher.ask_credit[asks] >= 1.0).all():
                continue  # every ask it would meet is met already ("AWS or GCP" and you have AWS)
            if skill.broad:
                continue  # a broad area: learnt through its specific skills
        rows, after = matcher.scores_with(column)
        keep = targets[rows]
        rows, after = rows[keep], after[keep]
        added = np.maximum(after - scores[rows], 0.0)
        value = float((demand_weight[asked_rows] * level_weight[asked_codes]).sum()) * float(kinds[column]) \
            * (1.0 - min(1.0, float(matcher.credit[column])))
        gap = Gap(
            skill_id, skill.label, skill.category, asked,
            int((asked_codes[in_target] == 3).sum()), int((asked_codes[in_target] == 1).sum()),
            int(((scores[rows] < threshold) & (after >= threshold)).sum()),
            int((~top_mask[rows] & (after > kth)).sum()) if kth >= 0 else 0,
            round(value, 4),
            round(float(100 * added[top_mask[rows]].sum() / max(1, min(top, considered))), 2),
            [r.to_dict() for r in skill.resources], learnable=learnable, target_postings=considered,
        )
        (gaps if learnable else also).append(gap)
    gaps.sort(key=lambda g: (-g.gain, -g.top_gain, -g.postings, g.id))
    also.sort(key=lambda g: (-g.postings, -g.required_by, g.id))
    for gap in also:
        gap.gain = 0.0
    return GapReport(_prerequisites_first(gaps, limit, matcher), also[:limit], considered, top)


def _learnable(taxonomy: Taxonomy, skill_id: str) -> bool:
    is_learnable = getattr(taxonomy, "is_learnable", None)
    if is_learnable is not None:
        return bool(is_learnable(skill_id))
    return _category(taxonomy, skill_id) not in KIND_WEIGHTS or KIND_WEIGHTS[_category(taxonomy, skill_id)] >= 0.5


def _prerequisites_first(gaps: list[Gap], limit: int, matcher: Matcher) -> list[Gap]:
    """The ``limit`` most valuable gaps, in value order, each naming the prerequisites the person
    lacks (``prerequisites``, in learning order: PyTorch after Python and linear algebra). `plan`
    brings them along before it; here a prerequisite is listed on its own only when its own
    value earns it a place (measured on the judged set: inserting every prerequisite ahead of its
    gap pushed the skills a coach would name out of the top five)."""
    chosen = gaps[:limit]
    listed = {gap.id for gap in chosen}
    for gap in chosen:
        gap.prerequisites = missing_prerequisites(matcher, gap.id)
        for prerequisite in gap.prerequisites:
            if prerequisite in listed:
                next(g for g in chosen if g.id == prerequisite).prerequisite_of.append(gap.id)
    return chosen


def missing_prerequisites(matcher: Matcher, skill_id: str) -> list[str]:
    """Every prerequisite of ``skill_id`` the person lacks (not held, not implied), in learning order."""
    taxonomy = matcher.taxonomy
    held = set(matcher.profile.skills) | set(matcher.implied)
    chain = taxonomy.prerequisites_of(skill_id) if hasattr(taxonomy, "prerequisites_of") else []
    return [s for s in chain if s not in held and s in taxonomy.skills and _learnable(taxonomy, s)]


@dataclass
class Readiness:
    overall: float
    by_category: dict[str, float]
    guide_categories: list[str]
    demand_by_category: dict[str, float]


def readiness(matcher: Matcher) -> Readiness:
    """The share of the demand (level-weighted) of the person's target postings that the profile
    covers, overall and per category."""
    index, taxonomy = matcher.index, matcher.taxonomy
    active = target_rows(matcher)
    levels = index.levels[active] if active.size else index.levels
    demand_matrix = levels.copy().astype(np.float64)
    demand_matrix.data = np.where(levels.data == 3, 1.0, np.where(levels.data == 2, 0.6, 0.35))
    demand = np.asarray(demand_matrix.sum(axis=0)).ravel() * _kind_vector(index, taxonomy)
    covered = demand * np.minimum(matcher.credit, 1.0)
    by_category: dict[str, float] = {}
    demand_by_category: dict[str, float] = {}
    categories = np.array([_category(taxonomy, s) for s in index.skill_ids])
    for category in sorted(set(categories) - {""}):
        mask = categories == category
        total = demand[mask].sum()
        if total > 0:
            by_category[category] = round(float(covered[mask].sum() / total), 3)
            demand_by_category[category] = round(float(total), 1)
    overall = round(float(covered.sum() / demand.sum()), 3) if demand.sum() else 0.0
    guide = sorted(c.id for c in taxonomy.categories.values() if c.origin == "guide")
    return Readiness(overall, by_category, guide, demand_by_category)


_EDUCATION_NAMES = {value: key for key, value in EDUCATION_CODES.items()}


def _education_name(code: int) -> str:
    return _EDUCATION_NAMES.get(code, "")


_WORD = re.compile(r"[a-z0-9+#]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _fold(text: str) -> str:
    return " ".join(_words(text))


__all__ = ["Contribution", "Gap", "GapReport", "IndexScoring", "Match", "Matcher", "Ranking", "Readiness",
           "MATCH_THRESHOLD", "find_gaps", "gap_report", "readiness", "target_rows"]
