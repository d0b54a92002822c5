"""The requirement model on the bundled taxonomy: "any of" asks, languages as requirements, soft
skills that weigh little, title skills that weigh more, and the gaps that follow from them."""

from __future__ import annotations

import pytest

from jobmatch.matcher.index import PostingIndex
from jobmatch.matcher.profile import parse_profile
from jobmatch.matcher.ranking import Matcher, gap_report
from jobmatch.taxonomy.loading import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def ask(taxonomy, name, level="required", any_of=None, in_title=False):
    return {"id": taxonomy.resolve(name), "requirement": level,
            "any_of": [taxonomy.resolve(n) for n in any_of] if any_of else None, "in_title": in_title}


def test_one_option_meets_an_any_of_ask_and_is_explained_as_one(taxonomy):
    cloud = ["aws", "gcp", "azure"]
    record = {"id": "p", "title": "Machine Learning Engineer",
              "skills": [ask(taxonomy, "python"), *(ask(taxonomy, c, any_of=cloud) for c in cloud)]}
    match = Matcher(PostingIndex.from_records([record]), taxonomy,
                    parse_profile("skills: [python, aws]", taxonomy)).rank().matches[0]
    assert match.fit == 100 and match.missing_required == [] and match.missing_any_of == []
    group = next(c for c in match.contributions if c.options)
    assert group.skill == taxonomy.resolve("aws") and set(group.options) == {taxonomy.resolve(c) for c in cloud}
    other = Matcher(PostingIndex.from_records([record]), taxonomy, parse_profile("skills: [python]", taxonomy))
    assert other.rank().matches[0].missing_any_of[0]["options"] == [taxonomy.resolve(c) for c in cloud]


def test_a_required_language_is_a_penalty_not_points_and_soft_skills_weigh_little(taxonomy):
    german = {"id": "de", "title": "Machine Learning Engineer",
              "skills": [ask(taxonomy, "python"), ask(taxonomy, "german"), ask(taxonomy, "communication")]}
    plain = {"id": "en", "title": "Machine Learning Engineer",
             "skills": [ask(taxonomy, "python"), ask(taxonomy, "sql")]}
    index = PostingIndex.from_records([german, plain])
    speaks = Matcher(index, taxonomy, parse_profile("skills: [python, communication, german]", taxonomy))
    by_id = {m.id: m for m in speaks.rank().matches}
    assert "language" not in {p["kind"] for p in by_id["de"].penalties}
    points = {c.skill: c.points for c in by_id["de"].contributions}
    assert taxonomy.resolve("german") not in points  # a language earns no points
    assert points[taxonomy.resolve("communication")] < points[taxonomy.resolve("python")] / 3
    lacks = Matcher(index, taxonomy, parse_profile("skills: [python, communication]", taxonomy))
    penalty = next(p for p in lacks.rank().matches if p.id == "de").penalties[0]
    assert penalty["kind"] == "language" and "German" in penalty["reason"]


def test_the_title_names_the_core_ask_and_gaps_are_learnable_in_value_order(taxonomy):
    records = [{"id": f"p{i}", "title": "Machine Learning Engineer",
                "skills": [ask(taxonomy, "machine learning", in_title=True), ask(taxonomy, "python"),
                           ask(taxonomy, "docker"), ask(taxonomy, "kubernetes", "preferred"),
                           ask(taxonomy, "leadership"), ask(taxonomy, "german")]} for i in range(4)]
    index = PostingIndex.from_records(records)
    with_ml = Matcher(index, taxonomy, parse_profile("skills: [machine learning]", taxonomy)).rank().matches[0]
    with_python = Matcher(index, taxonomy, parse_profile("skills: [python]", taxonomy)).rank().matches[0]
    assert with_ml.fit > with_python.fit  # the title's skill is what the job is
    report = gap_report(Matcher(index, taxonomy, parse_profile("skills: [python, machine learning]", taxonomy)))
    ids = [gap.id for gap in report.gaps]
    assert ids[:2] == [taxonomy.resolve("docker"), taxonomy.resolve("kubernetes")]  # required before preferred
    assert {taxonomy.resolve("leadership"), taxonomy.resolve("german")} == {g.id for g in report.also_asked}
    assert all(gap.learnable for gap in report.gaps) and report.gaps[0].why(0.4, 20).startswith("asked by 4 of your 4")
