"""The ML-relevance filter: which postings of a board are worth keeping.

Pure and configurable. A posting is kept when its title names an ML role ("Machine Learning
Engineer", "Applied Scientist, LLMs"), or when its title is a generic technical role ("Software
Engineer", "Research Scientist") and its description names enough ML keywords. Titles outside
engineering and research ("Recruiter, ML", "AI Sales Lead") are dropped whatever they say.
Phrases match whole words after folding case and accents, so "Machine-Learning" matches
"machine learning"; they are phrases, not regular expressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from jobmatch.crawler.posting import fold

DEFAULT_TITLES = (
    "machine learning", "ml", "mle", "mlops", "ai", "genai", "generative", "artificial intelligence",
    "deep learning", "data scientist", "data science", "applied scientist", "research scientist",
    "research engineer", "llm", "llms", "nlp", "natural language", "computer vision", "perception",
    "reinforcement learning", "speech recognition", "inference", "model training", "pretraining",
    "post training", "fine tuning", "recommender", "recommendation systems", "ranking", "search relevance",
    "ai ml", "ml ai", "applied ai", "foundation models", "multimodal", "interpretability", "alignment",
)
DEFAULT_EXCLUDE_TITLES = (
    "recruiter", "recruiting", "sourcer", "talent", "sales", "account executive", "account manager",
    "marketing", "counsel", "legal", "paralegal", "accountant", "accounting", "finance", "payroll",
    "office manager", "executive assistant", "customer success", "customer support", "business development",
    "partnerships", "people partner", "hr", "communications", "public policy", "content writer",
)
DEFAULT_ROLES = (
    "engineer", "engineering", "developer", "scientist", "researcher", "research", "architect",
    "data", "platform", "infrastructure", "backend", "software",
)
DEFAULT_KEYWORDS = (
    "machine learning", "deep learning", "pytorch", "tensorflow", "jax", "keras", "scikit learn", "sklearn",
    "llm", "llms", "large language model", "large language models", "transformer", "transformers",
    "neural network", "neural networks", "computer vision", "nlp", "natural language processing", "mlops",
    "model training", "fine tuning", "reinforcement learning", "hugging face", "mlflow", "kubeflow",
    "feature store", "embeddings", "vector database", "rag", "retrieval augmented generation",
    "inference", "cuda", "triton", "vllm", "xgboost", "lightgbm", "recommender systems", "generative ai",
)


def _phrases(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sorted({fold(str(value)) for value in values if fold(str(value))}))


@dataclass(frozen=True)
class RelevanceFilter:
    """Title and keyword rules. Each list holds phrases; ``min_keywords`` distinct keywords needed."""

    titles: tuple[str, ...] = field(default_factory=lambda: _phrases(DEFAULT_TITLES))
    exclude_titles: tuple[str, ...] = field(default_factory=lambda: _phrases(DEFAULT_EXCLUDE_TITLES))
    roles: tuple[str, ...] = field(default_factory=lambda: _phrases(DEFAULT_ROLES))
    keywords: tuple[str, ...] = field(default_factory=lambda: _phrases(DEFAULT_KEYWORDS))
    min_keywords: int = 2

    def keeps(self, title: str, description: str = "") -> bool:
        """True when the posting is an ML posting by these rules."""
        folded_title = f" {fold(title)} "
        if _any_phrase(self.exclude_titles, folded_title):
            return False
        if _any_phrase(self.titles, folded_title):
            return True
        if not _any_phrase(self.roles, folded_title):
            return False
        return self.keyword_count(description) >= self.min_keywords

    def might_keep(self, title: str) -> bool:
        """From the title alone: could this posting be kept once its description is known?

        Boards that need one request per description (SmartRecruiters) ask this first.
        """
        folded_title = f" {fold(title)} "
        if _any_phrase(self.exclude_titles, folded_title):
            return False
        return _any_phrase(self.titles, folded_title) or _any_phrase(self.roles, folded_title)

    def keyword_count(self, description: str) -> int:
        folded = f" {fold(description)} "
        return sum(1 for phrase in self.keywords if f" {phrase} " in folded)


def _any_phrase(phrases: Iterable[str], folded_text: str) -> bool:
    return any(f" {phrase} " in folded_text for phrase in phrases)


FILTER_KEYS = tuple(f.name for f in fields(RelevanceFilter))


def relevance_filter_from_config(value: Any) -> RelevanceFilter | None:
    """The filter a sources file asks for: missing or ``default`` -> the defaults; ``none`` -> keep all.

    A mapping replaces the default lists it names (``titles``, ``exclude_titles``, ``roles``,
    ``keywords``) and may set ``min_keywords``. Raises ValueError naming the bad key.
    """
    if value is None or value == "default":
        return RelevanceFilter()
    if value is False or value == "none":
        return None
    if not isinstance(value, Mapping):
        raise ValueError("filter: expected 'none', 'default' or a mapping of rules")
    changes: dict[str, Any] = {}
    for key, item in value.items():
        if key not in FILTER_KEYS:
            raise ValueError(f"filter.{key}: unknown key (expected one of {', '.join(FILTER_KEYS)})")
        if key == "min_keywords":
            if isinstance(item, bool) or not isinstance(item, int) or item < 0:
                raise ValueError("filter.min_keywords: expected a whole number >= 0")
            changes[key] = item
            continue
        if isinstance(item, str):
            item = [item]
        if not isinstance(item, list) or not all(isinstance(x, str | int | float) for x in item):
            raise ValueError(f"filter.{key}: expected a list of phrases")
        changes[key] = _phrases(item)
    return RelevanceFilter(**changes)
