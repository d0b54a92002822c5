"""matcher.batch.rank_many against a single Matcher per profile: the same rankings, to the last
explanation, for varied profiles, filters and statuses, on the bundled sample (extracted and
indexed as `jobmatch rank` does) and on a larger synthetic index with "any of" asks, years,
languages, seniorities and pay."""

from __future__ import annotations

import random
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

from jobmatch.crawler.importing import read_postings
from jobmatch.crawler.store import Store
from jobmatch.matcher.batch import rank_each, rank_many
from jobmatch.matcher.index import PostingIndex
from jobmatch.matcher.profile import load_profile, parse_profile
from jobmatch.matcher.ranking import IndexScoring, Matcher
from jobmatch.taxonomy.extraction import SkillExtractor
from jobmatch.taxonomy.loading import build_taxonomy, bundled_files, load_taxonomy
from jobmatch.taxonomy.versions import extraction_key

REPO = Path(__file__).resolve().parents[1]
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")

PROFILES = [
    "skills: [python, sql]\n",
    # A senior data scientist in London who will not work remotely, speaks German, holds a PhD.
    "skills:\n  python: 10\n  statistics: 8\n  sql: {years: 6, level: expert}\n  r: 4\n  pandas: 5\n"
    "  experimentation: 3\n  german:\n  english:\n"
    "targets: [data_scientist]\neducation: phd\nyears_experience: 10\n"
    "preferences:\n  locations: [London]\n  remote: false\n  min_salary: 90000\n  min_salary_currency: GBP\n",
    # An MLOps engineer anywhere in the EU, remote, a company they will not work for, titles they want.
    "skills:\n  kubernetes: 4\n  docker: 5\n  terraform: 2\n  aws: 3\n  python: 6\n  mlflow: 1\n  go: beginner\n"
    "targets: [mlops, software_engineer]\nyears_experience: 5\neducation: bachelor\n"
    "preferences:\n  locations: [Remote - EU, Amsterdam]\n  remote: true\n  titles: [MLOps Engineer, ML Platform Engineer]\n"
    "  exclude_companies: [Company 7, Quillfeather Analytics]\n  min_salary: 70000\n  min_salary_currency: EUR\n",
    # A student after an internship: no targets (read from the skills), no degree yet.
    "skills:\n  python: 1\n  pytorch: {years: 0.5, level: beginner}\n  machine learning: 1\n  numpy:\n"
    "education: none\nyears_experience: 0\n"
    "preferences:\n  titles: [Machine Learning Intern, Data Science Intern]\n  locations: [Toronto, Remote]\n",
    # An LLM application engineer in the US; only on-site places, no remote preference stated.
    "skills: [typescript, python, llm, rag, langchain, react, aws, gcp]\n"
    "targets: [ai_engineer]\nyears_experience: 3\neducation: master\n"
    "preferences:\n  locations: [San Francisco, New York]\n",
    # The same places, once taking remote work and once not: what is kept per place preference
    # must tell them apart.
    "skills: [python, sql, spark, airflow, docker]\ntargets: [data_engineer]\n"
    "preferences:\n  locations: [Berlin]\n  remote: true\n",
    "skills: [python, sql, spark, airflow, docker]\ntargets: [data_engineer]\n"
    "preferences:\n  locations: [Berlin]\n  remote: false\n",
]


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def sample_index(taxonomy, tmp_path_factory):
    """The bundled sample, stored, extracted and indexed the way `jobmatch rank` builds its index."""
    postings = read_postings(SAMPLE, "jsonl").postings
    store = Store(str(tmp_path_factory.mktemp("store") / "store.db"))
    store.upsert_postings(postings)
    extractor = SkillExtractor(taxonomy)
    results = []
    for posting, extraction in zip(postings, extractor.extract_many(
            (p.description or p.title, p.title, p.structured) for p in postings), strict=True):
        result = extraction.to_dict()
        result["education"] = extraction.education_required
        results.append((posting, result))
    key = extraction_key(taxonomy)
    store.save_extractions(key, results)
    degrees = frozenset(s.id for s in taxonomy.skills.values() if s.degree_level)
    index = PostingIndex.from_records(list(store.extractions(key)), leave_out=degrees)
    store.close()
    assert len(index) == sum(not p.closed_at for p in postings) and index.ask_members.nnz > 200  # open ones
    return index


