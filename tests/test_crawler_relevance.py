"""The ML-relevance filter: title rules, keyword rules for generic titles, exclusions, config."""

from __future__ import annotations

import pytest

from jobmatch.crawler.relevance import RelevanceFilter, relevance_filter_from_config

ML_TEXT = "You will train PyTorch models and run MLOps pipelines with MLflow."


@pytest.mark.parametrize("title, description, kept", [
    ("Machine Learning Engineer", "", True),
    ("Senior Machine-Learning Engineer (m/w/d)", "", True),
    ("ML Engineer, Ranking", "", True),
    ("Applied Scientist – LLMs", "", True),
    ("Ingénieur Machine Learning", "", True),
    ("AI Engineer", "", True),
    ("Software Engineer", ML_TEXT, True),
    ("Software Engineer", "Build React front ends.", False),
    ("Backend Developer", "We use Python. Some machine learning.", False),  # one keyword is not enough
    ("Recruiter, Machine Learning", ML_TEXT, False),
    ("AI Sales Lead", ML_TEXT, False),
    ("Account Executive", ML_TEXT, False),
    ("Office Manager", ML_TEXT, False),
    ("Email marketer", "", False),  # "ml" only as a whole word
])
def test_default_rules(title, description, kept):
    assert RelevanceFilter().keeps(title, description) is kept


def test_might_keep_from_the_title_alone():
    rules = RelevanceFilter()
    assert rules.might_keep("Computer Vision Engineer")
    assert rules.might_keep("Data Engineer")  # generic: needs its description
    assert not rules.might_keep("Payroll Specialist")
    assert not rules.might_keep("Recruiter, AI")


def test_configured_rules_replace_defaults():
    rules = relevance_filter_from_config({"titles": ["prompt engineer"], "exclude_titles": [], "min_keywords": 0,
                                          "roles": ["designer"]})
    assert rules is not None
    assert rules.keeps("Prompt Engineer")
    assert not rules.keeps("Machine Learning Engineer")
    assert rules.keeps("Product Designer")  # a role with min_keywords 0


def test_none_keeps_everything_and_default_is_default():
    assert relevance_filter_from_config("none") is None
    assert relevance_filter_from_config(None) == RelevanceFilter()
    assert relevance_filter_from_config("default") == RelevanceFilter()
    with pytest.raises(ValueError, match="filter: expected"):
        relevance_filter_from_config(42)
