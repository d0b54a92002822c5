"""Profiles and ranking: loading errors, TF-IDF weighting, explanations, related credit, gaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmatch.matcher.errors import ProfileError
from jobmatch.matcher.index import PostingIndex
from jobmatch.matcher.profile import load_profile, parse_profile
from jobmatch.matcher.ranking import Matcher, find_gaps, readiness
from jobmatch.taxonomy.loading import build_taxonomy

SMALL = str(Path(__file__).parent / "fixtures" / "taxonomy" / "small.yaml")


@pytest.fixture(scope="module")
def taxonomy():
    return build_taxonomy([SMALL])


def record(posting_id, skills, **extra):
    return {"id": posting_id, "title": extra.pop("title", "Machine Learning Engineer"),
            "company": extra.pop("company", "Acme"),
            "skills": [{"id": s, "requirement": level, "years": years} for s, level, years in skills], **extra}


def index_of(*records):
    return PostingIndex.from_records(records)


# Profiles -----------------------------------------------------------------------------------

def test_smallest_profile(taxonomy):
    profile = parse_profile("skills: [python, sql]", taxonomy)
    assert set(profile.skills) == {"python", "sql"}


def test_skills_by_alias_with_years_and_levels(taxonomy):
    profile = parse_profile("skills:\n  sklearn: 2\n  torch: {years: 1, level: beginner}\n  k8s:\n", taxonomy)
    assert profile.skills["scikit_learn"].years == 2
    assert profile.skills["pytorch"].level == "beginner" and profile.skills["pytorch"].strength < 1
    assert "kubernetes" in profile.skills


def test_unknown_skill_warns_with_a_suggestion_or_fails_when_strict(taxonomy):
    profile = parse_profile("skills: [python, pytorh]", taxonomy)
    assert profile.unknown_skills == ["pytorh"] and "did you mean 'pytorch'" in profile.warnings[0]
    with pytest.raises(ProfileError, match="unknown skill 'pytorh'"):
        parse_profile("skills: [python, pytorh]", taxonomy, strict=True)


@pytest.mark.parametrize("text, message", [
    ("skills: [python\n", "line 2, column 1"),
    ("- python\n- sql\n", "expected a mapping"),
    ("skills: {python: -3}\n", "between 0 and 70"),
    ("skills: [python]\nyears_experience: -1\n", "field 'years_experience'"),
    ("skills: [python]\neducation: wizard\n", "field 'education'"),
    ("skills: python\n", "field 'skills'"),
    ("skills: [python]\nhobbies: [chess]\n", "unknown field(s) hobbies"),
    ("skills: [python]\npreferences: [remote]\n", "field 'preferences'"),
    ("skills: [python]\npreferences: {remote: maybe}\n", "preferences.remote"),
    ("", "the profile is empty"),
    ("skills: [quidditch, alchemy]\n", "none of the profile's skills"),
])
def test_bad_profiles_name_the_problem(taxonomy, text, message):
    with pytest.raises(ProfileError) as error:
        parse_profile(text, taxonomy, path="me.yaml")
    assert message in str(error.value) and str(error.value).startswith("me.yaml")


def test_profile_files(tmp_path, taxonomy):
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(str(tmp_path / "missing.yaml"), taxonomy)
    big = tmp_path / "big.yaml"
    big.write_text("skills: [python]\n" + "# padding\n" * 200_000)
    with pytest.raises(ProfileError, match="at most"):
        load_profile(str(big), taxonomy)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"skills: [\xff\xfe]")
    with pytest.raises(ProfileError, match="not valid UTF-8"):
        load_profile(str(binary), taxonomy)


# Ranking ------------------------------------------------------------------------------------

def test_rare_skills_weigh_more_than_common_ones(taxonomy):
    common = [("python", "required", None)]
    index = index_of(*(record(f"p{i}", common + [("sql", "required", None)]) for i in range(5)),
                     record("rare", common + [("rust", "required", None)]))
    rare_row = list(index.ids).index("rare")
    weights = index.weights[rare_row].toarray().ravel()
    assert weights[index.column["rust"]] > weights[index.column["python"]]
    assert abs(weights.sum() - 1) < 1e-9


def test_ranking_explains_the_score(taxonomy):
    index = index_of(
        record("a", [("python", "required", None), ("sql", "required", None), ("docker", "preferred", None)]),
        record("b", [("java", "required", None), ("docker", "required", None)]),
        record("c", [("python", "required", None), ("kubernetes", "required", None)]),
    )
    profile = parse_profile("skills: [python, sql]", taxonomy)
    ranking = Matcher(index, taxonomy, profile).rank()
    assert [m.id for m in ranking.matches] == ["a", "c", "b"]
    best = ranking.matches[0]
    assert sorted(best.matched) == ["python", "sql"] and best.missing_preferred == ["docker"]
    assert abs(sum(c.points for c in best.contributions) - best.score) < 0.05
    assert ranking.matches[1].missing_required == ["kubernetes"]


def test_required_gaps_cost_more_than_preferred(taxonomy):
    index = index_of(record("req", [("python", "required", None), ("docker", "required", None)]),
                     record("pref", [("python", "required", None), ("docker", "preferred", None)]))
    profile = parse_profile("skills: [python]", taxonomy)
    scores = {m.id: m.score for m in Matcher(index, taxonomy, profile).rank().matches}
    assert scores["pref"] > scores["req"]


def test_related_skill_earns_partial_credit(taxonomy):
    index = index_of(record("tf", [("tensorflow", "required", None), ("python", "required", None)]),
                     record("go", [("go", "required", None), ("python", "required", None)]))
    profile = parse_profile("skills: [pytorch, python]", taxonomy)
    ranking = Matcher(index, taxonomy, profile).rank()
    tf = next(m for m in ranking.matches if m.id == "tf")
    assert [(c.skill, c.via, c.credit) for c in tf.partial] == [("tensorflow", "pytorch", 0.5)]
    assert tf.score > next(m for m in ranking.matches if m.id == "go").score


def test_years_education_and_preferences_show_as_penalties(taxonomy):
    asks = [("python", "required", None), ("sql", "required", None), ("docker", "required", None)]
    index = index_of(
        record("senior", asks, years_experience=8, education="phd"),
        record("excluded", asks, company="Initech"),
        record("onsite", asks, remote=False, locations=["Paris, France"]),
        record("cheap", asks, salary_max=30000, salary_currency="EUR", salary_period="year"),
        record("fit", asks, remote=True, locations=["Berlin, Germany"]),
        record("sales", asks, title="Account Executive", remote=True),
        record("thin", [("python", "required", None)], remote=True, locations=["Berlin, Germany"]),
    )
    profile = parse_profile(
        "skills: [python, sql, docker]\nyears_experience: 2\neducation: bachelor\npreferences:\n  remote: true\n"
        "  locations: [Berlin]\n  min_salary: 50000\n  min_salary_currency: EUR\n"
        "  exclude_companies: [initech]\n", taxonomy)
    ranking = Matcher(index, taxonomy, profile).rank()
    by_id = {m.id: m for m in ranking.matches}
    assert "excluded" not in by_id and ranking.filtered["excluded_company"] == 1
    # "fit" names only three skills: its one penalty says so.
    assert ranking.matches[0].id == "fit" and [p["kind"] for p in by_id["fit"].penalties] == ["thin"]
    assert {p["kind"] for p in by_id["senior"].penalties} == {"experience", "education", "thin"}
    assert [p["kind"] for p in by_id["onsite"].penalties] == ["location", "thin"]
    assert "Paris" in by_id["onsite"].penalties[0]["reason"]
    assert [p["kind"] for p in by_id["cheap"].penalties] == ["salary", "thin"]
    assert by_id["sales"].penalties[0]["kind"] == "role" and by_id["sales"].score < 25
    assert [p["kind"] for p in by_id["thin"].penalties] == ["thin"]
    # Everything a posting asks, held: 100 before penalties.
    assert by_id["fit"].fit == 100 and by_id["senior"].fit == 100
    assert abs(sum(c.points for c in by_id["fit"].contributions) - by_id["fit"].score) < 0.05


def test_ranking_is_deterministic(taxonomy):
    records = [record(f"p{i:02d}", [("python", "required", None)]) for i in range(20)]
    profile = parse_profile("skills: [python]", taxonomy)
    first = [m.id for m in Matcher(index_of(*records), taxonomy, profile).rank().matches]
    second = [m.id for m in Matcher(index_of(*reversed(records)), taxonomy, profile).rank().matches]
    assert first == second == sorted(first)


def test_gaps_count_postings_unlocked_and_put_prerequisites_first(taxonomy):
    index = index_of(*(record(f"d{i}", [("python", "required", None), ("docker", "required", None)])
                       for i in range(4)),
                     record("k", [("python", "required", None), ("kubernetes", "required", None)]),
                     record("l", [("pytorch_lightning", "required", None), ("pytorch", "preferred", None)]))
    profile = parse_profile("skills: [python]", taxonomy)
    matcher = Matcher(index, taxonomy, profile)
    gaps = find_gaps(matcher, threshold=0.6)
    assert gaps[0].id == "docker" and gaps[0].unlocks == 4 and gaps[0].postings == 4
    lightning = next(g for g in gaps if g.id == "pytorch_lightning")
    assert lightning.prerequisites == ["pytorch"]  # what to learn first, named on the gap
    # The plan brings a gap's prerequisites along before it.
    from jobmatch.matcher.plan import build_plan
    from jobmatch.matcher.ranking import gap_report

    report = gap_report(matcher, threshold=0.6)
    steps = [s.skill for s in build_plan(report, taxonomy, {"python"}, weeks=52, threshold=0.6).steps]
    assert steps.index("pytorch") < steps.index("pytorch_lightning")
    ready = readiness(matcher)
    assert 0 < ready.overall < 1 and ready.by_category["programming_languages"] == 1.0


def test_index_cache_round_trip(tmp_path, taxonomy):
    index = PostingIndex.from_records([record("a", [("python", "required", 3)])], key="k1")
    path = tmp_path / "cache" / "index.pickle"
    index.save(path)
    assert list(PostingIndex.load(path, "k1").ids) == ["a"]
    assert PostingIndex.load(path, "k2") is None
    path.write_bytes(b"garbage")
    assert PostingIndex.load(path, "k1") is None


def test_empty_index(taxonomy):
    ranking = Matcher(index_of(), taxonomy, parse_profile("skills: [python]", taxonomy)).rank()
    assert ranking.matches == []


def test_index_keeps_text_columns_and_location_order():
    index = index_of(record("b", [("python", "required", None)], locations=["Paris", "Berlin"], url="https://x/b"),
                     record("a", [("sql", "required", None)], locations=["Berlin"], title="Data Engineer"))
    assert list(index.ids) == ["b", "a"] and index.titles[1] == "Data Engineer" and index.urls[0] == "https://x/b"
    assert index.locations_of(0) == ["Paris", "Berlin"] and index.locations_of(1) == ["Berlin"]
    assert list(index.titles_with_words({"data", "engineer"})) == [False, True]
