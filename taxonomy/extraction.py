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
# One-word names whose plural is still the thing ("Dockers", "Kubernetes clusters"): tools and platforms.
# A concept's plural often means something else ("quality regressions", "optimizations").
_INFLECTED_CATEGORIES = {"ml_tools", "devops", "cloud", "data_engineering", "databases", "mlops", "llm",
                         "web_development", "testing", "analytics_bi", "mobile", "enterprise_software"}


@dataclass
class FoundSkill:
    """One skill a text asks for, with the evidence."""

    id: str
    requirement: str = UNSPECIFIED
    years: float | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    any_of: list[str] | None = None  # the options of an "X or Y" ask it belongs to (itself included)
    in_title: bool = False  # named in the job title: what the job is

    def to_dict(self, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if taxonomy is not None:
            skill = taxonomy.skills[self.id]
            data |= {"label": skill.label, "category": skill.category}
        return data | {"requirement": self.requirement, "years": self.years,
                       "spans": [list(span) for span in self.spans], "any_of": self.any_of,
                       "in_title": self.in_title}


@dataclass
class Extraction:
    """What one posting asks for."""

    skills: list[FoundSkill] = field(default_factory=list)
    education: str | None = None  # the lowest degree required (else preferred); kept for the contract
    education_or_equivalent: bool = False
    years_experience: float | None = None
    seniority: str | None = None
    education_required: str | None = None
    education_preferred: str | None = None
    education_fields: list[str] = field(default_factory=list)  # skill ids of the degree subjects
    title_skills: list[str] = field(default_factory=list)
    unlisted: list[Any] = field(default_factory=list)  # skill model spans the taxonomy cannot name (skill_model.py)

    @property
    def groups(self) -> list[list[str]]:
        """The "any of" asks, each once, in text order."""
        seen: dict[tuple[str, ...], list[str]] = {}
        for skill in self.skills:
            if skill.any_of:
                seen.setdefault(tuple(skill.any_of), skill.any_of)
        return list(seen.values())

    def education_detail(self) -> dict[str, Any]:
        return {"required": self.education_required, "preferred": self.education_preferred,
                "fields": list(self.education_fields), "equivalent_experience": self.education_or_equivalent}

    def to_dict(self, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
        return {"skills": [s.to_dict(taxonomy) for s in self.skills], "education": self.education,
                "education_or_equivalent": self.education_or_equivalent,
                "years_experience": self.years_experience, "seniority": self.seniority,
                "education_detail": self.education_detail(), "title_skills": list(self.title_skills),
                "groups": self.groups}


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

    def __init__(self, taxonomy: Taxonomy, model: Any = None):
        self.taxonomy = taxonomy
        self.nlp = make_nlp()
        self._plain = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._context = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._context_forms: set[str] = set()
        taken = {name.lower() for skill in taxonomy.skills.values()
                 for name in (*skill.plain_names, *skill.context_names)}
        for skill in taxonomy.skills.values():
            names = [n.lower() for n in skill.plain_names]
            names += [form for name in names for form in inflections(name)
                      if form not in taken and (" " in name or skill.category in _INFLECTED_CATEGORIES)]
            plain = [self.nlp.make_doc(name) for name in dict.fromkeys(names)]
            if plain:
                self._plain.add(skill.id, plain)
            context = [self.nlp.make_doc(name) for name in dict.fromkeys(n.lower() for n in skill.context_names)]
            self._context_forms.update(skill.context_names)
            # A name written in lower case ("backend") is ambiguous in meaning, not in case.
            self._context_forms.update(n.lower() for n in skill.context_names if n == n.lower())
            if context:
                self._context.add(skill.id, context)
        # --- the trained skill model beside the rules (taxonomy/skill_model.py); None: rules only.
        # ``model``: None follows JOBMATCH_SKILL_MODEL (rules only unless "on"), False is rules only,
        # True or a SkillModel runs it.
        from jobmatch.taxonomy.skill_model import hybrid_for
        self.hybrid = hybrid_for(self, model)
        # ---

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
        layout = PostingLayout(text)
        spans = self._skill_spans(doc, layout)
        unlisted: list[Any] = []
        if self.hybrid is not None:  # --- the skill model's linked spans join the rules' (skill_model.py) ---
            spans, unlisted = self.hybrid.merge(doc, spans, layout)
        education = education_asked(text, layout)
        found: dict[str, FoundSkill] = {}
        negated: set[str] = set()
        fields: list[str] = []
        kept: list[tuple[str, int, int]] = []
        for skill_id, start, end in spans:
            if any(f_start <= start < f_end for f_start, f_end in education.fields):
                fields.append(skill_id)  # "BS in Computer Science": the degree's subject, not a skill asked
                continue
            level = layout.level_at(start, end)
            if _NAMES_A_TEAM.match(text, end):
                continue  # "our QA team", "Software Engineering roles": a group of people, not an ask
            if level is None:
                if layout.is_negated(start, end):
                    negated.add(skill_id)
                continue
            entry = found.setdefault(skill_id, FoundSkill(skill_id))
            entry.spans.append((start, end))
            kept.append((skill_id, start, end))
            if LEVEL_RANK[level] > LEVEL_RANK[entry.requirement]:
                entry.requirement = level
        # A skill named only where the employer describes itself ("we run on Kafka") is not asked for.
        employer_only = [k for k, v in found.items() if all(layout.about_employer(a) for a, _ in v.spans)]
        if employer_only and layout.addresses_candidate:  # the costlier check only when something would go
            for skill_id in employer_only:
                del found[skill_id]
        overall = self._assign_years(text, spans, found)
        _mark_alternatives(text, [span for span in kept if span[0] in found
                                   and not self.taxonomy.skills[span[0]].degree_level], found)
        if structured:
            self._add_structured(structured, found)
        first_line = text.split("\n", 1)[0]
        title_skills = self._title_skills(title) if title else []
        for skill_id in title_skills:
            if skill_id not in negated and not self.taxonomy.skills[skill_id].degree_level:
                # The title says what the job is: its skills are core asks even when the text never names them.
                entry = found.setdefault(skill_id, FoundSkill(skill_id, REQUIRED))
                entry.in_title = True
        result = Extraction(
            skills=sorted(found.values(), key=lambda s: (s.spans[0][0] if s.spans else len(text), s.id)),
            education=education.required if education.required not in (None, "none") or not education.preferred
            else education.preferred,
            education_or_equivalent=education.equivalent_experience, years_experience=overall,
            seniority=seniority_of(title if title is not None else first_line, text),
            education_required=education.required, education_preferred=education.preferred,
            education_fields=list(dict.fromkeys(fields)),
            title_skills=title_skills,
            unlisted=unlisted,
        )
        if structured and result.years_experience is None:
            result.years_experience = _structured_years(structured)
        return result

    def _title_skills(self, title: str) -> list[str]:
        """The skills a job title names ("Senior Machine Learning Engineer, NLP")."""
        doc = self.nlp.make_doc(_clean_input(title)[:500])
        return list(dict.fromkeys(skill_id for skill_id, _, _ in self._skill_spans(doc, PostingLayout(doc.text),
                                                                                    title=True)))

    def _skill_spans(self, doc: Doc, layout: PostingLayout | None = None, *,
                     title: bool = False) -> list[tuple[str, int, int]]:
        """Skill mentions as (skill id, start char, end char), longest first, never overlapping."""
        plain = self._plain(doc)
        labels = {(start, end): match_id for match_id, start, end in plain}
        plain_tokens = {start for _, start, _ in plain} | {end - 1 for _, _, end in plain}
        candidates = [(m, s, e) for m, s, e in self._context(doc) if (s, e) not in labels]
        candidate_tokens = {s for _, s, _ in candidates} | {e - 1 for _, _, e in candidates}
        for match_id, start, end in candidates:
            exact = doc[start:end].text in self._context_forms or doc[start:end].text.lower() in self._context_forms
            if layout is not None and layout.is_tag_line(doc[start].idx):
                accepted = True  # "Technologies: java rest cloud spring"
            elif exact:
                accepted = _in_context(doc, start, end, plain_tokens, candidate_tokens) or \
                    (not title and doc[start:end].text in self._context_forms and _alone_on_line(doc, start, end))
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


_EXAMPLE_CUE = re.compile(r"(such as|e\.g\.?|eg\.|for example|for instance|like|one of|any of|either|"
                          r"at least one of|one or more of)[\s:(]*$", re.I)
_GLUE_BETWEEN = re.compile(r"^[\s,/()&+|]*(?:(?:and|or|and/or|as well as|plus|either)[\s,/()]*)*$", re.I)
_OR_GLUE = re.compile(r"\bor\b|/|\|", re.I)
_AND_GLUE = re.compile(r"\band\b(?!/)|&|\+|\bas well as\b|\bplus\b", re.I)


def _mark_alternatives(text: str, spans: list[tuple[str, int, int]], found: dict[str, FoundSkill]) -> None:
    """Group "X or Y", "A, B or C", "such as A, B", "a cloud provider (AWS, GCP or Azure)" into one
    ask with options: each member's ``any_of`` lists the group. A skill also asked on its own
    elsewhere keeps no ``any_of`` (it is asked for itself), but stays an option of the group."""
    runs: list[list[tuple[str, int, int, str]]] = []  # members with the glue before them
    for skill_id, start, end in sorted(spans, key=lambda item: item[1]):
        if runs:
            last = runs[-1][-1]
            between = text[last[2]:start]
            if len(between) <= 30 and "\n" not in between and _GLUE_BETWEEN.match(between):
                runs[-1].append((skill_id, start, end, between))
                continue
        runs.append([(skill_id, start, end, "")])
    grouped: dict[str, list[str]] = {}
    alone: set[str] = set()
    for run in runs:
        before = text[max(0, run[0][1] - 30):run[0][1]]
        if len(run) > 1 and _EXAMPLE_CUE.search(before):
            pieces = [run]
        else:  # "Python and either PyTorch or TensorFlow": "and" separates asks
            pieces, current = [], [run[0]]
            for member in run[1:]:
                if _AND_GLUE.search(member[3]) and not _OR_GLUE.search(member[3]):
                    pieces.append(current)
                    current = [member]
                else:
                    current.append(member)
            pieces.append(current)
            pieces = [p for p in pieces if len(p) == 1 or any(_OR_GLUE.search(m[3]) for m in p[1:])
                      or not all(m[3].strip(" ,") == "" for m in p[1:])]
        for piece in pieces:
            ids = list(dict.fromkeys(member[0] for member in piece))
            if len(ids) < 2 or (not _EXAMPLE_CUE.search(before) and not any(_OR_GLUE.search(m[3]) for m in piece[1:])):
                alone.update(ids)
                continue
            for skill_id in ids:
                grouped.setdefault(skill_id, ids)
    for skill_id, ids in grouped.items():
        if skill_id not in alone and skill_id in found:
            found[skill_id].any_of = ids


def inflections(name: str) -> list[str]:
    """Plural and singular forms of a name's last word ("docker" -> "dockers", "vector databases" ->
    "vector database"), so "Dockers" and "architectures" match their skill."""
    words = name.split(" ")
    last = words[-1]
    if not last.isalpha() or len(last) < 4:
        return []
    forms = []
    if last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(words) > 1:
        forms.append(last[:-1])
    elif not last.endswith("s"):
        if last.endswith("y") and last[-2] not in "aeiou":
            forms.append(last[:-1] + "ies")
        elif last.endswith(("sh", "ch", "x")):
            forms.append(last + "es")
        else:
            forms.append(last + "s")
    return [" ".join([*words[:-1], form]) for form in forms]


def _alone_on_line(doc: Doc, start: int, end: int) -> bool:
    """Whether a name is a list item of its own ("- Spark"): the only word on its line."""
    for index in range(start - 1, -1, -1):
        token = doc[index]
        if "\n" in token.text or token.is_space and "\n" in token.whitespace_ + token.text:
            break
        if not token.is_punct and token.text not in ("•", "*", "-", "–", "·", "▪", "●"):
            return False
        if "\n" in token.whitespace_:
            break
    if start > 0 and "\n" not in doc[start - 1].text and "\n" not in doc[start - 1].whitespace_ \
            and start - 1 >= 0 and not doc[start - 1].is_punct and doc[start - 1].text not in ("•", "*", "-"):
        return False
    for index in range(end, len(doc)):
        token = doc[index]
        if "\n" in token.text:
            break
        if not token.is_punct:
            return False
        if "\n" in token.whitespace_:
            break
    return True


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
