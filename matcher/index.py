"""The postings as a matrix over taxonomy skill ids, TF-IDF weighted (scikit-learn).

Rows are postings, columns skills. A cell holds the requirement level's weight (required counts
more than preferred); scikit-learn's TfidfTransformer then lowers skills every posting asks for and
raises rare, telling ones, and L1-normalises each row so a posting's weights sum to 1: a profile's
score is the share of the posting's weighted demand it covers. Built once per store and taxonomy
version and cached on disk (``save``/``load``).
"""

from __future__ import annotations

import json
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

LEVEL_CODES = {"preferred": 1, "unspecified": 2, "required": 3}
LEVEL_NAMES = {code: name for name, code in LEVEL_CODES.items()}
LEVEL_WEIGHTS = {1: 0.35, 2: 0.6, 3: 1.0}
EDUCATION_CODES = {"none": 0, "bachelor": 1, "master": 2, "phd": 3}
UNSURE_ROLE = 0.35  # a role guess less sure than this (matcher.roles' confidence) counts as unknown
CACHE_FORMAT = 7  # 6: a JSON header line before the pickle
CACHE_MAGIC = "jobmatch_index"
MAX_HEADER_BYTES = 64 * 1024
_WORD = re.compile(r"[a-z0-9+#]+")
PERIOD_TO_YEAR = {"year": 1, "yearly": 1, "annual": 1, "month": 12, "monthly": 12, "week": 52, "weekly": 52,
                  "day": 260, "daily": 260, "hour": 2080, "hourly": 2080}


class TextColumn:
    """Many strings kept as one string and its offsets: a cached index of a million postings
    unpickles in a moment instead of rebuilding a million string objects."""

    def __init__(self, values: Iterable[str]):
        values = list(values)
        self._text = "".join(values)
        self._ends = np.cumsum(np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values)))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, row: int) -> str:
        if not 0 <= row < len(self._ends):
            raise IndexError(row)
        start = int(self._ends[row - 1]) if row else 0
        return self._text[start:int(self._ends[row])]

    def __iter__(self) -> Iterator[str]:
        start = 0
        for end in self._ends.tolist():
            yield self._text[start:end]
            start = end


