"""Unknown-skill discovery: terms that postings list beside known skills but the taxonomy lacks.

A term counts when it sits in a list with skills the taxonomy knows ("Python, Polars and SQL")
or looks like a technology name (CamelCase, a dot or digit inside, an acronym). Reported by how
many postings use it, so the taxonomy grows where the market is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

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
                  limit: int = 50) -> list[Suggestion]:
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    examples: dict[str, str] = {}
    known = set(extractor.taxonomy.names())
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
    ranked = [(term, n) for term, n in counts.most_common() if n >= min_postings]
    return [Suggestion(forms[term].most_common(1)[0][0], n, examples[term]) for term, n in ranked[:limit]]