@pytest.fixture(scope="module")
def synthetic_index(taxonomy):
    """1,500 postings with "any of" groups, years, spoken languages and clearances, seniorities,
    places, pay in several currencies and periods, dates, and a few texts that are not jobs."""
    rng = random.Random(3)
    skills = sorted(s for s in taxonomy.skills if not taxonomy.skills[s].degree_level)
    common = [taxonomy.resolve(n) for n in ("python", "sql", "docker", "kubernetes", "aws", "pytorch", "pandas",
                                             "statistics", "machine learning", "git", "english", "german")]
    clouds = [taxonomy.resolve(n) for n in ("aws", "gcp", "azure")]
    titles = ["Machine Learning Engineer", "Senior Data Scientist", "Junior MLOps Engineer", "Staff Data Engineer",
              "Machine Learning Intern", "Account Executive", "Backend Engineer", "AI Engineer", "Job 12",
              "Principal Research Scientist", "Data Analyst", "Platform Engineer"]
    places = [["Berlin, Germany"], ["London, UK"], ["Remote - EU"], ["New York, NY"], ["Toronto, ON, Canada"],
              ["Remote"], [], ["Paris, France", "Remote - EU"], ["San Francisco, CA"], ["Atlantis"]]
    records = []
    for number in range(1500):
        chosen = set(rng.sample(common, rng.randint(1, 5))) | set(rng.sample(skills, rng.randint(0, 12)))
        grouped = rng.random() < 0.3
        if grouped:
            chosen -= set(clouds)  # an extraction lists each skill once: here in the group
        asks = [{"id": s, "requirement": rng.choice(["required", "required", "preferred", "unspecified"]),
                 "years": rng.choice([None, None, 1, 2, 3, 5, 8]), "in_title": rng.random() < 0.1}
                for s in sorted(chosen)]
        if grouped:
            level = rng.choice(["required", "preferred"])
            asks += [{"id": c, "requirement": level, "any_of": clouds} for c in clouds]
        low = rng.choice([None, 30000, 60000, 90000, 4000, 40])
        records.append({
            "id": f"syn:{number:05d}", "title": rng.choice(titles), "company": f"Company {number % 40}",
            "url": f"https://example.com/{number}", "locations": rng.choice(places),
            "remote": rng.choice([None, True, False]), "salary_min": low,
            "salary_max": None if low is None else low * rng.choice([1, 1.3]),
            "salary_currency": rng.choice(["EUR", "USD", "GBP", None]),
            "salary_period": {4000: "month", 40: "hour"}.get(low, "year"),
            "first_seen": f"2026-{rng.randint(9, 11):02d}-{rng.randint(1, 28):02d}T02:00:00Z",
            "years_experience": rng.choice([None, 1, 2, 3, 5, 8, 12]),
            "education": rng.choice([None, "bachelor", "master", "phd"]),
            "education_or_equivalent": rng.random() < 0.4, "seniority": None,
            "skills": asks if number % 97 else [],  # now and then a text that names nothing (not a job)
        })
    return PostingIndex.from_records(records)


def profiles_of(taxonomy):
    examples = [load_profile(str(p), taxonomy) for p in sorted((REPO / "examples").glob("*.yaml"))]
    return examples + [parse_profile(text, taxonomy) for text in PROFILES]


def single(index, taxonomy, profile, *, top, filters, tracked, show_tracked):
    """One profile the way `jobmatch rank` ranks it, with an IndexScoring of its own (nothing kept
    from other profiles)."""
    matcher = Matcher(index, taxonomy, profile, scoring=IndexScoring(index, taxonomy))
    matcher.apply_filters(**filters)
    if tracked is not None:
        matcher.apply_statuses(tracked, show_tracked=show_tracked)
    return matcher.rank(top)


def statuses_for(index, count):
    """Varied tracking: none, nothing tracked, postings applied to, dismissed and only interested in."""
    ids = list(index.ids)
    kinds = ["applied", "dismissed", "interested", "rejected", "offer", "interviewing"]
    tracked = [None, {}]
    for number in range(count - 2):
        rng = random.Random(number)
        tracked.append({posting_id: {"status": rng.choice(kinds)} for posting_id in rng.sample(ids, min(6, len(ids)))}
                       | {"not-in-the-index": {"status": "applied"}})
    return tracked


def assert_same(batch, singles):
    assert len(batch) == len(singles)
    for got, want in zip(batch, singles, strict=True):
        assert [m.to_dict() for m in got.matches] == [m.to_dict() for m in want.matches]
        assert [m.index for m in got.matches] == [m.index for m in want.matches]
        assert (got.considered, got.filtered) == (want.considered, want.filtered)
        assert np.array_equal(got.scores, want.scores)


