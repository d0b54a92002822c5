"""Ranking quality on real annotated postings (SkillSpan, Zhang et al. 2022), skipped where
../shared/data/skillspan is absent.

- A dev posting's own gold KNOWLEDGE items, taken as a profile, must find that posting at or near
  the top of all dev postings (mean reciprocal rank).
- Profiles of clear roles must rank postings of that role first (precision at 5), over the
  train+dev StackOverflow (tech) postings, whose first line is a real job title (the house
  postings' first lines are mostly placeholders, so their role cannot be read off them).
"""

from __future__ import annotations

import re

import pytest

from jobmatch.matcher.index import PostingIndex
from jobmatch.matcher.profile import Profile, parse_profile
from jobmatch.matcher.ranking import Matcher
from jobmatch.taxonomy.evaluation import read_skillspan
from jobmatch.taxonomy.extraction import SkillExtractor
from jobmatch.taxonomy.loading import load_taxonomy

# Precision at 5 measured here: java backend 1.0, frontend 1.0, devops 0.8, data/ml 0.4. The
# thresholds sit a step below. Data/ML is the weak one on this corpus: of 109 StackOverflow postings
# about 7 are data roles, mostly data engineering, and backend postings ask for Python and SQL too.
THRESHOLDS = {"java backend": 0.8, "frontend": 0.8, "devops": 0.6, "data/ml": 0.4}
ROLES = {
    "java backend": (r"\bjava\b(?!script)|back[\s-]?end",
                     ["java", "spring boot", "sql", "rest api", "microservices", "hibernate", "maven", "junit"]),
    "frontend": (r"front[\s-]?end|react|angular|\bvue",
                 ["javascript", "typescript", "react", "angular", "html", "css", "webpack", "redux"]),
    "devops": (r"devops|site reliability|\bsre\b|cloud (architect|engineer)|infrastructure|platform engineer",
               ["docker", "kubernetes", "terraform", "ansible", "aws", "ci/cd", "linux", "jenkins", "prometheus"]),
    "data/ml": (r"\bdata\b|machine learning|\bml\b|bioinformatic|analytics|scientist",
                ["python", "machine learning", "sql", "statistics", "pandas", "numpy", "scikit-learn", "r"]),
}


@pytest.fixture(scope="module")
def corpus(request):
    skillspan_dir = request.getfixturevalue("skillspan_dir")
    taxonomy = load_taxonomy()
    extractor = SkillExtractor(taxonomy)
    dev = read_skillspan(str(skillspan_dir), "dev")
    postings = dev + read_skillspan(str(skillspan_dir), "train")
    records = []
    for number, (posting, extraction) in enumerate(
            zip(postings, extractor.extract_many((p.text, None, None) for p in postings), strict=True)):
        title = posting.text.split("\n", 1)[0]
        records.append({"id": f"{number:04d}", "title": title, **extraction.to_dict()})
    return taxonomy, extractor, postings, records, len(dev)


def profile_of(taxonomy, skill_ids) -> Profile:
    """A profile of these skills as `profile.yaml` would give it (its targets read from the skills)."""
    names = sorted(s for s in skill_ids if s in taxonomy.skills)
    return parse_profile("skills: [" + ", ".join(names) + "]", taxonomy)


def test_a_postings_own_skills_find_it_near_the_top(corpus):
    taxonomy, extractor, postings, records, dev_count = corpus
    dev = list(range(dev_count))
    index = PostingIndex.from_records(records[i] for i in dev)
    reciprocal = []
    for row, i in enumerate(dev):
        posting = postings[i]
        gold_text = "\n".join(posting.text[s:e] for s, e in posting.knowledge)
        skills = {s.id for s in extractor.extract(gold_text).skills}
        if not skills:
            continue
        scores = Matcher(index, taxonomy, profile_of(taxonomy, skills)).scores
        rank = 1 + int((scores > scores[row]).sum())
        reciprocal.append(1 / rank)
    mrr = sum(reciprocal) / len(reciprocal)
    print(f"MRR over {len(reciprocal)} dev postings: {mrr:.3f}")
    assert len(reciprocal) >= 50
    # Measured 0.846 (0.913 before asks were scored as a share met: a profile of a posting's own
    # skills now meets smaller postings in full too; the thin-posting penalty keeps most below it).
    assert mrr >= 0.8


@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_profiles_rank_their_role_first(corpus, role):
    taxonomy, _, postings, records, _ = corpus
    pattern, names = ROLES[role]
    index = PostingIndex.from_records(r for r, p in zip(records, postings, strict=True) if p.source == "tech")
    assert all(taxonomy.resolve(name) for name in names), "every role skill is in the taxonomy"
    skill_ids = {taxonomy.resolve(name) for name in names}
    ranking = Matcher(index, taxonomy, profile_of(taxonomy, skill_ids)).rank(5)
    hits = [bool(re.search(pattern, m.title, re.I)) for m in ranking.matches]
    print(f"{role}: precision at 5 = {sum(hits) / 5:.1f}: {[m.title[:50] for m in ranking.matches]}")
    assert sum(hits) / 5 >= THRESHOLDS[role]
