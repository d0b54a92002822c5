"""The rule-based spaCy extractor: matches, context for ambiguous names, requirement levels,
negation, years, education; and property tests that it never crashes and offsets stay in the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch.taxonomy.extraction import SkillExtractor
from jobmatch.taxonomy.loading import build_taxonomy, load_taxonomy

SMALL = str(Path(__file__).parent / "fixtures" / "taxonomy" / "small.yaml")


@pytest.fixture(scope="module")
def extractor() -> SkillExtractor:
    return SkillExtractor(build_taxonomy([SMALL]))


@pytest.fixture(scope="module")
def full_extractor() -> SkillExtractor:
    return SkillExtractor(load_taxonomy())


def found(extractor: SkillExtractor, text: str) -> dict[str, object]:
    return {s.id: s for s in extractor.extract(text).skills}


POSTING = """Senior Machine Learning Engineer
About the role
You will train models with PyTorch. Our R&D team ships weekly. Go to our website to learn more.
Requirements:
- 5+ years of experience with Python and SQL
- Experience in R or Python
- C++ is a plus
- No Java required
Nice to have
- Docker, Kubernetes (k8s)
- Go or Rust
BS/MS in Computer Science or equivalent practical experience. PhD preferred."""


def test_requirement_levels_years_and_negation(extractor):
    result = extractor.extract(POSTING)
    skills = {s.id: s for s in result.skills}
    assert skills["python"].requirement == "required" and skills["python"].years == 5
    assert skills["sql"].requirement == "required" and skills["sql"].years == 5
    assert skills["cpp"].requirement == "preferred"
    assert skills["docker"].requirement == "preferred" and skills["kubernetes"].requirement == "preferred"
    assert skills["pytorch"].requirement == "unspecified"
    assert "java" not in skills
    assert result.education == "bachelor" and result.education_or_equivalent
    assert result.years_experience == 5 and result.seniority == "senior"


def test_ambiguous_names_need_context(extractor):
    skills = found(extractor, POSTING)
    assert [POSTING[a:b] for a, b in skills["r"].spans] == ["R"]  # not the R of R&D
    assert [POSTING[a:b] for a, b in skills["go"].spans] == ["Go"]  # "Go or Rust", not "Go to our website"
    assert "rust" in skills
    assert "excel" not in found(extractor, "Excel at communication with stakeholders.")
    assert "excel" in found(extractor, "Advanced Excel skills and SQL.")
    assert "c" not in found(extractor, "Report to the C-level. Plan C is fine.")
    assert "c" in found(extractor, "Embedded work in C and C++.")
    assert "spark" not in found(extractor, "Ideas that spark joy. Spark your career.")
    assert "spark" in found(extractor, "Pipelines in Python, Spark and SQL.")


def test_spans_are_character_offsets_into_the_text(extractor):
    text = "Nice to have: sklearn, tf and torch.\r\nRequired: k8s"
    for skill in extractor.extract(text).skills:
        for start, end in skill.spans:
            assert 0 <= start < end <= len(text)
    skills = found(extractor, text)
    assert text[slice(*skills["scikit_learn"].spans[0])] == "sklearn"
    assert skills["kubernetes"].requirement == "required"


def test_longest_match_wins(extractor):
    skills = found(extractor, "Experience with PyTorch Lightning.")
    assert "pytorch_lightning" in skills and "pytorch" not in skills


def test_placeholders_are_not_skills(extractor):
    assert found(extractor, "<ORGANIZATION> uses <LOCATION> and Python") .keys() == {"python"}


def test_structured_requirements_are_used(extractor):
    result = extractor.extract("Join us.", structured={"skills": "Python, Docker and Kubernetes",
                                                       "experienceRequirements": {"monthsOfExperience": 36}})
    assert {s.id for s in result.skills} >= {"python", "docker", "kubernetes"}
    assert all(s.requirement == "required" for s in result.skills)
    assert result.years_experience == 3


@pytest.mark.parametrize("text, education", [
    ("Bachelor's degree in Computer Science required.", "bachelor"),
    ("MS or PhD in Statistics.", "master"),
    ("PhD in Machine Learning or a related field.", "phd"),
    ("No degree required, we care about what you can do.", "none"),
    ("We value curiosity.", None),
])
def test_education(extractor, text, education):
    assert extractor.extract(text).education == education


def test_empty_and_huge_and_junk_input(extractor):
    assert extractor.extract("").skills == []
    big = ("Python and SQL. " * 400_000)[:5_000_000]
    result = extractor.extract(big)
    assert {s.id for s in result.skills} == {"python", "sql"}
    extractor.extract("\x00\x01\ufffd\ud800 binary junk \x7f" * 100)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_string_extracts_without_crashing_and_offsets_stay_inside(text):
    extractor = _shared_extractor()
    result = extractor.extract(text)
    for skill in result.skills:
        for start, end in skill.spans:
            assert 0 <= start < end <= len(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Python", "R", "Go", "nice to have", "required", "3+ years of", ",", "\n",
                                 "no", "Excel", "C++", "k8s", ".", "or", "Bachelor", "degree", "<", ">"]),
                max_size=40))
def test_posting_like_word_salad_never_crashes(words):
    text = " ".join(words)
    for skill in _shared_extractor().extract(text).skills:
        assert skill.requirement in ("required", "preferred", "unspecified")
        for start, end in skill.spans:
            assert 0 <= start < end <= len(text)


_CACHE: dict[str, SkillExtractor] = {}


def _shared_extractor() -> SkillExtractor:
    if "small" not in _CACHE:
        _CACHE["small"] = SkillExtractor(build_taxonomy([SMALL]))
    return _CACHE["small"]


def test_bundled_taxonomy_on_a_realistic_posting(full_extractor):
    text = ("Machine Learning Engineer\nRequirements:\n- 3+ years of Python and SQL\n"
            "- Experience with scikit-learn, PyTorch or TensorFlow\n- Docker and Kubernetes\n"
            "Nice to have:\n- AWS SageMaker, MLflow\n- R&D experience")
    skills = found(full_extractor, text)
    for name in ("python", "sql", "scikit-learn", "pytorch", "tensorflow", "docker", "kubernetes", "mlflow"):
        assert full_extractor.taxonomy.resolve(name) in skills, name
    assert full_extractor.taxonomy.resolve("r") not in skills
