"""Finding the taxonomy's skills in posting text with spaCy: a blank English pipeline plus rules.

Plain names match case-insensitively (PhraseMatcher on LOWER); ambiguous names (R, Go, C, Spark,
Excel) match only with exact case and a technical context. No model is ever downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from jobmatch.taxonomy.model import Taxonomy
from jobmatch.taxonomy.requirements import (
    LEVEL_RANK,
    PREFERRED,
    REQUIRED,
    UNSPECIFIED,
    PostingLayout,
    education_asked,
    experience_years,
    seniority_of,
)

# Text longer than this is cut before extraction: real postings are a few thousand characters.
MAX_TEXT_CHARS = 100_000
BATCH_SIZE = 64
_LIST_GLUE = {",", "/", "and", "or", "&", "(", ")", "+", ";", "|", "-", "as", "well", "e.g.", "eg", "i.e.",
              "like", "such", "including", "incl", ".", "both", "either", ":"}
_CONTEXT_AFTER = {"language", "languages", "programming", "developer", "developers", "development", "code",
                  "coding", "scripts", "scripting", "skills", "experience", "knowledge", "packages", "stack",
                  "engineer", "engineers", "lang", "ecosystem", "services", "applications", "proficiency",
                  "spreadsheets", "macros", "vba", "pivot", "libraries", "sdk", "microservices", "modules"}
_CONTEXT_BEFORE = {"in", "with", "using", "of", "microsoft", "ms", "advanced", "proficient", "golang",
                   "apache", "modern", "written", "write", "writing", "program", "programming", "knowing"}
_REJECT_NEXT = {"-", "'s", "’s", "&d", "to", "at", "ahead", "live", "beyond", "further"}
_NAMES_A_TEAM = re.compile(r"[ \t]*(teams?|department|departments|roles|job family|colleagues|community|engineers|developers|specialists|managers|experts)\b", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class FoundSkill:
    """One skill a text asks for, with the evidence."""

    id: str
    requirement: str = UNSPECIFIED
    years: float | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if taxonomy is not None:
            skill = taxonomy.skills[self.id]
            data |= {"label": skill.label, "category": skill.category}
        return data | {"requirement": self.requirement, "years": self.years,
                       "spans": [list(span) for span in self.spans]}


@dataclass
class Extraction:
    """What one posting asks for."""

    skills: list[FoundSkill] = field(default_factory=list)
    education: str | None = None
    education_or_equivalent: bool = False
    years_experience: float | None = None
    seniority: str | None = None

    def to_dict(self, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
        return {"skills": [s.to_dict(taxonomy) for s in self.skills], "education": self.education,
                "education_or_equivalent": self.education_or_equivalent,
                "years_experience": self.years_experience, "seniority": self.seniority}


def make_nlp() -> spacy.language.Language:
    """A blank English pipeline whose tokenizer also splits at slashes and keeps 'R.' apart."""
    nlp = spacy.blank("en")
    infixes = [*nlp.Defaults.infixes, r"(?<=[A-Za-z0-9+#])/(?=[A-Za-z.])"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    nlp.tokenizer.rules = {key: value for key, value in nlp.tokenizer.rules.items()
                           if not re.fullmatch(r"[A-Za-z]\.", key)}
    return nlp


class SkillExtractor:
    """Extracts skills, requirement levels, years, education and seniority from posting text."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self.nlp = make_nlp()
        self._plain = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._context = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._context_forms: set[str] = set()
        for skill in taxonomy.skills.values():
            plain = [self.nlp.make_doc(name) for name in dict.fromkeys(n.lower() for n in skill.plain_names)]
            if plain:
                self._plain.add(skill.id, plain)
            context = [self.nlp.make_doc(name) for name in dict.fromkeys(n.lower() for n in skill.context_names)]
            self._context_forms.update(skill.context_names)
            # A name written in lower case ("backend") is ambiguous in meaning, not in case.
            self._context_forms.update(n.lower() for n in skill.context_names if n == n.lower())
            if context:
                self._context.add(skill.id, context)

    def extract(self, text: str, title: str | None = None, structured: dict[str, Any] | None = None) -> Extraction:
        [result] = self.extract_many([(text, title, structured)])
        return result

    def extract_many(self, items: Iterable[tuple[str, str | None, dict[str, Any] | None]],
                     batch_size: int = BATCH_SIZE) -> Iterator[Extraction]:
        """Extract from (text, title, structured) triples, tokenising in ``nlp.pipe`` batches."""
        pending: list[tuple[str, str | None, dict[str, Any] | None]] = []

        def texts() -> Iterator[str]:
            for text, title, structured in items:
                text = _clean_input(text)
                pending.append((text, title, structured))
                yield text

        for doc in self.nlp.pipe(texts(), batch_size=batch_size):
            text, title, structured = pending.pop(0)
            yield self._read(doc, text, title, structured)

    def _read(self, doc: Doc, text: str, title: str | None, structured: dict[str, Any] | None) -> Extraction:
        spans = self._skill_spans(doc)
        layout = PostingLayout(text)
        found: dict[str, FoundSkill] = {}
        negated: set[str] = set()
        for skill_id, start, end in spans:
            level = layout.level_at(start, end)
            if _NAMES_A_TEAM.match(text, end):
                continue  # "our QA team", "Software Engineering roles": a group of people, not an ask
            if level is None:
                negated.add(skill_id)
                continue
            entry = found.setdefault(skill_id, FoundSkill(skill_id))
            entry.spans.append((start, end))
            if LEVEL_RANK[level] > LEVEL_RANK[entry.requirement]:
                entry.requirement = level
        # A skill named only where the employer describes itself ("we run on Kafka") is not asked for.
        if layout.addresses_candidate:
            for skill_id in [k for k, v in found.items() if all(layout.about_employer(a) for a, _ in v.spans)]:
                del found[skill_id]
        overall = self._assign_years(text, spans, found)
        if structured:
            self._add_structured(structured, found)
        education, equivalent = education_asked(text, layout)
        first_line = text.split("\n", 1)[0]
        result = Extraction(
            skills=sorted(found.values(), key=lambda s: (s.spans[0][0] if s.spans else len(text), s.id)),
            education=education, education_or_equivalent=equivalent, years_experience=overall,
            seniority=seniority_of(title if title is not None else first_line, text),
        )
        if structured and result.years_experience is None:
            result.years_experience = _structured_years(structured)
        return result

    def _skill_spans(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Skill mentions as (skill id, start char, end char), longest first, never overlapping."""
        plain = self._plain(doc)
        labels = {(start, end): match_id for match_id, start, end in plain}
        plain_tokens = {start for _, start, _ in plain} | {end - 1 for _, _, end in plain}
        candidates = [(m, s, e) for m, s, e in self._context(doc) if (s, e) not in labels]
        candidate_tokens = {s for _, s, _ in candidates} | {e - 1 for _, _, e in candidates}
        for match_id, start, end in candidates:
            if doc[start:end].text in self._context_forms or doc[start:end].text.lower() in self._context_forms:
                accepted = _in_context(doc, start, end, plain_tokens, candidate_tokens)
            else:  # "spring java cloud": lower case only counts in a line that lists skills
                accepted = _in_skill_list_line(doc, start, end, plain_tokens)
            if accepted:
                labels[(start, end)] = match_id
        result = []
        for start, end in _longest_first(labels):
            if _is_placeholder(doc, start, end):
                continue
            last = doc[end - 1]
            result.append((self.nlp.vocab.strings[labels[(start, end)]], doc[start].idx, last.idx + len(last.text)))
        result.sort(key=lambda item: item[1])
        return result

    @staticmethod
    def _assign_years(text: str, spans: list[tuple[str, int, int]], found: dict[str, FoundSkill]) -> float | None:
        overall: float | None = None
        for match, value, about_experience in experience_years(text):
            window_end = _clause_end(text, match.end())
            owners = [skill_id for skill_id, start, _ in spans if match.end() <= start < window_end]
            if not owners:  # "Python (3+ years)": the skill just before
                before = [(skill_id, end) for skill_id, start, end in spans
                          if end <= match.start() and match.start() - end <= 4]
                owners = [before[-1][0]] if before else []
            for skill_id in owners:
                if skill_id in found and found[skill_id].years is None:
                    found[skill_id].years = value
            if about_experience or owners:
                overall = value if overall is None else max(overall, value)
        return overall

    def _add_structured(self, structured: dict[str, Any], found: dict[str, FoundSkill]) -> None:
        """JSON-LD ``skills``/``qualifications`` name skills the posting requires, without offsets."""
        for key in ("skills", "qualifications"):
            value = structured.get(key)
            names = value if isinstance(value, list) else [value] if isinstance(value, str) else []
            for name in names:
                if not isinstance(name, str):
                    continue
                for piece in re.split(r"[,;\n]|\band\b", name[:2000]):
                    skill_id = self.taxonomy.resolve(piece.strip())
                    if skill_id:
                        entry = found.setdefault(skill_id, FoundSkill(skill_id))
                        entry.requirement = REQUIRED
                doc = self.nlp.make_doc(name[:2000])
                for skill_id, _, _ in self._skill_spans(doc):
                    entry = found.setdefault(skill_id, FoundSkill(skill_id))
                    if entry.requirement != REQUIRED and key == "skills":
                        entry.requirement = REQUIRED


def _longest_first(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping token spans, longer ones winning, then earlier ones (as spaCy's filter_spans)."""
    taken: set[int] = set()
    chosen = []
    for start, end in sorted(spans, key=lambda span: (span[0] - span[1], span[0])):
        if not taken.intersection(range(start, end)):
            chosen.append((start, end))
            taken.update(range(start, end))
    return chosen


def _clean_input(text: str) -> str:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # Lone surrogates cannot be encoded; one replacement character each keeps every offset.
    return _SURROGATE.sub("\ufffd", text[:MAX_TEXT_CHARS])


def _clause_end(text: str, start: int) -> int:
    limit = min(len(text), start + 120)
    for index in range(start, limit):
        if text[index] in ".;\n" and not (text[index] == "." and index + 1 < len(text) and text[index + 1].isalnum()):
            return index
    return limit


def _in_context(doc: Doc, start: int, end: int, skill_tokens: set[int], candidate_tokens: set[int]) -> bool:
    """Whether an ambiguous name (R, Go, Spark) is used as a technology here."""
    following = doc[end] if end < len(doc) else None
    after_next = doc[end + 1] if end + 1 < len(doc) else None
    if following is not None and (following.lower_ in _REJECT_NEXT or (
            following.text == "&" and after_next is not None and len(after_next.text) == 1)):
        return False  # "R&D", "R & D", "Go to", "C-level"
    preceding = doc[start - 1] if start > 0 else None
    if preceding is not None and preceding.text in ("&", "<"):
        return False
    if following is not None and following.lower_ in _CONTEXT_AFTER:
        return True
    at_sentence_start = preceding is None or preceding.text in (".", "!", "?") or "\n" in preceding.text
    if preceding is not None and preceding.lower_ in _CONTEXT_BEFORE and not at_sentence_start:
        return True
    # Beside other skills: "Python, R and SQL", "Go or Rust", "JavaScript React Redux".
    for direction in (-1, 1):
        index = start - 1 if direction < 0 else end
        steps = 0
        while 0 <= index < len(doc) and steps < 3 and (doc[index].lower_ in _LIST_GLUE or doc[index].is_space):
            index += direction
            steps += 1
        if not 0 <= index < len(doc) or (steps and "\n" in doc[index - direction].text):
            continue
        if index in skill_tokens or (steps and index in candidate_tokens):
            return True
    return False


def _in_skill_list_line(doc: Doc, start: int, end: int, skill_tokens: set[int]) -> bool:
    """Whether the token's line is a short list mostly made of skills ("docker agile jenkins")."""
    first, last = start, end
    while first > 0 and "\n" not in doc[first - 1].text:
        first -= 1
        if start - first > 30:
            return False  # a long line is prose, not a list
    while last < len(doc) and "\n" not in doc[last].text:
        last += 1
        if last - end > 30:
            return False
    words = [t.i for t in doc[first:last] if not t.is_punct and not t.is_space]
    if not 2 <= len(words) <= 15:
        return False
    return sum(i in skill_tokens for i in words) >= 0.5 * (len(words) - (end - start))


def _is_placeholder(doc: Doc, start: int, end: int) -> bool:
    return start > 0 and end < len(doc) and doc[start - 1].text == "<" and doc[end].text == ">"


def _structured_years(structured: dict[str, Any]) -> float | None:
    value = structured.get("experienceRequirements")
    if isinstance(value, dict):
        months = value.get("monthsOfExperience")
        if isinstance(months, int | float) and not isinstance(months, bool) and 0 < months < 600:
            return round(months / 12, 1)
        value = value.get("description")
    if isinstance(value, str):
        found = experience_years(value[:2000])
        if found:
            return max(v for _, v, _ in found)
    return None


__all__ = ["Extraction", "FoundSkill", "SkillExtractor", "PREFERRED", "REQUIRED", "UNSPECIFIED", "make_nlp"]