FILTERS = [{}, {"remote_only": True}, {"place": "Berlin"}, {"roles": ("ml_engineer", "data_scientist", "mlops")},
           {"since": "2026-10-15"}, {"min_score": 15.0},
           {"place": "Remote - EU", "since": "2026-10-01", "min_score": 5.0, "roles": ("ml_engineer",)}]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "+".join(f) or "none")
@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_rank_many_equals_a_matcher_per_profile(request, taxonomy, which, filters):
    index = request.getfixturevalue(f"{which}_index")
    profiles = profiles_of(taxonomy)
    tracked = statuses_for(index, len(profiles))
    for show_tracked in (False, True) if not filters else (False,):
        for top in (min(len(index), 300), 5):  # deep in the list, and a short list (a cutoff among ties)
            batch = rank_many(index, taxonomy, profiles, top=top, filters=filters, statuses=tracked,
                              show_tracked=show_tracked)
            assert_same(batch, [single(index, taxonomy, p, top=top, filters=filters, tracked=t,
                                       show_tracked=show_tracked) for p, t in zip(profiles, tracked, strict=True)])
    assert any(r.matches for r in batch)


def test_the_rankings_are_told_apart(sample_index, taxonomy):
    """The profiles are varied enough to rank differently, and penalties of every kind show."""
    rankings = rank_many(sample_index, taxonomy, profiles_of(taxonomy), top=len(sample_index))
    firsts = {tuple(m.id for m in r.matches[:5]) for r in rankings}
    assert len(firsts) >= 5
    kinds = {p["kind"] for r in rankings for m in r.matches for p in m.penalties}
    assert {"role", "experience", "education", "location", "salary", "title"} <= kinds


def test_without_statuses_keep_scores_and_one_at_a_time(synthetic_index, taxonomy):
    profiles = profiles_of(taxonomy)
    every = rank_many(synthetic_index, taxonomy, profiles, top=len(synthetic_index))  # every posting explained
    assert_same(every, [single(synthetic_index, taxonomy, p, top=len(synthetic_index), filters={}, tracked=None,
                               show_tracked=False) for p in profiles])
    kinds = {p["kind"] for r in every for m in r.matches for p in m.penalties}
    assert kinds == {"role", "experience", "education", "location", "salary", "title", "thin", "language",
                     "clearance"}
    assert any(m.missing_any_of or any(c.options for c in m.contributions) for r in every for m in r.matches)
    full = rank_many(synthetic_index, taxonomy, profiles, top=20)
    assert_same(full, [single(synthetic_index, taxonomy, p, top=20, filters={}, tracked=None, show_tracked=False)
                       for p in profiles])
    light = rank_many(synthetic_index, taxonomy, profiles, top=20, keep_scores=False)
    assert all(r.scores is None for r in light)
    assert [[m.to_dict() for m in r.matches] for r in light] == [[m.to_dict() for m in r.matches] for r in full]
    streamed = rank_each(synthetic_index, taxonomy, iter(profiles), top=20)
    assert_same(list(streamed), full)
    assert rank_many(synthetic_index, taxonomy, [], top=20) == []


def test_the_shared_part_is_built_once_and_never_cached_on_disk(synthetic_index, taxonomy, tmp_path):
    profiles = profiles_of(taxonomy)
    rank_many(synthetic_index, taxonomy, profiles, top=3)
    scoring = IndexScoring.of(synthetic_index, taxonomy)
    assert Matcher(synthetic_index, taxonomy, profiles[0]).scoring is scoring
    assert rank_many(synthetic_index, taxonomy, profiles[:1], top=3)[0].matches  # still the same object
    assert IndexScoring.of(synthetic_index, taxonomy) is scoring
    other = build_taxonomy([str(path) for path in bundled_files()])
    assert IndexScoring.of(synthetic_index, other) is not scoring  # another taxonomy: its own
    with pytest.raises(ValueError, match="another index"):
        Matcher(synthetic_index, taxonomy, profiles[0], scoring=IndexScoring(synthetic_index, other))
    path = tmp_path / "index.pickle"
    synthetic_index.save(path)
    loaded = PostingIndex.load(path, "")
    assert loaded is not None and "_scoring" not in loaded.__dict__
    again = rank_many(loaded, taxonomy, profiles, top=10)
    assert [[m.to_dict() for m in r.matches] for r in again] == \
        [[m.to_dict() for m in r.matches] for r in rank_many(synthetic_index, taxonomy, profiles, top=10)]
