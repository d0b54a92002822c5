"""Unknown-skill discovery: terms that postings list beside known skills but the taxonomy lacks.

A term counts when it sits in a list with skills the taxonomy knows ("Python, Polars and SQL")
or looks like a technology name (CamelCase, a dot or digit inside, an acronym), or when the
trained skill model (taxonomy/skill_model.py) marks it as a skill the taxonomy cannot name
("inference frameworks", "distributed data storage"; unless JOBMATCH_SKILL_MODEL=off). Reported
by how many postings use it, so the taxonomy grows where the market is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from jobmatch.taxonomy.extraction import SkillExtractor

_GLUE = {",", "/", "and", "or", "&", "(", ")", ";", "|"}
_TECHNICAL = re.compile(r"^(?:[A-Z][a-z]+[A-Z]\w*|\w+\.(?:js|io|ai|net)|[A-Za-z]+\d+[A-Za-z\d]*|[A-Z]{2,6}s?)$")
_WORDISH = re.compile(r"^[A-Za-z][A-Za-z0-9.+#-]{1,30}$")
_COMMON = {"experience", "knowledge", "skills", "years", "team", "work", "tools", "etc", "e.g.", "i.e.",
           "strong", "good", "understanding", "ability", "degree", "ms", "bs", "phd", "usa", "eu", "uk", "us",
           "api", "apis", "it", "hr", "ceo", "cto", "cv", "faq", "b2b", "saas", "id", "ok", "am", "pm"}


@dataclass
class Suggestion:
    term: str
    postings: int
    example: str


def suggest_terms(extractor: SkillExtractor, texts: Iterable[str], *, min_postings: int = 2,
                  limit: int = 50, model: Any = None) -> list[Suggestion]:
    """``model``: None reads the skill model's spans unless JOBMATCH_SKILL_MODEL=off; False never."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    examples: dict[str, str] = {}
    known = set(extractor.taxonomy.names())
    hybrid = _model_for(extractor, model)
    for text in texts:
        text = text[:100_000]
        doc = extractor.nlp.make_doc(text)
        covered: set[int] = set()
        skill_tokens: set[int] = set()
        for _, start_char, end_char in extractor._skill_spans(doc):
            span = doc.char_span(start_char, end_char, alignment_mode="expand")
            if span is not None:
                covered.update(range(span.start, span.end))
                skill_tokens.update((span.start, span.end - 1))
        seen: set[str] = set()
        for token in doc:
            if token.i in covered or not _WORDISH.match(token.text):
                continue
            lower = token.lower_
            if lower in STOP_WORDS or lower in _COMMON or lower in known:
                continue
            beside_skill = any(
                0 <= j < len(doc) and doc[j].text.lower() in _GLUE and (j + step) in skill_tokens
                for step in (-1, 1) for j in (token.i + step,))
            if not (beside_skill or _TECHNICAL.match(token.text)):
                continue
            if lower not in seen:
                seen.add(lower)
                counts[lower] += 1
                forms.setdefault(lower, Counter())[token.text] += 1
                if lower not in examples:
                    start = max(0, token.idx - 40)
                    examples[lower] = " ".join(text[start:token.idx + len(token.text) + 40].split())
        if hybrid is not None:  # --- the skill model's spans the taxonomy cannot name ---
            for term, start, end in _model_terms(hybrid, doc, text, known):
                lower = term.lower()
                if lower not in seen:
                    seen.add(lower)
                    counts[lower] += 1
                    forms.setdefault(lower, Counter())[term] += 1
                    if lower not in examples:
                        examples[lower] = " ".join(text[max(0, start - 40):end + 40].split())
    ranked = [(term, n) for term, n in counts.most_common() if n >= min_postings]
    return [Suggestion(forms[term].most_common(1)[0][0], n, examples[term]) for term, n in ranked[:limit]]


def _model_for(extractor: SkillExtractor, model: Any):
    from jobmatch.taxonomy.skill_model import HybridSkills, discovery_enabled, shipped_model

    if extractor.hybrid is not None and model is not False:
        return extractor.hybrid
    if model is False or (model is None and not discovery_enabled()):
        return None
    return HybridSkills(extractor, shipped_model() if model in (None, True) else model)


def _model_terms(hybrid, doc, text: str, known: set[str]) -> list[tuple[str, int, int]]:
    """The model's unlisted spans worth suggesting: a few words with a letter, not a known name."""
    from jobmatch.taxonomy.requirements import PostingLayout

    layout = PostingLayout(text)
    _, unlisted = hybrid.merge(doc, hybrid.extractor._skill_spans(doc, layout), layout)
    terms = []
    for item in unlisted:
        term = " ".join(item.text.split())
        lower = term.lower()
        if not re.search(r"[A-Za-z]", term) or len(term) > 60 or len(term.split()) > 5 or \
                lower in STOP_WORDS or lower in _COMMON or lower in known:
            continue
        terms.append((term, item.start, item.end))
    return terms