@dataclass
class PostingIndex:
    """Postings (metadata arrays) and their skill matrix, ready for vectorised scoring."""

    ids: TextColumn
    titles: TextColumn
    companies: TextColumn
    urls: TextColumn
    first_seen: TextColumn
    locations: list[list[str]]  # folded into location_values/location_matrix, then dropped
    remote: np.ndarray  # 1 remote, 0 on-site, -1 unknown
    salary_min: np.ndarray
    salary_max: np.ndarray
    salary_yearly: np.ndarray  # what one salary unit is a year (12 for monthly, 2080 for hourly)
    salary_currency: list[str]  # folded into currency_values/currency_codes, then dropped
    years: np.ndarray  # overall years asked, nan when unstated
    education: np.ndarray  # EDUCATION_CODES, -1 when unstated
    equivalent: np.ndarray  # "or equivalent experience" accepted
    skill_ids: list[str]
    levels: sp.csr_matrix  # LEVEL_CODES per (posting, skill)
    skill_years: sp.csr_matrix  # years asked per (posting, skill), 0 when unstated
    # The asks: one row per thing a posting asks for, a skill or a group of options ("AWS, GCP or
    # Azure"), with the skills that satisfy it, the posting it belongs to, its level and whether the
    # job title names it.
    ask_members: sp.csr_matrix
    ask_posting: np.ndarray
    ask_level: np.ndarray
    ask_title: np.ndarray
    role_family: list[str]  # folded into family_values/family_codes
    seniority: list[str]  # from the title ("" when not stated), folded into seniority_values/codes
    place_keys: list[str]  # the location strings and remote flag, folded into place_values/place_codes
    not_job: list[str]  # why a text is not a job posting ("" for a posting), folded like the others
    weights: sp.csr_matrix = field(init=False)  # TF-IDF weighted, rows sum to 1
    idf: np.ndarray = field(init=False)
    key: str = ""

    def __post_init__(self) -> None:
        self.column = {skill_id: i for i, skill_id in enumerate(self.skill_ids)}
        self._weigh()
        # Distinct titles, companies and locations, so preferences are checked once per value.
        self.title_values, self.title_codes = _codes(self.titles)
        self.title_words, self.title_word_matrix = _word_matrix(self.title_values)
        self.company_values, self.company_codes = _codes(self.companies)
        self.currency_values, self.currency_codes = _codes(self.salary_currency)
        self.location_values, location_codes = _codes([loc for locs in self.locations for loc in locs])
        counts = np.array([len(locs) for locs in self.locations], dtype=np.int64)
        self.location_codes = location_codes  # in each posting's own order, rows delimited by location_indptr
        self.location_indptr = np.concatenate([[0], np.cumsum(counts)])
        self.location_matrix = sp.csr_matrix(
            (np.ones(len(location_codes), dtype=np.int8), location_codes, self.location_indptr),
            shape=(len(self.locations), len(self.location_values)))
        self.family_values, self.family_codes = _codes(self.role_family)
        self.seniority_values, self.seniority_codes = _codes(self.seniority)
        self.place_values, self.place_codes = _codes(self.place_keys)
        self.not_job_values, self.not_job_codes = _codes(self.not_job)
        self.locations, self.salary_currency = [], []  # kept above in compact form
        self.role_family, self.seniority, self.place_keys, self.not_job = [], [], [], []
        self.order_ids = np.argsort(np.array(list(self.ids), dtype=object), kind="stable")  # for tie-breaking

    # What scoring keeps with a loaded index (matcher.ranking), rebuilt when needed: never in a cache file.
    _TRANSIENT = ("_scoring", "_single_columns", "_asks_of_column")

    def __getstate__(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name not in self._TRANSIENT}

    def locations_of(self, row: int) -> list[str]:
        start, end = self.location_indptr[row], self.location_indptr[row + 1]
        return [self.location_values[code] for code in self.location_codes[start:end]]

    def titles_with_words(self, words: set[str]) -> np.ndarray:
        """For each distinct title, whether it holds all of ``words``."""
        columns = [self.title_words.get(word) for word in words]
        if not words or None in columns:
            return np.zeros(len(self.title_values), dtype=bool)
        return np.asarray(self.title_word_matrix[:, columns].sum(axis=1)).ravel() == len(columns)

    def _weigh(self) -> None:
        level_weight = self.levels.copy().astype(np.float64)
        level_weight.data = np.vectorize(LEVEL_WEIGHTS.get, otypes=[np.float64])(self.levels.data) \
            if self.levels.nnz else level_weight.data
        if self.levels.shape[0] == 0 or self.levels.shape[1] == 0:
            self.idf = np.ones(self.levels.shape[1])
            self.weights = level_weight.tocsr()
            return
        from sklearn.feature_extraction.text import TfidfTransformer  # here: loading a cached index skips it

        transformer = TfidfTransformer(norm="l1", smooth_idf=True, sublinear_tf=False).fit(level_weight)
        self.idf = transformer.idf_
        self.weights = transformer.transform(level_weight).tocsr()

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]], key: str = "",
                     leave_out: frozenset[str] = frozenset()) -> PostingIndex:
        """Build from the store's rows (posting metadata plus its extraction).

        ``leave_out``: skill ids scored another way (degrees, through the education asked for).
        """
        from jobmatch.matcher.roles import classify_role, looks_like_not_a_job

        columns: dict[str, int] = {}
        rows, cols, codes, years_asked = [], [], [], []
        ask_rows, ask_cols, ask_posting, ask_level, ask_title = [], [], [], [], []
        meta: dict[str, list[Any]] = {name: [] for name in (
            "ids", "titles", "companies", "urls", "locations", "first_seen", "remote", "salary_min", "salary_max",
            "salary_currency", "salary_yearly", "years", "education", "equivalent", "family", "seniority",
            "place", "not_job")}
        roles: dict[tuple[str, tuple[str, ...]], Any] = {}
        for row_number, record in enumerate(records):
            title = record.get("title") or ""
            meta["ids"].append(record["id"])
            meta["titles"].append(title)
            meta["companies"].append(record.get("company") or "")
            meta["urls"].append(record.get("url") or "")
            locations = [str(place) for place in (record.get("locations") or [])]
            meta["locations"].append(locations)
            meta["first_seen"].append(record.get("first_seen") or "")
            remote = record.get("remote")
            meta["remote"].append(-1 if remote is None else int(bool(remote)))
            meta["place"].append(place_key(locations, remote))
            meta["salary_min"].append(_number(record.get("salary_min")))
            meta["salary_max"].append(_number(record.get("salary_max")))
            meta["salary_currency"].append((record.get("salary_currency") or "").upper())
            meta["salary_yearly"].append(PERIOD_TO_YEAR.get((record.get("salary_period") or "").lower(), 1.0))
            meta["years"].append(_number(record.get("years_experience")))
            meta["education"].append(EDUCATION_CODES.get(record.get("education") or "", -1))
            meta["equivalent"].append(bool(record.get("education_or_equivalent")))
            skills = [skill for skill in record.get("skills") or [] if skill["id"] not in leave_out]
            groups: dict[tuple[str, ...], int] = {}
            for skill in skills:
                column = columns.setdefault(skill["id"], len(columns))
                rows.append(row_number)
                cols.append(column)
                code = LEVEL_CODES.get(skill.get("requirement"), 2)
                codes.append(code)
                years_asked.append(float(skill.get("years") or 0.0))
                options = tuple(o for o in (skill.get("any_of") or ()) if o not in leave_out)
                if len(options) < 2:
                    ask_rows.append(len(ask_posting))
                    ask_cols.append(column)
                    ask_posting.append(row_number)
                    ask_level.append(code)
                    ask_title.append(bool(skill.get("in_title")))
                elif options in groups:
                    number = groups[options]
                    ask_level[number] = max(ask_level[number], code)
                else:
                    number = groups[options] = len(ask_posting)
                    for option in options:
                        ask_rows.append(number)
                        ask_cols.append(columns.setdefault(option, len(columns)))
                    ask_posting.append(row_number)
                    ask_level.append(code)
                    ask_title.append(False)
            skill_key = tuple(sorted(skill["id"] for skill in skills))
            guess = roles.get((title, skill_key))
            if guess is None:
                guess = roles[(title, skill_key)] = classify_role(title, skill_key)
            # A title that names no role ("Job 12", "!!!") says nothing about the job: unknown, not non-technical.
            meta["family"].append(guess.family if guess.confidence >= UNSURE_ROLE else "unknown")
            meta["seniority"].append(guess.seniority or record.get("seniority") or "")
            meta["not_job"].append(looks_like_not_a_job(title, "", len(skills)) or "")
        shape = (len(meta["ids"]), len(columns))
        levels = sp.csr_matrix((np.array(codes, dtype=np.int8), (rows, cols)), shape=shape)
        levels.sum_duplicates()
        skill_years = sp.csr_matrix((np.array(years_asked), (rows, cols)), shape=shape)
        ask_members = sp.csr_matrix((np.ones(len(ask_rows), dtype=np.float64), (ask_rows, ask_cols)),
                                    shape=(len(ask_posting), len(columns)))
        ask_members.sum_duplicates()
        ask_members.data[:] = 1.0
        return cls(
            ids=TextColumn(meta["ids"]), titles=TextColumn(meta["titles"]), companies=TextColumn(meta["companies"]),
            urls=TextColumn(meta["urls"]), first_seen=TextColumn(meta["first_seen"]), locations=meta["locations"],
            remote=np.array(meta["remote"], dtype=np.int8),
            salary_min=np.array(meta["salary_min"], dtype=np.float64),
            salary_max=np.array(meta["salary_max"], dtype=np.float64),
            salary_yearly=np.array(meta["salary_yearly"], dtype=np.float64), salary_currency=meta["salary_currency"],
            years=np.array(meta["years"], dtype=np.float64),
            education=np.array(meta["education"], dtype=np.int8),
            equivalent=np.array(meta["equivalent"], dtype=bool),
            skill_ids=sorted(columns, key=columns.get), levels=levels, skill_years=skill_years, key=key,
            ask_members=ask_members, ask_posting=np.array(ask_posting, dtype=np.int64),
            ask_level=np.array(ask_level, dtype=np.int8), ask_title=np.array(ask_title, dtype=bool),
            role_family=meta["family"], seniority=meta["seniority"], place_keys=meta["place"],
            not_job=meta["not_job"],
        )

    def save(self, path: Path, header: dict[str, Any] | None = None) -> None:
        """Write the index atomically: to a temporary file of this process's own, renamed into place.

        The file starts with one JSON line (the format, ``key`` and ``header``), so a stale cache
        is recognised, and caches are listed, without unpickling them.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({**(header or {}), CACHE_MAGIC: CACHE_FORMAT, "key": self.key}, ensure_ascii=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(line.encode("ascii") + b"\n")
                pickle.dump(self, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @staticmethod
    def read_header(path: Path) -> dict[str, Any] | None:
        """The JSON line a cache file starts with, or None when it is not a cache of this format."""
        try:
            with open(path, "rb") as handle:
                return _header(handle)
        except OSError:
            return None

    @staticmethod
    def load(path: Path, key: str) -> PostingIndex | None:
        """The cached index if it was built for ``key`` (store and taxonomy version), else None."""
        try:
            with open(path, "rb") as handle:
                header = _header(handle)
                if header is None or header.get("key") != key:
                    return None  # stale or foreign: not unpickled at all
                index = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError, TypeError):
            return None
        if not isinstance(index, PostingIndex) or index.key != key:
            return None
        return index


def _header(handle: Any) -> dict[str, Any] | None:
    line = handle.readline(MAX_HEADER_BYTES)
    if not line.endswith(b"\n"):
        return None
    try:
        header = json.loads(line)
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get(CACHE_MAGIC) != CACHE_FORMAT:
        return None
    return header


def place_key(locations: list[str], remote: Any) -> str:
    """One string for where a posting is: its locations and the board's remote flag."""
    flag = "" if remote is None else ("remote" if remote else "onsite")
    return "\x1f".join([flag, *locations])


def split_place_key(key: str) -> tuple[list[str], bool | None]:
    flag, *locations = key.split("\x1f")
    return locations, {"remote": True, "onsite": False}.get(flag)


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct values, and each value's position among them."""
    positions: dict[str, int] = {}
    codes = np.fromiter((positions.setdefault(v, len(positions)) for v in values), dtype=np.int64,
                        count=len(values))
    return list(positions), codes


def _word_matrix(texts: list[str]) -> tuple[dict[str, int], sp.csr_matrix]:
    """The words of each text as a 0/1 matrix over a vocabulary (lower case, letters and digits)."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, text in enumerate(texts):
        for word in set(_WORD.findall(text.lower())):
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(texts), len(vocabulary)))
    return vocabulary, matrix


def _number(value: Any) -> float:
    try:
        return float(value) if value is not None else np.nan
    except (TypeError, ValueError):
        return np.nan
