"""The plain ranking jobmatch is measured against: TF-IDF over a posting's raw text (scikit-learn's
TfidfVectorizer, English stop words), cosine against a query of the person's skill names. No
taxonomy, no requirement levels, no penalties: benchmarks/ranking_quality.py scores it beside
jobmatch on the judged postings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def raw_text_similarity(texts: Sequence[str], query: str) -> np.ndarray:
    """The cosine between each text's TF-IDF vector and the query's (fitted on the texts)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectorizer = TfidfVectorizer(stop_words="english").fit(texts)
    return cosine_similarity(vectorizer.transform([query]), vectorizer.transform(texts))[0]
